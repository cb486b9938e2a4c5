package mgmttest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/metapatch/metapatch"
	"github.com/metapatch/metapatch/mgmttest"
)

type client struct {
	t     *testing.T
	base  string
	token string
}

// do sends a request and returns the status and body.
func (c client) do(method, path string, body any) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case io.Reader:
		r = b
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (c client) want(method, path string, body any, status int, wantBody string) []byte {
	c.t.Helper()
	got, b := c.do(method, path, body)
	if got != status {
		c.t.Fatalf("%s %s: status %d, want %d (%s)", method, path, got, status, b)
	}
	if wantBody != "" && string(b) != wantBody {
		c.t.Fatalf("%s %s: body\n%s\nwant\n%s", method, path, b, wantBody)
	}
	return b
}

func newClient(t *testing.T, opts ...mgmttest.Option) (*mgmttest.Server, client) {
	srv := mgmttest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv, client{t, srv.URL, srv.Token()}
}

func field(t *testing.T, doc []byte, name string) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return m[name]
}

func TestAuthentication(t *testing.T) {
	srv, c := newClient(t)
	none := client{t, srv.URL, ""}
	none.want("GET", "/api/v2/users", nil, 401, `{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}`)
	bad := client{t, srv.URL, "not-a-token"}
	bad.want("GET", "/api/v2/users", nil, 401, `{"statusCode":401,"error":"Unauthorized","message":"Invalid token"}`)
	c.want("GET", "/api/v2/users", nil, 200, "[]") // the neighbour: a known token
}

func TestScopes(t *testing.T) {
	srv, c := newClient(t)
	user := c.want("POST", "/api/v2/users", `{"email":"a@example.com","connection":"db"}`, 201, "")
	id := url.PathEscape(field(t, user, "user_id").(string))

	updateOnly := client{t, srv.URL, srv.Token("update:users")}
	updateOnly.want("GET", "/api/v2/users/"+id, nil, 403,
		`{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: read:users","errorCode":"insufficient_scope"}`)
	updateOnly.want("POST", "/api/v2/users", `{"email":"b@example.com"}`, 403, "")
	updateOnly.want("DELETE", "/api/v2/users/"+id, nil, 403, "")
	updateOnly.want("PATCH", "/api/v2/users/"+id, `{"nickname":"x"}`, 200, "")

	own := client{t, srv.URL, srv.Token("read:users update:current_user_metadata")}
	own.want("PATCH", "/api/v2/users/"+id, `{"user_metadata":{"a":1}}`, 200, "")
	own.want("PATCH", "/api/v2/users/"+id, `{"app_metadata":{"a":1}}`, 403,
		`{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: update:users,update:users_app_metadata","errorCode":"insufficient_scope"}`)
	own.want("GET", "/api/v2/users/"+id, nil, 200, "")

	creator := client{t, srv.URL, srv.Token("create:clients", "delete:clients")}
	cl := creator.want("POST", "/api/v2/clients", `{"name":"app"}`, 201, "")
	creator.want("PATCH", "/api/v2/clients/"+field(t, cl, "client_id").(string), `{"name":"x"}`, 403, "")
	creator.want("DELETE", "/api/v2/clients/"+field(t, cl, "client_id").(string), nil, 204, "")
	nothing := client{t, srv.URL, srv.Token("")}
	nothing.want("GET", "/api/v2/organizations", nil, 403, "")
}

func TestNotFound(t *testing.T) {
	_, c := newClient(t)
	c.want("GET", "/api/v2/users/auth0%7Cnope", nil, 404,
		`{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}`)
	c.want("PATCH", "/api/v2/users/auth0%7Cnope", `{"nickname":"x"}`, 404, "")
	c.want("GET", "/api/v2/clients/nope", nil, 404, "")
	c.want("PATCH", "/api/v2/organizations/org_nope", `{"name":"x"}`, 404, "")
	c.want("GET", "/api/v2/roles", nil, 501, "") // not served: never a 404
}

