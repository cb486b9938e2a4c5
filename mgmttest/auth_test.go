package mgmttest_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/metapatch/metapatch/mgmttest"
)

// post sends a token request and returns the status and body.
func post(t *testing.T, u, contentType, body string, basic ...string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if len(basic) == 2 {
		req.SetBasicAuth(basic[0], basic[1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
}

// verifyJWT checks token's RS256 signature with the server's key set,
// using nothing of mgmttest but the served JSON, and returns its header
// and claims.
func verifyJWT(t *testing.T, srv *mgmttest.Server, token string) (header, claims map[string]any) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set struct {
		Keys []struct{ Kty, Use, Alg, Kid, N, E string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("key set: %v %+v", err, set)
	}
	k := set.Keys[0]
	if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" {
		t.Errorf("key %+v", k)
	}
	n, _ := base64.RawURLEncoding.DecodeString(k.N)
	e, _ := base64.RawURLEncoding.DecodeString(k.E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		t.Errorf("signature: %v", err)
	}
	for i, v := range []*map[string]any{&header, &claims} {
		b, _ := base64.RawURLEncoding.DecodeString(parts[i])
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
	}
	if header["kid"] != k.Kid {
		t.Errorf("kid %v, key set has %q", header["kid"], k.Kid)
	}
	return header, claims
}

func TestClientCredentials(t *testing.T) {
	at := time.Unix(1_800_000_000, 0)
	srv := mgmttest.NewServer(mgmttest.WithClock(func() time.Time { return at }))
	defer srv.Close()
	id, secret := srv.Credentials("read:users", "update:users create:users")
	audience := srv.URL + "/api/v2/"
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "audience": {audience}}

	for _, tc := range []struct {
		name        string
		contentType string
		body        string
		basic       []string
	}{
		{"form body", "application/x-www-form-urlencoded", form.Encode(), nil},
		{"JSON body", "application/json", `{"grant_type":"client_credentials","client_id":"` + id + `","client_secret":"` + secret + `","audience":"` + audience + `"}`, nil},
		{"basic authentication", "application/x-www-form-urlencoded", "grant_type=client_credentials&audience=" + url.QueryEscape(audience), []string{id, secret}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, b := post(t, srv.URL+"/oauth/token", tc.contentType, tc.body, tc.basic...)
			if status != 200 {
				t.Fatalf("status %d: %s", status, b)
			}
			var tok tokenResponse
			if err := json.Unmarshal(b, &tok); err != nil {
				t.Fatal(err)
			}
			want := tokenResponse{AccessToken: tok.AccessToken, TokenType: "Bearer", ExpiresIn: 86400, Scope: "read:users update:users create:users"}
			if diff := cmp.Diff(want, tok); diff != "" {
				t.Errorf("token response (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(string(b), `{"access_token":`) {
				t.Errorf("member order: %s", b)
			}
			header, claims := verifyJWT(t, srv, tok.AccessToken)
			if header["alg"] != "RS256" || header["typ"] != "JWT" {
				t.Errorf("header %v", header)
			}
			wantClaims := map[string]any{
				"iss": srv.URL + "/", "sub": id + "@clients", "aud": audience, "azp": id,
				"iat": float64(at.Unix()), "exp": float64(at.Unix() + 86400),
				"scope": "read:users update:users create:users", "gty": "client-credentials",
			}
			if diff := cmp.Diff(wantClaims, claims); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
			// The token works as a bearer token, with its scopes.
			c := client{t, srv.URL, tok.AccessToken}
			c.want("POST", "/api/v2/users", `{"user_id":"auth0|`+tc.name[:4]+`","email":"a@example.com"}`, 201, "")
			c.want("GET", "/api/v2/users", nil, 200, "")
			c.want("DELETE", "/api/v2/users/auth0%7C"+tc.name[:4], nil, 403, "")
		})
	}
}

func TestClientCredentialsRefused(t *testing.T) {
	srv := mgmttest.NewServer()
	defer srv.Close()
	id, secret := srv.Credentials("read:users")
	audience := srv.URL + "/api/v2/"
	params := func(kv ...string) string {
		v := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "audience": {audience}}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v.Encode()
	}
	for _, tc := range []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"wrong secret", params("client_secret", "nope"), 401, `{"error":"access_denied","error_description":"Unauthorized"}`},
		{"unknown client", params("client_id", "nope"), 401, `{"error":"access_denied","error_description":"Unauthorized"}`},
		{"no secret", params("client_secret", ""), 401, `{"error":"access_denied","error_description":"Unauthorized"}`},
		{"another audience", params("audience", "https://example.com/api/v2/"), 403, `{"error":"access_denied","error_description":"Service not found: https://example.com/api/v2/"}`},
		{"no audience", params("audience", ""), 403, `{"error":"access_denied","error_description":"No audience parameter was provided, and no default audience has been configured"}`},
		{"another grant", params("grant_type", "password"), 400, `{"error":"unsupported_grant_type","error_description":"Unsupported grant type: password"}`},
		{"no grant", params("grant_type", ""), 400, `{"error":"invalid_request","error_description":"Missing required parameter: grant_type"}`},
		{"scope not granted", params("scope", "read:users delete:users"), 403, `{"error":"access_denied","error_description":"Client has not been granted scopes: delete:users"}`},
		{"scope granted", params("scope", "read:users"), 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, b := post(t, srv.URL+"/oauth/token", "application/x-www-form-urlencoded", tc.body)
			if status != tc.status || tc.want != "" && string(b) != tc.want {
				t.Errorf("got %d %s, want %d %s", status, b, tc.status, tc.want)
			}
		})
	}
}

