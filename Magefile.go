//go:build mage

// Build, demo and CI targets. `go tool mage -l` lists them; mage itself is
// pinned as a tool in go.mod, so a fresh machine needs only Go.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	//mage:import
	build "github.com/grafana/grafana-plugin-sdk-go/build"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
)

// plugin.json lives at the repository root (not src/), so tell the SDK's
// build targets where to read the executable name and plugin id from.
func init() {
	_ = build.SetBeforeBuildCallback(func(cfg build.Config) (build.Config, error) {
		cfg.PluginJSONPath = "."
		return cfg, nil
	})
}

// Default builds the backend for every platform Grafana runs on.
var Default = build.BuildAll

// Frontend installs the npm packages (when missing) and builds dist/.
func Frontend() error {
	if _, err := os.Stat("node_modules/.package-lock.json"); err != nil {
		if err := run("npm", "ci", "--no-audit", "--no-fund"); err != nil {
			return err
		}
	}
	return run("npm", "run", "build")
}

// Plugin builds dist/: the frontend, the backend for this machine's
// platform and the go manifest, then checks the folder is loadable.
func Plugin() error {
	mg.SerialDeps(Frontend, backendHere)
	return run("go", "run", "./pkg/cmd/tokentrail", "validate", "dist")
}

func backendHere() error {
	return build.Build{}.Custom(runtime.GOOS, runtime.GOARCH)
}

// Demo is the README's main command: the whole job on one machine.
func Demo() error {
	mg.SerialDeps(Plugin)
	return run("go", "run", "./pkg/cmd/tokentrail", "demo", "--plugin", pluginBinary())
}

// CI is the README's test command: every test, the plugin build and the
// benchmark command, against a real local ClickHouse.
func CI() error {
	start := time.Now()
	if err := chlocal.New(".").Start(context.Background(), os.Stdout); err != nil {
		return err
	}
	steps := []struct {
		name string
		fn   func() error
	}{
		{"go vet", func() error { return run("go", "vet", "./pkg/...") }},
		{"frontend install", func() error { return run("npm", "ci", "--no-audit", "--no-fund") }},
		{"frontend typecheck", func() error { return run("npm", "run", "typecheck") }},
		{"frontend tests", func() error { return run("npm", "run", "test:ci") }},
		{"plugin build", Plugin},
		{"browser check of the editors (Debian chromium)", browserCheck},
		{"go tests", func() error { return run("go", "test", "-count=1", "-timeout", "30m", "./pkg/...") }},
		{"benchmark", benchmark},
		{"catalogue coverage (published lists, and the benchmark table's actions that landed as other)", func() error {
			return run("go", "run", "./pkg/cmd/tokentrail", "catalog", "coverage", "--database", benchDatabase(), "--top", "10")
		}},
	}
	for i, s := range steps {
		fmt.Printf("\n==> [%d/%d] %s\n", i+1, len(steps), s.name)
		t := time.Now()
		if err := s.fn(); err != nil {
			return fmt.Errorf("%s failed: %w", s.name, err)
		}
		fmt.Printf("==> %s ok (%s)\n", s.name, time.Since(t).Round(time.Second))
	}
	fmt.Printf("\nall CI steps passed in %s\n", time.Since(start).Round(time.Second))
	return nil
}

// benchmark runs the benchmark command. TOKENTRAIL_BENCH_DATABASE, when
// set, names the database it loads (and the catalogue coverage step reads),
// so that several checkouts sharing one local ClickHouse do not load the
// same table at once.
func benchmark() error {
	return run("go", "run", "./pkg/cmd/tokentrail", "bench", "--database", benchDatabase())
}

func benchDatabase() string {
	if db := os.Getenv("TOKENTRAIL_BENCH_DATABASE"); db != "" {
		return db
	}
	return "tokentrail_bench"
}

// browserCheck renders the real editors in headless Chromium. Debian's
// package is the browser (Playwright's own download cannot reach its host).
func browserCheck() error {
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		if err := run("apt-get", "update"); err != nil {
			return err
		}
		if err := sh.RunWithV(map[string]string{"DEBIAN_FRONTEND": "noninteractive"}, "apt-get", "install", "-y", "--no-install-recommends", "chromium"); err != nil {
			return err
		}
	}
	return run("npm", "run", "test:browser")
}

// ClickHouse namespace: the local development server.
type ClickHouse mg.Namespace

// Start starts (installing if needed) the local ClickHouse on 127.0.0.1:19000.
func (ClickHouse) Start() error { return chlocal.New(".").Start(context.Background(), os.Stdout) }

// Stop stops the local ClickHouse.
func (ClickHouse) Stop() error { return chlocal.New(".").Stop(os.Stdout) }

func pluginBinary() string {
	return filepath.Join("dist", fmt.Sprintf("gpx_tokentrail_%s_%s", runtime.GOOS, runtime.GOARCH))
}

func run(cmd string, args ...string) error {
	return sh.RunV(cmd, args...)
}
