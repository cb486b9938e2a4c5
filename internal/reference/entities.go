package reference

// The twin of the library's other metadata writers: connections, custom
// domains, sessions, refresh tokens, sign-up and bulk import. Its rule
// tables are its own, written from the rules' text and not shared with the
// library.

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/metapatch/metapatch"
)

// kind is what a listed property of a closed schema accepts.
type kind int

const (
	kString      kind = iota + 1 // any string
	kBool                        // true or false
	kObject                      // any object
	kArray                       // any array
	kReadOnly                    // the server's: refused in any body
	kConnName                    // a connection name: pattern, 1-128
	kDisplayName                 // a string of at most 128 characters
	kHost                        // a host name of 3-255 characters
	kDomainType                  // auth0_managed_certs or self_managed_certs
	kMeta                        // a metadata object, see metaRule
)

// metaRule is how one metadata object is checked and written.
type metaRule struct {
	merged   bool                   // merged at the root (else replaced whole)
	maxKeys  int                    // on the result, after nulls are dropped
	valueMax int                    // values are strings of at most this
	nameMax  int                    // 0: no length rule on names
	nameOK   func(name string) bool // nil: no character rule on names
}

var (
	connectionMeta = &metaRule{maxKeys: 10, valueMax: 255}
	domainMeta     = &metaRule{merged: true, maxKeys: 10, valueMax: 255, nameMax: 255}
	tokenMeta      = &metaRule{maxKeys: 25, valueMax: 255, nameMax: 255, nameOK: tokenName}
)

// prop is a listed property: what it accepts, and whether a PATCH may set
// it to null.
type prop struct {
	kind     kind
	nullable bool
	meta     *metaRule
}

// entity is one closed request schema pair (create and PATCH).
type entity struct {
	createScope, updateScope string
	create, patch            map[string]prop
	required                 []string // on create
	minOne                   bool     // a PATCH body needs a property
}

var connection = func() entity {
	patch := map[string]prop{
		"id":                   {kind: kReadOnly},
		"display_name":         {kind: kDisplayName},
		"options":              {kind: kObject},
		"enabled_clients":      {kind: kArray},
		"is_domain_connection": {kind: kBool},
		"show_as_button":       {kind: kBool},
		"realms":               {kind: kArray},
		"metadata":             {kind: kMeta, nullable: true, meta: connectionMeta},
		"authentication":       {kind: kObject},
		"connected_accounts":   {kind: kObject},
	}
	create := map[string]prop{
		"name":     {kind: kConnName},
		"strategy": {kind: kString},
	}
	for k, v := range patch {
		create[k] = v
	}
	return entity{
		createScope: "create:connections", updateScope: "update:connections",
		create: create, patch: patch,
		required: []string{"name", "strategy"},
		minOne:   true,
	}
}()

var customDomain = entity{
	createScope: "create:custom_domains", updateScope: "update:custom_domains",
	create: map[string]prop{
		"custom_domain_id":         {kind: kReadOnly},
		"domain":                   {kind: kHost},
		"type":                     {kind: kDomainType},
		"verification_method":      {kind: kString},
		"tls_policy":               {kind: kString},
		"custom_client_ip_header":  {kind: kString},
		"domain_metadata":          {kind: kMeta, meta: domainMeta},
		"relying_party_identifier": {kind: kString},
	},
	patch: map[string]prop{
		"custom_domain_id":         {kind: kReadOnly},
		"domain":                   {kind: kReadOnly},
		"type":                     {kind: kReadOnly},
		"tls_policy":               {kind: kString},
		"custom_client_ip_header":  {kind: kString},
		"domain_metadata":          {kind: kMeta, meta: domainMeta},
		"relying_party_identifier": {kind: kString, nullable: true},
	},
	required: []string{"domain", "type"},
}

var session = entity{
	updateScope: "update:sessions",
	patch: map[string]prop{
		"session_metadata": {kind: kMeta, nullable: true, meta: tokenMeta},
		"id":               {kind: kReadOnly}, // an id in a body is read-only
	},
	minOne: true,
}

var refreshToken = entity{
	updateScope: "update:refresh_tokens",
	patch: map[string]prop{
		"refresh_token_metadata": {kind: kMeta, nullable: true, meta: tokenMeta},
		"id":                     {kind: kReadOnly},
	},
	minOne: true,
}

