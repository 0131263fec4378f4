// Package sampleorg generates a synthetic SaaS organisation's audit logs with
// a ground-truth file, so that TokenTrail's detection of MITRE ATT&CK
// analytic AN0020 can be demonstrated and measured instead of asserted.
//
// The organisation has users and admins, an Okta identity provider, Google
// Workspace, Microsoft 365, GitHub and Slack. Approved automation apps do
// steady token-based work (including bulk reads), third-party apps are
// consented, used harmlessly and revoked, admins change configuration
// interactively. Into that background the generator plants attack chains
// (a token or grant followed within minutes by sensitive access by the same
// actor and app) and look-alikes that a correct detector must not report.
// Truth lists both, so Score can compute precision and recall of any
// detector's episodes.
//
// Output is deterministic for a Config: the same seed, size and end time give
// byte-identical records. Generation streams: sessions are started window by
// window (one hour of simulated time), their events are held in a small
// time-ordered queue and emitted as soon as no later session can produce an
// earlier event, so memory depends on the event rate, never on the total.
//
// Two modes render the same event stream. Normalized emits event.Event rows
// directly, which is fast enough for benchmarks. Vendor emits each event as
// the record its vendor's audit API returns (Okta System Log, Google Admin
// SDK Reports, Microsoft 365 Management Activity, GitHub audit log, Slack
// Audit Logs), for exercising the normalizers end to end. A test normalizes
// every vendor record with pkg/normalize and requires the same rows, column
// by column, as Normalized mode; category and sensitivity come from the
// same catalogue in both.
//
// One rule goes beyond today's normalizers: an event authenticated by a
// bare token (a GitHub personal access token, an Okta API token) has no
// OAuth client, so its app_id would be empty and the default correlation
// key (actor_id, app_id) could never see a stolen token. Normalized mode
// uses the token id as app_id for such events; BareTokenAppID states the
// rule so that the vendor path can apply it after normalizing.
//
// Truth is honest by construction and by test: no two scenarios share a
// key, non-approved apps never do anything sensitive in the background, and
// a brute-force reference detector over whole generated data sets finds
// exactly the planted chains plus approved automation.
package sampleorg
