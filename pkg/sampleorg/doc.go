// Package sampleorg generates a synthetic SaaS organisation's audit logs with
// a ground-truth file, so that TokenTrail's detection of MITRE ATT&CK
// analytic AN0020 can be demonstrated and measured instead of asserted.
//
// The organisation has users and admins, an Okta identity provider, Google
// Workspace, Microsoft 365, GitHub and Slack, and behaves like a real
// mid-size tenant: most AN0020 episodes in it are benign, and a score has to
// rank the attacks above them.
//
//   - History: the data covers HistoryDays before the range (the Days a
//     detector is asked about), with the same people, apps, habits and
//     tokens, so behaviour baselines read what the range continues.
//   - Habits: every person has working hours, a home, an office, a phone
//     carrier, a sign-in habit (most sign in every workday morning, the
//     rest once or twice a week) and, now and then, a trip that moves all
//     their activity to a travel network and another time zone
//     (habits.go). A day's plan is a pure function of seed, person and
//     day, so everything that happens to a person agrees on it.
//   - Routines form the benign episodes (routine.go): people's sync
//     clients (mail, Drive for desktop, Slack apps, gh and PATs), which
//     poll all working day with hourly tokens; unapproved service accounts,
//     bots and CI at their own hours with month-end bulk days; admins'
//     tools changing security settings as routine; newly consented
//     legitimate apps. Truth.Background names each of their keys and class.
//   - Filler sessions (browser work, sign-ins, third-party apps, approved
//     automation) make up the rest of the event budget and never form an
//     episode of an unapproved key.
//   - Attacks are planted in the range only, about one per 70 benign
//     episodes, in many shapes: fresh malicious apps and tokens, but mostly
//     established keys (a stolen sync-client token, a months-old PAT, a
//     dormant key, a hijacked service account or admin tool), with varied
//     networks, hours, volumes and user agents. Six look-alike shapes test
//     the exact rules and must stay silent.
//
// Realism holds the rates; RealismVariant is a shifted world for checking
// that a score fitted on the default one generalises.
//
// Output is deterministic for a Config: the same seed, size and end time give
// byte-identical records. Generation streams: window by window (one hour of
// simulated time), routines generate the day that starts in the window and
// filler sessions fill the rest of its quota; events wait in a small
// time-ordered queue and are emitted as soon as no later session can
// produce an earlier one, so memory depends on the event rate and the
// organisation's size, never on the total.
//
// Two modes render the same event stream. Normalized emits event.Event rows
// directly, which is fast enough for benchmarks. Vendor emits each event as
// the record its vendor's audit API returns (Okta System Log, Google Admin
// SDK Reports, Microsoft 365 Management Activity, GitHub audit log, Slack
// Audit Logs), for exercising the normalizers end to end. Tests normalize
// every kind of vendor record with pkg/normalize and require the same rows,
// column by column, as Normalized mode; category and sensitivity come from
// the same catalogue in both.
//
// One rule goes beyond today's normalizers: an event authenticated by a
// bare token (a GitHub personal access token, an Okta API token) has no
// OAuth client, so its app_id would be empty and the default correlation
// key (actor_id, app_id) could never see a stolen token. Normalized mode
// uses the token id as app_id for such events; BareTokenAppID states the
// rule so that the vendor path can apply it after normalizing.
//
// Truth is honest by construction and by test: a brute-force reference
// detector over whole generated data sets finds every planted chain, never
// a look-alike, and no episode whose key is neither planted nor listed in
// Truth.Background.
package sampleorg
