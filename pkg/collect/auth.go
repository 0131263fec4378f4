package collect

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	oauthjwt "golang.org/x/oauth2/jwt"
)

// Least-privilege scopes asked of each identity provider.
const (
	oktaLogsScope    = "okta.logs.read"
	googleAuditScope = "https://www.googleapis.com/auth/admin.reports.audit.readonly"
	m365Scope        = "https://manage.office.com/.default"
)

// tokenTimeout bounds a request to a token endpoint.
const tokenTimeout = 30 * time.Second

// headerTransport sets fixed headers (a static credential, an API version)
// on every request.
type headerTransport struct {
	base    http.RoundTripper
	headers map[string]string
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, v := range t.headers {
		req.Header.Set(k, v)
	}
	return t.base.RoundTrip(req)
}

func staticClient(headers map[string]string) *http.Client {
	return &http.Client{Transport: &headerTransport{base: http.DefaultTransport, headers: headers}}
}

// oauthClient is an HTTP client that fetches and refreshes tokens from src.
// Token requests get their own timeout: the token source has no context of
// the request that needed it.
func oauthClient(src oauth2.TokenSource, headers map[string]string) *http.Client {
	return &http.Client{Transport: &headerTransport{
		base:    &oauth2.Transport{Source: oauth2.ReuseTokenSource(nil, src), Base: http.DefaultTransport},
		headers: headers,
	}}
}

func tokenContext() context.Context {
	return context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Timeout: tokenTimeout})
}

// oktaKeySource is an Okta service app's client-credentials grant with a
// private-key JWT client assertion (RFC 7523), which Okta requires for
// its management scopes. The assertion is signed afresh for every token
// request because it is valid for minutes only.
type oktaKeySource struct {
	clientID, keyID, tokenURL string
	key                       any
}

func (s *oktaKeySource) Token() (*oauth2.Token, error) {
	jti := make([]byte, 16)
	_, _ = rand.Read(jti)
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.RegisteredClaims{
		Issuer: s.clientID, Subject: s.clientID, Audience: jwt.ClaimStrings{s.tokenURL},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(5 * time.Minute)),
		ID: hex.EncodeToString(jti),
	})
	if s.keyID != "" {
		tok.Header["kid"] = s.keyID
	}
	assertion, err := tok.SignedString(s.key)
	if err != nil {
		return nil, fmt.Errorf("sign the Okta client assertion: %w", err)
	}
	cc := clientcredentials.Config{
		ClientID: s.clientID, TokenURL: s.tokenURL, Scopes: []string{oktaLogsScope}, AuthStyle: oauth2.AuthStyleInParams,
		EndpointParams: url.Values{
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
			"client_assertion":      {assertion},
		},
	}
	return cc.Token(tokenContext())
}

// newOktaSource builds the credential of an Okta source.
func newOktaAuth(o *OktaConfig, base string) (*http.Client, []string, error) {
	if o.APIToken != nil {
		tok, err := o.APIToken.Value()
		if err != nil {
			return nil, nil, fmt.Errorf("okta.api_token: %w", err)
		}
		return staticClient(map[string]string{"Authorization": "SSWS " + tok}), []string{tok}, nil
	}
	pem, err := o.PrivateKey.Value()
	if err != nil {
		return nil, nil, fmt.Errorf("okta.private_key: %w", err)
	}
	key, err := jwt.ParseRSAPrivateKeyFromPEM([]byte(pem))
	if err != nil {
		return nil, nil, fmt.Errorf("okta.private_key (%s) is not a PEM RSA private key: %v", o.PrivateKey, err)
	}
	src := &oktaKeySource{clientID: o.ClientID, keyID: o.KeyID, tokenURL: base + "/oauth2/v1/token", key: key}
	return oauthClient(src, nil), []string{pem}, nil
}

// googleKey is the part of a service account's JSON key the JWT grant needs.
type googleKey struct {
	Type         string `json:"type"`
	ClientEmail  string `json:"client_email"`
	PrivateKey   string `json:"private_key"`
	PrivateKeyID string `json:"private_key_id"`
	TokenURI     string `json:"token_uri"`
}

// newGoogleAuth builds the domain-wide-delegation credential: the service
// account signs a JWT naming the administrator it acts as (subject), and
// trades it for an access token with the read-only audit scope.
func newGoogleAuth(g *GoogleConfig) (*http.Client, []string, error) {
	raw, err := g.Credentials.Value()
	if err != nil {
		return nil, nil, fmt.Errorf("google_workspace.credentials: %w", err)
	}
	var k googleKey
	if err := json.Unmarshal([]byte(raw), &k); err != nil || k.Type != "service_account" || k.ClientEmail == "" || k.PrivateKey == "" {
		return nil, nil, fmt.Errorf("google_workspace.credentials (%s) is not a service account JSON key (type service_account with client_email and private_key)", g.Credentials)
	}
	if k.TokenURI == "" {
		k.TokenURI = "https://oauth2.googleapis.com/token"
	}
	if err := checkAPIURL("the key's token_uri", k.TokenURI); err != nil {
		return nil, nil, err
	}
	conf := &oauthjwt.Config{
		Email: k.ClientEmail, PrivateKey: []byte(k.PrivateKey), PrivateKeyID: k.PrivateKeyID,
		Scopes: []string{googleAuditScope}, TokenURL: k.TokenURI, Subject: g.Subject,
	}
	return oauthClient(conf.TokenSource(tokenContext()), nil), []string{k.PrivateKey, raw}, nil
}

// newM365Auth builds the app registration's client-credentials grant.
func newM365Auth(m *M365Config) (*http.Client, []string, error) {
	secret, err := m.ClientSecret.Value()
	if err != nil {
		return nil, nil, fmt.Errorf("m365.client_secret: %w", err)
	}
	login := m.LoginURL
	if login == "" {
		login = "https://login.microsoftonline.com"
	}
	cc := &clientcredentials.Config{
		ClientID: m.ClientID, ClientSecret: secret, Scopes: []string{m365Scope},
		TokenURL: login + "/" + url.PathEscape(m.TenantID) + "/oauth2/v2.0/token",
	}
	return oauthClient(cc.TokenSource(tokenContext()), nil), []string{secret}, nil
}

func bearerAuth(what string, s *Secret, extra map[string]string) (*http.Client, []string, error) {
	tok, err := s.Value()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	h := map[string]string{"Authorization": "Bearer " + tok}
	for k, v := range extra {
		h[k] = v
	}
	return staticClient(h), []string{tok}, nil
}
