// This file implements the grammar; see the package doc, "Syntax".

package query

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxDepth limits the nesting of parentheses and NOT in the text, and
// the depth of the tree, so that no query can make the parser, the
// printer, Match or another walker recurse without bound. Since the
// printer nests only where the tree does, a printed tree never nests
// deeper than the limit.
const maxDepth = 100

// Parse parses a query. Every error it returns is an *Error. An empty
// query (or one of only white space) is an error: a caller without a
// query passes none. See the package doc, "Syntax" and "Errors".
func Parse(q string) (*Query, error) {
	if !utf8.ValidString(q) {
		for i := 0; i < len(q); {
			r, n := utf8.DecodeRuneInString(q[i:])
			if r == utf8.RuneError && n <= 1 {
				return nil, &Error{i, "the query is not valid UTF-8"}
			}
			i += n
		}
	}
	p := &parser{s: scanner{src: q}}
	root, err := p.parse()
	if err != nil {
		return nil, err
	}
	return &Query{Root: root}, nil
}

// parser is a recursive-descent parser with one token of look-ahead,
// scanned lazily so that the parser can ask for a value where one is
// expected.
type parser struct {
	s      scanner
	tok    token
	peeked bool
	depth  int
	after  string // the operator just consumed, for error messages
	group  *token // the field of the field group being parsed, or nil
}

// peek returns the next token, scanned outside value position.
func (p *parser) peek() (token, *Error) {
	if !p.peeked {
		t, err := p.s.scan(modeClause)
		if err != nil {
			return t, err
		}
		p.tok, p.peeked = t, true
	}
	return p.tok, nil
}

// next consumes the peeked token.
func (p *parser) next() { p.peeked = false }

// value scans the next token in value position (m is modeValue or
// modeBound).
// Nothing may be peeked.
func (p *parser) value(m mode) (token, *Error) {
	return p.s.scan(m)
}

func (p *parser) parse() (Node, *Error) {
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if t.kind == tEOF {
		return nil, &Error{0, "the query is empty"}
	}
	x, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	t, err = p.peek()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tEOF:
		return x.n, nil
	case tRParen:
		return nil, &Error{t.off, "unbalanced ')': no '(' before it"}
	}
	return nil, &Error{t.off, "unexpected " + tokenNames[t.kind]}
}

// parsed is a parsed part of a query: its node, the node's depth in the
// tree (a Term 0, an And, Or or Not one more than its deepest operand),
// and whether it is a single negated clause (NOT x, -x).
type parsed struct {
	n       Node
	depth   int
	negated bool
}

// tooDeep is the error for a tree or text nested deeper than maxDepth,
// found at offset off. Both are limited: the text's nesting bounds the
// parser's recursion, the tree's bounds what walkers recurse over and
// what the printer writes.
func tooDeep(off int) *Error {
	return &Error{off, "the query nests deeper than " + strconv.Itoa(maxDepth) + " levels"}
}

// operator builds an And (or, when and is false, an Or) of xs at depth
// one more than its deepest operand, or fails when that is too deep; off
// is where the operator's text starts.
func operator(and bool, xs []parsed, off int) (parsed, *Error) {
	ops := make([]Node, len(xs))
	depth := 0
	for i, x := range xs {
		ops[i] = x.n
		depth = max(depth, x.depth+1)
	}
	if depth > maxDepth {
		return parsed{}, tooDeep(off)
	}
	if and {
		return parsed{n: &And{Operands: ops}, depth: depth}, nil
	}
	return parsed{n: &Or{Operands: ops}, depth: depth}, nil
}

// parseOr parses clauses joined by OR or by nothing. A clause that is a
// single negation (NOT x, -x) excludes documents from the group, as in
// Lucene: "a -b" is a AND NOT b.
func (p *parser) parseOr() (parsed, *Error) {
	first, err := p.peek()
	if err != nil {
		return parsed{}, err
	}
	var pos, neg []parsed
	for {
		x, err := p.parseAnd()
		if err != nil {
			return parsed{}, err
		}
		if x.negated {
			neg = append(neg, x)
		} else {
			pos = append(pos, x)
		}
		t, err := p.peek()
		if err != nil {
			return parsed{}, err
		}
		switch t.kind {
		case tEOF, tRParen:
			return group(pos, neg, first.off)
		case tOr:
			p.next()
			p.after = "OR"
		}
	}
}

