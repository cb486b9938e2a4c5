// Package bench compares metapatch.Merge, in one run, with the libraries a
// Go developer would reach for: evanphx/json-patch's RFC 7396 MergePatch
// and a per-key sjson loop. It is a module of its own so that importers of
// metapatch never download them.
package bench

import (
	"strings"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/metapatch/metapatch"
	"github.com/metapatch/metapatch/internal/benchdata"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

var sizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"16KiB", 16 << 10}, {"256KiB", 256 << 10}, {"1MiB", 1 << 20}}

func BenchmarkCompare(b *testing.B) {
	for _, size := range sizes {
		stored, patch := benchdata.Metadata(size.n)
		benchdata.Run(b, size.name+"/metapatch", stored, patch, func(s, p []byte) ([]byte, error) { return metapatch.Merge(s, p) })
		benchdata.Run(b, size.name+"/json-patch", stored, patch, jsonpatch.MergePatch)
		benchdata.Run(b, size.name+"/sjson-loop", stored, patch, sjsonLoop)
	}
}

// BenchmarkShapes compares Merge with json-patch's MergePatch on every
// shape of benchdata.Shapes at 1 MiB, beyond BenchmarkCompare's mid-sized
// members: wide objects, tiny members, a big body, Unicode, escapes, deep
// values. The sjson loop is left out, as json-patch is on the big body:
// both rewrite the document once per body member, which on its 43,000
// members takes seconds (4.4 s for json-patch, measured once).
func BenchmarkShapes(b *testing.B) {
	for _, sh := range benchdata.Shapes {
		b.Run(sh.Name, func(b *testing.B) {
			stored, patch := sh.Make(1 << 20)
			benchdata.Run(b, "metapatch", stored, patch, func(s, p []byte) ([]byte, error) { return metapatch.Merge(s, p) })
			if sh.Name != "bigbody" {
				benchdata.Run(b, "json-patch", stored, patch, jsonpatch.MergePatch)
			}
		})
	}
}

// BenchmarkDiff compares metapatch.Diff with json-patch's CreateMergePatch
// on a pair whose 10 root members changed (one nested number each).
func BenchmarkDiff(b *testing.B) {
	for _, size := range benchdata.DiffSizes {
		b.Run(size.Name, func(b *testing.B) {
			before, after := benchdata.DiffPair(size.N, 10)
			benchdata.Run(b, "metapatch", before, after, metapatch.Diff)
			benchdata.Run(b, "json-patch", before, after, jsonpatch.CreateMergePatch)
		})
	}
}

// sjsonLoop applies each root member of the patch with sjson: null deletes,
// anything else is set raw. Names are escaped for sjson's path syntax.
func sjsonLoop(stored, patch []byte) ([]byte, error) {
	out := append([]byte(nil), stored...)
	var err error
	gjson.ParseBytes(patch).ForEach(func(k, v gjson.Result) bool {
		path := escaper.Replace(k.String())
		if v.Type == gjson.Null {
			out, err = sjson.DeleteBytes(out, path)
		} else {
			out, err = sjson.SetRawBytes(out, path, []byte(v.Raw))
		}
		return err == nil
	})
	return out, err
}

var escaper = strings.NewReplacer(".", `\.`, "*", `\*`, "?", `\?`, "|", `\|`, "#", `\#`, "@", `\@`, ":", `\:`)

// TestSameJob checks what the alternatives compute on the benchmark data:
// the sjson loop gives Auth0's result; json-patch (RFC 7396) merges the
// replaced record deeply instead of replacing it, keeping its old members.
func TestSameJob(t *testing.T) {
	stored, patch := benchdata.Metadata(16 << 10)
	want, err := metapatch.Merge(stored, patch)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sjsonLoop(stored, patch)
	if err != nil || !jsonEqual(t, want, got) {
		t.Errorf("sjson loop: %v, or a different document", err)
	}
	got, err = jsonpatch.MergePatch(stored, patch)
	if err != nil {
		t.Fatal(err)
	}
	if jsonEqual(t, want, got) {
		t.Error("json-patch gave Auth0's result; the data no longer shows the difference")
	}
	if a := gjson.GetBytes(got, "record_1.active"); !a.Exists() {
		t.Error("json-patch: record_1 was replaced, not merged deeply")
	}
	if a := gjson.GetBytes(want, "record_1.active"); a.Exists() {
		t.Error("metapatch: record_1 was merged, not replaced")
	}
}
