SELECT key_hash AS k, any(tenant), any(source), any(actor_id), anyIf(actor_name, actor_name != ''), any(app_id), anyIf(app_name, app_name != '')
FROM default.saas_audit_events
PREWHERE toDate(event_time) >= toDate('2026-10-02') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-02 00:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC') AND ((actor_id >= 'alice' AND actor_id <= 'alice')) AND key_hash IN (SELECT k FROM tt_key_hashes)
GROUP BY k
