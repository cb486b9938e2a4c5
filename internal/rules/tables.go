package rules

import "strings"

// The kinds of metadata.
const (
	NoMeta         MetaID = iota
	UserMeta              // user_metadata (package doc: "Users")
	AppMeta               // app_metadata ("Users")
	ClientMeta            // client_metadata ("Clients")
	OrgMeta               // organization metadata ("Organizations")
	ConnectionMeta        // connection metadata ("Connections")
	DomainMeta            // domain_metadata ("Custom domains")
	SessionMeta           // session_metadata, refresh_token_metadata ("Sessions and refresh tokens")
	SignupMeta            // user_metadata of a sign-up ("Sign-up")
	ImportUserMeta        // user_metadata of an import record ("Bulk import")
	ImportAppMeta         // app_metadata of an import record
	UpsertUserMeta        // user_metadata of an upsert: replaced whole
	UpsertAppMeta         // app_metadata of an upsert: replaced whole
)

// ReservedApp lists the app_metadata root names Auth0 reserves.
var ReservedApp = []string{
	"__tenant", "_id", "blocked", "clientID", "created_at", "email_verified", "email",
	"globalClientID", "global_client_id", "identities", "lastIP", "lastLogin", "loginsCount",
	"metadata", "multifactor_last_modified", "multifactor", "updated_at", "user_id",
}

const (
	sessionLimits   = "Metadata must not exceed 25 entries. Each key and value must be ≤ 255 characters."
	clientCharRule  = "(character %q is not allowed)"
	sessionCharRule = "(only letters, digits, _ and - are allowed)"
)

// metas is the table of metadata kinds.
var metas = [...]Meta{
	UserMeta:   {KeepEmpty: true, NoDotDollar: true},
	AppMeta:    {NoDotDollar: true, Reserved: ReservedApp},
	ClientMeta: {KeepEmpty: true, NameChar: ClientNameChar, NameCharRule: clientCharRule, MaxName: MaxMetaString, Strings: true, MaxValue: MaxMetaString, MaxKeys: 10, Legacy: true, ClearByNulls: true},
	OrgMeta:    {Replace: true, Null: NullRemoves, MaxName: MaxMetaString, Strings: true, MaxValue: MaxMetaString, MaxKeys: 25},
	ConnectionMeta: {Replace: true, Null: NullRemoves, Strings: true, MaxValue: MaxMetaString, MaxKeys: 10,
		DiffNulls: true},
	DomainMeta: {KeepEmpty: true, MaxName: MaxMetaString, NameTooLong: FaultValueTooLong, Strings: true, MaxValue: MaxMetaString,
		MaxKeys: 10, Legacy: true, ClearByNulls: true},
	SessionMeta: {Replace: true, Null: NullRemoves, NameChar: SessionNameChar, NameCharRule: sessionCharRule, NonEmpty: true,
		MaxName: MaxMetaString, NameTooLong: FaultValueTooLong, Strings: true, MaxValue: MaxMetaString, MaxKeys: 25,
		DiffNulls: true, LimitMessage: sessionLimits},
	SignupMeta: {KeepEmpty: true, NoDotDollar: true, MaxName: 100, NameTooLong: FaultValueTooLong, Strings: true, MaxValue: 500,
		MaxKeys: 10, NotObjectMessage: "invalid user_metadata type (expected object)",
		NotStringMessage: "invalid user_metadata.%s type (only strings are allowed)"},
	ImportUserMeta: {KeepEmpty: true, NoDotDollar: true, Null: NullInvalid},
	ImportAppMeta:  {NoDotDollar: true, Reserved: ReservedApp, Null: NullInvalid},
	UpsertUserMeta: {Replace: true, KeepEmpty: true, NoDotDollar: true, Null: NullInvalid},
	UpsertAppMeta:  {Replace: true, NoDotDollar: true, Reserved: ReservedApp, Null: NullInvalid},
}

const (
	scopeAppMetadata  = "update:users,update:users_app_metadata"
	scopeUserMetadata = "update:users,update:users_app_metadata,update:current_user_metadata"
)

func readOnly(names ...string) []Prop {
	out := make([]Prop, len(names))
	for i, n := range names {
		out[i] = Prop{Name: n, Kind: ReadOnly}
	}
	return out
}

func writeOnly(p Prop) Prop { p.Kind = WriteOnly; return p }

func nullable(p Prop) Prop { p.Nullable = true; return p }

func metadata(name string, id MetaID) Prop { return Prop{Name: name, Kind: Metadata, Meta: id} }

