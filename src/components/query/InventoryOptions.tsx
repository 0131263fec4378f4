import React from 'react';
import { Combobox, InlineField, InlineFieldRow, MultiCombobox, RadioButtonGroup } from '@grafana/ui';

import { INVENTORY_FLAGS, INVENTORY_KINDS, InventoryKind } from '../../posture';
import {
  MAX_BASELINE_DAYS,
  MAX_TIMELINE_LIMIT,
  MinSeverity,
  QueryFormat,
  QueryOptions,
  SEVERITY_LEVELS,
} from '../../types';
import { NumberOption } from './NumberOption';
import { LABEL_WIDTH, QueryChange, toOptions } from './shared';

interface Props {
  idPrefix: string;
  options: QueryOptions;
  /** The data source's baselineDays, shown while the query sets none. */
  defaultBaselineDays: number;
  onChange: QueryChange;
}

const FORMATS: Array<{ value: QueryFormat; label: string; description: string }> = [
  { value: 'table', label: 'Table', description: 'One row per app, grant or token' },
  { value: 'count', label: 'Count', description: 'How many rows pass Require: for stat panels and alert rules' },
];

const MAX_DAYS = 3650;

/** Options of the inventory: which kind, which rows, how far back and in which shape. */
export function InventoryOptions({ idPrefix, options, defaultBaselineDays, onChange }: Props) {
  const flags = INVENTORY_FLAGS[options.kind];
  const days = (key: 'longLivedDays' | 'unusedDays' | 'rareActors', label: string, tooltip: string) => (
    <NumberOption
      id={`${idPrefix}-${key}`}
      label={label}
      tooltip={tooltip}
      value={options[key]}
      placeholder={String(options[key])}
      min={1}
      max={MAX_DAYS}
      onChange={(value) => onChange({ [key]: value }, true)}
    />
  );
  return (
    <>
      <InlineFieldRow>
        <InlineField label="Kind" labelWidth={LABEL_WIDTH}>
          <RadioButtonGroup<InventoryKind>
            id={`${idPrefix}-kind`}
            options={INVENTORY_KINDS.map(({ value, label, description }) => ({ value, label, description }))}
            value={options.kind}
            onChange={(kind) =>
              onChange({ kind, require: options.require.filter((flag) => INVENTORY_FLAGS[kind].includes(flag)) }, true)
            }
          />
        </InlineField>
        <InlineField label="Format" labelWidth={LABEL_WIDTH}>
          <RadioButtonGroup<QueryFormat>
            id={`${idPrefix}-inventory-format`}
            options={FORMATS}
            value={options.format}
            onChange={(format) => onChange({ format }, true)}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Require"
          labelWidth={LABEL_WIDTH}
          tooltip="Keep only rows that have every flag chosen here; empty keeps every row"
        >
          <MultiCombobox<string>
            id={`${idPrefix}-require`}
            width="auto"
            minWidth={30}
            options={toOptions(flags)}
            value={options.require.filter((flag) => flags.includes(flag))}
            onChange={(selected) => onChange({ require: selected.map((option) => option.value) }, true)}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <NumberOption
          id={`${idPrefix}-baseline-days`}
          label="Baseline days"
          tooltip="Days read before the panel's range, so apps and tokens seen earlier are listed; empty uses the data source's setting"
          value={options.baselineDays}
          placeholder={String(defaultBaselineDays)}
          min={0}
          max={MAX_BASELINE_DAYS}
          onChange={(baselineDays) => onChange({ baselineDays }, true)}
        />
        <NumberOption
          id={`${idPrefix}-inventory-limit`}
          label="Limit"
          tooltip={`Most rows returned, most recently seen first; at most ${MAX_TIMELINE_LIMIT}`}
          value={options.limit}
          placeholder="1000"
          min={1}
          max={MAX_TIMELINE_LIMIT}
          onChange={(limit) => onChange({ limit }, true)}
        />
      </InlineFieldRow>
      {options.kind === 'tokens' && (
        <InlineFieldRow>
          {days('longLivedDays', 'Long-lived days', 'A token first seen at least this many days ago is long-lived')}
          {days('unusedDays', 'Unused days', 'A long-lived token idle for this many days is flagged unused')}
        </InlineFieldRow>
      )}
      {options.kind === 'apps' && (
        <InlineFieldRow>
          {days('rareActors', 'Rare: actors', 'An app used by at most this many actors is rare')}
          <InlineField
            label="Min severity"
            labelWidth={LABEL_WIDTH}
            tooltip="Keep only apps whose last episode in the range reaches this band"
          >
            <Combobox<MinSeverity>
              id={`${idPrefix}-inventory-min-severity`}
              width={16}
              options={SEVERITY_LEVELS.map(({ value, label, description }) => ({ value, label, description }))}
              value={options.minSeverity}
              onChange={(option) => onChange({ minSeverity: option.value }, true)}
            />
          </InlineField>
        </InlineFieldRow>
      )}
    </>
  );
}