// PatchConnection is metapatch.PatchConnection.
func PatchConnection(conn, body []byte, o Options) ([]byte, error) {
	return patchEntity(connection, conn, body, false, o)
}

// CreateConnection is metapatch.CreateConnection.
func CreateConnection(body []byte, o Options) ([]byte, error) {
	return patchEntity(connection, nil, body, true, o)
}

// PatchCustomDomain is metapatch.PatchCustomDomain.
func PatchCustomDomain(domain, body []byte, o Options) ([]byte, error) {
	return patchEntity(customDomain, domain, body, false, o)
}

// CreateCustomDomain is metapatch.CreateCustomDomain.
func CreateCustomDomain(body []byte, o Options) ([]byte, error) {
	return patchEntity(customDomain, nil, body, true, o)
}

// PatchSession is metapatch.PatchSession.
func PatchSession(sess, body []byte, o Options) ([]byte, error) {
	return patchEntity(session, sess, body, false, o)
}

// PatchRefreshToken is metapatch.PatchRefreshToken.
func PatchRefreshToken(token, body []byte, o Options) ([]byte, error) {
	return patchEntity(refreshToken, token, body, false, o)
}

func patchEntity(e entity, stored, raw []byte, create bool, o Options) ([]byte, error) {
	body, err := parseBody(raw, o)
	if err != nil {
		return nil, err
	}
	// Scopes: a create needs its scope whatever the body; a PATCH needs
	// the update scope for each property it names.
	if o.Scoped && create && !o.allows(e.createScope) {
		return nil, fail(metapatch.ErrScope)
	}
	if o.Scoped && !create && len(body) > 0 && !o.allows(e.updateScope) {
		return nil, fail(metapatch.ErrScope)
	}
	table := e.patch
	if create {
		table = e.create
	}
	// Per-property rules, in body order. A create ignores root nulls.
	var kept []member
	for _, m := range body {
		if create && isNull(m.value) {
			continue
		}
		p, ok := table[string(decode(m.name))]
		if !ok {
			return nil, fail(metapatch.ErrInvalidKey)
		}
		if err := checkProp(p, m.value); err != nil {
			return nil, err
		}
		kept = append(kept, m)
	}
	if !create && e.minOne && len(body) == 0 {
		return nil, fail(metapatch.ErrInvalidValue)
	}
	if create {
		for _, name := range e.required {
			if !hasName(kept, name) {
				return nil, fail(metapatch.ErrInvalidValue)
			}
		}
	}
	// The stored document.
	s, err := parseStored(stored)
	if err != nil {
		return nil, err
	}
	out, err := apply(s, kept, func(m member, stored *member) ([]byte, bool, error) {
		return resolveProp(table[string(decode(m.name))], m.value, stored)
	})
	if err != nil {
		return nil, err
	}
	// The key limits, on the result.
	for _, m := range kept {
		p := table[string(decode(m.name))]
		if p.kind != kMeta {
			continue
		}
		j := find(out, m.key)
		if j < 0 {
			continue
		}
		limit := p.meta.maxKeys
		if p.meta.merged {
			if i := find(s, m.key); i >= 0 && s[i].value[0] == '{' {
				limit = max(limit, len(objectMembers(s[i].value)))
			}
		}
		if len(objectMembers(out[j].value)) > limit {
			return nil, fail(metapatch.ErrTooManyKeys)
		}
	}
	return finish(encode(out), o)
}

// checkProp checks a body value against a listed property.
func checkProp(p prop, v []byte) error {
	if p.kind == kReadOnly {
		return fail(metapatch.ErrReadOnly)
	}
	if isNull(v) {
		switch {
		case p.nullable:
			return nil
		case p.kind == kMeta:
			return fail(metapatch.ErrNotObject)
		}
		return fail(metapatch.ErrInvalidValue)
	}
	bad := fail(metapatch.ErrInvalidValue)
	switch p.kind {
	case kString:
		if v[0] != '"' {
			return bad
		}
	case kBool:
		if string(v) != "true" && string(v) != "false" {
			return bad
		}
	case kObject:
		if v[0] != '{' {
			return bad
		}
	case kArray:
		if v[0] != '[' {
			return bad
		}
	case kConnName:
		if s, ok := stringValue(v); !ok || !connectionName(s) {
			return bad
		}
	case kDisplayName:
		if s, ok := stringValue(v); !ok || utf8.RuneCountInString(s) > 128 {
			return bad
		}
	case kHost:
		if s, ok := stringValue(v); !ok || !hostName(s) {
			return bad
		}
	case kDomainType:
		if s, ok := stringValue(v); !ok || s != "auth0_managed_certs" && s != "self_managed_certs" {
			return bad
		}
	case kMeta:
		if v[0] != '{' {
			return fail(metapatch.ErrNotObject)
		}
		return checkEntries(p.meta, objectMembers(v))
	}
	return nil
}

