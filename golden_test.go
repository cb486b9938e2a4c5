package metapatch_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/metapatch/metapatch"
	"github.com/metapatch/metapatch/internal/reference"
)

var update = flag.Bool("update", false, "rewrite the want files of the golden cases (never their inputs)")

// sentinels names every sentinel, as want-error.json files spell them.
var sentinels = map[string]error{
	"ErrSyntax":         metapatch.ErrSyntax,
	"ErrNotObject":      metapatch.ErrNotObject,
	"ErrDuplicateKey":   metapatch.ErrDuplicateKey,
	"ErrTooDeep":        metapatch.ErrTooDeep,
	"ErrTooLarge":       metapatch.ErrTooLarge,
	"ErrInvalidKey":     metapatch.ErrInvalidKey,
	"ErrReservedKey":    metapatch.ErrReservedKey,
	"ErrTooManyKeys":    metapatch.ErrTooManyKeys,
	"ErrNotString":      metapatch.ErrNotString,
	"ErrValueTooLong":   metapatch.ErrValueTooLong,
	"ErrReadOnly":       metapatch.ErrReadOnly,
	"ErrScope":          metapatch.ErrScope,
	"ErrStoredDocument": metapatch.ErrStoredDocument,
	"ErrInvalidValue":   metapatch.ErrInvalidValue,
	"ErrUnreachable":    metapatch.ErrUnreachable,
}

// wantError is the content of a want-error.json file.
type wantError struct {
	Status    int    `json:"status"`
	ErrorCode string `json:"errorCode"`
	Err       string `json:"err"`
	Pointer   string `json:"pointer"`
	Message   string `json:"message"`
}

func toWantError(t *testing.T, err error) wantError {
	t.Helper()
	var e *metapatch.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *metapatch.Error", err, err)
	}
	name := ""
	for n, s := range sentinels {
		if errors.Is(err, s) {
			if name != "" {
				t.Fatalf("error %v wraps both %s and %s", err, name, n)
			}
			name = n
		}
	}
	return wantError{e.StatusCode, e.ErrorCode, name, e.Pointer, e.Message}
}

// options is the content of an optional options.json file.
type options struct {
	Scopes   *[]string `json:"scopes"`
	MaxBytes int       `json:"maxBytes"`
	MaxDepth int       `json:"maxDepth"`
}

func (o options) list(withScopes bool) []metapatch.Option {
	var opts []metapatch.Option
	if o.Scopes != nil && withScopes {
		opts = append(opts, metapatch.WithScopes(*o.Scopes...))
	}
	if o.MaxBytes > 0 {
		opts = append(opts, metapatch.WithMaxBytes(o.MaxBytes))
	}
	if o.MaxDepth > 0 {
		opts = append(opts, metapatch.WithMaxDepth(o.MaxDepth))
	}
	return opts
}

// A goldenCase is one directory of testdata/<group>/<case>: its name starts
// with the function family (see families); without stored.json it runs the
// family's Create function (Merge: an absent stored document).
type goldenCase struct {
	name, dir, kind string
	stored          []byte // nil when absent
	patch           []byte
	opts            options
}

// A family is the functions a case-name prefix selects, in the library and
// in the reference model. patch runs when the case has a stored document
// (or the family has no create), create when it has none.
type family struct {
	patch     func(stored, body []byte, opts ...metapatch.Option) ([]byte, error)
	create    func(body []byte, opts ...metapatch.Option) ([]byte, error)
	refPatch  func(stored, body []byte, o reference.Options) ([]byte, error)
	refCreate func(body []byte, o reference.Options) ([]byte, error)
	// emptyPatch: the family's PATCH accepts {} and changes nothing, so a
	// create's result is checked as a fixed point of {}.
	emptyPatch bool
}

// checked turns CheckImport into a create-like function: "null" when the
// file is good.
func checked(check func([]byte, ...metapatch.Option) error) func([]byte, ...metapatch.Option) ([]byte, error) {
	return func(file []byte, opts ...metapatch.Option) ([]byte, error) {
		if err := check(file, opts...); err != nil {
			return nil, err
		}
		return []byte("null"), nil
	}
}

