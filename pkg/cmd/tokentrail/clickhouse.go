package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chlocal"
)

const clickhouseUsage = "usage: tokentrail clickhouse start|stop [--cluster]"

// runClickHouse starts or stops the local single server, or with --cluster
// the local two-shard, two-replica cluster and its ZooKeeper.
func runClickHouse(ctx context.Context, args []string, stdout, _ io.Writer) error {
	clusterMode := false
	var action string
	for _, a := range args {
		switch a {
		case "--cluster", "-cluster":
			clusterMode = true
		case "start", "stop":
			if action != "" {
				return fmt.Errorf("say start or stop once; %s", clickhouseUsage)
			}
			action = a
		default:
			return fmt.Errorf("unknown argument %q; %s", a, clickhouseUsage)
		}
	}
	if action == "" {
		return fmt.Errorf("say start or stop; %s", clickhouseUsage)
	}
	if clusterMode {
		c, err := chlocal.ClusterFromRepo()
		if err != nil {
			return err
		}
		if action == "start" {
			return c.Start(ctx, stdout)
		}
		return c.Stop(stdout)
	}
	s, err := chlocal.FromRepo()
	if err != nil {
		return err
	}
	if action == "start" {
		return s.Start(ctx, stdout)
	}
	return s.Stop(stdout)
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
