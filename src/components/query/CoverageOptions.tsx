import React from 'react';
import { InlineField, InlineFieldRow, MultiCombobox, RadioButtonGroup } from '@grafana/ui';

import { COVERAGE_FINDINGS } from '../../posture';
import { QueryFormat, QueryOptions } from '../../types';
import { LABEL_WIDTH, QueryChange, toOptions } from './shared';

interface Props {
  idPrefix: string;
  options: QueryOptions;
  onChange: QueryChange;
}

const FORMATS: Array<{ value: QueryFormat; label: string; description: string }> = [
  { value: 'table', label: 'Table', description: 'One row per source and tenant, blind spots in words' },
  { value: 'count', label: 'Count', description: 'How many sources pass Require: for stat panels' },
  {
    value: 'numeric',
    label: 'Per source',
    description: 'One number per source and tenant (the Require findings it has): for alert rules',
  },
];

/** Options of the coverage query; its thresholds are data source settings. */
export function CoverageOptions({ idPrefix, options, onChange }: Props) {
  return (
    <InlineFieldRow>
      <InlineField
        label="Require"
        labelWidth={LABEL_WIDTH}
        tooltip="Keep sources that have every finding chosen here (blind_spot: any finding); empty keeps every source"
      >
        <MultiCombobox<string>
          id={`${idPrefix}-coverage-require`}
          width="auto"
          minWidth={30}
          options={toOptions(COVERAGE_FINDINGS)}
          value={options.require.filter((finding) => (COVERAGE_FINDINGS as readonly string[]).includes(finding))}
          onChange={(selected) => onChange({ require: selected.map((option) => option.value) }, true)}
        />
      </InlineField>
      <InlineField label="Format" labelWidth={LABEL_WIDTH}>
        <RadioButtonGroup<QueryFormat>
          id={`${idPrefix}-coverage-format`}
          options={FORMATS}
          value={options.format}
          onChange={(format) => onChange({ format }, true)}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
