// This file implements SPEC section 5: client_metadata and the rest of the
// client (application) document, and the string-value rules that
// organization metadata shares.

package metapatch

// PatchClient applies body, a PATCH /api/v2/clients/{id} request body, to
// client, a stored client document, and returns the document to store. See
// the package doc, "Clients".
//
// client may be absent (nil, empty, white space or null). On any error
// PatchClient returns nil and a *Error; it never modifies its arguments.
func PatchClient(client, body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(clientEntity(), client, body, false, opts)
}

// CreateClient returns the client document that a POST /api/v2/clients body
// stores: PatchClient's rules on an empty document, except that client_id
// may be given and a root null means absent.
func CreateClient(body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(clientEntity(), nil, body, true, opts)
}

func clientEntity() *entity {
	return &entity{create: "create:clients", id: "client_id", prop: clientProp}
}

func clientProp(name []byte) prop {
	switch string(name) {
	case "client_metadata":
		return prop{kind: propMetadata, scopes: "update:clients", meta: metaClient}
	case "client_id":
		return prop{kind: propReadOnly, scopes: "update:clients"}
	}
	return prop{scopes: "update:clients"}
}

// maxMetaString is the longest name or string value, in code points, that
// client and organization metadata accept.
const maxMetaString = 255

// stringMember checks a client or organization metadata root member: a
// name of at most 255 characters (for clients, from the documented set
// only) and a string value of at most 255 characters.
func stringMember(body []byte, m *member, key []byte, client bool) error {
	raw := m.raw()
	if n := runeCount(raw, m.esc); n > maxMetaString {
		return bodyError(ErrInvalidKey, body, m.off, "Property name is too long (%d chars), maximum %d", n, maxMetaString)
	}
	if client {
		for _, c := range string(key) {
			if !clientNameChar(c) {
				return bodyError(ErrInvalidKey, body, m.off, "Invalid property name: %s (character %q is not allowed)", key, string(c))
			}
		}
	}
	v := m.value
	if v[0] != '"' {
		return bodyError(ErrNotString, body, m.voff, "Expected type string but found type %s", typeName(v))
	}
	vraw := v[1 : len(v)-1]
	if n := runeCount(vraw, hasEscape(vraw)); n > maxMetaString {
		return bodyError(ErrValueTooLong, body, m.voff, "String is too long (%d chars), maximum %d", n, maxMetaString)
	}
	return nil
}

// clientNameChar reports whether c may appear in a client_metadata name:
// ASCII letters and digits, : , - + = _ * ? " / \ ( ) < > @, tab and space.
func clientNameChar(c rune) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case ':', ',', '-', '+', '=', '_', '*', '?', '"', '/', '\\', '(', ')', '<', '>', '@', '\t', ' ':
		return true
	}
	return false
}

func hasEscape(raw []byte) bool {
	for _, c := range raw {
		if c == '\\' {
			return true
		}
	}
	return false
}
