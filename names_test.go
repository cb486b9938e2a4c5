package metapatch

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/metapatch/metapatch/internal/benchdata"
)

// TestNamesToHold checks the size of the scratch space a walk sets aside
// for a stored object's names: none when they fit inline, the count of ':'
// bytes for a short input, and for a long one an estimate from its first
// sampleBytes that covers a uniform object without counting its nested
// names.
func TestNamesToHold(t *testing.T) {
	members := func(n int, value string) []byte {
		b := []byte("{")
		for k := range n {
			if k > 0 {
				b = append(b, ',')
			}
			b = fmt.Appendf(b, `"m%d":%s`, k, value)
		}
		return append(b, '}')
	}
	nested := `{"a":1,"b":2,"c":3}` // three ':' bytes that are not root names
	for _, tc := range []struct {
		name     string
		src      []byte
		min, max int
	}{
		{"absent", nil, 0, 0},
		{"short, few names", members(10, "1"), 0, 0},
		{"short, 64 names: inline", members(64, "1"), 0, 0},
		{"short, 65 names", members(65, "1"), 65, 65},
		{"short, nested: every ':'", members(100, nested), 400, 400},
		// The first names ("m0" to "m999") are shorter than the rest: the
		// estimate is above the count, never below.
		{"long, flat", members(50_000, "1"), 50_000, 50_000 * 3 / 2},
		{"long, nested: root names only", members(20_000, nested), 20_000, 20_000 * 3 / 2},
		{"long, few large members: inline", members(30, `"`+strings.Repeat("x", 1000)+`"`), 0, 0},
		{"long, more large members", members(200, `"`+strings.Repeat("x", 1000)+`"`), 200, 300},
		{"not an object", bytes.Repeat([]byte("[1,"), 10_000), 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := namesToHold(tc.src); got < tc.min || got > tc.max {
				t.Errorf("namesToHold = %d, want %d to %d", got, tc.min, tc.max)
			}
		})
	}
	// The benchmark shapes: tight on flat objects, and far below the count
	// of ':' bytes on today's shape of large nested members.
	mid, _ := benchdata.Metadata(1 << 20)
	if got, colons := namesToHold(mid), bytes.Count(mid, []byte{':'}); got > 1000 || got*50 > colons {
		t.Errorf("mid: namesToHold = %d for %d ':' bytes", got, colons)
	}
	tiny, _ := benchdata.Tiny(1 << 20)
	if got, n := namesToHold(tiny), bytes.Count(tiny, []byte{':'}); got < n || got > n*5/4+16 {
		t.Errorf("tiny: namesToHold = %d for %d names", got, n)
	}
}

// TestStoredRepeatsWhateverTheSpareCapacity checks that a repeated name in
// a large stored object is found whether the sort of its names has the
// result's spare capacity to use (the body touches its first member: the
// rest is one run, copied after the sort) or not (the body touches its last
// member, so nearly all of it is copied before), and that without the
// repeat both merges succeed.
func TestStoredRepeatsWhateverTheSpareCapacity(t *testing.T) {
	object := func(repeat bool) []byte {
		b := []byte("{")
		for k := range 2000 {
			b = fmt.Appendf(b, `"m%d":%d,`, k, k)
		}
		if repeat {
			b = append(b, `"m\u0031234":0,`...) // m1234 again, escaped
		}
		return append(b, `"last":0}`...)
	}
	for _, body := range []string{`{"m0":1}`, `{"last":1}`} {
		out, err := Merge(object(false), []byte(body))
		if err != nil || !bytes.Contains(out, []byte(body[1:len(body)-1])) {
			t.Errorf("%s without a repeat: %v, %.40q", body, err, out)
		}
		_, err = Merge(object(true), []byte(body))
		var e *Error
		if !errors.As(err, &e) || e.Err != ErrStoredDocument || !strings.Contains(e.Message, "m1234") {
			t.Errorf("%s with m1234 repeated: %v", body, err)
		}
	}
}
