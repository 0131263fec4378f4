import { FakeTemplateSrv } from './test/fakeTemplateSrv';
import { expandValue, expandValues, MAX_EXPANDED_VALUES } from './templating';

describe('expandValue', () => {
  const templateSrv = new FakeTemplateSrv({
    app: ['slack-bot', 'ci-token'],
    tenant: 'acme',
    none: [],
    many: Array.from({ length: 200 }, (_, i) => `v${i}`),
  });

  it.each([
    ['literal', 'okta', ['okta']],
    ['single-value variable', '$tenant', ['acme']],
    ['multi-value variable', '$app', ['slack-bot', 'ci-token']],
    ['braced multi-value variable', '${app}', ['slack-bot', 'ci-token']],
    ['embedded multi-value variable', '%$app%', ['%slack-bot%', '%ci-token%']],
    ['two variables', '$tenant/$app', ['acme/slack-bot', 'acme/ci-token']],
    [
      'cartesian product',
      '$app:$app',
      ['slack-bot:slack-bot', 'slack-bot:ci-token', 'ci-token:slack-bot', 'ci-token:ci-token'],
    ],
    ['nothing selected', '$none', []],
    ['unknown variable', '$missing', ['$missing']],
  ])('%s', (_name, value, expected) => {
    expect(expandValue(templateSrv, value)).toEqual(expected);
  });

  it('prefers scoped variables, as repeated panels set them', () => {
    expect(expandValue(templateSrv, '$app', { app: { text: 'x', value: 'repeated' } })).toEqual(['repeated']);
  });

  it('keeps values that look like replacement patterns intact', () => {
    const srv = new FakeTemplateSrv({ app: ['$&', "$'"] });
    expect(expandValue(srv, 'x-$app')).toEqual(['x-$&', "x-$'"]);
  });

  it('refuses to expand into more than the bound', () => {
    expect(MAX_EXPANDED_VALUES).toBeLessThan(200 ** 2);
    expect(() => expandValue(templateSrv, '$many-$many')).toThrow(/select fewer values/);
  });
});

describe('expandValues', () => {
  it('expands every value and drops duplicates in first-seen order', () => {
    const templateSrv = new FakeTemplateSrv({ app: ['b', 'a'] });
    expect(expandValues(templateSrv, ['a', '$app', 'c'])).toEqual(['a', 'b', 'c']);
  });
});
