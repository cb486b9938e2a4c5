// This file matches a tree against a stored document; see the package
// doc, "Matching".

package query

import (
	"bytes"
	"encoding/json"
	"iter"
	"strings"
	"unicode/utf8"
)

// Match reports whether the stored user document doc matches the query.
// doc is read as bytes, never decoded into maps; a doc that is not a valid
// JSON object in valid UTF-8 matches nothing, whatever the query (even a
// NOT). Match never panics, whatever doc holds.
func (q *Query) Match(doc []byte) bool {
	if q == nil || !utf8.Valid(doc) || !json.Valid(doc) {
		return false
	}
	i := skipSpace(doc, 0)
	if i >= len(doc) || doc[i] != '{' {
		return false
	}
	return matchNode(q.Root, doc)
}

// matchNode matches n against a valid JSON object doc. A nil node (nil
// pointers included), or an And or Or without operands, matches nothing.
func matchNode(n Node, doc []byte) bool {
	switch n := n.(type) {
	case *And:
		if n == nil {
			return false
		}
		for _, m := range n.Operands {
			if !matchNode(m, doc) {
				return false
			}
		}
		return len(n.Operands) > 0
	case *Or:
		if n == nil {
			return false
		}
		for _, m := range n.Operands {
			if matchNode(m, doc) {
				return true
			}
		}
	case *Not:
		return n != nil && n.Operand != nil && !matchNode(n.Operand, doc)
	case *Term:
		return n != nil && matchTerm(n, doc)
	}
	return false
}

// matchTerm matches one term against a valid JSON object doc.
func matchTerm(t *Term, doc []byte) bool {
	if t.Kind == Exists {
		if len(t.Path) == 0 {
			return false
		}
		for v := range lookup(doc, t.Path) {
			if hasScalar(v) {
				return true
			}
		}
		return false
	}
	if t.Field == "" {
		for _, f := range caseInsensitive {
			for v := range scalars(doc, []string{f}) {
				if t.MatchValue(v) {
					return true
				}
			}
		}
		return false
	}
	for v := range scalars(doc, t.Path) {
		if t.MatchValue(v) {
			return true
		}
	}
	return false
}

// Values yields the searchable values (strings, numbers, booleans, as
// their raw JSON bytes) found by walking path from the root object of doc,
// skipping array levels at every depth: an array stands for each of its
// elements, and an array of arrays for the elements of those. Nulls,
// objects and empty arrays yield nothing. Where an object names a member
// twice, the last one counts. doc must be valid JSON (as json.Valid
// checks); otherwise Values yields nothing. An empty path yields nothing.
func Values(doc []byte, path []string) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		if len(path) == 0 || !json.Valid(doc) {
			return
		}
		for v := range scalars(doc, path) {
			if !yield(v) {
				return
			}
		}
	}
}

// scalars is Values for a doc known to be valid.
func scalars(doc []byte, path []string) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for v := range lookup(doc, path) {
			if !eachScalar(v, yield) {
				return
			}
		}
	}
}

// eachScalar yields v if it is a string, number or boolean, or each such
// element of v if it is an array (at any depth). It returns false when
// yield asked to stop.
func eachScalar(v []byte, yield func([]byte) bool) bool {
	switch v[0] {
	case '{', 'n':
		return true
	case '[':
		for e := range elements(v) {
			if !eachScalar(e, yield) {
				return false
			}
		}
		return true
	}
	return yield(v)
}

// hasScalar reports whether v is, or holds at any depth, a string, number
// or boolean.
func hasScalar(v []byte) bool {
	switch v[0] {
	case 'n':
		return false
	case '{':
		// Of members that share a name, only the last counts, as in lookup.
		last := map[string][]byte{}
		var order []string
		for name, m := range members(v) {
			key, _ := decodeString(name)
			if _, seen := last[key]; !seen {
				order = append(order, key)
			}
			last[key] = m
		}
		for _, key := range order {
			if hasScalar(last[key]) {
				return true
			}
		}
		return false
	case '[':
		for e := range elements(v) {
			if hasScalar(e) {
				return true
			}
		}
		return false
	}
	return true
}

// lookup yields the values found at path below the valid JSON value v
// (white space trimmed), skipping array levels: each yielded value is
// trimmed and may itself be an array.
func lookup(v []byte, path []string) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		walk(bytes.TrimLeft(v, " \t\r\n"), path, yield)
	}
}

func walk(v []byte, path []string, yield func([]byte) bool) bool {
	if len(v) == 0 {
		return true
	}
	if len(path) == 0 {
		return yield(v)
	}
	switch v[0] {
	case '[':
		for e := range elements(v) {
			if !walk(e, path, yield) {
				return false
			}
		}
	case '{':
		var found []byte
		for name, m := range members(v) {
			if nameIs(name, path[0]) {
				found = m
			}
		}
		if found != nil {
			return walk(found, path[1:], yield)
		}
	}
	return true
}

