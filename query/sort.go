// This file implements the sort order; see the package doc, "Sorting".

package query

// Sort is a parsed sort parameter: order by the root property Field,
// ascending unless Desc.
type Sort struct {
	Field string
	Desc  bool
}

// ParseSort parses a sort parameter, "field:1" (ascending) or "field:-1"
// (descending). The field must be a root property, neither metadata nor a
// dotted path. Every error is an *Error.
func ParseSort(s string) (Sort, error) {
	return Sort{}, &Error{Message: "not implemented"}
}

// Compare orders two stored documents by the sort field, as the package
// doc, "Sorting", defines: negative when a comes first, positive when b
// does, 0 when the field does not tell them apart.
func (s Sort) Compare(a, b []byte) int {
	return 0
}
