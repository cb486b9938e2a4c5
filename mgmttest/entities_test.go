package mgmttest_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/metapatch/metapatch"
	"github.com/metapatch/metapatch/mgmttest"
)

// wantLibrary checks that the server answered what the library computes
// for the same input: the document, or the error body.
func wantLibrary(t *testing.T, status int, got []byte, want []byte, err error) {
	t.Helper()
	if err != nil {
		e := err.(*metapatch.Error)
		wb, _ := e.MarshalJSON()
		if status != e.StatusCode || string(got) != string(wb) {
			t.Errorf("got %d %s, want %d %s", status, got, e.StatusCode, wb)
		}
		return
	}
	if status/100 != 2 || string(got) != string(want) {
		t.Errorf("got %d, want the library's document (-want +got):\n%s", status, cmp.Diff(string(want), string(got)))
	}
}

func TestConnections(t *testing.T) {
	srv, c := newClient(t)
	created := c.want("POST", "/api/v2/connections", `{"name":"db-main","strategy":"auth0","options":{"mfa":{"active":true}},"metadata":{"a":"1","b":"2"}}`, 201, "")
	id, _ := field(t, created, "id").(string)
	if !regexp.MustCompile(`^con_[A-Za-z0-9]{16}$`).MatchString(id) {
		t.Fatalf("id %q in %s", id, created)
	}
	c.want("GET", "/api/v2/connections/"+id, nil, 200, string(created))
	stored := created
	for _, body := range []string{
		`{"metadata":{"c":"3"}}`,               // replaced whole
		`{"options":{"mfa":{"active":false}}}`, // replaced whole
		`{"metadata":null}`,                    // removed
		`{"name":"other"}`,                     // read-only: 400
		`{}`,                                   // minProperties: 400
		`{"metadata":{"k":1}}`,                 // not a string: 400
		`{"display_name":"` + strings.Repeat("x", 129) + `"}`, // too long
	} {
		want, wantErr := metapatch.PatchConnection(stored, []byte(body))
		status, got := c.do("PATCH", "/api/v2/connections/"+id, body)
		wantLibrary(t, status, got, want, wantErr)
		if wantErr == nil {
			stored = got
		}
	}
	c.want("POST", "/api/v2/connections", `{"name":"db-two","strategy":"auth0"}`, 201, "")
	list := c.want("GET", "/api/v2/connections?include_totals=true&fields=name", nil, 200, "")
	if want := `{"start":0,"limit":50,"length":2,"connections":[{"name":"db-main"},{"name":"db-two"}],"total":2}`; string(list) != want {
		t.Errorf("list (-want +got):\n%s", cmp.Diff(want, string(list)))
	}
	c.want("GET", "/api/v2/connections?name=db-two&fields=name", nil, 200, `[{"name":"db-two"}]`)
	c.want("GET", "/api/v2/connections?name=DB-TWO", nil, 200, `[]`)
	c.want("POST", "/api/v2/connections", `{"name":"-bad","strategy":"auth0"}`, 400, "")
	c.want("POST", "/api/v2/connections", `{"name":"x","strategy":"auth0","id":"con_mine"}`, 400, "")

	client{t, srv.URL, srv.Token("read:connections")}.want("PATCH", "/api/v2/connections/"+id, `{"metadata":{}}`, 403, "")
	client{t, srv.URL, srv.Token("update:connections")}.want("PATCH", "/api/v2/connections/"+id, `{"metadata":{}}`, 200, "")
	c.want("DELETE", "/api/v2/connections/"+id, nil, 204, "")
	c.want("GET", "/api/v2/connections/"+id, nil, 404,
		`{"statusCode":404,"error":"Not Found","message":"The connection does not exist","errorCode":"inexistent_connection"}`)
	c.want("PATCH", "/api/v2/connections/"+id, `{"metadata":{}}`, 404, "")
	c.want("DELETE", "/api/v2/connections/"+id, nil, 404, "")
}

