// This file prints a tree back as query text; see the package doc,
// "Syntax".

package query

import (
	"strings"
	"unicode/utf8"
)

// String returns the query in canonical form: operators in upper case
// with single spaces, parentheses only where the tree needs them, values
// bare when they need no escaping and quoted otherwise. For a tree Parse
// built, Parse(q.String()) gives an equal tree, which prints identically.
func (q *Query) String() string {
	var b strings.Builder
	if q != nil {
		printNode(&b, q.Root)
	}
	return b.String()
}

// printNode writes n. A nil node (nil pointers included) writes nothing.
func printNode(b *strings.Builder, n Node) {
	switch n := n.(type) {
	case *Term:
		if n != nil {
			printTerm(b, n)
		}
	case *Not:
		if n != nil {
			b.WriteString("NOT ")
			printOperand(b, n, n.Operand)
		}
	case *And:
		if n != nil {
			printOperands(b, n, n.Operands, " AND ")
		}
	case *Or:
		if n != nil {
			printOperands(b, n, n.Operands, " OR ")
		}
	}
}

func printOperands(b *strings.Builder, parent Node, ops []Node, sep string) {
	for i, m := range ops {
		if i > 0 {
			b.WriteString(sep)
		}
		printOperand(b, parent, m)
	}
}

// printOperand writes the operand n of parent, in parentheses where the
// text would otherwise parse to another tree: an And or Or inside an And
// or a Not, an Or inside an Or (it would merge), and a Not inside an Or
// (it would exclude from the group instead of joining it).
func printOperand(b *strings.Builder, parent, n Node) {
	if isNil(n) {
		return
	}
	var paren bool
	switch n.(type) {
	case *And:
		_, inOr := parent.(*Or)
		paren = !inOr
	case *Or:
		paren = true
	case *Not:
		_, paren = parent.(*Or)
	}
	if !paren {
		printNode(b, n)
		return
	}
	b.WriteByte('(')
	printNode(b, n)
	b.WriteByte(')')
}

// isNil reports whether n is nil or a nil pointer.
func isNil(n Node) bool {
	switch n := n.(type) {
	case *And:
		return n == nil
	case *Or:
		return n == nil
	case *Not:
		return n == nil
	case *Term:
		return n == nil
	}
	return true
}

// printTerm writes one term.
func printTerm(b *strings.Builder, t *Term) {
	if t.Kind == Exists {
		b.WriteString("_exists_:")
		writeWord(b, t.Field, true)
		return
	}
	if t.Field == "_exists_" {
		b.WriteByte('\\') // a field named _exists_, not the operator
	}
	if t.Field != "" {
		writeWord(b, t.Field, false)
		b.WriteByte(':')
	}
	switch t.Kind {
	case Exact:
		writeValue(b, t.Value, t.Field != "", false)
	case Prefix:
		writeWord(b, t.Value, t.Field != "")
		b.WriteByte('*')
	case Range:
		b.WriteByte("{["[boolIndex(t.Low.Inclusive)])
		writeBound(b, t.Low)
		b.WriteString(" TO ")
		writeBound(b, t.High)
		b.WriteByte("}]"[boolIndex(t.High.Inclusive)])
	}
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

func writeBound(b *strings.Builder, x Bound) {
	if x.Unbounded {
		b.WriteByte('*')
		return
	}
	writeValue(b, x.Value, true, true)
}

// writeValue writes v bare when that reads back as v, else quoted.
// inValue says v follows "field:" or sits in a range (where '-' and AND,
// OR, NOT are ordinary); inRange that TO must be quoted.
func writeValue(b *strings.Builder, v string, inValue, inRange bool) {
	if bareSafe(v, inValue, inRange) && !(inRange && v == "TO") {
		b.WriteString(v)
		return
	}
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' || v[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
}

// bareSafe reports whether v can be written bare without any escape
// (with a ':' only in a range bound).
func bareSafe(v string, inValue, inRange bool) bool {
	if v == "" || !utf8.ValidString(v) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; endsWord(c) && !(inRange && c == ':') || c == '\\' || c == '*' || c == '?' {
			return false
		}
	}
	return inValue || !startsSpecial(v) && v != "AND" && v != "OR" && v != "NOT"
}

// startsSpecial reports whether a word outside value position would not
// read back as a word because of its first characters.
func startsSpecial(v string) bool {
	return strings.HasPrefix(v, "-") || strings.HasPrefix(v, "+") || strings.HasPrefix(v, "!") ||
		strings.HasPrefix(v, "&&") || strings.HasPrefix(v, "||")
}

// writeWord writes v as a bare word, escaping with '\' what would end it
// or change its meaning. inValue is as for writeValue; a field name
// (always followed by ':') is written with inValue false.
func writeWord(b *strings.Builder, v string, inValue bool) {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if endsWord(c) || c == '\\' || c == '*' || c == '?' || i == 0 && !inValue && startsSpecial(v) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
}
