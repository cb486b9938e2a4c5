package mgmttest_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/metapatch/metapatch/mgmttest"
)

// TestHostileRequests sends malformed and adversarial requests to every
// endpoint: each is refused with a 4xx (or served), never a 5xx or a
// crash, and the server keeps answering.
func TestHostileRequests(t *testing.T) {
	srv, c := newClient(t, mgmttest.WithUsers([]byte(`{"user_id":"auth0|1","email":"a@example.com"}`)),
		mgmttest.WithSessions([]byte(`{"id":"s1"}`)))
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(`{"scope":"read:users"}`)) + "."
	for _, tc := range []struct {
		name, method, path, contentType, body, token string
	}{
		{"nul in an id", "GET", "/api/v2/users/auth0%00x", "", "", ""},
		{"invalid UTF-8 in an id", "PATCH", "/api/v2/users/%ff%fe", "application/json", `{"nickname":"x"}`, ""},
		{"many fields", "GET", "/api/v2/users?fields=" + strings.Repeat(",", 10000), "", "", ""},
		{"invalid UTF-8 in q", "GET", "/api/v2/users?q=name:%ff", "", "", ""},
		{"deep q", "GET", "/api/v2/users?q=" + strings.Repeat("(", 5000) + "a" + strings.Repeat(")", 5000), "", "", ""},
		{"array body", "PATCH", "/api/v2/users/auth0%7C1", "application/json", `[1,2]`, ""},
		{"truncated body", "POST", "/api/v2/connections", "application/json", `{"name":`, ""},
		{"session null body", "PATCH", "/api/v2/sessions/s1", "application/json", `null`, ""},
		{"sign-up array", "POST", "/dbconnections/signup", "application/json", `[]`, ""},
		{"sign-up not JSON", "POST", "/dbconnections/signup", "text/plain", `x`, ""},
		{"import garbage multipart", "POST", "/api/v2/jobs/users-imports", "multipart/form-data; boundary=x", "--x\r\nnot a part", ""},
		{"import no boundary", "POST", "/api/v2/jobs/users-imports", "multipart/form-data", "", ""},
		{"token garbage JSON", "POST", "/oauth/token", "application/json", `{"grant_type":`, "-"},
		{"token array JSON", "POST", "/oauth/token", "application/json", `["client_credentials"]`, "-"},
		{"token other content type", "POST", "/oauth/token", "text/plain", `grant_type=client_credentials`, "-"},
		{"alg none JWT", "GET", "/api/v2/users", "", "", none},
		{"garbage JWT", "GET", "/api/v2/users", "", "", "a.b.c"},
		{"empty JWT parts", "GET", "/api/v2/users", "", "", ".."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			token := c.token
			switch tc.token {
			case "-":
				token = ""
			case "":
			default:
				token = tc.token
			}
			status, body := do(t, tc.method, srv.URL+tc.path, token, tc.contentType, tc.body)
			if status >= 500 {
				t.Errorf("%d %s", status, body)
			}
			if (tc.token == none || tc.token == "a.b.c" || tc.token == "..") && status != http.StatusUnauthorized {
				t.Errorf("a forged token got %d %s", status, body)
			}
		})
	}
	c.want("GET", "/api/v2/users/auth0%7C1", nil, 200, "") // still serving
}
