import React from 'react';
import { Combobox, InlineField, InlineFieldRow } from '@grafana/ui';

import { signinWindowError } from '../../duration';
import { parseWholeNumber } from '../../numbers';
import { MAX_BASELINE_DAYS, MinSeverity, QueryOptions, SEVERITY_LEVELS } from '../../types';
import { CommittedInput } from './CommittedInput';
import { LABEL_WIDTH, QueryChange } from './shared';

interface Props {
  idPrefix: string;
  options: QueryOptions;
  variables: string[];
  onChange: QueryChange;
}

function baselineError(text: string): string | undefined {
  return text.trim() === '' ? undefined : parseWholeNumber(text, 0, MAX_BASELINE_DAYS).error;
}

/** How episodes are scored and which severities are kept; shared by sequences and sequence counts. */
export function RiskOptions({ idPrefix, options, variables, onChange }: Props) {
  const severities = [
    ...SEVERITY_LEVELS.map(({ value, label, description }) => ({ value, label, description })),
    ...variables.map((v) => ({ value: v as MinSeverity, label: v, description: 'Dashboard variable' })),
  ];
  return (
    <InlineFieldRow>
      <InlineField
        label="Min severity"
        labelWidth={LABEL_WIDTH}
        tooltip="Keep only episodes whose risk score reaches this band; the provisioned alert rule uses high"
      >
        <Combobox<MinSeverity>
          id={`${idPrefix}-min-severity`}
          width={16}
          options={severities}
          value={options.minSeverity}
          onChange={(option) => onChange({ minSeverity: option.value }, true)}
        />
      </InlineField>
      <CommittedInput
        id={`${idPrefix}-baseline-days`}
        label="Baseline days"
        tooltip={`Days of history each episode is compared with (0 to ${MAX_BASELINE_DAYS}, 0 turns baselines off); empty uses the data source's setting`}
        value={options.baselineDays === undefined ? '' : String(options.baselineDays)}
        placeholder="data source"
        width={14}
        validate={baselineError}
        onCommit={(text, valid) => {
          if (valid) {
            onChange(
              { baselineDays: text.trim() === '' ? undefined : parseWholeNumber(text, 0, MAX_BASELINE_DAYS).value },
              true
            );
          }
        }}
      />
      <CommittedInput
        id={`${idPrefix}-signin-window`}
        label="Sign-in window"
        tooltip="How long before a token access an interactive sign-in by the same actor still counts, as a Go duration: 12h, 1d"
        value={options.signinWindow}
        placeholder="12h"
        width={12}
        validate={signinWindowError}
        onCommit={(signinWindow, valid) => onChange({ signinWindow }, valid)}
      />
    </InlineFieldRow>
  );
}
