// Program mgmttest-credentials gets an access token from mgmttest with the
// client credentials grant, as an M2M application does from Auth0, and
// uses it: what it may do, and the 403 for what it may not.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/metapatch/metapatch/mgmttest"
)

func main() {
	clock := func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }
	srv := mgmttest.NewServer(mgmttest.WithClock(clock))
	defer srv.Close()

	// An M2M application granted two scopes.
	id, secret := srv.Credentials("read:users create:users")

	resp, err := http.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {id},
		"client_secret": {secret},
		"audience":      {srv.URL + "/api/v2/"},
	})
	if err != nil {
		log.Fatal(err)
	}
	var token struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		Scope       string `json:"scope"`
	}
	json.NewDecoder(resp.Body).Decode(&token)
	resp.Body.Close()
	fmt.Printf("%s token, %d seconds, scope %q\n", token.TokenType, token.ExpiresIn, token.Scope)

	// The token is an RS256 JWT with Auth0's claims; its key is at
	// /.well-known/jwks.json.
	var claims struct {
		Iss, Sub, Aud, Gty string
		Iat, Exp           int64
	}
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(token.AccessToken, ".")[1])
	json.Unmarshal(payload, &claims)
	fmt.Printf("gty %s, sub is the client: %v, aud is the API: %v, issued %s\n", claims.Gty,
		claims.Sub == id+"@clients", claims.Aud == srv.URL+"/api/v2/", time.Unix(claims.Iat, 0).UTC().Format(time.RFC3339))

	call := func(method, path, body string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token.AccessToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		fmt.Printf("%s %s: %d %s\n", method, path, resp.StatusCode, b)
	}
	call("POST", "/api/v2/users", `{"user_id":"auth0|42","email":"jane@example.com","connection":"db"}`)
	call("DELETE", "/api/v2/users/auth0%7C42", "")

	// A wrong secret gets Auth0's refusal.
	resp, _ = http.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {"wrong"}, "audience": {srv.URL + "/api/v2/"},
	})
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Printf("wrong secret: %d %s\n", resp.StatusCode, b)
}
