import { CORRELATION_FIELDS, FILTER_FIELDS, FILTER_OPERATORS, FilterOperator } from './types';

/**
 * What the query editor may offer: columns usable for correlation and grouping,
 * columns usable in filters, and filter operators. The backend publishes its own
 * catalogue as the `fields` resource so that a newer backend can add columns
 * without a frontend release.
 */
export interface FieldCatalog {
  correlate: string[];
  filter: string[];
  operators: FilterOperator[];
}

/** The catalogue this frontend was built with; used when the backend cannot be asked. */
export const STATIC_FIELD_CATALOG: FieldCatalog = {
  correlate: [...CORRELATION_FIELDS],
  filter: [...FILTER_FIELDS],
  operators: [...FILTER_OPERATORS],
};

/**
 * Reads the body of the `fields` resource. Each part that is missing or not a
 * list of strings falls back to the built-in list, and operators this editor
 * cannot render are dropped, so a malformed answer never breaks the editor.
 */
export function parseFieldCatalog(body: unknown): FieldCatalog {
  const record = isRecord(body) ? body : {};
  const correlate = stringList(record.correlate);
  const filter = stringList(record.filter);
  const operators = stringList(record.operators).filter(isFilterOperator);
  return {
    correlate: correlate.length > 0 ? correlate : STATIC_FIELD_CATALOG.correlate,
    filter: filter.length > 0 ? filter : STATIC_FIELD_CATALOG.filter,
    operators: operators.length > 0 ? operators : STATIC_FIELD_CATALOG.operators,
  };
}

/** Reads the body of the `values` resource; anything but a list of strings yields no suggestions. */
export function parseFieldValues(body: unknown): string[] {
  return isRecord(body) ? stringList(body.values) : [];
}

function isFilterOperator(value: string): value is FilterOperator {
  return (FILTER_OPERATORS as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
