package reference

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/metapatch/metapatch"
)

// call is one of the entity functions with a uniform shape; stored is
// ignored by functions that take no stored document, and CheckImport
// returns no result.
type call func(stored, body []byte, o Options) ([]byte, error)

var (
	patchConnection   call = PatchConnection
	createConnection  call = func(_, b []byte, o Options) ([]byte, error) { return CreateConnection(b, o) }
	patchCustomDomain call = PatchCustomDomain
	createDomain      call = func(_, b []byte, o Options) ([]byte, error) { return CreateCustomDomain(b, o) }
	patchSession      call = PatchSession
	patchRefresh      call = PatchRefreshToken
	signup            call = func(_, b []byte, o Options) ([]byte, error) { return Signup(b, o) }
	importUser        call = func(_, b []byte, o Options) ([]byte, error) { return ImportUser(b, o) }
	upsertUser        call = UpsertUser
	checkImport       call = func(_, b []byte, o Options) ([]byte, error) { return nil, CheckImport(b, o) }
)

var allCalls = map[string]call{
	"PatchConnection": patchConnection, "CreateConnection": createConnection,
	"PatchCustomDomain": patchCustomDomain, "CreateCustomDomain": createDomain,
	"PatchSession": patchSession, "PatchRefreshToken": patchRefresh,
	"Signup": signup, "ImportUser": importUser, "UpsertUser": upsertUser,
	"CheckImport": checkImport,
}

// entCase is one call: want is the result, or err the sentinel wanted.
type entCase struct {
	name         string
	fn           call
	stored, body string
	o            Options
	want         string
	err          error
}

// members returns an object of n string members k0..k(n-1), each value v,
// followed by the extra members given (already encoded, without braces).
func members(n int, v string, extra ...string) string {
	var parts []string
	for i := range n {
		parts = append(parts, fmt.Sprintf(`"k%d":%q`, i, v))
	}
	parts = append(parts, extra...)
	return "{" + strings.Join(parts, ",") + "}"
}

func rep(s string, n int) string { return strings.Repeat(s, n) }

func scoped(scopes ...string) Options { return Options{Scoped: true, Scopes: scopes} }

const (
	storedConn   = `{"id":"con_1", "name":"db","strategy":"auth0","options":{"a":1},"metadata":{"k":"v","j":"w"}}`
	storedDomain = `{"custom_domain_id":"cd_1","domain":"login.example.com","type":"auth0_managed_certs","domain_metadata":{"a":"1","b":"2"},"relying_party_identifier":"example.com"}`
	storedSess   = `{"id":"s1","session_metadata":{"a":"1"},"x":1}`
	storedUser   = `{"user_id":"auth0|1","email":"a@b.c","name":"old","user_metadata":{"x":1,"y":2},"app_metadata":{"r":1},"blocked":false}`
	minConn      = `"name":"db","strategy":"auth0"`
	minDomain    = `"domain":"login.example.com","type":"self_managed_certs"`
	minSignup    = `"connection":"db","password":"p"`
)

