// Package storetest checks that an mgmttest.Store keeps the contract the
// Management API server relies on, so that a store backed by a database
// can be tested with the same cases as the memory store:
//
//	func TestPostgresStore(t *testing.T) {
//		storetest.TestStore(t, func(t *testing.T) mgmttest.Store {
//			return openThrowawayStore(t) // empty, cleaned up by t
//		})
//	}
//
// TestStore checks:
//
//   - Exact bytes: a document reads back byte for byte as it was given
//     (member order, white space, number spelling such as
//     12345678901234567891, 1.50 and 1e400, escapes such as "\u00e9",
//     and strings a database's JSON type cannot hold: "\ud800", "\u0000"),
//     from Get, Update and Search.
//   - Create: ErrExists when the id exists (nothing written); ids are
//     per collection; ids are compared exactly (a prefix, another case,
//     escaped characters are other ids).
//   - Get, Update, Delete of an unknown id: ErrNotFound (apply is not
//     called); a deleted id is gone and can be created again, at the end
//     of creation order.
//   - Update: apply gets the current bytes; its result is stored and
//     returned; an error from apply is returned unchanged (the same
//     value) and changes nothing; 100 concurrent Updates of one document
//     lose nothing.
//   - Search: creation order without a sort; a sort orders as
//     query.Sort.Compare does, ties in creation order; the query matches
//     what query.Query.Match matches, for trees from query.Parse and for
//     trees built as the server builds them (a Term's Fold decides the
//     case rule, not its field); Page and PerPage select the page and
//     total counts every match, also past the last page.
//
// newStore must return an empty store; TestStore calls it once per
// subtest. TestServer runs the Management API on such a store.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/metapatch/metapatch"
	"github.com/metapatch/metapatch/mgmttest"
	"github.com/metapatch/metapatch/query"
)

// TestStore runs the contract's checks as subtests of t, each on a new
// store from newStore.
func TestStore(t *testing.T, newStore func(t *testing.T) mgmttest.Store) {
	for _, c := range []struct {
		name string
		test func(*testing.T, mgmttest.Store)
	}{
		{"ExactBytes", testExactBytes},
		{"CreateExists", testCreateExists},
		{"NotFound", testNotFound},
		{"DeleteAndCreateAgain", testDeleteAndCreateAgain},
		{"Update", testUpdate},
		{"FailedUpdateChangesNothing", testFailedUpdate},
		{"ConcurrentUpdatesLoseNothing", testConcurrentUpdates},
		{"SearchOrderAndPaging", testSearchOrderAndPaging},
		{"SearchQueries", testSearchQueries},
		{"SearchSort", testSearchSort},
		{"SearchBuiltTerms", testSearchBuiltTerms},
	} {
		t.Run(c.name, func(t *testing.T) { c.test(t, newStore(t)) })
	}
}

var ctx = context.Background()

// exactDocs are documents whose bytes a JSON-decoding store would change.
var exactDocs = []string{
	`{"user_id":"auth0|1","z":1,"a":2,"m":{"b":1,"a":2}}`,
	`{"user_id":"auth0|2","big":12345678901234567891,"price":1.50,"huge":1e400,"neg":-0.0,"exp":1E+2}`,
	`{"user_id":"auth0|3","name":"\u00e9t\u00E9","tab":"a\tb","slash":"\/","uni":"é😀"}`,
	`{"user_id":"auth0|4","lone":"\ud800","nul":"a\u0000b","user_metadata":{"x":"\udfff"}}`,
	`{ "user_id" : "auth0|5" ,` + "\n\t" + `"spaced" : [ 1 , 2 ] }`,
	`{"user_id":"auth0|6","dup":1,"dup":2}`,
}

func create(t *testing.T, st mgmttest.Store, collection, id, doc string) {
	t.Helper()
	if err := st.Create(ctx, collection, id, []byte(doc)); err != nil {
		t.Fatalf("Create(%s, %q): %v", collection, id, err)
	}
}

func get(t *testing.T, st mgmttest.Store, collection, id string) string {
	t.Helper()
	b, err := st.Get(ctx, collection, id)
	if err != nil {
		t.Fatalf("Get(%s, %q): %v", collection, id, err)
	}
	return string(b)
}

