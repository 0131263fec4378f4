SELECT event_time, event_id, tenant, source, action, toString(category), toString(auth_method), actor_id, actor_name, app_id, app_name, token_id, src_ip, user_agent, target_name, sensitivity
FROM db.t
PREWHERE toDate(event_time) >= toDate('2026-10-31') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-31 12:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
  AND ((category = 'signin' AND auth_method NOT IN ('oauth', 'api_token', 'pat', 'service_account')) OR ((category = 'token_auth' OR auth_method IN ('oauth', 'api_token', 'pat', 'service_account')) AND category NOT IN ('grant', 'revoke')))
WHERE actor_id != ''
  AND (NOT (category = 'signin' AND auth_method NOT IN ('oauth', 'api_token', 'pat', 'service_account')) OR outcome IN ('success', ''))
  AND ((category = 'signin' AND auth_method NOT IN ('oauth', 'api_token', 'pat', 'service_account')) OR app_id NOT IN ('backup-svc'))
  AND source = 'm365'
  AND actor_id IN (
  SELECT actor_id FROM db.t
  PREWHERE toDate(event_time) >= toDate('2026-10-02') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-02 00:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC') AND (category = 'signin' AND auth_method NOT IN ('oauth', 'api_token', 'pat', 'service_account'))
  WHERE outcome IN ('success', '') AND actor_id != ''
  GROUP BY actor_id
  )
ORDER BY actor_id, event_time, event_id
