import { ComboboxOption } from '@grafana/ui';

import { QueryOptions } from '../../types';

/** Applies a change to the query; `run` re-runs it, which is skipped while the change is incomplete or invalid. */
export type QueryChange = (patch: Partial<QueryOptions>, run: boolean) => void;

/** Label width shared by the inline fields, so rows line up. */
export const LABEL_WIDTH = 20;

/** Combobox options for column names and dashboard variable references. */
export function toOptions(values: readonly string[], variables: readonly string[] = []): Array<ComboboxOption<string>> {
  const seen = new Set<string>();
  const options: Array<ComboboxOption<string>> = [];
  for (const value of values) {
    if (!seen.has(value)) {
      seen.add(value);
      options.push({ value, label: value });
    }
  }
  for (const variable of variables) {
    if (!seen.has(variable)) {
      seen.add(variable);
      options.push({ value: variable, label: variable, description: 'Dashboard variable', group: 'Variables' });
    }
  }
  return options;
}
