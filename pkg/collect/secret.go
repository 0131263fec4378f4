package collect

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// Secret names where a credential lives: an environment variable or a file
// (a systemd credential, a mounted secret). The value itself is never
// accepted in the config, so a config file can be shared without leaking
// anything.
type Secret struct {
	Env  string `yaml:"env"`
	File string `yaml:"file"`
}

// UnmarshalYAML refuses a plain value with a message that shows the two
// accepted forms.
func (s *Secret) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a credential is never written in the config; write {env: VARIABLE_NAME} or {file: /path/to/secret} and put the value there", n.Line)
	}
	type plain Secret
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*s = Secret(p)
	if (s.Env == "") == (s.File == "") {
		return fmt.Errorf("line %d: give exactly one of env or file for a credential", n.Line)
	}
	return nil
}

// String names the reference, never the value.
func (s *Secret) String() string {
	if s == nil {
		return "no credential"
	}
	if s.Env != "" {
		return "environment variable " + s.Env
	}
	return "file " + s.File
}

// Value reads the credential. Surrounding white space (the newline an editor
// adds to a file) is trimmed; an empty credential is an error.
func (s *Secret) Value() (string, error) {
	if s == nil {
		return "", errors.New("no credential configured")
	}
	var v string
	if s.Env != "" {
		val, ok := os.LookupEnv(s.Env)
		if !ok {
			return "", fmt.Errorf("environment variable %s is not set", s.Env)
		}
		v = val
	} else {
		b, err := os.ReadFile(s.File)
		if err != nil {
			return "", fmt.Errorf("read the credential file: %w", err)
		}
		v = string(b)
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return "", fmt.Errorf("the credential in %s is empty", s)
	}
	return v, nil
}