func all(t *testing.T, st mgmttest.Store, collection string) []string {
	t.Helper()
	docs, total, err := st.Search(ctx, collection, nil, mgmttest.Page{PerPage: 100})
	if err != nil {
		t.Fatalf("Search(%s): %v", collection, err)
	}
	if total != len(docs) {
		t.Errorf("Search(%s): total %d for %d documents", collection, total, len(docs))
	}
	return strs(docs)
}

func strs(docs [][]byte) []string {
	out := []string{}
	for _, d := range docs {
		out = append(out, string(d))
	}
	return out
}

func testExactBytes(t *testing.T, st mgmttest.Store) {
	for i, doc := range exactDocs {
		create(t, st, "users", fmt.Sprintf("auth0|%d", i+1), doc)
	}
	for i, doc := range exactDocs {
		if got := get(t, st, "users", fmt.Sprintf("auth0|%d", i+1)); got != doc {
			t.Errorf("Get changed the bytes (-want +got):\n%s", cmp.Diff(doc, got))
		}
	}
	if diff := cmp.Diff(exactDocs, all(t, st, "users")); diff != "" {
		t.Errorf("Search changed the bytes (-want +got):\n%s", diff)
	}
	// Update stores apply's bytes exactly and passes the stored bytes.
	for i, doc := range exactDocs {
		id := fmt.Sprintf("auth0|%d", i+1)
		next := exactDocs[(i+1)%len(exactDocs)]
		got, err := st.Update(ctx, "users", id, func(cur []byte) ([]byte, error) {
			if string(cur) != doc {
				return nil, fmt.Errorf("apply got %s, want %s", cur, doc)
			}
			return []byte(next), nil
		})
		if err != nil {
			t.Fatalf("Update(%q): %v", id, err)
		}
		if string(got) != next {
			t.Errorf("Update returned (-want +got):\n%s", cmp.Diff(next, string(got)))
		}
		if got := get(t, st, "users", id); got != next {
			t.Errorf("Get after Update (-want +got):\n%s", cmp.Diff(next, got))
		}
	}
}

func testCreateExists(t *testing.T, st mgmttest.Store) {
	create(t, st, "users", "auth0|1", `{"user_id":"auth0|1","v":1}`)
	if err := st.Create(ctx, "users", "auth0|1", []byte(`{"user_id":"auth0|1","v":2}`)); !errors.Is(err, mgmttest.ErrExists) {
		t.Errorf("Create of an existing id: %v, want ErrExists", err)
	}
	if got := get(t, st, "users", "auth0|1"); got != `{"user_id":"auth0|1","v":1}` {
		t.Errorf("a refused Create wrote: %s", got)
	}
	// The neighbours: the same id in another collection, and ids that
	// differ only by case, a prefix or an escape, are other documents.
	create(t, st, "clients", "auth0|1", `{"client_id":"auth0|1"}`)
	for _, id := range []string{"AUTH0|1", "auth0|", "auth0%7C1", "auth0|1 ", "auth0|1/x"} {
		create(t, st, "users", id, `{"user_id":"`+id+`"}`)
	}
	if got := get(t, st, "clients", "auth0|1"); got != `{"client_id":"auth0|1"}` {
		t.Errorf("clients: %s", got)
	}
	want := []string{`{"user_id":"auth0|1","v":1}`, `{"user_id":"AUTH0|1"}`, `{"user_id":"auth0|"}`,
		`{"user_id":"auth0%7C1"}`, `{"user_id":"auth0|1 "}`, `{"user_id":"auth0|1/x"}`}
	if diff := cmp.Diff(want, all(t, st, "users")); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
}

