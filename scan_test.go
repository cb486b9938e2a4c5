package metapatch

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

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

// TestSpecial checks special's lowest flag against a byte-by-byte search:
// every byte value at each position 0..7 of a word, alone and with any
// special byte after it, and a word without one.
func TestSpecial(t *testing.T) {
	isSpecial := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 || c >= 0x80 }
	lowest := func(x uint64) int {
		if m := special(x); m != 0 {
			return bits.TrailingZeros64(m) >> 3
		}
		return 8
	}
	if got := lowest(binary.LittleEndian.Uint64([]byte("abcdefgh"))); got != 8 {
		t.Fatalf("plain word: lowest flag at %d", got)
	}
	for k := range 8 {
		for v := range 256 {
			for _, after := range []byte{'a', '"', '\\', 0, 0x1F, 0x80, 0xFF} {
				w := []byte("abcdefgh")
				w[k] = byte(v)
				for j := k + 1; j < 8; j++ {
					w[j] = after
				}
				want := 8
				for j, c := range w {
					if isSpecial(c) {
						want = j
						break
					}
				}
				if got := lowest(binary.LittleEndian.Uint64(w)); got != want {
					t.Fatalf("%q: lowest flag at %d, want %d", w, got, want)
				}
			}
		}
	}
}

// strRef is str byte by byte, for TestStrBoundaries: the end (or the
// offset of the problem), whether there were escapes, and whether it is
// valid.
func strRef(src []byte, i int, body bool) (int, bool, bool) {
	esc := false
	for j := i + 1; j < len(src); {
		switch c := src[j]; {
		case c == '"':
			return j + 1, esc, true
		case c == '\\':
			esc = true
			if j+1 >= len(src) {
				return j, esc, false
			}
			switch src[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
				continue
			case 'u':
			default:
				return j, esc, false
			}
			r, err := strconv.ParseUint(string(src[j+2:min(j+6, len(src))]), 16, 32)
			if err != nil || j+6 > len(src) {
				return j, esc, false
			}
			if body && utf16.IsSurrogate(rune(r)) {
				r2, err := strconv.ParseUint(string(src[min(j+8, len(src)):min(j+12, len(src))]), 16, 32)
				if r >= 0xDC00 || err != nil || j+12 > len(src) || src[j+6] != '\\' || src[j+7] != 'u' || r2 < 0xDC00 || r2 >= 0xE000 {
					return j, esc, false
				}
				j += 6
			}
			j += 6
		case c < 0x20:
			return j, esc, false
		case c < utf8.RuneSelf:
			j++
		default:
			r, n := utf8.DecodeRune(src[j:])
			if r == utf8.RuneError {
				return j, esc, false
			}
			j += n
		}
	}
	return len(src), esc, false
}

// TestStrBoundaries puts each kind of special byte or sequence at each
// position 0..40 of a string, with 0..9 bytes after it in the input, so
// that it falls before, at and after the 16 bytes plainRun looks at, in
// every byte of the words str then loads and in its byte-at-a-time tail,
// and compares str with strRef. It does the same for names and values in
// a document, which walk scans with its own plainRun.
func TestStrBoundaries(t *testing.T) {
	pieces := []string{
		`"`, `\n"`, `\""`, `\\"`, `\/"`, `\u00e9"`, `\uD83D\uDE00"`, `\uD83D"`, `\uDE00"`, `\uD83D\u0041"`,
		`\x"`, `\u12G4"`, `\`, `\u12`, "\x00\"", "\x1f\"", "\x7f\"",
		"é\"", "東京\"", "😀\"", "\xff\"", "\xc0\xaf\"", "\xe0\x80\xaf\"", "\xed\xa0\x80\"", "\xf4\x90\x80\x80\"",
		"\xe2\x82\"", "\xe2\x82", "\xf0\x9f\x98", "",
		"\xc3\x28\"", "\xc3", "\xe1\x80\x28\"", "\xe1\x28\x80\"", "\xe1\x80", "\xed\x9f\xbf\"", "\xee\x80\x80\"",
		"\xef\xbf\xbfé東\"", "\xdf\xbf\"", "\xc2\x80\"", "\xc1\xbf\"", "\xe0\xa0\x80\"", "\xe0\x9f\xbf\"",
	}
	for k := range 41 {
		for _, p := range pieces {
			for pad := range 10 {
				src := []byte(`"` + strings.Repeat("a", k) + p + strings.Repeat("b", pad))
				for _, body := range []bool{false, true} {
					s := scanner{src: src, body: body}
					end, esc, err := s.str(0)
					wend, wesc, wok := strRef(src, 0, body)
					if end != wend || esc != wesc || (err == nil) != wok {
						t.Fatalf("body %v, %q: str = %d, %v, %v; want %d, %v, ok %v", body, src, end, esc, err, wend, wesc, wok)
					}
					if !wok || pad > 0 {
						continue
					}
					for _, doc := range []string{`{` + string(src) + `:1}`, `{"a":` + string(src) + `}`, `[` + string(src) + `]`} {
						s := scanner{src: []byte(doc), body: body, maxDepth: 10, names: &nameTable{hasher: newHasher()}}
						if _, _, err := s.document(); err != nil {
							t.Fatalf("body %v, %s: %v", body, doc, err)
						}
					}
				}
			}
		}
	}
}

