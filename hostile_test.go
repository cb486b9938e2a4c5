package metapatch_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/metapatch/metapatch"
	"github.com/metapatch/metapatch/internal/benchdata"
	"github.com/metapatch/metapatch/internal/reference"
)

// hostileCase is an input an attacker or a broken client would send.
// Memory is bounded by bytes allocated per call (perInput × the input size
// + fixed); time is bounded by the benchmarks (BenchmarkManyMembers shows
// duplicate detection is linear), not by wall-clock assertions, which are
// unreliable on shared machines.
type hostileCase struct {
	name     string
	kind     string // merge or user
	stored   []byte
	body     []byte
	want     error // nil: success
	perInput int   // bytes allocated per input byte, at most
	fixed    int   // plus this
	same     bool  // a success returns the body exactly (it is compact)
}

func hostileCases() []hostileCase {
	const mib = 1 << 20
	limit := 16 * mib
	bigString := func(n int) []byte { // {"a":"xxx..."} of exactly n bytes
		return []byte(`{"a":"` + strings.Repeat("x", n-8) + `"}`)
	}
	members := func(n int, extra string) []byte { // n members, then extra
		return []byte(strings.TrimSuffix(string(benchdata.Members(n)), "}") + extra + "}")
	}
	longName := strings.Repeat("n", mib)
	syntax := func(name, body string) hostileCase {
		return hostileCase{name: name, kind: "merge", body: []byte(body), want: metapatch.ErrSyntax, fixed: 64 << 10}
	}
	cases := []hostileCase{
		{name: "10 MB of [", kind: "merge", body: bytes.Repeat([]byte("["), 10*mib), want: metapatch.ErrTooDeep, fixed: 64 << 10},
		{name: `10 MB of {"a":`, kind: "merge", body: bytes.Repeat([]byte(`{"a":`), 2*mib), want: metapatch.ErrTooDeep, fixed: 64 << 10},
		{name: "10 MB of [ as a user body", kind: "user", body: append([]byte(`{"user_metadata":`), bytes.Repeat([]byte("["), 10*mib)...), want: metapatch.ErrTooDeep, fixed: 64 << 10},
		{name: "body one byte over the limit", kind: "merge", body: bigString(limit + 1), want: metapatch.ErrTooLarge, fixed: 64 << 10},
		{name: "body at the limit", kind: "merge", body: bigString(limit), perInput: 1, fixed: 64 << 10, same: true},
		{name: "invalid UTF-8 in a name", kind: "merge", body: []byte("{\"a\xffb\":1}"), want: metapatch.ErrSyntax, fixed: 64 << 10},
		{name: "invalid UTF-8 in a value", kind: "merge", body: []byte("{\"a\":\"\xfe\"}"), want: metapatch.ErrSyntax, fixed: 64 << 10},
		{name: "invalid UTF-8 in the stored document", kind: "merge", stored: []byte("{\"s\":\"\xff\"}"), body: []byte(`{"a":1}`), want: metapatch.ErrStoredDocument, fixed: 64 << 10},
		{name: "truncated UTF-8 sequence", kind: "merge", body: []byte("{\"a\":\"\xe2\x82\"}"), want: metapatch.ErrSyntax, fixed: 64 << 10},
		{name: "overlong 2-byte /", kind: "merge", body: []byte("{\"a\":\"\xc0\xaf\"}"), want: metapatch.ErrSyntax, fixed: 64 << 10},
		{name: "overlong 3-byte /", kind: "merge", body: []byte("{\"a\":\"\xe0\x80\xaf\"}"), want: metapatch.ErrSyntax, fixed: 64 << 10},
		{name: "overlong 4-byte /", kind: "merge", body: []byte("{\"a\":\"\xf0\x80\x80\xaf\"}"), want: metapatch.ErrSyntax, fixed: 64 << 10},
		{name: "overlong quote in a name", kind: "merge", body: []byte("{\"a\xc0\xa2\":1}"), want: metapatch.ErrSyntax, fixed: 64 << 10},
		{name: "surrogate encoded in UTF-8", kind: "merge", body: []byte("{\"a\":\"\xed\xa0\x80\"}"), want: metapatch.ErrSyntax, fixed: 64 << 10},
		{name: "code point past U+10FFFF", kind: "merge", body: []byte("{\"a\":\"\xf4\x90\x80\x80\"}"), want: metapatch.ErrSyntax, fixed: 64 << 10},
		{name: `\u0000 in a name`, kind: "merge", body: []byte(`{"a\u0000":1,"a":2}`), perInput: 2, fixed: 64 << 10, same: true},
		{name: "lone high surrogate in a body", kind: "merge", body: []byte(`{"a":"\ud800"}`), want: metapatch.ErrSyntax, fixed: 64 << 10},
		{name: "lone low surrogate in a body name", kind: "merge", body: []byte(`{"\udc00":1}`), want: metapatch.ErrSyntax, fixed: 64 << 10},
		{name: "reversed surrogate pair in a body", kind: "merge", body: []byte(`{"a":"\ude00\ud83d"}`), want: metapatch.ErrSyntax, fixed: 64 << 10},
		{name: "lone surrogate in a stored document", kind: "merge", stored: []byte(`{"\ud800":"\udfff"}`), body: []byte(`{"a":1}`), perInput: 2, fixed: 64 << 10},
		syntax("NaN", `{"a":NaN}`),
		syntax("Infinity", `{"a":Infinity}`),
		syntax("-Infinity", `{"a":-Infinity}`),
		syntax("+1", `{"a":+1}`),
		syntax("01", `{"a":01}`),
		syntax("1.", `{"a":1.}`),
		syntax(".5", `{"a":.5}`),
		syntax("-", `{"a":-}`),
		syntax("1e", `{"a":1e}`),
		syntax("hex", `{"a":0x10}`),
		syntax("trailing comma in an object", `{"a":1,}`),
		syntax("trailing comma in an array", `{"a":[1,]}`),
		syntax("line comment", "{\"a\":1 // c\n}"),
		syntax("block comment", `{/* c */"a":1}`),
		syntax("byte-order mark", "\ufeff{\"a\":1}"),
		syntax("two top-level values", `{"a":1} {"b":2}`),
		syntax("raw NUL in a string", "{\"a\":\"\x00\"}"),
		syntax("raw newline in a string", "{\"a\":\"x\ny\"}"),
		syntax("raw unit separator in a name", "{\"\x1f\":1}"),
		syntax("single quotes", `{'a':1}`),
		syntax("unquoted name", `{a:1}`),
		syntax("invalid escape", `{"a":"\x"}`),
		syntax("short unicode escape", `{"a":"\u12"}`),
		syntax("True", `{"a":True}`),
		syntax("empty", ``),
		syntax("only white space", " \n\t "),
		{name: "100,000 members", kind: "merge", body: members(100_000, ""), perInput: 12, fixed: 1 << 20, same: true},
		{name: "100,000 members, the last one a duplicate", kind: "merge", body: members(100_000, `,"member_7":0`), want: metapatch.ErrDuplicateKey, perInput: 12, fixed: 1 << 20},
		{name: "100,000 stored members, one a duplicate", kind: "merge", stored: members(100_000, `,"\u006dember_99999":0`), body: []byte(`{"x":1}`), want: metapatch.ErrStoredDocument, perInput: 12, fixed: 1 << 20},
		// A body of tiny members at the size limit: the result (1 byte per
		// body byte) and its root's names' keys while they are sorted (16
		// bytes per name, about 1.2 per body byte; the root is not
		// collected into a member list) make 2.3 bytes per body byte. It
		// was 5.7 with a 40-byte member per root member, 10.1 with a name
		// table growing by doublings.
		{name: "16 MiB body of tiny members", kind: "merge", body: tinyBody(limit), perInput: 5, fixed: 1 << 20, same: true},
		// The same as a stored document: one allocation, the result and
		// after it 8 bytes per stored name (namesToHold, a quarter more
		// than counted in the first 16 KiB; the sieve that checks them for
		// a repeat, and the sort of the few it keeps, borrow the result's
		// spare capacity): 1.8 bytes per stored byte.
		{name: "16 MiB stored document of tiny members", kind: "merge", stored: tinyBody(limit), body: []byte(`{"k0000001":2}`), perInput: 5, fixed: 1 << 20},
		{name: "a 1 MB name", kind: "merge", body: []byte(`{"` + longName + `":1}`), perInput: 2, fixed: 64 << 10, same: true},
		{name: "a 1 MB name twice", kind: "merge", body: []byte(`{"` + longName + `":1,"` + longName + `":2}`), want: metapatch.ErrDuplicateKey, perInput: 4, fixed: 64 << 10},
		{name: "a 1 MB escaped name", kind: "merge", body: []byte(`{"` + strings.Repeat(`\u0061`, mib/6) + `":1}`), perInput: 2, fixed: 64 << 10, same: true},
		{name: "a number with 100,000 digits", kind: "merge", body: []byte(`{"n":` + strings.Repeat("9", 100_000) + `.5e-99999}`), perInput: 2, fixed: 64 << 10, same: true},
		{name: "duplicate names: é and \\u00e9", kind: "merge", body: []byte(`{"é":1,"\u00e9":2}`), want: metapatch.ErrDuplicateKey, fixed: 64 << 10},
		{name: "duplicate names: an emoji and its surrogate pair", kind: "merge", body: []byte(`{"😀":1,"\ud83d\ude00":2}`), want: metapatch.ErrDuplicateKey, fixed: 64 << 10},
		{name: "duplicate names: \\/ and /", kind: "merge", body: []byte(`{"\/":1,"/":2}`), want: metapatch.ErrDuplicateKey, fixed: 64 << 10},
		{name: "duplicate names: \\u0041 and \\u0061 are not", kind: "merge", body: []byte(`{"\u0041":1,"\u0061":2}`), perInput: 2, fixed: 64 << 10, same: true},
		{name: "escaped password never stored", kind: "user", body: []byte(`{"pass\u0077ord":"hunter2","\u0070assword":"x"}`), want: metapatch.ErrDuplicateKey, fixed: 64 << 10},
		{name: "forged escaped user_id", kind: "user", body: []byte(`{"user\u005fid":"auth0|admin"}`), want: metapatch.ErrReadOnly, fixed: 64 << 10},
	}
	return cases
}