// userProps are the user's root properties (package doc, "Users").
var userProps = append([]Prop{
	{Name: "user_metadata", Kind: Metadata, Scopes: scopeUserMetadata, Meta: UserMeta},
	{Name: "app_metadata", Kind: Metadata, Scopes: scopeAppMetadata, Meta: AppMeta},
	writeOnly(typed("verify_email", Bool)), writeOnly(typed("verify_phone_number", Bool)),
	writeOnly(typed("verify_password", Bool)), writeOnly(typed("connection", String)),
	writeOnly(typed("client_id", String)), writeOnly(nullable(typed("password", String))),
	typed("blocked", Bool), typed("email_verified", Bool), typed("phone_verified", Bool),
	nullable(str("given_name", 1, 150)), nullable(str("family_name", 1, 150)),
	nullable(str("name", 1, 300)), nullable(str("nickname", 1, 300)), nullable(str("username", 1, 128)),
	{Name: "phone_number", Type: String, Nullable: true, Pattern: IsPhone, PatternText: `^\+[0-9]{1,15}$`},
	nullable(typed("email", String)), nullable(typed("picture", String)),
}, readOnly("user_id", "identities", "created_at", "updated_at", "last_login", "last_ip",
	"logins_count", "last_password_reset", "multifactor")...)

// The entities.
var (
	// User is the user document (package doc, "Users").
	User = entity(Entity{Name: "user", Update: "update:users", Create: "create:users", ID: "user_id", SetID: true},
		userProps...)
	// Client is the client (application) document ("Clients").
	Client = entity(Entity{Name: "client", Update: "update:clients", Create: "create:clients", ID: "client_id", SetID: true},
		metadata("client_metadata", ClientMeta), Prop{Name: "client_id", Kind: ReadOnly})
	// Organization is the organization document ("Organizations").
	Organization = entity(Entity{Name: "organization", Update: "update:organizations", Create: "create:organizations", ID: "id", SetID: true},
		metadata("metadata", OrgMeta), Prop{Name: "id", Kind: ReadOnly})

	// ConnectionCreate is a POST /api/v2/connections body ("Connections").
	ConnectionCreate = entity(Entity{Name: "connection", Update: "update:connections", Create: "create:connections", ID: "id",
		Closed: true, Required: []string{"name", "strategy"}},
		with(connectionProps,
			Prop{Name: "name", Type: String, Max: 128, Pattern: IsConnectionName, PatternText: `^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$`},
			typed("strategy", String))...)
	// ConnectionPatch is a PATCH /api/v2/connections/{id} body.
	ConnectionPatch = entity(Entity{Name: "connection", Update: "update:connections", Create: "create:connections", ID: "id",
		Closed: true, MinProps: 1}, connectionProps...)

	// DomainCreate is a POST /api/v2/custom-domains body ("Custom domains").
	DomainCreate = entity(Entity{Name: "custom domain", Update: "update:custom_domains", Create: "create:custom_domains",
		ID: "custom_domain_id", Closed: true, Required: []string{"domain", "type"}},
		with(domainProps,
			Prop{Name: "domain", Type: String, Min: 3, Max: 255, Pattern: IsHostName, PatternText: "String is not a valid host name"},
			Prop{Name: "type", Type: String, Enum: []string{"auth0_managed_certs", "self_managed_certs"}},
			typed("verification_method", String))...)
	// DomainPatch is a PATCH /api/v2/custom-domains/{id} body.
	DomainPatch = entity(Entity{Name: "custom domain", Update: "update:custom_domains", Create: "create:custom_domains",
		ID: "custom_domain_id", Closed: true},
		with(domainProps, nullable(typed("relying_party_identifier", String)), Prop{Name: "domain", Kind: ReadOnly},
			Prop{Name: "type", Kind: ReadOnly})...)

	// Session is a PATCH /api/v2/sessions/{id} body ("Sessions and refresh tokens").
	Session = entity(Entity{Name: "session", Update: "update:sessions", ID: "id", Closed: true, MinProps: 1},
		metadata("session_metadata", SessionMeta), Prop{Name: "id", Kind: ReadOnly})
	// RefreshToken is a PATCH /api/v2/refresh-tokens/{id} body.
	RefreshToken = entity(Entity{Name: "refresh token", Update: "update:refresh_tokens", ID: "id", Closed: true, MinProps: 1},
		metadata("refresh_token_metadata", SessionMeta), Prop{Name: "id", Kind: ReadOnly})

	// Signup is a POST /dbconnections/signup body ("Sign-up"): public, so
	// it takes no scope.
	Signup = entity(Entity{Name: "user", Closed: true, Required: []string{"password", "connection"},
		OneOf: []string{"email", "username", "phone_number"},
		Lead:  []string{"email", "username", "email_verified", "phone_number", "phone_verified"},
		Defaults: []Default{
			{After: "email", Name: "email_verified", Value: "false"},
			{After: "phone_number", Name: "phone_verified", Value: "false"},
		}},
		writeOnly(typed("client_id", String)), writeOnly(typed("password", String)), writeOnly(typed("connection", String)),
		typed("email", String), typed("username", String), typed("given_name", String), typed("family_name", String),
		typed("name", String), typed("nickname", String), typed("picture", String), typed("phone_number", String),
		metadata("user_metadata", SignupMeta))

	// Import is a bulk-import record creating a user ("Bulk import").
	Import = entity(Entity{Name: "user", Update: "create:users", Create: "create:users", WholeCall: true, Closed: true,
		Required: []string{"email"},
		Defaults: []Default{
			{After: "email", Name: "email_verified", Value: "false"},
			{After: "phone_number", Name: "phone_verified", Value: "false"},
		}}, importProps...)
	// Upsert is a bulk-import record applied to an existing user with
	// upsert: true: only the upsertable attributes are written, and
	// metadata is replaced whole.
	Upsert = entity(Entity{Name: "user", Update: "create:users", Create: "create:users", WholeCall: true, Closed: true,
		Required: []string{"email"}, NullAbsent: true},
		with(importProps,
			metadata("app_metadata", UpsertAppMeta), metadata("user_metadata", UpsertUserMeta),
			writeOnly(typed("email", String)), writeOnly(typed("phone_number", String)),
			writeOnly(typed("phone_verified", Bool)), writeOnly(typed("user_id", String)),
			writeOnly(typed("username", String)), writeOnly(typed("blocked", Bool)))...)
)

