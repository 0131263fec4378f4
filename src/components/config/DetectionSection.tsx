import React from 'react';
import { Field, FieldSet, TagsInput, TextArea } from '@grafana/ui';

import { DEFAULT_SETTINGS, MAX_BASELINE_DAYS } from '../../types';
import { NumberField } from './NumberField';
import { SettingsProps, withJsonData } from './settings';

/** Organisation-wide detection and scoring settings. */
export function DetectionSection({ options, onOptionsChange }: SettingsProps) {
  return (
    <FieldSet label="Detection">
      <Field
        label="Approved apps"
        description="App ids (the app_id column) of OAuth apps and integrations your organisation has vetted. Their sequences are hidden unless a query turns on Include approved apps."
      >
        <TagsInput
          id="tokentrail-approved-apps"
          width={60}
          addOnBlur
          autoColors={false}
          placeholder="App id, then Enter"
          tags={options.jsonData.approvedApps ?? []}
          onChange={(tags) => {
            const approvedApps = Array.from(new Set(tags.map((tag) => tag.trim()).filter((tag) => tag !== '')));
            onOptionsChange(withJsonData(options, { approvedApps }));
          }}
        />
      </Field>
      <NumberField
        id="tokentrail-baselineDays"
        label="Baseline days"
        description="Days of history the risk score compares each episode with: the key's networks, hours and volume, the actor's sign-in habit, the app's peers; also how far before a panel's range the inventory reads. 0 turns the baselines off; a query may override it."
        value={options.jsonData.baselineDays}
        defaultValue={DEFAULT_SETTINGS.baselineDays}
        min={0}
        max={MAX_BASELINE_DAYS}
        onChange={(baselineDays) => onOptionsChange(withJsonData(options, { baselineDays }))}
      />
      <Field
        label="Scoring profile overrides"
        description="YAML or JSON with the keys of the default scoring profile (pkg/risk/profile.yaml) whose values you want to change, for example: severity: {high: 60}. Save & test reports a typo or an invalid value."
      >
        <TextArea
          id="tokentrail-scoringProfile"
          rows={4}
          cols={60}
          placeholder="severity: {high: 60}"
          value={options.jsonData.scoringProfile ?? ''}
          onChange={(event) => {
            const text = event.currentTarget.value;
            onOptionsChange(withJsonData(options, { scoringProfile: text.trim() === '' ? undefined : text }));
          }}
        />
      </Field>
    </FieldSet>
  );
}