func TestBearerJWTChecked(t *testing.T) {
	var now atomic.Int64 // the clock, in seconds
	now.Store(1_800_000_000)
	srv := mgmttest.NewServer(mgmttest.WithClock(func() time.Time { return time.Unix(now.Load(), 0) }))
	defer srv.Close()
	id, secret := srv.Credentials() // every scope
	status, b := post(t, srv.URL+"/oauth/token", "application/json",
		`{"grant_type":"client_credentials","client_id":"`+id+`","client_secret":"`+secret+`","audience":"`+srv.URL+`/api/v2/"}`)
	var tok tokenResponse
	if status != 200 || json.Unmarshal(b, &tok) != nil {
		t.Fatalf("%d %s", status, b)
	}
	for _, scope := range []string{"read:users", "update:users", "delete:clients", "create:organizations"} {
		if !strings.Contains(" "+tok.Scope+" ", " "+scope+" ") {
			t.Errorf("Credentials() grants %q, missing %s", tok.Scope, scope)
		}
	}
	good := client{t, srv.URL, tok.AccessToken}
	good.want("GET", "/api/v2/users", nil, 200, "[]")

	parts := strings.Split(tok.AccessToken, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := strings.Replace(string(payload), `"scope":"`, `"scope":"x `, 1)
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[2]
	client{t, srv.URL, tampered}.want("GET", "/api/v2/users", nil, 401, `{"statusCode":401,"error":"Unauthorized","message":"Invalid token"}`)
	client{t, srv.URL, parts[0] + "." + parts[1] + "."}.want("GET", "/api/v2/users", nil, 401, "")

	// Another server's token (another key) is refused.
	other := mgmttest.NewServer()
	defer other.Close()
	client{t, other.URL, tok.AccessToken}.want("GET", "/api/v2/users", nil, 401, "")

	now.Add(86400 - 1) // the last valid second
	good.want("GET", "/api/v2/users", nil, 200, "[]")
	now.Add(1)
	good.want("GET", "/api/v2/users", nil, 401,
		`{"statusCode":401,"error":"Unauthorized","message":"Expired token received for JSON Web Token validation"}`)
}

func TestNotImplemented(t *testing.T) {
	srv, c := newClient(t)
	for _, tc := range []struct{ method, path, message string }{
		{"GET", "/api/v2/roles", "mgmttest does not implement GET /api/v2/roles"},
		{"PUT", "/api/v2/users/auth0%7C1", "mgmttest does not implement PUT /api/v2/users/auth0|1"},
		{"POST", "/api/v2/users/auth0%7C1/roles", "mgmttest does not implement POST /api/v2/users/auth0|1/roles"},
		{"GET", "/userinfo", "mgmttest does not implement GET /userinfo"},
	} {
		want := `{"statusCode":501,"error":"Not Implemented","message":"` + tc.message + `","errorCode":"not_implemented"}`
		c.want(tc.method, tc.path, nil, 501, want)
		client{t, srv.URL, ""}.want(tc.method, tc.path, nil, 501, "") // whatever the token
	}
	// The neighbour: a missing resource of a served endpoint stays 404.
	c.want("GET", "/api/v2/users/auth0%7C1", nil, 404,
		`{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}`)
}
