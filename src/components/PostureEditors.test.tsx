import { screen } from '@testing-library/react';

import { pills, setupQueryEditor as setup, sizeComboboxMenus } from '../test/queryEditorHarness';

sizeComboboxMenus();

describe('presets', () => {
  it('shows AN0020 for a new query and writes the broad preset with its correlation', async () => {
    const { user, latest, onRunQuery } = setup();
    expect(screen.getByRole('radio', { name: 'AN0020' })).toBeChecked();
    await user.click(screen.getByRole('radio', { name: 'AN0020 broad' }));
    expect(latest().preset).toBe('an0020-broad');
    expect(latest().correlateBy).toEqual(['actor_id']);
    expect(pills()).toEqual(['actor_id']);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it("writes the AN0528 preset, whose sign-in window is the risk options' one", async () => {
    const { user, latest } = setup();
    await user.click(screen.getByRole('radio', { name: 'AN0528' }));
    expect(latest().preset).toBe('an0528');
    expect(latest().correlateBy).toEqual(['actor_id', 'app_id']);
    expect(screen.getByLabelText('Sign-in window')).toHaveValue('12h');
  });

  it('shows custom for a saved query with its own correlation, and keeps it', () => {
    setup({ correlateBy: ['token_id'] });
    expect(screen.getByRole('radio', { name: 'Custom' })).toBeChecked();
    expect(pills()).toEqual(['token_id']);
  });

  it('switches to custom when the correlation fields are edited', async () => {
    const { user, latest } = setup();
    await user.click(screen.getByRole('button', { name: 'Remove app_id' }));
    expect(latest().preset).toBe('custom');
    expect(latest().correlateBy).toEqual(['actor_id']);
  });

  it('offers the preset for the timeline, whose roles follow it', () => {
    setup({ queryType: 'timeline' });
    expect(screen.getByRole('radio', { name: 'AN0020 broad' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Correlate by')).not.toBeInTheDocument();
  });
});

describe('inventory editor', () => {
  it('renders a useful apps table without typing, with the data source baseline as placeholder', async () => {
    const { user, latest, onRunQuery } = setup(
      { queryType: 'sequenceCounts', format: 'timeseries' },
      { jsonData: { baselineDays: 45 } }
    );
    await user.click(screen.getByRole('radio', { name: 'Inventory' }));
    expect(latest().queryType).toBe('inventory');
    expect(latest().format).toBe('table'); // the counts' timeseries means nothing here
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('radio', { name: 'Apps' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Table' })).toBeChecked();
    expect(screen.getByLabelText('Baseline days')).toHaveAttribute('placeholder', '45');
    expect(screen.getByLabelText('Rare: actors')).toHaveValue('2');
    expect(screen.queryByLabelText('Long-lived days')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Preset')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add filter' })).toBeInTheDocument();
  });

  it('writes the kind and drops require flags the new kind lacks', async () => {
    const { user, latest } = setup({ queryType: 'inventory', require: ['privileged', 'new'] });
    await user.click(screen.getByRole('radio', { name: 'Tokens' }));
    expect(latest().kind).toBe('tokens');
    expect(latest().require).toEqual(['privileged']);
    expect(screen.getByLabelText('Long-lived days')).toHaveValue('90');
    expect(screen.getByLabelText('Unused days')).toHaveValue('30');
  });

  it('adds a require flag of the kind and switches to a count', async () => {
    const { user, latest } = setup({ queryType: 'inventory', kind: 'grants' });
    await user.click(screen.getByLabelText('Require'));
    await user.click(await screen.findByRole('option', { name: 'admin_consent' }));
    expect(latest().require).toEqual(['admin_consent']);
    await user.click(screen.getByRole('radio', { name: 'Count' }));
    expect(latest().format).toBe('count');
  });

  it('refuses a baseline out of range and does not run it', async () => {
    const { user, latest, onRunQuery } = setup({ queryType: 'inventory' });
    const input = screen.getByLabelText('Baseline days');
    await user.type(input, '9999{Enter}');
    expect(screen.getByText(/out of range/)).toBeInTheDocument();
    expect(onRunQuery).not.toHaveBeenCalled();
    await user.clear(input);
    await user.type(input, '90{Enter}');
    expect(latest().baselineDays).toBe(90);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });
});

describe('coverage editor', () => {
  it('renders the table by default and writes require and the alerting format', async () => {
    const { user, latest } = setup({ queryType: 'coverage' });
    expect(screen.getByRole('radio', { name: 'Table' })).toBeChecked();
    await user.click(screen.getByLabelText('Require'));
    await user.click(await screen.findByRole('option', { name: 'silent' }));
    expect(latest().require).toEqual(['silent']);
    await user.click(screen.getByRole('radio', { name: 'Per source' }));
    expect(latest().format).toBe('numeric');
  });
});
