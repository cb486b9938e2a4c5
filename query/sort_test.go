package query

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSort(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Sort
		err  *Error
	}{
		{name: "ascending", in: "created_at:1", want: Sort{Field: "created_at"}},
		{name: "descending", in: "logins_count:-1", want: Sort{Field: "logins_count", Desc: true}},
		{name: "no colon", in: "email", err: &Error{5, "sort must read field:1 (ascending) or field:-1 (descending)"}},
		{name: "bad direction", in: "email:asc", err: &Error{6, "sort direction must be 1 (ascending) or -1 (descending)"}},
		{name: "zero direction", in: "email:0", err: &Error{6, "sort direction must be 1 (ascending) or -1 (descending)"}},
		{name: "no field", in: ":1", err: &Error{0, "sort has no field before ':'"}},
		{name: "metadata", in: "user_metadata.plan:1", err: &Error{0, "sorting by metadata fields is not supported (user_metadata.plan)"}},
		{name: "metadata root", in: "app_metadata:-1", err: &Error{0, "sorting by metadata fields is not supported (app_metadata)"}},
		{name: "dotted", in: "identities.provider:1", err: &Error{10, "sort field must be a root property, without '.'"}},
		{name: "space", in: "a b:1", err: &Error{1, "sort field cannot contain white space or ':'"}},
		{name: "two colons", in: "a:b:1", err: &Error{1, "sort field cannot contain white space or ':'"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSort(tc.in)
			if tc.err == nil {
				if err != nil {
					t.Fatalf("ParseSort(%q): %v", tc.in, err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("ParseSort(%q) (-want +got):\n%s", tc.in, diff)
				}
				if s := got.String(); s != tc.in {
					t.Errorf("ParseSort(%q).String() = %q", tc.in, s)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseSort(%q) = %v, %v; want *Error", tc.in, got, err)
			}
			if diff := cmp.Diff(tc.err, e); diff != "" {
				t.Errorf("ParseSort(%q) error (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestSortCompare(t *testing.T) {
	// docs is in ascending order of "v"; the last three tie as absent.
	docs := []string{
		`{"v":-1}`,
		`{"v":2}`,
		`{"v":10}`,
		`{"v":12345678901234567891}`,
		`{"v":1e400}`,
		`{"v":""}`,
		`{"v":"B"}`,
		`{"v":"a"}`,
		`{"v":"\u00e9"}`,
		`{"v":false}`,
		`{"v":true}`,
		`{"v":null}`,
		`{"w":1}`,
		`{"v":`,
	}
	asc := Sort{Field: "v"}
	desc := Sort{Field: "v", Desc: true}
	const absent = 11
	for i := range docs {
		for j := range docs {
			a, b := []byte(docs[i]), []byte(docs[j])
			var want int
			switch {
			case i >= absent && j >= absent:
				want = 0
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := sign(asc.Compare(a, b)); got != want {
				t.Errorf("ascending Compare(%s, %s) = %d, want %d", a, b, got, want)
			}
			wantDesc := -want
			if i >= absent || j >= absent {
				wantDesc = want // absent last both ways
			}
			if got := sign(desc.Compare(a, b)); got != wantDesc {
				t.Errorf("descending Compare(%s, %s) = %d, want %d", a, b, got, wantDesc)
			}
		}
	}
}

func TestSortCompareEqual(t *testing.T) {
	s := Sort{Field: "n"}
	for _, pair := range [][2]string{
		{`{"n":13}`, `{"n":13.0}`},
		{`{"n":"x"}`, `{"n":"\u0078"}`},
		{`{"n":{}}`, `{"n":[1]}`},
		{`{"n":1,"n":"x"}`, `{"n":"x"}`},
	} {
		if got := s.Compare([]byte(pair[0]), []byte(pair[1])); got != 0 {
			t.Errorf("Compare(%s, %s) = %d, want 0", pair[0], pair[1], got)
		}
	}
	if got := s.Compare([]byte(`{"n":13}`), []byte(`{"n":13.5}`)); got >= 0 {
		t.Errorf("Compare(13, 13.5) = %d, want negative", got)
	}
}

// TestSortSlices sorts documents with slices.SortStableFunc, as a caller
// would.
func TestSortSlices(t *testing.T) {
	docs := []string{`{"id":1}`, `{"id":2,"n":"b"}`, `{"id":3,"n":5}`, `{"id":4,"n":"a"}`, `{"id":5,"n":null}`, `{"id":6,"n":5.0}`}
	order := func(s Sort) []string {
		out := slices.Clone(docs)
		slices.SortStableFunc(out, func(a, b string) int { return s.Compare([]byte(a), []byte(b)) })
		return out
	}
	wantAsc := []string{`{"id":3,"n":5}`, `{"id":6,"n":5.0}`, `{"id":4,"n":"a"}`, `{"id":2,"n":"b"}`, `{"id":1}`, `{"id":5,"n":null}`}
	if diff := cmp.Diff(wantAsc, order(Sort{Field: "n"})); diff != "" {
		t.Errorf("ascending (-want +got):\n%s", diff)
	}
	wantDesc := []string{`{"id":2,"n":"b"}`, `{"id":4,"n":"a"}`, `{"id":3,"n":5}`, `{"id":6,"n":5.0}`, `{"id":1}`, `{"id":5,"n":null}`}
	if diff := cmp.Diff(wantDesc, order(Sort{Field: "n", Desc: true})); diff != "" {
		t.Errorf("descending (-want +got):\n%s", diff)
	}
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}
