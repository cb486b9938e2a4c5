package pgstore

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/metapatch/metapatch/mgmttest"
	"github.com/metapatch/metapatch/pgstore/pgtest"
)

// apiServer is an mgmttest server on a store of its own over dsn, as one
// process of several.
type apiServer struct {
	*mgmttest.Server
	token string
}

func newAPIServer(t *testing.T, dsn string) apiServer {
	t.Helper()
	srv := mgmttest.NewServer(mgmttest.WithStore(openDSN(t, dsn)))
	t.Cleanup(srv.Close)
	return apiServer{srv, srv.Token()}
}

// do sends a request with the server's token (or token, if given) and
// returns the status and body.
func (a apiServer) do(t *testing.T, method, path, body string, token ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, a.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	tok := a.token
	if len(token) > 0 {
		tok = token[0]
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestTwoServersNoLostUpdate sends 100 concurrent PATCHes of one user,
// half through each of two servers with their own pools on one database.
func TestTwoServersNoLostUpdate(t *testing.T) {
	dsn := pgtest.DSN(t)
	servers := []apiServer{newAPIServer(t, dsn), newAPIServer(t, dsn)}
	if status, body := servers[0].do(t, "POST", "/api/v2/users", `{"user_id":"auth0|hot","email":"hot@example.com"}`); status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	const n = 100
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			body := fmt.Sprintf(`{"user_metadata":{"k%d":%d}}`, i, i)
			if status, resp := servers[i%2].do(t, "PATCH", "/api/v2/users/auth0%7Chot", body); status != 200 {
				t.Errorf("PATCH %d: %d %s", i, status, resp)
			}
		})
	}
	wg.Wait()
	status, user := servers[1].do(t, "GET", "/api/v2/users/auth0%7Chot", "")
	if status != 200 {
		t.Fatalf("GET: %d %s", status, user)
	}
	for i := range n {
		if !strings.Contains(user, fmt.Sprintf(`"k%d":%d`, i, i)) {
			t.Errorf("PATCH %d was lost: %s", i, user)
		}
	}
}

