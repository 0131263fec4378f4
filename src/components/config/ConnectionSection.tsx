import React from 'react';
import { Field, FieldSet, Input, RadioButtonGroup, SecretInput, Switch } from '@grafana/ui';

import { defaultPort, DEFAULT_SETTINGS, Protocol } from '../../types';
import { NumberField } from './NumberField';
import { isSecretConfigured, SettingsProps, withJsonData, withoutSecret, withSecret } from './settings';

const PROTOCOLS: Array<{ value: Protocol; label: string; description: string }> = [
  { value: 'native', label: 'Native', description: 'ClickHouse TCP protocol' },
  { value: 'http', label: 'HTTP', description: 'ClickHouse HTTP interface' },
];

/** Explains what is wrong with a host value, which must not carry a scheme, path or spaces. */
export function hostError(host: string): string | undefined {
  if (host.includes('://')) {
    return 'enter the host name only, without http:// or tcp://: choose the protocol below';
  }
  if (/[\s/]/.test(host)) {
    return 'enter a host name or IP address without spaces or slashes';
  }
  return undefined;
}

/** Where the ClickHouse server is and how to log in. */
export function ConnectionSection({ options, onOptionsChange }: SettingsProps) {
  const { jsonData } = options;
  const protocol = jsonData.protocol ?? DEFAULT_SETTINGS.protocol;
  const secure = jsonData.secure ?? false;
  const host = jsonData.host ?? '';
  const hostProblem = hostError(host);

  // A port left at the standard port of the old protocol follows the new one,
  // so switching to HTTP or TLS does not keep pointing at the wrong listener.
  const changeTransport = (nextProtocol: Protocol, nextSecure: boolean) => {
    const port = jsonData.port === defaultPort(protocol, secure) ? undefined : jsonData.port;
    onOptionsChange(withJsonData(options, { protocol: nextProtocol, secure: nextSecure, port }));
  };

  return (
    <FieldSet label="Connection">
      <Field
        label="Host"
        description="Host name or IP address of the ClickHouse server"
        required
        invalid={!!hostProblem}
        error={hostProblem}
      >
        <Input
          id="tokentrail-host"
          width={40}
          value={host}
          placeholder="clickhouse.example.internal"
          onChange={(event) => onOptionsChange(withJsonData(options, { host: event.currentTarget.value }))}
        />
      </Field>
      <Field label="Protocol" description="Native is faster; use HTTP when only port 8123/8443 is reachable">
        <RadioButtonGroup<Protocol>
          id="tokentrail-protocol"
          options={PROTOCOLS}
          value={protocol}
          onChange={(next) => changeTransport(next, secure)}
        />
      </Field>
      <Field label="TLS" description="Encrypt the connection to ClickHouse">
        <Switch
          id="tokentrail-secure"
          value={secure}
          onChange={(event) => changeTransport(protocol, event.currentTarget.checked)}
        />
      </Field>
      <NumberField
        id="tokentrail-port"
        label="Port"
        description="Leave empty for the standard port of the chosen protocol"
        value={jsonData.port}
        defaultValue={defaultPort(protocol, secure)}
        min={1}
        max={65535}
        onChange={(port) => onOptionsChange(withJsonData(options, { port }))}
      />
      <Field label="Username" description="A ClickHouse user with read access to the audit table">
        <Input
          id="tokentrail-username"
          width={40}
          value={jsonData.username ?? ''}
          placeholder="default"
          onChange={(event) => onOptionsChange(withJsonData(options, { username: event.currentTarget.value }))}
        />
      </Field>
      <Field label="Password">
        <SecretInput
          id="tokentrail-password"
          width={40}
          isConfigured={isSecretConfigured(options, 'password')}
          value={options.secureJsonData?.password ?? ''}
          placeholder="Password of the ClickHouse user"
          onChange={(event) => onOptionsChange(withSecret(options, 'password', event.currentTarget.value))}
          onReset={() => onOptionsChange(withoutSecret(options, 'password'))}
        />
      </Field>
    </FieldSet>
  );
}
