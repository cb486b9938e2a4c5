// This file holds the custom-domain functions of the package doc's "Custom
// domains"; their rules are the tables rules.DomainCreate and
// rules.DomainPatch (internal/rules).

package metapatch

import "github.com/metapatch/metapatch/internal/rules"

// PatchCustomDomain applies body, a PATCH /api/v2/custom-domains/{id}
// request body, to domain, a stored custom-domain document, and returns the
// document to store. Only tls_policy, custom_client_ip_header,
// domain_metadata and relying_party_identifier may be written;
// domain_metadata is merged at the root, a null deleting its key. See the
// package doc, "Custom domains".
//
// domain may be absent (nil, empty, white space or null). On any error
// PatchCustomDomain returns nil and a *Error; it never modifies its
// arguments.
func PatchCustomDomain(domain, body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.DomainPatch, domain, body, false, opts)
}

// CreateCustomDomain returns the custom-domain document that a POST
// /api/v2/custom-domains body stores. domain (a host name) and type are
// required; custom_domain_id is the server's; a root null means absent.
func CreateCustomDomain(body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.DomainCreate, nil, body, true, opts)
}
