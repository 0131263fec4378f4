SELECT uniqExact(k, st) FROM (SELECT key_hash AS k, toUInt32(toDateTime(event_time)) AS at FROM default.saas_audit_events PREWHERE toDate(event_time) >= toDate('2026-10-31') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-31 23:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
  AND (category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke'))
  AND key_hash != 0
  AND app_hash NOT IN (cityHash64('backup-svc'), cityHash64('o\'neil'))) ALL INNER JOIN (SELECT key_hash AS k, toUInt32(toDateTime(event_time)) AS st FROM default.saas_audit_events PREWHERE toDate(event_time) >= toDate('2026-11-01') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-11-01 00:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
  AND (category IN ('data_access', 'config_change') AND sensitivity >= 1)
  AND key_hash != 0
  AND app_hash NOT IN (cityHash64('backup-svc'), cityHash64('o\'neil'))) USING k WHERE st >= at AND st <= at + 3600
