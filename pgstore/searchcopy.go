// This file implements the package doc's "The search copy": the jsonb value
// a document is searched by, built from its exact bytes.

package pgstore

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/metapatch/metapatch/query"
)

// The limits of PostgreSQL's numeric type, which jsonb and jsonpath store
// numbers in: at most 131072 digits before the decimal point, at most
// 16383 after it (counting the literal's own trailing zeros), and a
// literal exponent below 1073741823 in magnitude.
const (
	numericMaxIntDigits  = 131072
	numericMaxFracDigits = 16383
	numericMaxExponent   = 1<<30 - 1
)

// maxSearchDepth is how deep the search copy nests; deeper containers are
// null in it (never matched). Queries name short paths, and PostgreSQL's
// JSON parser is recursive.
const maxSearchDepth = 100

// maxExistsPath is the longest path recorded in the search copy's list of
// paths that hold a searchable value ("e"); _exists_ on a longer field
// falls back to walking the document, unindexed.
const maxExistsPath = 512

// searchCopy returns the JSON text of the jsonb value doc is searched by:
//
//	{"d": doc, "f": doc folded, "e": [path, …]}
//
// "d" is doc as jsonb can hold it: U+0000 in a string or name, which
// PostgreSQL's text cannot hold, is U+0001 U+0001 and U+0001 is U+0001
// U+0002 (a mapping that keeps equality, prefixes and order); a lone
// surrogate escape is U+FFFD, as encoding/json decodes it; numbers beyond
// numeric's range are strings of their spelling; arrays within arrays are
// flattened into one; containers deeper than maxSearchDepth are null.
// "f" is "d" with every string value folded by query.Fold, for the terms
// whose Term.Fold is set. "e" lists the dotted paths (as
// query.Term.Field spells them) at which the document holds a searchable
// value, for _exists_. A doc that is not a JSON object in valid UTF-8
// gives {}, which only the search for everything finds.
func searchCopy(doc []byte) string {
	if !utf8.Valid(doc) {
		return "{}" // query.Match finds nothing in it
	}
	p := jsonParser{in: doc}
	p.space()
	root, ok := p.value(0)
	p.space()
	if !ok || p.pos != len(p.in) || root.kind != '{' {
		return "{}"
	}
	out := []byte(`{"d":`)
	out = root.append(out, false)
	out = append(out, `,"f":`...)
	out = root.append(out, true)
	out = append(out, `,"e":[`...)
	paths := map[string]bool{}
	root.existsPaths("", paths)
	for i, path := range slices.Sorted(mapKeys(paths)) {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendString(out, path, false)
	}
	out = append(out, "]}"...)
	return string(out)
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// A jsonNode is a parsed JSON value in the form the search copy needs.
type jsonNode struct {
	kind    byte         // '{', '[', '"' (string), '0' (number), 'l' (true, false, null)
	text    string       // a string's value, a number's spelling, a literal
	members []jsonMember // an object's, each name once: the last one wins
	elems   []*jsonNode  // an array's, arrays within it flattened
}

type jsonMember struct {
	name  string
	value *jsonNode
}

var jsonNull = &jsonNode{kind: 'l', text: "null"}

// append appends the node as JSON, folding strings when fold is set.
func (n *jsonNode) append(out []byte, fold bool) []byte {
	switch n.kind {
	case '{':
		out = append(out, '{')
		for i, m := range n.members {
			if i > 0 {
				out = append(out, ',')
			}
			out = appendString(out, m.name, false)
			out = append(out, ':')
			out = m.value.append(out, fold)
		}
		return append(out, '}')
	case '[':
		out = append(out, '[')
		for i, e := range n.elems {
			if i > 0 {
				out = append(out, ',')
			}
			out = e.append(out, fold)
		}
		return append(out, ']')
	case '"':
		return appendString(out, n.text, fold)
	case '0':
		if !numericHolds(n.text) {
			return appendString(out, n.text, false)
		}
	}
	return append(out, n.text...)
}

// existsPaths adds to paths the path of every member below n that holds a
// searchable value, as query's _exists_ finds them: array levels skipped,
// names with '.' or empty (which no query path can name) left out with
// everything below them. It reports whether n holds a searchable value.
func (n *jsonNode) existsPaths(prefix string, paths map[string]bool) bool {
	switch n.kind {
	case '{':
		found := false
		for _, m := range n.members {
			path := m.name
			if prefix != "" {
				path = prefix + "." + m.name
			}
			named := m.name != "" && !strings.Contains(m.name, ".") && len(path) <= maxExistsPath
			if !named {
				// Below a name no query can spell, only whether a
				// searchable value exists matters.
				found = m.value.existsPaths(prefix, map[string]bool{}) || found
				continue
			}
			if m.value.existsPaths(path, paths) {
				paths[path] = true
				found = true
			}
		}
		return found
	case '[':
		found := false
		for _, e := range n.elems {
			found = e.existsPaths(prefix, paths) || found
		}
		return found
	case 'l':
		return n.text != "null"
	}
	return true
}

// A jsonParser reads JSON from in at pos.
type jsonParser struct {
	in  []byte
	pos int
}

func (p *jsonParser) space() {
	for p.pos < len(p.in) {
		switch p.in[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// value parses the value at pos, which is nested in depth containers.
func (p *jsonParser) value(depth int) (*jsonNode, bool) {
	if p.pos >= len(p.in) {
		return nil, false
	}
	switch c := p.in[p.pos]; {
	case c == '{' || c == '[':
		if depth >= maxSearchDepth {
			return jsonNull, p.skip()
		}
		if c == '{' {
			return p.object(depth + 1)
		}
		n := &jsonNode{kind: '['}
		return n, p.elements(depth+1, n)
	case c == '"':
		s, ok := p.str()
		return &jsonNode{kind: '"', text: s}, ok
	case c == '-' || '0' <= c && c <= '9':
		start := p.pos
		if !p.number() {
			return nil, false
		}
		return &jsonNode{kind: '0', text: string(p.in[start:p.pos])}, true
	}
	for _, lit := range []string{"true", "false", "null"} {
		if len(p.in)-p.pos >= len(lit) && string(p.in[p.pos:p.pos+len(lit)]) == lit {
			p.pos += len(lit)
			return &jsonNode{kind: 'l', text: lit}, true
		}
	}
	return nil, false
}

// object parses the object at pos; of members with one name, the last
// one is kept, in the position of the first (jsonb, too, keeps the last).
func (p *jsonParser) object(depth int) (*jsonNode, bool) {
	n := &jsonNode{kind: '{'}
	p.pos++ // {
	p.space()
	if p.pos < len(p.in) && p.in[p.pos] == '}' {
		p.pos++
		return n, true
	}
	var index map[string]int
	for {
		p.space()
		if p.pos >= len(p.in) || p.in[p.pos] != '"' {
			return nil, false
		}
		name, ok := p.str()
		if !ok {
			return nil, false
		}
		p.space()
		if p.pos >= len(p.in) || p.in[p.pos] != ':' {
			return nil, false
		}
		p.pos++
		p.space()
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		if index == nil {
			index = map[string]int{}
		}
		if i, dup := index[name]; dup {
			n.members[i].value = v
		} else {
			index[name] = len(n.members)
			n.members = append(n.members, jsonMember{name, v})
		}
		p.space()
		if p.pos >= len(p.in) {
			return nil, false
		}
		switch p.in[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return n, true
		default:
			return nil, false
		}
	}
}

// elements parses the elements of the array at pos into n.elems, and
// those of arrays within it in their place: [[1,2],[],3] gives 1, 2, 3.
func (p *jsonParser) elements(depth int, n *jsonNode) bool {
	p.pos++ // [
	p.space()
	if p.pos < len(p.in) && p.in[p.pos] == ']' {
		p.pos++
		return true
	}
	for {
		p.space()
		if p.pos >= len(p.in) {
			return false
		}
		if p.in[p.pos] == '[' && depth < maxSearchDepth {
			if !p.elements(depth+1, n) {
				return false
			}
		} else {
			e, ok := p.value(depth)
			if !ok {
				return false
			}
			n.elems = append(n.elems, e)
		}
		p.space()
		if p.pos >= len(p.in) {
			return false
		}
		switch p.in[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return true
		default:
			return false
		}
	}
}

// skip passes over the container at pos, iteratively (it may be deep).
func (p *jsonParser) skip() bool {
	level := 0
	for p.pos < len(p.in) {
		switch p.in[p.pos] {
		case '"':
			if _, ok := p.str(); !ok {
				return false
			}
			continue
		case '{', '[':
			level++
		case '}', ']':
			level--
			if level == 0 {
				p.pos++
				return true
			}
		}
		p.pos++
	}
	return false
}

// str reads the string at pos and returns its value in the search copy's
// form: U+0000 and U+0001 as writeHoldable writes them, U+FFFD for each
// lone surrogate escape and invalid UTF-8 byte.
func (p *jsonParser) str() (string, bool) {
	p.pos++ // "
	var b strings.Builder
	for p.pos < len(p.in) {
		c := p.in[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), true
		case c < 0x20:
			return "", false
		case c == '\\':
			if p.pos+1 >= len(p.in) {
				return "", false
			}
			e := p.in[p.pos+1]
			p.pos += 2
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", false
				}
				if utf16.IsSurrogate(r) {
					pair := utf8.RuneError
					if r < 0xdc00 && p.pos+1 < len(p.in) && p.in[p.pos] == '\\' && p.in[p.pos+1] == 'u' {
						save := p.pos
						p.pos += 2
						low, ok := p.hex4()
						if !ok {
							return "", false
						}
						if pair = utf16.DecodeRune(r, low); pair == utf8.RuneError {
							p.pos = save // a lone high surrogate: the next escape stands alone
						}
					}
					r = pair
				}
				writeHoldable(&b, r)
			default:
				return "", false
			}
		default:
			r, size := utf8.DecodeRune(p.in[p.pos:])
			b.WriteRune(r) // U+FFFD for an invalid byte, as encoding/json decodes it
			p.pos += size
		}
	}
	return "", false
}

// writeHoldable writes r as the search copy holds it: PostgreSQL's text
// cannot hold U+0000, so U+0000 is written as U+0001 U+0001 and U+0001 as
// U+0001 U+0002. The mapping keeps equality, prefixes and byte order, so
// strings compare in the copy as they do in the document.
func writeHoldable(b *strings.Builder, r rune) {
	switch r {
	case 0:
		b.WriteString("\x01\x01")
	case 1:
		b.WriteString("\x01\x02")
	default:
		b.WriteRune(r)
	}
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.pos+4 > len(p.in) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(p.in[p.pos:p.pos+4]), 16, 16)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return rune(n), true
}