func connCases() []entCase {
	const connOut = `{"id":"con_1","name":"db","strategy":"auth0","options":{"a":1},`
	return []entCase{
		// PATCH: replaced whole, positions kept, new members appended.
		{name: "conn/options replaced whole", fn: patchConnection, stored: storedConn, body: `{"options":{"b":2}}`,
			want: `{"id":"con_1","name":"db","strategy":"auth0","options":{"b":2},"metadata":{"k":"v","j":"w"}}`},
		{name: "conn/new members appended in body order", fn: patchConnection, stored: storedConn,
			body: `{"show_as_button":true,"realms":["a"],"display_name":"D","is_domain_connection":false,"enabled_clients":[],"authentication":{},"connected_accounts":{"x":null}}`,
			want: connOut + `"metadata":{"k":"v","j":"w"},"show_as_button":true,"realms":["a"],"display_name":"D","is_domain_connection":false,"enabled_clients":[],"authentication":{},"connected_accounts":{"x":null}}`},
		{name: "conn/value bytes kept", fn: patchConnection, stored: storedConn, body: `{ "options" : { "n" : 1.50 , "s":"\u00e9", "e":1e400 } }`,
			want: `{"id":"con_1","name":"db","strategy":"auth0","options":{"n":1.50,"s":"\u00e9","e":1e400},"metadata":{"k":"v","j":"w"}}`},
		{name: "conn/metadata replaced whole", fn: patchConnection, stored: storedConn, body: `{"metadata":{"j":"x"}}`,
			want: connOut + `"metadata":{"j":"x"}}`},
		{name: "conn/metadata null value drops its key", fn: patchConnection, stored: storedConn, body: `{"metadata":{"n":null,"j":"x"}}`,
			want: connOut + `"metadata":{"j":"x"}}`},
		{name: "conn/metadata {} removes", fn: patchConnection, stored: storedConn, body: `{"metadata":{}}`, want: connOut[:len(connOut)-1] + `}`},
		{name: "conn/metadata null removes", fn: patchConnection, stored: storedConn, body: `{"metadata":null}`, want: connOut[:len(connOut)-1] + `}`},
		{name: "conn/metadata all-null removes", fn: patchConnection, stored: storedConn, body: `{"metadata":{"k":null,"z":null}}`, want: connOut[:len(connOut)-1] + `}`},
		{name: "conn/metadata null on none", fn: patchConnection, stored: `{"id":"c"}`, body: `{"metadata":null}`, want: `{"id":"c"}`},
		{name: "conn/metadata decoded name keeps stored spelling", fn: patchConnection, stored: storedConn, body: `{"meta\u0064ata":{"a":"b"}}`,
			want: connOut + `"metadata":{"a":"b"}}`},
		{name: "conn/metadata decoded name appended as spelled", fn: patchConnection, stored: `{"id":"c"}`, body: `{"meta\u0064ata":{"a":"b"}}`,
			want: `{"id":"c","meta\u0064ata":{"a":"b"}}`},
		{name: "conn/stored metadata not an object is replaced", fn: patchConnection, stored: `{"metadata":"x"}`, body: `{"metadata":{"a":"b"}}`,
			want: `{"metadata":{"a":"b"}}`},
		{name: "conn/absent stored", fn: patchConnection, stored: " null ", body: `{"show_as_button":true}`, want: `{"show_as_button":true}`},
		{name: "conn/absent stored empty", fn: patchConnection, stored: "", body: `{"show_as_button":true}`, want: `{"show_as_button":true}`},
		{name: "conn/metadata 10 keys", fn: patchConnection, body: `{"metadata":` + members(10, "v") + `}`, want: `{"metadata":` + members(10, "v") + `}`},
		{name: "conn/metadata 11 keys", fn: patchConnection, body: `{"metadata":` + members(11, "v") + `}`, err: metapatch.ErrTooManyKeys},
		{name: "conn/metadata 11 keys one null", fn: patchConnection, body: `{"metadata":` + members(10, "v", `"n":null`) + `}`, want: `{"metadata":` + members(10, "v") + `}`},
		{name: "conn/metadata value 255", fn: patchConnection, body: `{"metadata":{"a":"` + rep("é", 255) + `"}}`, want: `{"metadata":{"a":"` + rep("é", 255) + `"}}`},
		{name: "conn/metadata value 256", fn: patchConnection, body: `{"metadata":{"a":"` + rep("é", 256) + `"}}`, err: metapatch.ErrValueTooLong},
		{name: "conn/metadata value number", fn: patchConnection, body: `{"metadata":{"a":1}}`, err: metapatch.ErrNotString},
		{name: "conn/metadata value object", fn: patchConnection, body: `{"metadata":{"a":{}}}`, err: metapatch.ErrNotString},
		{name: "conn/metadata long odd name allowed", fn: patchConnection, body: `{"metadata":{"` + rep("a.$ ", 100) + `":"v"}}`, want: `{"metadata":{"` + rep("a.$ ", 100) + `":"v"}}`},
		{name: "conn/metadata not an object", fn: patchConnection, body: `{"metadata":"x"}`, err: metapatch.ErrNotObject},
		{name: "conn/metadata array", fn: patchConnection, body: `{"metadata":[]}`, err: metapatch.ErrNotObject},
		{name: "conn/name on PATCH", fn: patchConnection, stored: storedConn, body: `{"name":"db"}`, err: metapatch.ErrInvalidKey},
		{name: "conn/strategy on PATCH", fn: patchConnection, stored: storedConn, body: `{"strategy":"auth0"}`, err: metapatch.ErrInvalidKey},
		{name: "conn/unknown on PATCH", fn: patchConnection, stored: storedConn, body: `{"foo":1}`, err: metapatch.ErrInvalidKey},
		{name: "conn/unknown null on PATCH", fn: patchConnection, stored: storedConn, body: `{"foo":null}`, err: metapatch.ErrInvalidKey},
		{name: "conn/custom_domain_id unknown", fn: patchConnection, body: `{"custom_domain_id":"x"}`, err: metapatch.ErrInvalidKey},
		{name: "conn/id on PATCH", fn: patchConnection, stored: storedConn, body: `{"id":"con_1"}`, err: metapatch.ErrReadOnly},
		{name: "conn/id decoded", fn: patchConnection, stored: storedConn, body: `{"\u0069d":"con_1"}`, err: metapatch.ErrReadOnly},
		{name: "conn/empty PATCH", fn: patchConnection, stored: storedConn, body: ` {} `, err: metapatch.ErrInvalidValue},
		{name: "conn/null options", fn: patchConnection, body: `{"options":null}`, err: metapatch.ErrInvalidValue},
		{name: "conn/null display_name", fn: patchConnection, body: `{"display_name":null}`, err: metapatch.ErrInvalidValue},
		{name: "conn/options string", fn: patchConnection, body: `{"options":"x"}`, err: metapatch.ErrInvalidValue},
		{name: "conn/authentication array", fn: patchConnection, body: `{"authentication":[]}`, err: metapatch.ErrInvalidValue},
		{name: "conn/connected_accounts bool", fn: patchConnection, body: `{"connected_accounts":true}`, err: metapatch.ErrInvalidValue},
		{name: "conn/enabled_clients object", fn: patchConnection, body: `{"enabled_clients":{}}`, err: metapatch.ErrInvalidValue},
		{name: "conn/realms string", fn: patchConnection, body: `{"realms":"a"}`, err: metapatch.ErrInvalidValue},
		{name: "conn/is_domain_connection string", fn: patchConnection, body: `{"is_domain_connection":"true"}`, err: metapatch.ErrInvalidValue},
		{name: "conn/show_as_button number", fn: patchConnection, body: `{"show_as_button":1}`, err: metapatch.ErrInvalidValue},
		{name: "conn/display_name number", fn: patchConnection, body: `{"display_name":5}`, err: metapatch.ErrInvalidValue},
		{name: "conn/display_name 128", fn: patchConnection, body: `{"display_name":"` + rep("é", 128) + `"}`, want: `{"display_name":"` + rep("é", 128) + `"}`},
		{name: "conn/display_name 129", fn: patchConnection, body: `{"display_name":"` + rep("é", 129) + `"}`, err: metapatch.ErrInvalidValue},
		// Order: body order, then the stored document, then the limits.
		{name: "conn/order unknown before read-only", fn: patchConnection, body: `{"foo":1,"id":"x"}`, err: metapatch.ErrInvalidKey},
		{name: "conn/order read-only before unknown", fn: patchConnection, body: `{"id":"x","foo":1}`, err: metapatch.ErrReadOnly},
		{name: "conn/order body before stored", fn: patchConnection, stored: `[`, body: `{"options":1}`, err: metapatch.ErrInvalidValue},
		{name: "conn/order empty body before stored", fn: patchConnection, stored: `[`, body: `{}`, err: metapatch.ErrInvalidValue},
		{name: "conn/order stored before limits", fn: patchConnection, stored: `{"a":1,"a":2}`, body: `{"metadata":` + members(11, "v") + `}`, err: metapatch.ErrStoredDocument},
		{name: "conn/stored not an object", fn: patchConnection, stored: `[]`, body: `{"show_as_button":true}`, err: metapatch.ErrStoredDocument},
		{name: "conn/stored BOM", fn: patchConnection, stored: "\uFEFF{}", body: `{"show_as_button":true}`, err: metapatch.ErrStoredDocument},
		{name: "conn/body not an object", fn: patchConnection, body: `[]`, err: metapatch.ErrNotObject},
		{name: "conn/body duplicate", fn: patchConnection, body: `{"options":{"a":1,"\u0061":2}}`, err: metapatch.ErrDuplicateKey},
		{name: "conn/body too deep", fn: patchConnection, body: `{"options":{"a":[[1]]}}`, o: Options{MaxDepth: 3}, err: metapatch.ErrTooDeep},
		{name: "conn/body at depth limit", fn: patchConnection, body: `{"options":{"a":[1]}}`, o: Options{MaxDepth: 3}, want: `{"options":{"a":[1]}}`},
		{name: "conn/body too large", fn: patchConnection, body: `{"options":{"a":"12345"}}`, o: Options{MaxBytes: 24}, err: metapatch.ErrTooLarge},
		{name: "conn/body at size limit", fn: patchConnection, body: `{"options":{"a":"12345"}}`, o: Options{MaxBytes: 25}, want: `{"options":{"a":"12345"}}`},
		{name: "conn/result too large", fn: patchConnection, stored: `{"options":"1234567890"}`, body: `{"realms":[]}`, o: Options{MaxBytes: 35}, err: metapatch.ErrTooLarge},
		{name: "conn/result at size limit", fn: patchConnection, stored: `{"options":"1234567890"}`, body: `{"realms":[]}`, o: Options{MaxBytes: 36}, want: `{"options":"1234567890","realms":[]}`},
		// Scopes.
		{name: "conn/scope update", fn: patchConnection, body: `{"realms":[]}`, o: scoped("read:users", "update:connections"), want: `{"realms":[]}`},
		{name: "conn/scope create only", fn: patchConnection, body: `{"realms":[]}`, o: scoped("create:connections"), err: metapatch.ErrScope},
		{name: "conn/scope before rules", fn: patchConnection, body: `{"foo":1}`, o: scoped(), err: metapatch.ErrScope},
		{name: "conn/scope empty body passes", fn: patchConnection, body: `{}`, o: scoped(), err: metapatch.ErrInvalidValue},
		{name: "conn/create scope", fn: createConnection, body: `{` + minConn + `}`, o: scoped("create:connections"), want: `{` + minConn + `}`},
		{name: "conn/create scope update only", fn: createConnection, body: `{` + minConn + `}`, o: scoped("update:connections"), err: metapatch.ErrScope},
		{name: "conn/create scope whatever the body", fn: createConnection, body: `{}`, o: scoped(), err: metapatch.ErrScope},
		// Create.
		{name: "conn/create minimal", fn: createConnection, body: `{` + minConn + `}`, want: `{` + minConn + `}`},
		{name: "conn/create all", fn: createConnection,
			body: `{"strategy":"auth0","name":"a-b-1","display_name":"D","options":{"x":1},"enabled_clients":["c"],"is_domain_connection":true,"show_as_button":false,"realms":["r"],"metadata":{"m":"1","n":null},"authentication":{"active":true},"connected_accounts":{"active":false}}`,
			want: `{"strategy":"auth0","name":"a-b-1","display_name":"D","options":{"x":1},"enabled_clients":["c"],"is_domain_connection":true,"show_as_button":false,"realms":["r"],"metadata":{"m":"1"},"authentication":{"active":true},"connected_accounts":{"active":false}}`},
		{name: "conn/create missing strategy", fn: createConnection, body: `{"name":"db"}`, err: metapatch.ErrInvalidValue},
		{name: "conn/create missing name", fn: createConnection, body: `{"strategy":"auth0"}`, err: metapatch.ErrInvalidValue},
		{name: "conn/create null name is absent", fn: createConnection, body: `{"name":null,"strategy":"auth0"}`, err: metapatch.ErrInvalidValue},
		{name: "conn/create nulls are absent", fn: createConnection, body: `{` + minConn + `,"id":null,"options":null,"metadata":null}`, want: `{` + minConn + `}`},
		{name: "conn/create metadata {} absent", fn: createConnection, body: `{` + minConn + `,"metadata":{}}`, want: `{` + minConn + `}`},
		{name: "conn/create metadata all-null absent", fn: createConnection, body: `{` + minConn + `,"metadata":{"a":null}}`, want: `{` + minConn + `}`},
		{name: "conn/create metadata 11", fn: createConnection, body: `{` + minConn + `,"metadata":` + members(11, "v") + `}`, err: metapatch.ErrTooManyKeys},
		{name: "conn/create id", fn: createConnection, body: `{` + minConn + `,"id":"con_1"}`, err: metapatch.ErrReadOnly},
		{name: "conn/create unknown", fn: createConnection, body: `{` + minConn + `,"foo":1}`, err: metapatch.ErrInvalidKey},
		{name: "conn/create unknown null is absent", fn: createConnection, body: `{` + minConn + `,"foo":null}`, want: `{` + minConn + `}`},
		{name: "conn/create unknown before missing", fn: createConnection, body: `{"foo":1}`, err: metapatch.ErrInvalidKey},
		{name: "conn/create strategy any string", fn: createConnection, body: `{"name":"db","strategy":"brand-new"}`, want: `{"name":"db","strategy":"brand-new"}`},
		{name: "conn/create strategy number", fn: createConnection, body: `{"name":"db","strategy":1}`, err: metapatch.ErrInvalidValue},
		{name: "conn/create name number", fn: createConnection, body: `{"name":1,"strategy":"auth0"}`, err: metapatch.ErrInvalidValue},
		{name: "conn/create name empty", fn: createConnection, body: `{"name":"","strategy":"auth0"}`, err: metapatch.ErrInvalidValue},
		{name: "conn/create name leading hyphen", fn: createConnection, body: `{"name":"-a","strategy":"auth0"}`, err: metapatch.ErrInvalidValue},
		{name: "conn/create name trailing hyphen", fn: createConnection, body: `{"name":"a-","strategy":"auth0"}`, err: metapatch.ErrInvalidValue},
		{name: "conn/create name double hyphen", fn: createConnection, body: `{"name":"a--b","strategy":"auth0"}`, err: metapatch.ErrInvalidValue},
		{name: "conn/create name underscore", fn: createConnection, body: `{"name":"a_b","strategy":"auth0"}`, err: metapatch.ErrInvalidValue},
		{name: "conn/create name one char", fn: createConnection, body: `{"name":"A","strategy":"auth0"}`, want: `{"name":"A","strategy":"auth0"}`},
		{name: "conn/create name 128", fn: createConnection, body: `{"name":"` + rep("a-", 63) + `bc","strategy":"auth0"}`, want: `{"name":"` + rep("a-", 63) + `bc","strategy":"auth0"}`},
		{name: "conn/create name 129", fn: createConnection, body: `{"name":"` + rep("a-", 64) + `b","strategy":"auth0"}`, err: metapatch.ErrInvalidValue},
		{name: "conn/create name escaped", fn: createConnection, body: `{"name":"d\u0062","strategy":"auth0"}`, want: `{"name":"d\u0062","strategy":"auth0"}`},
	}
}

