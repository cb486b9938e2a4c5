package metapatch_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/metapatch/metapatch"
	"github.com/metapatch/metapatch/internal/reference"
)

// The fuzz targets check, for any input: no panic; the library and the
// reference model agree (same bytes, or the same sentinel and status); a
// success is valid compact JSON; applying the same body to the result
// changes nothing; the inputs are not modified. small selects tight limits
// (4 KiB, depth 4) so that the limit rules are exercised too.

func FuzzMerge(f *testing.F)             { fuzzFamily(f, "merge") }
func FuzzPatchUser(f *testing.F)         { fuzzFamily(f, "user") }
func FuzzPatchClient(f *testing.F)       { fuzzFamily(f, "client") }
func FuzzPatchOrganization(f *testing.F) { fuzzFamily(f, "org") }
func FuzzPatchConnection(f *testing.F)   { fuzzFamily(f, "connection") }
func FuzzPatchCustomDomain(f *testing.F) { fuzzFamily(f, "domain") }
func FuzzPatchSession(f *testing.F)      { fuzzFamily(f, "session") }
func FuzzPatchRefreshToken(f *testing.F) { fuzzFamily(f, "refresh") }
func FuzzSignup(f *testing.F)            { fuzzFamily(f, "signup") }
func FuzzCheckImport(f *testing.F)       { fuzzFamily(f, "importfile") }

// FuzzImport runs ImportUser (create) and UpsertUser on the same inputs.
func FuzzImport(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, stored, record []byte, create, small bool) {
		kind := "upsert"
		if create {
			kind = "import"
		}
		fuzzOne(t, kind, entityStored(stored, create), record, small)
	})
}

// fuzzFamily fuzzes a family of functions (see families): its Patch
// function on a stored document, or its Create function when create is set
// (or when it has no Patch function).
func fuzzFamily(f *testing.F, kind string) {
	seed(f)
	fam := families[kind]
	f.Fuzz(func(t *testing.T, stored, body []byte, create, small bool) {
		if fam.create == nil {
			create = false // Merge takes an absent stored document instead
		}
		if fam.patch == nil {
			create = true
		}
		fuzzOne(t, kind, entityStored(stored, create), body, small)
	})
}

// seed adds every golden case's inputs to a fuzz target's corpus.
func seed(f *testing.F) {
	for _, c := range loadGoldenCases(f) {
		f.Add(c.stored, c.patch, c.stored == nil, c.opts.MaxBytes > 0 || c.opts.MaxDepth > 0)
	}
}

// entityStored returns nil, which selects the Create function, for create;
// otherwise stored, never nil (an absent document spelled as empty).
func entityStored(stored []byte, create bool) []byte {
	if create {
		return nil
	}
	if stored == nil {
		return []byte{}
	}
	return stored
}

func fuzzOne(t *testing.T, kind string, stored, patch []byte, small bool) {
	var opts []metapatch.Option
	var ropts reference.Options
	if small {
		opts = []metapatch.Option{metapatch.WithMaxBytes(4096), metapatch.WithMaxDepth(4)}
		ropts = reference.Options{MaxBytes: 4096, MaxDepth: 4}
	}
	s0, p0 := bytes.Clone(stored), bytes.Clone(patch)
	got, err := apply(kind, stored, patch, opts)
	if !bytes.Equal(s0, stored) || !bytes.Equal(p0, patch) {
		t.Fatal("the call modified its arguments")
	}
	ref, rerr := applyReference(kind, stored, patch, ropts)
	agree(t, got, err, ref, rerr)
	var e *metapatch.Error
	if err != nil {
		if !errors.As(err, &e) || got != nil {
			t.Fatalf("error %v (%T) with result %q", err, err, got)
		}
		return
	}
	var compact bytes.Buffer
	if json.Compact(&compact, got) != nil || !bytes.Equal(compact.Bytes(), got) {
		t.Fatalf("result is not compact valid JSON: %q", got)
	}
	if f := families[kind]; stored == nil && f.create != nil {
		if !f.emptyPatch || f.patch == nil {
			return // a create-only family, or one whose PATCH refuses {}
		}
		patch = []byte("{}") // a create's result must be kept by an empty PATCH
	}
	again, err := apply(kind, got, patch, opts)
	if err != nil || !bytes.Equal(again, got) {
		t.Fatalf("applying the body again: %q, %v; first result %q", again, err, got)
	}
}
