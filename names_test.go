package metapatch

import (
	"bytes"
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
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

// TestHashSpellings checks that a name hashes alike however it is spelled:
// plain, with escapes, or with a surrogate pair, at every decoded length
// from 1 to 300 bytes, across the inline hash's 16 bytes and the 128-byte
// pieces in which a long escaped name is hashed; and that a name one byte
// longer or different hashes differently (the neighbour case).
func TestHashSpellings(t *testing.T) {
	tab := nameTable{hasher: newHasher()}
	for n := 1; n <= 300; n++ {
		plain := strings.Repeat("a", n-1) + "é"
		escaped := strings.Repeat(`\u0061`, n-1) + `\u00e9`
		mixed := strings.Repeat("a", n/2) + strings.Repeat(`\u0061`, n-1-n/2) + "\\u00E9"
		h := tab.hash([]byte(plain), false)
		for _, s := range []string{escaped, mixed} {
			if got := tab.hash([]byte(s), true); got != h {
				t.Fatalf("length %d: %q hashes to %x, %q to %x", n, plain, h, s, got)
			}
		}
		if tab.hash([]byte(escaped+"a"), true) == h || tab.hash([]byte("b"+escaped[6:]), true) == h {
			t.Fatalf("length %d: a different name hashes alike", n)
		}
	}
	emoji := strings.Repeat("x", 130) + "😀"
	if tab.hash([]byte(emoji), false) != tab.hash([]byte(strings.Repeat("x", 130)+`\ud83d\ude00`), true) {
		t.Error("an emoji and its surrogate pair hash differently past 128 bytes")
	}
}

// TestSieve checks sieve against its definition: it keeps, in their order,
// exactly the keys whose top bits (the ones it uses) equal another key's,
// so that no name that may repeat is lost; with no shared top bits it keeps
// none (the neighbour case); with fewer than sieveMin keys or too little
// scratch space it declines.
func TestSieve(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{sieveMin - 1, sieveMin, 3000, 80_000} {
		for _, planted := range []int{0, 1, 50} {
			keys := make([]uint64, n)
			for k := range keys {
				keys[k] = r.Uint64()>>32<<32 | uint64(k)
			}
			for range planted { // a name's hash given to a later one
				a := r.IntN(n - 1)
				b := a + 1 + r.IntN(n-a-1)
				keys[b] = keys[a]>>32<<32 | uint64(b)
			}
			top := 64 - (bits.Len(uint(n)) + 3)
			count := map[uint64]int{}
			for _, k := range keys {
				count[k>>top]++
			}
			var want []uint64
			for _, k := range keys {
				if count[k>>top] > 1 {
					want = append(want, k)
				}
			}
			got := slices.Clone(keys)
			c, ok := sieve(got, make([]uint64, n/2+1))
			if n < sieveMin {
				if ok {
					t.Errorf("%d keys: sieved, want declined", n)
				}
				continue
			}
			if !ok || !slices.Equal(got[:c], want) {
				t.Fatalf("%d keys, %d planted: kept %d (ok %v), want %d", n, planted, c, ok, len(want))
			}
			if _, ok := sieve(slices.Clone(keys), make([]uint64, n/64)); ok {
				t.Errorf("%d keys: sieved with %d words of scratch space", n, n/64)
			}
		}
	}
	// No shared top bits: nothing kept.
	keys := make([]uint64, 4096)
	for k := range keys {
		keys[k] = uint64(k)<<48 | uint64(k) // 16 top bits, k in them
	}
	if c, ok := sieve(keys, make([]uint64, 4096)); !ok || c != 0 {
		t.Errorf("distinct top bits: kept %d (ok %v)", c, ok)
	}
}

// TestFirstRepeatSmall checks firstRepeatSmall against a brute-force
// search: up to inlineNames names, with hashes chosen so that many share
// their top 8 bits (the filter passes them on to the comparison), some
// share the whole top half while the names differ (a collision the name
// comparison settles), and some names repeat, plainly or escaped. The
// neighbour case: the rounds without a repeat give -1.
func TestFirstRepeatSmall(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	none := 0
	for round := range 3000 {
		n := 1 + r.IntN(inlineNames)
		src := []byte("{")
		var keys []uint64
		var names []string
		for k := range n {
			name := fmt.Sprintf("n%d", k)
			hash := uint64(r.IntN(4)) << 62 // few top bits: the filter passes many
			if k > 0 && r.IntN(8) == 0 {
				// A repeat of an earlier name, escaped half the time.
				e := r.IntN(k)
				name = names[e]
				hash = keys[e] >> 32 << 32
				if r.IntN(2) == 0 {
					name = `\u006e` + name[1:]
				}
			} else if r.IntN(4) == 0 {
				hash = uint64(r.IntN(2)) << 62 // a whole-top-half collision, names distinct
			}
			names = append(names, name)
			keys = append(keys, hash>>32<<32|uint64(len(src)+1))
			src = append(append(append(src, '"'), name...), `":1,`...)
		}
		want := -1
	search:
		for j := range keys {
			for i := range j {
				if decodeString([]byte(names[i])) == decodeString([]byte(names[j])) {
					want = int(uint32(keys[j]))
					break search
				}
			}
		}
		if got := firstRepeatSmall(src, slices.Clone(keys)); got != want {
			t.Fatalf("round %d, %d names: %d, want %d\n%s", round, n, got, want, src)
		}
		if want < 0 {
			none++
		}
	}
	if none < 300 || none > 2700 {
		t.Fatalf("%d rounds of 3000 without a repeat: the test lost a case", none)
	}
}
