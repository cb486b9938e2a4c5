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

func FuzzMerge(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, stored, patch []byte, _ bool, small bool) {
		fuzzOne(t, "merge", stored, patch, small)
	})
}

func FuzzPatchUser(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, stored, body []byte, create, small bool) {
		fuzzOne(t, "user", entityStored(stored, create), body, small)
	})
}

func FuzzPatchClient(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, stored, body []byte, create, small bool) {
		fuzzOne(t, "client", entityStored(stored, create), body, small)
	})
}

func FuzzPatchOrganization(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, stored, body []byte, create, small bool) {
		fuzzOne(t, "org", entityStored(stored, create), body, small)
	})
}

func FuzzPatchConnection(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, stored, body []byte, create, small bool) {
		fuzzOne(t, "connection", entityStored(stored, create), body, small)
	})
}

func FuzzPatchCustomDomain(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, stored, body []byte, create, small bool) {
		fuzzOne(t, "domain", entityStored(stored, create), body, small)
	})
}

func FuzzPatchSession(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, stored, body []byte, _, small bool) {
		fuzzOne(t, "session", entityStored(stored, false), body, small)
	})
}

func FuzzPatchRefreshToken(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, stored, body []byte, _, small bool) {
		fuzzOne(t, "refresh", entityStored(stored, false), body, small)
	})
}

func FuzzSignup(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, _, body []byte, _, small bool) {
		fuzzOne(t, "signup", nil, body, small)
	})
}

func FuzzImport(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, stored, record []byte, create, small bool) {
		if create {
			fuzzOne(t, "import", nil, record, small)
		} else {
			fuzzOne(t, "upsert", entityStored(stored, false), record, small)
		}
	})
}

func FuzzCheckImport(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, _, file []byte, _, small bool) {
		fuzzOne(t, "importfile", nil, file, small)
	})
}

// seed adds every golden case's inputs to a fuzz target's corpus.
func seed(f *testing.F) {
	for _, c := range loadGoldenCases(f) {
		f.Add(c.stored, c.patch, c.stored == nil, c.opts.MaxBytes > 0 || c.opts.MaxDepth > 0)
	}
}

// entityStored returns nil, which selects the Create function, for create.
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
