package metapatch_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/metapatch/metapatch"
)

// importFile returns a bulk-import file of n records of about 200 bytes
// each; record bad (if in range) writes a reserved app_metadata name.
func importFile(n, bad int) []byte {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		app := `{"plan":"full","roles":["a","b"]}`
		if i == bad {
			app = `{"plan":"full","email":"x"}`
		}
		fmt.Fprintf(&b, `{"email":"user%d@example.com","user_id":"%d","given_name":"User","user_metadata":{"theme":"dark","lang":"en"},"app_metadata":%s}`, i, i, app)
	}
	b.WriteByte(']')
	return []byte(b.String())
}

// TestCheckImportLargeFile checks a file near the 512000-byte limit: the
// problem in its last records is found, with a pointer into the file, and
// the same file without it passes.
func TestCheckImportLargeFile(t *testing.T) {
	const n = 3000
	good := importFile(n, -1)
	if len(good) < 400_000 || len(good) > 512_000 {
		t.Fatalf("the file has %d bytes; want 400 to 512 KB", len(good))
	}
	if err := metapatch.CheckImport(good); err != nil {
		t.Fatalf("a good file: %v", err)
	}
	bad := importFile(n, n-2)
	err := metapatch.CheckImport(bad)
	var e *metapatch.Error
	if !errors.As(err, &e) || !errors.Is(err, metapatch.ErrReservedKey) {
		t.Fatalf("got %v, want ErrReservedKey", err)
	}
	if want := fmt.Sprintf("/%d/app_metadata/email", n-2); e.Pointer != want {
		t.Errorf("pointer %q, want %q", e.Pointer, want)
	}
	// A duplicate far from its first record is found too.
	dup := []byte(strings.Replace(string(good), `"user2999@example.com"`, `"USER7@example.com"`, 1))
	err = metapatch.CheckImport(dup)
	if !errors.As(err, &e) || !errors.Is(err, metapatch.ErrInvalidValue) || e.Pointer != "/2999" {
		t.Fatalf("got %v, want ErrInvalidValue at /2999", err)
	}
}

// BenchmarkCheckImport reads files of 50 and 500 KB: the time per byte
// stays flat, since the file is read once.
func BenchmarkCheckImport(b *testing.B) {
	for _, n := range []int{300, 3000} {
		file := importFile(n, -1)
		b.Run(fmt.Sprintf("%dKB", len(file)/1000), func(b *testing.B) {
			b.SetBytes(int64(len(file)))
			b.ReportAllocs()
			for b.Loop() {
				if err := metapatch.CheckImport(file); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
