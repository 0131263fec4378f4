import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { DataSource } from './datasource';
import { TokenTrailOptions, TokenTrailQuery } from './types';

export const plugin = new DataSourcePlugin<DataSource, TokenTrailQuery, TokenTrailOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
