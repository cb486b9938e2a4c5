package conformance

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/auth0/go-auth0/management"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// TestClientCredentialsThroughSDK: go-auth0 gets its token from POST
// /oauth/token with the client credentials grant, as against Auth0, and
// the token carries exactly the client's scopes.
func TestClientCredentialsThroughSDK(t *testing.T) {
	srv := newServer(t)
	defer srv.Close()
	ctx := context.Background()
	id, secret := srv.Credentials("read:users create:users")
	// WithInsecure first: WithClientCredentials reads the URL's scheme.
	api, err := management.New(srv.URL, management.WithInsecure(), management.WithClientCredentials(ctx, id, secret), management.WithNoRetries())
	if err != nil {
		t.Fatal(err)
	}
	u := &management.User{Connection: ptr("db"), Email: ptr("a@example.com")}
	if err := api.User.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, err := api.User.Read(ctx, u.GetID()); err != nil {
		t.Errorf("read with read:users: %v", err)
	}
	if err := api.User.Delete(ctx, u.GetID()); status(err) != 403 {
		t.Errorf("delete without delete:users: %v", err)
	}

	wrong, err := management.New(srv.URL, management.WithInsecure(), management.WithClientCredentials(ctx, id, "wrong"), management.WithNoRetries())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrong.User.Read(ctx, u.GetID()); err == nil || !strings.Contains(err.Error(), "access_denied") {
		t.Errorf("wrong secret: %v", err)
	}
}

// TestAccessTokenVerifiesWithJWX checks the access token with an
// independent JOSE library, as a resource server would: signature with
// the served key set, issuer, audience, expiry, and Auth0's claims.
func TestAccessTokenVerifiesWithJWX(t *testing.T) {
	srv := newServer(t)
	defer srv.Close()
	ctx := context.Background()
	id, secret := srv.Credentials("read:users")
	resp, err := http.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "audience": {srv.URL + "/api/v2/"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	set, err := jwk.Fetch(ctx, srv.URL+"/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.ParseString(body.AccessToken, jwt.WithKeySet(set), jwt.WithValidate(true),
		jwt.WithIssuer(srv.URL+"/"), jwt.WithAudience(srv.URL+"/api/v2/"), jwt.WithSubject(id+"@clients"))
	if err != nil {
		t.Fatalf("jwx refuses the token: %v", err)
	}
	scope, _ := tok.Get("scope")
	gty, _ := tok.Get("gty")
	if scope != "read:users" || gty != "client-credentials" || body.TokenType != "Bearer" {
		t.Errorf("scope %v, gty %v, token_type %q", scope, gty, body.TokenType)
	}
	if life := tok.Expiration().Sub(tok.IssuedAt()); life != time.Duration(body.ExpiresIn)*time.Second {
		t.Errorf("exp - iat = %v, expires_in %d", life, body.ExpiresIn)
	}
	// The neighbour: another audience fails jwx's check.
	if _, err := jwt.ParseString(body.AccessToken, jwt.WithKeySet(set), jwt.WithValidate(true), jwt.WithAudience("https://other/api/v2/")); err == nil {
		t.Error("jwx accepted another audience")
	}
}
