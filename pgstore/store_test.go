package pgstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/metapatch/metapatch"
	"github.com/metapatch/metapatch/mgmttest"
	"github.com/metapatch/metapatch/pgstore/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// open opens a store on a new database and returns it with its DSN.
func open(t testing.TB) (*Store, string) {
	t.Helper()
	dsn := pgtest.DSN(t)
	return openDSN(t, dsn), dsn
}

func openDSN(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func mustCreate(t testing.TB, s *Store, collection, id, doc string) {
	t.Helper()
	if err := s.Create(context.Background(), collection, id, []byte(doc)); err != nil {
		t.Fatalf("Create(%s, %s): %v", collection, id, err)
	}
}

func mustGet(t testing.TB, s *Store, collection, id string) string {
	t.Helper()
	doc, err := s.Get(context.Background(), collection, id)
	if err != nil {
		t.Fatalf("Get(%s, %s): %v", collection, id, err)
	}
	return string(doc)
}

// exactDocs are documents whose bytes jsonb would rewrite.
var exactDocs = []struct{ name, doc string }{
	{"big integer", `{"user_id":"u1","n":12345678901234567891}`},
	{"trailing zero", `{"user_id":"u2","n":1.50}`},
	{"huge exponent", `{"user_id":"u3","n":1e400}`},
	{"escaped e acute", `{"user_id":"u4","s":"\u00e9"}`},
	{"member order", `{"user_id":"u5","z":1,"a":2,"m":{"y":1,"b":2}}`},
	{"NUL in a value", `{"user_id":"u6","s":"a\u0000b"}`},
	{"lone surrogate", `{"user_id":"u7","s":"\ud800"}`},
	{"NUL in a name", `{"user_id":"u8","a\u0000":1}`},
	{"white space", "{ \"user_id\" : \"u9\" ,\n\t\"a\" : [ 1 , 2 ] }"},
	{"duplicate names", `{"user_id":"u10","a":1,"a":2}`},
	{"huge number", `{"user_id":"u11","n":1e200000,"m":-0.0}`},
	{"not an object", `[1,2]`},
}

func TestExactBytes(t *testing.T) {
	s, dsn := open(t)
	other := openDSN(t, dsn) // another pool: another connection reads
	ctx := context.Background()
	for i, c := range exactDocs {
		id := fmt.Sprint("u", i)
		mustCreate(t, s, "users", id, c.doc)
		if diff := cmp.Diff(c.doc, mustGet(t, other, "users", id)); diff != "" {
			t.Errorf("%s: after Create (-want +got):\n%s", c.name, diff)
		}
		// An Update that returns new bytes stores them as they are too.
		got, err := other.Update(ctx, "users", id, func(doc []byte) ([]byte, error) {
			return []byte(strings.TrimSuffix(c.doc, "}") + `,"x":1.0}`), nil
		})
		if err != nil {
			t.Fatalf("%s: Update: %v", c.name, err)
		}
		want := strings.TrimSuffix(c.doc, "}") + `,"x":1.0}`
		if diff := cmp.Diff(want, string(got)); diff != "" {
			t.Errorf("%s: Update's result (-want +got):\n%s", c.name, diff)
		}
		if diff := cmp.Diff(want, mustGet(t, s, "users", id)); diff != "" {
			t.Errorf("%s: after Update (-want +got):\n%s", c.name, diff)
		}
	}
	// The neighbour case: jsonb itself does not keep these bytes, so the
	// test above would fail on a store that kept only jsonb.
	var rewritten string
	if err := s.pool.QueryRow(ctx, `SELECT $1::text::jsonb::text`, `{"z":1,"a":1.50e0}`).Scan(&rewritten); err != nil {
		t.Fatal(err)
	}
	if rewritten == `{"z":1,"a":1.50e0}` {
		t.Errorf("jsonb kept the bytes: %s", rewritten)
	}
}

func TestCreate(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	mustCreate(t, s, "users", "auth0|1", `{"a":1}`)
	if err := s.Create(ctx, "users", "auth0|1", []byte(`{"a":2}`)); !errors.Is(err, mgmttest.ErrExists) {
		t.Errorf("second Create: got %v, want ErrExists", err)
	}
	if diff := cmp.Diff(`{"a":1}`, mustGet(t, s, "users", "auth0|1")); diff != "" {
		t.Errorf("a refused Create wrote (-want +got):\n%s", diff)
	}
	// The same id in another collection is another document.
	mustCreate(t, s, "clients", "auth0|1", `{"b":1}`)
	if diff := cmp.Diff(`{"b":1}`, mustGet(t, s, "clients", "auth0|1")); diff != "" {
		t.Errorf("clients (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(`{"a":1}`, mustGet(t, s, "users", "auth0|1")); diff != "" {
		t.Errorf("users after clients (-want +got):\n%s", diff)
	}
}

func TestInvalidIDs(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	for _, id := range []string{"a\x00b", "\xff"} {
		if err := s.Create(ctx, "users", id, []byte(`{}`)); err == nil || errors.Is(err, mgmttest.ErrExists) {
			t.Errorf("Create(%q): got %v, want an error saying the id cannot be stored", id, err)
		}
		if _, err := s.Get(ctx, "users", id); !errors.Is(err, mgmttest.ErrNotFound) {
			t.Errorf("Get(%q): got %v, want ErrNotFound", id, err)
		}
		if _, err := s.Update(ctx, "users", id, func(b []byte) ([]byte, error) { return b, nil }); !errors.Is(err, mgmttest.ErrNotFound) {
			t.Errorf("Update(%q): got %v, want ErrNotFound", id, err)
		}
		if err := s.Delete(ctx, "users", id); !errors.Is(err, mgmttest.ErrNotFound) {
			t.Errorf("Delete(%q): got %v, want ErrNotFound", id, err)
		}
	}
	// Its neighbour: any other UTF-8 is an id.
	mustCreate(t, s, "users", "é|💡 x", `{}`)
	if diff := cmp.Diff(`{}`, mustGet(t, s, "users", "é|💡 x")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestGetAndDelete(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	if _, err := s.Get(ctx, "users", "nobody"); !errors.Is(err, mgmttest.ErrNotFound) {
		t.Errorf("Get of a missing id: got %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "users", "nobody"); !errors.Is(err, mgmttest.ErrNotFound) {
		t.Errorf("Delete of a missing id: got %v, want ErrNotFound", err)
	}
	mustCreate(t, s, "users", "a", `{"a":1}`)
	mustCreate(t, s, "users", "b", `{"b":1}`)
	if err := s.Delete(ctx, "users", "a"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Get(ctx, "users", "a"); !errors.Is(err, mgmttest.ErrNotFound) {
		t.Errorf("Get after Delete: got %v, want ErrNotFound", err)
	}
	if diff := cmp.Diff(`{"b":1}`, mustGet(t, s, "users", "b")); diff != "" {
		t.Errorf("Delete touched another document (-want +got):\n%s", diff)
	}
	// A deleted id can be created again.
	mustCreate(t, s, "users", "a", `{"a":2}`)
	if diff := cmp.Diff(`{"a":2}`, mustGet(t, s, "users", "a")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestUpdate(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	mustCreate(t, s, "users", "u", `{"user_metadata":{"a":1}}`)

	// A refused PATCH: the library's error comes back as it was, and
	// nothing changes.
	var calls int
	_, err := s.Update(ctx, "users", "u", func(doc []byte) ([]byte, error) {
		calls++
		return metapatch.PatchUser(doc, []byte(`{"user_metadata":{"a.b":1}}`))
	})
	var e *metapatch.Error
	if !errors.As(err, &e) || e.StatusCode != 400 || !errors.Is(err, metapatch.ErrInvalidKey) {
		t.Errorf("refused PATCH: got %v, want the library's ErrInvalidKey", err)
	}
	if calls != 1 {
		t.Errorf("apply called %d times, want 1", calls)
	}
	if diff := cmp.Diff(`{"user_metadata":{"a":1}}`, mustGet(t, s, "users", "u")); diff != "" {
		t.Errorf("a refused PATCH wrote (-want +got):\n%s", diff)
	}
	// Any error, not only the library's, passes through unchanged.
	sentinel := errors.New("no")
	if _, err := s.Update(ctx, "users", "u", func([]byte) ([]byte, error) { return nil, sentinel }); err != sentinel {
		t.Errorf("got %v, want apply's error itself", err)
	}

	// Its neighbour: an accepted PATCH is stored and returned.
	got, err := s.Update(ctx, "users", "u", func(doc []byte) ([]byte, error) {
		return metapatch.PatchUser(doc, []byte(`{"user_metadata":{"b":2}}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"user_metadata":{"a":1,"b":2}}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("Update's result (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, mustGet(t, s, "users", "u")); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}

	// A missing document: ErrNotFound, apply not called.
	calls = 0
	if _, err := s.Update(ctx, "users", "nobody", func(doc []byte) ([]byte, error) { calls++; return doc, nil }); !errors.Is(err, mgmttest.ErrNotFound) {
		t.Errorf("Update of a missing id: got %v, want ErrNotFound", err)
	}
	if calls != 0 {
		t.Errorf("apply called %d times for a missing document", calls)
	}
}

// addKey returns an apply that adds member key to user_metadata through the
// library.
func addKey(key string) func([]byte) ([]byte, error) {
	return func(doc []byte) ([]byte, error) {
		return metapatch.PatchUser(doc, []byte(fmt.Sprintf(`{"user_metadata":{%q:1}}`, key)))
	}
}

func TestConcurrentUpdates(t *testing.T) {
	_, dsn := open(t)
	stores := []*Store{openDSN(t, dsn), openDSN(t, dsn)} // two pools, as two processes
	mustCreate(t, stores[0], "users", "hot", `{"user_metadata":{}}`)
	const n = 100
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := stores[i%2].Update(context.Background(), "users", "hot", addKey(fmt.Sprint("k", i)))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	doc := mustGet(t, stores[1], "users", "hot")
	for i := range n {
		if !strings.Contains(doc, fmt.Sprintf(`"k%d":1`, i)) {
			t.Errorf("update k%d was lost: %s", i, doc)
		}
	}
}

func TestConcurrentCreates(t *testing.T) {
	_, dsn := open(t)
	stores := []*Store{openDSN(t, dsn), openDSN(t, dsn)}
	const n = 20
	var wg sync.WaitGroup
	results := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			results <- stores[i%2].Create(context.Background(), "users", "same", []byte(fmt.Sprintf(`{"n":%d}`, i)))
		})
	}
	wg.Wait()
	close(results)
	var created, exists int
	for err := range results {
		switch {
		case err == nil:
			created++
		case errors.Is(err, mgmttest.ErrExists):
			exists++
		default:
			t.Error(err)
		}
	}
	if created != 1 || exists != n-1 {
		t.Errorf("got %d created and %d ErrExists, want 1 and %d", created, exists, n-1)
	}
}

// blockedUpdate starts an Update whose apply signals started and then
// waits for release before returning a changed document. It returns the
// channel the Update's error arrives on.
func blockedUpdate(s *Store, id string, started, release chan struct{}) chan error {
	done := make(chan error, 1)
	go func() {
		_, err := s.Update(context.Background(), "users", id, func(doc []byte) ([]byte, error) {
			close(started)
			<-release
			return []byte(`{"changed":true}`), nil
		})
		done <- err
	}()
	return done
}

func TestKilledConnection(t *testing.T) {
	s, dsn := open(t)
	const doc = `{"user_metadata":{"a":1}}`
	mustCreate(t, s, "users", "u", doc)
	started, release := make(chan struct{}), make(chan struct{})
	done := blockedUpdate(s, "u", started, release)
	<-started

	// The Update's connection holds the row lock, idle in its transaction.
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var killed int
	err = admin.QueryRow(ctx, `SELECT count(*) FROM (
		SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = current_setting('application_name')
		AND state = 'idle in transaction' AND pid <> pg_backend_pid()) t`).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminated %d backends (%v), want 1", killed, err)
	}
	close(release)
	if err := <-done; err == nil {
		t.Fatal("Update succeeded on a killed connection")
	}
	if diff := cmp.Diff(doc, mustGet(t, s, "users", "u")); diff != "" {
		t.Errorf("a killed Update wrote (-want +got):\n%s", diff)
	}
	recovers(t, s)
}

func TestCancelledUpdate(t *testing.T) {
	s, _ := open(t)
	const doc = `{"a":1}`
	mustCreate(t, s, "users", "u", doc)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := s.Update(ctx, "users", "u", func([]byte) ([]byte, error) {
		cancel()
		return []byte(`{"changed":true}`), nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if diff := cmp.Diff(doc, mustGet(t, s, "users", "u")); diff != "" {
		t.Errorf("a cancelled Update wrote (-want +got):\n%s", diff)
	}
}

// TestServerRestart restarts the database server, abruptly, while an
// Update holds its transaction open. It does not run in parallel with the
// other tests (none calls t.Parallel).
func TestServerRestart(t *testing.T) {
	s, _ := open(t)
	srv := pgtest.Current(t)
	const doc = `{"user_metadata":{"a":1}}`
	mustCreate(t, s, "users", "u", doc)
	started, release := make(chan struct{}), make(chan struct{})
	done := blockedUpdate(s, "u", started, release)
	<-started
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-done; err == nil {
		t.Fatal("Update succeeded across a server restart")
	}
	// The pool drops dead connections; the first use after a restart may
	// still meet one.
	ctx := context.Background()
	var got []byte
	var err error
	for range 5 {
		if got, err = s.Get(ctx, "users", "u"); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(doc, string(got)); diff != "" {
		t.Errorf("an interrupted Update wrote (-want +got):\n%s", diff)
	}
	recovers(t, s)
}

// recovers is the neighbour case of a failed Update of user u, whose
// document is {"user_metadata":{"a":1}}: the store recovers, and the next
// Update is stored.
func recovers(t *testing.T, s *Store) {
	t.Helper()
	if _, err := s.Update(context.Background(), "users", "u", addKey("b")); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"user_metadata":{"a":1,"b":1}}`, mustGet(t, s, "users", "u")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPersistence(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range exactDocs {
		if err := s.Create(ctx, "users", fmt.Sprint(i), []byte(c.doc)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	// Opening again finds the table (set-up is idempotent) and the documents.
	s2 := openDSN(t, dsn)
	for i, c := range exactDocs {
		if diff := cmp.Diff(c.doc, mustGet(t, s2, "users", fmt.Sprint(i))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
	if _, err := s2.Get(ctx, "users", fmt.Sprint(len(exactDocs))); !errors.Is(err, mgmttest.ErrNotFound) {
		t.Errorf("a document never stored: got %v, want ErrNotFound", err)
	}
}

func TestConcurrentOpen(t *testing.T) {
	dsn := pgtest.DSN(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			s, err := Open(context.Background(), dsn)
			if err == nil {
				s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, "postgres://%zz"); err == nil || !strings.HasPrefix(err.Error(), "pgstore: ") {
		t.Errorf("a bad DSN: got %v, want a pgstore error", err)
	}
	// A database that is not UTF8 is refused with a message saying so;
	// its neighbour, UTF8, was opened by every other test.
	dsn := pgtest.DSN(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	name := conn.Config().RuntimeParams["search_path"] + "_ascii"
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()+` ENCODING 'SQL_ASCII' TEMPLATE template0`); err != nil {
		t.Fatal(err)
	}
	asciiDSN := strings.Replace(dsn, "dbname="+conn.Config().Database, "dbname="+name, 1)
	if asciiDSN == dsn {
		t.Fatalf("no dbname in %s", dsn)
	}
	_, err = Open(ctx, asciiDSN)
	if err == nil || !strings.Contains(err.Error(), "needs UTF8") {
		t.Errorf("a SQL_ASCII database: got %v, want an error saying the store needs UTF8", err)
	}
}
