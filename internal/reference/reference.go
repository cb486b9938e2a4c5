// Package reference is a slow, deliberately simple twin of package
// metapatch, written for obvious correctness rather than speed: it parses
// with encoding/json's token stream, keeps members in ordered slices with
// their raw values (json.RawMessage), and compares names as UTF-16 code
// units. It shares only the rule tables (internal/rules) with the library.
// Tests and fuzz targets check that both give the same bytes, or errors
// wrapping the same sentinel with the same status.
package reference

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/metapatch/metapatch"
)

// Options are the library's options as plain values. Zero limits mean the
// defaults; Scoped says whether Scopes applies at all.
type Options struct {
	MaxBytes, MaxDepth int
	Scoped             bool
	Scopes             []string
}

func (o Options) maxBytes() int {
	if o.MaxBytes == 0 {
		return defaultMaxBytes
	}
	return o.MaxBytes
}

func (o Options) maxDepth() int {
	if o.MaxDepth == 0 {
		return defaultMaxDepth
	}
	return o.MaxDepth
}

// allows reports whether the scopes hold one of the comma-separated list.
func (o Options) allows(list string) bool {
	if !o.Scoped {
		return true
	}
	for _, want := range strings.Split(list, ",") {
		if slices.Contains(o.Scopes, want) {
			return true
		}
	}
	return false
}

// fail returns an error carrying only what the comparison needs: the
// sentinel and its status.
func fail(sentinel error) error {
	status := 400
	switch sentinel {
	case metapatch.ErrScope:
		status = 403
	case metapatch.ErrTooLarge:
		status = 413
	case metapatch.ErrStoredDocument:
		status = 500
	}
	return &metapatch.Error{StatusCode: status, Err: sentinel}
}

// A member is one member of an object, as spelled in its source.
type member struct {
	key   []uint16 // the decoded name as UTF-16 code units
	name  []byte   // the name, quotes included
	value []byte   // the value
}

// Merge is metapatch.Merge.
func Merge(stored, patch []byte, o Options) ([]byte, error) {
	body, err := parseBody(patch, o)
	if err != nil {
		return nil, err
	}
	s, err := parseStored(stored)
	if err != nil {
		return nil, err
	}
	var out []member
	if len(body) > 0 {
		out = merge(s, body)
	}
	return finish(encode(out), o)
}

// PatchUser is metapatch.PatchUser; the other entities follow.
func PatchUser(user, body []byte, o Options) ([]byte, error) {
	return patch(userEntity(), user, body, false, o)
}

// CreateUser is metapatch.CreateUser.
func CreateUser(body []byte, o Options) ([]byte, error) {
	return patch(userEntity(), nil, body, true, o)
}

// PatchClient is metapatch.PatchClient.
func PatchClient(client, body []byte, o Options) ([]byte, error) {
	return patch(clientEntity(), client, body, false, o)
}

// CreateClient is metapatch.CreateClient.
func CreateClient(body []byte, o Options) ([]byte, error) {
	return patch(clientEntity(), nil, body, true, o)
}

// PatchOrganization is metapatch.PatchOrganization.
func PatchOrganization(org, body []byte, o Options) ([]byte, error) {
	return patch(organizationEntity(), org, body, false, o)
}

// CreateOrganization is metapatch.CreateOrganization.
func CreateOrganization(body []byte, o Options) ([]byte, error) {
	return patch(organizationEntity(), nil, body, true, o)
}

