SELECT event_time, event_id, tenant, source, action, toString(category), toString(auth_method), actor_id, actor_name, app_id, app_name, token_id, src_ip, user_agent, target_name, sensitivity
FROM default.saas_audit_events
PREWHERE cityHash64(token_id) GLOBAL IN (
  SELECT cityHash64(token_id) AS candidate
  FROM default.saas_audit_events
  PREWHERE toDate(event_time) >= toDate('2026-10-31') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-31 23:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
    AND ((category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke')) OR (category IN ('data_access', 'config_change') AND sensitivity >= 1))
  WHERE token_id != ''
  GROUP BY candidate
  HAVING windowFunnel(3600)(toDateTime(event_time), (category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke')), (category IN ('data_access', 'config_change') AND sensitivity >= 1) AND event_time >= toDateTime('2026-11-01 00:00:00', 'UTC')) = 2
  )
WHERE toDate(event_time) >= toDate('2026-10-31') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-31 23:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
  AND token_id != ''
  AND ((category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke')) OR (category IN ('data_access', 'config_change') AND sensitivity >= 1) OR (category = 'revoke'))
ORDER BY token_id, event_time, event_id
