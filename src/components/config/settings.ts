import { DataSourcePluginOptionsEditorProps, DataSourceSettings } from '@grafana/data';

import { TokenTrailOptions, TokenTrailSecureOptions } from '../../types';

/** Props every section of the config editor receives. */
export type SettingsProps = DataSourcePluginOptionsEditorProps<TokenTrailOptions, TokenTrailSecureOptions>;

type Settings = DataSourceSettings<TokenTrailOptions, TokenTrailSecureOptions>;

export type SecretKey = keyof TokenTrailSecureOptions;

/** Returns settings with the given jsonData keys changed; undefined removes a key so the backend default applies. */
export function withJsonData(options: Settings, patch: Partial<TokenTrailOptions>): Settings {
  const jsonData: TokenTrailOptions = { ...options.jsonData, ...patch };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) {
      delete jsonData[key as keyof TokenTrailOptions];
    }
  }
  return { ...options, jsonData };
}

/** Returns settings with a new value for one secret; Grafana encrypts it on save. */
export function withSecret(options: Settings, key: SecretKey, value: string): Settings {
  return { ...options, secureJsonData: { ...options.secureJsonData, [key]: value } };
}

/**
 * Returns settings that clear a saved secret. Grafana only drops a stored secret
 * when secureJsonFields marks it unset and secureJsonData carries an empty value.
 */
export function withoutSecret(options: Settings, key: SecretKey): Settings {
  return {
    ...options,
    secureJsonFields: { ...options.secureJsonFields, [key]: false },
    secureJsonData: { ...options.secureJsonData, [key]: '' },
  };
}

/** Whether a secret is stored on the server (its value never reaches the browser). */
export function isSecretConfigured(options: Settings, key: SecretKey): boolean {
  return Boolean(options.secureJsonFields?.[key]);
}
