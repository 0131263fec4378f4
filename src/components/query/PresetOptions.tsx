import React from 'react';
import { InlineField, InlineFieldRow, RadioButtonGroup } from '@grafana/ui';

import { Preset, PRESET_CORRELATE_BY, PRESETS } from '../../posture';
import { QueryOptions } from '../../types';
import { LABEL_WIDTH, QueryChange } from './shared';

interface Props {
  idPrefix: string;
  options: QueryOptions;
  onChange: QueryChange;
}

/**
 * The detection rule: a named preset, or custom correlation fields. Choosing a
 * preset writes the correlateBy it stands for, so the saved query says exactly
 * what runs; the backend applies the same preset again.
 */
export function PresetOptions({ idPrefix, options, onChange }: Props) {
  const current = PRESETS.find((p) => p.value === options.preset);
  return (
    <InlineFieldRow>
      <InlineField label="Preset" labelWidth={LABEL_WIDTH} tooltip={current?.description}>
        <RadioButtonGroup<Preset>
          id={`${idPrefix}-preset`}
          options={PRESETS.map(({ value, label, description }) => ({ value, label, description }))}
          value={options.preset}
          onChange={(preset) => {
            const correlateBy = preset === 'custom' ? options.correlateBy : [...PRESET_CORRELATE_BY[preset]];
            onChange({ preset, correlateBy }, true);
          }}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