// checkEntries applies a metadata rule's name and value rules to what the
// object writes; a null value only deletes and is exempt.
func checkEntries(r *metaRule, ms []member) error {
	for _, m := range ms {
		if isNull(m.value) {
			continue
		}
		name := string(decode(m.name))
		if r.nameMax > 0 && utf8.RuneCountInString(name) > r.nameMax {
			return fail(metapatch.ErrValueTooLong)
		}
		if r.nameOK != nil && !r.nameOK(name) {
			return fail(metapatch.ErrInvalidKey)
		}
		s, ok := stringValue(m.value)
		if !ok {
			return fail(metapatch.ErrNotString)
		}
		if utf8.RuneCountInString(s) > r.valueMax {
			return fail(metapatch.ErrValueTooLong)
		}
	}
	return nil
}

// resolveProp returns the value body value v gives its property, stored
// being the stored member or nil; ok is false when the property is removed.
func resolveProp(p prop, v []byte, stored *member) (value []byte, ok bool, err error) {
	if isNull(v) {
		return nil, false, nil
	}
	if p.kind != kMeta {
		return compact(v), true, nil
	}
	patch := objectMembers(v)
	if !p.meta.merged {
		kept := dropNulls(patch)
		return encode(kept), len(kept) > 0, nil
	}
	merged, err := mergeInto(stored, patch)
	if err != nil {
		return nil, false, err
	}
	return encode(merged), true, nil
}

func dropNulls(ms []member) []member {
	var out []member
	for _, m := range ms {
		if !isNull(m.value) {
			out = append(out, m)
		}
	}
	return out
}

// hasName reports whether members hold a member with the decoded name.
func hasName(ms []member, name string) bool {
	return slices.ContainsFunc(ms, func(m member) bool { return string(decode(m.name)) == name })
}

// stringValue decodes a JSON string value.
func stringValue(v []byte) (string, bool) {
	if len(v) == 0 || v[0] != '"' {
		return "", false
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", false
	}
	return s, true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// connectionName is ^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$ and at most
// 128 characters.
func connectionName(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) {
			continue
		}
		if c != '-' || i == 0 || i == len(s)-1 || !isAlnum(s[i+1]) {
			return false
		}
	}
	return true
}

// hostName: 3-255 characters; dot-separated labels of ASCII letters,
// digits and hyphens, none empty, none starting or ending with a hyphen.
func hostName(s string) bool {
	if len(s) < 3 || len(s) > 255 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if !isAlnum(label[i]) && label[i] != '-' {
				return false
			}
		}
	}
	return true
}

// tokenName: session and refresh-token metadata names, [A-Za-z0-9_-]+.
func tokenName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '_' && s[i] != '-' {
			return false
		}
	}
	return true
}

// Sign-up.

var signupStrings = []string{
	"client_id", "email", "password", "connection", "username", "given_name",
	"family_name", "name", "nickname", "picture", "phone_number",
}

