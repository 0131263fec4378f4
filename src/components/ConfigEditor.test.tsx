import React, { useState } from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { dataSourceSettings } from '../test/settings';
import { TokenTrailOptions } from '../types';
import { ConfigEditor } from './ConfigEditor';
import { SettingsProps } from './config/settings';

type Settings = SettingsProps['options'];

/** Renders the editor the way Grafana does: it owns the settings and feeds every change back. */
function setup(initial: Settings = dataSourceSettings()) {
  const onOptionsChange = jest.fn<void, [Settings]>();
  function Harness() {
    const [options, setOptions] = useState(initial);
    return (
      <ConfigEditor
        options={options}
        onOptionsChange={(next) => {
          onOptionsChange(next);
          setOptions(next);
        }}
      />
    );
  }
  render(<Harness />);
  const latest = () => onOptionsChange.mock.calls[onOptionsChange.mock.calls.length - 1][0];
  return { user: userEvent.setup({ delay: null }), latest, onOptionsChange };
}

// jsdom's getComputedStyle matches every emotion rule against the element and
// its ancestors on each render of the (long) settings page; nothing here
// depends on stylesheet rules, so inline styles are enough. Without this a
// test took seconds on a busy machine.
beforeAll(() => {
  jest.spyOn(window, 'getComputedStyle').mockImplementation((element) => (element as HTMLElement).style);
});

/**
 * A settings field by its label. Field renders the description inside the label
 * element, so the accessible name starts with the label and continues with it.
 */
function field(label: string | RegExp): HTMLElement {
  const pattern = typeof label === 'string' ? new RegExp(`^${label.replace(/[()]/g, '\\$&')}`) : label;
  return screen.getByLabelText(pattern);
}

function queryField(label: string): HTMLElement | null {
  return screen.queryByLabelText(new RegExp(`^${label}`));
}