func testNotFound(t *testing.T, st mgmttest.Store) {
	create(t, st, "users", "auth0|1", `{"user_id":"auth0|1"}`)
	for _, c := range []struct{ collection, id string }{
		{"users", "auth0|2"}, {"users", "auth0|"}, {"users", "AUTH0|1"}, {"clients", "auth0|1"}, {"never-used", "x"},
	} {
		if _, err := st.Get(ctx, c.collection, c.id); !errors.Is(err, mgmttest.ErrNotFound) {
			t.Errorf("Get(%s, %q): %v, want ErrNotFound", c.collection, c.id, err)
		}
		called := false
		if _, err := st.Update(ctx, c.collection, c.id, func(b []byte) ([]byte, error) { called = true; return b, nil }); !errors.Is(err, mgmttest.ErrNotFound) || called {
			t.Errorf("Update(%s, %q): %v (apply called: %v), want ErrNotFound without apply", c.collection, c.id, err, called)
		}
		if err := st.Delete(ctx, c.collection, c.id); !errors.Is(err, mgmttest.ErrNotFound) {
			t.Errorf("Delete(%s, %q): %v, want ErrNotFound", c.collection, c.id, err)
		}
	}
	docs, total, err := st.Search(ctx, "never-used", nil, mgmttest.Page{PerPage: 10})
	if err != nil || total != 0 || len(docs) != 0 {
		t.Errorf("Search of an empty collection: %q %d %v", docs, total, err)
	}
	// The neighbour: the document itself is there.
	if got := get(t, st, "users", "auth0|1"); got != `{"user_id":"auth0|1"}` {
		t.Errorf("Get: %s", got)
	}
}

func testDeleteAndCreateAgain(t *testing.T, st mgmttest.Store) {
	for _, id := range []string{"a", "b", "c"} {
		create(t, st, "organizations", id, `{"id":"`+id+`"}`)
	}
	if err := st.Delete(ctx, "organizations", "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(ctx, "organizations", "a"); !errors.Is(err, mgmttest.ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	if err := st.Delete(ctx, "organizations", "a"); !errors.Is(err, mgmttest.ErrNotFound) {
		t.Errorf("second Delete: %v", err)
	}
	create(t, st, "organizations", "a", `{"id":"a","again":true}`)
	want := []string{`{"id":"b"}`, `{"id":"c"}`, `{"id":"a","again":true}`}
	if diff := cmp.Diff(want, all(t, st, "organizations")); diff != "" {
		t.Errorf("creation order after delete and create (-want +got):\n%s", diff)
	}
}