func domainCases() []entCase {
	const head = `{"custom_domain_id":"cd_1","domain":"login.example.com","type":"auth0_managed_certs",`
	const tail = `,"relying_party_identifier":"example.com"}`
	return []entCase{
		{name: "domain/create minimal", fn: createDomain, body: `{` + minDomain + `}`, want: `{` + minDomain + `}`},
		{name: "domain/create all", fn: createDomain,
			body: `{"type":"auth0_managed_certs","domain":"abc","verification_method":"txt","tls_policy":"recommended","custom_client_ip_header":"cf-connecting-ip","domain_metadata":{"a":"1","b":null},"relying_party_identifier":"abc"}`,
			want: `{"type":"auth0_managed_certs","domain":"abc","verification_method":"txt","tls_policy":"recommended","custom_client_ip_header":"cf-connecting-ip","domain_metadata":{"a":"1"},"relying_party_identifier":"abc"}`},
		{name: "domain/create metadata {} kept", fn: createDomain, body: `{` + minDomain + `,"domain_metadata":{}}`, want: `{` + minDomain + `,"domain_metadata":{}}`},
		{name: "domain/create metadata all-null kept empty", fn: createDomain, body: `{` + minDomain + `,"domain_metadata":{"a":null}}`, want: `{` + minDomain + `,"domain_metadata":{}}`},
		{name: "domain/create nulls absent", fn: createDomain, body: `{` + minDomain + `,"domain_metadata":null,"custom_domain_id":null,"tls_policy":null}`, want: `{` + minDomain + `}`},
		{name: "domain/create missing type", fn: createDomain, body: `{"domain":"abc"}`, err: metapatch.ErrInvalidValue},
		{name: "domain/create missing domain", fn: createDomain, body: `{"type":"self_managed_certs"}`, err: metapatch.ErrInvalidValue},
		{name: "domain/create type outside enum", fn: createDomain, body: `{"domain":"abc","type":"managed"}`, err: metapatch.ErrInvalidValue},
		{name: "domain/create type number", fn: createDomain, body: `{"domain":"abc","type":1}`, err: metapatch.ErrInvalidValue},
		{name: "domain/create domain 2 chars", fn: createDomain, body: `{"domain":"ab","type":"self_managed_certs"}`, err: metapatch.ErrInvalidValue},
		{name: "domain/create domain 255", fn: createDomain, body: `{"domain":"` + rep("abcd.", 50) + `abcde","type":"self_managed_certs"}`,
			want: `{"domain":"` + rep("abcd.", 50) + `abcde","type":"self_managed_certs"}`},
		{name: "domain/create domain 256", fn: createDomain, body: `{"domain":"` + rep("abcd.", 50) + `abcdef","type":"self_managed_certs"}`, err: metapatch.ErrInvalidValue},
		{name: "domain/create domain hyphen inside", fn: createDomain, body: `{"domain":"a-b.c-d.e","type":"self_managed_certs"}`, want: `{"domain":"a-b.c-d.e","type":"self_managed_certs"}`},
		{name: "domain/create domain leading hyphen", fn: createDomain, body: `{"domain":"-ab.com","type":"self_managed_certs"}`, err: metapatch.ErrInvalidValue},
		{name: "domain/create domain trailing hyphen", fn: createDomain, body: `{"domain":"ab-.com","type":"self_managed_certs"}`, err: metapatch.ErrInvalidValue},
		{name: "domain/create domain empty label", fn: createDomain, body: `{"domain":"ab..com","type":"self_managed_certs"}`, err: metapatch.ErrInvalidValue},
		{name: "domain/create domain trailing dot", fn: createDomain, body: `{"domain":"ab.com.","type":"self_managed_certs"}`, err: metapatch.ErrInvalidValue},
		{name: "domain/create domain underscore", fn: createDomain, body: `{"domain":"a_b.com","type":"self_managed_certs"}`, err: metapatch.ErrInvalidValue},
		{name: "domain/create domain non-ASCII", fn: createDomain, body: `{"domain":"\u00e9b.com","type":"self_managed_certs"}`, err: metapatch.ErrInvalidValue},
		{name: "domain/create custom_domain_id", fn: createDomain, body: `{` + minDomain + `,"custom_domain_id":"x"}`, err: metapatch.ErrReadOnly},
		{name: "domain/create id unknown", fn: createDomain, body: `{` + minDomain + `,"id":"x"}`, err: metapatch.ErrInvalidKey},
		{name: "domain/create tls_policy number", fn: createDomain, body: `{` + minDomain + `,"tls_policy":1}`, err: metapatch.ErrInvalidValue},
		{name: "domain/create metadata 11", fn: createDomain, body: `{` + minDomain + `,"domain_metadata":` + members(11, "v") + `}`, err: metapatch.ErrTooManyKeys},
		{name: "domain/create metadata 10", fn: createDomain, body: `{` + minDomain + `,"domain_metadata":` + members(10, "v") + `}`, want: `{` + minDomain + `,"domain_metadata":` + members(10, "v") + `}`},
		{name: "domain/create scope", fn: createDomain, body: `{` + minDomain + `}`, o: scoped("update:custom_domains"), err: metapatch.ErrScope},
		{name: "domain/create scope ok", fn: createDomain, body: `{` + minDomain + `}`, o: scoped("create:custom_domains"), want: `{` + minDomain + `}`},
		// PATCH: domain_metadata merged at the root.
		{name: "domain/metadata key added", fn: patchCustomDomain, stored: storedDomain, body: `{"domain_metadata":{"c":"3"}}`,
			want: head + `"domain_metadata":{"a":"1","b":"2","c":"3"}` + tail},
		{name: "domain/metadata key replaced in place", fn: patchCustomDomain, stored: storedDomain, body: `{"domain_metadata":{"a":"x"}}`,
			want: head + `"domain_metadata":{"a":"x","b":"2"}` + tail},
		{name: "domain/metadata null deletes", fn: patchCustomDomain, stored: storedDomain, body: `{"domain_metadata":{"a":null}}`,
			want: head + `"domain_metadata":{"b":"2"}` + tail},
		{name: "domain/metadata null absent key", fn: patchCustomDomain, stored: storedDomain, body: `{"domain_metadata":{"z":null}}`,
			want: head + `"domain_metadata":{"a":"1","b":"2"}` + tail},
		{name: "domain/metadata delete all leaves {}", fn: patchCustomDomain, stored: storedDomain, body: `{"domain_metadata":{"a":null,"b":null}}`,
			want: head + `"domain_metadata":{}` + tail},
		{name: "domain/metadata {} clears", fn: patchCustomDomain, stored: storedDomain, body: `{"domain_metadata":{}}`,
			want: head + `"domain_metadata":{}` + tail},
		{name: "domain/metadata null", fn: patchCustomDomain, stored: storedDomain, body: `{"domain_metadata":null}`, err: metapatch.ErrNotObject},
		{name: "domain/metadata string", fn: patchCustomDomain, stored: storedDomain, body: `{"domain_metadata":"a"}`, err: metapatch.ErrNotObject},
		{name: "domain/metadata new", fn: patchCustomDomain, stored: `{"domain":"abc"}`, body: `{"domain_metadata":{"a":"1","b":null}}`, want: `{"domain":"abc","domain_metadata":{"a":"1"}}`},
		{name: "domain/metadata name 255", fn: patchCustomDomain, body: `{"domain_metadata":{"` + rep("é", 255) + `":"v"}}`, want: `{"domain_metadata":{"` + rep("é", 255) + `":"v"}}`},
		{name: "domain/metadata name 256", fn: patchCustomDomain, body: `{"domain_metadata":{"` + rep("é", 256) + `":"v"}}`, err: metapatch.ErrValueTooLong},
		{name: "domain/metadata name 256 null exempt", fn: patchCustomDomain, body: `{"domain_metadata":{"` + rep("é", 256) + `":null}}`, want: `{"domain_metadata":{}}`},
		{name: "domain/metadata odd name", fn: patchCustomDomain, body: `{"domain_metadata":{"a b!.$":"v"}}`, want: `{"domain_metadata":{"a b!.$":"v"}}`},
		{name: "domain/metadata value 256", fn: patchCustomDomain, body: `{"domain_metadata":{"a":"` + rep("x", 256) + `"}}`, err: metapatch.ErrValueTooLong},
		{name: "domain/metadata value 255", fn: patchCustomDomain, body: `{"domain_metadata":{"a":"` + rep("x", 255) + `"}}`, want: `{"domain_metadata":{"a":"` + rep("x", 255) + `"}}`},
		{name: "domain/metadata value bool", fn: patchCustomDomain, body: `{"domain_metadata":{"a":true}}`, err: metapatch.ErrNotString},
		{name: "domain/metadata 9 plus 2", fn: patchCustomDomain, stored: `{"domain_metadata":` + members(9, "v") + `}`, body: `{"domain_metadata":{"x":"1","y":"2"}}`, err: metapatch.ErrTooManyKeys},
		{name: "domain/metadata 9 plus 1", fn: patchCustomDomain, stored: `{"domain_metadata":` + members(9, "v") + `}`, body: `{"domain_metadata":{"x":"1"}}`,
			want: `{"domain_metadata":` + members(9, "v", `"x":"1"`) + `}`},
		{name: "domain/metadata legacy 12 delete one", fn: patchCustomDomain, stored: `{"domain_metadata":` + members(12, "v") + `}`, body: `{"domain_metadata":{"k0":null}}`,
			want: `{"domain_metadata":{` + members(12, "v")[len(`{"k0":"v",`):] + `}`},
		{name: "domain/metadata legacy 12 replace one", fn: patchCustomDomain, stored: `{"domain_metadata":` + members(12, "v") + `}`, body: `{"domain_metadata":{"k0":"w"}}`,
			want: `{"domain_metadata":{"k0":"w",` + members(12, "v")[len(`{"k0":"v",`):] + `}`},
		{name: "domain/metadata legacy 12 add one", fn: patchCustomDomain, stored: `{"domain_metadata":` + members(12, "v") + `}`, body: `{"domain_metadata":{"x":"1"}}`, err: metapatch.ErrTooManyKeys},
		{name: "domain/stored metadata string merged", fn: patchCustomDomain, stored: `{"domain_metadata":"x"}`, body: `{"domain_metadata":{"a":"1"}}`, err: metapatch.ErrStoredDocument},
		{name: "domain/stored metadata string cleared", fn: patchCustomDomain, stored: `{"domain_metadata":"x"}`, body: `{"domain_metadata":{}}`, want: `{"domain_metadata":{}}`},
		{name: "domain/stored metadata string untouched", fn: patchCustomDomain, stored: `{"domain_metadata":"x"}`, body: `{"tls_policy":"p"}`, want: `{"domain_metadata":"x","tls_policy":"p"}`},
		{name: "domain/stored metadata null", fn: patchCustomDomain, stored: `{"domain_metadata":null}`, body: `{"domain_metadata":{"a":"1"}}`, want: `{"domain_metadata":{"a":"1"}}`},
		{name: "domain/stored metadata duplicate merged", fn: patchCustomDomain, stored: `{"domain_metadata":{"a":"1","a":"2"}}`, body: `{"domain_metadata":{"b":"1"}}`, err: metapatch.ErrStoredDocument},
		{name: "domain/stored metadata duplicate cleared", fn: patchCustomDomain, stored: `{"domain_metadata":{"a":"1","a":"2"}}`, body: `{"domain_metadata":{}}`, want: `{"domain_metadata":{}}`},
		{name: "domain/stored root duplicate", fn: patchCustomDomain, stored: `{"a":1,"a":1}`, body: `{}`, err: metapatch.ErrStoredDocument},
		{name: "domain/empty PATCH changes nothing", fn: patchCustomDomain, stored: "{ \"domain\" : \"abc\",\n \"x\": [1, 2] }", body: `{}`, want: `{"domain":"abc","x":[1,2]}`},
		{name: "domain/empty PATCH absent stored", fn: patchCustomDomain, body: `{}`, want: `{}`},
		{name: "domain/tls_policy appended", fn: patchCustomDomain, stored: storedDomain, body: `{"tls_policy":"recommended","custom_client_ip_header":"x-forwarded-for"}`,
			want: head + `"domain_metadata":{"a":"1","b":"2"}` + tail[:len(tail)-1] + `,"tls_policy":"recommended","custom_client_ip_header":"x-forwarded-for"}`},
		{name: "domain/relying_party_identifier null removes", fn: patchCustomDomain, stored: storedDomain, body: `{"relying_party_identifier":null}`,
			want: head + `"domain_metadata":{"a":"1","b":"2"}}`},
		{name: "domain/relying_party_identifier replaced", fn: patchCustomDomain, stored: storedDomain, body: `{"relying_party_identifier":"x.com"}`,
			want: head + `"domain_metadata":{"a":"1","b":"2"},"relying_party_identifier":"x.com"}`},
		{name: "domain/relying_party_identifier number", fn: patchCustomDomain, body: `{"relying_party_identifier":1}`, err: metapatch.ErrInvalidValue},
		{name: "domain/tls_policy null", fn: patchCustomDomain, stored: storedDomain, body: `{"tls_policy":null}`, err: metapatch.ErrInvalidValue},
		{name: "domain/custom_client_ip_header null", fn: patchCustomDomain, stored: storedDomain, body: `{"custom_client_ip_header":null}`, err: metapatch.ErrInvalidValue},
		{name: "domain/custom_client_ip_header bool", fn: patchCustomDomain, body: `{"custom_client_ip_header":false}`, err: metapatch.ErrInvalidValue},
		{name: "domain/domain on PATCH", fn: patchCustomDomain, stored: storedDomain, body: `{"domain":"login.example.com"}`, err: metapatch.ErrReadOnly},
		{name: "domain/type on PATCH", fn: patchCustomDomain, stored: storedDomain, body: `{"type":"auth0_managed_certs"}`, err: metapatch.ErrReadOnly},
		{name: "domain/custom_domain_id on PATCH", fn: patchCustomDomain, stored: storedDomain, body: `{"custom_domain_id":"cd_1"}`, err: metapatch.ErrReadOnly},
		{name: "domain/verification_method on PATCH", fn: patchCustomDomain, stored: storedDomain, body: `{"verification_method":"txt"}`, err: metapatch.ErrInvalidKey},
		{name: "domain/unknown on PATCH", fn: patchCustomDomain, stored: storedDomain, body: `{"foo":"x"}`, err: metapatch.ErrInvalidKey},
		{name: "domain/scope", fn: patchCustomDomain, stored: storedDomain, body: `{"tls_policy":"p"}`, o: scoped("create:custom_domains"), err: metapatch.ErrScope},
		{name: "domain/scope ok", fn: patchCustomDomain, body: `{"tls_policy":"p"}`, o: scoped("update:custom_domains"), want: `{"tls_policy":"p"}`},
		{name: "domain/scope empty body", fn: patchCustomDomain, body: `{}`, o: scoped(), want: `{}`},
	}
}

