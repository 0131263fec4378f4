import React from 'react';

import { DEFAULT_SETTINGS } from '../../types';
import { NumberFieldSet, NumberSetting } from './NumberFieldSet';
import { SettingsProps } from './settings';

const LIMITS: NumberSetting[] = [
  {
    key: 'dialTimeoutSeconds',
    label: 'Dial timeout (seconds)',
    description: 'How long to wait for a connection to ClickHouse',
    min: 1,
    max: 300,
    defaultValue: DEFAULT_SETTINGS.dialTimeoutSeconds,
  },
  {
    key: 'queryTimeoutSeconds',
    label: 'Query timeout (seconds)',
    description: 'Longest a detection query may run before it is cancelled',
    min: 1,
    max: 3600,
    defaultValue: DEFAULT_SETTINGS.queryTimeoutSeconds,
  },
  {
    key: 'maxOpenConns',
    label: 'Maximum open connections',
    description: 'Connections this data source may hold open to ClickHouse at once',
    min: 1,
    max: 200,
    defaultValue: DEFAULT_SETTINGS.maxOpenConns,
  },
];

/** Timeouts and connection pool size; defaults suit most deployments. */
export function LimitsSection(props: SettingsProps) {
  return <NumberFieldSet label="Limits" settings={LIMITS} {...props} />;
}
