import React from 'react';
import { InlineField, InlineFieldRow, RadioButtonGroup, Stack } from '@grafana/ui';

import { DataSource } from '../datasource';
import {
  describeVariableQuery,
  MAX_VARIABLE_VALUES,
  parseVariableQuery,
  VARIABLE_KINDS,
  VariableKind,
  VariableQuery,
} from '../variables';
import { CommittedInput } from './query/CommittedInput';
import { NumberOption } from './query/NumberOption';
import { LABEL_WIDTH } from './query/shared';

interface Props {
  query: VariableQuery | string | undefined;
  datasource?: DataSource;
  onChange: (query: VariableQuery, definition: string) => void;
}

/**
 * Editor of a dashboard variable backed by the data source: what to list, an
 * optional prefix and a limit. Every change is saved with the summary Grafana
 * shows in the variables list.
 */
export function VariableQueryEditor({ query, onChange }: Props) {
  const current = parseVariableQuery(query);
  const save = (next: VariableQuery) => onChange(next, describeVariableQuery(next));
  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <InlineField label="List" labelWidth={LABEL_WIDTH}>
          <RadioButtonGroup<VariableKind>
            id="tokentrail-variable-kind"
            options={VARIABLE_KINDS.map(({ value, label, description }) => ({ value, label, description }))}
            value={current.kind}
            onChange={(kind) => save({ ...current, kind })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <CommittedInput
          id="tokentrail-variable-prefix"
          label="Prefix"
          tooltip="Only values whose id or name starts with this, ignoring case; dashboard variables allowed"
          value={current.prefix ?? ''}
          placeholder="any"
          width={24}
          validate={() => undefined}
          onCommit={(prefix) => save({ ...current, prefix: prefix === '' ? undefined : prefix })}
        />
        <NumberOption
          id="tokentrail-variable-limit"
          label="Limit"
          tooltip={`Most values listed, most frequent first; at most ${MAX_VARIABLE_VALUES}`}
          value={current.limit}
          placeholder="100"
          min={1}
          max={MAX_VARIABLE_VALUES}
          onChange={(limit) => save({ ...current, limit })}
        />
      </InlineFieldRow>
    </Stack>
  );
}
