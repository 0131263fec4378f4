SELECT token_id, min(event_time) AS first_seen,
  arraySlice(arraySort(groupUniqArray(toDate(event_time))), 1, 400) AS days
FROM default.saas_audit_events
PREWHERE toDate(event_time) >= toDate('2026-10-02') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime64('2026-10-02 00:00:00.000', 3, 'UTC') AND event_time <= toDateTime64('2026-11-02 00:00:00.000', 3, 'UTC')
WHERE token_id IN (SELECT token_id FROM tt_tokens)
GROUP BY token_id
