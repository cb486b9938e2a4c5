// This file holds the organization functions of the package doc's
// "Organizations"; their rules are the table rules.Organization.

package metapatch

import "github.com/metapatch/metapatch/internal/rules"

// PatchOrganization applies body, a PATCH /api/v2/organizations/{id}
// request body, to org, a stored organization document, and returns the
// document to store. Unlike user and client metadata, an organization's
// metadata is replaced whole. See the package doc, "Organizations".
//
// org may be absent (nil, empty, white space or null). On any error
// PatchOrganization returns nil and a *Error; it never modifies its
// arguments.
func PatchOrganization(org, body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.Organization, org, body, false, opts)
}

// CreateOrganization returns the organization document that a POST
// /api/v2/organizations body stores: PatchOrganization's rules on an empty
// document, except that id may be given and a root null means absent.
func CreateOrganization(body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.Organization, nil, body, true, opts)
}