// TestTwoServersOneCreate sends concurrent creates of one user_id through
// two servers: exactly one 201, every other 409.
func TestTwoServersOneCreate(t *testing.T) {
	dsn := pgtest.DSN(t)
	servers := []apiServer{newAPIServer(t, dsn), newAPIServer(t, dsn)}
	const n = 20
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			status, _ := servers[i%2].do(t, "POST", "/api/v2/users", fmt.Sprintf(`{"user_id":"auth0|same","email":"%d@example.com"}`, i))
			statuses <- status
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if diff := cmp.Diff(map[int]int{201: 1, 409: n - 1}, count); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

// TestRefusedPatchChangesNothing checks that a PATCH the rules refuse
// leaves the stored bytes as they were, and that its neighbour, an
// accepted PATCH through the same token, does change them.
func TestRefusedPatchChangesNothing(t *testing.T) {
	srv := newAPIServer(t, pgtest.DSN(t))
	status, stored := srv.do(t, "POST", "/api/v2/users", `{"user_id":"auth0|1","email":"a@example.com","user_metadata":{"n":1.50}}`)
	if status != 201 {
		t.Fatalf("create: %d %s", status, stored)
	}
	readOnly := srv.Token("read:users")
	for _, c := range []struct {
		name, body string
		token      []string
		status     int
	}{
		{"invalid key", `{"user_metadata":{"a.b":1}}`, nil, 400},
		{"not an object", `{"user_metadata":[1]}`, nil, 400},
		{"insufficient scope", `{"user_metadata":{"a":1}}`, []string{readOnly}, 403},
		{"too large", `{"user_metadata":{"a":"` + strings.Repeat("x", 16<<20) + `"}}`, nil, 413},
	} {
		status, body := srv.do(t, "PATCH", "/api/v2/users/auth0%7C1", c.body, c.token...)
		if status != c.status {
			t.Errorf("%s: got %d %.200s, want %d", c.name, status, body, c.status)
		}
		if _, now := srv.do(t, "GET", "/api/v2/users/auth0%7C1", ""); now != stored {
			t.Errorf("%s: the refused PATCH changed the user:\n%s\nwas\n%s", c.name, now, stored)
		}
	}
	if status, body := srv.do(t, "PATCH", "/api/v2/users/auth0%7C1", `{"user_metadata":{"a":1}}`); status != 200 || !strings.Contains(body, `"user_metadata":{"n":1.50,"a":1}`) {
		t.Errorf("accepted PATCH: %d %s", status, body)
	}
}

// TestSearchOverHTTP sends the same requests to a server on PostgreSQL and
// to one on the memory store, with one clock, and expects the same
// answers: searches, sorts, pages, users-by-email, and injection attempts
// through q, after which the data is intact.
func TestSearchOverHTTP(t *testing.T) {
	clock := mgmttest.WithClock(func() time.Time { return time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC) })
	pg := mgmttest.NewServer(mgmttest.WithStore(openDSN(t, pgtest.DSN(t))), clock)
	defer pg.Close()
	mem := mgmttest.NewServer(clock)
	defer mem.Close()
	servers := []apiServer{{pg, pg.Token()}, {mem, mem.Token()}}
	users := []string{
		`{"user_id":"auth0|1","email":"Ann@Example.com","name":"Ann","connection":"db","user_metadata":{"plan":"gold","n":13}}`,
		`{"user_id":"auth0|2","email":"bob@example.com","name":"bob","connection":"db","user_metadata":{"plan":"silver","n":13.0},"app_metadata":{"roles":["admin"]}}`,
		`{"user_id":"auth0|3","email":"cy@example.com","name":"Cy","connection":"db","user_metadata":{"plan":"Gold","n":"x\u0000y"}}`,
	}
	for _, u := range users {
		for _, s := range servers {
			if status, body := s.do(t, "POST", "/api/v2/users", u); status != 201 {
				t.Fatalf("create: %d %s", status, body)
			}
		}
	}
	requests := []string{
		"/api/v2/users?q=user_metadata.plan:gold",
		"/api/v2/users?q=user_metadata.n:13&sort=name:-1&include_totals=true",
		"/api/v2/users?q=email:ANN@example.com",
		"/api/v2/users?q=ann",
		"/api/v2/users?q=_exists_:app_metadata.roles",
		"/api/v2/users?q=NOT%20user_metadata.plan:silver&per_page=1&page=1&include_totals=true",
		"/api/v2/users?q=name:an*",
		"/api/v2/users?q=user_metadata.plan:(gold%20OR%20Gold)",
		"/api/v2/users?q=user_metadata.n:%22x%00y%22",
		"/api/v2/users?sort=email:1&fields=email",
		"/api/v2/users-by-email?email=ann@example.com",
		"/api/v2/users-by-email?email=Ann@Example.com",
		"/api/v2/users?q=user_metadata.plan:%22%27;%20DROP%20TABLE%20metapatch_documents;%20--%22",
		"/api/v2/users?q=user_metadata.plan:%22%5C%22)%20%7C%7C%20true%20%7C%7C%20(%5C%22%22",
		"/api/v2/users?q=user_metadata.plan:gold*",
		"/api/v2/users",
	}
	// The comparison below is not vacuous: metadata is case-sensitive.
	if _, body := servers[0].do(t, "GET", requests[0], ""); !strings.Contains(body, `"auth0|1"`) || strings.Contains(body, `"auth0|3"`) {
		t.Errorf("GET %s: %s, want auth0|1 only", requests[0], body)
	}
	for _, r := range requests {
		pgStatus, pgBody := servers[0].do(t, "GET", r, "")
		memStatus, memBody := servers[1].do(t, "GET", r, "")
		if pgStatus != memStatus || pgBody != memBody {
			t.Errorf("GET %s:\nPostgreSQL %d %s\nmemory     %d %s", r, pgStatus, pgBody, memStatus, memBody)
		}
	}
}
