package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// connFlags are the ClickHouse HTTP connection flags shared by the commands
// that write (schema, generate --load, bench). The password is read from an
// environment variable, never from a flag, so it stays out of shell history
// and process listings.
type connFlags struct {
	url, user, passwordEnv, database, table string
}

func (c *connFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.url, "url", fmt.Sprintf("http://127.0.0.1:%d", chlocal.DefaultHTTPPort), "ClickHouse HTTP interface")
	fs.StringVar(&c.user, "user", "default", "ClickHouse user")
	fs.StringVar(&c.passwordEnv, "password-env", "", "name of an environment variable holding the password")
	fs.StringVar(&c.database, "database", "default", "database of the normalized table")
	fs.StringVar(&c.table, "table", "saas_audit_events", "normalized table")
}

func (c *connFlags) client() (*chhttp.Client, error) {
	if err := schema.CheckIdentifier("database", c.database); err != nil {
		return nil, err
	}
	if err := schema.CheckIdentifier("table", c.table); err != nil {
		return nil, err
	}
	cl := &chhttp.Client{BaseURL: c.url, User: c.user}
	if c.passwordEnv != "" {
		pw, err := passwordFromEnv(c.passwordEnv)
		if err != nil {
			return nil, err
		}
		cl.Password = pw
	}
	return cl, nil
}

// passwordFromEnv reads the password held by the environment variable that
// --password-env names; an unset variable is an error, not an empty
// password.
func passwordFromEnv(name string) (string, error) {
	pw, ok := os.LookupEnv(name)
	if !ok {
		return "", fmt.Errorf("environment variable %s (from --password-env) is not set", name)
	}
	return pw, nil
}
