import { parseFieldCatalog, parseFieldValues, STATIC_FIELD_CATALOG } from './fieldCatalog';

describe('parseFieldCatalog', () => {
  it.each([
    ['null', null],
    ['a string', 'fields'],
    ['an array', ['actor_id']],
    ['an empty object', {}],
    ['wrong types', { correlate: 'actor_id', filter: [1, 2], operators: {} }],
    ['only unknown operators', { operators: ['regex', '~'] }],
  ])('falls back to the built-in lists for %s', (_name, body) => {
    expect(parseFieldCatalog(body)).toEqual(STATIC_FIELD_CATALOG);
  });

  it('takes each valid part from the backend and keeps the rest built in', () => {
    expect(parseFieldCatalog({ correlate: ['actor_id', 3, 'session_id'], operators: ['in', 'regex'] })).toEqual({
      correlate: ['actor_id', 'session_id'],
      filter: STATIC_FIELD_CATALOG.filter,
      operators: ['in'],
    });
  });
});

describe('parseFieldValues', () => {
  it.each([
    [{ values: ['a', 'b'] }, ['a', 'b']],
    [{ values: ['a', null, 2] }, ['a']],
    [{ values: 'a' }, []],
    [['a'], []],
    [undefined, []],
  ])('reads %j', (body, expected) => {
    expect(parseFieldValues(body)).toEqual(expected);
  });
});