func tokenCases() []entCase {
	return []entCase{
		{name: "session/replaced whole", fn: patchSession, stored: storedSess, body: `{"session_metadata":{"b":"2"}}`, want: `{"id":"s1","session_metadata":{"b":"2"},"x":1}`},
		{name: "session/null value drops key", fn: patchSession, stored: storedSess, body: `{"session_metadata":{"a":null,"b":"2"}}`, want: `{"id":"s1","session_metadata":{"b":"2"},"x":1}`},
		{name: "session/null removes", fn: patchSession, stored: storedSess, body: `{"session_metadata":null}`, want: `{"id":"s1","x":1}`},
		{name: "session/{} removes", fn: patchSession, stored: storedSess, body: `{"session_metadata":{}}`, want: `{"id":"s1","x":1}`},
		{name: "session/all-null removes", fn: patchSession, stored: storedSess, body: `{"session_metadata":{"a":null}}`, want: `{"id":"s1","x":1}`},
		{name: "session/appended", fn: patchSession, stored: `{"id":"s1"}`, body: `{"session_metadata":{"a":"1"}}`, want: `{"id":"s1","session_metadata":{"a":"1"}}`},
		{name: "session/stored metadata not an object replaced", fn: patchSession, stored: `{"session_metadata":7}`, body: `{"session_metadata":{"a":"1"}}`, want: `{"session_metadata":{"a":"1"}}`},
		{name: "session/empty body", fn: patchSession, stored: storedSess, body: `{}`, err: metapatch.ErrInvalidValue},
		{name: "session/id read-only", fn: patchSession, stored: storedSess, body: `{"id":"s2"}`, err: metapatch.ErrReadOnly},
		{name: "session/other property", fn: patchSession, stored: storedSess, body: `{"user_id":"u2"}`, err: metapatch.ErrInvalidKey},
		{name: "session/other property after", fn: patchSession, body: `{"session_metadata":{},"x":1}`, err: metapatch.ErrInvalidKey},
		{name: "session/refresh property", fn: patchSession, body: `{"refresh_token_metadata":{}}`, err: metapatch.ErrInvalidKey},
		{name: "session/string", fn: patchSession, body: `{"session_metadata":"a"}`, err: metapatch.ErrNotObject},
		{name: "session/array", fn: patchSession, body: `{"session_metadata":[]}`, err: metapatch.ErrNotObject},
		{name: "session/number", fn: patchSession, body: `{"session_metadata":0}`, err: metapatch.ErrNotObject},
		{name: "session/name charset", fn: patchSession, body: `{"session_metadata":{"Az09_-":"v"}}`, want: `{"session_metadata":{"Az09_-":"v"}}`},
		{name: "session/name space", fn: patchSession, body: `{"session_metadata":{"a b":"v"}}`, err: metapatch.ErrInvalidKey},
		{name: "session/name dot", fn: patchSession, body: `{"session_metadata":{"a.b":"v"}}`, err: metapatch.ErrInvalidKey},
		{name: "session/name non-ASCII", fn: patchSession, body: `{"session_metadata":{"\u00e9":"v"}}`, err: metapatch.ErrInvalidKey},
		{name: "session/name empty", fn: patchSession, body: `{"session_metadata":{"":"v"}}`, err: metapatch.ErrInvalidKey},
		{name: "session/name empty null exempt", fn: patchSession, body: `{"session_metadata":{"":null,"a":"v"}}`, want: `{"session_metadata":{"a":"v"}}`},
		{name: "session/name 255", fn: patchSession, body: `{"session_metadata":{"` + rep("a", 255) + `":"v"}}`, want: `{"session_metadata":{"` + rep("a", 255) + `":"v"}}`},
		{name: "session/name 256", fn: patchSession, body: `{"session_metadata":{"` + rep("a", 256) + `":"v"}}`, err: metapatch.ErrValueTooLong},
		{name: "session/name length before charset", fn: patchSession, body: `{"session_metadata":{"` + rep(" ", 256) + `":"v"}}`, err: metapatch.ErrValueTooLong},
		{name: "session/value 255", fn: patchSession, body: `{"session_metadata":{"a":"` + rep("é", 255) + `"}}`, want: `{"session_metadata":{"a":"` + rep("é", 255) + `"}}`},
		{name: "session/value 256", fn: patchSession, body: `{"session_metadata":{"a":"` + rep("é", 256) + `"}}`, err: metapatch.ErrValueTooLong},
		{name: "session/value number", fn: patchSession, body: `{"session_metadata":{"a":1}}`, err: metapatch.ErrNotString},
		{name: "session/value escapes kept", fn: patchSession, body: `{"session_metadata":{"a":"\u0041\n"}}`, want: `{"session_metadata":{"a":"\u0041\n"}}`},
		{name: "session/25 entries", fn: patchSession, body: `{"session_metadata":` + members(25, "v") + `}`, want: `{"session_metadata":` + members(25, "v") + `}`},
		{name: "session/26 entries", fn: patchSession, body: `{"session_metadata":` + members(26, "v") + `}`, err: metapatch.ErrTooManyKeys},
		{name: "session/26 entries one null", fn: patchSession, body: `{"session_metadata":` + members(25, "v", `"n":null`) + `}`, want: `{"session_metadata":` + members(25, "v") + `}`},
		{name: "session/stored bad", fn: patchSession, stored: `{`, body: `{"session_metadata":null}`, err: metapatch.ErrStoredDocument},
		{name: "session/stored bad after body rules", fn: patchSession, stored: `{`, body: `{"session_metadata":1}`, err: metapatch.ErrNotObject},
		{name: "session/scope", fn: patchSession, body: `{"session_metadata":null}`, o: scoped("update:refresh_tokens"), err: metapatch.ErrScope},
		{name: "session/scope ok", fn: patchSession, body: `{"session_metadata":null}`, o: scoped("update:sessions"), want: `{}`},
		{name: "refresh/replaced whole", fn: patchRefresh, stored: `{"id":"r","refresh_token_metadata":{"a":"1"}}`, body: `{"refresh_token_metadata":{"b":"2"}}`, want: `{"id":"r","refresh_token_metadata":{"b":"2"}}`},
		{name: "refresh/null removes", fn: patchRefresh, stored: `{"id":"r","refresh_token_metadata":{"a":"1"}}`, body: `{"refresh_token_metadata":null}`, want: `{"id":"r"}`},
		{name: "refresh/session property", fn: patchRefresh, body: `{"session_metadata":{}}`, err: metapatch.ErrInvalidKey},
		{name: "refresh/empty body", fn: patchRefresh, body: `{}`, err: metapatch.ErrInvalidValue},
		{name: "refresh/name charset", fn: patchRefresh, body: `{"refresh_token_metadata":{"a:b":"v"}}`, err: metapatch.ErrInvalidKey},
		{name: "refresh/26 entries", fn: patchRefresh, body: `{"refresh_token_metadata":` + members(26, "v") + `}`, err: metapatch.ErrTooManyKeys},
		{name: "refresh/not an object", fn: patchRefresh, body: `{"refresh_token_metadata":true}`, err: metapatch.ErrNotObject},
		{name: "refresh/scope", fn: patchRefresh, body: `{"refresh_token_metadata":null}`, o: scoped("update:sessions"), err: metapatch.ErrScope},
		{name: "refresh/scope ok", fn: patchRefresh, body: `{"refresh_token_metadata":null}`, o: scoped("update:refresh_tokens"), want: `{}`},
	}
}

