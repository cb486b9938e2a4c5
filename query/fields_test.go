package query

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCaseInsensitive(t *testing.T) {
	for _, f := range []string{"email", "name", "given_name", "family_name", "nickname"} {
		if !CaseInsensitive(f) {
			t.Errorf("CaseInsensitive(%q) = false", f)
		}
	}
	for _, f := range []string{"username", "user_id", "Email", "user_metadata.email", "", "identities.user_id"} {
		if CaseInsensitive(f) {
			t.Errorf("CaseInsensitive(%q) = true", f)
		}
	}
}

func TestIsMetadata(t *testing.T) {
	for _, f := range []string{"user_metadata", "app_metadata", "user_metadata.a", "app_metadata.a.b"} {
		if !IsMetadata(f) {
			t.Errorf("IsMetadata(%q) = false", f)
		}
	}
	for _, f := range []string{"", "user_metadatax", "user_metadata_a", "client_metadata.a", "metadata.a", "email", "identities.user_id"} {
		if IsMetadata(f) {
			t.Errorf("IsMetadata(%q) = true", f)
		}
	}
}

func TestDefaultFields(t *testing.T) {
	got := DefaultFields()
	want := []string{"email", "name", "given_name", "family_name", "nickname"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DefaultFields() (-want +got):\n%s", diff)
	}
	got[0] = "changed"
	if DefaultFields()[0] != "email" {
		t.Error("DefaultFields returns a slice the package keeps")
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"John.DOE@Example.COM", "john.doe@example.com"},
		{"ÉLODIE", "élodie"},
		{"already", "already"},
		{"a\xffB", "a\xffb"},
	}
	for _, tc := range tests {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestValues(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		path []string
		want []string
	}{
		{name: "scalar", doc: `{"a":{"b":1}}`, path: []string{"a", "b"}, want: []string{"1"}},
		{name: "arrays skipped", doc: `{"a":[{"b":["x",["y"]]},{"b":true}]}`, path: []string{"a", "b"}, want: []string{`"x"`, `"y"`, "true"}},
		{name: "unindexed skipped", doc: `{"a":[null,{},[],"z"]}`, path: []string{"a"}, want: []string{`"z"`}},
		{name: "object yields nothing", doc: `{"a":{"b":1}}`, path: []string{"a"}},
		{name: "escaped name", doc: `{"\u0061":"x"}`, path: []string{"a"}, want: []string{`"x"`}},
		{name: "last duplicate", doc: `{"a":1,"a":2}`, path: []string{"a"}, want: []string{"2"}},
		{name: "white space", doc: " {\n\"a\" : [ 1 , 2 ] } ", path: []string{"a"}, want: []string{"1", "2"}},
		{name: "invalid", doc: `{"a":1`, path: []string{"a"}},
		{name: "empty path", doc: `{"a":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for v := range Values([]byte(tc.doc), tc.path) {
				got = append(got, string(v))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Values(%s, %q) (-want +got):\n%s", tc.doc, tc.path, diff)
			}
		})
	}
	// Stopping early is honoured.
	n := 0
	for range Values([]byte(`{"a":[1,2,3]}`), []string{"a"}) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("Values kept yielding after break: %d", n)
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Exact: "Exact", Prefix: "Prefix", Range: "Range", Exists: "Exists", 0: "Kind(0)", 9: "Kind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

func TestMatchValue(t *testing.T) {
	q, err := Parse(`logins_count:[10 TO 20]`)
	if err != nil {
		t.Fatal(err)
	}
	term := q.Root.(*Term)
	for raw, want := range map[string]bool{"13": true, "9": false, `"13"`: true, `"3"`: false, "true": false, "null": false, "[13]": false, "": false, "1x": false} {
		if got := term.MatchValue([]byte(raw)); got != want {
			t.Errorf("MatchValue(%q) = %v, want %v", raw, got, want)
		}
	}
}
