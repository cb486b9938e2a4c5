package pgstore

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/metapatch/metapatch/mgmttest"
	"github.com/metapatch/metapatch/query"
)

// reference is what Search must return, computed from the package query
// alone: the documents q matches, in sort's order, ties in creation order.
func reference(docs []string, q *query.Query, sort query.Sort) []string {
	var out []string
	for _, d := range docs {
		if q == nil || q.Match([]byte(d)) {
			out = append(out, d)
		}
	}
	if sort.Field != "" {
		slices.SortStableFunc(out, func(a, b string) int { return sort.Compare([]byte(a), []byte(b)) })
	}
	return out
}

// searchAll returns every match of q, page by page, and checks the totals.
func searchAll(t *testing.T, s mgmttest.Store, q *query.Query, sort query.Sort, perPage int) []string {
	t.Helper()
	var out []string
	for page := 0; ; page++ {
		docs, total, err := s.Search(context.Background(), "users", q, mgmttest.Page{Sort: sort, Page: page, PerPage: perPage})
		if err != nil {
			t.Fatalf("Search(%v): %v", q, err)
		}
		for _, d := range docs {
			out = append(out, string(d))
		}
		if len(docs) < perPage {
			if total != len(out) {
				t.Errorf("Search(%v): total %d, but %d documents came", q, total, len(out))
			}
			return out
		}
	}
}

func mustParse(t testing.TB, q string) *query.Query {
	t.Helper()
	parsed, err := query.Parse(q)
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	return parsed
}

// searchDocs are users with what section "Search" of the package doc
// talks about; each has a user_id that names it.
var searchDocs = []string{
	`{"user_id":"auth0|123","email":"John@Example.com","name":"John Smith","logins_count":5,"created_at":"2024-01-02T03:04:05.000Z","blocked":false,"identities":[{"connection":"Username-Password-Authentication","provider":"auth0"}],"user_metadata":{"fontSize":13,"addresses":[{"city":"Paris"},{"city":"Rome"}]},"app_metadata":{"roles":["admin","dev"],"plan":"gold"}}`,
	`{"user_id":"auth0|456","email":"jane@example.com","name":"Jane Doe","logins_count":50,"created_at":"2023-06-01T00:00:00.000Z","blocked":true,"identities":[{"connection":"google-oauth2","provider":"google-oauth2"}],"user_metadata":{"fontSize":13.0,"empty":[],"none":null,"obj":{}},"app_metadata":{"roles":"dev","plan":"Gold"}}`,
	`{"user_id":"auth0|789","email":"ÉLODIE@example.com","name":"élodie","logins_count":1.5e1,"user_metadata":{"fontSize":"13","nested":[[{"city":"Paris"}]],"flag":true,"big":12345678901234567891,"nul":"a\u0000b"},"app_metadata":{"plan":null}}`,
	`{"user_id":"google|1","name":"auth0","nickname":"Joh","user_metadata":{"fontSize":1.30e1,"a":{"b":{"c":"deep"}}},"app_metadata":{"roles":[["admin"]]}}`,
	`[1,2]`,
}

