package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// runValidate checks the rules of Grafana's plugin validator that can be
// checked offline (the validator itself downloads binaries and cannot run
// here): plugin.json, the backend binary and its manifest, the files the
// catalogue shows, and no environment or file access in backend code
// outside what the SDK reads.
func runValidate(_ context.Context, args []string, stdout, _ io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: tokentrail validate DIST_FOLDER")
	}
	problems := validateDist(args[0])
	problems = append(problems, validateBackendSource()...)
	for _, p := range problems {
		fmt.Fprintf(stdout, "FAIL %s\n", p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problem(s) in %s", len(problems), args[0])
	}
	fmt.Fprintf(stdout, "validate: %s is a loadable Grafana plugin folder (plugin.json, backend, manifest, docs, logos, source rules)\n", args[0])
	return nil
}

type pluginJSON struct {
	Type       string `json:"type"`
	ID         string `json:"id"`
	Backend    bool   `json:"backend"`
	Alerting   bool   `json:"alerting"`
	Executable string `json:"executable"`
	Info       struct {
		Version string `json:"version"`
		Logos   struct {
			Small string `json:"small"`
			Large string `json:"large"`
		} `json:"logos"`
	} `json:"info"`
	Dependencies struct {
		GrafanaDependency string `json:"grafanaDependency"`
	} `json:"dependencies"`
}

var licences = map[string]bool{"Apache-2.0": true, "MIT": true, "BSD-3-Clause": true, "AGPL-3.0": true}

func validateDist(dist string) []string {
	var bad []string
	fail := func(format string, a ...any) { bad = append(bad, fmt.Sprintf(format, a...)) }
	var p pluginJSON
	b, err := os.ReadFile(filepath.Join(dist, "plugin.json"))
	if err != nil {
		return []string{"plugin.json missing: run `npm run build`"}
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return []string{"plugin.json does not parse: " + err.Error()}
	}
	if p.Type != "datasource" {
		fail("plugin.json type is %q, want datasource", p.Type)
	}
	if !regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*-datasource$`).MatchString(p.ID) {
		fail("plugin id %q must be lower-case words joined by '-' and end in -datasource", p.ID)
	}
	if !p.Backend || !p.Alerting || p.Executable == "" {
		fail("plugin.json must set backend: true, alerting: true and executable")
	}
	if p.Dependencies.GrafanaDependency == "" {
		fail("plugin.json lacks dependencies.grafanaDependency")
	}
	var pkg struct {
		Version string `json:"version"`
		License string `json:"license"`
	}
	if b, err := os.ReadFile("package.json"); err == nil {
		_ = json.Unmarshal(b, &pkg)
	}
	if p.Info.Version == "" || strings.Contains(p.Info.Version, "%") || p.Info.Version != pkg.Version {
		fail("plugin.json version %q must match package.json version %q", p.Info.Version, pkg.Version)
	}
	if !licences[pkg.License] {
		fail("package.json licence %q is not one the plugin catalogue accepts", pkg.License)
	}
	for _, f := range []string{"module.js", "README.md", "CHANGELOG.md", "LICENSE", p.Info.Logos.Small, p.Info.Logos.Large} {
		if st, err := os.Stat(filepath.Join(dist, f)); err != nil || st.Size() == 0 {
			fail("%s missing or empty in %s", f, dist)
		}
	}
	exe := filepath.Join(dist, p.Executable+"_linux_amd64")
	if f, err := elf.Open(exe); err != nil {
		fail("backend %s missing or not an ELF binary: build it with `go tool mage build:linux`", exe)
	} else {
		if f.Machine != elf.EM_X86_64 {
			fail("backend %s is not built for amd64", exe)
		}
		f.Close()
		if st, _ := os.Stat(exe); st != nil && st.Mode()&0o111 == 0 {
			fail("backend %s is not executable", exe)
		}
	}
	bad = append(bad, checkManifest(filepath.Join(dist, "go_plugin_build_manifest"))...)
	return bad
}

// checkManifest verifies the go manifest lists every Go source with its
// current hash, as the catalogue's source-code check does.
func checkManifest(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return []string{"go_plugin_build_manifest missing: build the backend with mage"}
	}
	var bad []string
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		hash, file, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			bad = append(bad, "manifest line is not HASH:PATH: "+sc.Text())
			continue
		}
		n++
		src, err := os.ReadFile(file)
		if err != nil {
			bad = append(bad, "manifest lists "+file+", which does not exist: rebuild")
			continue
		}
		sum := sha256.Sum256(src)
		if hex.EncodeToString(sum[:]) != hash {
			bad = append(bad, "manifest hash of "+file+" is stale: rebuild the backend")
		}
	}
	if n == 0 || !bytes.Contains(b, []byte(":pkg/main.go\n")) {
		bad = append(bad, "manifest does not list pkg/main.go")
	}
	return bad
}

// forbidden matches environment and file-system access. The plugin must get
// its configuration from Grafana's settings only; the catalogue rejects
// backends that read the host's environment or files.
var forbidden = regexp.MustCompile(`\bos\.(Getenv|LookupEnv|Environ|ReadFile|Open|OpenFile|Create|WriteFile|ReadDir)\(`)

func validateBackendSource() []string {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}|{{.Dir}}|{{join .GoFiles \",\"}}", "./pkg").Output()
	if err != nil {
		return []string{"go list ./pkg failed: " + err.Error()}
	}
	var bad []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 || !strings.HasPrefix(parts[0], "github.com/tokentrail/tokentrail") {
			continue
		}
		for _, f := range strings.Split(parts[2], ",") {
			src, err := os.ReadFile(filepath.Join(parts[1], f))
			if err != nil {
				continue
			}
			if m := forbidden.Find(src); m != nil {
				bad = append(bad, fmt.Sprintf("backend source %s/%s uses %s: read configuration from the datasource settings instead", parts[0], f, m))
			}
		}
	}
	return bad
}
