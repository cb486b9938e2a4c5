// This file implements the package doc's "Valid input": one iterative JSON
// scanner, strict for request bodies and lenient for stored documents. A body
// scanner records every name in a list of names.go's, sorted object by object
// to find a repeated one in linear time.

package metapatch

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
	"unicode/utf8"
)

// maxInput is the largest input the scanner addresses: names are recorded as
// 31-bit offsets, the 32nd bit marking, in a body's list, the names the
// stored object had too (usedBit).
const maxInput = 1<<31 - 1

// A scanner validates JSON values in src. A body scanner (body set) applies
// the rules for untrusted input: no lone surrogate escapes, no duplicate
// names at any depth, nesting at most maxDepth. A stored-document scanner
// only checks syntax and UTF-8 below the levels that the merge walks itself.
type scanner struct {
	src       []byte
	body      bool
	maxDepth  int
	names     *nameTable // body scanners record every name here
	spaced    bool       // some scanned value had insignificant white space
	rootNames int        // names of the outermost object scanned
	target    bool       // a Diff target: lenient like a stored document, errors are 400s
}

// value scans the value that starts at src[i] (no leading white space) and
// returns the offset just past it.
func (s *scanner) value(i int) (int, error) { return s.valueInto(i, nil) }

// valueInto is value, recording members in rec unless it is nil. The
// record is a parameter, not a field of the scanner: the scanner's
// fields escape to the heap with what they point to, and the record points
// to its caller's buffers.
func (s *scanner) valueInto(i int, rec *record) (int, error) {
	if i < len(s.src) && s.src[i] != '{' && s.src[i] != '[' {
		return s.scalar(i)
	}
	var open stack // open containers
	end, err := s.walk(i, &open, rec)
	if err != nil && s.body {
		// The names of the objects still open all come before the
		// problem: a repeat among them is the first problem.
		if off := s.openRepeat(&open); off >= 0 {
			return off - 1, s.duplicate(off - 1)
		}
	}
	return end, err
}

// scalar scans the value at src[i] that is not an object or an array, as
// walk does, without its stack.
func (s *scanner) scalar(i int) (int, error) {
	switch s.src[i] {
	case '"':
		end, _, err := s.str(i)
		return end, err
	case 't':
		return s.literal(i, "true")
	case 'f':
		return s.literal(i, "false")
	case 'n':
		return s.literal(i, "null")
	}
	return s.number(i)
}

// openRepeat returns the offset of the first repeated name among the
// names of the open objects, or -1. An outer object's names so far all come
// before an inner one's.
func (s *scanner) openRepeat(open *stack) int {
	l := &s.names.list
	for d := range open.n {
		if !open.isObject(d) {
			continue
		}
		end := l.n
		for e := d + 1; e < open.n; e++ {
			if open.isObject(e) {
				end = int(s.names.start(e))
				break
			}
		}
		if off := l.repeatIn(s.src, int(s.names.start(d)), end); off >= 0 {
			return off
		}
	}
	return -1
}

