package query

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// printCases lists queries and their canonical form.
var printCases = []struct {
	name  string
	query string
	want  string
}{
	{name: "spaces collapse", query: "  a   OR\tb  ", want: "a OR b"},
	{name: "adjacent becomes OR", query: "a b", want: "a OR b"},
	{name: "minus becomes NOT", query: "-a", want: "NOT a"},
	{name: "negated clause", query: "a b -c", want: "(a OR b) AND NOT c"},
	{name: "negated clause after AND", query: "a AND b -c", want: "(a AND b) AND NOT c"},
	{name: "redundant parentheses go", query: "((a)) AND (b)", want: "a AND b"},
	{name: "needed parentheses stay", query: "(a OR b) AND c", want: "(a OR b) AND c"},
	{name: "AND inside OR needs none", query: "a OR (b AND c)", want: "a OR b AND c"},
	{name: "nested OR keeps its group", query: "a OR (b OR c)", want: "a OR (b OR c)"},
	{name: "nested AND keeps its group", query: "a AND (b AND c)", want: "a AND (b AND c)"},
	{name: "NOT of a group", query: "NOT (a OR b)", want: "NOT (a OR b)"},
	{name: "NOT NOT", query: "--a", want: "NOT NOT a"},
	{name: "NOT in OR keeps parentheses", query: "a OR (-b)", want: "a OR (NOT b)"},
	{name: "quoted value becomes bare", query: `name:"john"`, want: "name:john"},
	{name: "escaped space becomes quoted", query: `name:john\ doe`, want: `name:"john doe"`},
	{name: "quoted escapes kept", query: `name:"a\"b\\c"`, want: `name:"a\"b\\c"`},
	{name: "empty value", query: `name:""`, want: `name:""`},
	{name: "escaped star becomes quoted", query: `name:abc\*`, want: `name:"abc*"`},
	{name: "prefix with escapes", query: `name:"a b"`, want: `name:"a b"`},
	{name: "prefix escaped", query: `name:a\ b\(*`, want: `name:a\ b\(*`},
	{name: "bare operator word quoted", query: `"AND"`, want: `"AND"`},
	{name: "bare minus word quoted", query: `"-a"`, want: `"-a"`},
	{name: "bare prefix minus escaped", query: `\-ab*`, want: `\-ab*`},
	{name: "value minus stays bare", query: `logins_count:-1`, want: `logins_count:-1`},
	{name: "value operator stays bare", query: `name:NOT`, want: `name:NOT`},
	{name: "field escapes", query: `user_metadata.a\ b:x`, want: `user_metadata.a\ b:x`},
	{name: "field minus escaped", query: `\-a:x`, want: `\-a:x`},
	{name: "field named _exists_", query: `\_exists_:x`, want: `\_exists_:x`},
	{name: "field named AND", query: `AND:x OR:y`, want: `AND:x OR OR:y`},
	{name: "prefix named like operator", query: `AND*`, want: `AND*`},
	{name: "prefix with ampersands", query: `\&&ab*`, want: `\&&ab*`},
	{name: "field group expands", query: `name:(a b -c)`, want: `(name:a OR name:b) AND NOT name:c`},
	{name: "space after colon goes", query: `name: a`, want: `name:a`},
	{name: "exists", query: `_exists_:"user_metadata.a"`, want: `_exists_:user_metadata.a`},
	{name: "range", query: `logins_count:{1   TO *]`, want: `logins_count:{1 TO *]`},
	{name: "range quoted star", query: `logins_count:["*" TO "TO"]`, want: `logins_count:["*" TO "TO"]`},
	{name: "range date-time bare", query: `created_at:["2024-01-01T10:00" TO *]`, want: `created_at:[2024-01-01T10:00 TO *]`},
}

func TestString(t *testing.T) {
	for _, tc := range printCases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := Parse(tc.query)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.query, err)
			}
			if got := q.String(); got != tc.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tc.query, got, tc.want)
			}
		})
	}
}

// allQueries returns every accepted query of the tables.
func allQueries() []string {
	var qs []string
	for _, tc := range matchCases {
		qs = append(qs, tc.query)
	}
	for _, tc := range printCases {
		qs = append(qs, tc.query, tc.want)
	}
	return qs
}

// checkRoundTrip checks the printer's property on an accepted query.
func checkRoundTrip(t *testing.T, query string, q *Query) {
	t.Helper()
	s := q.String()
	q2, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q) printed %q, which does not parse: %v", query, s, err)
	}
	// reflect.DeepEqual first: cmp's slice diffing takes time exponential
	// in the depth of a tree, so it only explains a difference.
	if !reflect.DeepEqual(q, q2) {
		t.Fatalf("Parse(%q) printed %q, which parses to another tree (-first +second):\n%s", query, s, cmp.Diff(q, q2))
	}
	if s2 := q2.String(); s2 != s {
		t.Fatalf("Parse(%q) printed %q, then %q", query, s, s2)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, query := range allQueries() {
		q, err := Parse(query)
		if err != nil {
			t.Fatalf("Parse(%q): %v", query, err)
		}
		checkRoundTrip(t, query, q)
	}
}

// TestStringBuiltTree prints trees built by hand, the way a caller might.
func TestStringBuiltTree(t *testing.T) {
	a := &Term{Field: "email", Path: []string{"email"}, Fold: true, Kind: Exact, Value: "a@b.c"}
	tests := []struct {
		name string
		q    *Query
		want string
	}{
		{name: "nil query", q: nil, want: ""},
		{name: "nil root", q: &Query{}, want: ""},
		{name: "term", q: &Query{Root: a}, want: "email:a@b.c"},
		{name: "nil pointers", q: &Query{Root: &And{Operands: []Node{(*Term)(nil), (*Or)(nil), &Not{}}}}, want: " AND  AND NOT "},
		{name: "OR of NOT", q: &Query{Root: &Or{Operands: []Node{a, &Not{Operand: a}}}}, want: "email:a@b.c OR (NOT email:a@b.c)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.q.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}