var families = map[string]family{
	"merge":      {patch: metapatch.Merge, refPatch: reference.Merge, emptyPatch: true},
	"user":       {metapatch.PatchUser, metapatch.CreateUser, reference.PatchUser, reference.CreateUser, true},
	"client":     {metapatch.PatchClient, metapatch.CreateClient, reference.PatchClient, reference.CreateClient, true},
	"org":        {metapatch.PatchOrganization, metapatch.CreateOrganization, reference.PatchOrganization, reference.CreateOrganization, true},
	"connection": {metapatch.PatchConnection, metapatch.CreateConnection, reference.PatchConnection, reference.CreateConnection, false},
	"domain":     {metapatch.PatchCustomDomain, metapatch.CreateCustomDomain, reference.PatchCustomDomain, reference.CreateCustomDomain, true},
	"session":    {patch: metapatch.PatchSession, refPatch: reference.PatchSession},
	"refresh":    {patch: metapatch.PatchRefreshToken, refPatch: reference.PatchRefreshToken},
	"signup":     {create: metapatch.Signup, refCreate: reference.Signup},
	"import":     {create: metapatch.ImportUser, refCreate: reference.ImportUser},
	"upsert":     {patch: metapatch.UpsertUser, refPatch: reference.UpsertUser},
	"importfile": {create: checked(metapatch.CheckImport), refCreate: func(file []byte, o reference.Options) ([]byte, error) {
		if err := reference.CheckImport(file, o); err != nil {
			return nil, err
		}
		return []byte("null"), nil
	}},
}

func loadGoldenCases(t testing.TB) []goldenCase {
	dirs, err := filepath.Glob(filepath.Join("testdata", "*", "*", "patch.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no golden cases found under testdata/*/*/patch.json")
	}
	var cases []goldenCase
	for _, p := range dirs {
		dir := filepath.Dir(p)
		c := goldenCase{name: filepath.ToSlash(strings.TrimPrefix(dir, "testdata"+string(filepath.Separator))), dir: dir}
		c.kind, _, _ = strings.Cut(filepath.Base(dir), "-")
		if _, ok := families[c.kind]; !ok {
			t.Fatalf("%s: a case name starts with a family's name and a hyphen (see families)", dir)
		}
		c.patch = mustRead(t, p)
		if b, err := os.ReadFile(filepath.Join(dir, "stored.json")); err == nil {
			c.stored = b
		}
		if b, err := os.ReadFile(filepath.Join(dir, "options.json")); err == nil {
			if err := json.Unmarshal(b, &c.opts); err != nil {
				t.Fatalf("%s/options.json: %v", dir, err)
			}
		}
		cases = append(cases, c)
	}
	return cases
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// apply runs the case's function: Patch when stored is non-nil or the
// family has no Create, else Create.
func apply(kind string, stored, patch []byte, opts []metapatch.Option) ([]byte, error) {
	f := families[kind]
	if stored == nil && f.create != nil {
		return f.create(patch, opts...)
	}
	return f.patch(stored, patch, opts...)
}

// reference returns the options as the reference model takes them.
func (o options) reference() reference.Options {
	r := reference.Options{MaxBytes: o.MaxBytes, MaxDepth: o.MaxDepth}
	if o.Scopes != nil {
		r.Scoped = true
		for _, s := range *o.Scopes {
			r.Scopes = append(r.Scopes, strings.Fields(s)...)
		}
	}
	return r
}

// applyReference is apply on the reference model.
func applyReference(kind string, stored, patch []byte, o reference.Options) ([]byte, error) {
	f := families[kind]
	if stored == nil && f.refCreate != nil {
		return f.refCreate(patch, o)
	}
	return f.refPatch(stored, patch, o)
}

// agree checks that the library and the reference model give the same
// bytes, or errors wrapping the same sentinel with the same status.
func agree(t testing.TB, got []byte, err error, ref []byte, rerr error) {
	t.Helper()
	var e, re *metapatch.Error
	switch {
	case err == nil && rerr == nil:
		if !bytes.Equal(got, ref) {
			t.Errorf("library and reference disagree:\nlibrary   %s\nreference %s", got, ref)
		}
	case err != nil && rerr != nil:
		if !errors.As(err, &e) || !errors.As(rerr, &re) || e.Err != re.Err || e.StatusCode != re.StatusCode {
			t.Errorf("library error %v (%v), reference error %v (%v)", err, e.StatusCode, rerr, re.StatusCode)
		}
	default:
		t.Errorf("library: %q, %v; reference: %q, %v", got, err, ref, rerr)
	}
}

func TestGolden(t *testing.T) {
	for _, c := range loadGoldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			stored, patch := clone(c.stored), clone(c.patch)
			got, err := apply(c.kind, stored, patch, c.opts.list(true))
			if !bytes.Equal(stored, c.stored) || !bytes.Equal(patch, c.patch) {
				t.Fatal("the call modified its arguments")
			}
			ref, rerr := applyReference(c.kind, c.stored, c.patch, c.opts.reference())
			agree(t, got, err, ref, rerr)
			if checkGolden(t, c.dir, got, err) {
				checkResult(t, c, got)
			}
		})
	}
}

