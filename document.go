// This file implements what every entity shares, in the order of the
// package doc's "Errors": a PATCH or create body checked against an
// entity's table of rules (internal/rules) and applied to a whole stored
// document by one walk of merge.go's. No entity has code of its own here.

package metapatch

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/metapatch/metapatch/internal/rules"
)

// patchDocument applies body to the stored document (nil for a create).
func patchDocument(e *rules.Entity, stored, body []byte, create bool, opts []Option) ([]byte, error) {
	c := newConfig(opts)
	t := nameTable{hasher: newHasher()}
	var arr [16]member
	var pool [32]member
	rec := record{depth: 2, root: arr[:], subs: pool[:]}
	root, n, spaced, err := parseBody(body, &c, &t, &rec)
	if err != nil {
		return nil, err
	}
	members, subs := rec.members(body, root, n)
	ps := patchObject{obj: uint32(root), members: members}
	if err := checkEntity(e, &c, body, root, ps.members, subs, create); err != nil {
		return nil, err
	}
	if create && (len(e.Lead) > 0 || len(e.Defaults) > 0) {
		ps.members = arrange(e, body, ps.members)
	} else {
		ps.root = true // members in body order
	}
	mg, at, err := openStored(stored, &t, spaced, subs)
	if err != nil {
		return nil, err
	}
	mg.defaults = e.Defaults
	out, room := newBuffer(len(stored)+len(body)+2+defaultsLen(e, create), namesToHold(stored))
	out, err = mg.root(out, room, at, &ps)
	if err != nil {
		return nil, err
	}
	if err := checkKeyLimits(out, ps.members); err != nil {
		return nil, err
	}
	if len(out) > c.maxBytes {
		return nil, tooLarge(c.maxBytes, "Resulting document length")
	}
	return out, nil
}

// checkEntity checks the members of a body's root object (body[...] are
// offsets into body) against the entity's rules, in the order of the
// package doc's "Errors": scopes, then per-property rules in body order,
// then what the body as a whole must have. It marks each member's action.
// subs holds the members of the members' object values (record).
//
// root is the offset of the body's object in body: a rule of the whole
// body points there.
func checkEntity(e *rules.Entity, c *config, body []byte, root int, members, subs []member, create bool) error {
	// whole is the 400 of a rule of the whole body.
	whole := func(detail string) error { return newError(ErrInvalidValue, pathAt(body, root), detail) }
	if err := checkScopes(e, c, body, members, create); err != nil {
		return err
	}
	if !create && len(members) < e.MinProps {
		return whole(fmt.Sprintf("Too few properties defined (%d), minimum %d", len(members), e.MinProps))
	}
	for k := range members {
		m := &members[k]
		key := m.key(body)
		if (create || e.NullAbsent) && isNull(m.valueIn(body)) {
			// A root null means absent, but for metadata that refuses it.
			if p := e.Prop(key); p.Kind != rules.Metadata || p.Meta.Rules().Null != rules.NullInvalid {
				m.act = actIgnore
				continue
			}
		}
		if e.Closed && !e.Listed(key) {
			return unlisted(e, body, members[k:])
		}
		p := e.Prop(key)
		switch p.Kind {
		case rules.ReadOnly:
			if !create || !e.SetID || string(key) != e.ID {
				return bodyError(ErrReadOnly, body, int(m.off), "Property %s is read-only", brief(string(key)))
			}
		case rules.WriteOnly:
			m.act = actIgnore
			if err := checkValue(p, body, m); err != nil {
				return err
			}
		case rules.Plain:
			if err := checkValue(p, body, m); err != nil {
				return err
			}
		case rules.Metadata:
			if err := checkMetadata(p.Meta, body, m, subs); err != nil {
				return err
			}
		}
	}
	for _, name := range e.Required {
		if find(body, members, name) == nil {
			return whole("Missing required property: " + name)
		}
	}
	if len(e.OneOf) > 0 && !slicesAny(e.OneOf, func(name string) bool { return find(body, members, name) != nil }) {
		return whole("Missing required property: " + orList(e.OneOf))
	}
	return nil
}

// find returns the member named name that a create stores (not a null
// that means absent), or nil.
func find(body []byte, members []member, name string) *member {
	for k := range members {
		m := &members[k]
		if m.act != actIgnore || !isNull(m.valueIn(body)) {
			if string(m.key(body)) == name {
				return m
			}
		}
	}
	return nil
}

