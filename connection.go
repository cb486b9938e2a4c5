// This file holds the connection functions of the package doc's
// "Connections"; their rules are the tables rules.ConnectionCreate and
// rules.ConnectionPatch (internal/rules).

package metapatch

import "github.com/metapatch/metapatch/internal/rules"

// PatchConnection applies body, a PATCH /api/v2/connections/{id} request
// body, to connection, a stored connection document, and returns the
// document to store. The schema is closed: a property it does not list
// (name and strategy among them) is ErrInvalidKey, and {} is
// ErrInvalidValue. metadata is replaced whole. See the package doc,
// "Connections".
//
// connection may be absent (nil, empty, white space or null). On any error
// PatchConnection returns nil and a *Error; it never modifies its
// arguments.
func PatchConnection(connection, body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.ConnectionPatch, connection, body, false, opts)
}

// CreateConnection returns the connection document that a POST
// /api/v2/connections body stores. name and strategy are required; id is
// the server's and cannot be given; a root null means absent.
func CreateConnection(body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.ConnectionCreate, nil, body, true, opts)
}