func TestCreateFillsWhatAuth0Fills(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 53, 38, 123456789, time.FixedZone("CET", 3600))
	_, c := newClient(t, mgmttest.WithClock(func() time.Time { return at }))
	u := c.want("POST", "/api/v2/users", `{"email":"jane@example.com","connection":"Username-Password-Authentication","password":"x","user_metadata":{"hobby":"surfing"},"app_metadata":{}}`, 201, "")
	id := field(t, u, "user_id").(string)
	if !regexp.MustCompile(`^auth0\|[0-9a-f]{24}$`).MatchString(id) {
		t.Errorf("user_id %q", id)
	}
	if got := field(t, u, "created_at"); got != "2026-11-27T09:53:38.123Z" || field(t, u, "updated_at") != got {
		t.Errorf("created_at %v", got)
	}
	ids := field(t, u, "identities").([]any)[0].(map[string]any)
	if ids["connection"] != "Username-Password-Authentication" || ids["user_id"] != id[len("auth0|"):] || ids["provider"] != "auth0" {
		t.Errorf("identities %v", ids)
	}
	if field(t, u, "password") != nil || field(t, u, "app_metadata") != nil || field(t, u, "user_metadata") == nil {
		t.Errorf("stored %s", u)
	}
	// The neighbours: a given user_id is kept; a second one conflicts.
	given := c.want("POST", "/api/v2/users", `{"user_id":"auth0|mine","email":"b@example.com"}`, 201, "")
	if field(t, given, "user_id") != "auth0|mine" {
		t.Errorf("given user_id not kept: %s", given)
	}
	c.want("POST", "/api/v2/users", `{"user_id":"auth0|mine"}`, 409, "")

	cl := c.want("POST", "/api/v2/clients", `{"name":"app","client_metadata":{"a":"1"}}`, 201, "")
	if !regexp.MustCompile(`^[A-Za-z0-9]{32}$`).MatchString(field(t, cl, "client_id").(string)) {
		t.Errorf("client_id in %s", cl)
	}
	org := c.want("POST", "/api/v2/organizations", `{"name":"acme","metadata":{"a":"1"}}`, 201, "")
	if !regexp.MustCompile(`^org_[A-Za-z0-9]{16}$`).MatchString(field(t, org, "id").(string)) {
		t.Errorf("organization id in %s", org)
	}
}

// TestLibraryRulesOverHTTP checks that the server answers exactly what the
// library computes, documents and errors alike.
func TestLibraryRulesOverHTTP(t *testing.T) {
	_, c := newClient(t, mgmttest.WithClock(func() time.Time { return time.Unix(0, 0) }))
	u := c.want("POST", "/api/v2/users", `{"user_id":"auth0|1","email":"jane@example.com","user_metadata":{"hobby":"surfing"},"app_metadata":{"plan":"full"}}`, 201, "")
	for _, body := range []string{
		`{"user_metadata":{"addresses":{"home":"123 Main Street, Anytown, ST 12345"}}}`,
		`{"user_metadata":{"hobby":null},"app_metadata":{}}`,
		`{"user_metadata":{"preference.color":"red"}}`,
		`{"user_metadata":{"a":1,"a":2}}`,
		`{"user_id":"auth0|2"}`,
		`{"blocked":"yes"}`,
		`{"user_metadata":`,
		`[]`,
	} {
		want, wantErr := metapatch.PatchUser(u, []byte(body))
		status, got := c.do("PATCH", "/api/v2/users/auth0%7C1", body)
		if wantErr != nil {
			e := wantErr.(*metapatch.Error)
			wb, _ := e.MarshalJSON()
			if status != e.StatusCode || string(got) != string(wb) {
				t.Errorf("%s: got %d %s, want %d %s", body, status, got, e.StatusCode, wb)
			}
			continue
		}
		want, _ = metapatch.Merge(want, []byte(`{"updated_at":"1970-01-01T00:00:00.000Z"}`))
		if status != 200 || string(got) != string(want) {
			t.Errorf("%s: got %d %s, want %s", body, status, got, want)
		}
		u = got
	}
	c.want("PATCH", "/api/v2/users/auth0%7C1", strings.NewReader(`{}`), 200, "")
	status, b := do(t, "PATCH", c.base+"/api/v2/users/auth0%7C1", c.token, "text/plain", `{}`)
	if status != 400 || !strings.Contains(b, "Content-Type") {
		t.Errorf("wrong content type: %d %s", status, b)
	}
}

