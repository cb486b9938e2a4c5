// This file implements the sort order; see the package doc, "Sorting".

package query

import (
	"encoding/json"
	"strings"
)

// Sort is a parsed sort parameter: order by the root property Field,
// ascending unless Desc.
type Sort struct {
	// Field is a root property of the user document.
	Field string
	// Desc is true for descending order ("field:-1").
	Desc bool
}

// ParseSort parses a sort parameter, "field:1" (ascending) or "field:-1"
// (descending). The field must be a root property: not user_metadata or
// app_metadata or below them, and without '.'. Every error is an *Error
// whose Offset points into s.
func ParseSort(s string) (Sort, error) {
	colon := strings.LastIndexByte(s, ':')
	if colon < 0 {
		return Sort{}, &Error{len(s), "sort must read field:1 (ascending) or field:-1 (descending)"}
	}
	field, dir := s[:colon], s[colon+1:]
	var desc bool
	switch dir {
	case "1":
	case "-1":
		desc = true
	default:
		return Sort{}, &Error{colon + 1, "sort direction must be 1 (ascending) or -1 (descending)"}
	}
	if field == "" {
		return Sort{}, &Error{0, "sort has no field before ':'"}
	}
	if IsMetadata(field) {
		return Sort{}, &Error{0, "sorting by metadata fields is not supported (" + field + ")"}
	}
	for i := 0; i < len(field); i++ {
		switch c := field[i]; {
		case c == '.':
			return Sort{}, &Error{i, "sort field must be a root property, without '.'"}
		case isSpace(c) || c == ':':
			return Sort{}, &Error{i, "sort field cannot contain white space or ':'"}
		}
	}
	return Sort{Field: field, Desc: desc}, nil
}

// String returns the sort parameter, "field:1" or "field:-1".
func (s Sort) String() string {
	if s.Desc {
		return s.Field + ":-1"
	}
	return s.Field + ":1"
}

// Sort ranks: the type order of present values (ascending), then the
// rank of everything that sorts last.
const (
	rankNumber = iota
	rankString
	rankBool
	rankAbsent
)

// Compare orders two stored documents by the sort field, as the package
// doc, "Sorting", defines: negative when a comes first, positive when b
// does, 0 when the field does not tell them apart (the caller then
// orders by its own tie-breaker). Compare never panics; a document that
// is not a valid JSON object sorts as if the field were absent.
func (s Sort) Compare(a, b []byte) int {
	ra, va := sortValue(a, s.Field)
	rb, vb := sortValue(b, s.Field)
	if ra == rankAbsent || rb == rankAbsent {
		return ra - rb // absent last in both directions
	}
	c := compareRanked(ra, va, rb, vb)
	if s.Desc {
		return -c
	}
	return c
}

// compareRanked compares two present values in ascending order.
func compareRanked(ra int, va []byte, rb int, vb []byte) int {
	if ra != rb {
		return ra - rb
	}
	switch ra {
	case rankNumber:
		c, _ := CompareNumbers(string(va), string(vb))
		return c
	case rankString:
		x, _ := decodeString(va)
		y, _ := decodeString(vb)
		return strings.Compare(x, y)
	}
	// Booleans: false before true.
	return strings.Compare(string(va), string(vb))
}

// sortValue returns the rank and raw bytes of doc's root member field.
func sortValue(doc []byte, field string) (int, []byte) {
	if !json.Valid(doc) {
		return rankAbsent, nil
	}
	i := skipSpace(doc, 0)
	if i >= len(doc) || doc[i] != '{' {
		return rankAbsent, nil
	}
	var v []byte
	for name, m := range members(doc[i:]) {
		if nameIs(name, field) {
			v = m
		}
	}
	if len(v) == 0 {
		return rankAbsent, nil
	}
	switch v[0] {
	case '"':
		return rankString, v
	case 't', 'f':
		return rankBool, v
	case '{', '[', 'n':
		return rankAbsent, nil
	}
	return rankNumber, v
}
