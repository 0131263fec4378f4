import React from 'react';
import { InlineField, InlineFieldRow, MultiCombobox, RadioButtonGroup } from '@grafana/ui';

import { CountFormat, QueryOptions } from '../../types';
import { LABEL_WIDTH, QueryChange, toOptions } from './shared';

interface Props {
  idPrefix: string;
  options: QueryOptions;
  groupFields: string[];
  variables: string[];
  onChange: QueryChange;
}

const FORMATS: Array<{ value: CountFormat; label: string; description: string }> = [
  {
    value: 'numeric',
    label: 'Numeric',
    description: 'One number per group over the whole time range: for alert rules and stat panels',
  },
  { value: 'timeseries', label: 'Time series', description: 'Counts per time bucket and group: for graphs' },
];

/** Grouping and output shape of sequence counts. */
export function CountOptions({ idPrefix, options, groupFields, variables, onChange }: Props) {
  return (
    <InlineFieldRow>
      <InlineField
        label="Group by"
        labelWidth={LABEL_WIDTH}
        tooltip="One count per distinct combination of these columns; empty gives a single total"
      >
        <MultiCombobox<string>
          id={`${idPrefix}-group-by`}
          width="auto"
          minWidth={50}
          options={toOptions(groupFields, variables)}
          value={options.groupBy}
          onChange={(selected) => onChange({ groupBy: selected.map((option) => option.value) }, true)}
        />
      </InlineField>
      <InlineField label="Format" labelWidth={LABEL_WIDTH}>
        <RadioButtonGroup<CountFormat>
          id={`${idPrefix}-format`}
          options={FORMATS}
          value={options.format as CountFormat}
          onChange={(format) => onChange({ format }, true)}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
