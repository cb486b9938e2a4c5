package query

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, that every error is an *Error
// pointing into the query, that every accepted query prints to text that
// parses to an equal tree and prints identically, and that it matches a
// document as the reference does.
func FuzzParse(f *testing.F) {
	for _, q := range allQueries() {
		f.Add(q)
	}
	for _, tc := range errorCases {
		f.Add(tc.query)
	}
	f.Add(nestGroups(50))
	f.Fuzz(func(t *testing.T, query string) {
		q, err := Parse(query)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error %T, want *Error", query, err)
			}
			if e.Offset < 0 || e.Offset > len(query) {
				t.Fatalf("Parse(%q) error offset %d outside the query", query, e.Offset)
			}
			if e.Message == "" {
				t.Fatalf("Parse(%q) error without a message", query)
			}
			return
		}
		if !utf8.ValidString(query) {
			t.Fatalf("Parse(%q) accepted invalid UTF-8", query)
		}
		checkRoundTrip(t, query, q)
		got := q.Match([]byte(userDoc))
		if ref, _ := refMatch(q, []byte(userDoc)); ref != got {
			t.Fatalf("Parse(%q).Match(userDoc) = %v, the reference says %v", query, got, ref)
		}
	})
}

// FuzzMatch checks that Match, Values and Sort.Compare never panic on any
// document bytes, that Match agrees with a reference that decodes the
// document, and with itself on the document with white space around it.
func FuzzMatch(f *testing.F) {
	queries := []string{}
	for _, tc := range matchCases {
		queries = append(queries, tc.query)
		doc := tc.doc
		if doc == "" {
			doc = userDoc
		}
		f.Add([]byte(doc), uint8(len(queries)-1))
	}
	f.Add([]byte(`{"a":[[[[[[`), uint8(0))
	f.Add([]byte(`{"user_metadata":{"a":"\ud800"}}`), uint8(1))
	parsed := make([]*Query, len(queries))
	for i, s := range queries {
		q, err := Parse(s)
		if err != nil {
			f.Fatalf("Parse(%q): %v", s, err)
		}
		parsed[i] = q
	}
	f.Fuzz(func(t *testing.T, doc []byte, which uint8) {
		q := parsed[int(which)%len(parsed)]
		got := q.Match(doc)
		if ref, ok := refMatch(q, doc); ok && ref != got || !ok && got {
			t.Fatalf("Parse(%q).Match(%q) = %v, the reference says %v (ok %v)", q, doc, got, ref, ok)
		}
		padded := append(append([]byte(" \n"), doc...), '\t')
		if again := q.Match(padded); again != got {
			t.Fatalf("Match(%q) = %v but with white space around it %v", doc, got, again)
		}
		for _, path := range [][]string{{"user_metadata", "a"}, {"email"}, {"identities", "provider"}} {
			for range Values(doc, path) {
			}
		}
		s := Sort{Field: "logins_count"}
		if c := s.Compare(doc, doc); c != 0 {
			t.Fatalf("Compare(doc, doc) = %d", c)
		}
		s.Compare(doc, []byte(userDoc))
	})
}