func testUpdate(t *testing.T, st mgmttest.Store) {
	stored := `{"user_id":"auth0|1","user_metadata":{"a":1}}`
	create(t, st, "users", "auth0|1", stored)
	create(t, st, "users", "auth0|2", `{"user_id":"auth0|2"}`)
	var want []byte
	got, err := st.Update(ctx, "users", "auth0|1", func(cur []byte) ([]byte, error) {
		b, err := metapatch.PatchUser(cur, []byte(`{"user_metadata":{"b":2}}`))
		want = b
		return b, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != `{"user_id":"auth0|1","user_metadata":{"a":1,"b":2}}` || !bytes.Equal(got, want) {
		t.Errorf("Update returned %s, apply made %s", got, want)
	}
	if g := get(t, st, "users", "auth0|1"); g != string(want) {
		t.Errorf("stored %s, want %s", g, want)
	}
	// The neighbour: the other document is untouched, and Update keeps
	// the creation order.
	if diff := cmp.Diff([]string{string(want), `{"user_id":"auth0|2"}`}, all(t, st, "users")); diff != "" {
		t.Errorf("order after Update (-want +got):\n%s", diff)
	}
}

func testFailedUpdate(t *testing.T, st mgmttest.Store) {
	stored := `{"user_id":"auth0|1","user_metadata":{"a":1}}`
	create(t, st, "users", "auth0|1", stored)
	// The library's own error passes through as the same value.
	var libErr error
	_, err := st.Update(ctx, "users", "auth0|1", func(cur []byte) ([]byte, error) {
		b, err := metapatch.PatchUser(cur, []byte(`{"user_metadata":{"a.b":1}}`))
		libErr = err
		return b, err
	})
	var e *metapatch.Error
	if libErr == nil || err != libErr || !errors.As(err, &e) || e.StatusCode != 400 || !errors.Is(err, metapatch.ErrInvalidKey) {
		t.Errorf("Update returned %v (%T), want the library's error %v unchanged", err, err, libErr)
	}
	sentinel := errors.New("apply failed")
	if _, err := st.Update(ctx, "users", "auth0|1", func([]byte) ([]byte, error) {
		return []byte(`{"user_id":"auth0|1","written":true}`), sentinel
	}); err != sentinel {
		t.Errorf("Update returned %v, want the sentinel unchanged", err)
	}
	if got := get(t, st, "users", "auth0|1"); got != stored {
		t.Errorf("a failed Update changed the document to %s", got)
	}
}

func testConcurrentUpdates(t *testing.T, st mgmttest.Store) {
	create(t, st, "users", "auth0|1", `{"user_id":"auth0|1","user_metadata":{}}`)
	const n = 100
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			body := fmt.Appendf(nil, `{"user_metadata":{"k%03d":%d}}`, i, i)
			_, err := st.Update(ctx, "users", "auth0|1", func(cur []byte) ([]byte, error) {
				return metapatch.PatchUser(cur, body)
			})
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Update: %v", err)
	}
	got := get(t, st, "users", "auth0|1")
	for i := range n {
		if !bytes.Contains([]byte(got), fmt.Appendf(nil, `"k%03d":%d`, i, i)) {
			t.Errorf("update %d was lost: %s", i, got)
		}
	}
}

func testSearchOrderAndPaging(t *testing.T, st mgmttest.Store) {
	var want []string
	for i := range 7 {
		id := fmt.Sprintf("auth0|%d", 7-i) // ids against creation order: creation order is not id order
		doc := fmt.Sprintf(`{"user_id":%q,"n":%d}`, id, i)
		create(t, st, "users", id, doc)
		want = append(want, doc)
	}
	create(t, st, "clients", "c", `{"client_id":"c"}`)
	for _, c := range []struct{ page, perPage, from, to int }{
		{0, 3, 0, 3}, {1, 3, 3, 6}, {2, 3, 6, 7}, {3, 3, 7, 7}, {0, 7, 0, 7}, {0, 100, 0, 7}, {6, 1, 6, 7}, {1000, 100, 7, 7},
	} {
		docs, total, err := st.Search(ctx, "users", nil, mgmttest.Page{Page: c.page, PerPage: c.perPage})
		if err != nil {
			t.Fatal(err)
		}
		if total != 7 {
			t.Errorf("page %d of %d: total %d, want 7", c.page, c.perPage, total)
		}
		if diff := cmp.Diff(want[c.from:c.to], strs(docs)); diff != "" {
			t.Errorf("page %d of %d (-want +got):\n%s", c.page, c.perPage, diff)
		}
	}
}

// searchDocs are users for the query and sort checks, in creation order.
var searchDocs = []string{
	`{"user_id":"auth0|b","email":"Ann@Example.com","name":"Ann","logins_count":3,"created_at":"2026-01-02T00:00:00.000Z","user_metadata":{"color":"red","size":13,"tags":["a","b"]},"app_metadata":{"plan":"full"}}`,
	`{"user_id":"auth0|a","email":"bob@example.com","name":"bob","logins_count":10,"created_at":"2026-01-01T00:00:00.000Z","user_metadata":{"color":"Red","size":13.0},"app_metadata":{"plan":"free","beta":true}}`,
	`{"user_id":"auth0|c","email":"carl@example.com","name":"Carl","created_at":"2026-01-03T00:00:00.000Z","user_metadata":{"addresses":[{"city":"Paris"},{"city":"Rome"}],"color":null}}`,
	`{"user_id":"auth0|d","email":"dee@example.com","name":"ann","logins_count":3,"user_metadata":{"color":"blue","empty":{},"none":[]},"blocked":true}`,
	`{"user_id":"auth0|e","email":"eve@example.com","logins_count":"7","user_metadata":{"size":"13"}}`,
}

func testSearchQueries(t *testing.T, st mgmttest.Store) {
	for _, d := range searchDocs {
		create(t, st, "users", string(mustField(t, d)), d)
	}
	for _, c := range []struct {
		q    string
		want []int // indexes into searchDocs, for the hard-coded cases
	}{
		{"user_metadata.color:red", []int{0}},
		{"user_metadata.size:13", []int{0, 1, 4}},
		{`user_metadata.size:"13"`, nil},
		{"user_metadata.size:13.00", []int{0, 1}},
		{"email:ann@example.com", []int{0}},
		{"name:ann", []int{0, 3}},
		{"user_metadata.addresses.city:Paris", []int{2}},
		{"user_metadata.tags:b", []int{0}},
		{"_exists_:user_metadata.color", []int{0, 1, 3}},
		{"_exists_:user_metadata.empty OR _exists_:user_metadata.none", []int{}},
		{"app_metadata.beta:true", []int{1}},
		{"NOT app_metadata.plan:full", []int{1, 2, 3, 4}},
		{"app_metadata.plan:full OR app_metadata.plan:free", []int{0, 1}},
		{"name:ann AND logins_count:3", []int{0, 3}},
		{"name:ann -blocked:true", []int{0}},
		{"logins_count:[3 TO 9]", nil},
		{"logins_count:{3 TO *]", nil},
		{"created_at:[2026-01-02 TO *]", []int{0, 2}},
		{"name:car*", []int{2}},
		{"bob", []int{1}},
		{"user_id:auth0", []int{}},
		{`user_id:"auth0|c" OR (user_metadata.color:blue AND NOT blocked:false)`, []int{2, 3}},
	} {
		q, err := query.Parse(c.q)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.q, err)
			continue
		}
		var want []string
		for _, d := range searchDocs {
			if q.Match([]byte(d)) {
				want = append(want, d)
			}
		}
		var hard []string
		for _, i := range c.want {
			hard = append(hard, searchDocs[i])
		}
		if c.want != nil && !slices.Equal(want, hard) {
			t.Errorf("%s: query.Match selects %d documents, the table says %v: the query package and this table disagree", c.q, len(want), c.want)
		}
		docs, total, err := st.Search(ctx, "users", q, mgmttest.Page{PerPage: 100})
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		if diff := cmp.Diff(want, strs(docs), cmp.Comparer(func(a, b []string) bool { return slices.Equal(a, b) })); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.q, diff)
		}
		if total != len(want) {
			t.Errorf("%s: total %d, want %d", c.q, total, len(want))
		}
		// Paging a query: the second match alone, total unchanged.
		if len(want) >= 2 {
			docs, total, err := st.Search(ctx, "users", q, mgmttest.Page{Page: 1, PerPage: 1})
			if err != nil || total != len(want) || len(docs) != 1 || string(docs[0]) != want[1] {
				t.Errorf("%s, page 1 of 1: %q total %d %v, want %s total %d", c.q, docs, total, err, want[1], len(want))
			}
		}
	}
}

