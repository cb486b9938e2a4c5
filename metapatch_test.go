package metapatch_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/metapatch/metapatch"
)

func TestOneAllocationOnSuccess(t *testing.T) {
	stored := []byte(`{"a":1,"b":{"c":[1,2,3]},"d":"x","e":"\u00e9"}`)
	patch := []byte(`{"b":null,"f":2,"a":3,"\u0064":"y"}`)
	user := []byte(`{"email":"a@example.com","user_metadata":{"a":1},"app_metadata":{"p":1}}`)
	body := []byte(`{"user_metadata":{"b":2},"app_metadata":{"p":null},"nickname":"x","password":"p"}`)
	client, clientBody := []byte(`{"client_metadata":{"a":"1"}}`), []byte(`{"client_metadata":{"b":"2"}}`)
	for _, tc := range []struct {
		name string
		f    func() ([]byte, error)
	}{
		{"Merge", func() ([]byte, error) { return metapatch.Merge(stored, patch) }},
		{"PatchUser", func() ([]byte, error) { return metapatch.PatchUser(user, body) }},
		{"PatchClient", func() ([]byte, error) { return metapatch.PatchClient(client, clientBody) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.f(); err != nil {
				t.Fatal(err)
			}
			if n := testing.AllocsPerRun(100, func() { tc.f() }); n > 1 {
				t.Errorf("%s: %v allocations per call, want at most 1", tc.name, n)
			}
		})
	}
	// The neighbour case: an error is allowed to allocate, and does.
	if n := testing.AllocsPerRun(10, func() { metapatch.Merge(stored, []byte(`{"a":1,"a":2}`)) }); n <= 1 {
		t.Errorf("an error path made %v allocations; the test cannot tell success from failure", n)
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *metapatch.Error
		want string
	}{
		{"with pointer", &metapatch.Error{Err: metapatch.ErrInvalidKey, Pointer: "/user_metadata/a.b"}, `metapatch: invalid name at "/user_metadata/a.b"`},
		{"root", &metapatch.Error{Err: metapatch.ErrNotObject}, `metapatch: not an object`},
		{"no sentinel", &metapatch.Error{}, `metapatch: error`},
		{"escaped pointer", &metapatch.Error{Err: metapatch.ErrDuplicateKey, Pointer: "/a~1b"}, `metapatch: duplicate name at "/a~1b"`},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%s: Error() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestErrorJSON(t *testing.T) {
	tests := []struct {
		name string
		call func() ([]byte, error)
		want string
	}{
		{"400", func() ([]byte, error) { return metapatch.PatchUser(nil, []byte(`{"user_metadata":{"a.b":1}}`)) },
			`{"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Invalid property name: a.b (names must not contain . or $)' on property user_metadata.a.b.","errorCode":"invalid_body"}`},
		{"403", func() ([]byte, error) {
			return metapatch.PatchUser(nil, []byte(`{"app_metadata":{}}`), metapatch.WithScopes("update:current_user_metadata"))
		}, `{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: update:users,update:users_app_metadata","errorCode":"insufficient_scope"}`},
		{"413", func() ([]byte, error) { return metapatch.Merge(nil, []byte(`{"a":1}`), metapatch.WithMaxBytes(3)) },
			`{"statusCode":413,"error":"Request Entity Too Large","message":"Payload content length greater than maximum allowed: 3","errorCode":"payload_too_large"}`},
		{"500", func() ([]byte, error) { return metapatch.Merge([]byte(`[]`), []byte(`{"a":1}`)) },
			`{"statusCode":500,"error":"Internal Server Error","message":"Stored document is not usable: the document is not an object","errorCode":"invalid_stored_document"}`},
	}
	for _, tc := range tests {
		_, err := tc.call()
		var e *metapatch.Error
		if !errors.As(err, &e) {
			t.Fatalf("%s: error %v is not a *metapatch.Error", tc.name, err)
		}
		got, jerr := json.Marshal(e)
		if jerr != nil {
			t.Fatal(jerr)
		}
		if diff := cmp.Diff(tc.want, string(got)); diff != "" {
			t.Errorf("%s: error body (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestErrorIsExactlyOneSentinel(t *testing.T) {
	_, err := metapatch.PatchClient(nil, []byte(`{"client_metadata":{"a":1}}`))
	if !errors.Is(err, metapatch.ErrNotString) {
		t.Fatalf("got %v, want ErrNotString", err)
	}
	for name, s := range sentinels {
		if s != metapatch.ErrNotString && errors.Is(err, s) {
			t.Errorf("error also matches %s", name)
		}
	}
}

func TestOptionsPanicWhenBuilt(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"WithMaxBytes(0)", func() { metapatch.WithMaxBytes(0) }},
		{"WithMaxDepth(-1)", func() { metapatch.WithMaxDepth(-1) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
	// The neighbours: the smallest legal values build and apply.
	if _, err := metapatch.Merge(nil, []byte(`{}`), metapatch.WithMaxBytes(2), metapatch.WithMaxDepth(1)); err != nil {
		t.Errorf("smallest limits: %v", err)
	}
}

func TestScopesLastWins(t *testing.T) {
	body := []byte(`{"app_metadata":{"a":1}}`)
	_, err := metapatch.PatchUser(nil, body, metapatch.WithScopes("update:users"), metapatch.WithScopes("update:current_user_metadata"))
	if !errors.Is(err, metapatch.ErrScope) {
		t.Errorf("last WithScopes refused app_metadata: got %v, want ErrScope", err)
	}
	if _, err := metapatch.PatchUser(nil, body, metapatch.WithScopes("update:current_user_metadata"), metapatch.WithScopes("update:users")); err != nil {
		t.Errorf("last WithScopes allows app_metadata: %v", err)
	}
}

// TestManyMembers crosses the name list's inline capacity and the patch
// size where lookups switch from a linear scan to hashing.
func TestManyMembers(t *testing.T) {
	const n = 2000
	var stored, patch, want strings.Builder
	stored.WriteString("{")
	want.WriteString("{")
	for i := range n {
		if i > 0 {
			stored.WriteString(",")
		}
		fmt.Fprintf(&stored, `"k%d":%d`, i, i)
		switch {
		case i%3 == 0: // deleted
		case i%3 == 1: // replaced
			if want.Len() > 1 {
				want.WriteString(",")
			}
			fmt.Fprintf(&want, `"k%d":"r%d"`, i, i)
		default: // kept
			if want.Len() > 1 {
				want.WriteString(",")
			}
			fmt.Fprintf(&want, `"k%d":%d`, i, i)
		}
	}
	stored.WriteString("}")
	patch.WriteString("{")
	for i := range n {
		if i > 0 {
			patch.WriteString(",")
		}
		switch i % 3 {
		case 0:
			fmt.Fprintf(&patch, `"k%d":null`, i)
		case 1:
			fmt.Fprintf(&patch, `"k\u0025d":"r%d"`, i) // placeholder, replaced below
		default:
			fmt.Fprintf(&patch, `"new%d":%d`, i, i)
		}
	}
	patch.WriteString("}")
	// Spell the replaced names with an escape, so lookups compare decoded.
	p := patch.String()
	for i := 1; i < n; i += 3 {
		p = strings.Replace(p, `"k\u0025d"`, fmt.Sprintf(`"\u006b%d"`, i), 1)
	}
	for i := 2; i < n; i += 3 {
		fmt.Fprintf(&want, `,"new%d":%d`, i, i)
	}
	want.WriteString("}")
	got, err := metapatch.Merge([]byte(stored.String()), []byte(p))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The neighbour: the same patch with one name repeated (spelled
	// differently) at the very end is refused.
	dup := strings.TrimSuffix(p, "}") + `,"\u006e\u0065w2":0}`
	if _, err := metapatch.Merge([]byte(stored.String()), []byte(dup)); !errors.Is(err, metapatch.ErrDuplicateKey) {
		t.Errorf("duplicate after %d names: got %v, want ErrDuplicateKey", n, err)
	} else if e := err.(*metapatch.Error); e.Pointer != "/new2" {
		t.Errorf("pointer = %q, want /new2", e.Pointer)
	}
	// And a stored document repeating a name among thousands is refused.
	sdup := strings.TrimSuffix(stored.String(), "}") + `,"k1999":0}`
	if _, err := metapatch.Merge([]byte(sdup), []byte(`{"x":1}`)); !errors.Is(err, metapatch.ErrStoredDocument) {
		t.Errorf("stored duplicate: got %v, want ErrStoredDocument", err)
	}
}

func TestDeepBodyFailsFastWithFlatMemory(t *testing.T) {
	for _, tc := range []struct{ name, open string }{{"arrays", "["}, {"objects", `{"a":`}} {
		body := bytes.Repeat([]byte(tc.open), 10<<20/len(tc.open))
		var err error
		allocs := testing.AllocsPerRun(1, func() { _, err = metapatch.Merge(nil, body) })
		var e *metapatch.Error
		if tc.name == "arrays" {
			// The root is an array: still refused for depth first.
			if !errors.As(err, &e) || !errors.Is(err, metapatch.ErrTooDeep) {
				t.Fatalf("%s: got %v, want ErrTooDeep", tc.name, err)
			}
		} else if !errors.Is(err, metapatch.ErrTooDeep) {
			t.Fatalf("%s: got %v, want ErrTooDeep", tc.name, err)
		}
		if allocs > 1000 {
			t.Errorf("%s: %v allocations for a refused deep body", tc.name, allocs)
		}
	}
	// The neighbour: the same nesting within the limit is accepted.
	body := []byte(strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100))
	if _, err := metapatch.Merge(nil, body); err != nil {
		t.Errorf("depth 100: %v", err)
	}
}

// TestNoPanicOnPrefixes cuts every golden input at every byte: each call
// must return a document or a *metapatch.Error, never panic.
func TestNoPanicOnPrefixes(t *testing.T) {
	for _, c := range loadGoldenCases(t) {
		if len(c.patch)+len(c.stored) > 4096 {
			continue
		}
		for i := 0; i <= len(c.patch); i++ {
			checkErrorType(t, c, c.stored, c.patch[:i])
		}
		for i := 0; i <= len(c.stored); i++ {
			checkErrorType(t, c, c.stored[:i], c.patch)
		}
	}
}

func checkErrorType(t *testing.T, c goldenCase, stored, patch []byte) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s: panic on stored %q patch %q: %v", c.name, stored, patch, r)
		}
	}()
	got, err := apply(c.kind, stored, patch, c.opts.list(true))
	var e *metapatch.Error
	switch {
	case err == nil && !json.Valid(got):
		t.Errorf("%s: invalid result %q", c.name, got)
	case err != nil && (!errors.As(err, &e) || got != nil):
		t.Errorf("%s: error %v (%T) with result %q", c.name, err, err, got)
	}
}
