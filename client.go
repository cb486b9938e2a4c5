// This file holds the client functions of the package doc's "Clients";
// their rules are the table rules.Client (internal/rules).

package metapatch

import "github.com/metapatch/metapatch/internal/rules"

// PatchClient applies body, a PATCH /api/v2/clients/{id} request body, to
// client, a stored client document, and returns the document to store. See
// the package doc, "Clients".
//
// client may be absent (nil, empty, white space or null). On any error
// PatchClient returns nil and a *Error; it never modifies its arguments.
func PatchClient(client, body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.Client, client, body, false, opts)
}

// CreateClient returns the client document that a POST /api/v2/clients body
// stores: PatchClient's rules on an empty document, except that client_id
// may be given and a root null means absent.
func CreateClient(body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.Client, nil, body, true, opts)
}
