SELECT key_hash AS candidate, min(actor_id), max(actor_id), count()
  FROM default.saas_audit_events
  PREWHERE toDate(event_time) >= toDate('2026-10-31') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-31 23:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
    AND ((category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke')) OR (category IN ('data_access', 'config_change') AND sensitivity >= 1))
    AND key_hash != 0
    AND app_hash NOT IN (cityHash64('backup-svc'), cityHash64('o\'neil'))
  GROUP BY candidate
  HAVING windowFunnel(3600)(toDateTime(event_time), (category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke')), (category IN ('data_access', 'config_change') AND sensitivity >= 1) AND event_time >= toDateTime('2026-11-01 00:00:00', 'UTC')) = 2
