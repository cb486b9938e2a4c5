// This file implements the package doc's "Authentication": static tokens,
// machine-to-machine clients, POST /oauth/token and the key set.

package mgmttest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// tokenLifetime is how long an access token from POST /oauth/token is
// valid: Auth0's default for an API, 86400 seconds.
const tokenLifetime = 24 * time.Hour

// allScopes is what a machine-to-machine client of Credentials() without
// arguments is granted: every scope this server checks, and the ones
// Auth0 pairs with them.
var allScopes = func() []string {
	var list []string
	for _, entity := range []string{"users", "clients", "organizations", "connections", "custom_domains", "sessions", "refresh_tokens"} {
		for _, action := range []string{"read", "create", "update", "delete"} {
			list = append(list, action+":"+entity)
		}
	}
	return append(list, "read:users_app_metadata", "update:users_app_metadata", "create:users_app_metadata",
		"delete:users_app_metadata", "update:current_user_metadata")
}()

// An m2mClient is a machine-to-machine application made by Credentials.
type m2mClient struct {
	secret string
	scopes []string
}

// auth holds what authenticates requests: static tokens, clients and the
// signing key. Its own lock is never held while a request is read.
type auth struct {
	mu      sync.Mutex
	tokens  map[string][]string // static token → scopes; nil: every scope
	clients map[string]m2mClient

	keyOnce sync.Once // the key is made on first use: tests that never sign pay nothing
	key     *rsa.PrivateKey
	kid     string
}

func newAuth() *auth {
	return &auth{tokens: map[string][]string{}, clients: map[string]m2mClient{}}
}

func (a *auth) signingKey() (*rsa.PrivateKey, string) {
	a.keyOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("mgmttest: generating the signing key: " + err.Error())
		}
		sum := sha256.Sum256(key.N.Bytes())
		a.key, a.kid = key, base64.RawURLEncoding.EncodeToString(sum[:16])
	})
	return a.key, a.kid
}

// Token returns a new bearer token granting scopes (each argument may hold
// several, space-separated); with none, it grants every scope. The token is
// opaque: only this server knows it.
//
// A test server is open unless asked otherwise, so no scopes here means
// all of them; metapatch.WithScopes() with none allows nothing, because a
// library call is limited only when its caller says how. To test a token
// without scopes, use Token("").
func (s *Server) Token(scopes ...string) string {
	list := splitScopes(scopes)
	if len(scopes) == 0 {
		list = nil
	}
	t := randomString(hexDigits, 40)
	s.auth.mu.Lock()
	s.auth.tokens[t] = list
	s.auth.mu.Unlock()
	return t
}

// Credentials makes a machine-to-machine client granted scopes (each
// argument may hold several, space-separated; with none, every scope the
// server checks) and returns its client ID and secret, for the client
// credentials grant at POST /oauth/token:
//
//	id, secret := srv.Credentials("read:users update:users")
//	api, _ := management.New(srv.URL, management.WithInsecure(),
//		management.WithClientCredentials(ctx, id, secret))
//
// The client is not one of the documents at /api/v2/clients.
func (s *Server) Credentials(scopes ...string) (clientID, clientSecret string) {
	list := splitScopes(scopes)
	if len(scopes) == 0 {
		list = slices.Clone(allScopes)
	}
	clientID, clientSecret = randomString(alphanumerics, 32), randomString(alphanumerics, 64)
	s.auth.mu.Lock()
	s.auth.clients[clientID] = m2mClient{secret: clientSecret, scopes: list}
	s.auth.mu.Unlock()
	return clientID, clientSecret
}

func splitScopes(scopes []string) []string {
	list := []string{}
	for _, sc := range scopes {
		for _, f := range strings.Fields(sc) {
			if !slices.Contains(list, f) {
				list = append(list, f)
			}
		}
	}
	return list
}

// oauthError writes the Authentication API's error body.
func oauthError(w http.ResponseWriter, status int, code, description string) {
	b, _ := json.Marshal(struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{code, description})
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, b)
}

