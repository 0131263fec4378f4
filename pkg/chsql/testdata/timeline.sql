SELECT event_time, source, action, toString(category), toString(auth_method), outcome, actor_id, actor_name, app_id, app_name, token_id, src_ip, user_agent, session_id, target_type, target_id, target_name, arrayStringConcat(scopes, ' '), sensitivity, event_id, substring(raw, 1, 4096)
FROM db.t
WHERE toDate(event_time) >= toDate('2026-11-01') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime64('2026-11-01 00:00:00.000', 3, 'UTC') AND event_time <= toDateTime64('2026-11-02 00:00:00.000', 3, 'UTC')
  AND actor_name != 'O\'Brien\\'
ORDER BY event_time DESC, event_id DESC
LIMIT 51