// group builds the node of an OR group from its positive and negated
// clauses; off is where the group starts.
func group(pos, neg []parsed, off int) (parsed, *Error) {
	var or parsed
	switch len(pos) {
	case 0:
		if len(neg) == 1 {
			return neg[0], nil
		}
		return operator(true, neg, off)
	case 1:
		or = pos[0]
	default:
		var err *Error
		if or, err = operator(false, pos, off); err != nil {
			return parsed{}, err
		}
	}
	if len(neg) == 0 {
		return or, nil
	}
	return operator(true, append([]parsed{or}, neg...), off)
}

// parseAnd parses unary clauses joined by AND.
func (p *parser) parseAnd() (parsed, *Error) {
	first, err := p.peek()
	if err != nil {
		return parsed{}, err
	}
	x, err := p.parseUnary()
	if err != nil {
		return parsed{}, err
	}
	var xs []parsed
	for {
		t, err := p.peek()
		if err != nil {
			return parsed{}, err
		}
		if t.kind != tAnd {
			break
		}
		p.next()
		p.after = "AND"
		y, err := p.parseUnary()
		if err != nil {
			return parsed{}, err
		}
		if xs == nil {
			xs = []parsed{x}
		}
		xs = append(xs, y)
	}
	if xs != nil {
		return operator(true, xs, first.off)
	}
	return x, nil
}

// parseUnary parses NOT x, -x or a primary.
func (p *parser) parseUnary() (parsed, *Error) {
	t, err := p.peek()
	if err != nil {
		return parsed{}, err
	}
	if t.kind != tNot && t.kind != tMinus {
		return p.parsePrimary()
	}
	p.next()
	p.after = tokenNames[t.kind]
	if p.depth++; p.depth > maxDepth {
		return parsed{}, tooDeep(t.off)
	}
	x, err := p.parseUnary()
	p.depth--
	if err != nil {
		return parsed{}, err
	}
	if x.depth+1 > maxDepth {
		return parsed{}, tooDeep(t.off)
	}
	return parsed{n: &Not{Operand: x.n}, depth: x.depth + 1, negated: true}, nil
}

// parsePrimary parses a parenthesized query or a term.
func (p *parser) parsePrimary() (parsed, *Error) {
	t, err := p.peek()
	if err != nil {
		return parsed{}, err
	}
	switch t.kind {
	case tLParen:
		p.next()
		return p.parseGroup(t, p.group)
	case tWord:
		p.next()
		if t.end < len(p.s.src) && p.s.src[t.end] == ':' {
			return p.parseField(t)
		}
		term, err := p.groupTerm()
		if err != nil {
			return parsed{}, err
		}
		n, err := p.valueTerm(term, t)
		return parsed{n: n}, err
	case tQuoted:
		p.next()
		term, err := p.groupTerm()
		if err != nil {
			return parsed{}, err
		}
		term.Kind, term.Value, term.Number = Exact, t.text, IsNumber(t.text)
		return parsed{n: term}, nil
	case tEOF:
		if p.after != "" {
			return parsed{}, &Error{t.off, "the query ends where a term should follow " + p.after}
		}
	case tRParen:
		if p.after != "" {
			return parsed{}, &Error{t.off, "')' where a term should follow " + p.after}
		}
		return parsed{}, &Error{t.off, "unbalanced ')': no '(' before it"}
	case tAnd, tOr:
		if p.after != "" {
			return parsed{}, &Error{t.off, tokenNames[t.kind] + " where a term should follow " + p.after}
		}
		return parsed{}, &Error{t.off, tokenNames[t.kind] + " must have a term before it"}
	case tColon:
		return parsed{}, &Error{t.off, "':' must follow a field name directly, as in field:value"}
	case tLBrack, tLBrace:
		if p.group == nil {
			return parsed{}, &Error{t.off, "a range needs a field, as in logins_count:[1 TO 5]"}
		}
		p.next()
		term, err := p.groupTerm()
		if err != nil {
			return parsed{}, err
		}
		n, err := p.rangeTerm(term, t)
		return parsed{n: n}, err
	}
	return parsed{}, &Error{t.off, "unexpected " + tokenNames[t.kind]}
}

