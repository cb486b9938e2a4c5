package mgmttest_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/metapatch/metapatch/mgmttest"
)

// TestStalledClientBlocksNoOne holds a PATCH open with half its body sent
// while 100 other requests, PATCHes of the same user among them, complete.
// Then the stalled PATCH finishes and loses nothing either.
func TestStalledClientBlocksNoOne(t *testing.T) {
	srv, c := newClient(t, mgmttest.WithUsers([]byte(`{"user_id":"auth0|1","user_metadata":{}}`)))
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"user_metadata":{"stalled":true}}`
	fmt.Fprintf(conn, "PATCH /api/v2/users/auth0%%7C1 HTTP/1.1\r\nHost: mgmttest\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", c.token, len(body), body[:len(body)/2])
	time.Sleep(100 * time.Millisecond) // let the server start the handler

	hc := &http.Client{Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	var failed atomic.Int32
	work := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range work {
				if failed.Load() > 0 {
					continue // one blocked request is the answer: drain the rest
				}
				method, path, b := "GET", "/api/v2/users/auth0%7C1", ""
				switch i % 4 {
				case 0:
					method, b = "PATCH", fmt.Sprintf(`{"user_metadata":{"k%d":%d}}`, i, i)
				case 1:
					method, path, b = "POST", "/api/v2/organizations", fmt.Sprintf(`{"name":"o%d"}`, i)
				case 2:
					path = "/api/v2/users?include_totals=true"
				}
				req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(b))
				req.Header.Set("Authorization", "Bearer "+c.token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := hc.Do(req)
				if err != nil {
					t.Errorf("%s %s: %v", method, path, err)
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode >= 300 {
					t.Errorf("%s %s: status %d", method, path, resp.StatusCode)
					failed.Add(1)
				}
			}
		})
	}
	for i := range 100 {
		work <- i
	}
	close(work)
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d requests failed while a client stalled", failed.Load())
	}

	// The stalled client finishes its body: its PATCH applies on top.
	if _, err := io.WriteString(conn, body[len(body)/2:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(got), `"stalled":true`) || !strings.Contains(string(got), `"k96":96`) {
		t.Errorf("the stalled PATCH: %d %s", resp.StatusCode, got)
	}
}
