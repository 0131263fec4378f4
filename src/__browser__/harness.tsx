/**
 * Stand-alone page for the browser smoke check (smoke.mjs). It renders the real
 * config, query and variable editors outside Grafana, owning their state the way Grafana
 * does, and prints the settings and query they produce so the check can read
 * them. Grafana's services are absent: the datasource answers its resource
 * calls from fixed data and reads dashboard variables from a fake.
 */
import React, { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { CoreApp } from '@grafana/data';
import { GlobalStyles, Stack, Text } from '@grafana/ui';

import { ConfigEditor } from '../components/ConfigEditor';
import { QueryEditor } from '../components/QueryEditor';
import { VariableQueryEditor } from '../components/VariableQueryEditor';
import { DataSource } from '../datasource';
import { FakeTemplateSrv } from '../test/fakeTemplateSrv';
import { dataSourceSettings, instanceSettings } from '../test/settings';
import { TokenTrailQuery } from '../types';
import { VariableQuery } from '../variables';

class HarnessDataSource extends DataSource {
  async getResource<T>(path: string, params?: Record<string, unknown>): Promise<T> {
    if (path === 'values') {
      const field = String(params?.field ?? 'value');
      return { values: [`${field}-1`, `${field}-2`] } as T;
    }
    if (path === 'variables') {
      // Echo the request so the check sees what metricFindQuery asked for.
      const kind = String(params?.kind);
      const prefix = String(params?.prefix ?? '');
      return { values: [{ text: `${kind} starting ${prefix || 'anything'}`, value: `${kind}-1` }] } as T;
    }
    // No `fields` answer: the editor must fall back to its built-in catalogue.
    throw new Error(`harness has no backend for ${path}`);
  }
}

const datasource = new HarnessDataSource(
  instanceSettings(),
  new FakeTemplateSrv({ app: ['slack-bot', 'ci-token'], tenant: 'acme' })
);

function Harness() {
  const [settings, setSettings] = useState(dataSourceSettings({ host: 'clickhouse.example.internal' }));
  const [query, setQuery] = useState<TokenTrailQuery>({
    ...(datasource.getDefaultQuery(CoreApp.PanelEditor) as TokenTrailQuery),
    refId: 'A',
  });
  const [runs, setRuns] = useState(0);
  const [variable, setVariable] = useState<{ query: VariableQuery; definition: string }>({
    query: { kind: 'apps' },
    definition: '',
  });
  const [variableValues, setVariableValues] = useState<string[]>([]);
  useEffect(() => {
    datasource.metricFindQuery(variable.query).then((values) => setVariableValues(values.map((v) => v.text)));
  }, [variable]);

  return (
    <Stack direction="column" gap={4}>
      <GlobalStyles />
      <section>
        <Text element="h2">Config editor</Text>
        <ConfigEditor options={settings} onOptionsChange={setSettings} />
        <pre data-testid="settings">
          {JSON.stringify({ jsonData: settings.jsonData, secureJsonData: settings.secureJsonData })}
        </pre>
      </section>
      <section>
        <Text element="h2">Query editor</Text>
        <QueryEditor
          datasource={datasource}
          query={query}
          onChange={setQuery}
          onRunQuery={() => setRuns((n) => n + 1)}
        />
        <pre data-testid="query">{JSON.stringify(query)}</pre>
        <pre data-testid="runs">{runs}</pre>
      </section>
      <section>
        <Text element="h2">Variable editor</Text>
        <VariableQueryEditor
          query={variable.query}
          onChange={(query, definition) => setVariable({ query, definition })}
        />
        <pre data-testid="variable">{JSON.stringify(variable)}</pre>
        <pre data-testid="variable-values">{JSON.stringify(variableValues)}</pre>
      </section>
    </Stack>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(<Harness />);
}
