package query

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// refMatch is a simple reference for Match: it decodes the document with
// encoding/json (numbers kept as text) and walks the maps. ok is false
// when the document is not one it would match anything in.
func refMatch(q *Query, doc []byte) (match, ok bool) {
	if !utf8.Valid(doc) {
		return false, false
	}
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return false, false
	}
	if len(bytes.TrimLeft(doc[d.InputOffset():], " \t\r\n")) > 0 {
		return false, false // more than one value
	}
	root, isObject := v.(map[string]any)
	if !isObject {
		return false, false
	}
	return refNode(q.Root, root), true
}

func refNode(n Node, doc map[string]any) bool {
	switch n := n.(type) {
	case *And:
		for _, m := range n.Operands {
			if !refNode(m, doc) {
				return false
			}
		}
		return true
	case *Or:
		for _, m := range n.Operands {
			if refNode(m, doc) {
				return true
			}
		}
		return false
	case *Not:
		return !refNode(n.Operand, doc)
	}
	t := n.(*Term)
	paths := [][]string{t.Path}
	if t.Field == "" {
		paths = nil
		for _, f := range DefaultFields() {
			paths = append(paths, []string{f})
		}
	}
	for _, p := range paths {
		for _, v := range refLookup(doc, p) {
			if t.Kind == Exists && refHasScalar(v) || t.Kind != Exists && refAny(t, v) {
				return true
			}
		}
	}
	return false
}

func refLookup(v any, path []string) []any {
	if a, ok := v.([]any); ok && len(path) > 0 {
		var out []any
		for _, e := range a {
			out = append(out, refLookup(e, path)...)
		}
		return out
	}
	if len(path) == 0 {
		return []any{v}
	}
	if m, ok := v.(map[string]any); ok {
		if e, ok := m[path[0]]; ok {
			return refLookup(e, path[1:])
		}
	}
	return nil
}

func refHasScalar(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case []any:
		for _, e := range v {
			if refHasScalar(e) {
				return true
			}
		}
		return false
	case map[string]any:
		for _, e := range v {
			if refHasScalar(e) {
				return true
			}
		}
		return false
	}
	return true
}

// refAny reports whether v, or an element of v at any depth, satisfies t.
func refAny(t *Term, v any) bool {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			if refAny(t, e) {
				return true
			}
		}
		return false
	case string:
		s, val, low, high := v, t.Value, t.Low.Key, t.High.Key
		if t.Fold {
			s, val, low, high = strings.ToLower(s), strings.ToLower(val), strings.ToLower(low), strings.ToLower(high)
		}
		switch t.Kind {
		case Exact:
			return s == val
		case Prefix:
			return strings.HasPrefix(s, val)
		case Range:
			return (t.Low.Unbounded || s > low || s == low && t.Low.Inclusive) &&
				(t.High.Unbounded || s < high || s == high && t.High.Inclusive)
		}
	case bool:
		return t.Kind == Exact && t.Value == map[bool]string{true: "true", false: "false"}[v]
	case json.Number:
		switch t.Kind {
		case Exact:
			return t.Number && EqualNumbers(string(v), t.Value)
		case Range:
			lo, okLo := CompareNumbers(string(v), t.Low.Value)
			hi, okHi := CompareNumbers(string(v), t.High.Value)
			return (t.Low.Unbounded || okLo && (lo > 0 || lo == 0 && t.Low.Inclusive)) &&
				(t.High.Unbounded || okHi && (hi < 0 || hi == 0 && t.High.Inclusive))
		}
	}
	return false
}
