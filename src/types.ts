import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

import { formatFor, InventoryKind, Preset, PRESET_CORRELATE_BY, presetOf } from './posture';

/**
 * What the backend computes for a query:
 * - `sequences`: one row per token access followed by sensitive data access or a
 *   configuration change within `maxSpan` (the AN0020 detection itself);
 * - `sequenceCounts`: how many such sequences per `groupBy` key, for stat panels and alert rules;
 * - `timeline`: the raw normalized events, for investigating what a token did;
 * - `inventory`: the apps, grants and tokens the organisation holds;
 * - `coverage`: per source and tenant, what the telemetry shows and its blind spots.
 */
export type QueryType = 'sequences' | 'sequenceCounts' | 'timeline' | 'inventory' | 'coverage';

export const QUERY_TYPES: ReadonlyArray<{ value: QueryType; label: string; description: string }> = [
  {
    value: 'sequences',
    label: 'Sequences',
    description: 'Token access followed by sensitive data access or a configuration change',
  },
  {
    value: 'sequenceCounts',
    label: 'Sequence counts',
    description: 'Number of sequences per group, for stat panels and alert rules',
  },
  { value: 'timeline', label: 'Timeline', description: 'Normalized audit events, newest first, with their role' },
  { value: 'inventory', label: 'Inventory', description: 'Apps, grants and tokens, with privileged scopes and age' },
  { value: 'coverage', label: 'Coverage', description: 'Telemetry per source and tenant, and its blind spots' },
];

/** Columns that can tie an access event to the activity that followed it. */
export const CORRELATION_FIELDS = ['actor_id', 'app_id', 'tenant', 'source', 'token_id'] as const;

/** Columns of the normalized audit table that filters may reference. */
export const FILTER_FIELDS = [
  'tenant',
  'source',
  'action',
  'category',
  'auth_method',
  'outcome',
  'actor_id',
  'actor_name',
  'app_id',
  'app_name',
  'token_id',
  'src_ip',
  'user_agent',
  'session_id',
  'target_type',
  'target_id',
  'target_name',
] as const;

export type FilterOperator = '=' | '!=' | 'in' | 'not in' | 'like';

export const FILTER_OPERATORS: readonly FilterOperator[] = ['=', '!=', 'in', 'not in', 'like'];

/**
 * One condition on a column of the normalized table. `=` and `!=` take one
 * value; `in` and `not in` any number; `like` matches when any of its patterns
 * matches (a multi-value variable in a pattern yields several patterns).
 */
export interface Filter {
  field: string;
  op: FilterOperator;
  values: string[];
}

export type CountFormat = 'numeric' | 'timeseries';

/** Output shapes: counts (numeric, timeseries), posture tables (table, count, numeric), episodes as annotations. */
export type QueryFormat = CountFormat | 'table' | 'count' | 'annotations';

/** Minimum sensitivity of the follow-up event: 0 none … 3 high (see pkg/event). */
export const SENSITIVITY_LEVELS: ReadonlyArray<{ value: number; label: string; description: string }> = [
  { value: 0, label: 'None', description: 'Any follow-up event, including ones the catalogue rates as not sensitive' },
  { value: 1, label: 'Low', description: 'Follow-up events rated low, medium or high' },
  { value: 2, label: 'Medium', description: 'Follow-up events rated medium or high' },
  { value: 3, label: 'High', description: 'Only follow-up events rated high' },
];

