package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/metapatch/metapatch/mgmttest"
	"github.com/metapatch/metapatch/query"
)

// benchUser returns user i of the generated population: app_metadata.plan
// takes 1000 values ("p0"…"p999"), one user in 1000 has
// user_metadata.beta, and the email is user<i>@example.com.
func benchUser(i int) string {
	beta := ""
	if i%1000 == 999 {
		beta = `,"beta":true`
	}
	return fmt.Sprintf(`{"user_id":"auth0|%024x","email":"user%d@example.com","name":"User %d",`+
		`"created_at":"2024-01-01T00:00:00.000Z","logins_count":%d,"identities":[{"connection":"Username-Password-Authentication","user_id":"%024x","provider":"auth0","isSocial":false}],`+
		`"user_metadata":{"team":"t%d","theme":"dark","fontSize":13%s},"app_metadata":{"plan":"p%d","roles":["r%d","reader"]}}`,
		i, i, i, i%97, i, i%50, beta, i%1000, i%7)
}

// loadUsers adds users from to to-1 (benchUser) with COPY, search copies
// built as Create builds them, then vacuums (which also moves the GIN
// index's pending entries into the index proper, as autovacuum would) and
// refreshes the planner's statistics.
func loadUsers(tb testing.TB, s *Store, from, to int) {
	tb.Helper()
	ctx := context.Background()
	rows := make([][]any, 0, to-from)
	for i := from; i < to; i++ {
		doc := benchUser(i)
		rows = append(rows, []any{"users", fmt.Sprintf("auth0|%024x", i), []byte(doc), searchCopy([]byte(doc))})
	}
	_, err := s.pool.CopyFrom(ctx, pgx.Identifier{"metapatch_documents"}, []string{"collection", "id", "doc", "search"}, pgx.CopyFromRows(rows))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, "VACUUM ANALYZE metapatch_documents"); err != nil {
		tb.Fatal(err)
	}
}

// explain returns PostgreSQL's plan for the count of a search, as text.
func explain(tb testing.TB, s *Store, q string) string {
	tb.Helper()
	st, err := searchStatements("users", mustParse(tb, q), mgmttest.Page{PerPage: 50})
	if err != nil {
		tb.Fatal(err)
	}
	var plan []string
	for _, sql := range []string{st.countSQL, st.pageSQL} {
		args := st.countArgs
		if sql == st.pageSQL {
			args = st.pageArgs
		}
		rows, err := s.pool.Query(context.Background(), "EXPLAIN "+sql, args...)
		if err != nil {
			tb.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			tb.Fatal(err)
		}
		plan = append(plan, lines...)
	}
	return strings.Join(plan, "\n")
}

// searchAlloc returns the bytes this process allocates for one Search.
func searchAlloc(t *testing.T, s *Store, q *query.Query) uint64 {
	t.Helper()
	ctx := context.Background()
	if _, _, err := s.Search(ctx, "users", q, mgmttest.Page{PerPage: 50}); err != nil { // warm the pool
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const runs = 5
	for range runs {
		docs, total, err := s.Search(ctx, "users", q, mgmttest.Page{PerPage: 50})
		if err != nil || len(docs) != 50 || total < 1000 {
			t.Fatalf("got %d documents of %d, %v", len(docs), total, err)
		}
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / runs
}

// TestAtScale checks, on a table of 20,000 users, that the planner uses
// the GIN index for the queries it can serve and not for one it cannot,
// and that the memory a search allocates does not grow with the number
// of users stored.
func TestAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 20,000 users")
	}
	s, _ := open(t)
	everyone := mustParse(t, "_exists_:app_metadata.plan")
	loadUsers(t, s, 0, 1000)
	small := searchAlloc(t, s, everyone)
	loadUsers(t, s, 1000, 20000)
	large := searchAlloc(t, s, everyone)
	t.Logf("bytes allocated by one search of 50 users: %d with 1,000 users stored, %d with 20,000", small, large)
	if large > 2*small {
		t.Errorf("a search allocates %d bytes with 20,000 users stored, %d with 1,000: memory grows with the table", large, small)
	}

	for _, c := range []struct {
		name, q string
		indexed bool
	}{
		{"metadata equality", "app_metadata.plan:p7", true},
		{"array element", "app_metadata.roles:r3 AND app_metadata.plan:p7", true},
		{"exists", "_exists_:user_metadata.beta", true},
		{"case-insensitive root field", "email:USER42@example.com", true},
		{"bare term", "user42@example.com", true},
		{"not: the index cannot serve it", "NOT app_metadata.plan:p7", false},
		{"prefix: the index cannot serve it", "email:user42*", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			plan := explain(t, s, c.q)
			t.Logf("%s:\n%s", c.q, plan)
			if uses := strings.Contains(plan, "metapatch_documents_search"); uses != c.indexed {
				t.Errorf("uses the index: %v, want %v; plan:\n%s", uses, c.indexed, plan)
			}
		})
	}

	// The results at scale are still the memory store's.
	mem := mgmttest.NewMemoryStore()
	for i := range 20000 {
		if err := mem.Create(context.Background(), "users", fmt.Sprint(i), []byte(benchUser(i))); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{"app_metadata.plan:p7", "_exists_:user_metadata.beta", "email:user42*", "user42@example.com"} {
		parsed := mustParse(t, q)
		want, wantTotal, err := mem.Search(context.Background(), "users", parsed, mgmttest.Page{PerPage: 100, Page: 0})
		if err != nil {
			t.Fatal(err)
		}
		got, total, err := s.Search(context.Background(), "users", parsed, mgmttest.Page{PerPage: 100, Page: 0})
		if err != nil {
			t.Fatal(err)
		}
		if total != wantTotal || !equalDocs(want, got) {
			t.Errorf("%s: %d documents of %d, want %d of %d", q, len(got), total, len(want), wantTotal)
		}
	}
}

func equalDocs(a, b [][]byte) bool {
	x, _ := json.Marshal(strs(a))
	y, _ := json.Marshal(strs(b))
	return string(x) == string(y)
}

func strs(docs [][]byte) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = string(d)
	}
	return out
}
