// This file holds the user functions of the package doc's "Users"; their
// rules are the table rules.User (internal/rules).

package metapatch

import "github.com/metapatch/metapatch/internal/rules"

// PatchUser applies body, a PATCH /api/v2/users/{id} request body, to user,
// a stored user document, and returns the document to store. See the
// package doc, "Users", for every rule.
//
// user may be absent (nil, empty, white space or null). On any error
// PatchUser returns nil and a *Error; it never modifies its arguments.
func PatchUser(user, body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.User, user, body, false, opts)
}

// CreateUser returns the user document that a POST /api/v2/users body
// stores: the body applied by PatchUser's rules to an empty document,
// except that user_id may be given and a root null means absent.
func CreateUser(body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.User, nil, body, true, opts)
}
