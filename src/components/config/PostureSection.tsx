import React from 'react';

import { DEFAULT_SETTINGS } from '../../types';
import { NumberFieldSet, NumberSetting } from './NumberFieldSet';
import { SettingsProps } from './settings';

const THRESHOLDS: NumberSetting[] = [
  {
    key: 'silenceHours',
    label: 'Silent after (hours)',
    description: 'A source with no events for longer than this has stopped sending',
    min: 1,
    max: 8760,
    defaultValue: DEFAULT_SETTINGS.silenceHours,
  },
  {
    key: 'minRetentionDays',
    label: 'Minimum retention (days)',
    description: 'A source keeping fewer days of events than this is a blind spot; coverage reads this far back',
    min: 1,
    max: 3650,
    defaultValue: DEFAULT_SETTINGS.minRetentionDays,
  },
  {
    key: 'minTokenIdPercent',
    label: 'Minimum token ids (%)',
    description: 'Token-based events carrying a token_id below this share: one token cannot be told from another',
    min: 0,
    max: 100,
    defaultValue: DEFAULT_SETTINGS.minTokenIdPercent,
  },
  {
    key: 'maxZeroDays',
    label: 'Allowed days without events',
    description: 'More whole days without any event than this is a gap in the telemetry',
    min: 0,
    max: 3650,
    defaultValue: DEFAULT_SETTINGS.maxZeroDays,
  },
  {
    key: 'alertLookbackMinutes',
    label: 'Alert look-back (minutes)',
    description: 'The look-back of your alert rules: a p95 ingest delay above it means alerts miss late events',
    min: 1,
    max: 10080,
    defaultValue: DEFAULT_SETTINGS.alertLookbackMinutes,
  },
];

/**
 * Thresholds of the coverage blind spots; the defaults suit most organisations.
 * (The inventory reads Baseline days, under Detection, before the range.)
 */
export function PostureSection(props: SettingsProps) {
  return <NumberFieldSet label="Posture and coverage" settings={THRESHOLDS} {...props} />;
}
