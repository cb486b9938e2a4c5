// This file holds the bulk-import functions of the package doc's "Bulk
// import"; their rules are the tables rules.Import and rules.Upsert
// (internal/rules).

package metapatch

import (
	"fmt"

	"github.com/metapatch/metapatch/internal/rules"
)

// ImportUser returns the user document that a bulk-import record (one
// element of a POST /api/v2/jobs/users-imports file) creates for a new
// user. The record's schema is closed and email is required; user_id is
// kept as given; "email_verified":false and "phone_verified":false are
// stored right after email and phone_number when the record has none.
// Password hashes and mfa_factors are credentials and never stored. See
// the package doc, "Bulk import".
//
// On any error ImportUser returns nil and a *Error; it never modifies its
// argument.
func ImportUser(record []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.Import, nil, record, true, opts)
}

// UpsertUser returns what an import with upsert: true does to user, the
// stored user the record matches by email: only the upsertable attributes
// (app_metadata, user_metadata, email_verified, family_name, given_name,
// name, nickname, picture) change, and metadata is replaced whole, never
// merged; every other property of the record is checked and ignored.
//
// user may be absent (nil, empty, white space or null). On any error
// UpsertUser returns nil and a *Error; it never modifies its arguments.
func UpsertUser(user, record []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.Upsert, user, record, false, opts)
}

// CheckImport checks a whole bulk-import file, a JSON array of records, as
// Auth0 does before it runs the job: at most 512000 bytes (or the
// WithMaxBytes limit, if lower), valid JSON, not empty, every record valid
// for ImportUser, and no two records with the same email (compared after
// ASCII lower-casing) or the same user_id. It reads the file once and
// returns the first problem, pointing into the file (for example
// /17/app_metadata/email); nil when the file is good.
func CheckImport(file []byte, opts ...Option) error {
	c := newConfig(opts)
	limit := min(c.maxBytes, rules.MaxImportBytes)
	if len(file) > limit {
		return rawError(ErrTooLarge, nil, fmt.Sprintf("Payload content length greater than maximum allowed: %d.", limit))
	}
	t := nameTable{hasher: newHasher(), body: file}
	s := scanner{src: file, body: true, maxDepth: c.maxDepth, names: &t}
	start, _, err := s.document()
	if err != nil {
		return err
	}
	if file[start] != '[' {
		return newError(ErrInvalidValue, nil, "Users file must be a JSON array")
	}
	if c.scoped && !c.has(rules.Import.Create) {
		return newError(ErrScope, nil, "Insufficient scope, expected any of: "+rules.Import.Create)
	}
	c.scoped = false
	i := skipWS(file, start+1)
	if file[i] == ']' {
		return rawError(ErrInvalidValue, nil, "Users file must not be empty.")
	}
	seen := map[string]int{} // "email:" or "user_id:" and the value → record
	var members, subs []member
	var key []byte
	for n := 0; file[i] != ']'; n++ {
		if file[i] != '{' {
			return bodyError(ErrNotObject, file, i, "Expected type object but found type %s", typeName(file[i:]))
		}
		rec := record{depth: 2, root: members[:0], subs: subs[:0], full: true}
		members, subs = rec.members(file, i, 0)
		if err = checkEntity(rules.Import, &c, file, i, members, subs, true); err != nil {
			return err
		}
		for _, name := range [...]string{"email", "user_id"} {
			m := find(file, members, name)
			if m == nil || m.valueIn(file)[0] != '"' {
				continue
			}
			key = append(append(key[:0], name...), ':')
			key = appendDecoded(key, m.valueIn(file))
			if name == "email" {
				asciiLower(key[len(name)+1:])
			}
			if first, dup := seen[string(key)]; dup {
				return bodyError(ErrInvalidValue, file, i, "Duplicated user entry: same %s as record %d", name, first)
			}
			seen[string(key)] = n
		}
		i = skipWS(file, skipValue(file, i))
		if file[i] == ',' {
			i = skipWS(file, i+1)
		}
	}
	return nil
}

// appendDecoded appends the decoded value of the valid string v (quotes
// included).
func appendDecoded(dst, v []byte) []byte {
	raw := v[1 : len(v)-1]
	for i := 0; i < len(raw); {
		if raw[i] != '\\' {
			dst = append(dst, raw[i])
			i++
			continue
		}
		var r rune
		r, i = nextRune(raw, i)
		dst = appendWTF8(dst, r)
	}
	return dst
}

// asciiLower lower-cases the ASCII letters of b in place.
func asciiLower(b []byte) {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
}
