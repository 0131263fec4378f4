package collect_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/collect"
	"github.com/tokentrail/tokentrail/pkg/collect/vendorfake"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// TestFailingSourceDoesNotStopOthers: a GitHub token the API refuses fails
// that source, with the vendor's message and without the token, while Okta
// (API token auth) and Slack load everything.
func TestFailingSourceDoesNotStopOthers(t *testing.T) {
	tg := newTarget(t)
	end := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	data, err := vendorfake.Generate(2, 10000, end, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	okta := vendorfake.NewOkta(data[event.SourceOkta], vendorfake.Options{}, "00Okta-api-token", "", nil)
	defer okta.Close()
	github := vendorfake.NewGitHub(data[event.SourceGitHub], vendorfake.Options{}, "ghp_the_right_token")
	defer github.Close()
	slack := vendorfake.NewSlack(data[event.SourceSlack], vendorfake.Options{}, "xoxp-right")
	defer slack.Close()
	t.Setenv("TT_OKTA_TOKEN", "00Okta-api-token")
	t.Setenv("TT_GH_TOKEN", "ghp_a_revoked_token")
	t.Setenv("TT_SLACK", "xoxp-right")
	start := end.Add(-48 * time.Hour).Format(time.RFC3339)
	yaml := fmt.Sprintf(`clickhouse: {url: %s, database: %s}
sources:
  - {name: okta-main, type: okta, base_url: %s, start: %s, okta: {api_token: {env: TT_OKTA_TOKEN}}}
  - {name: github, type: github, base_url: %s, start: %s, retry: {initial: 1ms}, github: {organization: acme, token: {env: TT_GH_TOKEN}}}
  - {name: slack, type: slack, base_url: %s, start: %s, slack: {token: {env: TT_SLACK}}}
`, tg.url, tg.db, okta.URL(), start, github.URL(), start, slack.URL(), start)
	cfg, err := collect.ParseConfig([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	c, err := collect.New(cfg, collect.Options{Log: &log, Once: true})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "github: page 1: HTTP 401: Bad credentials") {
		t.Errorf("Run error %v, want the GitHub source's refusal", err)
	}
	if strings.Contains(fmt.Sprint(err)+log.String(), "ghp_a_revoked_token") {
		t.Error("the token appears in the error or the log")
	}
	checkExactlyOnce(t, tg, expectedIDs(t, okta, slack))
}

// TestMissingCredentialFailsAtStart: an unset variable stops New before
// anything runs, naming the source and the variable.
func TestMissingCredentialFailsAtStart(t *testing.T) {
	cfg, err := collect.ParseConfig([]byte("sources:\n  - {name: slack, type: slack, slack: {token: {env: TT_UNSET_FOR_TEST}}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = collect.New(cfg, collect.Options{})
	if err == nil || !strings.Contains(err.Error(), "source slack: slack.token: environment variable TT_UNSET_FOR_TEST is not set") {
		t.Errorf("New error %v", err)
	}
}

// TestCheckpointsOrderBySequence: the latest save wins by sequence even when
// the clock went back, a save that follows the same checkpoint as a later
// one (a killed collector's insert landing after its successor saved)
// loses to it, and a stream without saves has none.
func TestCheckpointsOrderBySequence(t *testing.T) {
	tg := newTarget(t)
	ctx := context.Background()
	store, err := collect.OpenCheckpoints(ctx, tg.client, tg.db, "tokentrail_checkpoints")
	if err != nil {
		t.Fatal(err)
	}
	if _, found, err := store.Load(ctx, "okta-main"); err != nil || found {
		t.Fatalf("a fresh table has a checkpoint: %v %v", found, err)
	}
	cp := collect.Checkpoint{Stream: "okta-main"}
	t1 := time.Date(2024, 5, 6, 10, 0, 0, 123e6, time.UTC)
	// The second save happens with a clock an hour behind.
	var seqs []uint64
	for i, save := range []struct {
		pos   collect.Position
		clock time.Time
	}{
		{collect.Position{Time: t1}, t1},
		{collect.Position{Time: t1.Add(time.Minute), Window: &collect.Window{Start: t1, Cursor: "https://x/?after=2"}}, t1.Add(-time.Hour)},
	} {
		if cp, err = store.Save(ctx, cp, save.pos, save.clock); err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
		seqs = append(seqs, cp.Seq)
	}
	got, found, err := store.Load(ctx, "okta-main")
	if err != nil || !found {
		t.Fatal(found, err)
	}
	if got.Seq != seqs[0]+1 || !got.Position.Time.Equal(t1.Add(time.Minute)) || got.Position.Window == nil || got.Position.Window.Cursor != "https://x/?after=2" {
		t.Errorf("loaded %+v", got)
	}
	// Two collectors load the same checkpoint; the one killed while saving
	// (clock t1+2m) has its insert land after the other saved (t1+3m).
	loaded := got
	successor, err := store.Save(ctx, loaded, collect.Position{Time: t1.Add(10 * time.Minute)}, t1.Add(3*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	dead, err := store.Save(ctx, loaded, collect.Position{Time: t1.Add(5 * time.Minute)}, t1.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if dead.Seq >= successor.Seq {
		t.Errorf("the dead collector's save has sequence %d, not below its successor's %d", dead.Seq, successor.Seq)
	}
	if got, _, err := store.Load(ctx, "okta-main"); err != nil || !got.Position.Time.Equal(t1.Add(10*time.Minute)) {
		t.Errorf("the dead collector's late save won: loaded %+v (%v)", got, err)
	}
	if _, found, _ := store.Load(ctx, "okta-main' OR 1=1 --"); found {
		t.Error("a hostile stream name matched a checkpoint")
	}
}