// walk is value, with the stack of open containers. It keeps in obj
// whether the innermost open container is an object, so that the loop
// after each value reads the stack only when a container closes. An
// object member's name is scanned inline at the top of the loop (member
// set), not by a call per member. It records the members of objects up
// to rec's depth in rec, until rec has no room left (rec.full).
func (s *scanner) walk(i int, open *stack, rec *record) (int, error) {
	src := s.src
	var err error
	recDepth := 0 // record the members of objects this deep at most (1: the root)
	if rec != nil {
		recDepth = rec.depth
	}
	obj := false    // the innermost open container is an object
	member := false // an object member starts at i: its name first
next:
	for {
		if member {
			// The name and its colon; in a body, record the name.
			member = false
			if i >= len(src) || src[i] != '"' {
				return i, s.syntax(i, "expected a member name")
			}
			end, esc := plainRun(src, i+1), false
			if end < len(src) && src[end] == '"' {
				end++
			} else if end, esc, err = s.strFrom(i, end); err != nil {
				return end, err
			}
			if s.body {
				l := &s.names.list
				// At the root (the list holds only its names), the names
				// left are estimated from the bytes per name so far, so
				// that a large body grows its list once or twice, not by
				// doublings; deeper, by doublings (a deep body's few names
				// are no guide).
				if key := s.names.hash(src[i+1:end-1], esc)>>32<<32 | uint64(i+1); !l.add(key) {
					more := 3 * l.n
					if l.n == s.rootNames-1 {
						more = scale(l.n, len(src)-i, i) + 16
					}
					l.grow(more)
					l.add(key)
				}
			}
			j := s.ws(end)
			if j >= len(src) || src[j] != ':' {
				return j, s.syntax(j, `expected ":" after member name`)
			}
			j = s.ws(j + 1)
			if open.n <= recDepth && !rec.name(open.n, i, end, j, esc) {
				rec.full = true
				if rec.depth < 2 {
					recDepth = 0 // the root's count is known: stop
				}
			}
			i = j
		}
		if i >= len(src) {
			return i, s.syntax(i, "unexpected end of input")
		}
		switch c := src[i]; c {
		case '{', '[':
			if s.body && open.n >= s.maxDepth {
				return i, s.fail(ErrTooDeep, i, "Nesting too deep: more than %d levels", s.maxDepth)
			}
			j := s.ws(i + 1)
			if j < len(src) && src[j] == c+2 { // '}' or ']': empty, never pushed
				i = j + 1
				break
			}
			obj = c == '{'
			if s.body {
				s.names.setStart(open.n, uint32(s.names.list.n))
			}
			open.push(obj)
			if !obj {
				i = j
				continue next
			}
			if open.n == 1 {
				s.rootNames++
			}
			i, member = j, true
			continue next
		case '"':
			if j := plainRun(src, i+1); j < len(src) && src[j] == '"' {
				i = j + 1
			} else if i, _, err = s.strFrom(i, j); err != nil {
				return i, err
			}
		case 't':
			if !hasLiteral(src, i, "true") {
				return i, s.syntax(i, "invalid literal")
			}
			i += len("true")
		case 'f':
			if !hasLiteral(src, i, "false") {
				return i, s.syntax(i, "invalid literal")
			}
			i += len("false")
		case 'n':
			if !hasLiteral(src, i, "null") {
				return i, s.syntax(i, "invalid literal")
			}
			i += len("null")
		default:
			// An integer without sign, fraction or exponent (most
			// numbers) inline; number scans the rest from i again.
			if '0' <= c && c <= '9' {
				j := i + 1
				if c != '0' {
					j = digits(src, j)
				}
				if j >= len(src) || src[j] != '.' && src[j]|0x20 != 'e' { // 'e' or 'E'
					i = j
					break
				}
			}
			if i, err = s.number(i); err != nil {
				return i, err
			}
		}
		// A value ended at i: close containers until the next value starts.
		for open.n > 0 {
			if obj && open.n <= recDepth {
				rec.end(open.n, i)
			}
			i = s.ws(i)
			if i >= len(src) {
				return i, s.syntax(i, "unexpected end of input")
			}
			switch c := src[i]; {
			case c == ',' && obj:
				if open.n == 1 {
					s.rootNames++
				}
				i, member = s.ws(i+1), true
				continue next
			case c == ',':
				i = s.ws(i + 1)
				continue next
			case c == '}' && obj:
				if s.body {
					// Check the object's names for a repeat, and forget them;
					// the root's stay, sorted by hash: they index the patch
					// object (patchObject.find).
					base := int(s.names.start(open.n - 1))
					if s.names.list.repeatIn(src, base, s.names.list.n) >= 0 {
						return i, errRepeat
					}
					if open.n > 1 {
						s.names.list.truncate(base)
					}
				}
				obj = open.pop()
				i++
			case c == ']' && !obj:
				obj = open.pop()
				i++
			case obj:
				return i, s.syntax(i, `expected "," or "}" after object member`)
			default:
				return i, s.syntax(i, `expected "," or "]" after array element`)
			}
		}
		return i, nil
	}
}

