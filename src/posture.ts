/**
 * The posture side of the query model: presets of the detection rule, the
 * inventory and coverage options, and the formats each query type answers in.
 * The backend (pkg/models/posture.go) holds the same lists and is the judge;
 * these let the editor offer them without a round trip.
 */

/**
 * Named detection rules. A preset fixes correlateBy (and, for the broad one,
 * requires the sensitive event itself to be token-based); `custom` keeps the
 * correlateBy the query sets.
 */
export type Preset = 'an0020' | 'an0020-broad' | 'an0528' | 'custom';

export const PRESETS: ReadonlyArray<{ value: Preset; label: string; description: string }> = [
  {
    value: 'an0020',
    label: 'AN0020',
    description: 'Token access, then sensitive activity by the same actor and app (correlateBy actor_id, app_id)',
  },
  {
    value: 'an0020-broad',
    label: 'AN0020 broad',
    description:
      'Same actor, any app, and the sensitive event itself made with a token: for vendors whose consent and use name the app differently (correlateBy actor_id)',
  },
  {
    value: 'an0528',
    label: 'AN0528',
    description:
      'Token use with no interactive sign-in by the same actor within the sign-in window, as a single-stage finding (ATT&CK T1550.001)',
  },
  { value: 'custom', label: 'Custom', description: 'Choose the correlation fields yourself' },
];

/** The correlateBy each preset sets; custom sets none. */
export const PRESET_CORRELATE_BY: Readonly<Record<Exclude<Preset, 'custom'>, readonly string[]>> = {
  an0020: ['actor_id', 'app_id'],
  'an0020-broad': ['actor_id'],
  an0528: ['actor_id', 'app_id'],
};

export type InventoryKind = 'apps' | 'grants' | 'tokens';

export const INVENTORY_KINDS: ReadonlyArray<{ value: InventoryKind; label: string; description: string }> = [
  { value: 'apps', label: 'Apps', description: 'Third-party apps: scopes, actors, grants, last episode' },
  {
    value: 'grants',
    label: 'Grants',
    description: 'Who granted which scopes to which app, and whether it was revoked',
  },
  { value: 'tokens', label: 'Tokens', description: 'PATs, API and OAuth tokens: age, last use, networks' },
];

/** Flags each inventory kind computes; `require` keeps rows with all of them. */
export const INVENTORY_FLAGS: Readonly<Record<InventoryKind, readonly string[]>> = {
  apps: ['privileged', 'unapproved', 'new', 'rare'],
  grants: ['privileged', 'unapproved', 'admin_consent', 'active'],
  tokens: ['privileged', 'unapproved', 'long_lived', 'in_use', 'unused', 'active'],
};

/** Coverage findings; `blind_spot` stands for any of them. */
export const COVERAGE_FINDINGS = [
  'blind_spot',
  'silent',
  'short_retention',
  'no_token_ids',
  'no_signins',
  'zero_days',
  'late_ingest',
] as const;

export type PostureFormat = 'table' | 'count' | 'numeric';

/** Formats each query type answers in, the default first; the others ignore format. */
export const FORMATS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  sequenceCounts: ['numeric', 'timeseries'],
  inventory: ['table', 'count'],
  coverage: ['table', 'count', 'numeric'],
};

/** The format to send: the query's when its type accepts it, else the type's default. */
export function formatFor(queryType: string, format: string | undefined): string {
  const allowed = FORMATS_BY_TYPE[queryType];
  if (!allowed) {
    return format ?? 'numeric';
  }
  return format !== undefined && allowed.includes(format) ? format : allowed[0];
}

/**
 * The preset a query stands for. Queries saved before presets existed carry
 * none: the default correlation is AN0020, any other is custom, so their
 * correlateBy keeps working.
 */
export function presetOf(preset: string | undefined, correlateBy: readonly string[] | undefined): Preset {
  if (preset === 'an0020' || preset === 'an0020-broad' || preset === 'an0528' || preset === 'custom') {
    return preset;
  }
  if (correlateBy === undefined || sameFields(correlateBy, PRESET_CORRELATE_BY.an0020)) {
    return 'an0020';
  }
  return 'custom';
}

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((field) => b.includes(field));
}
