import { ScopedVars, TypedVariableModel } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

/** Matches $name, ${name}, ${name:format} and [[name]], as Grafana does. */
const VARIABLE = /\$(\w+)|\$\{(\w+)(?::([^}]+))?\}|\[\[(\w+)(?::(\w+))?\]\]/g;

/**
 * A TemplateSrv for tests that follows Grafana's contract for `replace`: a
 * format function receives the variable's value, which is an array for a
 * multi-value variable, and its result is spliced into the text; scoped
 * variables win over dashboard variables; unknown variables are left as typed.
 */
export class FakeTemplateSrv implements TemplateSrv {
  constructor(private readonly variables: Record<string, string | string[]> = {}) {}

  getVariables(): TypedVariableModel[] {
    return Object.keys(this.variables).map((name) => ({ name }) as unknown as TypedVariableModel);
  }

  replace(target?: string, scopedVars?: ScopedVars, format?: string | Function): string {
    return (target ?? '').replace(VARIABLE, (match, plain, braced, _fmt, bracketed) => {
      const name: string = plain ?? braced ?? bracketed;
      const value = scopedVars?.[name]?.value ?? this.variables[name];
      if (value === undefined) {
        return match;
      }
      if (typeof format === 'function') {
        return format(value, { name });
      }
      return Array.isArray(value) ? `{${value.join(',')}}` : String(value);
    });
  }

  containsTemplate(target?: string): boolean {
    return (target ?? '').search(VARIABLE) >= 0;
  }

  updateTimeRange(): void {}
}