func patch(e doc, stored, raw []byte, create bool, o Options) ([]byte, error) {
	body, err := parseBody(raw, o)
	if err != nil {
		return nil, err
	}
	// Scopes.
	if o.Scoped && create && !o.allows(e.Create) {
		return nil, fail(metapatch.ErrScope)
	}
	if o.Scoped && !create {
		for _, m := range body {
			if !o.allows(e.rule(decode(m.name)).Scopes) {
				return nil, fail(metapatch.ErrScope)
			}
		}
	}
	// Per-property rules, in body order. A create ignores root nulls.
	var kept []member
	for _, m := range body {
		if create && isNull(m.value) {
			continue
		}
		key := decode(m.name)
		p := e.rule(key)
		switch p.propKind {
		case readOnly:
			if !create || string(key) != e.ID {
				return nil, fail(metapatch.ErrReadOnly)
			}
		case writeOnly, plain:
			if err := checkType(p, m.value); err != nil {
				return nil, err
			}
		case metadata, orgMetadata:
			if p.propKind == orgMetadata && isNull(m.value) {
				break
			}
			if m.value[0] != '{' {
				return nil, fail(metapatch.ErrNotObject)
			}
			if err := checkMetadata(p.meta, objectMembers(m.value)); err != nil {
				return nil, err
			}
		}
		if p.propKind != writeOnly {
			kept = append(kept, m)
		}
	}
	// The stored document, and the stored metadata the body merges into.
	s, err := parseStored(stored)
	if err != nil {
		return nil, err
	}
	out, err := apply(s, kept, func(m member, stored *member) ([]byte, bool, error) { return resolve(e, m, stored) })
	if err != nil {
		return nil, err
	}
	// The key limits, on the result.
	for _, m := range kept {
		p := e.rule(decode(m.name))
		if p.propKind != metadata && p.propKind != orgMetadata || isNull(m.value) {
			continue
		}
		var storedKeys int
		if i := slices.IndexFunc(s, func(x member) bool { return slices.Equal(x.key, m.key) }); i >= 0 && s[i].value[0] == '{' {
			storedKeys = len(objectMembers(s[i].value))
		}
		j := slices.IndexFunc(out, func(x member) bool { return slices.Equal(x.key, m.key) })
		if j < 0 {
			continue
		}
		if limit := maxKeys(p.meta, storedKeys); limit > 0 && len(objectMembers(out[j].value)) > limit {
			return nil, fail(metapatch.ErrTooManyKeys)
		}
	}
	return finish(encode(out), o)
}

// resolve returns the value that body member m gives its property, stored
// being the stored member or nil; ok is false when the property is removed.
func resolve(e doc, m member, stored *member) (value []byte, ok bool, err error) {
	p := e.rule(decode(m.name))
	switch p.propKind {
	case metadata:
		merged, err := mergeInto(stored, objectMembers(m.value))
		if err != nil {
			return nil, false, err
		}
		return encode(merged), len(merged) > 0 || p.meta.keepEmpty(), nil
	case orgMetadata:
		if isNull(m.value) {
			return nil, false, nil
		}
		var kept []member
		for _, x := range objectMembers(m.value) {
			if !isNull(x.value) {
				kept = append(kept, x)
			}
		}
		return encode(kept), len(kept) > 0, nil
	}
	return compact(m.value), !isNull(m.value), nil
}

// apply returns the members of a document whose stored members are s after
// the body's members kept: a stored member the body does not name stays in
// its place; one it names takes the value resolve gives it (none when ok is
// false), in place; the body's others follow in body order.
func apply(s, kept []member, resolve func(m member, stored *member) (value []byte, ok bool, err error)) ([]member, error) {
	var out []member
	used := make([]bool, len(kept))
	for _, sm := range s {
		i := find(kept, sm.key)
		if i < 0 {
			out = append(out, sm)
			continue
		}
		used[i] = true
		v, ok, err := resolve(kept[i], &sm)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, member{sm.key, sm.name, v})
		}
	}
	for i, m := range kept {
		if used[i] {
			continue
		}
		v, ok, err := resolve(m, nil)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, member{m.key, m.name, v})
		}
	}
	return out, nil
}

// mergeInto merges the members of a body's metadata object into the stored
// member's value (stored nil: absent): a clear ({}) or an absent or null
// stored value starts from nothing; anything else must be an object without
// duplicate names.
func mergeInto(stored *member, patch []member) ([]member, error) {
	if len(patch) == 0 {
		return nil, nil
	}
	var base []member
	if stored != nil && !isNull(stored.value) {
		if stored.value[0] != '{' {
			return nil, fail(metapatch.ErrStoredDocument)
		}
		base = objectMembers(stored.value)
		if hasDuplicate(base) {
			return nil, fail(metapatch.ErrStoredDocument)
		}
	}
	return merge(base, patch), nil
}