// token answers POST /oauth/token for the client credentials grant.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	params, err := tokenParams(w, r)
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	if id, secret, ok := r.BasicAuth(); ok { // client_secret_basic, as golang.org/x/oauth2 sends it first
		params.Set("client_id", unescape(id))
		params.Set("client_secret", unescape(secret))
	}
	if gt := params.Get("grant_type"); gt != "client_credentials" {
		if gt == "" {
			oauthError(w, http.StatusBadRequest, "invalid_request", "Missing required parameter: grant_type")
			return
		}
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type: "+gt)
		return
	}
	s.auth.mu.Lock()
	client, known := s.auth.clients[params.Get("client_id")]
	s.auth.mu.Unlock()
	if !known || subtle.ConstantTimeCompare([]byte(client.secret), []byte(params.Get("client_secret"))) != 1 {
		oauthError(w, http.StatusUnauthorized, "access_denied", "Unauthorized")
		return
	}
	audience := params.Get("audience")
	switch audience {
	case s.URL + "/api/v2/":
	case "":
		oauthError(w, http.StatusForbidden, "access_denied", "No audience parameter was provided, and no default audience has been configured")
		return
	default:
		oauthError(w, http.StatusForbidden, "access_denied", "Service not found: "+audience)
		return
	}
	scopes := client.scopes
	if requested := params.Get("scope"); requested != "" {
		scopes = splitScopes([]string{requested})
		var missing []string
		for _, sc := range scopes {
			if !slices.Contains(client.scopes, sc) {
				missing = append(missing, sc)
			}
		}
		if missing != nil {
			oauthError(w, http.StatusForbidden, "access_denied", "Client has not been granted scopes: "+strings.Join(missing, ","))
			return
		}
	}
	now := s.now().Unix()
	jwt, err := s.sign(claims{
		Issuer: s.URL + "/", Subject: params.Get("client_id") + "@clients", Audience: audience,
		IssuedAt: now, Expiry: now + int64(tokenLifetime/time.Second),
		Scope: strings.Join(scopes, " "), GrantType: "client-credentials", AuthorizedParty: params.Get("client_id"),
	})
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	b, _ := json.Marshal(struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
		Scope       string `json:"scope"`
	}{jwt, "Bearer", int64(tokenLifetime / time.Second), strings.Join(scopes, " ")})
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, b)
}

// tokenParams reads a token request's parameters from a form or a JSON
// body of at most 64 KiB.
func tokenParams(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, errors.New("could not read the form body")
		}
		return r.PostForm, nil
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return nil, errors.New("the body is not a JSON object")
		}
		v := url.Values{}
		for name, value := range m {
			if s, ok := value.(string); ok {
				v.Set(name, s)
			}
		}
		return v, nil
	}
	return nil, errors.New("the Content-Type must be application/x-www-form-urlencoded or application/json")
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// claims are an access token's claims, as Auth0 writes them for the
// client credentials grant.
type claims struct {
	Issuer          string `json:"iss"`
	Subject         string `json:"sub"`
	Audience        string `json:"aud"`
	IssuedAt        int64  `json:"iat"`
	Expiry          int64  `json:"exp"`
	Scope           string `json:"scope"`
	GrantType       string `json:"gty"`
	AuthorizedParty string `json:"azp"`
}

type jwtHeader struct {
	Algorithm string `json:"alg"`
	Type      string `json:"typ"`
	KeyID     string `json:"kid"`
}

// sign returns c as an RS256 JSON Web Token.
func (s *Server) sign(c claims) (string, error) {
	key, kid := s.auth.signingKey()
	h, _ := json.Marshal(jwtHeader{"RS256", "JWT", kid})
	p, _ := json.Marshal(c)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// verify checks a JSON Web Token this server signed (signature, issuer,
// audience, expiry) and returns its scopes, or the 401 message.
func (s *Server) verify(token string) ([]string, string) {
	const invalid = "Invalid token"
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, invalid
	}
	var h jwtHeader
	if !decodePart(parts[0], &h) || h.Algorithm != "RS256" {
		return nil, invalid
	}
	key, kid := s.auth.signingKey()
	if h.KeyID != kid {
		return nil, invalid
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, invalid
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return nil, invalid
	}
	var c claims
	if !decodePart(parts[1], &c) || c.Issuer != s.URL+"/" || c.Audience != s.URL+"/api/v2/" {
		return nil, invalid
	}
	if s.now().Unix() >= c.Expiry {
		return nil, "Expired token received for JSON Web Token validation"
	}
	return splitScopes([]string{c.Scope}), ""
}

func decodePart(part string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(part)
	return err == nil && json.Unmarshal(b, v) == nil
}

// jwks answers GET /.well-known/jwks.json: the public key that verifies
// the access tokens, as a JSON Web Key Set.
func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	key, kid := s.auth.signingKey()
	type jwk struct {
		Kty string `json:"kty"`
		Use string `json:"use"`
		Alg string `json:"alg"`
		Kid string `json:"kid"`
		N   string `json:"n"`
		E   string `json:"e"`
	}
	b, _ := json.Marshal(struct {
		Keys []jwk `json:"keys"`
	}{[]jwk{{"RSA", "sig", "RS256", kid,
		base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
		base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes())}}})
	writeJSON(w, http.StatusOK, b)
}

// scopesOf authenticates a request's bearer token: a static token from
// Token, or a JSON Web Token from POST /oauth/token. nil scopes: every
// scope. A refusal returns the 401 message.
func (s *Server) scopesOf(r *http.Request) ([]string, string) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return nil, "Missing authentication"
	}
	s.auth.mu.Lock()
	scopes, known := s.auth.tokens[token]
	s.auth.mu.Unlock()
	if known {
		return scopes, ""
	}
	if strings.Count(token, ".") == 2 {
		return s.verify(token)
	}
	return nil, "Invalid token"
}
