import React from 'react';
import { Combobox, InlineField, InlineFieldRow, InlineSwitch, MultiCombobox } from '@grafana/ui';

import { maxSpanError } from '../../duration';
import { QueryOptions, SENSITIVITY_LEVELS } from '../../types';
import { CommittedInput } from './CommittedInput';
import { LABEL_WIDTH, QueryChange, toOptions } from './shared';

interface Props {
  idPrefix: string;
  options: QueryOptions;
  correlationFields: string[];
  variables: string[];
  onChange: QueryChange;
}

const SENSITIVITY_OPTIONS = SENSITIVITY_LEVELS.map(({ value, label, description }) => ({ value, label, description }));

/**
 * How an access event is tied to the activity that followed it; shared by
 * sequences and sequence counts. Correlate by shows the preset's fields;
 * editing them makes the query's preset custom.
 */
export function DetectionOptions({ idPrefix, options, correlationFields, variables, onChange }: Props) {
  const correlateError = options.correlateBy.length === 0 ? 'choose at least one field, e.g. actor_id' : undefined;

  return (
    <>
      <InlineFieldRow>
        <CommittedInput
          id={`${idPrefix}-max-span`}
          label="Max span"
          tooltip="Longest time between the token access and the follow-up event, as a Go duration: 30m, 1h, 1h30m"
          value={options.maxSpan}
          placeholder="1h"
          width={12}
          validate={maxSpanError}
          onCommit={(maxSpan, valid) => onChange({ maxSpan }, valid)}
        />
        <InlineField
          label="Min sensitivity"
          labelWidth={LABEL_WIDTH}
          tooltip="Lowest sensitivity of the follow-up event that completes a sequence"
        >
          <Combobox<number>
            id={`${idPrefix}-min-sensitivity`}
            width={16}
            options={SENSITIVITY_OPTIONS}
            value={options.minSensitivity}
            onChange={(option) => onChange({ minSensitivity: option.value }, true)}
          />
        </InlineField>
        <InlineField
          label="Include approved apps"
          labelWidth={LABEL_WIDTH + 4}
          tooltip="Also report apps on the data source's approved list"
        >
          <InlineSwitch
            id={`${idPrefix}-include-approved`}
            value={options.includeApproved}
            onChange={(event) => onChange({ includeApproved: event.currentTarget.checked }, true)}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Correlate by"
          labelWidth={LABEL_WIDTH}
          tooltip="The follow-up event must share these columns with the access event; changing them switches the preset to Custom"
          invalid={correlateError !== undefined}
          error={correlateError}
        >
          <MultiCombobox<string>
            id={`${idPrefix}-correlate-by`}
            width="auto"
            minWidth={50}
            options={toOptions(correlationFields, variables)}
            value={options.correlateBy}
            onChange={(selected) => {
              // Choosing the fields yourself is the custom preset; the named ones fix them.
              const correlateBy = selected.map((option) => option.value);
              onChange({ correlateBy, preset: 'custom' }, correlateBy.length > 0);
            }}
          />
        </InlineField>
      </InlineFieldRow>
    </>
  );
}