func TestCustomDomains(t *testing.T) {
	_, c := newClient(t)
	created := c.want("POST", "/api/v2/custom-domains", `{"domain":"login.example.com","type":"auth0_managed_certs","domain_metadata":{"a":"1"}}`, 201, "")
	id, _ := field(t, created, "custom_domain_id").(string)
	if !regexp.MustCompile(`^cd_[A-Za-z0-9]{16}$`).MatchString(id) {
		t.Fatalf("custom_domain_id %q in %s", id, created)
	}
	stored := created
	for _, body := range []string{
		`{"domain_metadata":{"b":"2"}}`,  // merged
		`{"domain_metadata":{"a":null}}`, // deleted key
		`{}`,                             // changes nothing
		`{"domain":"other.example.com"}`, // read-only: 400
		`{"domain_metadata":null}`,       // 400
	} {
		want, wantErr := metapatch.PatchCustomDomain(stored, []byte(body))
		status, got := c.do("PATCH", "/api/v2/custom-domains/"+id, body)
		wantLibrary(t, status, got, want, wantErr)
		if wantErr == nil {
			stored = got
		}
	}
	if got := field(t, stored, "domain_metadata"); !cmp.Equal(got, map[string]any{"b": "2"}) {
		t.Errorf("domain_metadata %v", got)
	}
	c.want("GET", "/api/v2/custom-domains", nil, 200, "["+string(stored)+"]")
	c.want("GET", "/api/v2/custom-domains/cd_nope", nil, 404,
		`{"statusCode":404,"error":"Not Found","message":"The custom domain does not exist","errorCode":"inexistent_custom_domain"}`)
	c.want("DELETE", "/api/v2/custom-domains/"+id, nil, 204, "")
}

func TestSessionsAndRefreshTokens(t *testing.T) {
	srv, c := newClient(t,
		mgmttest.WithSessions([]byte(`{"id":"ses_1","user_id":"auth0|1","session_metadata":{"a":"1"}}`)),
		mgmttest.WithRefreshTokens([]byte(`{"id":"rt_1","user_id":"auth0|1"}`)))
	for _, tc := range []struct {
		path, field string
		patch       func([]byte, []byte, ...metapatch.Option) ([]byte, error)
		scope       string
	}{
		{"/api/v2/sessions/ses_1", "session_metadata", metapatch.PatchSession, "sessions"},
		{"/api/v2/refresh-tokens/rt_1", "refresh_token_metadata", metapatch.PatchRefreshToken, "refresh_tokens"},
	} {
		t.Run(tc.scope, func(t *testing.T) {
			stored := c.want("GET", tc.path, nil, 200, "")
			for _, body := range []string{
				`{"` + tc.field + `":{"b":"2","c":"3"}}`, // replaced whole
				`{"` + tc.field + `":{"c":null,"b":"2"}}`,
				`{"` + tc.field + `":{"a-b":"x","a.b":"y"}}`, // charset: 400
				`{"` + tc.field + `":{}}`,                    // removed
				`{}`,                                         // 400
				`{"user_id":"x"}`,                            // 400
			} {
				want, wantErr := tc.patch(stored, []byte(body))
				status, got := c.do("PATCH", tc.path, body)
				wantLibrary(t, status, got, want, wantErr)
				if wantErr == nil {
					stored = got
				}
			}
			client{t, srv.URL, srv.Token("read:" + tc.scope)}.want("PATCH", tc.path, `{"`+tc.field+`":{"a":"1"}}`, 403, "")
			client{t, srv.URL, srv.Token("update:" + tc.scope)}.want("GET", tc.path, nil, 403, "")
			client{t, srv.URL, srv.Token("read:" + tc.scope)}.want("GET", tc.path, nil, 200, string(stored))
			missing := tc.path[:strings.LastIndexByte(tc.path, '/')] + "/nope"
			c.want("PATCH", missing, `{"`+tc.field+`":{}}`, 404, "")
			c.want("DELETE", tc.path, nil, 501, "")
			c.want("POST", tc.path[:strings.LastIndexByte(tc.path, '/')], `{}`, 501, "")
		})
	}
}

