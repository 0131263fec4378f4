import React from 'react';
import { Field, FieldSet, Input } from '@grafana/ui';

import { DEFAULT_SETTINGS } from '../../types';
import { SettingsProps, withJsonData } from './settings';

/** Where the normalized audit events live. Empty fields use the defaults shown as placeholders. */
export function DatabaseSection({ options, onOptionsChange }: SettingsProps) {
  const { jsonData } = options;
  // An empty input removes the key, so the backend default applies rather than an empty name.
  const text = (value: string) => (value === '' ? undefined : value);

  return (
    <FieldSet label="Audit table">
      <Field label="Database" description="ClickHouse database that holds the audit table">
        <Input
          id="tokentrail-database"
          width={40}
          value={jsonData.database ?? ''}
          placeholder={DEFAULT_SETTINGS.database}
          onChange={(event) => onOptionsChange(withJsonData(options, { database: text(event.currentTarget.value) }))}
        />
      </Field>
      <Field label="Table" description="Table of normalized SaaS audit events written by the TokenTrail normalizers">
        <Input
          id="tokentrail-table"
          width={40}
          value={jsonData.table ?? ''}
          placeholder={DEFAULT_SETTINGS.table}
          onChange={(event) => onOptionsChange(withJsonData(options, { table: text(event.currentTarget.value) }))}
        />
      </Field>
    </FieldSet>
  );
}
