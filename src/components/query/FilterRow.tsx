import React, { useRef } from 'react';
import { Combobox, ComboboxOption, IconButton, InlineField, InlineFieldRow, MultiCombobox } from '@grafana/ui';

import { Filter, FilterOperator } from '../../types';
import { toOptions } from './shared';

interface Props {
  id: string;
  position: number;
  filter: Filter;
  fields: string[];
  operators: FilterOperator[];
  variables: string[];
  loadValues: (field: string) => Promise<string[]>;
  onChange: (filter: Filter, run: boolean) => void;
  onRemove: () => void;
}

const OPERATOR_DESCRIPTIONS: Record<FilterOperator, string> = {
  '=': 'equals the value',
  '!=': 'differs from the value',
  in: 'equals one of the values',
  'not in': 'equals none of the values',
  like: 'matches one of the patterns; % stands for any text, _ for one character',
};

const SINGLE_VALUE_OPERATORS: readonly FilterOperator[] = ['=', '!='];

/** Explains why a filter cannot run yet, or returns undefined when it can. */
export function filterError(filter: Filter): string | undefined {
  if (SINGLE_VALUE_OPERATORS.includes(filter.op) && filter.values.length > 1) {
    return `${filter.op} takes one value: use ${filter.op === '!=' ? 'not in' : 'in'} for several`;
  }
  return undefined;
}

/** One condition: column, operator and values (literals or dashboard variables). */
export function FilterRow({
  id,
  position,
  filter,
  fields,
  operators,
  variables,
  loadValues,
  onChange,
  onRemove,
}: Props) {
  // Suggestions are fetched once per column while the row is shown, not on every keystroke.
  const suggestions = useRef<{ field: string; values: Promise<string[]> }>();
  const suggest = async (input: string): Promise<Array<ComboboxOption<string>>> => {
    if (suggestions.current?.field !== filter.field) {
      suggestions.current = { field: filter.field, values: loadValues(filter.field) };
    }
    const needle = input.toLowerCase();
    const values = (await suggestions.current.values).filter((value) => value.toLowerCase().includes(needle));
    return toOptions(
      values,
      variables.filter((variable) => variable.toLowerCase().includes(needle))
    );
  };
  const error = filterError(filter);

  return (
    <InlineFieldRow>
      <InlineField label={`Filter ${position}`} labelWidth={12}>
        <Combobox<string>
          id={`${id}-field`}
          width={20}
          options={toOptions(fields)}
          value={filter.field}
          onChange={(option) => onChange({ ...filter, field: option.value, values: [] }, false)}
        />
      </InlineField>
      <InlineField label="Operator">
        <Combobox<FilterOperator>
          id={`${id}-op`}
          width={12}
          options={operators.map((op) => ({ value: op, label: op, description: OPERATOR_DESCRIPTIONS[op] }))}
          value={filter.op}
          onChange={(option) => {
            const next = { ...filter, op: option.value };
            onChange(next, next.values.length > 0 && filterError(next) === undefined);
          }}
        />
      </InlineField>
      <InlineField label="Values" invalid={error !== undefined} error={error} validationMessageHorizontalOverflow>
        <MultiCombobox<string>
          id={`${id}-values`}
          width="auto"
          minWidth={24}
          maxWidth={80}
          createCustomValue
          customValueDescription="Use this value"
          placeholder="Value or $variable"
          options={suggest}
          value={filter.values}
          onChange={(selected) => {
            const next = { ...filter, values: selected.map((option) => option.value) };
            onChange(next, next.field !== '' && filterError(next) === undefined);
          }}
        />
      </InlineField>
      <IconButton name="trash-alt" tooltip={`Remove filter ${position}`} onClick={onRemove} />
    </InlineFieldRow>
  );
}
