import React from 'react';
import { Field, FieldSet, TagsInput } from '@grafana/ui';

import { SettingsProps, withJsonData } from './settings';

/** Organisation-wide detection settings. */
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
    </FieldSet>
  );
}
