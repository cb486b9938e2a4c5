package mgmttest_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/metapatch/metapatch/mgmttest"
)

// TestNewHandler serves the API with the caller's own HTTP server at a
// public URL: tokens issued there name that URL and are accepted there,
// and a token for another audience is refused.
func TestNewHandler(t *testing.T) {
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	api := mgmttest.NewHandler(base + "/")
	defer api.Close() // does nothing
	ts.Config.Handler = api.Handler()
	ts.Start()
	defer ts.Close()
	if api.URL != base {
		t.Fatalf("URL %q, want %q (no trailing slash)", api.URL, base)
	}
	id, secret := api.Credentials("read:users")
	body := `{"grant_type":"client_credentials","client_id":"` + id + `","client_secret":"` + secret + `","audience":"` + base + `/api/v2/"}`
	status, b := post(t, base+"/oauth/token", "application/json", body)
	var tok tokenResponse
	if status != 200 || json.Unmarshal(b, &tok) != nil {
		t.Fatalf("%d %s", status, b)
	}
	client{t, base, tok.AccessToken}.want("GET", "/api/v2/users", nil, 200, "[]")
	client{t, base, tok.AccessToken}.want("DELETE", "/api/v2/users/x", nil, 403, "")

	// The audience is the public URL, not wherever the handler listens.
	other := `{"grant_type":"client_credentials","client_id":"` + id + `","client_secret":"` + secret + `","audience":"http://127.0.0.1:1/api/v2/"}`
	if status, b := post(t, base+"/oauth/token", "application/json", other); status == 200 {
		t.Errorf("a token for another audience was issued: %s", b)
	}
}

// TestTokenWithoutScopes: Token() grants every scope, Token("") none.
func TestTokenWithoutScopes(t *testing.T) {
	srv := mgmttest.NewServer()
	defer srv.Close()
	client{t, srv.URL, srv.Token()}.want("GET", "/api/v2/users", nil, 200, "[]")
	client{t, srv.URL, srv.Token("")}.want("GET", "/api/v2/users", nil, 403, "")
}
