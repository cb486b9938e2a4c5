package pgstore

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/metapatch/metapatch"
	"github.com/metapatch/metapatch/mgmttest"
	"github.com/metapatch/metapatch/pgstore/pgtest"
)

var benchUsers = flag.Int("pgstore.users", 10000, "how many users BenchmarkSearch stores (BENCHMARKS.md uses 100000)")

// increment is the apply of the PATCH benchmarks: it reads
// user_metadata.n and PATCHes it to n+1 through the library, so the final
// n counts the updates that were not lost.
func increment(doc []byte) ([]byte, error) {
	var u struct {
		UserMetadata struct{ N int } `json:"user_metadata"`
	}
	if err := json.Unmarshal(doc, &u); err != nil {
		return nil, err
	}
	return metapatch.PatchUser(doc, []byte(`{"user_metadata":{"n":`+strconv.Itoa(u.UserMetadata.N+1)+`}}`))
}

// naiveUpdate is the baseline: read, apply, write, with no lock and no
// transaction, as code that treats the table as a key-value store does.
func naiveUpdate(ctx context.Context, s *Store, id string, apply func([]byte) ([]byte, error)) error {
	doc, err := s.Get(ctx, "users", id)
	if err != nil {
		return err
	}
	next, err := apply(doc)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `UPDATE metapatch_documents SET doc = $3, search = $4::text::jsonb WHERE collection = $1 AND id = $2`,
		"users", id, next, searchCopy(next))
	return err
}

// counter returns user_metadata.n of a stored user.
func counter(b *testing.B, s *Store, id string) int {
	doc, err := s.Get(context.Background(), "users", id)
	if err != nil {
		b.Fatal(err)
	}
	var u struct {
		UserMetadata struct{ N int } `json:"user_metadata"`
	}
	if err := json.Unmarshal(doc, &u); err != nil {
		b.Fatal(err)
	}
	return u.UserMetadata.N
}

// BenchmarkPatch measures PATCHes per second through Update (row lock)
// and through the naive read-modify-write baseline, on distinct users and
// on one hot user, with 1, 8 and 32 concurrent writers. On the hot user
// it reports how many of the b.N updates were lost (lost/op).
func BenchmarkPatch(b *testing.B) {
	dsn := pgtest.DSN(b) + " pool_max_conns=40"
	s := openDSN(b, dsn)
	const users = 1000
	for i := range users {
		mustCreate(b, s, "users", fmt.Sprint(i), benchUser(i))
	}
	ctx := context.Background()
	var runs atomic.Int64
	methods := []struct {
		name   string
		update func(id string) error
	}{
		{"store", func(id string) error { _, err := s.Update(ctx, "users", id, increment); return err }},
		{"naive", func(id string) error { return naiveUpdate(ctx, s, id, increment) }},
	}
	for _, target := range []string{"distinct", "hot"} {
		for _, m := range methods {
			for _, writers := range []int{1, 8, 32} {
				b.Run(fmt.Sprintf("%s/%s/writers=%d", target, m.name, writers), func(b *testing.B) {
					hot := fmt.Sprint("hot-", runs.Add(1)) // a new user per run: its n starts at 0
					mustCreate(b, s, "users", hot, benchUser(0))
					var next atomic.Int64
					var failed atomic.Value
					var wg sync.WaitGroup
					b.ReportAllocs()
					b.ResetTimer()
					for range writers {
						wg.Go(func() {
							for {
								i := next.Add(1) - 1
								if i >= int64(b.N) {
									return
								}
								id := hot
								if target == "distinct" {
									id = fmt.Sprint(i % users)
								}
								if err := m.update(id); err != nil {
									failed.Store(err)
									return
								}
							}
						})
					}
					wg.Wait()
					b.StopTimer()
					if err, ok := failed.Load().(error); ok && err != nil {
						b.Fatal(err)
					}
					if target == "hot" {
						lost := b.N - counter(b, s, hot)
						b.ReportMetric(float64(lost), "lost")
						if m.name == "store" && lost != 0 {
							b.Errorf("the store lost %d of %d updates", lost, b.N)
						}
					}
				})
			}
		}
	}
}

// BenchmarkSearch measures a search (one page of 50 and the total) on
// -pgstore.users users: an indexed metadata equality, _exists_, and a
// prefix the index cannot serve; B/op shows the memory the process
// allocates per search, the same whatever the number of users.
func BenchmarkSearch(b *testing.B) {
	// With sub-benchmarks, this function runs once: the users are loaded
	// once.
	searchStore, _ := open(b)
	for from := 0; from < *benchUsers; from += 10000 {
		loadUsers(b, searchStore, from, min(from+10000, *benchUsers))
	}
	for _, c := range []struct{ name, q string }{
		{"equality", "app_metadata.plan:p7"},
		{"exists", "_exists_:user_metadata.beta"},
		{"unindexed-prefix", "email:user4200*"},
		{"every-user", "_exists_:app_metadata.plan"}, // a full page of 50 at any size: compare B/op
	} {
		q := mustParse(b, c.q)
		b.Run(fmt.Sprintf("%s/users=%d", c.name, *benchUsers), func(b *testing.B) {
			b.ReportAllocs()
			var total int
			for b.Loop() {
				var err error
				if _, total, err = searchStore.Search(context.Background(), "users", q, mgmttest.Page{PerPage: 50}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(total), "matches")
		})
	}
}