/** The query JSON sent to the Go backend. Optional fields fall back to DEFAULT_QUERY there as well. */
export interface TokenTrailQuery extends DataQuery {
  queryType: QueryType;
  /** Detection rule; see PRESETS. Missing means AN0020, or custom for a non-default correlateBy. */
  preset?: Preset;
  /** Longest time between the token access and the follow-up event, as a Go duration ("1h", "30m"). */
  maxSpan?: string;
  correlateBy?: string[];
  minSensitivity?: number;
  /** Also report apps on the data source's approved list. */
  includeApproved?: boolean;
  filters?: Filter[];
  /** sequenceCounts only. */
  groupBy?: string[];
  /** sequenceCounts, inventory and coverage; see FORMATS_BY_TYPE. */
  format?: QueryFormat;
  /** timeline and inventory: maximum number of rows returned. */
  limit?: number;
  /** Keep only episodes at or above this severity; '' keeps every episode. */
  minSeverity?: MinSeverity;
  /** Days of history before the range: the risk score's baselines and the inventory's look-back; unset uses the data source's setting (0: none). */
  baselineDays?: number;
  /** How long before a token access an interactive sign-in still counts, as a Go duration ("12h"). */
  signinWindow?: string;
  /** inventory only. */
  kind?: InventoryKind;
  /** inventory and coverage: keep rows with every listed flag or finding. */
  require?: string[];
  /** inventory tokens: age that makes a token long-lived. */
  longLivedDays?: number;
  /** inventory tokens: idle days that make a long-lived token unused. */
  unusedDays?: number;
  /** inventory apps: at most this many actors makes an app rare. */
  rareActors?: number;
}

/** Risk bands of an episode, lowest first (see pkg/risk). */
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type MinSeverity = Severity | '';

export const SEVERITY_LEVELS: ReadonlyArray<{ value: MinSeverity; label: string; description: string }> = [
  { value: '', label: 'Any', description: 'Every episode, scored and ranked' },
  { value: 'low', label: 'Low', description: 'Every episode (all have at least low severity)' },
  { value: 'medium', label: 'Medium', description: 'Medium, high and critical episodes' },
  { value: 'high', label: 'High', description: 'High and critical episodes: what the provisioned alert rule fires on' },
  { value: 'critical', label: 'Critical', description: 'Only critical episodes' },
];

/** Group-by columns that are not correlation fields: an episode's severity band. */
export const GROUP_ONLY_FIELDS = ['severity'] as const;

/** Largest `baselineDays` the backend accepts. */
export const MAX_BASELINE_DAYS = 180;

/** Highest `limit` the backend accepts for a timeline query. */
export const MAX_TIMELINE_LIMIT = 10000;

/**
 * Every query option with a value: what the editor shows and the datasource sends.
 * baselineDays stays optional: unset, the data source's own setting applies.
 */
export type QueryOptions = Required<Omit<TokenTrailQuery, 'refId' | 'key' | 'hide' | 'datasource' | 'baselineDays'>> &
  Pick<TokenTrailQuery, 'baselineDays'>;

/** Defaults that make a new panel show sequences without any typing. Never mutate; copy first. */
export const DEFAULT_QUERY: Readonly<QueryOptions> = {
  queryType: 'sequences',
  preset: 'an0020',
  maxSpan: '1h',
  correlateBy: ['actor_id', 'app_id'],
  minSensitivity: 1,
  includeApproved: false,
  filters: [],
  groupBy: ['actor_id', 'app_id'],
  format: 'numeric',
  limit: 1000,
  minSeverity: '',
  signinWindow: '12h',
  kind: 'apps',
  require: [],
  longLivedDays: 90,
  unusedDays: 30,
  rareActors: 2,
};

/**
 * The query with every unset option replaced by its default. Arrays are copied,
 * so callers may change the result without touching DEFAULT_QUERY or the query.
 */
