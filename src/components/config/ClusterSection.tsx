import React from 'react';
import { Field, FieldSet, Switch } from '@grafana/ui';

import { SettingsProps, withJsonData } from './settings';

/**
 * Settings for a table that is Distributed over a ClickHouse cluster. The plugin
 * learns the cluster, its shards and the sharding key from ClickHouse itself;
 * the one choice left is what a query does when a whole shard is unreachable.
 */
export function ClusterSection({ options, onOptionsChange }: SettingsProps) {
  return (
    <FieldSet label="Cluster">
      <Field
        label="Skip unavailable shards"
        description="Distributed tables only: when no replica of a shard answers, show the answer without that shard's events, with a notice naming it. Off, such queries fail rather than return a partial result."
      >
        <Switch
          id="tokentrail-skipUnavailableShards"
          value={options.jsonData.skipUnavailableShards ?? false}
          onChange={(event) =>
            // Off is the default: store nothing rather than false.
            onOptionsChange(withJsonData(options, { skipUnavailableShards: event.currentTarget.checked || undefined }))
          }
        />
      </Field>
    </FieldSet>
  );
}
