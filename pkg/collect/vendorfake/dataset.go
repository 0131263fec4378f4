package vendorfake

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/sampleorg"
)

// Dataset is the sample organisation's records for each vendor, ready to
// serve: each with its time, its feed (Google application, Microsoft 365
// content type) and whether it is published late.
type Dataset map[string][]Record

// Generate renders the sample organisation in the vendors' API shapes,
// events ending at end and spanning days. A share lateShare of the records
// from the five minutes before the last two are marked Late, so that they
// appear after newer ones as vendors' late events do: a collector finds
// them only by re-reading its overlap.
func Generate(seed int64, events int, end time.Time, days int, lateShare float64) (Dataset, error) {
	out := Dataset{}
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	lateFrom, lateTo := end.Add(-5*time.Minute), end.Add(-2*time.Minute)
	_, err := sampleorg.Generate(sampleorg.Config{Seed: seed, Events: events, End: end, Days: days, HistoryDays: sampleorg.NoHistory, Mode: sampleorg.Vendor},
		func(r sampleorg.Record) error {
			rec, err := describe(r.Source, r.Vendor)
			if err != nil {
				return err
			}
			rec.Late = rec.Time.After(lateFrom) && rec.Time.Before(lateTo) && rng.Float64() < lateShare
			out[r.Source] = append(out[r.Source], rec)
			return nil
		})
	return out, err
}

// describe reads a record's time and feed from its vendor fields.
func describe(source string, raw json.RawMessage) (Record, error) {
	rec := Record{Raw: raw}
	var err error
	switch source {
	case event.SourceOkta:
		var v struct {
			Published string `json:"published"`
		}
		if err = json.Unmarshal(raw, &v); err == nil {
			rec.Time, err = rfc3339(v.Published)
		}
	case event.SourceGoogle:
		var v struct {
			ID struct {
				Time string `json:"time"`
				App  string `json:"applicationName"`
			} `json:"id"`
		}
		if err = json.Unmarshal(raw, &v); err == nil {
			rec.Group = v.ID.App
			rec.Time, err = rfc3339(v.ID.Time)
		}
	case event.SourceMicrosoft:
		var v struct {
			CreationTime string `json:"CreationTime"`
			Workload     string `json:"Workload"`
		}
		if err = json.Unmarshal(raw, &v); err == nil {
			rec.Group = M365ContentType(v.Workload)
			rec.Time, err = time.Parse("2006-01-02T15:04:05", v.CreationTime)
		}
	case event.SourceGitHub:
		var v struct {
			Timestamp int64 `json:"@timestamp"`
		}
		if err = json.Unmarshal(raw, &v); err == nil {
			rec.Time = time.UnixMilli(v.Timestamp).UTC()
		}
	case event.SourceSlack:
		var v struct {
			DateCreate int64 `json:"date_create"`
		}
		if err = json.Unmarshal(raw, &v); err == nil {
			rec.Time = time.Unix(v.DateCreate, 0).UTC()
		}
	default:
		err = fmt.Errorf("unknown source %q", source)
	}
	if err == nil && rec.Time.IsZero() {
		err = fmt.Errorf("the %s record has no time", source)
	}
	return rec, err
}

// M365ContentType is the Management Activity API content type that carries
// a workload's records.
func M365ContentType(workload string) string {
	switch workload {
	case "AzureActiveDirectory":
		return "Audit.AzureActiveDirectory"
	case "Exchange":
		return "Audit.Exchange"
	case "SharePoint", "OneDrive":
		return "Audit.SharePoint"
	}
	return "Audit.General"
}

// Groups lists the distinct feeds of records, in first-seen order.
func Groups(recs []Record) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range recs {
		if !seen[r.Group] {
			seen[r.Group] = true
			out = append(out, r.Group)
		}
	}
	return out
}