func slicesAny(list []string, f func(string) bool) bool {
	for _, s := range list {
		if f(s) {
			return true
		}
	}
	return false
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// unlisted is the 400 for a closed schema's unknown properties: Auth0's
// message names every unknown root property, the pointer the first.
func unlisted(e *rules.Entity, body []byte, rest []member) error {
	var names []string
	for k := range rest {
		if key := rest[k].key(body); !e.Listed(key) {
			names = append(names, string(key))
		}
	}
	return rawError(ErrInvalidKey, pathAt(body, int(rest[0].off)),
		validation("Additional properties not allowed: "+strings.Join(names, ",")))
}

// checkScopes checks that the caller's scopes allow the body's writes: a
// create, or any call of an entity that scopes whole calls, needs the
// create scope whatever the body; a PATCH needs, for each member, one of
// the scopes that allow writing that property. A public entity (no create
// scope, no update scope) takes no scopes.
func checkScopes(e *rules.Entity, c *config, body []byte, members []member, create bool) error {
	if !c.scoped {
		return nil
	}
	if create || e.WholeCall || e.Update == "" {
		if e.Create != "" && !c.has(e.Create) {
			return newError(ErrScope, nil, "Insufficient scope, expected any of: "+e.Create)
		}
		return nil
	}
	for k := range members {
		m := &members[k]
		if p := e.Prop(m.key(body)); !c.has(p.Scopes) {
			return newError(ErrScope, pathAt(body, int(m.off)), "Insufficient scope, expected any of: "+p.Scopes)
		}
	}
	return nil
}

// checkValue checks a property's value against its schema: type,
// nullability, length, pattern, enumeration, array size, required members.
func checkValue(p *rules.Prop, body []byte, m *member) error {
	val := m.valueIn(body)
	fail := func(format string, args ...any) error {
		return bodyError(ErrInvalidValue, body, int(m.voff), format, args...)
	}
	if p.Type == rules.Any || p.Nullable && isNull(val) {
		return nil
	}
	if got := typeName(val); got != p.Type.String() {
		return fail("Expected type %s but found type %s", p.Type, got)
	}
	switch p.Type {
	case rules.String:
		n := stringLength(val)
		switch {
		case p.Min > 0 && n < p.Min:
			return fail("String is too short (%d chars), minimum %d", n, p.Min)
		case p.Max > 0 && n > p.Max:
			return fail("String is too long (%d chars), maximum %d", n, p.Max)
		case p.Pattern != nil && !p.Pattern(decodeString(val[1:len(val)-1])):
			if strings.HasPrefix(p.PatternText, "String ") {
				return fail("%s", p.PatternText)
			}
			return fail("String does not match pattern %s", p.PatternText)
		case p.Enum != nil && !slicesAny(p.Enum, func(s string) bool { return s == decodeString(val[1:len(val)-1]) }):
			return fail("No enum match for: %s", val)
		}
	case rules.Array:
		n := len(collectElements(val))
		switch {
		case p.MinItems > 0 && n < p.MinItems:
			return fail("Array is too short (%d), minimum %d", n, p.MinItems)
		case p.MaxItems > 0 && n > p.MaxItems:
			return fail("Array is too long (%d), maximum %d", n, p.MaxItems)
		}
	case rules.Object:
		for _, name := range p.Required {
			if find(body, collect(body, int(m.voff), nil), name) == nil {
				return fail("Missing required property: %s", name)
			}
		}
	}
	return nil
}

// collectElements returns the offsets of the elements of the valid array v.
func collectElements(v []byte) []int {
	var out []int
	i := skipWS(v, 1)
	for i < len(v) && v[i] != ']' {
		out = append(out, i)
		i = skipWS(v, skipValue(v, i))
		if v[i] == ',' {
			i = skipWS(v, i+1)
		}
	}
	return out
}

// checkMetadata checks a metadata property m of kind id: its value must be
// an object (or a null its kind accepts), and what it writes must follow
// the kind's name and value rules, in body order; a root null only deletes
// and is exempt. It sets m's action; subs[m.lo:m.hi] are the object's
// members.
func checkMetadata(id rules.MetaID, body []byte, m *member, subs []member) error {
	k := id.Rules()
	m.meta = id
	m.act = actMerge
	if k.Replace {
		m.act = actReplaceObject
	}
	val := m.valueIn(body)
	switch {
	case isNull(val) && k.Null == rules.NullRemoves:
		return nil
	case isNull(val) && k.Null == rules.NullInvalid:
		return bodyError(ErrInvalidValue, body, int(m.voff), "Expected type object but found type null")
	case val[0] != '{' && k.NotObjectMessage != "":
		return rawError(ErrNotObject, pathAt(body, int(m.voff)), k.NotObjectMessage)
	case val[0] != '{':
		return bodyError(ErrNotObject, body, int(m.voff), "Expected type object but found type %s", typeName(val))
	}
	for i := m.lo; i < m.hi; i++ {
		if err := checkMetaMember(k, body, &subs[i]); err != nil {
			return err
		}
	}
	return nil
}

// checkMetaMember applies a metadata kind's name and value rules to one
// root member of a body's metadata object.
func checkMetaMember(k *rules.Meta, body []byte, m *member) error {
	v := m.valueIn(body)
	if isNull(v) {
		return nil
	}
	key := m.key(body)
	// limit is a length rule's error at off, in Auth0's words where the
	// kind has them.
	limit := func(kind error, off int32, format string, args ...any) error {
		if k.LimitMessage != "" {
			return rawError(kind, pathAt(body, int(off)), k.LimitMessage)
		}
		return bodyError(kind, body, int(off), format, args...)
	}
	if k.IsReserved(key) {
		return bodyError(ErrReservedKey, body, int(m.off), "Reserved property name: %s", brief(string(key)))
	}
	if k.MaxName > 0 {
		if n := runeCount(m.raw(body), m.esc); n > k.MaxName {
			kind := ErrInvalidKey
			if k.NameTooLong == rules.FaultValueTooLong {
				kind = ErrValueTooLong
			}
			return limit(kind, m.off, "Property name is too long (%d chars), maximum %d", n, k.MaxName)
		}
	}
	if k.NameChar != nil {
		bad := func(c string) error {
			rule := k.NameCharRule
			if strings.Contains(rule, "%q") {
				rule = fmt.Sprintf(rule, c)
			}
			return bodyError(ErrInvalidKey, body, int(m.off), "Invalid property name: %s %s", brief(string(key)), rule)
		}
		if k.NonEmpty && len(key) == 0 {
			return bad("")
		}
		for _, c := range string(key) {
			if !k.NameChar(c) {
				return bad(string(c))
			}
		}
	}
	if k.NoDotDollar && dottedName(m.raw(body), m.esc) {
		return bodyError(ErrInvalidKey, body, int(m.off), "Invalid property name: %s (names must not contain . or $)", brief(string(key)))
	}
	if k.Strings {
		if v[0] != '"' {
			if k.NotStringMessage != "" {
				return rawError(ErrNotString, pathAt(body, int(m.voff)), fmt.Sprintf(k.NotStringMessage, brief(string(key))))
			}
			return bodyError(ErrNotString, body, int(m.voff), "Expected type string but found type %s", typeName(v))
		}
		if n := stringLength(v); n > k.MaxValue {
			return limit(ErrValueTooLong, m.voff, "String is too long (%d chars), maximum %d", n, k.MaxValue)
		}
	}
	if k.NoDotDollar {
		return nestedDottedNames(body, m)
	}
	return nil
}

// nestedDottedNames checks that no name inside the value of a metadata
// root member contains '.' or '$', at any depth.
func nestedDottedNames(body []byte, m *member) error {
	v := m.valueIn(body)
	if bytes.IndexByte(v, '.') < 0 && bytes.IndexByte(v, '$') < 0 && bytes.IndexByte(v, '\\') < 0 {
		return nil // no name can spell either, even escaped
	}
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

// checkKeyLimits applies the key limits of the metadata kinds to the
// result: a merged kind counts the merged object (a legacy one keeps its
// stored count as its limit), a replaced one the body's members less its
// nulls. The pointer names the metadata object in the result.
func checkKeyLimits(out []byte, members []member) error {
	for k := range members {
		m := &members[k]
		if m.meta == rules.NoMeta || m.act == actIgnore {
			continue
		}
		r := m.meta.Rules()
		limit := r.MaxKeys
		if r.Legacy {
			limit = max(limit, int(m.stored))
		}
		if limit > 0 && int(m.keys) > limit {
			if r.LimitMessage != "" {
				return rawError(ErrTooManyKeys, pathAt(out, int(m.resultOff)), r.LimitMessage)
			}
			return newError(ErrTooManyKeys, pathAt(out, int(m.resultOff)),
				fmt.Sprintf("Too many properties defined (%d), maximum %d", m.keys, r.MaxKeys))
		}
	}
	return nil
}

// arrange orders a create's root members as its entity says: the Lead
// properties first, in their order, then the rest in body order, with each
// Default the body lacks written right after its After property (or in its
// Lead place).
func arrange(e *rules.Entity, body []byte, members []member) []member {
	var out []member
	for k := range members {
		m := members[k]
		out = append(out, m)
		if m.act == actIgnore {
			continue
		}
		for i, d := range e.Defaults {
			if string(m.key(body)) == d.After && find(body, members, d.Name) == nil {
				out = append(out, member{act: actLiteral, lo: int32(i)})
			}
		}
	}
	if len(e.Lead) == 0 {
		return out
	}
	name := func(m *member) string {
		if m.act == actLiteral {
			return e.Defaults[m.lo].Name
		}
		return string(m.key(body))
	}
	sorted := make([]member, 0, len(out))
	for _, lead := range e.Lead {
		for k := range out {
			if name(&out[k]) == lead {
				sorted = append(sorted, out[k])
			}
		}
	}
	for k := range out {
		if !slicesAny(e.Lead, func(s string) bool { return s == name(&out[k]) }) {
			sorted = append(sorted, out[k])
		}
	}
	return sorted
}

// defaultsLen is the room a create's defaults may take in the result.
func defaultsLen(e *rules.Entity, create bool) int {
	n := 0
	if create {
		for _, d := range e.Defaults {
			n += len(d.Name) + len(d.Value) + 4
		}
	}
	return n
}
