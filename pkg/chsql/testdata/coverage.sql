WITH toInt64(toUInt32(ingest_time)) - toInt64(toUInt32(toDateTime(event_time))) AS delay,
  if(delay < 0, -delay, delay) AS delay_abs,
  multiIf(delay_abs < 3600, delay_abs, delay_abs < 86400, intDiv(delay_abs, 60) * 60, intDiv(delay_abs, 3600) * 3600) AS delay_rounded
SELECT source,
  tenant,
  count() AS events,
  min(event_time) AS first_event,
  max(event_time) AS last_event,
  uniqExactIf(toDate(event_time), event_time < toDateTime('2026-11-02 00:00:00', 'UTC')) AS active_days,
  arrayMap(q -> toFloat64(q), quantilesExactWeighted(0.5, 0.95)(if(delay < 0, -delay_rounded, delay_rounded), 1)) AS delay_quantiles,
  countIf(delay > 3600) AS late,
  countIf(token_id != '') AS with_token_id,
  countIf(app_id != '') AS with_app_id,
  countIf(src_ip != '') AS with_src_ip,
  countIf(session_id != '') AS with_session_id,
  countIf((category = 'token_auth' OR auth_method IN ('oauth', 'api_token', 'pat', 'service_account'))) AS token_events,
  countIf((category = 'token_auth' OR auth_method IN ('oauth', 'api_token', 'pat', 'service_account')) AND token_id != '') AS token_events_with_id,
  countIf(category = 'signin' AND auth_method = 'interactive') AS signins,
  arraySort(groupUniqArray(toString(category))) AS categories
FROM db.t
PREWHERE toDate(event_time) >= toDate('2026-08-03') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-08-03 00:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
WHERE source != 'slack'
GROUP BY source, tenant
ORDER BY source, tenant