// A record is where a body scanner writes down, as it validates the body,
// the members of its root object and of the objects that are their
// values, as collect would find them: the walk that applies the body then
// needs no second pass over its values. It has the room its buffers have;
// when that runs out (full), members collects them instead, in one
// allocation: a record of depth 2 goes on counting them for it. It writes
// into its buffers by index, never by append through a pointer, which
// would move them to the heap.
type record struct {
	depth        int      // 1: the root's members; 2: theirs too
	root, subs   []member // buffers, for the root's members and (depth 2) their values' members
	nroot, nsubs int      // members met at each depth; recorded while they fit
	full         bool     // some did not fit
}

// name records a member of an object at depth d (1: the root) and reports
// false when there was no room for it.
func (r *record) name(d, off, nameEnd, voff int, esc bool) bool {
	m := member{off: int32(off), nameEnd: int32(nameEnd), voff: int32(voff), esc: esc}
	list, n := r.subs, &r.nsubs
	if d == 1 {
		list, n = r.root, &r.nroot
		m.lo, m.hi = int32(r.nsubs), int32(r.nsubs)
	}
	if *n < len(list) {
		list[*n] = m
	}
	*n++
	return *n <= len(list)
}

// end records the end of the value of the last member named at depth d.
func (r *record) end(d, at int) {
	if d == 1 {
		if r.nroot <= len(r.root) {
			m := &r.root[r.nroot-1]
			m.valueEnd, m.hi = int32(at), int32(r.nsubs)
		}
		return
	}
	if r.nsubs <= len(r.subs) {
		r.subs[r.nsubs-1].valueEnd = int32(at)
	}
}

// members returns the members of the valid body object at body[open], of
// n members, and at depth 2 those of their object values (root[k].lo to
// root[k].hi in subs): those the scanner recorded or, when some did not
// fit, collected now, into one allocation for those that did not fit.
func (r *record) members(body []byte, open, n int) (root, subs []member) {
	if !r.full {
		return r.root[:r.nroot], r.subs[:r.nsubs]
	}
	if r.depth < 2 {
		return collect(body, open, memberSlice(r.root[:0], n)), nil
	}
	root, subs = r.root[:0], r.subs[:0]
	need := 0 // members to allocate room for: all at a depth that did not fit
	if n > len(r.root) {
		need += n
	}
	if r.nsubs > len(r.subs) {
		need += r.nsubs
	}
	spare := make([]member, need)
	if n > len(r.root) {
		root, spare = spare[:0:n], spare[n:]
	}
	if r.nsubs > len(r.subs) {
		subs = spare[:0:r.nsubs]
	}
	return collectTwo(body, open, root, subs)
}

// collectTwo appends to root the members of the valid object at
// body[open], and to subs the members of their object values, root[k].lo
// to root[k].hi: what a record of depth 2 holds.
func collectTwo(body []byte, open int, root, subs []member) ([]member, []member) {
	root = collect(body, open, root)
	for k := range root {
		m := &root[k]
		m.lo = int32(len(subs))
		if body[m.voff] == '{' {
			subs = collect(body, int(m.voff), subs)
		}
		m.hi = int32(len(subs))
	}
	return root, subs
}

// errRepeat stands for a repeated name until value finds the first one.
var errRepeat = errors.New("repeated name")

// duplicate is the error for the repeated name at src[i].
func (s *scanner) duplicate(i int) error {
	end, _ := skipString(s.src, i)
	return s.fail(ErrDuplicateKey, i, "Duplicate property name: %s", brief(decodeString(s.src[i+1:end-1])))
}

// ws skips white space and notes that there was some. Compact JSON has
// none, and no white space byte is above ' ', so one compare settles most
// calls; the rest go to wsMore.
func (s *scanner) ws(i int) int {
	if i < len(s.src) && s.src[i] > ' ' {
		return i
	}
	return s.wsMore(i)
}

// wsMore is ws past its fast exit.
func (s *scanner) wsMore(i int) int {
	j := skipWS(s.src, i)
	if j != i {
		s.spaced = true
	}
	return j
}

