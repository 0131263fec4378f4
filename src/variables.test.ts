import { CoreApp, dateTime } from '@grafana/data';

import { DataSource } from './datasource';
import { FakeTemplateSrv } from './test/fakeTemplateSrv';
import { instanceSettings } from './test/settings';
import { describeVariableQuery, parseVariableQuery, parseVariableValues } from './variables';

describe('variable queries', () => {
  it.each([
    ['actors', { kind: 'actors' }],
    ['actors:ali:ce', { kind: 'actors', prefix: 'ali:ce' }],
    ['  tokens ', { kind: 'tokens' }],
    ['users', { kind: 'apps' }],
    [
      { kind: 'tenants', limit: 5 },
      { kind: 'tenants', limit: 5 },
    ],
  ] as const)('%j reads as %j', (query, want) => {
    expect(parseVariableQuery(query as never)).toEqual(want);
  });

  it('reads values, showing the id when there is no name, and ignores junk', () => {
    expect(
      parseVariableValues({ values: [{ text: 'Alice', value: 'u1' }, { text: '', value: 'u2' }, { value: 3 }, 'x'] })
    ).toEqual([
      { text: 'Alice', value: 'u1' },
      { text: 'u2', value: 'u2' },
    ]);
    expect(parseVariableValues({ error: 'bad' })).toEqual([]);
  });

  it('summarises a query for the variables list', () => {
    expect(describeVariableQuery({ kind: 'apps', prefix: 'sl', limit: 10 })).toBe(
      'TokenTrail apps, starting with "sl", at most 10'
    );
  });
});

describe('DataSource variables and annotations', () => {
  function dataSource() {
    const ds = new DataSource(instanceSettings({ baselineDays: 60 }), new FakeTemplateSrv({ tenant: 'acme' }));
    const getResource = jest
      .spyOn(ds, 'getResource')
      .mockResolvedValue({ values: [{ text: 'Slack bot', value: 'A1' }] } as never);
    return { ds, getResource };
  }

  it('asks the variables resource with the interpolated prefix and the dashboard range', async () => {
    const { ds, getResource } = dataSource();
    const range = { from: dateTime(1000), to: dateTime(2000), raw: { from: 'now-1h', to: 'now' } };
    const values = await ds.metricFindQuery({ kind: 'apps', prefix: '$tenant-', limit: 20 }, { range });
    expect(getResource).toHaveBeenCalledWith('variables', {
      kind: 'apps',
      prefix: 'acme-',
      limit: 20,
      from: 1000,
      to: 2000,
    });
    expect(values).toEqual([{ text: 'Slack bot', value: 'A1' }]);
  });

  it('lets the picker search replace the prefix', async () => {
    const { ds, getResource } = dataSource();
    await ds.metricFindQuery('actors:zz', { searchFilter: 'bo' });
    expect(getResource).toHaveBeenCalledWith('variables', { kind: 'actors', prefix: 'bo' });
  });

  it('runs an annotation as a sequences query in the annotations format', () => {
    const { ds } = dataSource();
    const target = { refId: 'Anno', queryType: 'timeline' as const, preset: 'an0020-broad' as const };
    expect(ds.annotations.prepareQuery?.({ target } as never)).toEqual({
      ...target,
      queryType: 'sequences',
      format: 'annotations',
    });
    expect(ds.annotations.getDefaultQuery?.()).toMatchObject({ queryType: 'sequences', format: 'annotations' });
    expect(ds.settingsDefault('baselineDays')).toBe(60);
    expect(ds.getDefaultQuery(CoreApp.PanelEditor)).toMatchObject({ queryType: 'sequences', preset: 'an0020' });
  });
});
