// This file holds the field tables; see the package doc, "Matching".

package query

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// caseInsensitive lists the normalized fields, whose strings compare
// case-insensitively; a term without a field tests exactly these.
var caseInsensitive = [...]string{"email", "name", "given_name", "family_name", "nickname"}

// metadataRoots are the root properties that hold metadata.
var metadataRoots = [...]string{"user_metadata", "app_metadata"}

// CaseInsensitive reports whether strings in field compare
// case-insensitively: true for email, name, given_name, family_name and
// nickname (documented by Auth0), false for every other field, metadata
// included.
func CaseInsensitive(field string) bool {
	for _, f := range caseInsensitive {
		if field == f {
			return true
		}
	}
	return false
}

// DefaultFields returns the fields a term without a field tests, in a new
// slice: email, name, given_name, family_name, nickname.
func DefaultFields() []string {
	return append([]string(nil), caseInsensitive[:]...)
}

// IsMetadata reports whether field is user_metadata or app_metadata, or a
// path below either ("user_metadata.a.b"). Wildcards and ranges are
// refused on these fields, and sorting by them too.
func IsMetadata(field string) bool {
	for _, r := range metadataRoots {
		if field == r || strings.HasPrefix(field, r) && field[len(r)] == '.' {
			return true
		}
	}
	return false
}

// Fold returns s in the form case-insensitive fields compare: each code
// point mapped by unicode.ToLower (Unicode's simple lower-case mapping,
// one code point to one). Bytes that are not valid UTF-8 are kept as they
// are. Two strings match case-insensitively when their Fold forms are
// equal.
func Fold(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			b.WriteByte(s[i])
			i++
			continue
		}
		b.WriteRune(unicode.ToLower(r))
		i += n
	}
	return b.String()
}
