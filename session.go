// This file holds the session and refresh-token functions of the package
// doc's "Sessions and refresh tokens"; their rules are the tables
// rules.Session and rules.RefreshToken (internal/rules).

package metapatch

import "github.com/metapatch/metapatch/internal/rules"

// PatchSession applies body, a PATCH /api/v2/sessions/{id} request body, to
// session, a stored session document, and returns the document to store.
// The body holds exactly session_metadata: an object, replaced whole, or
// null; null or {} removes it. See the package doc, "Sessions and refresh
// tokens".
//
// session may be absent (nil, empty, white space or null). On any error
// PatchSession returns nil and a *Error; it never modifies its arguments.
func PatchSession(session, body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.Session, session, body, false, opts)
}

// PatchRefreshToken is PatchSession for PATCH /api/v2/refresh-tokens/{id}
// and its refresh_token_metadata.
func PatchRefreshToken(token, body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.RefreshToken, token, body, false, opts)
}
