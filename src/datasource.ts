import {
  AnnotationSupport,
  CoreApp,
  DataSourceInstanceSettings,
  LegacyMetricFindQueryOptions,
  MetricFindValue,
  ScopedVars,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, TemplateSrv } from '@grafana/runtime';

import { FieldCatalog, parseFieldCatalog, parseFieldValues, STATIC_FIELD_CATALOG } from './fieldCatalog';
import { expandValues } from './templating';
import { Filter, MinSeverity, TokenTrailOptions, TokenTrailQuery, withDefaults } from './types';
import { parseVariableQuery, parseVariableValues, VariableQuery } from './variables';

/**
 * Frontend half of the TokenTrail datasource. Queries run in the Go backend;
 * this class only fills defaults, interpolates dashboard variables and offers
 * the backend's field catalogue to the query editor.
 */
export class DataSource extends DataSourceWithBackend<TokenTrailQuery, TokenTrailOptions> {
  private fieldCatalog?: Promise<FieldCatalog>;
  private readonly jsonData: TokenTrailOptions;

  /**
   * Episodes as annotations: the annotation query is a sequences query whose
   * backend answer is one region per episode (time, timeEnd, title, text with
   * the severity first, tags), which Grafana maps by field name.
   */
  annotations: AnnotationSupport<TokenTrailQuery> = {
    getDefaultQuery: () => ({ ...withDefaults({}), format: 'annotations' }),
    prepareQuery: (anno) =>
      anno.target ? { ...anno.target, queryType: 'sequences', format: 'annotations' } : undefined,
  };

  constructor(
    instanceSettings: DataSourceInstanceSettings<TokenTrailOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv()
  ) {
    super(instanceSettings);
    this.jsonData = instanceSettings.jsonData ?? {};
  }

  /** A data source setting, for editors that show it as the default of a query option. */
  settingsDefault<K extends keyof TokenTrailOptions>(key: K): TokenTrailOptions[K] {
    return this.jsonData[key];
  }

  /**
   * Values of a dashboard variable: actors, apps, tokens, sources or tenants,
   * most frequent first, from the backend's `variables` resource over the
   * dashboard's range. The prefix may use other variables; the text typed into
   * the variable's picker narrows it further.
   */
  async metricFindQuery(
    query: VariableQuery | string,
    options?: LegacyMetricFindQueryOptions
  ): Promise<MetricFindValue[]> {
    const parsed = parseVariableQuery(query);
    const prefix = options?.searchFilter || this.templateSrv.replace(parsed.prefix ?? '', options?.scopedVars);
    const params: Record<string, string | number> = { kind: parsed.kind };
    if (prefix !== '') {
      params.prefix = prefix;
    }
    if (parsed.limit !== undefined) {
      params.limit = parsed.limit;
    }
    if (options?.range) {
      params.from = options.range.from.valueOf();
      params.to = options.range.to.valueOf();
    }
    return parseVariableValues(await this.getResource('variables', params));
  }

  getDefaultQuery(_app: CoreApp): Partial<TokenTrailQuery> {
    return withDefaults({});
  }

  /** Hidden queries are not sent to the backend. */
  filterQuery(query: TokenTrailQuery): boolean {
    return !query.hide;
  }

  /**
   * Resolves dashboard variables before the query reaches the backend. Filter
   * values, groupBy and correlateBy expand multi-value variables into several
   * entries; maxSpan is interpolated as a single string. Options missing from
   * older saved queries get their defaults, so the backend sees a complete query.
   *
   * A multi-value variable in an `=` or `!=` filter means "any of" / "none of"
   * its values, so such filters are sent as `in` / `not in`.
   *
   * A filter left without values (an unfinished editor row, or a variable with
   * nothing selected) is dropped rather than sent: for a detection, showing too
   * much is safer than silently matching nothing.
   */
  applyTemplateVariables(query: TokenTrailQuery, scopedVars: ScopedVars): TokenTrailQuery {
    const options = withDefaults(query);
    return {
      ...query,
      ...options,
      maxSpan: this.templateSrv.replace(options.maxSpan, scopedVars),
      signinWindow: this.templateSrv.replace(options.signinWindow, scopedVars),
      minSeverity: this.templateSrv.replace(options.minSeverity, scopedVars) as MinSeverity,
      correlateBy: expandValues(this.templateSrv, options.correlateBy, scopedVars),
      groupBy: expandValues(this.templateSrv, options.groupBy, scopedVars),
      filters: options.filters
        .map((filter) =>
          widenOperator({ ...filter, values: expandValues(this.templateSrv, filter.values, scopedVars) })
        )
        .filter((filter) => filter.field !== '' && filter.values.length > 0),
    };
  }

  /** References to the dashboard's variables ("$name"), offered next to literal values in the editor. */
  getVariableReferences(): string[] {
    return this.templateSrv.getVariables().map((variable) => `$${variable.name}`);
  }

  /**
   * Fields and operators the backend accepts, fetched once per datasource
   * instance. When the backend is unreachable or older than this frontend the
   * editor still works from the built-in catalogue.
   */
  getFieldCatalog(): Promise<FieldCatalog> {
    if (!this.fieldCatalog) {
      this.fieldCatalog = this.getResource('fields')
        .then(parseFieldCatalog)
        .catch(() => STATIC_FIELD_CATALOG);
    }
    return this.fieldCatalog;
  }

  /** Distinct values of a column, as suggestions; empty when the backend cannot tell. */
  async getFieldValues(field: string): Promise<string[]> {
    try {
      return parseFieldValues(await this.getResource('values', { field }));
    } catch {
      return [];
    }
  }
}

/** Turns = and != into in and not in when interpolation produced several values. */
function widenOperator(filter: Filter): Filter {
  if (filter.values.length <= 1) {
    return filter;
  }
  switch (filter.op) {
    case '=':
      return { ...filter, op: 'in' };
    case '!=':
      return { ...filter, op: 'not in' };
    default:
      return filter;
  }
}
