// This file prints a tree back as query text; see the package doc,
// "Syntax".

package query

// String returns the query in canonical form: Parse(q.String()) gives a
// tree equal to q's, which prints identically.
func (q *Query) String() string {
	return ""
}
