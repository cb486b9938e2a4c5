// This file implements what SPEC sections 3 to 6 share, in the error order
// of section 8: a PATCH or create body applied to a whole stored document
// (user, client or organization) by one walk of merge.go's.

package metapatch

import (
	"fmt"
	"hash/maphash"
)

// An entity describes one kind of document: which scopes write it and how
// each root property of a body is treated.
type entity struct {
	create string            // the scope that allows a create
	id     string            // the read-only id a create may set
	prop   func([]byte) prop // the rule of a root property, by decoded name
}

// A prop is the rule for one root property of a body.
type prop struct {
	kind   propKind
	scopes string     // the scopes that allow writing it, comma-separated
	check  valueCheck // propPlain, propWriteOnly: the type the value must have
	meta   metaRule   // propMetadata, propOrgMetadata: the rules of its names and values
}

type propKind uint8

const (
	propPlain       propKind = iota // replaced whole; null removes it
	propReadOnly                    // never written: 400
	propWriteOnly                   // checked, never stored
	propMetadata                    // merged per section 1
	propOrgMetadata                 // replaced whole (section 6)
)

// patchDocument applies body to the stored document (nil for a create).
func patchDocument(e *entity, stored, body []byte, create bool, opts []Option) ([]byte, error) {
	c := newConfig(opts)
	var t nameTable
	t.seed = maphash.MakeSeed()
	root, spaced, err := parseBody(body, &c, &t)
	if err != nil {
		return nil, err
	}
	var arr [16]member
	ps := patchObject{obj: uint32(root), members: collect(body, root, arr[:0])}
	if err := e.scopes(&c, body, ps.members, create); err != nil {
		return nil, err
	}
	var pool [32]member
	subs := pool[:0] // the members of metadata objects
	for k := range ps.members {
		m := &ps.members[k]
		if create && isNull(m.value) {
			m.act = actIgnore // on create, a root null means absent
			continue
		}
		key := m.key()
		p := e.prop(key)
		switch p.kind {
		case propReadOnly:
			if !create || string(key) != e.id {
				return nil, bodyError(ErrReadOnly, body, m.off, "Property %s is read-only", key)
			}
		case propWriteOnly:
			m.act = actIgnore
			fallthrough
		case propPlain:
			if err := p.check.check(body, m); err != nil {
				return nil, err
			}
		case propMetadata, propOrgMetadata:
			m.act, m.keepEmpty = actMerge, p.meta.keepEmpty()
			if p.kind == propOrgMetadata {
				m.act = actReplaceObject
				if isNull(m.value) {
					continue
				}
			}
			if m.value[0] != '{' {
				return nil, bodyError(ErrNotObject, body, m.voff, "Expected type object but found type %s", typeName(m.value))
			}
			m.lo = len(subs)
			subs = collect(body, m.voff, subs)
			m.hi = len(subs)
			if err := p.meta.check(body, subs[m.lo:m.hi]); err != nil {
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
		m := &ps.members[k]
		if m.act != actMerge && m.act != actReplaceObject {
			continue
		}
		if err := e.prop(m.key()).meta.limit(m); err != nil {
			return nil, err
		}
	}
	if len(out) > c.maxBytes {
		return nil, tooLarge(c.maxBytes, "Resulting document length")
	}
	return out, nil
}

// scopes checks that the caller's scopes allow the body's writes: a create
// needs the create scope whatever the body; a PATCH needs, for each member,
// one of the scopes that allow writing that property.
func (e *entity) scopes(c *config, body []byte, members []member, create bool) error {
	if !c.scoped {
		return nil
	}
	if create {
		if !c.has(e.create) {
			return newError(ErrScope, nil, "Insufficient scope, expected any of: "+e.create)
		}
		return nil
	}
	for k := range members {
		m := &members[k]
		if p := e.prop(m.key()); !c.has(p.scopes) {
			return newError(ErrScope, pathAt(body, m.off), "Insufficient scope, expected any of: "+p.scopes)
		}
	}
	return nil
}

// A valueCheck is the type a known property's value must have (SPEC 4).
type valueCheck struct {
	typ      byte // 0: any value; 'b': boolean; 's': string
	nullable bool
	min, max int  // string length in code points; 0: no limit
	phone    bool // ^\+[0-9]{1,15}$
}

func (v valueCheck) check(body []byte, m *member) error {
	val := m.value
	fail := func(format string, args ...any) error {
		return bodyError(ErrInvalidValue, body, m.voff, format, args...)
	}
	switch {
	case v.typ == 0, v.nullable && isNull(val):
		return nil
	case v.typ == 'b' && val[0] != 't' && val[0] != 'f':
		return fail("Expected type boolean but found type %s", typeName(val))
	case v.typ == 's' && val[0] != '"':
		return fail("Expected type string but found type %s", typeName(val))
	case v.typ != 's':
		return nil
	}
	raw := val[1 : len(val)-1]
	esc := false
	for _, c := range raw {
		esc = esc || c == '\\'
	}
	n := runeCount(raw, esc)
	switch {
	case v.min > 0 && n < v.min:
		return fail("String is too short (%d chars), minimum %d", n, v.min)
	case v.max > 0 && n > v.max:
		return fail("String is too long (%d chars), maximum %d", n, v.max)
	case v.phone && !isPhone(decodeString(raw)):
		return fail(`String does not match pattern ^\+[0-9]{1,15}$`)
	}
	return nil
}

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

// A metaRule is the set of rules for one kind of metadata object.
type metaRule uint8

const (
	metaUser   metaRule = iota + 1 // user_metadata (SPEC 3)
	metaApp                        // app_metadata (SPEC 3)
	metaClient                     // client_metadata (SPEC 5)
	metaOrg                        // organization metadata (SPEC 6)
)

// keepEmpty reports whether an emptied object is stored as {} rather than
// removed.
func (r metaRule) keepEmpty() bool { return r == metaUser || r == metaClient }

// check applies the name and value rules to what a body's metadata object
// writes, in body order. A root null only deletes and is exempt.
func (r metaRule) check(body []byte, members []member) error {
	for k := range members {
		m := &members[k]
		if isNull(m.value) {
			continue
		}
		key := m.key()
		var err error
		switch r {
		case metaUser, metaApp:
			err = userNames(body, m, key, r == metaApp)
		case metaClient, metaOrg:
			err = stringMember(body, m, key, r == metaClient)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// limit applies the key limits, counted on the merged result.
func (r metaRule) limit(m *member) error {
	max, name := 0, ""
	switch {
	case r == metaClient && m.keys > m.stored: // a legacy client may keep more
		max, name = 10, "client_metadata"
	case r == metaOrg:
		max, name = 25, "metadata"
	}
	if max == 0 || m.keys <= max {
		return nil
	}
	return newError(ErrTooManyKeys, []string{name}, fmt.Sprintf("Too many properties defined (%d), maximum %d", m.keys, max))
}
