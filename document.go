// This file implements what SPEC sections 3 to 6 share, in the error order
// of section 8: a PATCH or create body applied to a whole stored document
// (user, client or organization) by one walk of merge.go's.

package metapatch

import (
	"fmt"
	"hash/maphash"

	"github.com/metapatch/metapatch/internal/rules"
)

// patchDocument applies body to the stored document (nil for a create).
func patchDocument(e *rules.Entity, stored, body []byte, create bool, opts []Option) ([]byte, error) {
	c := newConfig(opts)
	var t nameTable
	t.seed = maphash.MakeSeed()
	root, n, spaced, err := parseBody(body, &c, &t)
	if err != nil {
		return nil, err
	}
	var arr [16]member
	ps := patchObject{obj: uint32(root), members: collect(body, root, memberSlice(arr[:0], n))}
	if err := checkScopes(e, &c, body, ps.members, create); err != nil {
		return nil, err
	}
	var pool [32]member
	subs := pool[:0] // the members of metadata objects
	for k := range ps.members {
		m := &ps.members[k]
		if create && isNull(m.valueIn(body)) {
			m.act = actIgnore // on create, a root null means absent
			continue
		}
		key := m.key(body)
		p := e.Prop(key)
		switch p.Kind {
		case rules.ReadOnly:
			if !create || string(key) != e.ID {
				return nil, bodyError(ErrReadOnly, body, int(m.off), "Property %s is read-only", brief(string(key)))
			}
		case rules.WriteOnly:
			m.act = actIgnore
			fallthrough
		case rules.Plain:
			if err := checkValue(p, body, m); err != nil {
				return nil, err
			}
		case rules.Metadata, rules.OrgMetadata:
			m.act, m.meta = actMerge, p.Meta
			if p.Kind == rules.OrgMetadata {
				m.act = actReplaceObject
				if isNull(m.valueIn(body)) {
					continue
				}
			}
			if m.valueIn(body)[0] != '{' {
				return nil, bodyError(ErrNotObject, body, int(m.voff), "Expected type object but found type %s", typeName(m.valueIn(body)))
			}
			lo := len(subs)
			subs = collect(body, int(m.voff), subs)
			m.lo, m.hi = int32(lo), int32(len(subs))
			if err := checkMetadata(p.Meta, body, subs[m.lo:m.hi]); err != nil {
				return nil, err
			}
		}
	}
	mg, at, err := openStored(stored, &t, spaced, subs)
	if err != nil {
		return nil, err
	}
	out, err := mg.root(make([]byte, 0, len(stored)+len(body)+2), at, &ps)
	if err != nil {
		return nil, err
	}
	for k := range ps.members {
		m := &ps.members[k] // MaxKeys is 0 for what is not metadata
		if limit := rules.MaxKeys(m.meta, int(m.stored)); limit > 0 && int(m.keys) > limit {
			return nil, newError(ErrTooManyKeys, pathAt(out, int(m.resultOff)),
				fmt.Sprintf("Too many properties defined (%d), maximum %d", m.keys, rules.MaxKeys(m.meta, 0)))
		}
	}
	if len(out) > c.maxBytes {
		return nil, tooLarge(c.maxBytes, "Resulting document length")
	}
	return out, nil
}

// checkScopes checks that the caller's scopes allow the body's writes: a
// create needs the create scope whatever the body; a PATCH needs, for each
// member, one of the scopes that allow writing that property.
func checkScopes(e *rules.Entity, c *config, body []byte, members []member, create bool) error {
	if !c.scoped {
		return nil
	}
	if create {
		if !c.has(e.Create) {
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

// checkValue checks a known user property's value against its type,
// length and pattern (SPEC 4).
func checkValue(p rules.Prop, body []byte, m *member) error {
	val := m.valueIn(body)
	fail := func(format string, args ...any) error {
		return bodyError(ErrInvalidValue, body, int(m.voff), format, args...)
	}
	switch {
	case p.Type == 0, p.Nullable && isNull(val):
		return nil
	case p.Type == 'b' && val[0] != 't' && val[0] != 'f':
		return fail("Expected type boolean but found type %s", typeName(val))
	case p.Type == 's' && val[0] != '"':
		return fail("Expected type string but found type %s", typeName(val))
	case p.Type != 's':
		return nil
	}
	n := stringLength(val)
	switch {
	case p.Min > 0 && n < p.Min:
		return fail("String is too short (%d chars), minimum %d", n, p.Min)
	case p.Max > 0 && n > p.Max:
		return fail("String is too long (%d chars), maximum %d", n, p.Max)
	case p.Phone && !rules.IsPhone(decodeString(val[1:len(val)-1])):
		return fail(`String does not match pattern ^\+[0-9]{1,15}$`)
	}
	return nil
}

// checkMetadata applies the name and value rules to what a body's metadata
// object writes, in body order. A root null only deletes and is exempt.
func checkMetadata(meta rules.Meta, body []byte, members []member) error {
	for k := range members {
		m := &members[k]
		if isNull(m.valueIn(body)) {
			continue
		}
		key := m.key(body)
		var err error
		switch meta {
		case rules.UserMeta, rules.AppMeta:
			err = userNames(body, m, key, meta == rules.AppMeta)
		case rules.ClientMeta, rules.OrgMeta:
			err = stringMember(body, m, key, meta == rules.ClientMeta)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