// Signup is metapatch.Signup.
func Signup(raw []byte, o Options) ([]byte, error) {
	body, err := parseBody(raw, o)
	if err != nil {
		return nil, err
	}
	var kept []member
	for _, m := range body {
		if isNull(m.value) {
			continue
		}
		name := string(decode(m.name))
		switch {
		case slices.Contains(signupStrings, name):
			if m.value[0] != '"' {
				return nil, fail(metapatch.ErrInvalidValue)
			}
		case name == "user_metadata":
			if m.value[0] != '{' {
				return nil, fail(metapatch.ErrNotObject)
			}
			for _, x := range objectMembers(m.value) {
				if isNull(x.value) {
					continue
				}
				k := string(decode(x.name))
				if utf8.RuneCountInString(k) > 100 {
					return nil, fail(metapatch.ErrValueTooLong)
				}
				if strings.ContainsAny(k, ".$") {
					return nil, fail(metapatch.ErrInvalidKey)
				}
				s, ok := stringValue(x.value)
				if !ok {
					return nil, fail(metapatch.ErrNotString)
				}
				if utf8.RuneCountInString(s) > 500 {
					return nil, fail(metapatch.ErrValueTooLong)
				}
			}
		default:
			return nil, fail(metapatch.ErrInvalidKey)
		}
		kept = append(kept, m)
	}
	if !hasName(kept, "password") || !hasName(kept, "connection") ||
		!hasName(kept, "email") && !hasName(kept, "username") && !hasName(kept, "phone_number") {
		return nil, fail(metapatch.ErrInvalidValue)
	}
	get := func(name string) *member {
		i := slices.IndexFunc(kept, func(m member) bool { return string(decode(m.name)) == name })
		if i < 0 {
			return nil
		}
		return &kept[i]
	}
	var out []member
	if m := get("user_metadata"); m != nil && len(dropNulls(objectMembers(m.value))) > 10 {
		return nil, fail(metapatch.ErrTooManyKeys)
	}
	if m := get("email"); m != nil {
		out = append(out, *m)
	}
	if m := get("username"); m != nil {
		out = append(out, *m)
	}
	if get("email") != nil {
		out = append(out, literal("email_verified", "false"))
	}
	if m := get("phone_number"); m != nil {
		out = append(out, *m, literal("phone_verified", "false"))
	}
	for _, m := range kept {
		switch string(decode(m.name)) {
		case "given_name", "family_name", "name", "nickname", "picture":
			out = append(out, m)
		case "user_metadata":
			out = append(out, member{m.key, m.name, encode(dropNulls(objectMembers(m.value)))})
		}
	}
	return finish(encode(out), o)
}

// literal is a member made from plain text.
func literal(name, value string) member {
	quoted := []byte(`"` + name + `"`)
	return member{units(quoted), quoted, []byte(value)}
}

// Bulk import.

// maxImportFile is the largest import file, in bytes.
const maxImportFile = 512000

var reservedAppNames = []string{
	"__tenant", "_id", "blocked", "clientID", "created_at", "email_verified",
	"email", "globalClientID", "global_client_id", "identities", "lastIP",
	"lastLogin", "loginsCount", "metadata", "multifactor_last_modified",
	"multifactor", "updated_at", "user_id",
}

// credentials are record properties never stored.
var credentials = []string{"password_hash", "custom_password_hash", "mfa_factors"}

// upsertable are what an upsert changes (custom_password_hash, a
// credential, changes nothing stored).
var upsertable = []string{
	"app_metadata", "user_metadata", "email_verified", "family_name",
	"given_name", "name", "nickname", "picture",
}

// checkRecord applies the import schema to a record's members.
func checkRecord(ms []member) error {
	bad := fail(metapatch.ErrInvalidValue)
	for _, m := range ms {
		name := string(decode(m.name))
		if isNull(m.value) {
			if name == "app_metadata" || name == "user_metadata" {
				return bad
			}
			continue
		}
		switch name {
		case "email", "phone_number", "user_id", "username", "given_name",
			"family_name", "name", "nickname", "picture", "password_hash":
			if m.value[0] != '"' {
				return bad
			}
		case "email_verified", "phone_verified", "blocked":
			if string(m.value) != "true" && string(m.value) != "false" {
				return bad
			}
		case "custom_password_hash":
			if m.value[0] != '{' {
				return bad
			}
			inner := objectMembers(m.value)
			if !hasName(inner, "algorithm") || !hasName(inner, "hash") {
				return bad
			}
		case "mfa_factors":
			var items []json.RawMessage
			if m.value[0] != '[' || json.Unmarshal(m.value, &items) != nil || len(items) < 1 || len(items) > 10 {
				return bad
			}
		case "app_metadata", "user_metadata":
			if m.value[0] != '{' {
				return fail(metapatch.ErrNotObject)
			}
			for _, x := range objectMembers(m.value) {
				if isNull(x.value) {
					continue
				}
				k := string(decode(x.name))
				if name == "app_metadata" && slices.Contains(reservedAppNames, k) {
					return fail(metapatch.ErrReservedKey)
				}
				if strings.ContainsAny(k, ".$") || nestedDottedName(x.value) {
					return fail(metapatch.ErrInvalidKey)
				}
			}
		default:
			return fail(metapatch.ErrInvalidKey)
		}
	}
	if !hasName(dropNulls(ms), "email") {
		return bad
	}
	return nil
}