// number passes over the JSON number at pos.
func (p *jsonParser) number() bool {
	start := p.pos
	if p.in[p.pos] == '-' {
		p.pos++
	}
	p.digits()
	p.pos += 0
	if p.pos < len(p.in) && p.in[p.pos] == '.' {
		p.pos++
		if !p.digits() {
			return false
		}
	}
	if p.pos < len(p.in) && (p.in[p.pos] == 'e' || p.in[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.in) && (p.in[p.pos] == '+' || p.in[p.pos] == '-') {
			p.pos++
		}
		if !p.digits() {
			return false
		}
	}
	return query.IsNumber(string(p.in[start:p.pos]))
}

// digits passes over decimal digits and reports whether there was one.
func (p *jsonParser) digits() bool {
	start := p.pos
	for p.pos < len(p.in) && '0' <= p.in[p.pos] && p.in[p.pos] <= '9' {
		p.pos++
	}
	return p.pos > start
}

// A decimalParts is a JSON number literal taken apart.
type decimalParts struct {
	neg        bool
	intDigits  string
	fracDigits string
	exp        int  // the literal's exponent
	expOK      bool // exp fits numericMaxExponent
}

// splitNumber takes apart a JSON number literal (one query.IsNumber
// accepts).
func splitNumber(s string) decimalParts {
	var d decimalParts
	d.neg = strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, exp, hasExp := strings.Cut(strings.ReplaceAll(s, "E", "e"), "e")
	d.intDigits, d.fracDigits, _ = strings.Cut(mant, ".")
	d.expOK = true
	if hasExp {
		e, err := strconv.Atoi(exp)
		d.exp, d.expOK = e, err == nil && -numericMaxExponent < e && e < numericMaxExponent
	}
	return d
}

