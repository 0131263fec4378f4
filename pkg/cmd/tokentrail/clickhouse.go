package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
)

func runClickHouse(ctx context.Context, args []string, stdout, _ io.Writer) error {
	s, err := chlocal.FromRepo()
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return fmt.Errorf("say start or stop")
	}
	switch args[0] {
	case "start":
		return s.Start(ctx, stdout)
	case "stop":
		return s.Stop(stdout)
	}
	return fmt.Errorf("unknown action %q: say start or stop", args[0])
}
