import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { VariableQueryEditor } from './VariableQueryEditor';

// Nothing here depends on stylesheet rules; matching emotion's rules in
// jsdom on every render is what makes editor tests slow.
beforeAll(() => {
  jest.spyOn(window, 'getComputedStyle').mockImplementation((element) => (element as HTMLElement).style);
});

describe('VariableQueryEditor', () => {
  it('lists apps by default and saves the kind with its summary', async () => {
    const onChange = jest.fn();
    const user = userEvent.setup({ delay: null });
    render(<VariableQueryEditor query={undefined} onChange={onChange} />);
    expect(screen.getByRole('radio', { name: 'Apps' })).toBeChecked();
    await user.click(screen.getByRole('radio', { name: 'Actors' }));
    expect(onChange).toHaveBeenLastCalledWith({ kind: 'actors' }, 'TokenTrail actors');
  });

  it('saves a prefix and refuses a limit out of range', async () => {
    const onChange = jest.fn();
    const user = userEvent.setup({ delay: null });
    render(<VariableQueryEditor query={{ kind: 'actors' }} onChange={onChange} />);
    await user.type(screen.getByLabelText('Prefix'), 'ana{Enter}');
    expect(onChange).toHaveBeenLastCalledWith(
      { kind: 'actors', prefix: 'ana' },
      'TokenTrail actors, starting with "ana"'
    );
    await user.type(screen.getByLabelText('Limit'), '5000');
    expect(screen.getByText(/out of range/)).toBeInTheDocument();
  });

  it('reads a query saved as text', () => {
    render(<VariableQueryEditor query="tenants:ac" onChange={jest.fn()} />);
    expect(screen.getByRole('radio', { name: 'Tenants' })).toBeChecked();
    expect(screen.getByLabelText('Prefix')).toHaveValue('ac');
  });
});