func TestSearchCases(t *testing.T) {
	s, _ := open(t)
	for i, d := range searchDocs {
		mustCreate(t, s, "users", fmt.Sprint("doc", i), d)
	}
	// Each case names the user_ids it must find, in order.
	cases := []struct {
		name, q string
		sort    string
		want    []string
	}{
		{"number matches 13 and 13.0 and a string 13", "user_metadata.fontSize:13", "", []string{"auth0|123", "auth0|456", "auth0|789", "google|1"}},
		{"number spelled differently", "user_metadata.fontSize:1.3e1", "", []string{"auth0|123", "auth0|456", "google|1"}},
		{"quoted number", `user_metadata.fontSize:"13"`, "", []string{"auth0|123", "auth0|456", "auth0|789", "google|1"}},
		{"other number", "user_metadata.fontSize:14", "", nil},
		{"array element", "app_metadata.roles:admin", "", []string{"auth0|123", "google|1"}},
		{"array element or string", "app_metadata.roles:dev", "", []string{"auth0|123", "auth0|456"}},
		{"path through an array", `user_metadata.addresses.city:"Paris"`, "", []string{"auth0|123"}},
		{"path through nested arrays", `user_metadata.nested.city:Paris`, "", []string{"auth0|789"}},
		{"metadata is case-sensitive", "app_metadata.plan:gold", "", []string{"auth0|123"}},
		{"metadata is case-sensitive too", "app_metadata.plan:Gold", "", []string{"auth0|456"}},
		{"email is case-insensitive", "email:john@example.COM", "", []string{"auth0|123"}},
		{"email folds non-ASCII", "email:élodie@example.com", "", []string{"auth0|789"}},
		{"whole values", "user_id:auth0", "", nil},
		{"whole value", `user_id:auth0|123`, "", []string{"auth0|123"}},
		{"bare term: normalized fields only", "auth0", "", []string{"google|1"}},
		{"bare term folds", "JOHN\\ SMITH", "", []string{"auth0|123"}},
		{"prefix", "name:joh*", "", []string{"auth0|123"}},
		{"prefix on nickname is case-insensitive", "nickname:JOH*", "", []string{"google|1"}},
		{"exists", "_exists_:app_metadata.roles", "", []string{"auth0|123", "auth0|456", "google|1"}},
		{"exists below", "_exists_:user_metadata.a", "", []string{"google|1"}},
		{"empty array does not exist", "_exists_:user_metadata.empty", "", nil},
		{"null does not exist", "_exists_:user_metadata.none OR _exists_:app_metadata.plan", "", []string{"auth0|123", "auth0|456"}},
		{"empty object does not exist", "_exists_:user_metadata.obj", "", nil},
		{"boolean", "user_metadata.flag:true", "", []string{"auth0|789"}},
		{"boolean is spelled exactly", "user_metadata.flag:TRUE", "", nil},
		{"blocked false", "blocked:false", "", []string{"auth0|123"}},
		{"big integer", "user_metadata.big:12345678901234567891", "", []string{"auth0|789"}},
		{"big integer, neighbour", "user_metadata.big:12345678901234567890", "", nil},
		{"NUL in a stored string", "user_metadata.nul:\"a\x00b\"", "", []string{"auth0|789"}},
		{"NUL in a stored string, neighbour", "user_metadata.nul:\"a\x01b\"", "", nil},
		{"NUL in a stored string, no replacement character", "user_metadata.nul:\"a\uFFFDb\"", "", nil},
		{"number range", "logins_count:[5 TO 15]", "", []string{"auth0|123", "auth0|789"}},
		{"exclusive range", "logins_count:{5 TO 15}", "", nil},
		{"open range", "logins_count:[10 TO *]", "", []string{"auth0|456", "auth0|789"}},
		{"date range", "created_at:[2024-01-01 TO *]", "", []string{"auth0|123"}},
		{"date range below", "created_at:{* TO 2024-01-01}", "", []string{"auth0|456"}},
		{"identities", "identities.connection:google-oauth2", "", []string{"auth0|456"}},
		{"and", "app_metadata.roles:dev AND blocked:true", "", []string{"auth0|456"}},
		{"or", "blocked:true OR user_metadata.flag:true", "", []string{"auth0|456", "auth0|789"}},
		{"adjacent terms are or", "blocked:true user_metadata.flag:true", "", []string{"auth0|456", "auth0|789"}},
		{"not", "NOT blocked:true", "", []string{"auth0|123", "auth0|789", "google|1"}},
		{"minus", "user_metadata.fontSize:13 -app_metadata.roles:admin", "", []string{"auth0|456", "auth0|789"}},
		{"sort by name, bytewise", "user_metadata.fontSize:13", "name:1", []string{"auth0|456", "auth0|123", "google|1", "auth0|789"}},
		{"sort by name descending", "user_metadata.fontSize:13", "name:-1", []string{"auth0|789", "google|1", "auth0|123", "auth0|456"}},
		{"sort by number, absent last", "user_metadata.fontSize:13", "logins_count:1", []string{"auth0|123", "auth0|789", "auth0|456", "google|1"}},
		{"sort by number descending, absent last", "user_metadata.fontSize:13", "logins_count:-1", []string{"auth0|456", "auth0|789", "auth0|123", "google|1"}},
		{"sort by date", "user_metadata.fontSize:13", "created_at:1", []string{"auth0|456", "auth0|123", "auth0|789", "google|1"}},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("two cases named %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			q := mustParse(t, c.q)
			var sort query.Sort
			if c.sort != "" {
				var err error
				if sort, err = query.ParseSort(c.sort); err != nil {
					t.Fatal(err)
				}
			}
			got := userIDs(searchAll(t, s, q, sort, 2))
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("Search(%s) (-want +got):\n%s", c.q, diff)
			}
			if diff := cmp.Diff(c.want, userIDs(reference(searchDocs, q, sort))); diff != "" {
				t.Errorf("query.Match disagrees with this case (-want +got):\n%s", diff)
			}
		})
	}
}

