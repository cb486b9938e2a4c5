// This file implements SPEC section 5: client_metadata and the rest of the
// client (application) document, and the string-value rules that
// organization metadata shares (its tables: internal/rules).

package metapatch

import "github.com/metapatch/metapatch/internal/rules"

// PatchClient applies body, a PATCH /api/v2/clients/{id} request body, to
// client, a stored client document, and returns the document to store. See
// the package doc, "Clients".
//
// client may be absent (nil, empty, white space or null). On any error
// PatchClient returns nil and a *Error; it never modifies its arguments.
func PatchClient(client, body []byte, opts ...Option) ([]byte, error) {
	e := rules.Client()
	return patchDocument(&e, client, body, false, opts)
}

// CreateClient returns the client document that a POST /api/v2/clients body
// stores: PatchClient's rules on an empty document, except that client_id
// may be given and a root null means absent.
func CreateClient(body []byte, opts ...Option) ([]byte, error) {
	e := rules.Client()
	return patchDocument(&e, nil, body, true, opts)
}

// stringMember checks a client or organization metadata root member: a
// name of at most 255 characters (for clients, from the documented set
// only) and a string value of at most 255 characters.
func stringMember(body []byte, m *member, key []byte, client bool) error {
	if n := runeCount(m.raw(body), m.esc); n > rules.MaxMetaString {
		return bodyError(ErrInvalidKey, body, int(m.off), "Property name is too long (%d chars), maximum %d", n, rules.MaxMetaString)
	}
	if client {
		for _, c := range string(key) {
			if !rules.ClientNameChar(c) {
				return bodyError(ErrInvalidKey, body, int(m.off), "Invalid property name: %s (character %q is not allowed)", brief(string(key)), string(c))
			}
		}
	}
	v := m.valueIn(body)
	if v[0] != '"' {
		return bodyError(ErrNotString, body, int(m.voff), "Expected type string but found type %s", typeName(v))
	}
	if n := stringLength(v); n > rules.MaxMetaString {
		return bodyError(ErrValueTooLong, body, int(m.voff), "String is too long (%d chars), maximum %d", n, rules.MaxMetaString)
	}
	return nil
}

// stringLength returns the number of code points the string value v
// (quotes included) decodes to.
func stringLength(v []byte) int {
	raw := v[1 : len(v)-1]
	for _, c := range raw {
		if c == '\\' {
			return runeCount(raw, true)
		}
	}
	return runeCount(raw, false)
}
