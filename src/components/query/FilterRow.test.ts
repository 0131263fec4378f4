import { Filter } from '../../types';
import { filterError } from './FilterRow';

describe('filterError', () => {
  it.each<[Filter, RegExp | undefined]>([
    [{ field: 'source', op: '=', values: ['okta'] }, undefined],
    [{ field: 'source', op: '=', values: [] }, undefined],
    [{ field: 'source', op: '=', values: ['okta', 'github'] }, /use in for several/],
    [{ field: 'source', op: '!=', values: ['okta', 'github'] }, /use not in for several/],
    [{ field: 'source', op: 'in', values: ['okta', 'github'] }, undefined],
    [{ field: 'source', op: 'not in', values: ['okta', 'github'] }, undefined],
    [{ field: 'app_name', op: 'like', values: ['%bot%', '%sync%'] }, undefined],
  ])('%j', (filter, expected) => {
    const error = filterError(filter);
    if (expected === undefined) {
      expect(error).toBeUndefined();
    } else {
      expect(error).toMatch(expected);
    }
  });
});