// userIDs returns the user_id of each document, as the test's documents
// spell it.
func userIDs(docs []string) []string {
	var ids []string
	for _, d := range docs {
		_, rest, ok := strings.Cut(d, `"user_id":"`)
		if !ok {
			ids = append(ids, d)
			continue
		}
		id, _, _ := strings.Cut(rest, `"`)
		ids = append(ids, id)
	}
	return ids
}

func TestSearchEverything(t *testing.T) {
	s, _ := open(t)
	for i, d := range searchDocs {
		mustCreate(t, s, "users", fmt.Sprint("doc", i), d)
	}
	mustCreate(t, s, "clients", "c", `{"client_id":"c"}`)
	// q nil: every document of the collection, in creation order, a
	// document that is not an object too.
	got := searchAll(t, s, nil, query.Sort{}, 3)
	if diff := cmp.Diff(searchDocs, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// A page past the end is empty, with the total.
	docs, total, err := s.Search(context.Background(), "users", nil, mgmttest.Page{Page: 10, PerPage: 50})
	if err != nil || len(docs) != 0 || total != len(searchDocs) {
		t.Errorf("a page past the end: %d documents, total %d, %v; want 0, %d", len(docs), total, err, len(searchDocs))
	}
	// A page whose offset overflows is past the end too.
	docs, total, err = s.Search(context.Background(), "users", nil, mgmttest.Page{Page: math.MaxInt, PerPage: 100})
	if err != nil || len(docs) != 0 || total != len(searchDocs) {
		t.Errorf("page MaxInt: %d documents, total %d, %v; want 0, %d", len(docs), total, err, len(searchDocs))
	}
	// A NOT finds nothing in a document that is not an object, as Match.
	got = searchAll(t, s, mustParse(t, "NOT user_id:nobody"), query.Sort{}, 50)
	if diff := cmp.Diff(searchDocs[:len(searchDocs)-1], got); diff != "" {
		t.Errorf("NOT (-want +got):\n%s", diff)
	}
	for _, p := range []mgmttest.Page{{PerPage: 0}, {Page: -1, PerPage: 1}} {
		if _, _, err := s.Search(context.Background(), "users", nil, p); err == nil {
			t.Errorf("Search with %+v: no error", p)
		}
	}
}

// TestSearchInjection sends SQL and jsonpath through q and checks they are
// only ever data.
func TestSearchInjection(t *testing.T) {
	s, _ := open(t)
	for i, d := range searchDocs {
		mustCreate(t, s, "users", fmt.Sprint("doc", i), d)
	}
	attempts := []string{
		`user_metadata.a:"'; DROP TABLE metapatch_documents; --"`,
		`email:"x' OR '1'='1"`,
		`user_metadata.a:"\" || @ == @ || \""`,
		`user_metadata.a:"x\") || true || (\""`,
		`name:"$"`,
		`user_metadata.a\"\)\ \|\|\ true\ \|\|\ \(\":1`,
		`user_metadata.a\'\;DROP\ TABLE\ x:1`,
		`_exists_:user_metadata.a\"\)\ \|\|\ \(true`,
		`_exists_:user_metadata.$`,
		`"'); DELETE FROM metapatch_documents; --"`,
		`logins_count:["1' OR 1=1 --" TO *]`,
		`user_metadata.fontSize:1e400000000000`,
		`user_metadata.fontSize:-0.0000e-99999999999`,
		`name:"\\"`,
		`user_metadata.x:"\u0000"`,
		`email:ab\\*`,
	}
	for _, a := range attempts {
		q, err := query.Parse(a)
		if err != nil {
			t.Logf("%s: refused by Parse: %v", a, err)
			continue
		}
		got := searchAll(t, s, q, query.Sort{}, 50)
		if diff := cmp.Diff(reference(searchDocs, q, query.Sort{}), got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", a, diff)
		}
	}
	// The data is intact.
	if diff := cmp.Diff(searchDocs, searchAll(t, s, nil, query.Sort{}, 50)); diff != "" {
		t.Errorf("after the attempts (-want +got):\n%s", diff)
	}
	// The sort field is data too.
	for _, f := range []string{`name'`, `x") --`, `$1`} {
		got := searchAll(t, s, nil, query.Sort{Field: f}, 50)
		if diff := cmp.Diff(searchDocs, got); diff != "" {
			t.Errorf("sort by %s (-want +got):\n%s", f, diff)
		}
	}
}

// TestSearchDifferential generates random documents and queries and checks
// that the store returns what mgmttest's memory store returns, in the same
// order, page by page.
func TestSearchDifferential(t *testing.T) {
	s, _ := open(t)
	mem := mgmttest.NewMemoryStore()
	r := rand.New(rand.NewPCG(1, 2))
	docs := make([]string, 300)
	for i := range docs {
		docs[i] = randomDoc(r, i)
		mustCreate(t, s, "users", fmt.Sprint(i), docs[i])
		if err := mem.Create(context.Background(), "users", fmt.Sprint(i), []byte(docs[i])); err != nil {
			t.Fatal(err)
		}
	}
	sorts := []string{"", "name:1", "name:-1", "logins_count:1", "logins_count:-1", "email:1", "created_at:-1", "blocked:1", "nickname:-1"}
	n := 300
	if testing.Short() {
		n = 60
	}
	matched := 0
	for range n {
		text := randomQuery(r, 3)
		q, err := query.Parse(text)
		if err != nil {
			continue
		}
		sort, _ := query.ParseSort(sorts[r.IntN(len(sorts))])
		want := searchAll(t, mem, q, sort, len(docs)+1) // one page: Match is slow under -race
		got := searchAll(t, s, q, sort, 5+r.IntN(40))
		if len(want) > 0 {
			matched++
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("q=%s sort=%v (-want +got):\n%s", text, sort, diff)
		}
	}
	if matched < n/5 {
		t.Errorf("only %d of %d queries matched anything: the generator tests too little", matched, n)
	}
}

// Pools the generator draws from; they overlap on purpose.
var (
	genKeys    = []string{"a", "b", "city", "roles", "plan"}
	genStrings = []string{"x", "X", "Paris", "paris", "admin", "dev", "é", "É", "13", "true", "a b", "joh", "John", "JOHN SMITH", "2024-01-02", "a\\u0000b", "\\u00e9", "\\ud800"}
	genNumbers = []string{"13", "13.0", "1.30e1", "0", "-0", "-0.0", "5", "50", "1e2", "100", "12345678901234567891", "12345678901234567891.0", "1e400", "-7.5", "0.000001"}
)

func randomScalar(r *rand.Rand) string {
	switch r.IntN(6) {
	case 0, 1:
		return `"` + genStrings[r.IntN(len(genStrings))] + `"`
	case 2, 3:
		return genNumbers[r.IntN(len(genNumbers))]
	case 4:
		return []string{"true", "false"}[r.IntN(2)]
	}
	return "null"
}

func randomValue(r *rand.Rand, depth int) string {
	if depth <= 0 {
		return randomScalar(r)
	}
	switch r.IntN(6) {
	case 0:
		var elems []string
		for range r.IntN(4) {
			elems = append(elems, randomValue(r, depth-1))
		}
		return "[" + strings.Join(elems, ",") + "]"
	case 1:
		return randomObject(r, depth-1)
	}
	return randomScalar(r)
}

func randomObject(r *rand.Rand, depth int) string {
	var members []string
	seen := map[string]bool{}
	for range r.IntN(4) {
		k := genKeys[r.IntN(len(genKeys))]
		// No duplicate names: query.Match's _exists_ counts a value its
		// own lookup shadows ({"r":5,"r":null} exists), where the store
		// keeps the last one only. TestSearchDuplicateNames covers the
		// rest.
		if seen[k] {
			continue
		}
		seen[k] = true
		members = append(members, fmt.Sprintf("%q:%s", k, randomValue(r, depth)))
	}
	return "{" + strings.Join(members, ",") + "}"
}

func randomDoc(r *rand.Rand, i int) string {
	if i%97 == 96 {
		return `["not an object"]`
	}
	members := []string{fmt.Sprintf(`"user_id":"auth0|%d"`, i)}
	add := func(name, value string) {
		if r.IntN(3) > 0 {
			members = append(members, fmt.Sprintf("%q:%s", name, value))
		}
	}
	add("email", `"`+[]string{"John@Example.com", "john@example.com", "jane@x.io", "ÉLODIE@x.io", "élodie@x.io"}[r.IntN(5)]+`"`)
	add("name", randomScalar(r))
	add("nickname", `"`+genStrings[r.IntN(len(genStrings))]+`"`)
	add("logins_count", genNumbers[r.IntN(len(genNumbers))])
	add("created_at", `"`+[]string{"2024-01-02T03:04:05.000Z", "2023-06-01T00:00:00.000Z", "2024-01-02T00:00:00.000Z"}[r.IntN(3)]+`"`)
	add("blocked", randomScalar(r))
	add("identities", `[{"connection":"`+[]string{"google-oauth2", "db"}[r.IntN(2)]+`"}]`)
	add("user_metadata", randomObject(r, 3))
	add("app_metadata", randomObject(r, 3))
	r.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
	return "{" + strings.Join(members, ",") + "}"
}

func randomQueryValue(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return genNumbers[r.IntN(len(genNumbers))]
	}
	v := genStrings[r.IntN(len(genStrings))]
	if strings.ContainsAny(v, ` \`) || r.IntN(3) == 0 {
		return `"` + strings.ReplaceAll(v, `\u0000`, "\x00") + `"`
	}
	return v
}

var genFields = []string{
	"user_metadata.a", "user_metadata.b", "user_metadata.a.b", "user_metadata.a.city", "app_metadata.roles",
	"app_metadata.plan", "user_metadata.roles.city", "email", "name", "nickname", "logins_count",
	"created_at", "blocked", "identities.connection", "user_metadata", "app_metadata.a.roles",
}

func randomTerm(r *rand.Rand) string {
	f := genFields[r.IntN(len(genFields))]
	switch r.IntN(8) {
	case 0:
		return "_exists_:" + f
	case 1:
		return randomQueryValue(r) // no field
	case 2:
		bounds := []string{"*", "5", "13", "1e2", "-1", "2024-01-01", "2024-01-02T03:04:05.000Z", "a", "Paris", "x"}
		open, close := "[{"[r.IntN(2):][:1], "]}"[r.IntN(2):][:1]
		return fmt.Sprintf("%s:%s%s TO %s%s", []string{"logins_count", "created_at", "name", "email"}[r.IntN(4)], open, bounds[r.IntN(len(bounds))], bounds[r.IntN(len(bounds))], close)
	case 3:
		return []string{"name", "email", "nickname"}[r.IntN(3)] + ":" + []string{"joh", "JOH", "ÉLO", "élo", "jan", "par"}[r.IntN(6)] + "*"
	}
	return f + ":" + randomQueryValue(r)
}

func randomQuery(r *rand.Rand, depth int) string {
	if depth == 0 || r.IntN(3) == 0 {
		return randomTerm(r)
	}
	a, b := randomQuery(r, depth-1), randomQuery(r, depth-1)
	switch r.IntN(6) {
	case 0:
		return a + " AND " + b
	case 1:
		return a + " OR " + b
	case 2:
		return "NOT " + a
	case 3:
		return "-" + a + " " + b
	case 4:
		return "(" + a + ") " + b
	}
	return "(" + a + " AND NOT " + b + ")"
}

// TestSearchBuiltTrees searches with trees built without the parser, as
// the server builds some: Term.Fold, not the field, decides the case rule,
// and nil nodes and path-less terms find nothing, as in query.Match.
func TestSearchBuiltTrees(t *testing.T) {
	s, _ := open(t)
	for i, d := range searchDocs {
		mustCreate(t, s, "users", fmt.Sprint("doc", i), d)
	}
	term := func(field, value string, fold bool) *query.Term {
		var path []string
		if field != "" {
			path = strings.Split(field, ".")
		}
		return &query.Term{Field: field, Path: path, Fold: fold, Kind: query.Exact, Value: value, Number: query.IsNumber(value)}
	}
	for _, c := range []struct {
		name string
		root query.Node
		want []string
	}{
		{"email folded", term("email", "JOHN@example.com", true), []string{"auth0|123"}},
		{"email exact case", term("email", "john@example.com", false), nil},
		{"email exact case, neighbour", term("email", "John@Example.com", false), []string{"auth0|123"}},
		{"metadata folded", term("app_metadata.plan", "GOLD", true), []string{"auth0|123", "auth0|456"}},
		{"metadata exact case", term("app_metadata.plan", "GOLD", false), nil},
		{"bare term, not folded", term("", "auth0", false), []string{"google|1"}},
		{"a field without a path", &query.Term{Field: "email", Kind: query.Exact, Value: "jane@example.com"}, nil},
		{"nil term", (*query.Term)(nil), nil},
		{"nil and", (*query.And)(nil), nil},
		{"nil or", (*query.Or)(nil), nil},
		{"nil not", (*query.Not)(nil), nil},
		{"not of nil", &query.Not{}, nil},
		{"empty and", &query.And{}, nil},
		{"nil root", nil, nil},
		{"not of a nil term", &query.Not{Operand: (*query.Term)(nil)}, []string{"auth0|123", "auth0|456", "auth0|789", "google|1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := &query.Query{Root: c.root}
			got := userIDs(searchAll(t, s, q, query.Sort{}, 10))
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.want, userIDs(reference(searchDocs, q, query.Sort{}))); diff != "" {
				t.Errorf("query.Match disagrees with this case (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSearchDuplicateNames: of members with one name, the last one counts,
// in the store as in query.Match.
func TestSearchDuplicateNames(t *testing.T) {
	s, _ := open(t)
	docs := []string{
		`{"user_id":"d1","user_metadata":{"a":1,"a":2},"email":"X@x.io","email":"y@x.io"}`,
		`{"user_id":"d2","user_metadata":{"a":{"b":"c"},"a":{"b":"d"}}}`,
	}
	for i, d := range docs {
		mustCreate(t, s, "users", fmt.Sprint(i), d)
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"user_metadata.a:2", []string{"d1"}},
		{"user_metadata.a:1", nil},
		{"email:Y@x.io", []string{"d1"}},
		{"email:x@x.io", nil},
		{"user_metadata.a.b:d", []string{"d2"}},
		{"user_metadata.a.b:c", nil},
		{"_exists_:user_metadata.a.b", []string{"d2"}},
	} {
		q := mustParse(t, c.q)
		if diff := cmp.Diff(c.want, userIDs(searchAll(t, s, q, query.Sort{}, 10))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.q, diff)
		}
		if diff := cmp.Diff(c.want, userIDs(reference(docs, q, query.Sort{}))); diff != "" {
			t.Errorf("%s: query.Match disagrees (-want +got):\n%s", c.q, diff)
		}
	}
}