// MatchValue reports whether one searchable value raw (a JSON string,
// number or boolean, as Values yields it) satisfies an Exact, Prefix or
// Range term, as Match tests it; see the package doc, "Matching". It is
// false for an Exists term and for raw that is not a JSON scalar.
func (t *Term) MatchValue(raw []byte) bool {
	if t == nil || len(raw) == 0 {
		return false
	}
	switch raw[0] {
	case '"':
		s, ok := decodeString(raw)
		if !ok {
			return false
		}
		return t.matchString(s)
	case 't', 'f':
		return t.Kind == Exact && (string(raw) == "true" || string(raw) == "false") && string(raw) == t.Value
	case '{', '[', 'n':
		return false
	}
	n := string(raw)
	if !IsNumber(n) {
		return false
	}
	switch t.Kind {
	case Exact:
		return t.Number && EqualNumbers(n, t.Value)
	case Range:
		return numberInBound(n, t.Low, -1) && numberInBound(n, t.High, 1)
	}
	return false
}

func (t *Term) matchString(s string) bool {
	fold := func(x string) string {
		if t.Fold {
			return Fold(x)
		}
		return x
	}
	switch t.Kind {
	case Exact:
		return fold(s) == fold(t.Value)
	case Prefix:
		return strings.HasPrefix(fold(s), fold(t.Value))
	case Range:
		s = fold(s)
		return stringInBound(s, t.Low, fold(t.Low.Key), -1) && stringInBound(s, t.High, fold(t.High.Key), 1)
	}
	return false
}

// stringInBound reports whether s lies on the right side of bound b
// (side -1 for the low end, +1 for the high end), key being b's folded
// Key.
func stringInBound(s string, b Bound, key string, side int) bool {
	if b.Unbounded {
		return true
	}
	return inside(strings.Compare(s, key), b.Inclusive, side)
}

// numberInBound is stringInBound for a stored number: a bound that is not
// a number is never satisfied.
func numberInBound(n string, b Bound, side int) bool {
	if b.Unbounded {
		return true
	}
	c, ok := CompareNumbers(n, b.Value)
	return ok && inside(c, b.Inclusive, side)
}

// inside turns a comparison of a value with a bound into whether the
// value is inside the range at that end.
func inside(c int, inclusive bool, side int) bool {
	if c == 0 {
		return inclusive
	}
	return c != side
}

// decodeString decodes a JSON string literal.
func decodeString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipValue returns the offset just past the JSON value starting at
// b[i], or -1 if there is none. b is valid JSON, but skipValue checks its
// bounds anyway.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		for j := i + 1; j < len(b); j++ {
			switch b[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return -1
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				k := skipValue(b, j)
				if k < 0 {
					return -1
				}
				j = k - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && !(b[j] == ',' || b[j] == '}' || b[j] == ']' || b[j] == ' ' || b[j] == '\t' || b[j] == '\r' || b[j] == '\n') {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// elements yields the elements of the JSON array v, trimmed.
func elements(v []byte) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		i := skipSpace(v, 1)
		for i < len(v) && v[i] != ']' {
			end := skipValue(v, i)
			if end < 0 {
				return
			}
			if !yield(v[i:end]) {
				return
			}
			i = skipSpace(v, end)
			if i < len(v) && v[i] == ',' {
				i = skipSpace(v, i+1)
			}
		}
	}
}

// nameIs reports whether the JSON string literal raw decodes to name.
func nameIs(raw []byte, name string) bool {
	if bytes.IndexByte(raw, '\\') < 0 {
		return len(raw) >= 2 && string(raw[1:len(raw)-1]) == name
	}
	s, ok := decodeString(raw)
	return ok && s == name
}

// members yields the members of the JSON object v: the name as its JSON
// string literal, and the trimmed value.
func members(v []byte) iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		i := skipSpace(v, 1)
		for i < len(v) && v[i] == '"' {
			end := skipValue(v, i)
			if end < 0 {
				return
			}
			name := v[i:end]
			i = skipSpace(v, end)
			if i >= len(v) || v[i] != ':' {
				return
			}
			i = skipSpace(v, i+1)
			vend := skipValue(v, i)
			if vend < 0 {
				return
			}
			if !yield(name, v[i:vend]) {
				return
			}
			i = skipSpace(v, vend)
			if i < len(v) && v[i] == ',' {
				i = skipSpace(v, i+1)
			}
		}
	}
}