// skipWS returns the offset of the first byte at or after src[i] that is
// not JSON white space.
func skipWS(src []byte, i int) int {
	for i < len(src) {
		switch src[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// str scans the string that starts at src[i] ('"') and returns the offset
// just past its closing quote and whether it contains escapes.
func (s *scanner) str(i int) (end int, esc bool, err error) {
	j := plainRun(s.src, i+1)
	if j < len(s.src) && s.src[j] == '"' {
		return j + 1, false, nil
	}
	return s.strFrom(i, j)
}

// strFrom is str, resumed at src[j]: src[i+1:j] is known to be plain.
func (s *scanner) strFrom(i, j int) (end int, esc bool, err error) {
	src := s.src
	for {
		// Find the next byte that is not plain: up to 16 bytes one at a
		// time (plainRun); past those, a long run, 8 at a time while a
		// whole word is left (special's lowest flag is the first special
		// byte), then one at a time again.
		if j = plainRun(src, j); j < len(src) && plain[src[j]] {
			for j+8 <= len(src) {
				if m := special(binary.LittleEndian.Uint64(src[j:])); m != 0 {
					j += bits.TrailingZeros64(m) >> 3
					break
				}
				j += 8
			}
			continue
		}
		if j >= len(src) {
			return j, esc, s.syntax(i, "unterminated string")
		}
		switch c := src[j]; {
		case c == '"':
			return j + 1, esc, nil
		case c == '\\':
			esc = true
			// \" \\ \/ \b \f \n \r \t are whole at two bytes; \u and
			// errors go to escape.
			if j+1 < len(src) && shortEscape[src[j+1]] {
				j += 2
				break
			}
			if j, err = s.escape(j); err != nil {
				return j, esc, err
			}
		case c < 0x20:
			return j, esc, s.syntax(j, "control character in string")
		default: // not ASCII: plainRun stops on no other ASCII byte
			// A run of multi-byte characters. The commonest forms are
			// checked inline: two bytes with a lead of C2..DF, three with
			// a lead of E1..EC or EE..EF (most of the BMP: CJK, kana,
			// hangul), whose continuation bytes may be any of 80..BF;
			// utf8Len checks the rest.
			for j < len(src) && src[j] >= utf8.RuneSelf {
				c := src[j]
				if 0xC2 <= c && c <= 0xDF && j+1 < len(src) && src[j+1]&0xC0 == 0x80 {
					j += 2
					continue
				}
				if 0xE1 <= c && c <= 0xEF && c != 0xED && j+2 < len(src) && src[j+1]&0xC0 == 0x80 && src[j+2]&0xC0 == 0x80 {
					j += 3
					continue
				}
				n := utf8Len(src, j)
				if n == 0 {
					return j, esc, s.syntax(j, "invalid UTF-8 in string")
				}
				j += n
			}
		}
	}
}

// plainRun returns the offset of the first byte from src[j] on that is
// not plain (no quote, backslash, control character or non-ASCII byte),
// looking at 16 bytes at most. Most strings are short, and a loop of one
// byte at a time beats str's 8 at a time on them: each step depends on
// the last only by j+1, so the processor runs ahead, where each of str's
// steps waits for the word it loaded. It is small enough to inline.
func plainRun(src []byte, j int) int {
	t := src[:min(len(src), j+16)]
	for j < len(t) && plain[t[j]] {
		j++
	}
	return j
}

// plain marks the bytes that a string holds as they are: ASCII from
// ' ' on, but the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// shortEscape marks the bytes that make a whole escape sequence after a
// backslash: all those escape accepts but 'u', which takes four more.
var shortEscape = [256]bool{'"': true, '\\': true, '/': true, 'b': true, 'f': true, 'n': true, 'r': true, 't': true}

// utf8Len returns the length of the valid UTF-8 encoding of a code point
// above U+007F at src[j], or 0 when it is invalid (overlong, a surrogate,
// past U+10FFFF, truncated): utf8.DecodeRune's rules, without its call.
func utf8Len(src []byte, j int) int {
	cont := func(k int) bool { return k < len(src) && src[k]&0xC0 == 0x80 }
	in := func(k int, lo, hi byte) bool { return k < len(src) && lo <= src[k] && src[k] <= hi }
	switch c := src[j]; {
	case c < 0xC2:
		return 0
	case c <= 0xDF:
		if cont(j + 1) {
			return 2
		}
	case c == 0xE0:
		if in(j+1, 0xA0, 0xBF) && cont(j+2) {
			return 3
		}
	case c == 0xED:
		if in(j+1, 0x80, 0x9F) && cont(j+2) {
			return 3
		}
	case c <= 0xEF:
		if cont(j+1) && cont(j+2) {
			return 3
		}
	case c == 0xF0:
		if in(j+1, 0x90, 0xBF) && cont(j+2) && cont(j+3) {
			return 4
		}
	case c <= 0xF3:
		if cont(j+1) && cont(j+2) && cont(j+3) {
			return 4
		}
	case c == 0xF4:
		if in(j+1, 0x80, 0x8F) && cont(j+2) && cont(j+3) {
			return 4
		}
	}
	return 0
}

// special flags, in the high bit of each byte, the bytes of x (8 bytes,
// little-endian) that are a quote, a backslash, a control character or not
// ASCII. Bytes above a flagged one may be flagged falsely (borrows), but
// the lowest flagged byte is always a special one.
//
// Each byte-wise subtraction sets the high bit of a byte below what is
// subtracted: x-0x20 flags control characters, (x^'"')-1 a quote (which
// the xor made 0), (x^'\\')-1 a backslash. An ASCII byte that is none of
// these stays below 0x80 in all three. A byte of 0x80 or more stays so in
// x^'"' (bit 7 is untouched), and so does that minus 1 unless it was 0x80,
// from 0xA2, which x-0x20 flags (0x82). A borrow only starts at a byte
// below what is subtracted, a special one, and only goes to higher bytes.
func special(x uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	return ((x - lo*0x20) | ((x ^ lo*'"') - lo) | ((x ^ lo*'\\') - lo)) & hi
}

// escape scans the escape sequence at src[j] ('\\').
func (s *scanner) escape(j int) (int, error) {
	src := s.src
	if j+1 >= len(src) {
		return j, s.syntax(j, "unterminated string")
	}
	switch src[j+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return j + 2, nil
	case 'u':
	default:
		return j, s.syntax(j, "invalid escape sequence")
	}
	r, ok := hex4(src, j+2)
	if !ok {
		return j, s.syntax(j, "invalid \\u escape")
	}
	if !s.body || r < 0xD800 || r >= 0xE000 {
		return j + 6, nil
	}
	if r < 0xDC00 && j+12 <= len(src) && src[j+6] == '\\' && src[j+7] == 'u' {
		if r2, ok := hex4(src, j+8); ok && r2 >= 0xDC00 && r2 < 0xE000 {
			return j + 12, nil
		}
	}
	return j, s.syntax(j, "lone surrogate escape")
}

// hex4 decodes the four hex digits at src[i:].
func hex4(src []byte, i int) (rune, bool) {
	if i+4 > len(src) {
		return 0, false
	}
	var r rune
	for _, c := range src[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// literal scans the literal lit (true, false or null) at src[i].
func (s *scanner) literal(i int, lit string) (int, error) {
	if !hasLiteral(s.src, i, lit) {
		return i, s.syntax(i, "invalid literal")
	}
	return i + len(lit), nil
}

// hasLiteral reports whether src[i:] starts with lit. The comparison is of
// a string conversion, which allocates nothing; inlined with lit a
// constant, it compiles to a load and a compare or two.
func hasLiteral(src []byte, i int, lit string) bool {
	return i+len(lit) <= len(src) && string(src[i:i+len(lit)]) == lit
}

// number scans an RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number(i int) (int, error) {
	src := s.src
	j := i
	if j < len(src) && src[j] == '-' {
		j++
	}
	switch {
	case j < len(src) && src[j] == '0':
		j++
	case j < len(src) && '1' <= src[j] && src[j] <= '9':
		j = digits(src, j+1)
	case bytes.HasPrefix(src[i:], []byte("\uFEFF")):
		return i, s.syntax(i, "byte-order mark")
	default:
		return i, s.syntax(i, "invalid value")
	}
	if j < len(src) && src[j] == '.' {
		k := digits(src, j+1)
		if k == j+1 {
			return i, s.syntax(i, "invalid number")
		}
		j = k
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		j++
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		k := digits(src, j)
		if k == j {
			return i, s.syntax(i, "invalid number")
		}
		j = k
	}
	return j, nil
}

// digits returns the offset of the first byte from src[j] on that is not
// a decimal digit.
func digits(src []byte, j int) int {
	for j < len(src) && '0' <= src[j] && src[j] <= '9' {
		j++
	}
	return j
}

// absent reports whether a stored document is absent: empty, only white
// space, or null (package doc, "Merging"). It returns the offset of its first value.
func absent(src []byte) (int, bool) {
	i := skipWS(src, 0)
	return i, i == len(src) || bytes.HasPrefix(src[i:], []byte("null")) && skipWS(src, i+4) == len(src)
}

// document scans a whole input that must be one value and nothing but white
// space around it, and returns the offsets of that value.
func (s *scanner) document() (start, end int, err error) { return s.documentInto(nil) }

// documentInto is document, recording members in rec unless it is nil
// (see valueInto).
func (s *scanner) documentInto(rec *record) (start, end int, err error) {
	start = s.ws(0)
	if end, err = s.valueInto(start, rec); err != nil {
		return start, end, err
	}
	if k := s.ws(end); k != len(s.src) {
		return start, end, s.syntax(k, "unexpected data after the value")
	}
	return start, end, nil
}

// syntax is the error for invalid JSON at src[off].
func (s *scanner) syntax(off int, detail string) error {
	return s.fail(ErrSyntax, off, "Invalid JSON: %s at offset %d", detail, off)
}

// fail builds the error for a problem at src[off]: a 400 for a body, a 500
// for a stored document.
func (s *scanner) fail(kind error, off int, format string, args ...any) error {
	if s.body || s.target {
		return bodyError(kind, s.src, off, format, args...)
	}
	return storedError(s.src, off, format, args...)
}

// A stack of open containers: the kind of each level (object or array).
// The first 1,024 levels live inline, so scanning a stored document of any
// usual depth, or a body within the default depth, allocates nothing; it
// is a local of value, since a growing slice inside the scanner would
// make all the scanner points to escape to the heap. The first 128
// levels take a byte each, so that a push is a store and not a
// read-modify-write of a word that the next push reads again (a chain
// through memory on deep documents); the others a bit each, so that the
// stack, zeroed on every call of value (once per stored member in a
// merge), stays small (a body scanner keeps where each open object's
// names start in its nameTable, zeroed once per call), and a hostile
// stored document of millions of levels takes an eighth of its size.
type stack struct {
	n    int
	near [128]bool  // level d < 128 is an object
	far  [14]uint64 // levels 128 to 1,023: bit d%64 of word d/64, d = level-128
	more []uint64   // the words past far
}

// push opens a container, an object (obj) or an array.
func (s *stack) push(obj bool) {
	if s.n < len(s.near) {
		s.near[s.n] = obj
	} else {
		s.pushFar(obj)
	}
	s.n++
}

// pushFar is push's kind past the near levels.
func (s *stack) pushFar(obj bool) {
	d := s.n - len(s.near)
	w, bit := d>>6, uint64(1)<<(d&63)
	if w >= len(s.far) && w-len(s.far) >= len(s.more) {
		s.more = append(s.more, 0)
	}
	if word := s.word(w); obj {
		*word |= bit
	} else {
		*word &^= bit
	}
}

// word returns word w of the far levels' bits.
func (s *stack) word(w int) *uint64 {
	if w < len(s.far) {
		return &s.far[w]
	}
	return &s.more[w-len(s.far)]
}

// isObject reports whether level d is an object.
func (s *stack) isObject(d int) bool {
	if d < len(s.near) {
		return s.near[d]
	}
	d -= len(s.near)
	return *s.word(d >> 6)&(1<<(d&63)) != 0
}

// pop closes the innermost open container and returns whether the one
// now innermost is an object (false when none is open).
func (s *stack) pop() bool {
	s.n--
	return s.n > 0 && s.isObject(s.n-1)
}

// sameName reports whether two names (raw, between quotes) decode to the
// same value.
func sameName(a []byte, aesc bool, b []byte, besc bool) bool {
	if !aesc && !besc {
		return bytes.Equal(a, b)
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		var ra, rb rune
		ra, i = nextRune(a, i)
		rb, j = nextRune(b, j)
		if ra != rb {
			return false
		}
	}
	return i == len(a) && j == len(b)
}

// nextRune decodes the code point at raw[i:], raw being the content of a
// JSON string. A lone surrogate escape decodes to the surrogate itself, so
// that names stay distinct; malformed input never panics.
func nextRune(raw []byte, i int) (rune, int) {
	c := raw[i]
	if c >= utf8.RuneSelf {
		r, n := utf8.DecodeRune(raw[i:])
		return r, i + n
	}
	if c != '\\' || i+1 >= len(raw) {
		return rune(c), i + 1
	}
	switch raw[i+1] {
	case 'b':
		return '\b', i + 2
	case 'f':
		return '\f', i + 2
	case 'n':
		return '\n', i + 2
	case 'r':
		return '\r', i + 2
	case 't':
		return '\t', i + 2
	case 'u':
		r, ok := hex4(raw, i+2)
		if !ok {
			return utf8.RuneError, i + 2
		}
		if r >= 0xD800 && r < 0xDC00 && i+12 <= len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
			if r2, ok := hex4(raw, i+8); ok && r2 >= 0xDC00 && r2 < 0xE000 {
				return (r-0xD800)<<10 | (r2 - 0xDC00) + 0x10000, i + 12
			}
		}
		return r, i + 6
	default: // '"', '\\', '/'
		return rune(raw[i+1]), i + 2
	}
}

// appendWTF8 appends r in UTF-8, and a surrogate in the same three-byte form
// (WTF-8), so that every decoded name has one byte spelling to hash.
func appendWTF8(b []byte, r rune) []byte {
	if r >= 0xD800 && r < 0xE000 {
		return append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	}
	return utf8.AppendRune(b, r)
}

// decodeString returns the decoded value of a string's raw content, for
// messages and pointers: always valid UTF-8, with U+FFFD for what is not.
func decodeString(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw)
	}
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		var r rune
		r, i = nextRune(raw, i)
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// runeCount returns the number of code points a string's raw content
// decodes to.
func runeCount(raw []byte, esc bool) int {
	if !esc {
		return utf8.RuneCount(raw)
	}
	n := 0
	for i := 0; i < len(raw); n++ {
		_, i = nextRune(raw, i)
	}
	return n
}

// skipString returns the offset past the closing quote of the valid string
// at src[i], and whether it has escapes.
func skipString(src []byte, i int) (int, bool) {
	esc := false
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			esc = true
			j++
		case '"':
			return j + 1, esc
		}
	}
	return len(src), esc
}

// skipValue returns the offset just past the valid value at src[i].
func skipValue(src []byte, i int) int {
	depth := 0
	for i < len(src) {
		switch src[i] {
		case '"':
			i, _ = skipString(src, i)
			if depth == 0 {
				return i
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',', ' ', '\t', '\n', '\r', ':':
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return i
}

// appendCompact appends the valid value v without insignificant white space.
func appendCompact(dst, v []byte) []byte {
	for i := 0; i < len(v); {
		switch v[i] {
		case ' ', '\t', '\n', '\r':
			i++
		case '"':
			j, _ := skipString(v, i)
			dst = append(dst, v[i:j]...)
			i = j
		default:
			j := i + 1
			for j < len(v) && v[j] != '"' && v[j] != ' ' && v[j] != '\t' && v[j] != '\n' && v[j] != '\r' {
				j++
			}
			dst = append(dst, v[i:j]...)
			i = j
		}
	}
	return dst
}

// stringLength returns the number of code points the string value v
// (quotes included) decodes to.
func stringLength(v []byte) int {
	raw := v[1 : len(v)-1]
	for _, c := range raw {
		if c == '\\' {
			return runeCount(raw, true)
		}
	}
	return runeCount(raw, false)
}
