package vendorfake

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// credentials are what a fake accepts: a static token (Okta SSWS, GitHub,
// Slack), or access tokens it issued itself from its token endpoint.
type credentials struct {
	static   string         // the exact Authorization header accepted
	key      *rsa.PublicKey // verifies client assertions (Okta) and service-account JWTs (Google)
	clientID string         // Okta client id, Google client_email, Microsoft 365 client id
	secret   string         // Microsoft 365 client secret
	subject  string         // Google: the administrator impersonated

	mu     sync.Mutex
	issued map[string]bool
}

func (c *credentials) issue() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := "fake-" + hex.EncodeToString(b)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.issued == nil {
		c.issued = map[string]bool{}
	}
	c.issued[tok] = true
	return tok
}

// authorized checks the request's Authorization header.
func (c *credentials) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if c.static != "" {
		return h == c.static
	}
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.issued[tok]
}

func writeToken(w http.ResponseWriter, tok string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
}

// verifyAssertion checks a JWT signed with the registered key, issued by
// iss, for audience aud.
func (c *credentials) verifyAssertion(assertion, iss, aud string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(assertion, claims, func(*jwt.Token) (any, error) { return c.key, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(iss), jwt.WithAudience(aud), jwt.WithExpirationRequired())
	return claims, err
}

// Key is an RSA key pair for the fakes' signed-JWT credentials.
type Key struct {
	Private *rsa.PrivateKey
	PEM     string // PKCS #8, as Okta and Google hand them out
}

// NewKey makes a 2048-bit key.
func NewKey() (*Key, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	return &Key{Private: k, PEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))}, nil
}

// GoogleKeyJSON is a service account key file naming tokenURI, in the
// layout Google's console downloads.
func (k *Key) GoogleKeyJSON(email, tokenURI string) string {
	b, _ := json.Marshal(map[string]string{
		"type": "service_account", "project_id": "tokentrail-test", "private_key_id": "k1",
		"private_key": k.PEM, "client_email": email, "client_id": "1000000000000000000",
		"token_uri": tokenURI,
	})
	return string(b)
}

// oauthError is the RFC 6749 error body every identity provider sends.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeError(w, status, map[string]string{"error": code, "error_description": desc})
}

// checkJWTGrant serves Google's token endpoint: the JWT bearer grant
// (RFC 7523) signed by the service account, naming the impersonated
// administrator and the audit scope.
func (c *credentials) checkJWTGrant(w http.ResponseWriter, r *http.Request, tokenURL string) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type")
		return
	}
	claims, err := c.verifyAssertion(r.PostForm.Get("assertion"), c.clientID, tokenURL)
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "Invalid JWT Signature.")
		return
	}
	if claims["sub"] != c.subject || !strings.Contains(fmt.Sprint(claims["scope"]), "admin.reports.audit.readonly") {
		oauthError(w, http.StatusUnauthorized, "unauthorized_client", "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.")
		return
	}
	writeToken(w, c.issue())
}

// checkClientAssertion serves Okta's token endpoint: client credentials
// with a private-key JWT, scope okta.logs.read.
func (c *credentials) checkClientAssertion(w http.ResponseWriter, r *http.Request, tokenURL string) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
		return
	}
	if r.PostForm.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed.")
		return
	}
	claims, err := c.verifyAssertion(r.PostForm.Get("client_assertion"), c.clientID, tokenURL)
	if err != nil || claims["sub"] != c.clientID {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "The client_assertion signature is invalid.")
		return
	}
	if !strings.Contains(r.PostForm.Get("scope"), "okta.logs.read") {
		oauthError(w, http.StatusBadRequest, "invalid_scope", "The following scopes are not allowed: "+r.PostForm.Get("scope"))
		return
	}
	writeToken(w, c.issue())
}

// checkClientSecret serves Microsoft's identity platform: client
// credentials with a secret, for the Management API's .default scope.
func (c *credentials) checkClientSecret(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != c.clientID || secret != c.secret {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
		return
	}
	if r.PostForm.Get("scope") != "https://manage.office.com/.default" {
		oauthError(w, http.StatusBadRequest, "invalid_scope", "AADSTS70011: The provided value for the input parameter 'scope' is not valid.")
		return
	}
	writeToken(w, c.issue())
}

// rfc3339 parses the timestamps the APIs take.
func rfc3339(v string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, v)
}