describe('ConfigEditor', () => {
  it.each([
    ['Host', 'host', 'ch.example.internal'],
    ['Username', 'username', 'grafana_reader'],
    ['Database', 'database', 'security'],
    ['Table', 'table', 'audit_events'],
  ] as const)('writes %s to jsonData.%s', async (label, key, value) => {
    const { user, latest } = setup();
    await user.type(field(label), value);
    expect(latest().jsonData[key]).toBe(value);
    expect(latest().secureJsonData?.[key as never]).toBeUndefined();
  });

  it.each([
    ['Port', 'port', '9441', 9441],
    ['Dial timeout (seconds)', 'dialTimeoutSeconds', '5', 5],
    ['Query timeout (seconds)', 'queryTimeoutSeconds', '120', 120],
    ['Maximum open connections', 'maxOpenConns', '25', 25],
    ['Baseline days', 'baselineDays', '14', 14],
    ['Minimum retention (days)', 'minRetentionDays', '30', 30],
    ['Silent after (hours)', 'silenceHours', '12', 12],
    ['Alert look-back (minutes)', 'alertLookbackMinutes', '15', 15],
  ] as const)('writes %s to jsonData.%s as a number', async (label, key, typed, expected) => {
    const { user, latest } = setup();
    await user.type(field(label), typed);
    expect(latest().jsonData[key]).toBe(expected);
  });

  it('shows defaults as placeholders and stores nothing for them', () => {
    const { onOptionsChange } = setup();
    expect(field('Port')).toHaveAttribute('placeholder', '9000');
    expect(field('Database')).toHaveAttribute('placeholder', 'default');
    expect(field('Table')).toHaveAttribute('placeholder', 'saas_audit_events');
    expect(field('Dial timeout (seconds)')).toHaveAttribute('placeholder', '10');
    expect(field('Query timeout (seconds)')).toHaveAttribute('placeholder', '60');
    expect(field('Maximum open connections')).toHaveAttribute('placeholder', '10');
    expect(field('Minimum retention (days)')).toHaveAttribute('placeholder', '90');
    expect(field('Minimum token ids (%)')).toHaveAttribute('placeholder', '1');
    expect(field('Allowed days without events')).toHaveAttribute('placeholder', '0');
    expect(onOptionsChange).not.toHaveBeenCalled();
  });

  it('stores scoring profile overrides and drops an empty one', async () => {
    const { user, latest } = setup();
    await user.type(field('Scoring profile overrides'), 'severity: {{high: 60}');
    expect(latest().jsonData.scoringProfile).toBe('severity: {high: 60}');
    await user.clear(field('Scoring profile overrides'));
    expect(latest().jsonData).not.toHaveProperty('scoringProfile');
  });

  it('rejects an out-of-range port without saving it', async () => {
    const { user, onOptionsChange } = setup();
    await user.type(field('Port'), '70000');
    expect(screen.getByText(/70000 is out of range/)).toBeInTheDocument();
    const saved = onOptionsChange.mock.calls.map(([options]) => options.jsonData.port);
    expect(saved).not.toContain(70000);
  });

  it('removes a cleared number so the default applies again', async () => {
    const { user, latest } = setup(dataSourceSettings({ maxOpenConns: 20 }));
    await user.clear(field('Maximum open connections'));
    expect(latest().jsonData).not.toHaveProperty('maxOpenConns');
  });

  it('flags a host written as a URL', async () => {
    const { user } = setup();
    await user.type(field('Host'), 'https://ch.example.internal');
    expect(screen.getByText(/without http:\/\//)).toBeInTheDocument();
  });

  it.each([
    [{ protocol: 'native', secure: false }, '9000'],
    [{ protocol: 'native', secure: true }, '9440'],
    [{ protocol: 'http', secure: false }, '8123'],
    [{ protocol: 'http', secure: true }, '8443'],
  ] as const)('suggests the standard port for %j', (jsonData, port) => {
    setup(dataSourceSettings(jsonData as TokenTrailOptions));
    expect(field('Port')).toHaveAttribute('placeholder', port);
  });

  it('writes the protocol and moves a standard port along with it', async () => {
    const { user, latest } = setup(dataSourceSettings({ port: 9000 }));
    await user.click(screen.getByRole('radio', { name: 'HTTP' }));
    expect(latest().jsonData.protocol).toBe('http');
    expect(latest().jsonData).not.toHaveProperty('port');
    expect(field('Port')).toHaveValue('');
    expect(field('Port')).toHaveAttribute('placeholder', '8123');
  });

  it('keeps a custom port when the protocol changes', async () => {
    const { user, latest } = setup(dataSourceSettings({ port: 19000 }));
    await user.click(screen.getByRole('radio', { name: 'HTTP' }));
    expect(latest().jsonData.port).toBe(19000);
  });

  it('stores skipUnavailableShards only while it is on', async () => {
    const { user, latest, onOptionsChange } = setup();
    expect(field('Skip unavailable shards')).not.toBeChecked();
    await user.click(field('Skip unavailable shards'));
    expect(latest().jsonData.skipUnavailableShards).toBe(true);
    await user.click(field('Skip unavailable shards'));
    expect('skipUnavailableShards' in latest().jsonData).toBe(false);
    expect(onOptionsChange).toHaveBeenCalledTimes(2);
  });

  it('shows TLS settings only while TLS is on', async () => {
    const { user, latest } = setup();
    expect(queryField('Skip certificate verification')).not.toBeInTheDocument();
    expect(queryField('CA certificate')).not.toBeInTheDocument();

    await user.click(field('TLS'));
    expect(latest().jsonData.secure).toBe(true);
    expect(field('Skip certificate verification')).toBeInTheDocument();
    expect(field('CA certificate')).toBeInTheDocument();

    await user.click(field('TLS'));
    expect(latest().jsonData.secure).toBe(false);
    expect(queryField('CA certificate')).not.toBeInTheDocument();
  });

  it('writes tlsSkipVerify to jsonData', async () => {
    const { user, latest } = setup(dataSourceSettings({ secure: true }));
    await user.click(field('Skip certificate verification'));
    expect(latest().jsonData.tlsSkipVerify).toBe(true);
  });

  it.each([
    ['Password', 'password', 's3cret', false],
    ['CA certificate', 'tlsCACert', 'CA PEM', true],
    ['Client certificate', 'tlsClientCert', 'CERT PEM', true],
    ['Client key', 'tlsClientKey', 'KEY PEM', true],
  ] as const)('writes %s to secureJsonData.%s only', async (label, key, value, secure) => {
    const { user, latest } = setup(dataSourceSettings({ secure }));
    await user.type(field(label), value);
    expect(latest().secureJsonData?.[key]).toBe(value);
    expect(JSON.stringify(latest().jsonData)).not.toContain(value);
  });

  it.each([
    ['Password', 'password'],
    ['CA certificate', 'tlsCACert'],
    ['Client key', 'tlsClientKey'],
  ] as const)('resets a configured %s', async (label, key) => {
    const { user, latest } = setup(dataSourceSettings({ secure: true }, { [key]: true }));
    const secret = field(label);
    expect(secret).toBeDisabled();
    expect(secret).toHaveValue('configured');
    // Only this secret is configured, so the only Reset button is its own.
    const reset = screen.getAllByRole('button', { name: 'Reset' });
    expect(reset).toHaveLength(1);
    await user.click(reset[0]);
    expect(latest().secureJsonFields[key]).toBe(false);
    expect(latest().secureJsonData?.[key]).toBe('');
    expect(field(label)).toBeEnabled();
  });

  it('edits approved apps as tags, ignoring duplicates', async () => {
    const { user, latest } = setup(dataSourceSettings({ approvedApps: ['zoom'] }));
    const input = field('Approved apps');
    await user.type(input, 'slack-bot{Enter}');
    expect(latest().jsonData.approvedApps).toEqual(['zoom', 'slack-bot']);
    await user.type(input, 'zoom{Enter}');
    expect(latest().jsonData.approvedApps).toEqual(['zoom', 'slack-bot']);
    await user.click(screen.getByRole('button', { name: /Remove tag: zoom/i }));
    expect(latest().jsonData.approvedApps).toEqual(['slack-bot']);
  });
});