func testSearchSort(t *testing.T, st mgmttest.Store) {
	for _, d := range searchDocs {
		create(t, st, "users", string(mustField(t, d)), d)
	}
	for _, c := range []struct {
		sort string
		want []int // hard-coded where the order is plain
	}{
		{"user_id:1", []int{1, 0, 2, 3, 4}},
		{"user_id:-1", []int{4, 3, 2, 0, 1}},
		{"logins_count:1", nil},
		{"logins_count:-1", nil},
		{"name:1", nil},
		{"name:-1", nil},
		{"email:1", nil},
		{"created_at:-1", nil},
		{"blocked:1", nil},
		{"nothing_has_it:1", []int{0, 1, 2, 3, 4}},
	} {
		s, err := query.ParseSort(c.sort)
		if err != nil {
			t.Fatalf("ParseSort(%q): %v", c.sort, err)
		}
		want := slices.Clone(searchDocs)
		slices.SortStableFunc(want, func(a, b string) int { return s.Compare([]byte(a), []byte(b)) })
		if c.want != nil {
			var hard []string
			for _, i := range c.want {
				hard = append(hard, searchDocs[i])
			}
			if !slices.Equal(want, hard) {
				t.Errorf("%s: query.Sort.Compare and this table disagree", c.sort)
			}
		}
		for per := 1; per <= len(want); per += 2 { // every page size's pages join to the whole order
			var got []string
			for page := 0; page*per < len(want); page++ {
				docs, total, err := st.Search(ctx, "users", nil, mgmttest.Page{Sort: s, Page: page, PerPage: per})
				if err != nil || total != len(want) {
					t.Fatalf("%s page %d of %d: total %d, %v", c.sort, page, per, total, err)
				}
				got = append(got, strs(docs)...)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s, %d per page (-want +got):\n%s", c.sort, per, diff)
			}
		}
	}
	// A query and a sort together.
	q, _ := query.Parse("_exists_:logins_count")
	s, _ := query.ParseSort("logins_count:-1")
	docs, total, err := st.Search(ctx, "users", q, mgmttest.Page{Sort: s, PerPage: 2})
	var want []string
	for _, d := range searchDocs {
		if q.Match([]byte(d)) {
			want = append(want, d)
		}
	}
	slices.SortStableFunc(want, func(a, b string) int { return s.Compare([]byte(a), []byte(b)) })
	if err != nil || total != len(want) {
		t.Fatalf("query and sort: total %d, %v", total, err)
	}
	if diff := cmp.Diff(want[:2], strs(docs)); diff != "" {
		t.Errorf("query and sort (-want +got):\n%s", diff)
	}
}

