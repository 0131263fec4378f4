package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/models"
)

func parsed(t *testing.T, raw string) *models.Query {
	t.Helper()
	q, err := models.ParseQuery([]byte(raw), "", time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestRankKeyCoversEveryDetectionField changes each field of the query in
// turn: the key must change for every field but the consumer fields, so a
// field added to the query later is shared only once someone has decided
// that it does not change the ranking.
func TestRankKeyCoversEveryDetectionField(t *testing.T) {
	base := parsed(t, `{}`)
	key := rankKey(base, 30)
	var walk func(v reflect.Value, path string)
	checked := 0
	walk = func(v reflect.Value, path string) {
		for i := range v.NumField() {
			f, fv := v.Type().Field(i), v.Field(i)
			if f.Anonymous {
				walk(fv, path+f.Name+".")
				continue
			}
			old := reflect.New(fv.Type()).Elem()
			old.Set(fv)
			if !mutate(fv) {
				t.Errorf("%s%s (%s): the test cannot change this kind of field; teach mutate", path, f.Name, fv.Type())
				continue
			}
			changed := rankKey(base, 30) != key
			if f.Name == "BaselineDays" {
				changed = true // resolved: checked below
			}
			switch {
			case consumerFields[f.Name] && changed:
				t.Errorf("%s%s is a consumer field but changes the key", path, f.Name)
			case !consumerFields[f.Name] && !changed:
				t.Errorf("%s%s changes which episodes a ranking finds or how they score, but not the key", path, f.Name)
			}
			fv.Set(old)
			checked++
		}
	}
	walk(reflect.ValueOf(base).Elem(), "")
	if checked < 20 {
		t.Errorf("checked %d fields; the query has more", checked)
	}
	if rankKey(base, 30) == rankKey(base, 29) {
		t.Error("the resolved baselineDays does not change the key")
	}
}

// mutate sets v to a value other than its current one.
func mutate(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "x")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		} else {
			v.Set(reflect.Zero(v.Type()))
		}
	case reflect.Slice:
		v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem())))
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			v.Set(reflect.ValueOf(t.Add(time.Second)))
			return true
		}
		return false
	default:
		return false
	}
	return true
}

// The provisioned dashboard's panels, at the variables' defaults, rank
// alike: their explicit defaults and dropped "%" filters resolve to what
// the count panels leave out, and minSeverity, groupBy and format are
// each panel's own.
func TestRankKeySharesTheDashboardPanels(t *testing.T) {
	table := parsed(t, `{"queryType":"sequences","maxSpan":"1h","correlateBy":["actor_id","app_id"],"minSensitivity":1,"includeApproved":false,"minSeverity":"medium",
		"filters":[{"field":"actor_id","op":"like","values":["%"]},{"field":"app_id","op":"like","values":["%"]}]}`)
	high := parsed(t, `{"queryType":"sequenceCounts","format":"numeric","groupBy":["tenant"],"minSeverity":"high"}`)
	series := parsed(t, `{"queryType":"sequenceCounts","format":"timeseries","groupBy":["severity"]}`)
	days := 30
	withDays := parsed(t, `{"baselineDays":30}`)
	annotations := parsed(t, `{"queryType":"sequences","format":"annotations","preset":"an0020"}`)
	k := rankKey(table, days)
	for name, q := range map[string]*models.Query{"high count": high, "severity series": series, "explicit baselineDays": withDays, "annotations (preset an0020)": annotations} {
		if got := rankKey(q, days); got != k {
			t.Errorf("%s ranks apart from the triage table:\n%s\n%s", name, got, k)
		}
	}
	for name, raw := range map[string]string{
		"maxSpan 2h":       `{"maxSpan":"2h"}`,
		"a real filter":    `{"filters":[{"field":"actor_id","op":"like","values":["a%"]}]}`,
		"minSensitivity 2": `{"minSensitivity":2}`,
		"preset an0528":    `{"preset":"an0528"}`,
		"includeApproved":  `{"includeApproved":true}`,
	} {
		if rankKey(parsed(t, raw), days) == k {
			t.Errorf("%s shares the default ranking", name)
		}
	}
}
