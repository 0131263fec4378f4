import React from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, RadioButtonGroup, Stack } from '@grafana/ui';

import { DataSource } from '../datasource';
import { parseWholeNumber } from '../numbers';
import {
  GROUP_ONLY_FIELDS,
  MAX_TIMELINE_LIMIT,
  QUERY_TYPES,
  QueryType,
  TokenTrailOptions,
  TokenTrailQuery,
  withDefaults,
} from '../types';
import { CommittedInput } from './query/CommittedInput';
import { CountOptions } from './query/CountOptions';
import { DetectionOptions } from './query/DetectionOptions';
import { FiltersEditor } from './query/FiltersEditor';
import { RiskOptions } from './query/RiskOptions';
import { LABEL_WIDTH, QueryChange } from './query/shared';
import { useFieldCatalog } from './query/useFieldCatalog';

type Props = QueryEditorProps<DataSource, TokenTrailQuery, TokenTrailOptions>;

function limitError(text: string): string | undefined {
  return parseWholeNumber(text, 1, MAX_TIMELINE_LIMIT).error;
}

/**
 * Query editor. Unset options are shown with their defaults, so a new panel
 * runs the sequences detection without any typing; only the options that
 * apply to the selected query type are shown.
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
            onChange={(queryType) => change({ queryType }, true)}
          />
        </InlineField>
      </InlineFieldRow>
      {options.queryType !== 'timeline' && (
        <DetectionOptions
          idPrefix={idPrefix}
          options={options}
          correlationFields={catalog.correlate}
          variables={variables}
          onChange={change}
        />
      )}
      {options.queryType !== 'timeline' && (
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
          <CommittedInput
            id={`${idPrefix}-limit`}
            label="Limit"
            tooltip={`Most events returned, newest first; at most ${MAX_TIMELINE_LIMIT}`}
            value={query.limit === undefined ? '' : String(query.limit)}
            placeholder={String(options.limit)}
            width={12}
            validate={limitError}
            onCommit={(text, valid) => {
              if (valid) {
                change({ limit: parseWholeNumber(text, 1, MAX_TIMELINE_LIMIT).value }, true);
              }
            }}
          />
        </InlineFieldRow>
      )}
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
