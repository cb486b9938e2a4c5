package metapatch

import (
	"testing"

	"github.com/metapatch/metapatch/internal/benchdata"
	"github.com/tidwall/gjson"
)

// BenchmarkScan compares the scanner alone with gjson's validator (which
// checks less: no UTF-8, no duplicate names) on the 1 MiB metadata object.
func BenchmarkScan(b *testing.B) {
	stored, _ := benchdata.Metadata(1 << 20)
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(stored)))
		for b.Loop() {
			s := scanner{src: stored}
			s.document()
		}
	})
	b.Run("gjson", func(b *testing.B) {
		b.SetBytes(int64(len(stored)))
		for b.Loop() {
			gjson.ValidBytes(stored)
		}
	})
}
