WITH toFixedString(concat(substring(IPv6StringToNum(src_ip), 1, 6), unhex('00000000000000000000')), 16) AS v6net,
  multiIf(match(src_ip, '^[0-9]{1,3}(\\.[0-9]{1,3}){3}$') AND arrayAll(o -> toUInt16OrZero(o) <= 255 AND (length(o) = 1 OR substring(o, 1, 1) != '0'), splitByChar('.', src_ip)),
    concat(arrayStringConcat(arraySlice(splitByChar('.', src_ip), 1, 3), '.'), '.0/24'),
    position(src_ip, ':') > 0 AND v6net != toFixedString(unhex('00000000000000000000000000000000'), 16), concat(IPv6NumToString(v6net), '/48'),
    '') AS net
SELECT actor_id, app_id, toDate(event_time) AS day,
  count() AS events,
  countIf((category IN ('data_access', 'config_change') AND sensitivity >= 1)) AS sensitive,
  uniqExactIf(target_name, (category IN ('data_access', 'config_change') AND sensitivity >= 1) AND target_name != '') AS targets,
  countIf(category = 'config_change') AS config_changes,
  groupBitOr(bitShiftLeft(toUInt32(1), toHour(event_time))) AS hours,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arraySlice(arrayFilter(x -> x != '', groupUniqArray(net)), 1, 16)), ',') AS networks,
  arraySlice(arrayFilter(x -> x != '', groupUniqArray(substring(replaceRegexpAll(user_agent, '[0-9]+', ''), 1, 200))), 1, 8) AS agents,
  arraySlice(groupUniqArrayIf(action, category = 'config_change'), 1, 32) AS config_actions
FROM default.saas_audit_events
PREWHERE toDate(event_time) >= toDate('2026-10-02') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-02 00:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
  AND key_hash IN (SELECT cityHash64(actor_id, app_id) FROM tt_keys)
WHERE (actor_id, app_id) IN (SELECT actor_id, app_id FROM tt_keys)
GROUP BY actor_id, app_id, day
ORDER BY actor_id, app_id, day
