package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
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

// startLocal starts (or reuses) the local server and returns it with an
// HTTP client for its read-write default user, for the commands that own
// their tables (demo, bench).
func startLocal(ctx context.Context, out io.Writer) (*chlocal.Server, *chhttp.Client, error) {
	server, err := chlocal.FromRepo()
	if err != nil {
		return nil, nil, err
	}
	if err := server.Start(ctx, out); err != nil {
		return nil, nil, err
	}
	return server, &chhttp.Client{BaseURL: server.HTTPURL(), User: "default"}, nil
}