// testSearchBuiltTerms searches with trees the server builds without the
// parser: Term.Fold, not the field's name, decides the case rule.
func testSearchBuiltTerms(t *testing.T, st mgmttest.Store) {
	for _, d := range searchDocs {
		create(t, st, "users", string(mustField(t, d)), d)
	}
	term := func(field, value string, fold bool) *query.Query {
		return &query.Query{Root: &query.Term{Field: field, Path: strings.Split(field, "."), Fold: fold, Kind: query.Exact, Value: value, Number: query.IsNumber(value)}}
	}
	for _, c := range []struct {
		name string
		q    *query.Query
		want []int
	}{
		{"name folded", term("name", "ann", true), []int{0, 3}},
		{"name exact case", term("name", "ann", false), []int{3}},
		{"email folded", term("email", "ANN@example.com", true), []int{0}},
		{"email exact case", term("email", "ann@example.com", false), []int{}},
		{"metadata folded", term("user_metadata.color", "RED", true), []int{0, 1}},
	} {
		var want []string
		for _, d := range searchDocs {
			if c.q.Match([]byte(d)) {
				want = append(want, d)
			}
		}
		hard := []string{}
		for _, i := range c.want {
			hard = append(hard, searchDocs[i])
		}
		if !slices.Equal(want, hard) && !(len(want) == 0 && len(hard) == 0) {
			t.Errorf("%s: query.Match and this table disagree", c.name)
		}
		docs, total, err := st.Search(ctx, "users", c.q, mgmttest.Page{PerPage: 100})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if diff := cmp.Diff(hard, strs(docs)); diff != "" || total != len(hard) {
			t.Errorf("%s: total %d (-want +got):\n%s", c.name, total, diff)
		}
	}
}

// mustField returns a document's user_id.
func mustField(t *testing.T, doc string) []byte {
	t.Helper()
	i := bytes.Index([]byte(doc), []byte(`"user_id":"`))
	if i < 0 {
		t.Fatalf("no user_id in %s", doc)
	}
	rest := doc[i+len(`"user_id":"`):]
	return []byte(rest[:bytes.IndexByte([]byte(rest), '"')])
}

