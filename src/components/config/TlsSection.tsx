import React from 'react';
import { Field, FieldSet, SecretTextArea, Switch } from '@grafana/ui';

import { isSecretConfigured, SecretKey, SettingsProps, withJsonData, withoutSecret, withSecret } from './settings';

const PEM_FIELDS: Array<{ key: SecretKey; label: string; description: string; placeholder: string }> = [
  {
    key: 'tlsCACert',
    label: 'CA certificate',
    description: 'PEM certificate of the authority that signed the server certificate; empty trusts the system roots',
    placeholder: '-----BEGIN CERTIFICATE-----',
  },
  {
    key: 'tlsClientCert',
    label: 'Client certificate',
    description: 'PEM certificate for mutual TLS; needs the client key below',
    placeholder: '-----BEGIN CERTIFICATE-----',
  },
  {
    key: 'tlsClientKey',
    label: 'Client key',
    description: 'PEM private key of the client certificate',
    placeholder: '-----BEGIN PRIVATE KEY-----',
  },
];

/** TLS options; only rendered when TLS is on, since the backend ignores them otherwise. */
export function TlsSection({ options, onOptionsChange }: SettingsProps) {
  return (
    <FieldSet label="TLS">
      <Field
        label="Skip certificate verification"
        description="Accept any server certificate. Only for testing: it allows a man-in-the-middle to read audit data"
      >
        <Switch
          id="tokentrail-tls-skip-verify"
          value={options.jsonData.tlsSkipVerify ?? false}
          onChange={(event) => onOptionsChange(withJsonData(options, { tlsSkipVerify: event.currentTarget.checked }))}
        />
      </Field>
      {PEM_FIELDS.map(({ key, label, description, placeholder }) => (
        <Field key={key} label={label} description={description}>
          <SecretTextArea
            id={`tokentrail-${key}`}
            cols={60}
            rows={6}
            isConfigured={isSecretConfigured(options, key)}
            value={options.secureJsonData?.[key] ?? ''}
            placeholder={placeholder}
            onChange={(event) => onOptionsChange(withSecret(options, key, event.currentTarget.value))}
            onReset={() => onOptionsChange(withoutSecret(options, key))}
          />
        </Field>
      ))}
    </FieldSet>
  );
}
