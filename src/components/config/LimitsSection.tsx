import React from 'react';
import { FieldSet } from '@grafana/ui';

import { DEFAULT_SETTINGS, TokenTrailOptions } from '../../types';
import { NumberField } from './NumberField';
import { SettingsProps, withJsonData } from './settings';

type LimitKey = keyof Pick<TokenTrailOptions, 'dialTimeoutSeconds' | 'queryTimeoutSeconds' | 'maxOpenConns'>;

const LIMITS: Array<{ key: LimitKey; label: string; description: string; max: number }> = [
  {
    key: 'dialTimeoutSeconds',
    label: 'Dial timeout (seconds)',
    description: 'How long to wait for a connection to ClickHouse',
    max: 300,
  },
  {
    key: 'queryTimeoutSeconds',
    label: 'Query timeout (seconds)',
    description: 'Longest a detection query may run before it is cancelled',
    max: 3600,
  },
  {
    key: 'maxOpenConns',
    label: 'Maximum open connections',
    description: 'Connections this data source may hold open to ClickHouse at once',
    max: 200,
  },
];

/** Timeouts and connection pool size; defaults suit most deployments. */
export function LimitsSection({ options, onOptionsChange }: SettingsProps) {
  return (
    <FieldSet label="Limits">
      {LIMITS.map(({ key, label, description, max }) => (
        <NumberField
          key={key}
          id={`tokentrail-${key}`}
          label={label}
          description={description}
          value={options.jsonData[key]}
          defaultValue={DEFAULT_SETTINGS[key]}
          min={1}
          max={max}
          onChange={(value) => onOptionsChange(withJsonData(options, { [key]: value }))}
        />
      ))}
    </FieldSet>
  );
}