// TestServer runs Management API requests against an mgmttest.Server on
// a store from newStore: create, read, PATCH (the library's rules and
// errors inside Store.Update), 409 on an existing id, 404 with the
// entity's errorCode, concurrent PATCHes, user search and users-by-email,
// and lists in creation order.
func TestServer(t *testing.T, newStore func(t *testing.T) mgmttest.Store) {
	srv := mgmttest.NewServer(mgmttest.WithStore(newStore(t)))
	defer srv.Close()
	token := srv.Token()
	do := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
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
	for _, c := range []struct {
		method, path, body string
		status             int
		want               string // "": not compared
	}{
		{"POST", "/api/v2/users", `{"user_id":"auth0|1","email":"a@example.com","user_metadata":{"n":1.50,"big":12345678901234567891}}`, 201, ""},
		{"POST", "/api/v2/users", `{"user_id":"auth0|1","email":"b@example.com"}`, 409,
			`{"statusCode":409,"error":"Conflict","message":"The user already exists.","errorCode":"conflict"}`},
		{"POST", "/api/v2/users", `{"user_id":"auth0|2","email":"b@example.com"}`, 201, ""},
		{"PATCH", "/api/v2/users/auth0%7C1", `{"user_metadata":{"e":"\u00e9"}}`, 200, ""},
		{"PATCH", "/api/v2/users/auth0%7C1", `{"user_metadata":{"a.b":1}}`, 400, ""},
		{"PATCH", "/api/v2/users/auth0%7C9", `{"user_metadata":{"a":1}}`, 404,
			`{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}`},
		{"GET", "/api/v2/clients/nope", "", 404,
			`{"statusCode":404,"error":"Not Found","message":"The client does not exist","errorCode":"inexistent_client"}`},
		{"POST", "/api/v2/organizations", `{"id":"org_1","name":"acme","metadata":{"a":"1"}}`, 201, ""},
		{"PATCH", "/api/v2/organizations/org_1", `{"metadata":{"b":"2"}}`, 200, `{"id":"org_1","name":"acme","metadata":{"b":"2"}}`},
		{"DELETE", "/api/v2/organizations/org_1", "", 204, ""},
		{"GET", "/api/v2/organizations/org_1", "", 404, ""},
	} {
		status, body := do(c.method, c.path, c.body)
		if status != c.status || c.want != "" && body != c.want {
			t.Errorf("%s %s %s: got %d %s, want %d %s", c.method, c.path, c.body, status, body, c.status, c.want)
		}
	}
	_, user := do("GET", "/api/v2/users/auth0%7C1", "")
	if !strings.Contains(user, `"user_metadata":{"n":1.50,"big":12345678901234567891,"e":"\u00e9"}`) {
		t.Errorf("the stored user lost its bytes: %s", user)
	}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if status, body := do("PATCH", "/api/v2/users/auth0%7C2", fmt.Sprintf(`{"user_metadata":{"k%d":%d}}`, i, i)); status != 200 {
				t.Errorf("PATCH %d: %d %s", i, status, body)
			}
		})
	}
	wg.Wait()
	_, user = do("GET", "/api/v2/users/auth0%7C2", "")
	for i := range 50 {
		if !strings.Contains(user, fmt.Sprintf(`"k%d":%d`, i, i)) {
			t.Errorf("PATCH %d was lost: %s", i, user)
		}
	}
	for _, c := range []struct{ path, want string }{
		{"/api/v2/users?fields=user_id&q=" + url.QueryEscape("email:A@EXAMPLE.COM"), `[{"user_id":"auth0|1"}]`},
		{"/api/v2/users?fields=user_id&q=" + url.QueryEscape("user_metadata.n:1.5 OR _exists_:user_metadata.k7"), `[{"user_id":"auth0|1"},{"user_id":"auth0|2"}]`},
		{"/api/v2/users?fields=user_id&sort=user_id:-1&q=" + url.QueryEscape("NOT user_metadata.e:x"), `[{"user_id":"auth0|2"},{"user_id":"auth0|1"}]`},
		{"/api/v2/users-by-email?fields=user_id&email=b@example.com", `[{"user_id":"auth0|2"}]`},
		{"/api/v2/users-by-email?fields=user_id&email=B@example.com", `[]`},
	} {
		if status, body := do("GET", c.path, ""); status != 200 || body != c.want {
			t.Errorf("GET %s: %d %s, want %s", c.path, status, body, c.want)
		}
	}
	_, list := do("GET", "/api/v2/users?include_totals=true&per_page=1&page=1", "")
	if want := `{"start":1,"limit":1,"length":1,"users":[` + user + `],"total":2}`; list != want {
		t.Errorf("list:\n%s\nwant\n%s", list, want)
	}
}
