export type WholeNumberResult = { value: number | undefined; error?: undefined } | { value?: undefined; error: string };

/**
 * Reads a whole number typed into an editor field. Empty text means "use the
 * default" (value undefined); anything else must be an integer within bounds.
 */
export function parseWholeNumber(text: string, min: number, max: number): WholeNumberResult {
  const trimmed = text.trim();
  if (trimmed === '') {
    return { value: undefined };
  }
  if (!/^\d+$/.test(trimmed)) {
    return { error: `enter a whole number between ${min} and ${max}` };
  }
  const value = Number(trimmed);
  if (value < min || value > max) {
    return { error: `${value} is out of range: enter a number between ${min} and ${max}` };
  }
  return { value };
}
