WITH toFixedString(concat(substring(IPv6StringToNum(src_ip), 1, 6), unhex('00000000000000000000')), 16) AS v6net,
  multiIf(match(src_ip, '^[0-9]{1,3}(\\.[0-9]{1,3}){3}$') AND arrayAll(o -> toUInt16OrZero(o) <= 255 AND (length(o) = 1 OR substring(o, 1, 1) != '0'), splitByChar('.', src_ip)),
    concat(arrayStringConcat(arraySlice(splitByChar('.', src_ip), 1, 3), '.'), '.0/24'),
    position(src_ip, ':') > 0 AND v6net != toFixedString(unhex('00000000000000000000000000000000'), 16), concat(IPv6NumToString(v6net), '/48'),
    '') AS net
SELECT ident, toDate(event_time) AS day,
  count() AS events,
  countIf((category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke'))) AS token_events,
  countIf((category = 'signin' AND outcome IN ('success', ''))) AS signins,
  groupBitOr(bitShiftLeft(toUInt32(1), toHour(event_time))) AS hours,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arraySlice(arrayFilter(x -> x != '', groupUniqArray(net)), 1, 32)), ',') AS networks,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arraySlice(arrayFilter(x -> x != '', groupUniqArrayIf(net, NOT (category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke')))), 1, 16)), ',') AS presence_networks,
  arrayStringConcat(arrayMap(n -> toString(n), arraySlice(groupArrayIf(toUInt32(toDateTime(event_time)), (category = 'signin' AND outcome IN ('success', ''))), 1, 48)), ',') AS signin_times,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arrayMap(p -> substring(p, 1, position(p, '|') - 1), arraySlice(groupUniqArrayIf(concat(net, '|', app_id), (category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke')) AND net != '' AND app_id != ''), 1, 32))), ',') AS network_app_nets,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arrayMap(p -> substring(p, position(p, '|') + 1, length(p)), arraySlice(groupUniqArrayIf(concat(net, '|', app_id), (category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke')) AND net != '' AND app_id != ''), 1, 32))), ',') AS network_app_apps
FROM default.saas_audit_events
ARRAY JOIN arrayFilter(x -> x != '', [actor_id, lower(actor_name)]) AS ident
PREWHERE toDate(event_time) >= toDate('2026-10-02') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-02 00:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
WHERE (actor_id IN (SELECT ident FROM tt_actors) OR lower(actor_name) IN (SELECT ident FROM tt_actors))
  AND ident IN (SELECT ident FROM tt_actors)
GROUP BY ident, day
ORDER BY ident, day
