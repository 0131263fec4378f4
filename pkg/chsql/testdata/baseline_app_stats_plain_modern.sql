SELECT app_id, min(event_time) AS first_seen, max(event_time) AS last_seen,
  uniqExactIf(actor_id, actor_id != '') AS actors
FROM default.saas_audit_events
PREWHERE event_time >= toDateTime64('2026-10-02 00:00:00.000', 3, 'UTC') AND event_time <= toDateTime64('2026-11-02 00:00:00.000', 3, 'UTC')
WHERE app_id IN (SELECT app_id FROM tt_apps)
GROUP BY app_id
