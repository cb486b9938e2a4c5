// This file implements SPEC sections 3 and 4: user_metadata, app_metadata
// and the rest of the user document.

package metapatch

// PatchUser applies body, a PATCH /api/v2/users/{id} request body, to user,
// a stored user document, and returns the document to store. See the
// package doc, "Users", for every rule.
//
// user may be absent (nil, empty, white space or null). On any error
// PatchUser returns nil and a *Error; it never modifies its arguments.
func PatchUser(user, body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(userEntity(), user, body, false, opts)
}

// CreateUser returns the user document that a POST /api/v2/users body
// stores: the body applied by PatchUser's rules to an empty document,
// except that user_id may be given and a root null means absent.
func CreateUser(body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(userEntity(), nil, body, true, opts)
}

func userEntity() *entity {
	return &entity{create: "create:users", id: "user_id", prop: userProp}
}

const (
	scopeUsers        = "update:users"
	scopeAppMetadata  = "update:users,update:users_app_metadata"
	scopeUserMetadata = "update:users,update:users_app_metadata,update:current_user_metadata"
)

// userProp returns the rule of a user root property (SPEC 4).
func userProp(name []byte) prop {
	str := valueCheck{typ: 's', nullable: true}
	switch string(name) {
	case "user_metadata":
		return prop{kind: propMetadata, scopes: scopeUserMetadata, meta: metaUser}
	case "app_metadata":
		return prop{kind: propMetadata, scopes: scopeAppMetadata, meta: metaApp}
	case "user_id", "identities", "created_at", "updated_at", "last_login", "last_ip",
		"logins_count", "last_password_reset", "multifactor":
		return prop{kind: propReadOnly, scopes: scopeUsers}
	case "verify_email", "verify_phone_number", "verify_password":
		return prop{kind: propWriteOnly, scopes: scopeUsers, check: valueCheck{typ: 'b'}}
	case "connection", "client_id":
		return prop{kind: propWriteOnly, scopes: scopeUsers, check: valueCheck{typ: 's'}}
	case "password":
		return prop{kind: propWriteOnly, scopes: scopeUsers, check: str}
	case "blocked", "email_verified", "phone_verified":
		return prop{scopes: scopeUsers, check: valueCheck{typ: 'b'}}
	case "given_name", "family_name":
		str.min, str.max = 1, 150
	case "name", "nickname":
		str.min, str.max = 1, 300
	case "username":
		str.min, str.max = 1, 128
	case "phone_number":
		str.phone = true
	case "email", "picture":
	default:
		return prop{scopes: scopeUsers}
	}
	return prop{scopes: scopeUsers, check: str}
}

// userNames checks what a user_metadata or app_metadata root member m
// writes: no name at any depth may contain '.' or '$', and an app_metadata
// root name must not be reserved.
func userNames(body []byte, m *member, key []byte, app bool) error {
	if app && reservedAppName(string(key)) {
		return bodyError(ErrReservedKey, body, m.off, "Reserved property name: %s", key)
	}
	if dottedName(m.raw(), m.esc) {
		return bodyError(ErrInvalidKey, body, m.off, "Invalid property name: %s (names must not contain . or $)", key)
	}
	v := m.value
	for i := 0; i < len(v); {
		if v[i] != '"' {
			i++
			continue
		}
		j, esc := skipString(v, i)
		if k := skipWS(v, j); k < len(v) && v[k] == ':' && dottedName(v[i+1:j-1], esc) {
			return bodyError(ErrInvalidKey, body, m.voff+i, "Invalid property name: %s (names must not contain . or $)", decodeString(v[i+1:j-1]))
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

// reservedAppName reports whether Auth0 reserves name at the root of
// app_metadata (SPEC 3: the documented list of 18, matched exactly).
func reservedAppName(name string) bool {
	switch name {
	case "__tenant", "_id", "blocked", "clientID", "created_at", "email_verified", "email",
		"globalClientID", "global_client_id", "identities", "lastIP", "lastLogin", "loginsCount",
		"metadata", "multifactor_last_modified", "multifactor", "updated_at", "user_id":
		return true
	}
	return false
}