// merge is the package doc's "Merging", rules 3 and 5, for a non-empty
// patch: apply, where a null deletes and any other value replaces.
func merge(stored, patch []member) []member {
	out, _ := apply(stored, patch, func(m member, _ *member) ([]byte, bool, error) {
		return m.value, !isNull(m.value), nil
	})
	return out
}

func find(ms []member, key []uint16) int {
	return slices.IndexFunc(ms, func(m member) bool { return slices.Equal(m.key, key) })
}

func finish(out []byte, o Options) ([]byte, error) {
	if len(out) > o.maxBytes() {
		return nil, fail(metapatch.ErrTooLarge)
	}
	return out, nil
}

// parseBody checks a body and returns its root members.
func parseBody(body []byte, o Options) ([]member, error) {
	if len(body) > o.maxBytes() {
		return nil, fail(metapatch.ErrTooLarge)
	}
	if err := checkBody(body, o.maxDepth()); err != nil {
		return nil, err
	}
	if bytes.TrimLeft(body, " \t\r\n")[0] != '{' {
		return nil, fail(metapatch.ErrNotObject)
	}
	return objectMembers(body), nil
}

// checkBody walks the body's tokens in order and reports the first
// problem: invalid JSON or UTF-8, a lone surrogate escape, a name used twice
// in one object, or a container opened past the depth limit.
func checkBody(body []byte, maxDepth int) error {
	type frame struct {
		object   bool
		wantName bool
		names    [][]uint16
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return fail(metapatch.ErrSyntax)
		}
		raw := body[before:dec.InputOffset()]
		valueDone := true
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack)+1 > maxDepth {
					return fail(metapatch.ErrTooDeep)
				}
				stack = append(stack, frame{object: t == '{', wantName: t == '{'})
				valueDone = false
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			str := raw[bytes.IndexByte(raw, '"'):]
			if !utf8.Valid(str) || loneSurrogate(str) {
				return fail(metapatch.ErrSyntax)
			}
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantName {
				key := units(str)
				for _, k := range stack[n-1].names {
					if slices.Equal(k, key) {
						return fail(metapatch.ErrDuplicateKey)
					}
				}
				stack[n-1].names = append(stack[n-1].names, key)
				stack[n-1].wantName = false
				valueDone = false
			}
		}
		if valueDone && len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].wantName = true
		}
		if len(stack) == 0 {
			break
		}
	}
	if len(bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n")) != 0 {
		return fail(metapatch.ErrSyntax)
	}
	return nil
}

// parseStored checks a stored document and returns its root members.
func parseStored(stored []byte) ([]member, error) {
	trimmed := bytes.Trim(stored, " \t\r\n")
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return nil, nil
	}
	if !json.Valid(stored) || !utf8.Valid(stored) || trimmed[0] != '{' {
		return nil, fail(metapatch.ErrStoredDocument)
	}
	ms := objectMembers(stored)
	if hasDuplicate(ms) {
		return nil, fail(metapatch.ErrStoredDocument)
	}
	return ms, nil
}

// objectMembers returns the members of the valid object raw.
func objectMembers(raw []byte) []member {
	dec := json.NewDecoder(bytes.NewReader(raw))
	must(dec.Token()) // {
	var ms []member
	for dec.More() {
		before := dec.InputOffset()
		must(dec.Token())
		name := raw[before:dec.InputOffset()]
		name = name[bytes.IndexByte(name, '"'):]
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			panic(err)
		}
		ms = append(ms, member{units(name), name, v})
	}
	return ms
}

func must(_ json.Token, err error) {
	if err != nil && err != io.EOF {
		panic(err)
	}
}

func hasDuplicate(ms []member) bool {
	for i := range ms {
		for j := range i {
			if slices.Equal(ms[i].key, ms[j].key) {
				return true
			}
		}
	}
	return false
}

// encode writes members as a compact object.
func encode(ms []member) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(m.name)
		b.WriteByte(':')
		b.Write(compact(m.value))
	}
	b.WriteByte('}')
	return b.Bytes()
}