export function withDefaults(query: Partial<TokenTrailQuery>): QueryOptions {
  const queryType = query.queryType ?? DEFAULT_QUERY.queryType;
  const preset = presetOf(query.preset, query.correlateBy);
  const correlateBy =
    preset === 'custom' ? (query.correlateBy ?? DEFAULT_QUERY.correlateBy) : PRESET_CORRELATE_BY[preset];
  return {
    queryType,
    preset,
    maxSpan: query.maxSpan ?? DEFAULT_QUERY.maxSpan,
    correlateBy: [...correlateBy],
    minSensitivity: query.minSensitivity ?? DEFAULT_QUERY.minSensitivity,
    includeApproved: query.includeApproved ?? DEFAULT_QUERY.includeApproved,
    filters: (query.filters ?? DEFAULT_QUERY.filters).map((filter) => ({
      ...filter,
      values: [...(filter.values ?? [])],
    })),
    groupBy: [...(query.groupBy ?? DEFAULT_QUERY.groupBy)],
    format: (query.format === 'annotations' ? query.format : formatFor(queryType, query.format)) as QueryFormat,
    limit: query.limit ?? DEFAULT_QUERY.limit,
    minSeverity: query.minSeverity ?? DEFAULT_QUERY.minSeverity,
    signinWindow: query.signinWindow ?? DEFAULT_QUERY.signinWindow,
    ...(query.baselineDays === undefined ? {} : { baselineDays: query.baselineDays }),
    kind: query.kind ?? DEFAULT_QUERY.kind,
    require: [...(query.require ?? DEFAULT_QUERY.require)],
    longLivedDays: query.longLivedDays ?? DEFAULT_QUERY.longLivedDays,
    unusedDays: query.unusedDays ?? DEFAULT_QUERY.unusedDays,
    rareActors: query.rareActors ?? DEFAULT_QUERY.rareActors,
  };
}

/** ClickHouse wire protocol: native TCP or HTTP interface. */
export type Protocol = 'native' | 'http';

/** Data source settings stored unencrypted in jsonData. */
export interface TokenTrailOptions extends DataSourceJsonData {
  host?: string;
  port?: number;
  protocol?: Protocol;
  secure?: boolean;
  tlsSkipVerify?: boolean;
  username?: string;
  database?: string;
  table?: string;
  dialTimeoutSeconds?: number;
  queryTimeoutSeconds?: number;
  maxOpenConns?: number;
  /** OAuth app ids the organisation has vetted; their sequences are hidden unless a query sets includeApproved. */
  approvedApps?: string[];
  /** Days of history the risk score compares each episode with, and the inventory reads before the range (0: none). */
  baselineDays?: number;
  /** Overrides of the default scoring profile (pkg/risk/profile.yaml), in YAML or JSON. */
  scoringProfile?: string;
  /** Coverage: no events for this many hours means a source stopped sending. */
  silenceHours?: number;
  /** Coverage: a source keeping fewer days than this keeps too little history. */
  minRetentionDays?: number;
  /** Coverage: token events with a token_id below this percentage means tokens cannot be told apart. */
  minTokenIdPercent?: number;
  /** Coverage: more whole days without events than this is a gap. */
  maxZeroDays?: number;
  /** Coverage: the look-back of your alert rules; a p95 ingest delay above it means alerts miss late events. */
  alertLookbackMinutes?: number;
  /** Distributed tables: answer without a shard that no replica serves (with a notice) instead of failing. */
  skipUnavailableShards?: boolean;
}

/** Settings stored encrypted in secureJsonData; the browser only learns whether each one is set. */
export interface TokenTrailSecureOptions {
  password?: string;
  tlsCACert?: string;
  tlsClientCert?: string;
  tlsClientKey?: string;
}

/** Defaults the backend applies to empty settings; the config editor shows them as placeholders. */
export const DEFAULT_SETTINGS = {
  protocol: 'native',
  database: 'default',
  table: 'saas_audit_events',
  dialTimeoutSeconds: 10,
  queryTimeoutSeconds: 60,
  maxOpenConns: 10,
  baselineDays: 30,
  silenceHours: 24,
  minRetentionDays: 90,
  minTokenIdPercent: 1,
  maxZeroDays: 0,
  alertLookbackMinutes: 60,
} as const satisfies Partial<TokenTrailOptions>;

/** ClickHouse's standard ports per protocol, with and without TLS. */
export function defaultPort(protocol: Protocol, secure: boolean): number {
  if (protocol === 'http') {
    return secure ? 8443 : 8123;
  }
  return secure ? 9440 : 9000;
}
