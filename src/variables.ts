import { MetricFindValue } from '@grafana/data';

/** What a dashboard variable can list. */
export type VariableKind = 'actors' | 'apps' | 'tokens' | 'sources' | 'tenants';

export const VARIABLE_KINDS: ReadonlyArray<{ value: VariableKind; label: string; description: string }> = [
  { value: 'actors', label: 'Actors', description: 'actor_id, shown by actor_name' },
  { value: 'apps', label: 'Apps', description: 'app_id, shown by app_name' },
  { value: 'tokens', label: 'Tokens', description: 'token_id' },
  { value: 'sources', label: 'Sources', description: 'okta, google_workspace, m365, github, slack' },
  { value: 'tenants', label: 'Tenants', description: 'tenant' },
];

/** A variable query as the variable editor saves it. */
export interface VariableQuery {
  kind: VariableKind;
  /** Keep values whose id or name starts with this (dashboard variables allowed). */
  prefix?: string;
  /** Most values listed; the backend's default is 100, its maximum 1000. */
  limit?: number;
}

export const MAX_VARIABLE_VALUES = 1000;

/**
 * Reads a variable query: the editor's object, or a string such as "apps" or
 * "actors:ali" (kind, then an optional prefix) typed in provisioning files.
 * An unknown kind lists apps, the usual choice, rather than failing the
 * dashboard; the backend refuses anything it cannot list.
 */
export function parseVariableQuery(query: VariableQuery | string | undefined): VariableQuery {
  if (typeof query === 'string') {
    const [kind, ...rest] = query.trim().split(':');
    const prefix = rest.join(':');
    return { kind: asKind(kind), ...(prefix !== '' ? { prefix } : {}) };
  }
  if (!query) {
    return { kind: 'apps' };
  }
  return { ...query, kind: asKind(query.kind) };
}

function asKind(kind: string | undefined): VariableKind {
  return VARIABLE_KINDS.find((k) => k.value === kind)?.value ?? 'apps';
}

/** Reads the `variables` resource's answer; anything malformed yields no values. */
export function parseVariableValues(body: unknown): MetricFindValue[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { values?: unknown }).values)) {
    return [];
  }
  const out: MetricFindValue[] = [];
  for (const item of (body as { values: unknown[] }).values) {
    if (typeof item === 'object' && item !== null) {
      const { text, value } = item as { text?: unknown; value?: unknown };
      if (typeof value === 'string') {
        out.push({ text: typeof text === 'string' && text !== '' ? text : value, value });
      }
    }
  }
  return out;
}

/** The one-line summary Grafana shows for a variable's query. */
export function describeVariableQuery(query: VariableQuery): string {
  const parts: string[] = [query.kind];
  if (query.prefix) {
    parts.push(`starting with "${query.prefix}"`);
  }
  if (query.limit !== undefined) {
    parts.push(`at most ${query.limit}`);
  }
  return `TokenTrail ${parts.join(', ')}`;
}