// tinyBody returns an object of tiny members ("k0000001":1) of at most n
// bytes.
func tinyBody(n int) []byte {
	b, _ := benchdata.Tiny(n - 64)
	return b
}

func TestHostileInputs(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			call := func() ([]byte, error) {
				if tc.kind == "user" {
					return metapatch.PatchUser(tc.stored, tc.body)
				}
				return metapatch.Merge(tc.stored, tc.body)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			got, err := call()
			runtime.ReadMemStats(&after)
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Fatalf("got %v, want %v", err, tc.want)
			case tc.want != nil && got != nil:
				t.Fatalf("a document with the error")
			}
			var e *metapatch.Error
			if err != nil && !errors.As(err, &e) {
				t.Fatalf("error %T is not a *metapatch.Error", err)
			}
			if tc.same && !bytes.Equal(got, tc.body) {
				t.Errorf("result differs from the (compact) body")
			}
			size := len(tc.body) + len(tc.stored)
			alloc := int(after.TotalAlloc - before.TotalAlloc)
			t.Logf("%.2f bytes allocated per input byte", float64(alloc)/float64(max(1, size)))
			if alloc > tc.perInput*size+tc.fixed {
				t.Errorf("allocated %d bytes for %d input bytes; bound %d", alloc, size, tc.perInput*size+tc.fixed)
			}
		})
	}
}

