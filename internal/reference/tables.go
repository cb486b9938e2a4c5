package reference

// The reference's own tables of the rules of users, clients and
// organizations (package doc: "Users", "Clients", "Organizations"), kept
// apart from the library's internal/rules so that a mistake in one is
// caught by the other.

// Limits.
const (
	defaultMaxBytes = 16 << 20 // MongoDB's document size limit
	defaultMaxDepth = 100      // MongoDB's nesting limit
	maxMetaString   = 255      // client and organization names and values, in code points
	maxClientKeys   = 10
	maxOrgKeys      = 25
)

// A Kind says how a root property of a body is treated.
type propKind uint8

const (
	plain       propKind = iota // replaced whole; null removes it
	readOnly                    // never written: 400
	writeOnly                   // checked, never stored
	metadata                    // merged at the root level ("Merging")
	orgMetadata                 // replaced whole ("Organizations")
)

// A meta names the rules of one kind of metadata object.
type meta uint8

const (
	noMeta     meta = iota
	userMeta        // user_metadata: no '.' or '$' in names at any depth; emptied: {}
	appMeta         // app_metadata: as userMeta, plus reserved root names; emptied: removed
	clientMeta      // client_metadata: charset, string values; emptied: {}
	orgMeta         // organization metadata: string values; emptied: removed
)

// keepEmpty reports whether an emptied object of this kind is stored as {}
// rather than removed.
func (m meta) keepEmpty() bool { return m == userMeta || m == clientMeta }

// A rule is the rule of one root property (users, clients, organizations).
type rule struct {
	propKind propKind
	Scopes   string // the scopes that allow writing it, comma-separated
	meta     meta   // metadata, orgMetadata
	Type     byte   // 0: any value; 'b': boolean; 's': string
	Nullable bool
	Min, Max int  // string length in code points; 0: no limit
	Phone    bool // ^\+[0-9]{1,15}$
}

// A doc is one kind of document.
type doc struct {
	Create string            // the scope a create needs
	ID     string            // the read-only id a create may set
	rule   func([]byte) rule // the rule of a root property, by decoded name
}

// userEntity is the user document.
func userEntity() doc { return doc{Create: "create:users", ID: "user_id", rule: userProp} }

// clientEntity is the client document.
func clientEntity() doc {
	return doc{Create: "create:clients", ID: "client_id", rule: clientProp}
}

// organizationEntity is the organization document.
func organizationEntity() doc {
	return doc{Create: "create:organizations", ID: "id", rule: orgProp}
}

const (
	scopeUsers        = "update:users"
	scopeAppMetadata  = "update:users,update:users_app_metadata"
	scopeUserMetadata = "update:users,update:users_app_metadata,update:current_user_metadata"
)

// userProp returns the rule of a user root property .
func userProp(name []byte) rule {
	str := rule{Scopes: scopeUsers, Type: 's', Nullable: true}
	switch string(name) {
	case "user_metadata":
		return rule{propKind: metadata, Scopes: scopeUserMetadata, meta: userMeta}
	case "app_metadata":
		return rule{propKind: metadata, Scopes: scopeAppMetadata, meta: appMeta}
	case "user_id", "identities", "created_at", "updated_at", "last_login", "last_ip",
		"logins_count", "last_password_reset", "multifactor":
		return rule{propKind: readOnly, Scopes: scopeUsers}
	case "verify_email", "verify_phone_number", "verify_password":
		return rule{propKind: writeOnly, Scopes: scopeUsers, Type: 'b'}
	case "connection", "client_id":
		return rule{propKind: writeOnly, Scopes: scopeUsers, Type: 's'}
	case "password":
		str.propKind = writeOnly
	case "blocked", "email_verified", "phone_verified":
		return rule{Scopes: scopeUsers, Type: 'b'}
	case "given_name", "family_name":
		str.Min, str.Max = 1, 150
	case "name", "nickname":
		str.Min, str.Max = 1, 300
	case "username":
		str.Min, str.Max = 1, 128
	case "phone_number":
		str.Phone = true
	case "email", "picture":
	default:
		return rule{Scopes: scopeUsers}
	}
	return str
}

func clientProp(name []byte) rule {
	switch string(name) {
	case "client_metadata":
		return rule{propKind: metadata, Scopes: "update:clients", meta: clientMeta}
	case "client_id":
		return rule{propKind: readOnly, Scopes: "update:clients"}
	}
	return rule{Scopes: "update:clients"}
}

func orgProp(name []byte) rule {
	switch string(name) {
	case "metadata":
		return rule{propKind: orgMetadata, Scopes: "update:organizations", meta: orgMeta}
	case "id":
		return rule{propKind: readOnly, Scopes: "update:organizations"}
	}
	return rule{Scopes: "update:organizations"}
}

// reservedAppName reports whether Auth0 reserves name at the root of
// app_metadata (the documented list of 18, matched exactly).
func reservedAppName(name []byte) bool {
	switch string(name) {
	case "__tenant", "_id", "blocked", "clientID", "created_at", "email_verified", "email",
		"globalClientID", "global_client_id", "identities", "lastIP", "lastLogin", "loginsCount",
		"metadata", "multifactor_last_modified", "multifactor", "updated_at", "user_id":
		return true
	}
	return false
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

// isPhone reports whether s matches ^\+[0-9]{1,15}$.
func isPhone(s string) bool {
	if len(s) < 2 || len(s) > 16 || s[0] != '+' {
		return false
	}
	for _, c := range []byte(s[1:]) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// maxKeys returns the key limit of a metadata propKind counted on the merged
// result, given the number of keys stored before: a client may keep more
// than 10 keys if it had more. 0 means no limit.
func maxKeys(m meta, stored int) int {
	switch m {
	case clientMeta:
		return max(maxClientKeys, stored)
	case orgMeta:
		return maxOrgKeys
	}
	return 0
}