func signupCases() []entCase {
	return []entCase{
		{name: "signup/email", fn: signup, body: `{` + minSignup + `,"email":"a@b.c"}`, want: `{"email":"a@b.c","email_verified":false}`},
		{name: "signup/username", fn: signup, body: `{` + minSignup + `,"username":"u"}`, want: `{"username":"u"}`},
		{name: "signup/phone", fn: signup, body: `{` + minSignup + `,"phone_number":"+1"}`, want: `{"phone_number":"+1","phone_verified":false}`},
		{name: "signup/member order", fn: signup,
			body: `{"user_metadata":{"a":"1"},"nickname":"n","phone_number":"+1","username":"u","password":"p","given_name":"g","picture":"x","email":"e","client_id":"c","family_name":"f","name":"N","connection":"db"}`,
			want: `{"email":"e","username":"u","email_verified":false,"phone_number":"+1","phone_verified":false,"user_metadata":{"a":"1"},"nickname":"n","given_name":"g","picture":"x","family_name":"f","name":"N"}`},
		{name: "signup/name spelling kept", fn: signup, body: `{` + minSignup + `,"e\u006dail":"a"}`, want: `{"e\u006dail":"a","email_verified":false}`},
		{name: "signup/metadata {}", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":{}}`, want: `{"email":"a","email_verified":false,"user_metadata":{}}`},
		{name: "signup/metadata all-null", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":{"x":null}}`, want: `{"email":"a","email_verified":false,"user_metadata":{}}`},
		{name: "signup/metadata null absent", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":null}`, want: `{"email":"a","email_verified":false}`},
		{name: "signup/nulls absent", fn: signup, body: `{` + minSignup + `,"email":"a","name":null,"client_id":null}`, want: `{"email":"a","email_verified":false}`},
		{name: "signup/missing password", fn: signup, body: `{"connection":"db","email":"a"}`, err: metapatch.ErrInvalidValue},
		{name: "signup/null password", fn: signup, body: `{"connection":"db","password":null,"email":"a"}`, err: metapatch.ErrInvalidValue},
		{name: "signup/missing connection", fn: signup, body: `{"password":"p","email":"a"}`, err: metapatch.ErrInvalidValue},
		{name: "signup/no identifier", fn: signup, body: `{` + minSignup + `,"name":"n"}`, err: metapatch.ErrInvalidValue},
		{name: "signup/unknown", fn: signup, body: `{` + minSignup + `,"email":"a","app_metadata":{}}`, err: metapatch.ErrInvalidKey},
		{name: "signup/unknown before missing", fn: signup, body: `{"foo":1}`, err: metapatch.ErrInvalidKey},
		{name: "signup/email number", fn: signup, body: `{` + minSignup + `,"email":1}`, err: metapatch.ErrInvalidValue},
		{name: "signup/password bool", fn: signup, body: `{"connection":"db","password":true,"email":"a"}`, err: metapatch.ErrInvalidValue},
		{name: "signup/metadata string", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":"x"}`, err: metapatch.ErrNotObject},
		{name: "signup/metadata array", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":[]}`, err: metapatch.ErrNotObject},
		{name: "signup/metadata 10", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":` + members(10, "v") + `}`,
			want: `{"email":"a","email_verified":false,"user_metadata":` + members(10, "v") + `}`},
		{name: "signup/metadata 11", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":` + members(11, "v") + `}`, err: metapatch.ErrTooManyKeys},
		{name: "signup/metadata 11 one null", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":` + members(10, "v", `"n":null`) + `}`,
			want: `{"email":"a","email_verified":false,"user_metadata":` + members(10, "v") + `}`},
		{name: "signup/metadata name 100", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":{"` + rep("é", 100) + `":"v"}}`,
			want: `{"email":"a","email_verified":false,"user_metadata":{"` + rep("é", 100) + `":"v"}}`},
		{name: "signup/metadata name 101", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":{"` + rep("é", 101) + `":"v"}}`, err: metapatch.ErrValueTooLong},
		{name: "signup/metadata value 500", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":{"a":"` + rep("é", 500) + `"}}`,
			want: `{"email":"a","email_verified":false,"user_metadata":{"a":"` + rep("é", 500) + `"}}`},
		{name: "signup/metadata value 501", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":{"a":"` + rep("é", 501) + `"}}`, err: metapatch.ErrValueTooLong},
		{name: "signup/metadata value number", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":{"a":1}}`, err: metapatch.ErrNotString},
		{name: "signup/metadata name dot", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":{"a.b":"1"}}`, err: metapatch.ErrInvalidKey},
		{name: "signup/metadata name dollar", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":{"$a":"1"}}`, err: metapatch.ErrInvalidKey},
		{name: "signup/metadata value dot", fn: signup, body: `{` + minSignup + `,"email":"a","user_metadata":{"a":"b.c$"}}`, want: `{"email":"a","email_verified":false,"user_metadata":{"a":"b.c$"}}`},
		{name: "signup/takes no scopes", fn: signup, body: `{` + minSignup + `,"email":"a"}`, o: scoped(), want: `{"email":"a","email_verified":false}`},
		{name: "signup/too large", fn: signup, body: `{` + minSignup + `,"email":"a"}`, o: Options{MaxBytes: 10}, err: metapatch.ErrTooLarge},
	}
}

func importCases() []entCase {
	const head = `{"user_id":"auth0|1","email":"a@b.c","name":"old",`
	return []entCase{
		{name: "import/email default", fn: importUser, body: `{"email":"a@b.c"}`, want: `{"email":"a@b.c","email_verified":false}`},
		{name: "import/email_verified given", fn: importUser, body: `{"email_verified":true,"email":"a@b.c"}`, want: `{"email_verified":true,"email":"a@b.c"}`},
		{name: "import/email_verified null is absent", fn: importUser, body: `{"email":"a","email_verified":null}`, want: `{"email":"a","email_verified":false}`},
		{name: "import/phone default after phone_number", fn: importUser, body: `{"phone_number":"+1","user_id":"u1","email":"a"}`,
			want: `{"phone_number":"+1","phone_verified":false,"user_id":"u1","email":"a","email_verified":false}`},
		{name: "import/phone_verified given", fn: importUser, body: `{"email":"a","phone_number":"+1","phone_verified":true}`,
			want: `{"email":"a","email_verified":false,"phone_number":"+1","phone_verified":true}`},
		{name: "import/credentials dropped", fn: importUser,
			body: `{"email":"a","password_hash":"$2b$10$x","mfa_factors":[{"totp":{"secret":"x"}}],"custom_password_hash":{"algorithm":"md5","hash":{"value":"x"}},"blocked":true}`,
			want: `{"email":"a","email_verified":false,"blocked":true}`},
		{name: "import/all strings", fn: importUser, body: `{"email":"a","username":"u","given_name":"g","family_name":"f","name":"n","nickname":"k","picture":"p"}`,
			want: `{"email":"a","email_verified":false,"username":"u","given_name":"g","family_name":"f","name":"n","nickname":"k","picture":"p"}`},
		{name: "import/metadata kept", fn: importUser, body: `{"email":"a","app_metadata":{"r":[1.0]},"user_metadata":{"x":{"y":null},"z":null}}`,
			want: `{"email":"a","email_verified":false,"app_metadata":{"r":[1.0]},"user_metadata":{"x":{"y":null}}}`},
		{name: "import/empty app_metadata dropped", fn: importUser, body: `{"email":"a","app_metadata":{}}`, want: `{"email":"a","email_verified":false}`},
		{name: "import/all-null app_metadata dropped", fn: importUser, body: `{"email":"a","app_metadata":{"x":null}}`, want: `{"email":"a","email_verified":false}`},
		{name: "import/empty user_metadata kept", fn: importUser, body: `{"email":"a","user_metadata":{}}`, want: `{"email":"a","email_verified":false,"user_metadata":{}}`},
		{name: "import/null user_metadata", fn: importUser, body: `{"email":"a","user_metadata":null}`, err: metapatch.ErrInvalidValue},
		{name: "import/null app_metadata", fn: importUser, body: `{"email":"a","app_metadata":null}`, err: metapatch.ErrInvalidValue},
		{name: "import/string metadata", fn: importUser, body: `{"email":"a","user_metadata":"x"}`, err: metapatch.ErrNotObject},
		{name: "import/reserved app name", fn: importUser, body: `{"email":"a","app_metadata":{"email":"x"}}`, err: metapatch.ErrReservedKey},
		{name: "import/reserved name case-sensitive", fn: importUser, body: `{"email":"a","app_metadata":{"Email":"x"}}`, want: `{"email":"a","email_verified":false,"app_metadata":{"Email":"x"}}`},
		{name: "import/reserved name null exempt", fn: importUser, body: `{"email":"a","app_metadata":{"email":null,"b":1}}`, want: `{"email":"a","email_verified":false,"app_metadata":{"b":1}}`},
		{name: "import/reserved name in user_metadata", fn: importUser, body: `{"email":"a","user_metadata":{"email":"x"}}`, want: `{"email":"a","email_verified":false,"user_metadata":{"email":"x"}}`},
		{name: "import/dotted name", fn: importUser, body: `{"email":"a","user_metadata":{"a.b":1}}`, err: metapatch.ErrInvalidKey},
		{name: "import/nested dollar name", fn: importUser, body: `{"email":"a","app_metadata":{"a":[{"$b":1}]}}`, err: metapatch.ErrInvalidKey},
		{name: "import/dotted value", fn: importUser, body: `{"email":"a","user_metadata":{"a":"b.c"}}`, want: `{"email":"a","email_verified":false,"user_metadata":{"a":"b.c"}}`},
		{name: "import/missing email", fn: importUser, body: `{"user_id":"u"}`, err: metapatch.ErrInvalidValue},
		{name: "import/null email", fn: importUser, body: `{"email":null}`, err: metapatch.ErrInvalidValue},
		{name: "import/unknown", fn: importUser, body: `{"email":"a","password":"p"}`, err: metapatch.ErrInvalidKey},
		{name: "import/unknown before missing", fn: importUser, body: `{"foo":1}`, err: metapatch.ErrInvalidKey},
		{name: "import/null attributes are absent", fn: importUser, body: `{"email":"a","blocked":null,"name":null}`, want: `{"email":"a","email_verified":false}`},
		{name: "import/blocked string", fn: importUser, body: `{"email":"a","blocked":"yes"}`, err: metapatch.ErrInvalidValue},
		{name: "import/email_verified string", fn: importUser, body: `{"email":"a","email_verified":"true"}`, err: metapatch.ErrInvalidValue},
		{name: "import/user_id number", fn: importUser, body: `{"email":"a","user_id":1}`, err: metapatch.ErrInvalidValue},
		{name: "import/email number", fn: importUser, body: `{"email":1}`, err: metapatch.ErrInvalidValue},
		{name: "import/mfa_factors empty", fn: importUser, body: `{"email":"a","mfa_factors":[]}`, err: metapatch.ErrInvalidValue},
		{name: "import/mfa_factors 10", fn: importUser, body: `{"email":"a","mfa_factors":[` + strings.Repeat(`{},`, 9) + `{}]}`, want: `{"email":"a","email_verified":false}`},
		{name: "import/mfa_factors 11", fn: importUser, body: `{"email":"a","mfa_factors":[` + strings.Repeat(`{},`, 10) + `{}]}`, err: metapatch.ErrInvalidValue},
		{name: "import/mfa_factors object", fn: importUser, body: `{"email":"a","mfa_factors":{}}`, err: metapatch.ErrInvalidValue},
		{name: "import/custom hash without hash", fn: importUser, body: `{"email":"a","custom_password_hash":{"algorithm":"md5"}}`, err: metapatch.ErrInvalidValue},
		{name: "import/custom hash without algorithm", fn: importUser, body: `{"email":"a","custom_password_hash":{"hash":{}}}`, err: metapatch.ErrInvalidValue},
		{name: "import/custom hash string", fn: importUser, body: `{"email":"a","custom_password_hash":"x"}`, err: metapatch.ErrInvalidValue},
		{name: "import/scope", fn: importUser, body: `{"email":"a"}`, o: scoped("update:users"), err: metapatch.ErrScope},
		{name: "import/scope ok", fn: importUser, body: `{"email":"a"}`, o: scoped("create:users"), want: `{"email":"a","email_verified":false}`},
		{name: "import/not an object", fn: importUser, body: `[{"email":"a"}]`, err: metapatch.ErrNotObject},
		// Upsert.
		{name: "upsert/upsertable replaced, rest ignored", fn: upsertUser, stored: storedUser,
			body: `{"email":"x@y.z","name":"new","user_metadata":{"z":3},"blocked":true,"user_id":"other","nickname":"nick","username":"u","phone_number":"+1"}`,
			want: head[:len(head)-len(`"name":"old",`)] + `"name":"new","user_metadata":{"z":3},"app_metadata":{"r":1},"blocked":false,"nickname":"nick"}`},
		{name: "upsert/no metadata leaves it", fn: upsertUser, stored: storedUser, body: `{"email":"a@b.c"}`,
			want: head + `"user_metadata":{"x":1,"y":2},"app_metadata":{"r":1},"blocked":false}`},
		{name: "upsert/metadata replaced whole", fn: upsertUser, stored: storedUser, body: `{"email":"a@b.c","app_metadata":{"s":2,"t":null}}`,
			want: head + `"user_metadata":{"x":1,"y":2},"app_metadata":{"s":2},"blocked":false}`},
		{name: "upsert/empty app_metadata removed", fn: upsertUser, stored: storedUser, body: `{"email":"a@b.c","app_metadata":{}}`,
			want: head + `"user_metadata":{"x":1,"y":2},"blocked":false}`},
		{name: "upsert/empty user_metadata kept", fn: upsertUser, stored: storedUser, body: `{"email":"a@b.c","user_metadata":{}}`,
			want: head + `"user_metadata":{},"app_metadata":{"r":1},"blocked":false}`},
		{name: "upsert/appended in record order", fn: upsertUser, stored: storedUser, body: `{"picture":"p","email":"a@b.c","email_verified":true,"given_name":"g","family_name":"f"}`,
			want: head + `"user_metadata":{"x":1,"y":2},"app_metadata":{"r":1},"blocked":false,"picture":"p","email_verified":true,"given_name":"g","family_name":"f"}`},
		{name: "upsert/custom hash never stored", fn: upsertUser, stored: storedUser, body: `{"email":"a@b.c","custom_password_hash":{"algorithm":"md5","hash":{}}}`,
			want: head + `"user_metadata":{"x":1,"y":2},"app_metadata":{"r":1},"blocked":false}`},
		{name: "upsert/null attribute ignored", fn: upsertUser, stored: storedUser, body: `{"email":"a@b.c","name":null}`,
			want: head + `"user_metadata":{"x":1,"y":2},"app_metadata":{"r":1},"blocked":false}`},
		{name: "upsert/stored metadata not an object replaced", fn: upsertUser, stored: `{"user_metadata":"x"}`, body: `{"email":"a","user_metadata":{"a":1}}`,
			want: `{"user_metadata":{"a":1}}`},
		{name: "upsert/record rule", fn: upsertUser, stored: storedUser, body: `{"email":"a@b.c","app_metadata":{"blocked":true}}`, err: metapatch.ErrReservedKey},
		{name: "upsert/record rule on ignored property", fn: upsertUser, stored: storedUser, body: `{"email":"a@b.c","blocked":1}`, err: metapatch.ErrInvalidValue},
		{name: "upsert/missing email", fn: upsertUser, stored: storedUser, body: `{"name":"n"}`, err: metapatch.ErrInvalidValue},
		{name: "upsert/stored bad", fn: upsertUser, stored: `[]`, body: `{"email":"a"}`, err: metapatch.ErrStoredDocument},
		{name: "upsert/record before stored", fn: upsertUser, stored: `[]`, body: `{"email":"a","x":1}`, err: metapatch.ErrInvalidKey},
		{name: "upsert/absent stored", fn: upsertUser, stored: "\n", body: `{"email":"a","name":"n"}`, want: `{"name":"n"}`},
		{name: "upsert/scope", fn: upsertUser, stored: storedUser, body: `{"email":"a"}`, o: scoped("update:users"), err: metapatch.ErrScope},
		{name: "upsert/scope ok", fn: upsertUser, stored: `{}`, body: `{"email":"a"}`, o: scoped("create:users"), want: `{}`},
		{name: "upsert/result too large", fn: upsertUser, stored: `{"a":"1234567890"}`, body: `{"email":"a","name":"n"}`, o: Options{MaxBytes: 28}, err: metapatch.ErrTooLarge},
		{name: "upsert/result at size limit", fn: upsertUser, stored: `{"a":"1234567890"}`, body: `{"email":"a","name":"n"}`, o: Options{MaxBytes: 29}, want: `{"a":"1234567890","name":"n"}`},
	}
}

// importFile returns a valid import file of exactly n bytes (n >= 40).
func importFile(n int) string {
	head := `[{"email":"a@b.c","user_metadata":{"p":"`
	tail := `"}}]`
	return head + rep("x", n-len(head)-len(tail)) + tail
}

func checkImportCases() []entCase {
	return []entCase{
		{name: "file/valid", fn: checkImport, body: ` [{"email":"a@b.c"}, {"email":"d@e.f","user_id":"1"}] `},
		{name: "file/empty", fn: checkImport, body: ``, err: metapatch.ErrSyntax},
		{name: "file/whitespace", fn: checkImport, body: ` `, err: metapatch.ErrSyntax},
		{name: "file/truncated", fn: checkImport, body: `[{"email":"a"}`, err: metapatch.ErrSyntax},
		{name: "file/object", fn: checkImport, body: `{"email":"a"}`, err: metapatch.ErrInvalidValue},
		{name: "file/string", fn: checkImport, body: `"x"`, err: metapatch.ErrInvalidValue},
		{name: "file/no records", fn: checkImport, body: `[ ]`, err: metapatch.ErrInvalidValue},
		{name: "file/record not an object", fn: checkImport, body: `[{"email":"a"},1]`, err: metapatch.ErrNotObject},
		{name: "file/record rule", fn: checkImport, body: `[{"email":"a"},{"email":"b","app_metadata":{"email":1}}]`, err: metapatch.ErrReservedKey},
		{name: "file/record missing email", fn: checkImport, body: `[{"email":"a"},{}]`, err: metapatch.ErrInvalidValue},
		{name: "file/duplicate email", fn: checkImport, body: `[{"email":"a@b.c"},{"email":"a@b.c"}]`, err: metapatch.ErrInvalidValue},
		{name: "file/duplicate email ASCII case", fn: checkImport, body: `[{"email":"A@b.c"},{"email":"a@B.C"}]`, err: metapatch.ErrInvalidValue},
		{name: "file/duplicate email escaped", fn: checkImport, body: `[{"email":"a@b.c"},{"email":"\u0061@b.c"}]`, err: metapatch.ErrInvalidValue},
		{name: "file/emails differ beyond ASCII case", fn: checkImport, body: `[{"email":"\u00c9@b.c"},{"email":"\u00e9@b.c"}]`},
		{name: "file/record rule before duplicate", fn: checkImport, body: `[{"email":"a"},{"email":"a","x":1}]`, err: metapatch.ErrInvalidKey},
		{name: "file/first problem in file order", fn: checkImport, body: `[{"email":"a"},{"email":"a"},{"x":1}]`, err: metapatch.ErrInvalidValue},
		{name: "file/duplicate user_id", fn: checkImport, body: `[{"email":"a","user_id":"u1"},{"email":"b","user_id":"u1"}]`, err: metapatch.ErrInvalidValue},
		{name: "file/user_id case differs", fn: checkImport, body: `[{"email":"a","user_id":"u1"},{"email":"b","user_id":"U1"}]`},
		{name: "file/null user_ids", fn: checkImport, body: `[{"email":"a","user_id":null},{"email":"b","user_id":null}]`},
		{name: "file/syntax before shape", fn: checkImport, body: `{"a":1,"a":2}`, err: metapatch.ErrDuplicateKey},
		{name: "file/too deep", fn: checkImport, body: `[{"email":"a","user_metadata":{"a":[]}}]`, o: Options{MaxDepth: 3}, err: metapatch.ErrTooDeep},
		{name: "file/at depth limit", fn: checkImport, body: `[{"email":"a","user_metadata":{"a":1}}]`, o: Options{MaxDepth: 3}},
		{name: "file/512000 bytes", fn: checkImport, body: importFile(512000)},
		{name: "file/512001 bytes", fn: checkImport, body: importFile(512001), err: metapatch.ErrTooLarge},
		{name: "file/512001 bytes invalid", fn: checkImport, body: "[" + rep(" ", 512000), err: metapatch.ErrTooLarge},
		{name: "file/over a lower limit", fn: checkImport, body: importFile(100), o: Options{MaxBytes: 99}, err: metapatch.ErrTooLarge},
		{name: "file/at a lower limit", fn: checkImport, body: importFile(100), o: Options{MaxBytes: 100}},
		{name: "file/a higher limit", fn: checkImport, body: importFile(512001), o: Options{MaxBytes: 1 << 20}, err: metapatch.ErrTooLarge},
		{name: "file/scope", fn: checkImport, body: `[{"email":"a"}]`, o: scoped("update:users"), err: metapatch.ErrScope},
		{name: "file/scope before records", fn: checkImport, body: `[1]`, o: scoped(), err: metapatch.ErrScope},
		{name: "file/scope after shape", fn: checkImport, body: `{}`, o: scoped(), err: metapatch.ErrInvalidValue},
		{name: "file/scope ok", fn: checkImport, body: `[{"email":"a"}]`, o: scoped("create:users")},
	}
}

func allCases() []entCase {
	var cs []entCase
	for _, f := range []func() []entCase{connCases, domainCases, tokenCases, signupCases, importCases, checkImportCases} {
		cs = append(cs, f()...)
	}
	return cs
}

func TestEntities(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range allCases() {
		if seen[c.name] {
			t.Fatalf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			got, err := c.fn([]byte(c.stored), []byte(c.body), c.o)
			if c.err != nil {
				checkErr(t, c.err, got, err)
				return
			}
			if err != nil {
				t.Fatalf("error %v, want %s", err, c.want)
			}
			if diff := cmp.Diff(c.want, string(got)); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func checkErr(t *testing.T, want error, got []byte, err error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error %v (result %s), want %v", err, got, want)
	}
	var e, w *metapatch.Error
	if !errors.As(err, &e) || !errors.As(fail(want), &w) {
		t.Fatalf("error %T, want *metapatch.Error", err)
	}
	if e.StatusCode != w.StatusCode {
		t.Errorf("status %d, want %d", e.StatusCode, w.StatusCode)
	}
	if got != nil {
		t.Errorf("result %s with an error", got)
	}
}

// TestEntitiesKeepInputs checks that no function writes to its arguments:
// each case runs on buffers with spare capacity, compared afterwards.
func TestEntitiesKeepInputs(t *testing.T) {
	for _, c := range allCases() {
		stored := append(make([]byte, 0, len(c.stored)+64), c.stored...)
		body := append(make([]byte, 0, len(c.body)+64), c.body...)
		spareS, spareB := stored[:cap(stored)], body[:cap(body)]
		for i := len(c.stored); i < len(spareS); i++ {
			spareS[i] = '#'
		}
		for i := len(c.body); i < len(spareB); i++ {
			spareB[i] = '#'
		}
		scopes := append([]string(nil), c.o.Scopes...)
		_, _ = c.fn(stored, body, c.o)
		if string(spareS) != c.stored+rep("#", cap(stored)-len(c.stored)) {
			t.Errorf("%s: stored document changed", c.name)
		}
		if string(spareB) != c.body+rep("#", cap(body)-len(c.body)) {
			t.Errorf("%s: body changed", c.name)
		}
		if diff := cmp.Diff(scopes, c.o.Scopes); diff != "" {
			t.Errorf("%s: scopes changed (-want +got):\n%s", c.name, diff)
		}
	}
}

// TestEntitiesHostile checks that hostile bodies give errors, and that
// hostile stored documents give an error or a result, never a panic.
func TestEntitiesHostile(t *testing.T) {
	hostile := []string{
		`{"a":`, `[`, `{`, `{"metadata":{"a":"b"}`, `nul`, `{"a":1}{}`, `{"a":1},`,
		rep("[", 100000), rep(`{"a":`, 100000), rep("[", 101) + rep("]", 101),
		"{\"a\":\"\xff\"}", "{\"\xc0\xaf\":1}", `{"a":"\ud800"}`, `{"\udc00":1}`,
		"\uFEFF{}", "{\"a\":\"\x01\"}", `{"a":01}`, `{"a":1.}`, `{"a":"\x"}`,
	}
	for name, fn := range allCalls {
		for i, h := range hostile {
			if _, err := fn([]byte(`{}`), []byte(h), Options{}); err == nil {
				t.Errorf("%s: hostile body %d: no error", name, i)
			}
			// As a stored document, with a valid body that touches
			// metadata or nothing.
			for _, body := range []string{`{}`, `{"metadata":{"a":"b"}}`, `{"domain_metadata":{"a":"b"}}`, `{"session_metadata":null}`, `{"email":"a","user_metadata":{}}`} {
				_, _ = fn([]byte(h), []byte(body), Options{})
			}
		}
	}
}
