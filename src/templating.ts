import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

/**
 * Upper bound on the values one template string may expand into. A value that
 * combines several multi-value variables expands into their cartesian product;
 * the bound keeps a careless "$a-$b-$c" from building a query with millions of
 * literals.
 */
export const MAX_EXPANDED_VALUES = 10000;

// Control characters cannot occur in dashboard variable values typed by users,
// so they delimit the slots the formatter leaves in the interpolated string.
const SLOT = /\u0000(\d+)\u0000/;

/**
 * Interpolates dashboard variables in one value and returns every value it stands
 * for. A multi-value variable contributes one result per selected value, so
 * `$app` with app1 and app2 selected yields ["app1", "app2"], and `%$app%`
 * yields ["%app1%", "%app2%"]. A variable with nothing selected yields no values.
 */
export function expandValue(templateSrv: TemplateSrv, value: string, scopedVars?: ScopedVars): string[] {
  const selections: string[][] = [];
  const slotted = templateSrv.replace(value, scopedVars, (selected: unknown) => {
    selections.push(toStrings(selected));
    return `\u0000${selections.length - 1}\u0000`;
  });
  let results = [slotted];
  for (;;) {
    const first = results[0];
    const match = first === undefined ? null : SLOT.exec(first);
    if (!match) {
      return results;
    }
    const choices = selections[Number(match[1])] ?? [];
    if (results.length * choices.length > MAX_EXPANDED_VALUES) {
      throw new Error(
        `"${value}" expands into more than ${MAX_EXPANDED_VALUES} values: select fewer values in its dashboard variables`
      );
    }
    // Slots are filled left to right, and every result has the same slots, so
    // replacing the first slot in each result walks the cartesian product.
    results = results.flatMap((result) => choices.map((choice) => result.replace(SLOT, () => choice)));
  }
}

/** Expands every value, dropping duplicates while keeping first-seen order. */
export function expandValues(templateSrv: TemplateSrv, values: readonly string[], scopedVars?: ScopedVars): string[] {
  const expanded = values.flatMap((value) => expandValue(templateSrv, value, scopedVars));
  return Array.from(new Set(expanded));
}

function toStrings(selected: unknown): string[] {
  if (Array.isArray(selected)) {
    return selected.map((item) => String(item));
  }
  if (selected === undefined || selected === null) {
    return [];
  }
  return [String(selected)];
}