// numericHolds reports whether PostgreSQL's numeric can hold the number
// spelled s, as jsonb and jsonpath read it.
func numericHolds(s string) bool {
	d := splitNumber(s)
	if !d.expOK {
		return false
	}
	// Digits after the point as PostgreSQL counts them (its display scale).
	if len(d.fracDigits)-d.exp > numericMaxFracDigits {
		return false
	}
	// The decimal position of the first nonzero digit.
	all := d.intDigits + d.fracDigits
	i := strings.IndexFunc(all, func(r rune) bool { return r != '0' })
	if i < 0 {
		return true // zero
	}
	return len(d.intDigits)-i+d.exp <= numericMaxIntDigits
}

// appendString appends s as a JSON string (also a jsonpath string literal),
// folded by query.Fold when fold is set. Every byte of s must be valid
// UTF-8 and s must hold no NUL; see holdableString.
func appendString(out []byte, s string, fold bool) []byte {
	if fold {
		s = query.Fold(s)
	}
	out = append(out, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c < 0x20:
			out = append(out, `\u00`...)
			out = append(out, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
		default:
			out = append(out, c)
		}
	}
	return append(out, '"')
}

// holdableString returns s in the search copy's form (see writeHoldable),
// with U+FFFD for each byte that is not valid UTF-8.
func holdableString(s string) string {
	if utf8.ValidString(s) && !strings.ContainsAny(s, "\x00\x01") {
		return s
	}
	var b strings.Builder
	for _, r := range s { // an invalid byte ranges as U+FFFD
		writeHoldable(&b, r)
	}
	return b.String()
}
