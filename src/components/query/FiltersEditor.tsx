import React from 'react';
import { Button, InlineField, InlineFieldRow, Stack } from '@grafana/ui';

import { FieldCatalog } from '../../fieldCatalog';
import { Filter } from '../../types';
import { FilterRow } from './FilterRow';
import { LABEL_WIDTH } from './shared';

interface Props {
  idPrefix: string;
  filters: Filter[];
  catalog: FieldCatalog;
  variables: string[];
  loadValues: (field: string) => Promise<string[]>;
  onChange: (filters: Filter[], run: boolean) => void;
}

/** Column the first filter row starts on: the app is what analysts narrow down most often. */
const PREFERRED_FIELD = 'app_id';

/** Conditions on the normalized audit columns; all of them must hold (AND). */
export function FiltersEditor({ idPrefix, filters, catalog, variables, loadValues, onChange }: Props) {
  const addFilter = () => {
    const field = catalog.filter.includes(PREFERRED_FIELD) ? PREFERRED_FIELD : (catalog.filter[0] ?? '');
    // A row without values does not change the result, so the query is not re-run yet.
    onChange([...filters, { field, op: '=', values: [] }], false);
  };

  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <InlineField label="Filters" labelWidth={LABEL_WIDTH} tooltip="Conditions on the audit columns; all must hold">
          {/* No id: InlineField would make "Filters" the button's name instead of "Add filter". */}
          <Button icon="plus" variant="secondary" onClick={addFilter}>
            Add filter
          </Button>
        </InlineField>
      </InlineFieldRow>
      {filters.map((filter, index) => (
        <FilterRow
          key={index}
          id={`${idPrefix}-filter-${index}`}
          position={index + 1}
          filter={filter}
          fields={catalog.filter}
          operators={catalog.operators}
          variables={variables}
          loadValues={loadValues}
          onChange={(next, run) =>
            onChange(
              filters.map((current, i) => (i === index ? next : current)),
              run
            )
          }
          onRemove={() =>
            onChange(
              filters.filter((_, i) => i !== index),
              filter.values.length > 0
            )
          }
        />
      ))}
    </Stack>
  );
}