// groupTerm starts the term of a value without a field: inside a field
// group, a term of the group's field; elsewhere, a term of the default
// fields.
func (p *parser) groupTerm() (*Term, *Error) {
	if p.group == nil {
		return &Term{Fold: true}, nil
	}
	return newTerm(*p.group)
}

// parseGroup parses a query in parentheses after its '(', open. field is
// the field of a field group, field:(a OR b), which values without a
// field of their own take; nil for a plain group.
func (p *parser) parseGroup(open token, field *token) (parsed, *Error) {
	p.after = "'('"
	if p.depth++; p.depth > maxDepth {
		return parsed{}, tooDeep(open.off)
	}
	saved := p.group
	p.group = field
	u, err := p.peek()
	if err != nil {
		return parsed{}, err
	}
	if u.kind == tRParen {
		return parsed{}, &Error{u.off, "empty parentheses"}
	}
	if u.kind == tEOF {
		return parsed{}, &Error{open.off, "unbalanced '(': no ')' after it"}
	}
	x, err := p.parseOr()
	if err != nil {
		return parsed{}, err
	}
	u, err = p.peek()
	if err != nil {
		return parsed{}, err
	}
	if u.kind != tRParen {
		return parsed{}, &Error{open.off, "unbalanced '(': no ')' after it"}
	}
	p.next()
	p.depth--
	p.group = saved
	x.negated = false // a group in parentheses is a positive clause
	return x, nil
}

// parseField parses what follows "field:"; f is the field's word. White
// space may separate the ':' from the value, as in Lucene.
func (p *parser) parseField(f token) (parsed, *Error) {
	if f.star >= 0 {
		return parsed{}, &Error{f.star, "a field name cannot contain a wildcard"}
	}
	p.s.pos++ // the ':'
	colon := f.end
	v, err := p.value(modeValue)
	if err != nil {
		return parsed{}, err
	}
	exists := f.raw && f.text == "_exists_"
	if v.kind == tEOF || v.kind == tRParen {
		if exists {
			return parsed{}, &Error{colon + 1, "_exists_ has no field name after ':'"}
		}
		return parsed{}, &Error{colon + 1, "field " + f.text + " has no value after ':'"}
	}
	if exists {
		n, err := p.parseExists(v)
		return parsed{n: n}, err
	}
	term, err := newTerm(f)
	if err != nil {
		return parsed{}, err
	}
	var n Node
	switch v.kind {
	case tWord:
		n, err = p.valueTerm(term, v)
	case tQuoted:
		term.Kind, term.Value, term.Number = Exact, v.text, IsNumber(v.text)
		n = term
	case tLBrack, tLBrace:
		n, err = p.rangeTerm(term, v)
	case tLParen:
		return p.parseGroup(v, &f)
	default:
		err = &Error{v.off, "unexpected " + tokenNames[v.kind] + " after field " + term.Field + ":"}
	}
	return parsed{n: n}, err
}

// rangeTerm completes term with a range, refused on metadata fields.
func (p *parser) rangeTerm(term *Term, open token) (Node, *Error) {
	if term.Metadata {
		return nil, &Error{open.off, "ranges are not supported on metadata fields (" + term.Field + ")"}
	}
	return p.parseRange(term, open)
}

// newTerm starts the term of a field word, checking the field's path.
func newTerm(f token) (*Term, *Error) {
	path := strings.Split(f.text, ".")
	for _, s := range path {
		if s == "" {
			return nil, &Error{f.off, "field " + strconv.Quote(f.text) + " has an empty name between dots"}
		}
	}
	return &Term{Field: f.text, Path: path, Metadata: IsMetadata(f.text), Fold: CaseInsensitive(f.text)}, nil
}

