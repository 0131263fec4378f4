SELECT count() FROM (
SELECT tenant,
  source,
  token_id,
  groupUniqArrayIf(toString(auth_method), auth_method IN ('oauth', 'api_token', 'pat', 'service_account')) AS methods,
  argMin(actor_id, event_time) AS owner_id,
  argMin(actor_name, event_time) AS owner_name,
  argMaxIf(app_id, event_time, app_id != '') AS latest_app_id,
  argMaxIf(app_name, event_time, app_name != '') AS latest_app_name,
  min(event_time) AS first_seen,
  maxIf(event_time, category NOT IN ('grant', 'revoke')) AS last_used,
  countIf(category NOT IN ('grant', 'revoke')) AS uses,
  uniqExactIf(toDate(event_time), category NOT IN ('grant', 'revoke')) AS use_days,
  uniqExactIf(src_ip, src_ip != '') AS networks,
  countIf(category = 'revoke') AS revokes,
  maxIf(event_time, category = 'revoke') AS last_revoked,
  groupUniqArrayArrayIf(scopes, notEmpty(scopes)) AS scope_union,
  multiIf(source = 'm365', arrayExists(s -> lower(s) LIKE 'mail.%' OR lower(s) LIKE 'mailboxsettings.readwrite' OR lower(s) LIKE 'ews.%' OR lower(s) LIKE 'full\\_access\\_as\\_app' OR lower(s) LIKE 'imap.accessasuser.all' OR lower(s) LIKE 'pop.accessasuser.all' OR lower(s) LIKE 'exchange.manageasapp' OR lower(s) LIKE 'files.%' OR lower(s) LIKE 'sites.%' OR lower(s) LIKE 'directory.readwrite.all' OR lower(s) LIKE 'directory.accessasuser.all' OR lower(s) LIKE 'rolemanagement.readwrite.%' OR lower(s) LIKE 'application.readwrite.%' OR lower(s) LIKE 'approleassignment.readwrite.all' OR lower(s) LIKE 'user.readwrite.all' OR lower(s) LIKE 'policy.readwrite.%', scope_union), source = 'google_workspace', arrayExists(s -> lower(s) LIKE 'https://mail.google.com/' OR lower(s) LIKE 'https://www.googleapis.com/auth/gmail.%' OR lower(s) LIKE 'https://www.googleapis.com/auth/drive' OR lower(s) LIKE 'https://www.googleapis.com/auth/drive.readonly' OR lower(s) LIKE 'https://www.googleapis.com/auth/admin.%' OR lower(s) LIKE 'https://www.googleapis.com/auth/cloud-platform', scope_union), source = 'github', arrayExists(s -> lower(s) LIKE 'repo' OR lower(s) LIKE 'public\\_repo' OR lower(s) LIKE 'delete\\_repo' OR lower(s) LIKE 'workflow' OR lower(s) LIKE 'contents:write' OR lower(s) LIKE 'admin:%' OR lower(s) LIKE 'administration:write', scope_union), source = 'slack', arrayExists(s -> lower(s) LIKE 'admin%' OR lower(s) LIKE 'files:read' OR lower(s) LIKE 'channels:history' OR lower(s) LIKE 'groups:history' OR lower(s) LIKE 'im:history' OR lower(s) LIKE 'mpim:history', scope_union), source = 'okta', arrayExists(s -> lower(s) LIKE 'okta.%.manage', scope_union), 0) AS privileged,
  1 AS unapproved,
  first_seen <= toDateTime64('2026-08-04 00:00:00.000', 3, 'UTC') AS long_lived,
  uses > 0 AND last_used >= toDateTime64('2026-11-01 00:00:00.000', 3, 'UTC') AS in_use,
  NOT (revokes > 0 AND last_revoked >= maxIf(event_time, category != 'revoke')) AS active,
  long_lived AND active AND (uses = 0 OR last_used < toDateTime64('2026-10-03 00:00:00.000', 3, 'UTC')) AS unused,
  max(event_time) AS last_seen_any
FROM default.saas_audit_events
PREWHERE toDate(event_time) >= toDate('2026-10-02') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime64('2026-10-02 00:00:00.000', 3, 'UTC') AND event_time <= toDateTime64('2026-11-02 00:00:00.000', 3, 'UTC')
WHERE token_id != ''
GROUP BY tenant, source, token_id
HAVING long_lived AND in_use
)