// TestWS checks that ws skips white space, stops at once on any other
// byte (the fast exit), and sets spaced only when it skipped some.
func TestWS(t *testing.T) {
	for _, c := range []struct {
		src    string
		i, end int
		spaced bool
	}{
		{"x", 0, 0, false}, {"!", 0, 0, false}, {"", 0, 0, false}, {"x", 1, 1, false},
		{" x", 0, 1, true}, {"\t\n\r x", 0, 4, true}, {"  ", 0, 2, true}, {"\x00", 0, 0, false},
		{"\x1f ", 0, 0, false}, {"a \t", 1, 3, true},
	} {
		s := scanner{src: []byte(c.src)}
		if end := s.ws(c.i); end != c.end || s.spaced != c.spaced {
			t.Errorf("ws(%q, %d) = %d, spaced %v; want %d, %v", c.src, c.i, end, s.spaced, c.end, c.spaced)
		}
	}
}

// BenchmarkScanShapes scans the stored document of each of
// benchdata.Shapes at 1 MiB (a big body's is small), as a stored document
// and as a body (names recorded, repeats checked).
func BenchmarkScanShapes(b *testing.B) {
	for _, sh := range benchdata.Shapes {
		stored, _ := sh.Make(1 << 20)
		b.Run(sh.Name+"/stored", func(b *testing.B) {
			b.SetBytes(int64(len(stored)))
			for b.Loop() {
				s := scanner{src: stored}
				if _, _, err := s.document(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(sh.Name+"/body", func(b *testing.B) {
			b.SetBytes(int64(len(stored)))
			for b.Loop() {
				t := nameTable{hasher: newHasher(), body: stored}
				s := scanner{src: stored, body: true, maxDepth: 1000, names: &t}
				if _, _, err := s.document(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestScalars checks walk's inline integers and literals (and number and
// literal behind them) against encoding/json, alone, in an array and in
// an object, at the end of the input and not.
func TestScalars(t *testing.T) {
	for _, v := range []string{
		"0", "1", "9", "10", "123456789012345678901234567890", "-0", "-1", "01", "00", "0.", "0.5", "1.", "1.5",
		"1.5.5", "1e5", "1E5", "1e+5", "1E-5", "1e", "1e+", "0e1", "0E", "1x", "-", "--1", "+1", ".5", "1.e5",
		"true", "tru", "truex", "false", "fals", "null", "nul", "nulll", "t", "f", "n", "\ufeff1",
	} {
		for _, doc := range []string{v, "[" + v + "]", "[" + v + ",1]", `{"a":` + v + `}`, `{"a":` + v + `,"b":2}`, " " + v + " "} {
			want := json.Valid([]byte(doc))
			for _, body := range []bool{false, true} {
				s := scanner{src: []byte(doc), body: body, maxDepth: 10, names: &nameTable{hasher: newHasher()}}
				if _, _, err := s.document(); (err == nil) != want {
					t.Errorf("body %v, %q: err %v, want valid %v", body, doc, err, want)
				}
			}
		}
	}
}

// TestWalkScalars checks the merge walk's inline scan of a stored
// member's name and of its commonest values (a plain string of up to 16
// bytes, an integer) against encoding/json: each value and each name at
// the boundaries of those fast paths, where they must hand over to the
// scanner (a fraction, an exponent, a sign, a leading zero, the end of the
// input, a 17th byte, an escape, a byte that is not ASCII, a control
// character), in a stored object that Merge copies. A valid one is copied
// as it was; an invalid one is refused (the neighbour case).
func TestWalkScalars(t *testing.T) {
	values := []string{
		"0", "1", "9", "10", "123456789012345678901234567890", "-0", "-1", "01", "00", "0.", "0.5", "1.", "1.5",
		"1.5.5", "1e5", "1E5", "1e+5", "1E-5", "1e", "1x", "1 ", "1\n", "true", "nul", "\"\"",
	}
	for n := 14; n <= 18; n++ {
		plain := strings.Repeat("a", n)
		for _, end := range []string{``, `\n`, `\u00e9`, `é`, "\x01", `\`, `\"`} {
			values = append(values, `"`+plain+end+`"`, `"`+end+plain+`"`)
		}
	}
	for _, v := range values {
		for _, doc := range []string{`{"a":` + v + `}`, `{"a":` + v + `,"b":2}`, `{` + v + `:1,"b":2}`, `{"b":2,` + v + `:1}`, `{"a":` + v} {
			want := json.Valid([]byte(doc))
			out, err := Merge([]byte(doc), []byte(`{"c":3}`))
			if (err == nil) != want {
				t.Fatalf("%q: %v, want valid %v", doc, err, want)
			}
			var compact bytes.Buffer
			if want && (json.Compact(&compact, []byte(doc)) != nil || string(out) != strings.TrimSuffix(compact.String(), "}")+`,"c":3}`) {
				t.Fatalf("%q: %s", doc, out)
			}
		}
	}
}

// TestDeepStack nests objects and arrays (alternating, then in runs)
// around and past the stack's boundaries (a byte each for 128 levels,
// then a bit each inline to 1,024, then a bit each in a slice), closes
// them rightly or with one closer wrong at a level inside, at or past a
// boundary, and compares with encoding/json.
func TestDeepStack(t *testing.T) {
	for _, depth := range []int{1, 127, 128, 129, 191, 192, 193, 1023, 1024, 1025, 1089, 3000} {
		for _, pattern := range []func(d int) bool{
			func(d int) bool { return d%2 == 0 },
			func(d int) bool { return d/70%2 == 0 },
		} {
			for _, wrong := range []int{-1, 0, 127, 128, 129, 191, 192, 1022, 1023, 1024, 1025, 1088, depth - 1} {
				if wrong >= depth {
					continue
				}
				var b strings.Builder
				for d := range depth {
					if pattern(d) {
						b.WriteString(`{"a":`)
					} else {
						b.WriteString(`[`)
					}
				}
				b.WriteString(`1`)
				for d := depth - 1; d >= 0; d-- {
					if pattern(d) != (d == wrong) {
						b.WriteString(`}`)
					} else {
						b.WriteString(`]`)
					}
				}
				doc := []byte(b.String())
				s := scanner{src: doc}
				if _, _, err := s.document(); (err == nil) != json.Valid(doc) {
					t.Fatalf("depth %d, wrong closer at %d: %v, want valid %v", depth, wrong, err, json.Valid(doc))
				}
			}
		}
	}
}

// TestDeepBodyRepeats checks duplicate detection in bodies nested past the
// 128 levels whose name-list starts the nameTable keeps inline: a repeat in
// an object at each depth, found when the object closes, after deeper
// objects and arrays closed, and found while they are all still open (a
// body cut short: the error path); the neighbour case, the same body with
// distinct names, passes (or fails on its syntax only).
func TestDeepBodyRepeats(t *testing.T) {
	for _, depth := range []int{2, 127, 128, 129, 130, 200, 700} {
		for _, at := range []int{0, depth / 2, 126, 127, 128, 129, depth - 1} {
			if at >= depth {
				continue
			}
			for _, second := range []string{"a", "b"} {
				// Objects and arrays alternate past depth 100; the object at
				// depth at is {"a":1,"<second>":<the nested value>}.
				var b strings.Builder
				kinds := make([]bool, depth) // object?
				for d := range depth {
					kinds[d] = d < 100 || d%2 == 0 || d == at
					switch {
					case d == at:
						b.WriteString(`{"a":1,"` + second + `":`)
					case kinds[d]:
						b.WriteString(`{"a":`)
					default:
						b.WriteString(`[`)
					}
				}
				b.WriteString(`1`)
				cut := b.Len()
				for d := depth - 1; d >= 0; d-- {
					if kinds[d] {
						b.WriteString(`}`)
					} else {
						b.WriteString(`]`)
					}
				}
				body := []byte(b.String())
				want := strings.Builder{} // the pointer to the repeat
				for d := 1; d <= at; d++ {
					if kinds[d-1] {
						want.WriteString("/a")
					} else {
						want.WriteString("/0")
					}
				}
				want.WriteString("/a")
				for _, in := range [][]byte{body, body[:cut]} {
					_, err := Merge(nil, in, WithMaxDepth(1000))
					if second == "b" {
						if (err == nil) != (len(in) == len(body)) || errors.Is(err, ErrDuplicateKey) {
							t.Fatalf("depth %d, distinct names at %d, %d bytes: %v", depth, at, len(in), err)
						}
						continue
					}
					var e *Error
					if !errors.As(err, &e) || !errors.Is(err, ErrDuplicateKey) {
						t.Fatalf("depth %d, repeat at %d, %d bytes: %v, want ErrDuplicateKey", depth, at, len(in), err)
					}
					if e.Pointer != want.String() {
						t.Fatalf("depth %d, repeat at %d: pointer %.60s…, want %.60s…", depth, at, e.Pointer, want.String())
					}
				}
			}
		}
	}
}

// TestRecordMatchesCollect checks that what a body scanner records is what
// collect finds, for every golden body that is a valid object: the root's
// members and, at depth 2, their object values' members, with each root
// member's lo and hi. Every room from none to enough is tried, so that
// the scanner runs out at every member and members collects instead, in
// one allocation.
func TestRecordMatchesCollect(t *testing.T) {
	files, _ := filepath.Glob("testdata/*/*/*.json")
	tried := 0
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := newConfig(nil)
		var tab nameTable
		tab.hasher = newHasher()
		open, n, _, err := parseBody(body, &c, &tab, nil)
		if err != nil {
			continue
		}
		wantRoot, wantSubs := collectTwo(body, open, nil, nil) // what collect finds
		for room := range len(wantRoot) + len(wantSubs) + 2 {
			for _, depth := range []int{1, 2} {
				rec := record{depth: depth, root: make([]member, min(room, n)), subs: make([]member, room)}
				var tab nameTable
				tab.hasher = newHasher()
				if _, _, _, err := parseBody(body, &c, &tab, &rec); err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				root, subs := rec.members(body, open, n)
				if rec.full != (len(wantRoot) > min(room, n) || depth == 2 && len(wantSubs) > room) {
					t.Errorf("%s, room %d, depth %d: full is %v", f, room, depth, rec.full)
				}
				// One allocation for what did not fit; none when all did.
				want := 0.0
				if rec.full {
					want = 1
				}
				if got := testing.AllocsPerRun(1, func() { rec.members(body, open, n) }); got != want {
					t.Errorf("%s, room %d, depth %d: %v allocations, want %v", f, room, depth, got, want)
				}
				if depth == 1 {
					for k := range root {
						root[k].lo, root[k].hi = wantRoot[k].lo, wantRoot[k].hi
					}
					subs = wantSubs
				}
				if !slices.Equal(root, wantRoot) || !slices.Equal(subs, wantSubs) && len(subs)+len(wantSubs) > 0 {
					t.Fatalf("%s, room %d, depth %d:\nroot %v\nwant %v\nsubs %v\nwant %v", f, room, depth, root, wantRoot, subs, wantSubs)
				}
				tried++
			}
		}
	}
	if tried < 1000 {
		t.Fatalf("only %d records tried", tried)
	}
}