// valueTerm completes term with a bare word: an exact value or a prefix.
func (p *parser) valueTerm(term *Term, v token) (Node, *Error) {
	if v.end < len(p.s.src) && p.s.src[v.end] == ':' && term.Field != "" {
		return nil, &Error{v.end, "a ':' in a value must be escaped as '\\:', or the value quoted"}
	}
	if v.star < 0 {
		term.Kind, term.Value, term.Number = Exact, v.text, IsNumber(v.text)
		return term, nil
	}
	if term.Metadata {
		return nil, &Error{v.star, "wildcards are not supported on metadata fields (" + term.Field + ")"}
	}
	if utf8.RuneCountInString(v.text) < 3 {
		return nil, &Error{v.star, "a wildcard '*' needs at least 3 characters before it"}
	}
	term.Kind, term.Value = Prefix, v.text
	return term, nil
}

// parseExists parses the field of _exists_:field.
func (p *parser) parseExists(v token) (Node, *Error) {
	switch v.kind {
	case tWord:
		if v.star >= 0 {
			return nil, &Error{v.star, "_exists_ needs a field name without wildcards"}
		}
	case tQuoted:
	default:
		return nil, &Error{v.off, "_exists_ needs a field name, as in _exists_:user_metadata.plan"}
	}
	if v.text == "" {
		return nil, &Error{v.off, "_exists_ needs a field name, as in _exists_:user_metadata.plan"}
	}
	term, err := newTerm(v)
	if err != nil {
		return nil, err
	}
	term.Kind = Exists
	return term, nil
}

// parseRange parses [low TO high] (or with { }) after "field:"; open is
// the opening bracket.
func (p *parser) parseRange(term *Term, open token) (Node, *Error) {
	low, err := p.bound(open.kind == tLBrack, open.off)
	if err != nil {
		return nil, err
	}
	to, err := p.value(modeBound)
	if err != nil {
		return nil, err
	}
	if to.kind != tWord || !to.raw || to.text != "TO" || to.star >= 0 {
		return nil, &Error{to.off, "a range must read [low TO high]: expected TO"}
	}
	high, err := p.bound(false, open.off)
	if err != nil {
		return nil, err
	}
	closing, err := p.value(modeBound)
	if err != nil {
		return nil, err
	}
	switch closing.kind {
	case tRBrack:
		high.Inclusive = true
	case tRBrace:
	default:
		return nil, &Error{closing.off, "a range must end with ']' or '}'"}
	}
	if end := closing.end; end < len(p.s.src) && !isSpace(p.s.src[end]) && p.s.src[end] != ')' {
		return nil, &Error{end, "a range must be followed by white space, ')' or the end of the query"}
	}
	term.Kind, term.Low, term.High = Range, low, high
	return term, nil
}

// bound parses one end of a range: a bare '*' for an open end, a word or
// a quoted value.
func (p *parser) bound(inclusive bool, open int) (Bound, *Error) {
	t, err := p.value(modeBound)
	if err != nil {
		return Bound{}, err
	}
	switch t.kind {
	case tWord:
		if t.star >= 0 {
			if t.text == "" && t.raw {
				return Bound{Unbounded: true, Inclusive: inclusive}, nil
			}
			return Bound{}, &Error{t.star, "a range bound cannot contain a wildcard; '*' alone is an open end"}
		}
		if t.raw && t.text == "TO" {
			return Bound{}, &Error{t.off, "a range bound is missing before TO"}
		}
	case tQuoted:
	case tEOF:
		return Bound{}, &Error{open, "the range is not closed with ']' or '}'"}
	default:
		return Bound{}, &Error{t.off, "a range bound is missing"}
	}
	return Bound{Inclusive: inclusive, Value: t.text, Number: IsNumber(t.text), Key: dateKey(t.text)}, nil
}

// dateKey returns the full form 2006-01-02T15:04:05.000Z of a date or
// date-time written as 2006-01-02, 2006-01-02T15:04, 2006-01-02T15:04:05
// or 2006-01-02T15:04:05.0 to .000, each with or without a final Z (the
// missing parts are zeros); any other text is returned as it is.
func dateKey(s string) string {
	const full = "0000-00-00T00:00:00.000"
	t := strings.TrimSuffix(s, "Z")
	switch len(t) {
	case 10, 16, 19, 21, 22, 23:
	default:
		return s
	}
	for i := 0; i < len(t); i++ {
		if c, f := t[i], full[i]; f == '0' && (c < '0' || c > '9') || f != '0' && c != f {
			return s
		}
	}
	return t + full[len(t):] + "Z"
}
