CREATE TABLE IF NOT EXISTS db.events_days
(
    dim Enum8('key' = 1, 'actor' = 2, 'ident' = 3, 'app' = 4, 'token' = 5),
    value String,
    app String,
    day Date,
    events AggregateFunction(count),
    token_events AggregateFunction(countIf, UInt8),
    signins AggregateFunction(countIf, UInt8),
    sensitive0 AggregateFunction(countIf, UInt8),
    targets0 AggregateFunction(uniqExactIf, String, UInt8),
    sensitive1 AggregateFunction(countIf, UInt8),
    targets1 AggregateFunction(uniqExactIf, String, UInt8),
    sensitive2 AggregateFunction(countIf, UInt8),
    targets2 AggregateFunction(uniqExactIf, String, UInt8),
    sensitive3 AggregateFunction(countIf, UInt8),
    targets3 AggregateFunction(uniqExactIf, String, UInt8),
    config_changes AggregateFunction(countIf, UInt8),
    hours AggregateFunction(groupBitOr, UInt32),
    networks AggregateFunction(groupUniqArrayIf, String, UInt8),
    agents AggregateFunction(groupUniqArrayIf, String, UInt8),
    config_actions AggregateFunction(groupUniqArrayIf, String, UInt8),
    presence_networks AggregateFunction(groupUniqArrayIf, String, UInt8),
    network_apps AggregateFunction(groupUniqArrayIf, String, UInt8),
    signin_times AggregateFunction(groupArrayIf(48), UInt32, UInt8),
    actors AggregateFunction(uniqExactIf, String, UInt8),
    first_seen AggregateFunction(min, UInt32),
    id_tenant AggregateFunction(anyLast, String),
    id_source AggregateFunction(anyLast, String),
    id_actor_name AggregateFunction(anyLastIf, String, UInt8),
    id_app_name AggregateFunction(anyLastIf, String, UInt8)
)
ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMM(day)
ORDER BY (dim, value, day)
SETTINGS index_granularity = 256;

CREATE MATERIALIZED VIEW IF NOT EXISTS db.events_days_mv TO db.events_days
AS WITH toFixedString(concat(substring(IPv6StringToNum(src_ip), 1, 6), unhex('00000000000000000000')), 16) AS v6net,
  multiIf(match(src_ip, '^[0-9]{1,3}(\\.[0-9]{1,3}){3}$') AND arrayAll(o -> toUInt16OrZero(o) <= 255 AND (length(o) = 1 OR substring(o, 1, 1) != '0'), splitByChar('.', src_ip)),
    concat(arrayStringConcat(arraySlice(splitByChar('.', src_ip), 1, 3), '.'), '.0/24'),
    position(src_ip, ':') > 0 AND v6net != toFixedString(unhex('00000000000000000000000000000000'), 16), concat(IPv6NumToString(v6net), '/48'),
    '') AS net,
  substring(replaceRegexpAll(user_agent, '[0-9]+', ''), 1, 200) AS agent