// TestDiffRepeatedNestedNames: identical bytes are equal without decoding,
// even when they repeat a nested name (a member the body does not name
// keeps its bytes, so after is reached exactly); values whose bytes differ
// and repeat a name are not provably equal, are sent, and are refused.
func TestDiffRepeatedNestedNames(t *testing.T) {
	before := []byte(`{"a":{"x":1,"x":2},"b":1}`)
	tests := []struct {
		name  string
		after string
		want  string
		err   error
	}{
		{name: "identical bytes", after: `{"a":{"x":1,"x":2},"b":2}`, want: `{"b":2}`},
		{name: "identical bytes, nothing else changed", after: `{"b":1,"a":{"x":1,"x":2}}`},
		{name: "same value spelled apart", after: `{"a":{"x":1, "x":2},"b":1}`, err: metapatch.ErrDuplicateKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := metapatch.Diff(before, []byte(tc.after))
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRepeatsInLargeObjects: a repeated name is found in objects too large
// to check in place (the names are sorted by part of a random hash, so
// each round sorts them differently), as a body, nested in a body, and as
// a stored document; the same objects without the repeat pass.
func TestRepeatsInLargeObjects(t *testing.T) {
	object := func(n, dup int) []byte {
		b := []byte("{")
		for i := range n {
			if i > 0 {
				b = append(b, ',')
			}
			k := i
			if i == n-1 && dup >= 0 {
				k = dup
			}
			b = fmt.Appendf(b, `"m%d":%d`, k, i)
		}
		return append(b, '}')
	}
	for round := range 300 {
		n, dup := 300+round*7, round*3
		if _, err := metapatch.Merge(nil, object(n, dup)); !errors.Is(err, metapatch.ErrDuplicateKey) {
			t.Fatalf("body of %d members, m%d twice: %v", n, dup, err)
		}
		nested := append(append([]byte(`{"a":[`), object(n, dup)...), "]}"...)
		if _, err := metapatch.Merge(nil, nested); !errors.Is(err, metapatch.ErrDuplicateKey) {
			t.Fatalf("nested body of %d members, m%d twice: %v", n, dup, err)
		}
		if _, err := metapatch.Merge(object(n, dup), []byte(`{"x":1}`)); !errors.Is(err, metapatch.ErrStoredDocument) {
			t.Fatalf("stored object of %d members, m%d twice: %v", n, dup, err)
		}
		if _, err := metapatch.Merge(object(n, -1), object(n, -1)); err != nil {
			t.Fatalf("%d members without a repeat: %v", n, err)
		}
	}
}

// TestLargeBodiesAgainstReference: bodies of many root members (found
// through the sorted names of the body's root, and copied in runs) merged
// into stored objects that share some of their names, spelled with or
// without escapes, with null members, nested values and white space,
// agree with the reference model; so do the same bodies with a repeated
// name, bodies too small for the sorted names (the neighbour case), stored
// objects with a repeated name, and stored objects whose first member is
// longer than the sample that sizes the walk's list of names (namesToHold).
func TestLargeBodiesAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Names of 2 to 5 bytes, and of 15 to 18 (hashed inline up to 16
	// bytes decoded, with maphash past that), spelled three ways.
	name := func(k int) string {
		stem := fmt.Sprintf("n%d", k)
		if k%3 == 0 {
			stem = fmt.Sprintf("n_long_name_a_%d", k)
		}
		switch rng.IntN(4) {
		case 0:
			return `\u006e` + stem[1:] // the same name, with an escape
		case 1:
			return stem + `\/` // another name: stem + "/"
		}
		return stem
	}
	value := func() string {
		switch rng.IntN(6) {
		case 0:
			return "null"
		case 1:
			return `{"a":[1,{"b":null}],"n7":"x"}`
		case 2:
			return `"s\n\u00e9"`
		}
		return fmt.Sprint(rng.IntN(1000))
	}
	object := func(n, pool int, spaced, repeat bool) []byte {
		b := []byte("{")
		seen := map[int]bool{}
		for len(seen) < n {
			k := rng.IntN(pool)
			if seen[k] {
				continue
			}
			seen[k] = true
			if len(seen) > 1 {
				b = append(b, ',')
			}
			if spaced && rng.IntN(3) == 0 {
				b = append(b, "\n  "...)
			}
			b = fmt.Appendf(b, `"%s":`, name(k))
			if spaced && rng.IntN(3) == 0 {
				b = append(b, ' ')
			}
			b = append(b, value()...)
		}
		if repeat {
			for k := range seen {
				b = fmt.Appendf(b, `,"%s":1`, name(k))
				break
			}
		}
		return append(b, '}')
	}
	for round := range 200 {
		n := []int{5, 9, 17, 40, 300, 1000}[round%6]
		pool := 2*n + 10
		stored := object(rng.IntN(2*n)+1, pool, rng.IntN(2) == 0, round%10 == 4)
		body := object(n, pool, rng.IntN(2) == 0, round%10 == 9)
		switch {
		case round%7 == 0:
			stored = nil
		case round%5 == 4:
			// A first member longer than the sample from which the walk
			// sizes its list of stored names: the estimate is too low and
			// the list grows past it.
			stored = append([]byte(`{"lead":"`+strings.Repeat("x", 20<<10)+`",`), stored[1:]...)
		}
		got, err := metapatch.Merge(stored, body)
		ref, rerr := reference.Merge(stored, body, reference.Options{})
		t.Run(fmt.Sprintf("round%d-%dmembers", round, n), func(t *testing.T) {
			agree(t, got, err, ref, rerr)
		})
	}
}

// TestListedAppend checks, against the reference model, how Merge appends
// a large body's new members (a listed root: found through the body
// scanner's sorted names, appended by appendListed). The stored object has
// none, all, or some of the body's names (the first, the last, runs of
// neighbours, or at random); the body is compact or has white space
// around every comma, colon and brace; a fifth of the bodies carry a null
// member, which is dropped, the others none (the neighbour case).
func TestListedAppend(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	ws := func(spaced bool) string {
		if spaced {
			return []string{"", " ", "\n\t", "\r\n  "}[rng.IntN(4)]
		}
		return ""
	}
	for round := range 400 {
		n := []int{17, 18, 40, 300}[round%4]
		spaced := round%3 == 0
		nullAt := -1
		if round%5 == 0 {
			nullAt = rng.IntN(n)
		}
		var body []byte
		body = append(body, ws(spaced)+"{"...)
		for k := range n {
			if k > 0 {
				body = append(body, ws(spaced)+","...)
			}
			v := fmt.Sprintf(`{"v":[%d, "x y"]}`, k)
			if k == nullAt {
				v = "null"
			}
			body = fmt.Appendf(body, `%s"m%d"%s:%s%s`, ws(spaced), k, ws(spaced), ws(spaced), v)
		}
		body = append(body, ws(spaced)+"}"+ws(spaced)...)
		// Which body names the stored object has.
		has := make([]bool, n)
		switch round % 6 {
		case 1:
			has[0] = true
		case 2:
			has[n-1] = true
		case 3:
			for k := range has {
				has[k] = true
			}
		case 4:
			k := rng.IntN(n - 3)
			has[k], has[k+1], has[k+2] = true, true, true
		case 5:
			for k := range has {
				has[k] = rng.IntN(3) == 0
			}
		}
		stored := []byte(`{"s":1`)
		for k := range has {
			if has[k] {
				stored = fmt.Appendf(stored, `,"m%d":"old"`, k)
			}
		}
		stored = append(stored, '}')
		got, err := metapatch.Merge(stored, body)
		ref, rerr := reference.Merge(stored, body, reference.Options{})
		t.Run(fmt.Sprintf("round%d-%dmembers", round, n), func(t *testing.T) {
			agree(t, got, err, ref, rerr)
		})
	}
}
