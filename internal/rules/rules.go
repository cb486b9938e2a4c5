// Package rules holds the tables of Auth0's metadata rules (SPEC sections
// 3 to 6): which properties are read-only, write-only or typed, the
// reserved names, the character set and the limits. It is the only code
// the library and its reference model (internal/reference) share.
package rules

// Limits.
const (
	DefaultMaxBytes = 16 << 20 // MongoDB's document size limit
	DefaultMaxDepth = 100      // MongoDB's nesting limit
	MaxMetaString   = 255      // client and organization names and values, in code points
	MaxClientKeys   = 10
	MaxOrgKeys      = 25
)

// A Kind says how a root property of a body is treated.
type Kind uint8

const (
	Plain       Kind = iota // replaced whole; null removes it
	ReadOnly                // never written: 400
	WriteOnly               // checked, never stored
	Metadata                // merged at the root level (SPEC 1)
	OrgMetadata             // replaced whole (SPEC 6)
)

// A Meta names the rules of one kind of metadata object.
type Meta uint8

const (
	NoMeta     Meta = iota
	UserMeta        // user_metadata: no '.' or '$' in names at any depth; emptied: {}
	AppMeta         // app_metadata: as UserMeta, plus reserved root names; emptied: removed
	ClientMeta      // client_metadata: charset, string values; emptied: {}
	OrgMeta         // organization metadata: string values; emptied: removed
)

// KeepEmpty reports whether an emptied object of this kind is stored as {}
// rather than removed.
func (m Meta) KeepEmpty() bool { return m == UserMeta || m == ClientMeta }

// A Prop is the rule of one root property.
type Prop struct {
	Kind     Kind
	Scopes   string // the scopes that allow writing it, comma-separated
	Meta     Meta   // Metadata, OrgMetadata
	Type     byte   // 0: any value; 'b': boolean; 's': string
	Nullable bool
	Min, Max int  // string length in code points; 0: no limit
	Phone    bool // ^\+[0-9]{1,15}$
}

// An Entity is one kind of document.
type Entity struct {
	Create string            // the scope a create needs
	ID     string            // the read-only id a create may set
	Prop   func([]byte) Prop // the rule of a root property, by decoded name
}

// User is the user document (SPEC 3, 4).
func User() Entity { return Entity{Create: "create:users", ID: "user_id", Prop: userProp} }

// Client is the client (application) document (SPEC 5).
func Client() Entity { return Entity{Create: "create:clients", ID: "client_id", Prop: clientProp} }

// Organization is the organization document (SPEC 6).
func Organization() Entity {
	return Entity{Create: "create:organizations", ID: "id", Prop: orgProp}
}

const (
	scopeUsers        = "update:users"
	scopeAppMetadata  = "update:users,update:users_app_metadata"
	scopeUserMetadata = "update:users,update:users_app_metadata,update:current_user_metadata"
)

// userProp returns the rule of a user root property (SPEC 4).
func userProp(name []byte) Prop {
	str := Prop{Scopes: scopeUsers, Type: 's', Nullable: true}
	switch string(name) {
	case "user_metadata":
		return Prop{Kind: Metadata, Scopes: scopeUserMetadata, Meta: UserMeta}
	case "app_metadata":
		return Prop{Kind: Metadata, Scopes: scopeAppMetadata, Meta: AppMeta}
	case "user_id", "identities", "created_at", "updated_at", "last_login", "last_ip",
		"logins_count", "last_password_reset", "multifactor":
		return Prop{Kind: ReadOnly, Scopes: scopeUsers}
	case "verify_email", "verify_phone_number", "verify_password":
		return Prop{Kind: WriteOnly, Scopes: scopeUsers, Type: 'b'}
	case "connection", "client_id":
		return Prop{Kind: WriteOnly, Scopes: scopeUsers, Type: 's'}
	case "password":
		str.Kind = WriteOnly
	case "blocked", "email_verified", "phone_verified":
		return Prop{Scopes: scopeUsers, Type: 'b'}
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
		return Prop{Scopes: scopeUsers}
	}
	return str
}

func clientProp(name []byte) Prop {
	switch string(name) {
	case "client_metadata":
		return Prop{Kind: Metadata, Scopes: "update:clients", Meta: ClientMeta}
	case "client_id":
		return Prop{Kind: ReadOnly, Scopes: "update:clients"}
	}
	return Prop{Scopes: "update:clients"}
}

func orgProp(name []byte) Prop {
	switch string(name) {
	case "metadata":
		return Prop{Kind: OrgMetadata, Scopes: "update:organizations", Meta: OrgMeta}
	case "id":
		return Prop{Kind: ReadOnly, Scopes: "update:organizations"}
	}
	return Prop{Scopes: "update:organizations"}
}

// ReservedAppName reports whether Auth0 reserves name at the root of
// app_metadata (SPEC 3: the documented list of 18, matched exactly).
func ReservedAppName(name []byte) bool {
	switch string(name) {
	case "__tenant", "_id", "blocked", "clientID", "created_at", "email_verified", "email",
		"globalClientID", "global_client_id", "identities", "lastIP", "lastLogin", "loginsCount",
		"metadata", "multifactor_last_modified", "multifactor", "updated_at", "user_id":
		return true
	}
	return false
}

// ClientNameChar reports whether c may appear in a client_metadata name:
// ASCII letters and digits, : , - + = _ * ? " / \ ( ) < > @, tab and space.
func ClientNameChar(c rune) bool {
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

// IsPhone reports whether s matches ^\+[0-9]{1,15}$.
func IsPhone(s string) bool {
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

// MaxKeys returns the key limit of a metadata kind counted on the merged
// result, given the number of keys stored before: a client may keep more
// than 10 keys if it had more (SPEC 5). 0 means no limit.
func MaxKeys(m Meta, stored int) int {
	switch m {
	case ClientMeta:
		return max(MaxClientKeys, stored)
	case OrgMeta:
		return MaxOrgKeys
	}
	return 0
}
