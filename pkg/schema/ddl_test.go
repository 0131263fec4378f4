package schema_test

import (
	"context"
	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/schema"
	"testing"
)

func TestDDLApplies(t *testing.T) {
	s := chlocal.ForTest(t)
	db := s.TempDatabase(t)
	ddl, err := schema.CreateTable(schema.Legacy, db, "saas_audit_events")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Exec(context.Background(), ddl, nil); err != nil {
		t.Fatal(err)
	}
}