// importValue is what a record's non-null member stores; ok is false when
// nothing is stored.
func importValue(m member) (value []byte, ok bool) {
	name := string(decode(m.name))
	switch {
	case slices.Contains(credentials, name):
		return nil, false
	case name == "user_metadata":
		return encode(dropNulls(objectMembers(m.value))), true
	case name == "app_metadata":
		kept := dropNulls(objectMembers(m.value))
		return encode(kept), len(kept) > 0
	}
	return compact(m.value), true
}

// parseRecord parses and checks an import record as ImportUser and
// UpsertUser both take it: the body, the create:users scope, the record's
// rules.
func parseRecord(record []byte, o Options) ([]member, error) {
	body, err := parseBody(record, o)
	if err != nil {
		return nil, err
	}
	if o.Scoped && !o.allows("create:users") {
		return nil, fail(metapatch.ErrScope)
	}
	if err := checkRecord(body); err != nil {
		return nil, err
	}
	return body, nil
}

// ImportUser is metapatch.ImportUser.
func ImportUser(record []byte, o Options) ([]byte, error) {
	body, err := parseRecord(record, o)
	if err != nil {
		return nil, err
	}
	ms := dropNulls(body)
	var out []member
	for _, m := range ms {
		v, ok := importValue(m)
		if ok {
			out = append(out, member{m.key, m.name, v})
		}
		switch string(decode(m.name)) {
		case "email":
			if !hasName(ms, "email_verified") {
				out = append(out, literal("email_verified", "false"))
			}
		case "phone_number":
			if !hasName(ms, "phone_verified") {
				out = append(out, literal("phone_verified", "false"))
			}
		}
	}
	return finish(encode(out), o)
}

// UpsertUser is metapatch.UpsertUser.
func UpsertUser(user, record []byte, o Options) ([]byte, error) {
	body, err := parseRecord(record, o)
	if err != nil {
		return nil, err
	}
	var kept []member
	for _, m := range dropNulls(body) {
		if slices.Contains(upsertable, string(decode(m.name))) {
			kept = append(kept, m)
		}
	}
	s, err := parseStored(user)
	if err != nil {
		return nil, err
	}
	out, _ := apply(s, kept, func(m member, _ *member) ([]byte, bool, error) {
		v, ok := importValue(m)
		return v, ok, nil
	})
	return finish(encode(out), o)
}

// CheckImport is metapatch.CheckImport.
func CheckImport(file []byte, o Options) error {
	if len(file) > min(maxImportFile, o.maxBytes()) {
		return fail(metapatch.ErrTooLarge)
	}
	if err := checkBody(file, o.maxDepth()); err != nil {
		return err
	}
	if bytes.TrimLeft(file, " \t\r\n")[0] != '[' {
		return fail(metapatch.ErrInvalidValue)
	}
	if o.Scoped && !o.allows("create:users") {
		return fail(metapatch.ErrScope)
	}
	var records []json.RawMessage
	if err := json.Unmarshal(file, &records); err != nil {
		panic(err)
	}
	if len(records) == 0 {
		return fail(metapatch.ErrInvalidValue)
	}
	var emails, ids []string
	for _, r := range records {
		r = bytes.TrimSpace(r)
		if r[0] != '{' {
			return fail(metapatch.ErrNotObject)
		}
		ms := objectMembers(r)
		if err := checkRecord(ms); err != nil {
			return err
		}
		var email, id string
		hasID := false
		for _, m := range dropNulls(ms) {
			switch string(decode(m.name)) {
			case "email":
				email = asciiLower(string(decode(m.value)))
			case "user_id":
				id, hasID = string(decode(m.value)), true
			}
		}
		if slices.Contains(emails, email) || hasID && slices.Contains(ids, id) {
			return fail(metapatch.ErrInvalidValue)
		}
		emails = append(emails, email)
		if hasID {
			ids = append(ids, id)
		}
	}
	return nil
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