func do(t *testing.T, method, u, token, contentType, body string) (int, string) {
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestEscapedIDs(t *testing.T) {
	_, c := newClient(t)
	c.want("POST", "/api/v2/users", `{"user_id":"auth0|a/b c?d","email":"x@example.com"}`, 201, "")
	got := c.want("GET", "/api/v2/users/"+url.PathEscape("auth0|a/b c?d"), nil, 200, "")
	if field(t, got, "email") != "x@example.com" {
		t.Errorf("got %s", got)
	}
	c.want("GET", "/api/v2/users/auth0%7Ca", nil, 404, "") // the neighbour: a prefix is another id
}

func TestList(t *testing.T) {
	_, c := newClient(t)
	for i := range 5 {
		c.want("POST", "/api/v2/organizations", fmt.Sprintf(`{"id":"org_%d","name":"o%d"}`, i, i), 201, "")
	}
	got := c.want("GET", "/api/v2/organizations?page=1&per_page=2&include_totals=true", nil, 200, "")
	var page struct {
		Start, Limit, Length, Total int
		Organizations               []map[string]any
	}
	if err := json.Unmarshal(got, &page); err != nil {
		t.Fatal(err)
	}
	if page.Start != 2 || page.Limit != 2 || page.Length != 2 || page.Total != 5 || page.Organizations[0]["id"] != "org_2" {
		t.Errorf("page %s", got)
	}
	var plain []map[string]any
	if err := json.Unmarshal(c.want("GET", "/api/v2/organizations?per_page=3", nil, 200, ""), &plain); err != nil || len(plain) != 3 {
		t.Errorf("plain list: %v %v", plain, err)
	}
	c.want("GET", "/api/v2/organizations?per_page=0", nil, 400, "")
	c.want("GET", "/api/v2/organizations?page=2147483648", nil, 400, "")
	c.want("GET", "/api/v2/organizations?page=2147483647&per_page=100&include_totals=true", nil, 200,
		`{"start":214748364700,"limit":100,"length":0,"organizations":[],"total":5}`)
	c.want("DELETE", "/api/v2/organizations/org_0", nil, 204, "")
	c.want("GET", "/api/v2/organizations/org_0", nil, 404, "")
}

func TestConcurrentPatchesLoseNothing(t *testing.T) {
	_, c := newClient(t, mgmttest.WithUsers([]byte(`{"user_id":"auth0|1","user_metadata":{}}`)))
	var wg sync.WaitGroup
	var failed atomic.Int32
	for i := range 100 {
		wg.Go(func() {
			status, _ := c.do("PATCH", "/api/v2/users/auth0%7C1", fmt.Sprintf(`{"user_metadata":{"k%d":%d}}`, i, i))
			if status != 200 {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d PATCHes failed", failed.Load())
	}
	meta := field(t, c.want("GET", "/api/v2/users/auth0%7C1", nil, 200, ""), "user_metadata").(map[string]any)
	if len(meta) != 100 {
		t.Errorf("%d keys, want 100", len(meta))
	}
}

// countingReader yields n bytes and counts what was read. The transport
// may still be sending after the response arrived, so the count is atomic.
type countingReader struct {
	n    int64
	sent atomic.Int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	sent := r.sent.Load()
	if sent >= r.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), r.n-sent)
	for i := range k {
		p[i] = 'x'
	}
	r.sent.Add(k)
	return int(k), nil
}

func TestLargeBodyRefusedUnread(t *testing.T) {
	srv, c := newClient(t, mgmttest.WithUsers([]byte(`{"user_id":"auth0|1"}`)))
	body := &countingReader{n: 64 << 20}
	req, _ := http.NewRequest("PATCH", srv.URL+"/api/v2/users/auth0%7C1", body)
	req.ContentLength = body.n
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		defer resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Errorf("status %d, want 413", resp.StatusCode)
		}
	}
	if body.sent.Load() >= body.n {
		t.Errorf("the server read the whole %d-byte body", body.n)
	}
	// Without a Content-Length (chunked), it stops at the limit too.
	chunked := &countingReader{n: 64 << 20}
	req, _ = http.NewRequest("PATCH", srv.URL+"/api/v2/users/auth0%7C1", io.MultiReader(chunked))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 413 || !bytes.Contains(b, []byte("payload_too_large")) {
			t.Errorf("chunked: %d %s", resp.StatusCode, b)
		}
	}
	if chunked.sent.Load() >= chunked.n {
		t.Errorf("the server read the whole chunked body")
	}
	// The neighbour: a body at the limit's side of the line is read.
	c.want("PATCH", "/api/v2/users/auth0%7C1", `{"nickname":"x"}`, 200, "")
}

func TestSeedPanicsWithoutID(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a seeded user without user_id")
		}
	}()
	mgmttest.NewServer(mgmttest.WithUsers([]byte(`{"email":"x"}`)))
}
