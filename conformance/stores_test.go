package conformance

import (
	"context"
	"os"
	"testing"

	"github.com/metapatch/metapatch/mgmttest"
	"github.com/metapatch/metapatch/pgstore"
	"github.com/metapatch/metapatch/pgstore/pgtest"
)

// onPostgres says which store the tests run on: every test runs twice,
// first with mgmttest's memory store, then with pgstore on a throwaway
// PostgreSQL server, and must give the same answers on both.
var onPostgres bool

func TestMain(m *testing.M) {
	if code := m.Run(); code != 0 {
		os.Exit(code)
	}
	onPostgres = true
	os.Exit(pgtest.Main(m))
}

// newServer starts mgmttest on the store of this run (a new empty database
// for each test on PostgreSQL); it is closed when t ends.
func newServer(t *testing.T, opts ...mgmttest.Option) *mgmttest.Server {
	t.Helper()
	if onPostgres {
		st, err := pgstore.Open(context.Background(), pgtest.DSN(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		t.Log("store: PostgreSQL")
		opts = append(opts, mgmttest.WithStore(st))
	}
	srv := mgmttest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}
