import React from 'react';
import { Divider, Stack, Text } from '@grafana/ui';

import { ClusterSection } from './config/ClusterSection';
import { ConnectionSection } from './config/ConnectionSection';
import { DatabaseSection } from './config/DatabaseSection';
import { DetectionSection } from './config/DetectionSection';
import { LimitsSection } from './config/LimitsSection';
import { PostureSection } from './config/PostureSection';
import { SettingsProps } from './config/settings';
import { TlsSection } from './config/TlsSection';

/**
 * Settings page of a TokenTrail data source. Plain settings go to jsonData;
 * the password and TLS material go to secureJsonData, which Grafana encrypts and
 * never sends back to the browser.
 */
export function ConfigEditor(props: SettingsProps) {
  return (
    <Stack direction="column" gap={2}>
      <Text element="p" color="secondary">
        TokenTrail reads normalized SaaS audit events (Okta, Google Workspace, Microsoft 365, GitHub, Slack) from
        ClickHouse and reports OAuth or API-token access followed by sensitive data access or a configuration change
        (MITRE ATT&amp;CK T1021.007).
      </Text>
      <ConnectionSection {...props} />
      {props.options.jsonData.secure && <TlsSection {...props} />}
      <DatabaseSection {...props} />
      <ClusterSection {...props} />
      <DetectionSection {...props} />
      <PostureSection {...props} />
      <Divider />
      <LimitsSection {...props} />
    </Stack>
  );
}
