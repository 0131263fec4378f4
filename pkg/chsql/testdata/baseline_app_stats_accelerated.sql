SELECT app_id, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
  uniqExactMerge(actor_state) AS actors,
  arrayMap(p -> concat(p.2, '|', toString(-p.1)), arraySlice(arraySort(groupArrayIf((-toInt64(net_actors), net), net != '' AND net_actors >= 2)), 1, 256)) AS peer_networks
FROM (
  WITH toFixedString(concat(substring(IPv6StringToNum(src_ip), 1, 6), unhex('00000000000000000000')), 16) AS v6net,
    multiIf(match(src_ip, '^[0-9]{1,3}(\\.[0-9]{1,3}){3}$') AND arrayAll(o -> toUInt16OrZero(o) <= 255 AND (length(o) = 1 OR substring(o, 1, 1) != '0'), splitByChar('.', src_ip)),
      concat(arrayStringConcat(arraySlice(splitByChar('.', src_ip), 1, 3), '.'), '.0/24'),
      position(src_ip, ':') > 0 AND v6net != toFixedString(unhex('00000000000000000000000000000000'), 16), concat(IPv6NumToString(v6net), '/48'),
      '') AS net
  SELECT app_id, net, min(event_time) AS first_seen, max(event_time) AS last_seen,
    uniqExactState(actor_id) AS actor_state, uniqExact(actor_id) AS net_actors
  FROM default.saas_audit_events
  PREWHERE toDate(event_time) >= toDate('2026-10-02') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-02 00:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
  AND app_hash IN (SELECT cityHash64(app_id) FROM tt_apps)
  WHERE app_id IN (SELECT app_id FROM tt_apps) AND actor_id != ''
  GROUP BY app_id, net
)
GROUP BY app_id
