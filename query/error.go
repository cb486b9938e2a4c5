// This file holds the error type; see the package doc, "Errors".

package query

import "strconv"

// Error is the error Parse and ParseSort return for a query or sort they
// refuse. An embedder answers it as Auth0 does: HTTP 400 with errorCode
// "invalid_query_string" and a message that says what is wrong and where,
// such as the text of Error().
type Error struct {
	// Offset is the byte offset in the query (or sort) text where the
	// problem is: the offending character or token, or len(text) for a
	// problem found at its end.
	Offset int
	// Message says what is wrong, in lower case, without the offset.
	Message string
}

// Error returns "query: offset N: message".
func (e *Error) Error() string {
	return "query: offset " + strconv.Itoa(e.Offset) + ": " + e.Message
}