func TestSignup(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv, c := newClient(t, mgmttest.WithClock(func() time.Time { return at }))
	public := client{t, srv.URL, ""} // no token: a public endpoint
	body := `{"client_id":"abc","connection":"Username-Password-Authentication","password":"secret","user_metadata":{"plan":"trial"},"username":"jane","email":"jane@example.com"}`
	got := public.want("POST", "/dbconnections/signup", body, 200, "")
	lib, err := metapatch.Signup([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^\{"_id":"([0-9a-f]{24})",(.*)$`).FindSubmatch(got)
	if m == nil || "{"+string(m[2]) != string(lib) {
		t.Fatalf("answer %s, want _id then %s", got, lib)
	}
	id := "auth0|" + string(m[1])
	user := c.want("GET", "/api/v2/users/"+strings.Replace(id, "|", "%7C", 1), nil, 200, "")
	want, _ := metapatch.Merge(lib, []byte(`{"created_at":"2026-01-02T03:04:05.000Z","identities":[{"connection":"Username-Password-Authentication","isSocial":false,"provider":"auth0","user_id":"`+string(m[1])+`"}],"updated_at":"2026-01-02T03:04:05.000Z","user_id":"`+id+`"}`))
	if diff := cmp.Diff(string(want), string(user)); diff != "" {
		t.Errorf("stored user (-want +got):\n%s", diff)
	}
	public.want("POST", "/dbconnections/signup", strings.Replace(body, "jane@", "JANE@", 1), 400,
		`{"name":"BadRequestError","code":"user_exists","description":"The user already exists.","statusCode":400}`)
	// The neighbour: the same address in another connection is another user.
	public.want("POST", "/dbconnections/signup", strings.Replace(body, "Username-Password-Authentication", "other-db", 1), 200, "")
	bad := `{"connection":"db","password":"x","email":"a@example.com","user_metadata":{"n":1}}`
	_, libErr := metapatch.Signup([]byte(bad))
	e := libErr.(*metapatch.Error)
	public.want("POST", "/dbconnections/signup", bad, 400,
		`{"name":"BadRequestError","code":"invalid_signup","description":`+quoteJSON(e.Message)+`,"statusCode":400}`)
	public.want("POST", "/dbconnections/signup", `{"connection":"db","password":"x","email":"b@example.com"}`, 200, "")
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// importForm builds a users-imports request body as go-auth0 sends it.
func importForm(t *testing.T, connectionID, upsert, users string) (string, *bytes.Buffer) {
	var b bytes.Buffer
	mp := multipart.NewWriter(&b)
	mp.WriteField("connection_id", connectionID)
	mp.WriteField("upsert", upsert)
	mp.WriteField("external_id", "ext-1")
	if users != "" {
		part, err := mp.CreateFormFile("users", "users.json")
		if err != nil {
			t.Fatal(err)
		}
		part.Write([]byte(users))
	}
	mp.Close()
	return mp.FormDataContentType(), &b
}

func TestImportUsers(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv, c := newClient(t, mgmttest.WithClock(func() time.Time { return at }))
	conn := c.want("POST", "/api/v2/connections", `{"name":"db","strategy":"auth0"}`, 201, "")
	connID := field(t, conn, "id").(string)
	c.want("POST", "/api/v2/users", `{"user_id":"auth0|old","email":"old@example.com","connection":"db","user_metadata":{"a":"1","b":"2"},"given_name":"Old"}`, 201, "")
	c.want("POST", "/api/v2/users", `{"user_id":"auth0|other","email":"new@example.com","connection":"elsewhere"}`, 201, "")

	run := func(upsert, users string) (job, errs []byte) {
		t.Helper()
		ct, body := importForm(t, connID, upsert, users)
		status, b := do(t, "POST", srv.URL+"/api/v2/jobs/users-imports", c.token, ct, body.String())
		if status != 202 {
			t.Fatalf("import: %d %s", status, b)
		}
		id := field(t, []byte(b), "id").(string)
		if want := `{"type":"users_import","status":"pending","connection_id":"` + connID + `","connection":"db","created_at":"2026-01-02T03:04:05.000Z","id":"` + id + `","external_id":"ext-1"}`; b != want {
			t.Errorf("answer (-want +got):\n%s", cmp.Diff(want, b))
		}
		return c.want("GET", "/api/v2/jobs/"+id, nil, 200, ""), c.want("GET", "/api/v2/jobs/"+id+"/errors", nil, 200, "")
	}
	records := `[{"email":"old@example.com","user_metadata":{"c":"3"},"given_name":"New"},{"email":"new@example.com","user_id":"imported1","app_metadata":{"plan":"x"}}]`
	job, errs := run("false", records)
	if want := `"status":"completed","connection_id":"` + connID + `","summary":{"failed":1,"updated":0,"inserted":1,"total":2}`; !strings.Contains(string(job), want) {
		t.Errorf("job %s, want %s", job, want)
	}
	if want := `[{"user":{"email":"old@example.com","user_metadata":{"c":"3"},"given_name":"New"},"errors":[{"code":"DUPLICATED_USER","message":"The user already exist and upsert parameter is false"}]}]`; string(errs) != want {
		t.Errorf("errors (-want +got):\n%s", cmp.Diff(want, string(errs)))
	}
	imported := c.want("GET", "/api/v2/users/auth0%7Cimported1", nil, 200, "")
	lib, _ := metapatch.ImportUser([]byte(`{"email":"new@example.com","user_id":"imported1","app_metadata":{"plan":"x"}}`))
	want, _ := metapatch.Merge(lib, []byte(`{"created_at":"2026-01-02T03:04:05.000Z","identities":[{"connection":"db","isSocial":false,"provider":"auth0","user_id":"imported1"}],"updated_at":"2026-01-02T03:04:05.000Z","user_id":"auth0|imported1"}`))
	if diff := cmp.Diff(string(want), string(imported)); diff != "" {
		t.Errorf("imported user (-want +got):\n%s", diff)
	}
	old := c.want("GET", "/api/v2/users/auth0%7Cold", nil, 200, "")
	if field(t, old, "given_name") != "Old" {
		t.Errorf("without upsert the user changed: %s", old)
	}

	// With upsert: the existing user's metadata is replaced whole.
	job, errs = run("true", `[{"email":"OLD@example.com","user_metadata":{"c":"3"},"given_name":"New","username":"ignored"}]`)
	if !strings.Contains(string(job), `"summary":{"failed":0,"updated":1,"inserted":0,"total":1}`) || string(errs) != "[]" {
		t.Errorf("upsert job %s errors %s", job, errs)
	}
	upserted := c.want("GET", "/api/v2/users/auth0%7Cold", nil, 200, "")
	wantUp, _ := metapatch.UpsertUser(old, []byte(`{"email":"OLD@example.com","user_metadata":{"c":"3"},"given_name":"New","username":"ignored"}`))
	if diff := cmp.Diff(string(wantUp), string(upserted)); diff != "" {
		t.Errorf("upserted user (-want +got):\n%s", diff)
	}

	// A file the library refuses is refused whole, nothing imported.
	for _, file := range []string{`[]`, `{"email":"x@example.com"}`, `[{"email":"a@example.com"},{"email":"A@example.com"}]`, `[{"email":"z@example.com","app_metadata":{"email":"x"}}]`} {
		ct, body := importForm(t, connID, "false", file)
		status, b := do(t, "POST", srv.URL+"/api/v2/jobs/users-imports", c.token, ct, body.String())
		libErr := metapatch.CheckImport([]byte(file))
		wantLibrary(t, status, []byte(b), nil, libErr)
	}
	c.want("GET", "/api/v2/users-by-email?email=z@example.com", nil, 200, "[]")
	ct, body := importForm(t, "con_nope", "false", `[{"email":"y@example.com"}]`)
	if status, b := do(t, "POST", srv.URL+"/api/v2/jobs/users-imports", c.token, ct, body.String()); status != 400 || !strings.Contains(b, "con_nope") {
		t.Errorf("unknown connection: %d %s", status, b)
	}
	ct, body = importForm(t, connID, "false", "")
	if status, b := do(t, "POST", srv.URL+"/api/v2/jobs/users-imports", c.token, ct, body.String()); status != 400 || !strings.Contains(b, "users") {
		t.Errorf("no file: %d %s", status, b)
	}
	ct, body = importForm(t, connID, "false", `[{"email":"y@example.com"}]`)
	if status, _ := do(t, "POST", srv.URL+"/api/v2/jobs/users-imports", srv.Token("read:users"), ct, body.String()); status != 403 {
		t.Errorf("import without create:users: %d", status)
	}
	c.want("GET", "/api/v2/jobs/job_nope", nil, 404, `{"statusCode":404,"error":"Not Found","message":"The job does not exist","errorCode":"inexistent_job"}`)
	c.want("GET", "/api/v2/jobs/job_nope/errors", nil, 404, "")
	if status, _ := do(t, "POST", srv.URL+"/api/v2/jobs/users-imports", c.token, "application/json", `{}`); status != 400 {
		t.Errorf("a JSON body: %d", status)
	}
}
