package metapatch_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/metapatch/metapatch"
	"github.com/metapatch/metapatch/internal/benchdata"
	"github.com/tidwall/gjson"
)

var benchSizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"16KiB", 16 << 10}, {"256KiB", 256 << 10}, {"1MiB", 1 << 20}}

// BenchmarkMerge compares, in one run, Merge with what a Go developer would
// write instead (encoding/json into map[string]any, merge, marshal: what
// supabase/auth does) and with the floor (gjson.ValidBytes over both inputs
// and one copy of the result). bench/ adds evanphx/json-patch and sjson.
func BenchmarkMerge(b *testing.B) {
	for _, size := range benchSizes {
		stored, patch := benchdata.Metadata(size.n)
		benchMergeShapes(b, size.name, stored, patch)
	}
	stored, patch := benchdata.Wide(1 << 20)
	benchMergeShapes(b, "1MiB-wide", stored, patch)
}

// BenchmarkMergeShapes runs Merge and the floor on every shape at 1 MiB
// and 8 MiB: compare metapatch ÷ floor per shape, and ns/B at 8 MiB with
// ns/B at 1 MiB (linearity).
func BenchmarkMergeShapes(b *testing.B) {
	for _, sh := range benchdata.Shapes {
		for _, size := range []struct {
			name string
			n    int
		}{{"1MiB", 1 << 20}, {"8MiB", 8 << 20}} {
			b.Run(sh.Name+"/"+size.name, func(b *testing.B) {
				stored, patch := sh.Make(size.n)
				benchdata.Run(b, "metapatch", stored, patch, func(s, p []byte) ([]byte, error) { return metapatch.Merge(s, p) })
				benchdata.Run(b, "floor", stored, patch, floor)
			})
		}
	}
}

// BenchmarkDiff diffs a pair whose 10 root members changed (one nested
// number each) against the floor over the same pair. bench/ compares it
// with evanphx/json-patch's CreateMergePatch.
func BenchmarkDiff(b *testing.B) {
	for _, size := range benchdata.DiffSizes {
		b.Run(size.Name, func(b *testing.B) {
			before, after := benchdata.DiffPair(size.N, 10)
			benchdata.Run(b, "metapatch", before, after, metapatch.Diff)
			benchdata.Run(b, "floor", before, after, floor)
		})
	}
}

func benchMergeShapes(b *testing.B, name string, stored, patch []byte) {
	benchdata.Run(b, name+"/metapatch", stored, patch, func(s, p []byte) ([]byte, error) { return metapatch.Merge(s, p) })
	benchdata.Run(b, name+"/encoding-json-map", stored, patch, mapMerge)
	benchdata.Run(b, name+"/floor", stored, patch, floor)
}

// mapMerge is the root-level merge through encoding/json and a Go map.
func mapMerge(stored, patch []byte) ([]byte, error) {
	var s, p map[string]any
	if err := json.Unmarshal(stored, &s); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, err
	}
	for k, v := range p {
		if v == nil {
			delete(s, k)
		} else {
			s[k] = v
		}
	}
	return json.Marshal(s)
}

// floor is the least any validating merge must do: validate both inputs
// and copy out one result.
func floor(stored, patch []byte) ([]byte, error) {
	if !gjson.ValidBytes(stored) || !gjson.ValidBytes(patch) {
		return nil, fmt.Errorf("invalid")
	}
	out := make([]byte, 0, len(stored)+len(patch))
	return append(append(out, stored...), patch...), nil
}

func BenchmarkPatchUser(b *testing.B) {
	user, body := benchdata.User()
	benchdata.Run(b, "2KB", user, body, func(u, p []byte) ([]byte, error) { return metapatch.PatchUser(u, p) })
	benchdata.Run(b, "2KB/floor", user, body, floor)
}

// BenchmarkManyMembers validates bodies of 10,000 and 100,000 members:
// duplicate detection must stay linear (compare ns/op per member).
func BenchmarkManyMembers(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		benchdata.Run(b, fmt.Sprint(n), nil, benchdata.Members(n), func(s, p []byte) ([]byte, error) { return metapatch.Merge(s, p) })
	}
}

// TestDiffAllocations asserts that Diff allocates in proportion to what
// changed, not to the document: at most 200 allocations for 10 changed
// root members of a 1 MiB pair.
func TestDiffAllocations(t *testing.T) {
	before, after := benchdata.DiffPair(1<<20, 10)
	p, err := metapatch.Diff(before, after)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(p, &body); err != nil || len(body) != 10 {
		t.Fatalf("the patch names %d members, want 10 (%v)", len(body), err)
	}
	if got := testing.AllocsPerRun(2, func() { metapatch.Diff(before, after) }); got > 200 {
		t.Errorf("%v allocations per call, want at most 200", got)
	}
	// The neighbour case: equal documents give no patch.
	if p, err := metapatch.Diff(before, before); p != nil || err != nil {
		t.Errorf("Diff of a document with itself: %q, %v", p, err)
	}
}

// TestAllocationsOnShapes asserts the allocation budget of a successful
// Merge on every benchmark shape, with the collector running: one, the
// result, whose array also holds the scratch space for the stored names
// (sized once from the input); a big body two, its names' list being the
// other. The 14 MiB sizes run unless -short.
func TestAllocationsOnShapes(t *testing.T) {
	sizes := []int{1 << 20}
	if !testing.Short() {
		sizes = append(sizes, 14<<20)
	}
	for _, sh := range benchdata.Shapes {
		for _, n := range sizes {
			stored, patch := sh.Make(n)
			want := 1.0
			if sh.Name == "bigbody" {
				want = 2
			}
			t.Run(fmt.Sprintf("%s/%d", sh.Name, n), func(t *testing.T) {
				if _, err := metapatch.Merge(stored, patch); err != nil {
					t.Fatal(err)
				}
				if got := testing.AllocsPerRun(5, func() { metapatch.Merge(stored, patch) }); got > want {
					t.Errorf("%v allocations per call, want at most %v", got, want)
				}
			})
		}
	}
	// The neighbour case: a body with a duplicate name fails, and its
	// error allocates.
	stored, patch := benchdata.Tiny(1 << 20)
	dup := append(bytes.Clone(patch[:len(patch)-1]), `,"k0000001":2}`...)
	if got := testing.AllocsPerRun(2, func() { metapatch.Merge(stored, dup) }); got <= 1 {
		t.Errorf("an error made %v allocations; the test cannot tell success from failure", got)
	}
}
