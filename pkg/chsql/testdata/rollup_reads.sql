SELECT splitByChar('\x1f', value)[1] AS actor_id, splitByChar('\x1f', value)[2] AS app_id, day,
  countMerge(events) AS events,
  countIfMerge(sensitive1) AS sensitive,
  uniqExactIfMerge(targets1) AS targets,
  countIfMerge(config_changes) AS config_changes,
  groupBitOrMerge(hours) AS hours,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arraySlice(groupUniqArrayIfMerge(networks), 1, 16)), ',') AS networks,
  arraySlice(groupUniqArrayIfMerge(agents), 1, 8) AS agents,
  arraySlice(groupUniqArrayIfMerge(config_actions), 1, 32) AS config_actions
FROM default.saas_audit_events_days
WHERE dim = 'key' AND value IN (SELECT concat(actor_id, '\x1f', app_id) FROM tt_keys) AND day >= toDate('2026-10-02') AND day <= toDate('2026-11-02')
GROUP BY value, day;

SELECT value AS ident, day,
  countMerge(events) AS events,
  countIfMerge(token_events) AS token_events,
  countIfMerge(signins) AS signins,
  groupBitOrMerge(hours) AS hours,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arraySlice(groupUniqArrayIfMerge(networks), 1, 32)), ',') AS networks,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arraySlice(groupUniqArrayIfMerge(presence_networks), 1, 16)), ',') AS presence_networks,
  arrayStringConcat(arrayMap(n -> toString(n), arraySlice(groupArrayIfMerge(48)(signin_times), 1, 48)), ',') AS signin_times,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arrayMap(p -> substring(p, 1, position(p, '|') - 1), arraySlice(groupUniqArrayIfMerge(network_apps), 1, 32))), ',') AS network_app_nets,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arrayMap(p -> substring(p, position(p, '|') + 1, length(p)), arraySlice(groupUniqArrayIfMerge(network_apps), 1, 32))), ',') AS network_app_apps
FROM default.saas_audit_events_days
WHERE dim IN ('actor', 'ident') AND value IN (SELECT ident FROM tt_actors) AND day >= toDate('2026-10-02') AND day <= toDate('2026-11-02')
GROUP BY value, day;

SELECT app_id, first_seen, last_seen, actors, peer_networks
FROM (
  SELECT value AS app_id, toDateTime(minMerge(first_seen)) AS first_seen, toDateTime(max(day)) AS last_seen
  FROM default.saas_audit_events_days
  WHERE dim = 'app' AND value IN (SELECT app_id FROM tt_apps) AND day >= toDate('2026-10-02') AND day <= toDate('2026-11-02')
  GROUP BY value
)
ANY LEFT JOIN (
  SELECT app AS app_id, any(keys) AS actors, arrayMap(p -> concat(p.2, '|', toString(-p.1)), arraySlice(arraySort(groupArrayIf((-toInt64(n), net), net != '' AND n >= 2)), 1, 256)) AS peer_networks
  FROM (
    SELECT app, keys, net, count() AS n
    FROM (
      SELECT app, count() AS keys, groupArrayArray(nets) AS all_nets
      FROM (
        SELECT app, value, groupUniqArrayIfMerge(networks) AS nets
        FROM default.saas_audit_events_days
        WHERE dim = 'key' AND app IN (SELECT app_id FROM tt_apps) AND day >= toDate('2026-10-02') AND day <= toDate('2026-11-02')
        GROUP BY app, value
      )
      GROUP BY app
    )
    LEFT ARRAY JOIN all_nets AS net
    GROUP BY app, keys, net
  )
  GROUP BY app
) USING app_id;

SELECT value AS token_id, toDateTime(min(first)) AS first_seen,
  arraySlice(arraySort(groupArray(day)), 1, 400) AS days
FROM (
  SELECT value, day, minMerge(first_seen) AS first
  FROM default.saas_audit_events_days
  WHERE dim = 'token' AND value IN (SELECT token_id FROM tt_tokens) AND day >= toDate('2026-10-02') AND day <= toDate('2026-11-02')
  GROUP BY value, day
)
GROUP BY value;

SELECT cityHash64(splitByChar('\x1f', value)[1], splitByChar('\x1f', value)[2]) AS k, anyLastMerge(id_tenant), anyLastMerge(id_source),
  any(splitByChar('\x1f', value)[1]) AS actor_id, anyLastIfMerge(id_actor_name), any(splitByChar('\x1f', value)[2]) AS app_id, anyLastIfMerge(id_app_name)
FROM default.saas_audit_events_days
WHERE dim = 'key' AND day >= toDate('2026-10-02') AND day <= toDate('2026-11-02') AND ((value >= 'alice' AND value < 'alicf') OR (value >= 'bob' AND value < 'boc') OR (value >= 'zoë' AND value < 'zoì')) AND cityHash64(splitByChar('\x1f', value)[1], splitByChar('\x1f', value)[2]) IN (SELECT k FROM tt_key_hashes)
GROUP BY value;

SELECT * FROM (
SELECT value AS ident, day,
  countMerge(events) AS events,
  countIfMerge(token_events) AS token_events,
  countIfMerge(signins) AS signins,
  groupBitOrMerge(hours) AS hours,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arraySlice(groupUniqArrayIfMerge(networks), 1, 32)), ',') AS networks,
  '' AS presence_networks,
  '' AS signin_times,
  '' AS network_app_nets,
  '' AS network_app_apps
FROM default.saas_audit_events_days
WHERE dim IN ('actor', 'ident') AND value IN (SELECT ident FROM tt_actors) AND day >= toDate('2026-10-02') AND day < toDate('2026-10-30')
GROUP BY value, day
UNION ALL
SELECT value AS ident, day,
  countMerge(events) AS events,
  countIfMerge(token_events) AS token_events,
  countIfMerge(signins) AS signins,
  groupBitOrMerge(hours) AS hours,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arraySlice(groupUniqArrayIfMerge(networks), 1, 32)), ',') AS networks,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arraySlice(groupUniqArrayIfMerge(presence_networks), 1, 16)), ',') AS presence_networks,
  arrayStringConcat(arrayMap(n -> toString(n), arraySlice(groupArrayIfMerge(48)(signin_times), 1, 48)), ',') AS signin_times,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arrayMap(p -> substring(p, 1, position(p, '|') - 1), arraySlice(groupUniqArrayIfMerge(network_apps), 1, 32))), ',') AS network_app_nets,
  arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), arrayMap(p -> substring(p, position(p, '|') + 1, length(p)), arraySlice(groupUniqArrayIfMerge(network_apps), 1, 32))), ',') AS network_app_apps
FROM default.saas_audit_events_days
WHERE dim IN ('actor', 'ident') AND value IN (SELECT ident FROM tt_actors) AND day >= toDate('2026-10-30') AND day <= toDate('2026-11-02')
GROUP BY value, day
)
