SELECT key_hash, event_time, event_id, tenant, source, action, toString(category), toString(auth_method), token_id, src_ip, if(user_agent = '', toUInt64(0), cityHash64(substring(replaceRegexpAll(user_agent, '[0-9]+', ''), 1, 200))), target_name, sensitivity
FROM default.saas_audit_events
PREWHERE key_hash IN (
  SELECT key_hash AS candidate
  FROM default.saas_audit_events_local
  PREWHERE toDate(event_time) >= toDate('2026-10-31') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-31 23:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
    AND ((category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke')) OR (category IN ('data_access', 'config_change') AND sensitivity >= 1))
    AND key_hash != 0
    AND app_hash NOT IN (cityHash64('backup-svc'), cityHash64('o\'neil'))
  WHERE source IN ('github', 'okta')
  GROUP BY candidate
  HAVING windowFunnel(3600)(toDateTime(event_time), (category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke')), (category IN ('data_access', 'config_change') AND sensitivity >= 1) AND event_time >= toDateTime('2026-11-01 00:00:00', 'UTC')) = 2
  )
WHERE toDate(event_time) >= toDate('2026-10-31') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-31 23:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
  AND key_hash != 0
  AND source IN ('github', 'okta')
  AND ((category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke')) OR (category IN ('data_access', 'config_change') AND sensitivity >= 1) OR (category = 'revoke'))
ORDER BY key_hash, event_time, event_id
