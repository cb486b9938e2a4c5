// This file implements SPEC sections 3 and 4: user_metadata, app_metadata
// and the rest of the user document (its tables: internal/rules).

package metapatch

import "github.com/metapatch/metapatch/internal/rules"

// PatchUser applies body, a PATCH /api/v2/users/{id} request body, to user,
// a stored user document, and returns the document to store. See the
// package doc, "Users", for every rule.
//
// user may be absent (nil, empty, white space or null). On any error
// PatchUser returns nil and a *Error; it never modifies its arguments.
func PatchUser(user, body []byte, opts ...Option) ([]byte, error) {
	e := rules.User()
	return patchDocument(&e, user, body, false, opts)
}

// CreateUser returns the user document that a POST /api/v2/users body
// stores: the body applied by PatchUser's rules to an empty document,
// except that user_id may be given and a root null means absent.
func CreateUser(body []byte, opts ...Option) ([]byte, error) {
	e := rules.User()
	return patchDocument(&e, nil, body, true, opts)
}

// userNames checks what a user_metadata or app_metadata root member m
// writes: no name at any depth may contain '.' or '$', and an app_metadata
// root name must not be reserved.
func userNames(body []byte, m *member, key []byte, app bool) error {
	if app && rules.ReservedAppName(key) {
		return bodyError(ErrReservedKey, body, int(m.off), "Reserved property name: %s", brief(string(key)))
	}
	if dottedName(m.raw(body), m.esc) {
		return bodyError(ErrInvalidKey, body, int(m.off), "Invalid property name: %s (names must not contain . or $)", brief(string(key)))
	}
	v := m.valueIn(body)
	for i := 0; i < len(v); {
		if v[i] != '"' {
			i++
			continue
		}
		j, esc := skipString(v, i)
		if k := skipWS(v, j); k < len(v) && v[k] == ':' && dottedName(v[i+1:j-1], esc) {
			return bodyError(ErrInvalidKey, body, int(m.voff)+i, "Invalid property name: %s (names must not contain . or $)", brief(decodeString(v[i+1:j-1])))
		}
		i = j
	}
	return nil
}

// dottedName reports whether a name decodes to something with '.' or '$'.
func dottedName(raw []byte, esc bool) bool {
	for i := 0; i < len(raw); {
		var r rune
		if esc {
			r, i = nextRune(raw, i)
		} else {
			r, i = rune(raw[i]), i+1
		}
		if r == '.' || r == '$' {
			return true
		}
	}
	return false
}