var connectionProps = append([]Prop{
	typed("options", Object), typed("enabled_clients", Array), typed("is_domain_connection", Bool),
	typed("show_as_button", Bool), typed("realms", Array), metadata("metadata", ConnectionMeta),
	typed("authentication", Object), typed("connected_accounts", Object), str("display_name", 0, 128),
}, readOnly("id")...)

var domainProps = append([]Prop{
	typed("tls_policy", String), typed("custom_client_ip_header", String),
	metadata("domain_metadata", DomainMeta), typed("relying_party_identifier", String),
}, readOnly("custom_domain_id")...)

var importProps = []Prop{
	typed("email", String), typed("email_verified", Bool), typed("phone_number", String),
	typed("phone_verified", Bool), typed("user_id", String), typed("username", String),
	typed("given_name", String), typed("family_name", String), typed("name", String),
	typed("nickname", String), typed("picture", String), typed("blocked", Bool),
	writeOnly(typed("password_hash", String)),
	writeOnly(Prop{Name: "custom_password_hash", Type: Object, Required: []string{"algorithm", "hash"}}),
	writeOnly(Prop{Name: "mfa_factors", Type: Array, MinItems: 1, MaxItems: 10}),
	metadata("app_metadata", ImportAppMeta), metadata("user_metadata", ImportUserMeta),
}

// ClientNameChar reports whether c may appear in a client_metadata name:
// ASCII letters and digits, : , - + = _ * ? " / \ ( ) < > @, tab and space.
func ClientNameChar(c rune) bool {
	switch c {
	case ':', ',', '-', '+', '=', '_', '*', '?', '"', '/', '\\', '(', ')', '<', '>', '@', '\t', ' ':
		return true
	}
	return alnum(c)
}

// SessionNameChar reports whether c may appear in a session or
// refresh-token metadata name: ASCII letters, digits, _ and -.
func SessionNameChar(c rune) bool { return alnum(c) || c == '_' || c == '-' }

func alnum(c rune) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
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

// IsConnectionName reports whether s matches
// ^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$: ASCII letters and digits,
// single hyphens between them.
func IsConnectionName(s string) bool {
	for i, c := range s {
		if c == '-' {
			if i == 0 || i == len(s)-1 || s[i-1] == '-' {
				return false
			}
		} else if !alnum(c) {
			return false
		}
	}
	return s != ""
}

// IsHostName reports whether s is a host name: labels of ASCII letters,
// digits and hyphens separated by dots, none empty, none starting or ending
// with a hyphen.
func IsHostName(s string) bool {
	for _, label := range strings.Split(s, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if c != '-' && !alnum(c) {
				return false
			}
		}
	}
	return true
}
