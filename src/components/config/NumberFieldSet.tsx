import React from 'react';
import { FieldSet } from '@grafana/ui';

import { TokenTrailOptions } from '../../types';
import { NumberField } from './NumberField';
import { SettingsProps, withJsonData } from './settings';

/** The numeric settings, by key. */
export type NumberSettingKey = {
  [K in keyof TokenTrailOptions]-?: TokenTrailOptions[K] extends number | undefined ? K : never;
}[keyof TokenTrailOptions];

/** One numeric setting: its label, what it does, its range and the default the backend applies. */
export interface NumberSetting {
  key: NumberSettingKey;
  label: string;
  description: string;
  min: number;
  max: number;
  defaultValue: number;
}

interface Props extends SettingsProps {
  label: string;
  settings: NumberSetting[];
}

/** A titled group of whole-number settings; an empty field means the default. */
export function NumberFieldSet({ label, settings, options, onOptionsChange }: Props) {
  return (
    <FieldSet label={label}>
      {settings.map(({ key, label: fieldLabel, description, min, max, defaultValue }) => (
        <NumberField
          key={key}
          id={`tokentrail-${key}`}
          label={fieldLabel}
          description={description}
          value={options.jsonData[key]}
          defaultValue={defaultValue}
          min={min}
          max={max}
          onChange={(value) => onOptionsChange(withJsonData(options, { [key]: value }))}
        />
      ))}
    </FieldSet>
  );
}
