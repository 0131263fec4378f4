SELECT tenant,
  source,
  app_id,
  argMaxIf(app_name, event_time, app_name != '') AS latest_app_name,
  min(event_time) AS first_seen,
  max(event_time) AS last_seen,
  uniqExactIf(actor_id, actor_id != '') AS actors,
  countIf(category = 'grant') AS grants,
  countIf(category = 'revoke') AS revokes,
  groupUniqArrayArrayIf(scopes, notEmpty(scopes)) AS scope_union,
  multiIf(source = 'm365', arrayExists(s -> lower(s) LIKE 'mail.%' OR lower(s) LIKE 'mailboxsettings.readwrite' OR lower(s) LIKE 'ews.%' OR lower(s) LIKE 'full\\_access\\_as\\_app' OR lower(s) LIKE 'imap.accessasuser.all' OR lower(s) LIKE 'pop.accessasuser.all' OR lower(s) LIKE 'exchange.manageasapp' OR lower(s) LIKE 'files.%' OR lower(s) LIKE 'sites.%' OR lower(s) LIKE 'directory.readwrite.all' OR lower(s) LIKE 'directory.accessasuser.all' OR lower(s) LIKE 'rolemanagement.readwrite.%' OR lower(s) LIKE 'application.readwrite.%' OR lower(s) LIKE 'approleassignment.readwrite.all' OR lower(s) LIKE 'user.readwrite.all' OR lower(s) LIKE 'policy.readwrite.%', scope_union), source = 'google_workspace', arrayExists(s -> lower(s) LIKE 'https://mail.google.com/' OR lower(s) LIKE 'https://www.googleapis.com/auth/gmail.%' OR lower(s) LIKE 'https://www.googleapis.com/auth/drive' OR lower(s) LIKE 'https://www.googleapis.com/auth/drive.readonly' OR lower(s) LIKE 'https://www.googleapis.com/auth/admin.%' OR lower(s) LIKE 'https://www.googleapis.com/auth/cloud-platform', scope_union), source = 'github', arrayExists(s -> lower(s) LIKE 'repo' OR lower(s) LIKE 'public\\_repo' OR lower(s) LIKE 'delete\\_repo' OR lower(s) LIKE 'workflow' OR lower(s) LIKE 'contents:write' OR lower(s) LIKE 'admin:%' OR lower(s) LIKE 'administration:write', scope_union), source = 'slack', arrayExists(s -> lower(s) LIKE 'admin%' OR lower(s) LIKE 'files:read' OR lower(s) LIKE 'channels:history' OR lower(s) LIKE 'groups:history' OR lower(s) LIKE 'im:history' OR lower(s) LIKE 'mpim:history', scope_union), source = 'okta', arrayExists(s -> lower(s) LIKE 'okta.%.manage', scope_union), 0) AS privileged,
  app_id NOT IN ('backup-svc', 'o\'neil') AS unapproved,
  first_seen >= toDateTime('2026-11-01 00:00:00', 'UTC') AS new,
  actors <= 2 AS rare
FROM default.saas_audit_events
PREWHERE toDate(event_time) >= toDate('2026-10-02') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-02 00:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC')
WHERE app_id != ''
GROUP BY tenant, source, app_id
ORDER BY last_seen DESC, tenant, source, app_id
LIMIT 101
