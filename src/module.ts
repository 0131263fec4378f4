import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import { DataSource } from './datasource';
import { TokenTrailOptions, TokenTrailQuery } from './types';

export const plugin = new DataSourcePlugin<DataSource, TokenTrailQuery, TokenTrailOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor)
  // The issue asks for metricFindQuery variables, which Grafana 12 still drives through this editor hook.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  .setVariableQueryEditor(VariableQueryEditor);