SELECT CAST(d.1 AS Enum8('key' = 1, 'actor' = 2, 'ident' = 3, 'app' = 4, 'token' = 5)) AS dim, d.2 AS value, if(d.1 = 'key', app_id, '') AS app, toDate(event_time) AS day,
    countState() AS events,
    countIfState((category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke'))) AS token_events,
    countIfState((category = 'signin' AND outcome IN ('success', ''))) AS signins,
    countIfState((category IN ('data_access', 'config_change') AND sensitivity >= 0)) AS sensitive0,
    uniqExactIfState(target_name, (category IN ('data_access', 'config_change') AND sensitivity >= 0) AND target_name != '') AS targets0,
    countIfState((category IN ('data_access', 'config_change') AND sensitivity >= 1)) AS sensitive1,
    uniqExactIfState(target_name, (category IN ('data_access', 'config_change') AND sensitivity >= 1) AND target_name != '') AS targets1,
    countIfState((category IN ('data_access', 'config_change') AND sensitivity >= 2)) AS sensitive2,
    uniqExactIfState(target_name, (category IN ('data_access', 'config_change') AND sensitivity >= 2) AND target_name != '') AS targets2,
    countIfState((category IN ('data_access', 'config_change') AND sensitivity >= 3)) AS sensitive3,
    uniqExactIfState(target_name, (category IN ('data_access', 'config_change') AND sensitivity >= 3) AND target_name != '') AS targets3,
    countIfState(category = 'config_change') AS config_changes,
    groupBitOrState(bitShiftLeft(toUInt32(1), toHour(event_time))) AS hours,
    groupUniqArrayIfState(net, net != '') AS networks,
    groupUniqArrayIfState(agent, agent != '') AS agents,
    groupUniqArrayIfState(action, category = 'config_change') AS config_actions,
    groupUniqArrayIfState(net, net != '' AND NOT (category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke'))) AS presence_networks,
    groupUniqArrayIfState(concat(net, '|', app_id), net != '' AND app_id != '' AND (category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke'))) AS network_apps,
    groupArrayIfState(48)(toUInt32(toDateTime(event_time)), (category = 'signin' AND outcome IN ('success', ''))) AS signin_times,
    uniqExactIfState(actor_id, actor_id != '') AS actors,
    minState(toUInt32(toDateTime(event_time))) AS first_seen,
    anyLastState(toString(tenant)) AS id_tenant,
    anyLastState(toString(source)) AS id_source,
    anyLastIfState(actor_name, actor_name != '') AS id_actor_name,
    anyLastIfState(app_name, app_name != '') AS id_app_name
FROM db.events
ARRAY JOIN arrayFilter(d -> d.2 != '', [
    ('key', if(actor_id != '' AND app_id != '', concat(actor_id, '\x1f', app_id), '')),
    ('actor', actor_id),
    ('ident', if(position(actor_name, '@') > 0, lower(actor_name), '')),
    ('app', app_id),
    ('token', token_id)]) AS d
GROUP BY dim, value, app, day;

INSERT INTO db.events_days
WITH toFixedString(concat(substring(IPv6StringToNumOrDefault(src_ip), 1, 6), unhex('00000000000000000000')), 16) AS v6net,
  multiIf(match(src_ip, '^[0-9]{1,3}(\\.[0-9]{1,3}){3}$') AND arrayAll(o -> toUInt16OrZero(o) <= 255 AND (length(o) = 1 OR substring(o, 1, 1) != '0'), splitByChar('.', src_ip)),
    concat(arrayStringConcat(arraySlice(splitByChar('.', src_ip), 1, 3), '.'), '.0/24'),
    position(src_ip, ':') > 0 AND v6net != toFixedString(unhex('00000000000000000000000000000000'), 16), concat(IPv6NumToString(v6net), '/48'),
    '') AS net,
  substring(replaceRegexpAll(user_agent, '[0-9]+', ''), 1, 200) AS agent
SELECT CAST(d.1 AS Enum8('key' = 1, 'actor' = 2, 'ident' = 3, 'app' = 4, 'token' = 5)) AS dim, d.2 AS value, if(d.1 = 'key', app_id, '') AS app, toDate(event_time) AS day,
    countState() AS events,
    countIfState((category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke'))) AS token_events,
    countIfState((category = 'signin' AND outcome IN ('success', ''))) AS signins,
    countIfState((category IN ('data_access', 'config_change') AND sensitivity >= 0)) AS sensitive0,
    uniqExactIfState(target_name, (category IN ('data_access', 'config_change') AND sensitivity >= 0) AND target_name != '') AS targets0,
    countIfState((category IN ('data_access', 'config_change') AND sensitivity >= 1)) AS sensitive1,
    uniqExactIfState(target_name, (category IN ('data_access', 'config_change') AND sensitivity >= 1) AND target_name != '') AS targets1,
    countIfState((category IN ('data_access', 'config_change') AND sensitivity >= 2)) AS sensitive2,
    uniqExactIfState(target_name, (category IN ('data_access', 'config_change') AND sensitivity >= 2) AND target_name != '') AS targets2,
    countIfState((category IN ('data_access', 'config_change') AND sensitivity >= 3)) AS sensitive3,
    uniqExactIfState(target_name, (category IN ('data_access', 'config_change') AND sensitivity >= 3) AND target_name != '') AS targets3,
    countIfState(category = 'config_change') AS config_changes,
    groupBitOrState(bitShiftLeft(toUInt32(1), toHour(event_time))) AS hours,
    groupUniqArrayIfState(net, net != '') AS networks,
    groupUniqArrayIfState(agent, agent != '') AS agents,
    groupUniqArrayIfState(action, category = 'config_change') AS config_actions,
    groupUniqArrayIfState(net, net != '' AND NOT (category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke'))) AS presence_networks,
    groupUniqArrayIfState(concat(net, '|', app_id), net != '' AND app_id != '' AND (category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke'))) AS network_apps,
    groupArrayIfState(48)(toUInt32(toDateTime(event_time)), (category = 'signin' AND outcome IN ('success', ''))) AS signin_times,
    uniqExactIfState(actor_id, actor_id != '') AS actors,
    minState(toUInt32(toDateTime(event_time))) AS first_seen,
    anyLastState(toString(tenant)) AS id_tenant,
    anyLastState(toString(source)) AS id_source,
    anyLastIfState(actor_name, actor_name != '') AS id_actor_name,
    anyLastIfState(app_name, app_name != '') AS id_app_name
FROM db.events
ARRAY JOIN arrayFilter(d -> d.2 != '', [
    ('key', if(actor_id != '' AND app_id != '', concat(actor_id, '\x1f', app_id), '')),
    ('actor', actor_id),
    ('ident', if(position(actor_name, '@') > 0, lower(actor_name), '')),
    ('app', app_id),
    ('token', token_id)]) AS d
GROUP BY dim, value, app, day
