// This file implements the grammar; see the package doc, "Syntax".

package query

// Parse parses a query. Every error it returns is an *Error. An empty
// query (or one of only white space) is an error: a caller without a
// query passes none.
func Parse(q string) (*Query, error) {
	return nil, &Error{Offset: 0, Message: "not implemented"}
}
