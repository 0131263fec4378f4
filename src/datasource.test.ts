import { CoreApp } from '@grafana/data';

import { DataSource } from './datasource';
import { STATIC_FIELD_CATALOG } from './fieldCatalog';
import { FakeTemplateSrv } from './test/fakeTemplateSrv';
import { instanceSettings } from './test/settings';
import { MinSeverity, TokenTrailQuery } from './types';

const variables = {
  app: ['slack-bot', 'ci-token'],
  tenant: 'acme',
  span: '30m',
  keys: ['actor_id', 'tenant'],
  none: [],
};

function dataSource() {
  return new DataSource(instanceSettings(), new FakeTemplateSrv(variables));
}

describe('DataSource.applyTemplateVariables', () => {
  it('expands multi-value variables in filter values, correlateBy and groupBy', () => {
    const query: TokenTrailQuery = {
      refId: 'A',
      queryType: 'sequenceCounts',
      maxSpan: '$span',
      correlateBy: ['$keys', 'app_id'],
      groupBy: ['$keys'],
      filters: [
        { field: 'app_id', op: 'in', values: ['$app', 'zoom'] },
        { field: 'tenant', op: '=', values: ['$tenant'] },
        { field: 'app_name', op: 'like', values: ['%$app%'] },
      ],
    };
    const result = dataSource().applyTemplateVariables(query, {});
    expect(result.maxSpan).toBe('30m');
    expect(result.correlateBy).toEqual(['actor_id', 'tenant', 'app_id']);
    expect(result.groupBy).toEqual(['actor_id', 'tenant']);
    expect(result.filters).toEqual([
      { field: 'app_id', op: 'in', values: ['slack-bot', 'ci-token', 'zoom'] },
      { field: 'tenant', op: '=', values: ['acme'] },
      { field: 'app_name', op: 'like', values: ['%slack-bot%', '%ci-token%'] },
    ]);
  });

  it.each([
    ['=', 'in'],
    ['!=', 'not in'],
    ['in', 'in'],
    ['not in', 'not in'],
  ] as const)('sends %s with a multi-value variable as %s', (op, expected) => {
    const query: TokenTrailQuery = {
      refId: 'A',
      queryType: 'timeline',
      filters: [{ field: 'app_id', op, values: ['$app'] }],
    };
    const [filter] = dataSource().applyTemplateVariables(query, {}).filters ?? [];
    expect(filter).toEqual({ field: 'app_id', op: expected, values: ['slack-bot', 'ci-token'] });
  });

  it('drops filters that end up without values', () => {
    const query: TokenTrailQuery = {
      refId: 'A',
      queryType: 'timeline',
      filters: [
        { field: 'app_id', op: 'in', values: [] },
        { field: 'tenant', op: 'in', values: ['$none'] },
        { field: '', op: '=', values: ['x'] },
        { field: 'source', op: '=', values: ['okta'] },
      ],
    };
    expect(dataSource().applyTemplateVariables(query, {}).filters).toEqual([
      { field: 'source', op: '=', values: ['okta'] },
    ]);
  });

  it('fills options missing from older saved queries with their defaults', () => {
    const result = dataSource().applyTemplateVariables({ refId: 'B' } as TokenTrailQuery, {});
    expect(result).toMatchObject({
      refId: 'B',
      queryType: 'sequences',
      maxSpan: '1h',
      correlateBy: ['actor_id', 'app_id'],
      minSensitivity: 1,
      includeApproved: false,
      filters: [],
      limit: 1000,
      minSeverity: '',
      signinWindow: '12h',
    });
  });

  it('interpolates the minimum severity and the sign-in window', () => {
    const query: TokenTrailQuery = {
      refId: 'A',
      queryType: 'sequences',
      minSeverity: '$sev' as MinSeverity,
      signinWindow: '$win',
    };
    const result = dataSource().applyTemplateVariables(query, {
      sev: { text: 'high', value: 'high' },
      win: { text: '6h', value: '6h' },
    });
    expect(result.minSeverity).toBe('high');
    expect(result.signinWindow).toBe('6h');
    expect(result).not.toHaveProperty('baselineDays');
  });

  it('uses scoped variables of repeated panels', () => {
    const query: TokenTrailQuery = {
      refId: 'A',
      queryType: 'timeline',
      filters: [{ field: 'app_id', op: '=', values: ['$app'] }],
    };
    const result = dataSource().applyTemplateVariables(query, { app: { text: 'zoom', value: 'zoom' } });
    expect(result.filters).toEqual([{ field: 'app_id', op: '=', values: ['zoom'] }]);
  });
});

describe('DataSource defaults', () => {
  it('starts new queries on sequences with the documented defaults', () => {
    expect(dataSource().getDefaultQuery(CoreApp.PanelEditor)).toMatchObject({
      queryType: 'sequences',
      maxSpan: '1h',
      correlateBy: ['actor_id', 'app_id'],
      minSensitivity: 1,
      includeApproved: false,
    });
  });

  it('hands out copies, so editing one query cannot change the next default', () => {
    const ds = dataSource();
    ds.getDefaultQuery(CoreApp.PanelEditor).correlateBy?.push('tenant');
    expect(ds.getDefaultQuery(CoreApp.PanelEditor).correlateBy).toEqual(['actor_id', 'app_id']);
  });

  it('skips hidden queries', () => {
    const ds = dataSource();
    expect(ds.filterQuery({ refId: 'A', queryType: 'sequences', hide: true })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', queryType: 'sequences' })).toBe(true);
  });

  it('lists dashboard variables as references', () => {
    expect(dataSource().getVariableReferences()).toEqual(['$app', '$tenant', '$span', '$keys', '$none']);
  });
});

describe('DataSource resources', () => {
  it('reads the field catalogue from the backend once', async () => {
    const ds = dataSource();
    const getResource = jest
      .spyOn(ds, 'getResource')
      .mockResolvedValue({ correlate: ['actor_id', 'session_id'], filter: ['app_id'], operators: ['=', 'regex'] });
    await ds.getFieldCatalog();
    const catalog = await ds.getFieldCatalog();
    expect(getResource).toHaveBeenCalledTimes(1);
    expect(getResource).toHaveBeenCalledWith('fields');
    expect(catalog).toEqual({ correlate: ['actor_id', 'session_id'], filter: ['app_id'], operators: ['='] });
  });

  it('falls back to the built-in catalogue when the backend fails', async () => {
    const ds = dataSource();
    jest.spyOn(ds, 'getResource').mockRejectedValue(new Error('plugin unavailable'));
    await expect(ds.getFieldCatalog()).resolves.toEqual(STATIC_FIELD_CATALOG);
  });

  it('asks for values of one field and tolerates failures', async () => {
    const ds = dataSource();
    const getResource = jest.spyOn(ds, 'getResource').mockResolvedValueOnce({ values: ['zoom', 7, 'slack'] });
    await expect(ds.getFieldValues('app_id')).resolves.toEqual(['zoom', 'slack']);
    expect(getResource).toHaveBeenCalledWith('values', { field: 'app_id' });
    getResource.mockRejectedValueOnce(new Error('timeout'));
    await expect(ds.getFieldValues('app_id')).resolves.toEqual([]);
  });
});
