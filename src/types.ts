import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/**
 * What the backend computes for a query:
 * - `sequences`: one row per token access followed by sensitive data access or a
 *   configuration change within `maxSpan` (the AN0020 detection itself);
 * - `sequenceCounts`: how many such sequences per `groupBy` key, for stat panels and alert rules;
 * - `timeline`: the raw normalized events, for investigating what a token did.
 */
export type QueryType = 'sequences' | 'sequenceCounts' | 'timeline';

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
  { value: 'timeline', label: 'Timeline', description: 'Normalized audit events, newest first' },
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
  /** Longest time between the token access and the follow-up event, as a Go duration ("1h", "30m"). */
  maxSpan?: string;
  correlateBy?: string[];
  minSensitivity?: number;
  /** Also report apps on the data source's approved list. */
  includeApproved?: boolean;
  filters?: Filter[];
  /** sequenceCounts only. */
  groupBy?: string[];
  /** sequenceCounts only. */
  format?: CountFormat;
  /** timeline only: maximum number of events returned. */
  limit?: number;
  /** Keep only episodes at or above this severity; '' keeps every episode. */
  minSeverity?: MinSeverity;
  /** Days of history the risk score compares each episode with; unset uses the data source's setting, 0 turns baselines off. */
  baselineDays?: number;
  /** How long before a token access an interactive sign-in still counts, as a Go duration ("12h"). */
  signinWindow?: string;
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
};

/**
 * The query with every unset option replaced by its default. Arrays are copied,
 * so callers may change the result without touching DEFAULT_QUERY or the query.
 */
export function withDefaults(query: Partial<TokenTrailQuery>): QueryOptions {
  return {
    queryType: query.queryType ?? DEFAULT_QUERY.queryType,
    maxSpan: query.maxSpan ?? DEFAULT_QUERY.maxSpan,
    correlateBy: [...(query.correlateBy ?? DEFAULT_QUERY.correlateBy)],
    minSensitivity: query.minSensitivity ?? DEFAULT_QUERY.minSensitivity,
    includeApproved: query.includeApproved ?? DEFAULT_QUERY.includeApproved,
    filters: (query.filters ?? DEFAULT_QUERY.filters).map((filter) => ({
      ...filter,
      values: [...(filter.values ?? [])],
    })),
    groupBy: [...(query.groupBy ?? DEFAULT_QUERY.groupBy)],
    format: query.format ?? DEFAULT_QUERY.format,
    limit: query.limit ?? DEFAULT_QUERY.limit,
    minSeverity: query.minSeverity ?? DEFAULT_QUERY.minSeverity,
    signinWindow: query.signinWindow ?? DEFAULT_QUERY.signinWindow,
    ...(query.baselineDays === undefined ? {} : { baselineDays: query.baselineDays }),
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
  /** Days of history the risk score compares each episode with (0 turns baselines off). */
  baselineDays?: number;
  /** Overrides of the default scoring profile (pkg/risk/profile.yaml), in YAML or JSON. */
  scoringProfile?: string;
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
} as const satisfies Partial<TokenTrailOptions>;

/** ClickHouse's standard ports per protocol, with and without TLS. */
export function defaultPort(protocol: Protocol, secure: boolean): number {
  if (protocol === 'http') {
    return secure ? 8443 : 8123;
  }
  return secure ? 9440 : 9000;
}
