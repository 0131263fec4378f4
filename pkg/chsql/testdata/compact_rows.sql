SELECT key_hash, event_time, event_id, tenant, source, action, toString(category), toString(auth_method), token_id, src_ip, if(user_agent = '', toUInt64(0), cityHash64(substring(replaceRegexpAll(user_agent, '[0-9]+', ''), 1, 200))), target_name, sensitivity
FROM default.saas_audit_events
PREWHERE key_hash IN (
  SELECT k FROM tt_candidates
  )
WHERE toDate(event_time) >= toDate('2026-10-31') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-31 23:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
  AND key_hash != 0
  AND ((category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke')) OR (category IN ('data_access', 'config_change') AND sensitivity >= 1) OR (category = 'revoke'))
  AND actor_id >= '00u1' AND actor_id <= 'o\'brien@example.com'
