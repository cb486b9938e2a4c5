// This file matches a tree against a stored document; see the package
// doc, "Matching".

package query

import "iter"

// Match reports whether the stored user document doc matches the query.
// doc is read as bytes, never decoded into maps; a doc that is not a valid
// JSON object matches nothing, whatever the query (even a NOT).
func (q *Query) Match(doc []byte) bool {
	return false
}

// Values yields the searchable values (strings, numbers, booleans, as
// their raw JSON bytes) found by walking path from the root object of doc,
// skipping array levels at every depth. Nulls, objects and empty arrays
// yield nothing. doc must be valid JSON (as checked by json.Valid);
// otherwise Values yields nothing.
func Values(doc []byte, path []string) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {}
}

// MatchValue reports whether one searchable value raw (a JSON string,
// number or boolean, as Values yields it) satisfies an Exact, Prefix or
// Range term, as Match tests it. It is false for an Exists term and for
// raw that is not a JSON scalar.
func (t *Term) MatchValue(raw []byte) bool {
	return false
}
