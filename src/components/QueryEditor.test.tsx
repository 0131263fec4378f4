import { screen, waitFor } from '@testing-library/react';

import { pills, setupQueryEditor as setup, sizeComboboxMenus } from '../test/queryEditorHarness';

sizeComboboxMenus();

describe('QueryEditor', () => {
  it('shows the sequences defaults for a new query without typing anything', () => {
    const { onChange, onRunQuery } = setup();
    expect(screen.getByRole('radio', { name: 'Sequences' })).toBeChecked();
    expect(screen.getByLabelText('Max span')).toHaveValue('1h');
    expect(screen.getByLabelText('Min sensitivity')).toHaveValue('Low');
    expect(screen.getByLabelText('Include approved apps')).not.toBeChecked();
    expect(pills()).toEqual(['actor_id', 'app_id']);
    expect(screen.queryByLabelText('Group by')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Limit')).not.toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
    expect(onRunQuery).not.toHaveBeenCalled();
  });

  it.each([
    [
      'Sequences',
      'sequences',
      ['Max span', 'Min sensitivity', 'Include approved apps', 'Correlate by', 'Min severity', 'Baseline days'],
      ['Group by', 'Limit'],
    ],
    [
      'Sequence counts',
      'sequenceCounts',
      ['Max span', 'Min sensitivity', 'Include approved apps', 'Correlate by', 'Group by'],
      ['Limit'],
    ],
    ['Timeline', 'timeline', ['Limit'], ['Max span', 'Correlate by', 'Group by', 'Min sensitivity', 'Min severity']],
  ] as const)('switching to %s shows only its options', async (label, queryType, shown, hidden) => {
    const initialType = queryType === 'timeline' ? 'sequences' : 'timeline';
    const { user, latest, onRunQuery } = setup({ queryType: initialType });
    await user.click(screen.getByRole('radio', { name: label }));
    expect(latest().queryType).toBe(queryType);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    for (const name of shown) {
      expect(screen.getByLabelText(name)).toBeInTheDocument();
    }
    for (const name of hidden) {
      expect(screen.queryByLabelText(name)).not.toBeInTheDocument();
    }
    expect(screen.getByRole('button', { name: 'Add filter' })).toBeInTheDocument();
  });

  it('shows the format choice for sequence counts and writes it', async () => {
    const { user, latest, onRunQuery } = setup({ queryType: 'sequenceCounts' });
    expect(screen.getByRole('radio', { name: 'Numeric' })).toBeChecked();
    await user.click(screen.getByRole('radio', { name: 'Time series' }));
    expect(latest().format).toBe('timeseries');
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('rejects an invalid max span inline and does not run it', async () => {
    const { user, latest, onRunQuery } = setup();
    const input = screen.getByLabelText('Max span');
    await user.clear(input);
    await user.type(input, '1d');
    expect(screen.getByText(/unknown unit "d"/)).toBeInTheDocument();
    await user.tab();
    expect(latest().maxSpan).toBe('1d');
    expect(onRunQuery).not.toHaveBeenCalled();

    await user.clear(input);
    await user.type(input, '30m{Enter}');
    expect(screen.queryByText(/unknown unit/)).not.toBeInTheDocument();
    expect(latest().maxSpan).toBe('30m');
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('accepts a dashboard variable as max span', async () => {
    const { user, latest, onRunQuery } = setup();
    const input = screen.getByLabelText('Max span');
    await user.clear(input);
    await user.type(input, '$span');
    await user.tab();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(latest().maxSpan).toBe('$span');
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('writes the minimum sensitivity', async () => {
    const { user, latest, onRunQuery } = setup();
    await user.click(screen.getByLabelText('Min sensitivity'));
    await user.click(await screen.findByRole('option', { name: /High/ }));
    expect(latest().minSensitivity).toBe(3);
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('shows the risk defaults and writes a minimum severity', async () => {
    const { user, latest, onRunQuery } = setup();
    expect(screen.getByLabelText('Min severity')).toHaveValue('Any');
    expect(screen.getByLabelText('Baseline days')).toHaveAttribute('placeholder', 'data source');
    expect(screen.getByLabelText('Sign-in window')).toHaveValue('12h');
    await user.click(screen.getByLabelText('Min severity'));
    await user.click(await screen.findByRole('option', { name: /^High/ }));
    expect(latest().minSeverity).toBe('high');
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('overrides baseline days and rejects a value the backend would refuse', async () => {
    const { user, latest, onRunQuery } = setup();
    const input = screen.getByLabelText('Baseline days');
    await user.type(input, '500');
    expect(screen.getByText(/500 is out of range/)).toBeInTheDocument();
    await user.tab();
    expect(onRunQuery).not.toHaveBeenCalled();
    await user.clear(input);
    await user.type(input, '0{Enter}');
    expect(latest().baselineDays).toBe(0);
    await user.clear(input);
    await user.tab();
    expect(latest().baselineDays).toBeUndefined();
  });

  it('rejects a sign-in window over seven days', async () => {
    const { user } = setup();
    const input = screen.getByLabelText('Sign-in window');
    await user.clear(input);
    await user.type(input, '200h');
    expect(screen.getByText(/at most 7 days/)).toBeInTheDocument();
  });

  it('offers severity as a group-by column for counts', async () => {
    const { user, latest } = setup({ queryType: 'sequenceCounts' });
    await user.click(screen.getByLabelText('Group by'));
    await user.click(await screen.findByRole('option', { name: 'severity' }));
    expect(latest().groupBy).toContain('severity');
  });

  it('writes includeApproved', async () => {
    const { user, latest } = setup();
    await user.click(screen.getByLabelText('Include approved apps'));
    expect(latest().includeApproved).toBe(true);
  });

  it('adds a correlation field offered by the backend catalogue', async () => {
    const { user, latest, getResource } = setup({}, { fields: { correlate: ['actor_id', 'app_id', 'session_id'] } });
    await waitFor(() => expect(getResource).toHaveBeenCalledWith('fields'));
    await user.click(screen.getByLabelText('Correlate by'));
    await user.click(await screen.findByRole('option', { name: 'session_id' }));
    expect(latest().correlateBy).toEqual(['actor_id', 'app_id', 'session_id']);
  });

  it('asks for at least one correlation field', () => {
    setup({ correlateBy: [] });
    expect(screen.getByText(/choose at least one field/)).toBeInTheDocument();
  });

  it('adds a filter row without running the query, then runs it once it has a value', async () => {
    const { user, latest, onRunQuery } = setup({ queryType: 'timeline' });
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    expect(latest().filters).toEqual([{ field: 'app_id', op: '=', values: [] }]);
    expect(onRunQuery).not.toHaveBeenCalled();

    await user.type(screen.getByLabelText('Values'), 'zoom');
    await user.click(await screen.findByRole('option', { name: /zoom/ }));
    expect(latest().filters).toEqual([{ field: 'app_id', op: '=', values: ['zoom'] }]);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('suggests values from the backend and dashboard variables', async () => {
    const { user, getResource } = setup(
      { queryType: 'timeline', filters: [{ field: 'source', op: 'in', values: [] }] },
      { values: ['okta', 'github'] }
    );
    await user.click(screen.getByLabelText('Values'));
    expect(await screen.findByRole('option', { name: 'okta' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'github' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: /\$app/ })).toBeInTheDocument();
    expect(getResource).toHaveBeenCalledWith('values', { field: 'source' });
  });

  it('changes the operator of a filter', async () => {
    const { user, latest, onRunQuery } = setup({
      queryType: 'timeline',
      filters: [{ field: 'source', op: '=', values: ['okta'] }],
    });
    await user.click(screen.getByLabelText('Operator'));
    await user.click(await screen.findByRole('option', { name: /not in/ }));
    expect(latest().filters).toEqual([{ field: 'source', op: 'not in', values: ['okta'] }]);
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('clears the values when the column of a filter changes', async () => {
    const { user, latest, onRunQuery } = setup({
      queryType: 'timeline',
      filters: [{ field: 'source', op: 'in', values: ['okta'] }],
    });
    await user.click(screen.getByLabelText('Filter 1'));
    await user.click(await screen.findByRole('option', { name: 'actor_name' }));
    expect(latest().filters).toEqual([{ field: 'actor_name', op: 'in', values: [] }]);
    expect(onRunQuery).not.toHaveBeenCalled();
  });

  it('flags several values on a single-value operator', () => {
    setup({ queryType: 'timeline', filters: [{ field: 'source', op: '=', values: ['okta', 'github'] }] });
    expect(screen.getByText('= takes one value: use in for several')).toBeInTheDocument();
  });

  it('removes the chosen filter and keeps the others', async () => {
    const { user, latest, onRunQuery } = setup({
      filters: [
        { field: 'source', op: '=', values: ['okta'] },
        { field: 'app_id', op: 'in', values: ['zoom'] },
      ],
    });
    await user.click(screen.getByRole('button', { name: 'Remove filter 1' }));
    expect(latest().filters).toEqual([{ field: 'app_id', op: 'in', values: ['zoom'] }]);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['0', /out of range/, undefined],
    ['10001', /out of range/, undefined],
    ['500', undefined, 500],
  ])('validates the timeline limit %s', async (typed, error, saved) => {
    const { user, onChange, onRunQuery } = setup({ queryType: 'timeline' });
    await user.type(screen.getByLabelText('Limit'), `${typed}{Enter}`);
    if (error) {
      expect(screen.getByText(error)).toBeInTheDocument();
      expect(onChange).not.toHaveBeenCalled();
      expect(onRunQuery).not.toHaveBeenCalled();
    } else {
      expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ limit: saved }));
      expect(onRunQuery).toHaveBeenCalledTimes(1);
    }
  });

  it('shows the default limit as a placeholder', () => {
    setup({ queryType: 'timeline' });
    expect(screen.getByLabelText('Limit')).toHaveAttribute('placeholder', '1000');
  });
});