func compact(v []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func isNull(v []byte) bool { return string(v) == "null" }

// decode returns a valid string token's value (for the rule tables).
func decode(str []byte) []byte {
	var s string
	if err := json.Unmarshal(str, &s); err != nil {
		panic(err)
	}
	return []byte(s)
}

// units decodes a string token (quotes included) to UTF-16 code units,
// keeping a lone surrogate escape as the unit it names.
func units(str []byte) []uint16 {
	var out []uint16
	s := str[1 : len(str)-1]
	for len(s) > 0 {
		if s[0] != '\\' {
			r, n := utf8.DecodeRune(s)
			out = utf16.AppendRune(out, r)
			s = s[n:]
			continue
		}
		switch c := s[1]; c {
		case 'u':
			out = append(out, hexUnit(s[2:6]))
			s = s[6:]
			continue
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		default:
			out = append(out, uint16(c))
		}
		s = s[2:]
	}
	return out
}

func hexUnit(h []byte) uint16 {
	var u uint16
	for _, c := range h {
		u <<= 4
		switch {
		case c <= '9':
			u |= uint16(c - '0')
		case c <= 'F':
			u |= uint16(c - 'A' + 10)
		default:
			u |= uint16(c - 'a' + 10)
		}
	}
	return u
}

// loneSurrogate reports whether a string token has a surrogate code unit
// without its pair.
func loneSurrogate(str []byte) bool {
	us := units(str)
	for i := 0; i < len(us); i++ {
		switch {
		case utf16.IsSurrogate(rune(us[i])) && us[i] < 0xDC00 && i+1 < len(us) && us[i+1] >= 0xDC00 && us[i+1] < 0xE000:
			i++
		case utf16.IsSurrogate(rune(us[i])):
			return true
		}
	}
	return false
}

// checkType checks a known user property's value ("Users").
func checkType(p rule, v []byte) error {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		panic(err)
	}
	bad := fail(metapatch.ErrInvalidValue)
	switch s := x.(type) {
	case nil:
		if p.Type != 0 && !p.Nullable {
			return bad
		}
	case bool:
		if p.Type == 's' {
			return bad
		}
	case string:
		if p.Type == 'b' {
			return bad
		}
		n := utf8.RuneCountInString(s)
		if p.Type == 's' && (p.Min > 0 && n < p.Min || p.Max > 0 && n > p.Max || p.Phone && !isPhone(s)) {
			return bad
		}
	default:
		if p.Type != 0 {
			return bad
		}
	}
	return nil
}

// checkMetadata applies the name and value rules to what a metadata object
// writes; a root null is exempt.
func checkMetadata(mk meta, ms []member) error {
	for _, m := range ms {
		if isNull(m.value) {
			continue
		}
		key := decode(m.name)
		switch mk {
		case userMeta, appMeta:
			if mk == appMeta && reservedAppName(key) {
				return fail(metapatch.ErrReservedKey)
			}
			if bytes.ContainsAny(key, ".$") || nestedDottedName(m.value) {
				return fail(metapatch.ErrInvalidKey)
			}
		case clientMeta, orgMeta:
			if utf8.RuneCount(key) > maxMetaString {
				return fail(metapatch.ErrInvalidKey)
			}
			if mk == clientMeta && strings.IndexFunc(string(key), func(r rune) bool { return !clientNameChar(r) }) >= 0 {
				return fail(metapatch.ErrInvalidKey)
			}
			var s string
			if json.Unmarshal(m.value, &s) != nil {
				return fail(metapatch.ErrNotString)
			}
			if utf8.RuneCountInString(s) > maxMetaString {
				return fail(metapatch.ErrValueTooLong)
			}
		}
	}
	return nil
}

// nestedDottedName reports whether any name inside v has '.' or '$'.
func nestedDottedName(v []byte) bool {
	switch v[0] {
	case '{':
		for _, m := range objectMembers(v) {
			if bytes.ContainsAny(decode(m.name), ".$") || nestedDottedName(m.value) {
				return true
			}
		}
	case '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(v, &elems); err != nil {
			panic(err)
		}
		for _, e := range elems {
			if nestedDottedName(e) {
				return true
			}
		}
	}
	return false
}
