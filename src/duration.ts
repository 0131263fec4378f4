/**
 * Validation of Go duration strings ("1h", "90m", "1h30m", "1.5h") as accepted by
 * Go's time.ParseDuration, so the editor rejects exactly what the backend would
 * reject and the user sees the problem before the query runs.
 */

const NANOS_PER_UNIT: Record<string, number> = {
  ns: 1,
  us: 1e3,
  '\u00b5s': 1e3, // micro sign, accepted by Go
  '\u03bcs': 1e3, // Greek small letter mu, accepted by Go
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

// Go has no day or week unit; analysts reach for them first.
const DAY_UNITS: Record<string, string> = { d: 'write a day as 24h', w: 'write a week as 168h' };

// Go durations are int64 nanoseconds: about 292 years.
const MAX_NANOS = 2 ** 63 - 1;

const SEGMENT = /^(\d*)(?:\.(\d*))?([^\d.]*)/;

export type DurationResult = { nanos: number; error?: undefined } | { nanos?: undefined; error: string };

/** Parses a Go duration into nanoseconds, or explains why it is not one. */
export function parseGoDuration(text: string): DurationResult {
  const input = text.trim();
  if (input === '') {
    return { error: 'enter a duration such as 1h or 30m' };
  }
  let rest = input;
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') {
    return { nanos: 0 };
  }
  if (rest === '') {
    return { error: `"${input}" is not a duration: write a number followed by a unit, e.g. 1h30m` };
  }
  let total = 0;
  while (rest !== '') {
    const match = SEGMENT.exec(rest);
    const [segment, whole = '', fraction = '', unit = ''] = match ?? [];
    if (!segment || (whole === '' && fraction === '')) {
      return { error: `"${input}" is not a duration: write a number followed by a unit, e.g. 1h30m` };
    }
    if (unit === '') {
      return { error: `"${input}" has a number without a unit: add one of h, m, s, ms, us, ns (e.g. 90m)` };
    }
    const perUnit = NANOS_PER_UNIT[unit];
    if (perUnit === undefined) {
      const hint = DAY_UNITS[unit] ? ` (${DAY_UNITS[unit]})` : '';
      return { error: `"${input}" uses unknown unit "${unit}": use h, m, s, ms, us or ns${hint}` };
    }
    total += Number(`${whole || '0'}.${fraction || '0'}`) * perUnit;
    if (total > MAX_NANOS) {
      return { error: `"${input}" is longer than the largest Go duration (about 292 years)` };
    }
    rest = rest.slice(segment.length);
  }
  return { nanos: sign * total };
}

/** True when the text references a dashboard variable and can only be checked after interpolation. */
export function hasTemplateVariable(text: string): boolean {
  return /\$\w|\$\{|\[\[/.test(text);
}

/**
 * Explains what is wrong with a maxSpan value, or returns undefined when it is
 * usable. Values with template variables are accepted here; the backend checks
 * the interpolated value.
 */
export function maxSpanError(text: string): string | undefined {
  if (hasTemplateVariable(text)) {
    return undefined;
  }
  const result = parseGoDuration(text);
  if (result.error !== undefined) {
    return result.error;
  }
  if (result.nanos <= 0) {
    return 'the span must be longer than zero, e.g. 1h';
  }
  return undefined;
}

/**
 * Explains what is wrong with a signinWindow value: a positive Go duration of
 * at most seven days (the backend's bound), or a dashboard variable.
 */
export function signinWindowError(text: string): string | undefined {
  const error = maxSpanError(text);
  if (error !== undefined || hasTemplateVariable(text)) {
    return error;
  }
  const nanos = parseGoDuration(text).nanos ?? 0;
  return nanos > 7 * 24 * 3600e9 ? 'the window can be at most 7 days (168h)' : undefined;
}
