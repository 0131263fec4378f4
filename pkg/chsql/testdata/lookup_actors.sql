SELECT actor_id AS value, argMaxIf(actor_name, event_time, actor_name != '') AS display, count() AS n
FROM db.t
WHERE toDate(event_time) >= toDate('2026-11-01') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime64('2026-11-01 00:00:00.000', 3, 'UTC') AND event_time <= toDateTime64('2026-11-02 00:00:00.000', 3, 'UTC')
  AND actor_id != ''
  AND (lower(actor_id) LIKE 'o\'\\_\\%%' OR lower(actor_name) LIKE 'o\'\\_\\%%')
GROUP BY value
ORDER BY n DESC, value
LIMIT 20
