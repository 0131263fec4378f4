SELECT tenant,
  source,
  app_id,
  argMaxIf(app_name, event_time, app_name != '') AS latest_app_name,
  actor_id,
  argMaxIf(actor_name, event_time, actor_name != '') AS latest_actor_name,
  minIf(event_time, category = 'grant') AS first_granted,
  maxIf(event_time, category = 'grant') AS last_granted,
  countIf(category = 'grant') AS grants,
  groupUniqArrayArrayIf(scopes, category = 'grant' AND notEmpty(scopes)) AS granted_scopes,
  countIf(category = 'revoke') AS revokes,
  maxIf(event_time, category = 'revoke') AS last_revoked,
  multiIf(countIf(category = 'grant' AND ((transform(concat(source, ':', lower(action)), ['okta:app.oauth2.as.consent.grant', 'google_workspace:token.authorize', 'google_workspace:admin.authorize_api_client_access', 'google_workspace:admin.add_to_trusted_oauth2_apps', 'm365:consent to application.', 'm365:add delegated permission grant.', 'm365:add app role assignment to service principal.', 'm365:add app role assignment grant to user.', 'github:oauth_authorization.create', 'github:personal_access_token.access_granted', 'github:integration_installation.create', 'github:org.oauth_app_access_approved', 'slack:app_approved'], ['user', 'user', 'admin', 'admin', 'marked', 'marked', 'admin', 'admin', 'user', 'admin', 'admin', 'admin', 'admin'], '') AS kind) = 'admin' OR (kind = 'marked' AND event_id IN (SELECT event_id FROM default.saas_audit_events PREWHERE toDate(event_time) >= toDate('2026-10-02') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-02 00:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC') AND category = 'grant' WHERE (source = 'm365' AND lower(action) = 'consent to application.' AND match(raw, 'ConsentContext\\.IsAdminConsent"\\s*,\\s*"NewValue"\\s*:\\s*"True"')) OR (source = 'm365' AND lower(action) = 'add delegated permission grant.' AND match(raw, 'DelegatedPermissionGrant\\.ConsentType"\\s*,\\s*"NewValue"\\s*:\\s*"AllPrincipals')))))) > 0, 'admin', countIf(category = 'grant' AND kind IN ('user', 'marked')) > 0, 'user', 'unknown') AS consent,
  multiIf(source = 'm365', arrayExists(s -> lower(s) LIKE 'mail.%' OR lower(s) LIKE 'mailboxsettings.readwrite' OR lower(s) LIKE 'ews.%' OR lower(s) LIKE 'full\\_access\\_as\\_app' OR lower(s) LIKE 'imap.accessasuser.all' OR lower(s) LIKE 'pop.accessasuser.all' OR lower(s) LIKE 'exchange.manageasapp' OR lower(s) LIKE 'files.%' OR lower(s) LIKE 'sites.%' OR lower(s) LIKE 'directory.readwrite.all' OR lower(s) LIKE 'directory.accessasuser.all' OR lower(s) LIKE 'rolemanagement.readwrite.%' OR lower(s) LIKE 'application.readwrite.%' OR lower(s) LIKE 'approleassignment.readwrite.all' OR lower(s) LIKE 'user.readwrite.all' OR lower(s) LIKE 'policy.readwrite.%', granted_scopes), source = 'google_workspace', arrayExists(s -> lower(s) LIKE 'https://mail.google.com/' OR lower(s) LIKE 'https://www.googleapis.com/auth/gmail.%' OR lower(s) LIKE 'https://www.googleapis.com/auth/drive' OR lower(s) LIKE 'https://www.googleapis.com/auth/drive.readonly' OR lower(s) LIKE 'https://www.googleapis.com/auth/admin.%' OR lower(s) LIKE 'https://www.googleapis.com/auth/cloud-platform', granted_scopes), source = 'github', arrayExists(s -> lower(s) LIKE 'repo' OR lower(s) LIKE 'public\\_repo' OR lower(s) LIKE 'delete\\_repo' OR lower(s) LIKE 'workflow' OR lower(s) LIKE 'contents:write' OR lower(s) LIKE 'admin:%' OR lower(s) LIKE 'administration:write', granted_scopes), source = 'slack', arrayExists(s -> lower(s) LIKE 'admin%' OR lower(s) LIKE 'files:read' OR lower(s) LIKE 'channels:history' OR lower(s) LIKE 'groups:history' OR lower(s) LIKE 'im:history' OR lower(s) LIKE 'mpim:history', granted_scopes), source = 'okta', arrayExists(s -> lower(s) LIKE 'okta.%.manage', granted_scopes), 0) AS privileged,
  app_id NOT IN ('backup-svc', 'o\'neil') AS unapproved,
  consent = 'admin' AS admin_consent,
  NOT (revokes > 0 AND last_revoked >= last_granted) AS active
FROM default.saas_audit_events
PREWHERE toDate(event_time) >= toDate('2026-10-02') AND toDate(event_time) <= toDate('2026-11-02') AND event_time >= toDateTime('2026-10-02 00:00:00', 'UTC') AND event_time <= toDateTime('2026-11-02 00:00:00', 'UTC') AND category IN ('grant', 'revoke')
WHERE app_id != ''
  AND app_name LIKE '%mail%'
GROUP BY tenant, source, app_id, actor_id
HAVING grants > 0 AND privileged AND active
ORDER BY last_granted DESC, tenant, source, app_id, actor_id
LIMIT 101
