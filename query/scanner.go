// This file splits query text into tokens; see the package doc, "Syntax".

package query

import (
	"strings"
	"unicode/utf8"
)

// tokenKind is the kind of a token.
type tokenKind int

const (
	tEOF    tokenKind = iota
	tWord             // a bare word, escapes decoded
	tQuoted           // a quoted value, escapes decoded
	tColon            // ':'
	tLParen           // '('
	tRParen           // ')'
	tLBrack           // '['
	tRBrack           // ']'
	tLBrace           // '{'
	tRBrace           // '}'
	tMinus            // a leading '-' (NOT)
	tAnd              // AND
	tOr               // OR
	tNot              // NOT
)

// tokenNames describes each kind in error messages.
var tokenNames = [...]string{
	tEOF: "end of query", tWord: "word", tQuoted: "quoted value", tColon: "':'",
	tLParen: "'('", tRParen: "')'", tLBrack: "'['", tRBrack: "']'", tLBrace: "'{'",
	tRBrace: "'}'", tMinus: "'-'", tAnd: "AND", tOr: "OR", tNot: "NOT",
}

// punctuation maps a one-byte token to its kind.
var punctuation = [...]tokenKind{
	':': tColon, '(': tLParen, ')': tRParen, '[': tLBrack, ']': tRBrack, '{': tLBrace, '}': tRBrace,
}

// token is one token of a query.
type token struct {
	kind tokenKind
	off  int    // byte offset of the token's first byte
	end  int    // byte offset just past the token
	text string // decoded text of a word or quoted value
	star int    // offset of a word's trailing unescaped '*', or -1
	raw  bool   // a word with no escapes (so it can be an operator or TO)
}

// isSpace reports whether c is white space between tokens: ASCII space,
// tab, line feed, carriage return, form feed, vertical tab.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// endsWord reports whether c, unescaped, ends a bare word.
func endsWord(c byte) bool {
	return isSpace(c) || strings.IndexByte(`()[]{}":`, c) >= 0
}

// scanner yields the tokens of a query, one at a time, on demand: the
// parser says where a value is expected (after "field:" and inside a
// range), where '-' starts a word and AND, OR and NOT are plain words.
type scanner struct {
	src string
	pos int
}

// mode says what the parser expects of the next token.
type mode int

const (
	modeClause mode = iota // a clause: '-' is NOT, AND, OR and NOT are operators
	modeValue              // the value after "field:"
	modeBound              // a range bound, where ':' is an ordinary character
)

// scan returns the next token.
func (s *scanner) scan(m mode) (token, *Error) {
	inValue := m != modeClause
	for s.pos < len(s.src) && isSpace(s.src[s.pos]) {
		s.pos++
	}
	off := s.pos
	if off == len(s.src) {
		return token{kind: tEOF, off: off, end: off, star: -1}, nil
	}
	c := s.src[off]
	if int(c) < len(punctuation) && punctuation[c] != tEOF {
		s.pos++
		return token{kind: punctuation[c], off: off, end: s.pos, star: -1}, nil
	}
	if c == '"' {
		return s.quoted()
	}
	if !inValue {
		switch {
		case c == '-':
			if off+1 == len(s.src) || isSpace(s.src[off+1]) {
				return token{}, &Error{off, "'-' must be directly followed by a term, as in -field:value"}
			}
			s.pos++
			return token{kind: tMinus, off: off, end: s.pos, star: -1}, nil
		case c == '+':
			return token{}, &Error{off, "'+' is not supported: join required terms with AND"}
		case c == '!':
			return token{}, &Error{off, "'!' is not supported: use NOT"}
		case strings.HasPrefix(s.src[off:], "&&"):
			return token{}, &Error{off, "'&&' is not supported: use AND"}
		case strings.HasPrefix(s.src[off:], "||"):
			return token{}, &Error{off, "'||' is not supported: use OR"}
		}
	}
	t, err := s.word(m == modeBound)
	if err != nil {
		return t, err
	}
	if !inValue && t.raw && t.star < 0 && (t.end == len(s.src) || s.src[t.end] != ':') {
		switch t.text {
		case "AND":
			t.kind = tAnd
		case "OR":
			t.kind = tOr
		case "NOT":
			t.kind = tNot
		}
	}
	return t, nil
}

// word scans a bare word: up to white space or one of ( ) [ ] { } " :
// (':' not in a range bound), with '\' escaping the next character and a
// '*' allowed only at the end.
func (s *scanner) word(inBound bool) (token, *Error) {
	off := s.pos
	t := token{kind: tWord, off: off, star: -1, raw: true}
	var b strings.Builder
	i := off
	for i < len(s.src) && (!endsWord(s.src[i]) || inBound && s.src[i] == ':') {
		switch c := s.src[i]; c {
		case '\\':
			if i+1 == len(s.src) {
				return token{}, &Error{i, "'\\' at the end of the query escapes nothing"}
			}
			_, n := utf8.DecodeRuneInString(s.src[i+1:])
			b.WriteString(s.src[i+1 : i+1+n])
			i += 1 + n
			t.raw = false
		case '*':
			if i+1 < len(s.src) && (!endsWord(s.src[i+1]) || inBound && s.src[i+1] == ':') {
				return token{}, &Error{i, "'*' is only allowed at the end of a value (escape it as '\\*' to search for it)"}
			}
			t.star = i
			i++
		case '?':
			return token{}, &Error{i, "the wildcard '?' is not supported (escape it as '\\?' to search for it)"}
		default:
			b.WriteByte(c)
			i++
		}
	}
	s.pos = i
	t.end = i
	t.text = b.String()
	return t, nil
}

// quoted scans a quoted value; inside it, \" and \\ are the only escapes.
func (s *scanner) quoted() (token, *Error) {
	off := s.pos
	var b strings.Builder
	for i := off + 1; i < len(s.src); i++ {
		switch c := s.src[i]; c {
		case '"':
			s.pos = i + 1
			if s.pos < len(s.src) {
				next := s.src[s.pos]
				if next == ':' {
					return token{}, &Error{off, "a field name cannot be quoted"}
				}
				if !isSpace(next) && next != ')' && next != ']' && next != '}' {
					return token{}, &Error{s.pos, "a quoted value must be followed by white space, ')' or the end of the query"}
				}
			}
			return token{kind: tQuoted, off: off, end: s.pos, text: b.String(), star: -1}, nil
		case '\\':
			if i+1 < len(s.src) && (s.src[i+1] == '"' || s.src[i+1] == '\\') {
				b.WriteByte(s.src[i+1])
				i++
				continue
			}
			return token{}, &Error{i, `in a quoted value, '\' must be followed by '"' or '\'`}
		default:
			b.WriteByte(c)
		}
	}
	return token{}, &Error{off, "quoted value has no closing '\"'"}
}