// checkGolden compares a call's outcome with dir's want.json (the document
// plus a newline; just a newline for no document) or want-error.json,
// which -update first rewrites. It reports whether the call succeeded as
// expected, for the caller's further checks.
func checkGolden(t *testing.T, dir string, got []byte, err error) bool {
	t.Helper()
	wantPath, errPath := filepath.Join(dir, "want.json"), filepath.Join(dir, "want-error.json")
	if *update {
		os.Remove(wantPath)
		os.Remove(errPath)
		if err != nil {
			b, _ := json.MarshalIndent(toWantError(t, err), "", "  ")
			writeFile(t, errPath, append(b, '\n'))
		} else {
			writeFile(t, wantPath, append(got, '\n'))
		}
	}
	if b, rerr := os.ReadFile(errPath); rerr == nil {
		var want wantError
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("want-error.json: %v", err)
		}
		if err == nil {
			t.Fatalf("got %s, want error %+v", got, want)
		}
		if diff := cmp.Diff(want, toWantError(t, err)); diff != "" {
			t.Errorf("error mismatch (-want +got):\n%s", diff)
		}
		if got != nil {
			t.Errorf("got document %s with the error", got)
		}
		return false
	}
	want := bytes.TrimSuffix(mustRead(t, wantPath), []byte("\n"))
	if err != nil {
		t.Fatalf("unexpected error: %v (%s)", err, toWantError(t, err).Message)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("result mismatch (-want +got):\n%s", diff)
		return false
	}
	return true
}

// checkResult checks what every successful case must satisfy: compact,
// valid JSON, and the same PATCH applied again changes nothing.
func checkResult(t *testing.T, c goldenCase, got []byte) {
	t.Helper()
	if !json.Valid(got) {
		t.Fatalf("result is not valid JSON: %s", got)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, got); err != nil || !bytes.Equal(compact.Bytes(), got) {
		t.Errorf("result is not compact: %s", got)
	}
	// Again: a PATCH applied to its own result changes nothing. A create's
	// body may hold what only a create allows (the id, root nulls), so its
	// result is checked as a stored document that an empty PATCH keeps.
	patch := c.patch
	if f := families[c.kind]; c.stored == nil && f.create != nil {
		if !f.emptyPatch || f.patch == nil {
			return // a create-only family, or one whose PATCH refuses {}
		}
		patch = []byte("{}")
	}
	again, err := apply(c.kind, got, patch, c.opts.list(c.stored != nil))
	if err != nil {
		t.Fatalf("applying the patch again: %v", err)
	}
	if diff := cmp.Diff(string(got), string(again)); diff != "" {
		t.Errorf("applying the patch again changed the result (-first +second):\n%s", diff)
	}
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
