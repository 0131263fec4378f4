import React from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, RadioButtonGroup, Stack } from '@grafana/ui';

import { DataSource } from '../datasource';
import { formatFor } from '../posture';
import {
  DEFAULT_SETTINGS,
  GROUP_ONLY_FIELDS,
  MAX_TIMELINE_LIMIT,
  QUERY_TYPES,
  QueryFormat,
  QueryType,
  TokenTrailOptions,
  TokenTrailQuery,
  withDefaults,
} from '../types';
import { CountOptions } from './query/CountOptions';
import { CoverageOptions } from './query/CoverageOptions';
import { DetectionOptions } from './query/DetectionOptions';
import { FiltersEditor } from './query/FiltersEditor';
import { InventoryOptions } from './query/InventoryOptions';
import { NumberOption } from './query/NumberOption';
import { PresetOptions } from './query/PresetOptions';
import { RiskOptions } from './query/RiskOptions';
import { LABEL_WIDTH, QueryChange } from './query/shared';
import { useFieldCatalog } from './query/useFieldCatalog';

type Props = QueryEditorProps<DataSource, TokenTrailQuery, TokenTrailOptions>;

/** Query types that run the detection rule, and so take a preset. */
const RULE_TYPES: readonly QueryType[] = ['sequences', 'sequenceCounts', 'timeline'];

/**
 * Query editor. Unset options are shown with their defaults, so a new panel
 * runs the sequences detection without any typing, and every other query type
 * renders a useful panel as soon as it is picked; only the options that apply
 * to the selected query type are shown.
 */
export function QueryEditor({ query, datasource, onChange, onRunQuery }: Props) {
  const options = withDefaults(query);
  const catalog = useFieldCatalog(datasource);
  const variables = datasource.getVariableReferences();
  const idPrefix = `tokentrail-${query.refId}`;

  const change: QueryChange = (patch, run) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };

  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={LABEL_WIDTH}>
          <RadioButtonGroup<QueryType>
            id={`${idPrefix}-query-type`}
            options={[...QUERY_TYPES]}
            value={options.queryType}
            onChange={(queryType) =>
              change({ queryType, format: formatFor(queryType, query.format) as QueryFormat }, true)
            }
          />
        </InlineField>
      </InlineFieldRow>
      {RULE_TYPES.includes(options.queryType) && (
        <PresetOptions idPrefix={idPrefix} options={options} onChange={change} />
      )}
      {(options.queryType === 'sequences' || options.queryType === 'sequenceCounts') && (
        <DetectionOptions
          idPrefix={idPrefix}
          options={options}
          correlationFields={catalog.correlate}
          variables={variables}
          onChange={change}
        />
      )}
      {(options.queryType === 'sequences' || options.queryType === 'sequenceCounts') && (
        <RiskOptions idPrefix={idPrefix} options={options} variables={variables} onChange={change} />
      )}
      {options.queryType === 'sequenceCounts' && (
        <CountOptions
          idPrefix={idPrefix}
          options={options}
          groupFields={[...catalog.correlate, ...GROUP_ONLY_FIELDS]}
          variables={variables}
          onChange={change}
        />
      )}
      {options.queryType === 'timeline' && (
        <InlineFieldRow>
          <NumberOption
            id={`${idPrefix}-limit`}
            label="Limit"
            tooltip={`Most events returned, newest first; at most ${MAX_TIMELINE_LIMIT}`}
            value={query.limit}
            placeholder={String(options.limit)}
            min={1}
            max={MAX_TIMELINE_LIMIT}
            onChange={(limit) => change({ limit }, true)}
          />
        </InlineFieldRow>
      )}
      {options.queryType === 'inventory' && (
        <InventoryOptions
          idPrefix={idPrefix}
          options={options}
          defaultBaselineDays={datasource.settingsDefault('baselineDays') ?? DEFAULT_SETTINGS.baselineDays}
          onChange={change}
        />
      )}
      {options.queryType === 'coverage' && <CoverageOptions idPrefix={idPrefix} options={options} onChange={change} />}
      <FiltersEditor
        idPrefix={idPrefix}
        filters={options.filters}
        catalog={catalog}
        variables={variables}
        loadValues={(field) => datasource.getFieldValues(field)}
        onChange={(filters, run) => change({ filters }, run)}
      />
    </Stack>
  );
}
