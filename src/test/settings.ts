import { DataSourceInstanceSettings, DataSourceSettings, PluginType } from '@grafana/data';

import { TokenTrailOptions, TokenTrailSecureOptions } from '../types';

/** Instance settings of a TokenTrail data source as Grafana passes them to the frontend. */
export function instanceSettings(jsonData: TokenTrailOptions = {}): DataSourceInstanceSettings<TokenTrailOptions> {
  return {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- still required by the type in @grafana/data 12
    id: 1,
    uid: 'tokentrail-test',
    type: 'tokentrail-clickhouse-datasource',
    name: 'TokenTrail',
    access: 'proxy',
    readOnly: false,
    jsonData,
    meta: {
      id: 'tokentrail-clickhouse-datasource',
      name: 'TokenTrail',
      type: PluginType.datasource,
      module: '',
      baseUrl: '',
      info: {
        author: { name: 'TokenTrail' },
        description: '',
        links: [],
        logos: { small: '', large: '' },
        screenshots: [],
        updated: '',
        version: '',
      },
    },
  };
}

/** Saved settings of a TokenTrail data source as the config editor receives them. */
export function dataSourceSettings(
  jsonData: TokenTrailOptions = {},
  secureJsonFields: Record<string, boolean> = {}
): DataSourceSettings<TokenTrailOptions, TokenTrailSecureOptions> {
  return {
    id: 1,
    uid: 'tokentrail-test',
    orgId: 1,
    name: 'TokenTrail',
    typeLogoUrl: '',
    type: 'tokentrail-clickhouse-datasource',
    typeName: 'TokenTrail',
    access: 'proxy',
    url: '',
    user: '',
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- still required by the type in @grafana/data 12
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    jsonData,
    secureJsonFields,
    readOnly: false,
    withCredentials: false,
  };
}
