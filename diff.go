// This file computes the PATCH body that turns one stored document into
// another under the package doc's rules ("Diff"): Diff, DiffUser, DiffClient and
// DiffOrganization. Each builds the smallest body from a comparison of
// decoded values, then applies it with the Patch function it serves, so the
// entity rules are checked by the same code that will run on the server.

package metapatch

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/metapatch/metapatch/internal/rules"
)

// ErrUnreachable is wrapped in a 400 *Error by the Diff functions when no
// PATCH body can turn before into after: after holds a root null (a root
// null can only delete), changes a read-only property, holds a write-only
// one, or lacks one that before stores.
var ErrUnreachable = errors.New("unreachable document")

// Diff returns the metadata PATCH value that turns the metadata object
// before into after under Merge's rules, or nil when they are equal as JSON
// values (member order, white space, number spelling such as 1.50 and 1.5,
// and string escapes such as "\u00e9" and "é" aside). {} is never returned
// to mean "no change": it clears.
//
// The value names only the root members that were added or changed (with
// after's bytes, compacted) or removed (null); when after is empty and
// before is not, it is {}. before is checked as a stored document
// (ErrStoredDocument); after must be a valid object without a root null
// (ErrUnreachable); the value must pass Merge's body rules (for example
// ErrTooDeep), the error then pointing into after.
func Diff(before, after []byte) ([]byte, error) {
	d, err := newDiffer(before, after)
	if err != nil {
		return nil, err
	}
	var b []byte
	if d.afterAt >= 0 && emptyObject(after, d.afterAt) && d.beforeAt >= 0 && !emptyObject(before, d.beforeAt) {
		b = []byte("{}")
	} else if b, err = d.members(d.beforeAt, d.afterAt); err != nil || b == nil {
		return nil, err
	}
	if err := checkMergeBody(before, b); err != nil {
		return nil, err
	}
	return b, nil
}

// checkMergeBody returns the error Merge(before, b) would return, before
// having passed checkDocument: b's body rules, and the result's size. A
// result is never longer than both inputs and two bytes, so below the
// limit only the body needs checking, and before is not walked again.
func checkMergeBody(before, b []byte) error {
	c := newConfig(nil)
	if len(before)+len(b)+2 > c.maxBytes {
		_, err := Merge(before, b)
		return err
	}
	t := nameTable{hasher: newHasher()}
	_, _, _, err := parseBody(b, &c, &t, nil)
	return err
}

// DiffUser returns the PATCH /api/v2/users/{id} body that turns the stored
// user before into after, or nil when nothing changes. Metadata is diffed
// as Diff does; an app_metadata that is empty in after is the same as an
// absent one, and a user_metadata absent from after but present in before
// is reached as {} (a PATCH cannot remove it). Every other root property
// that was added or changed is sent whole; a removed one is sent as null.
// ErrUnreachable: a root null in after or in its metadata, a read-only
// property changed, added or removed, a write-only property (such as
// password) in after, or one stored in before and missing from after.
// A body PatchUser would refuse returns PatchUser's error.
func DiffUser(before, after []byte) ([]byte, error) {
	return diffDocument(rules.User, before, after, PatchUser)
}

// DiffClient is DiffUser for clients. Emptied client_metadata is sent as a
// null per key, the only documented way for clients; when the stored
// client_metadata is absent, null or not an object, as {}.
func DiffClient(before, after []byte) ([]byte, error) {
	return diffDocument(rules.Client, before, after, PatchClient)
}

// DiffOrganization is DiffUser for organizations, whose metadata is
// replaced whole: a change sends the complete new object, a removal {}.
func DiffOrganization(before, after []byte) ([]byte, error) {
	return diffDocument(rules.Organization, before, after, PatchOrganization)
}

// DiffConnection is DiffUser for connections (package doc, "Connections").
// Their metadata is replaced whole by our reading, merged by another: a
// change sends the whole new object plus a null for each removed key,
// which reaches after under both; a removal sends {}. ErrUnreachable also
// when after changes what a PATCH cannot write (id, name, strategy) or
// removes a property a PATCH cannot null.
func DiffConnection(before, after []byte) ([]byte, error) {
	return diffDocument(rules.ConnectionPatch, before, after, PatchConnection)
}

// DiffCustomDomain is DiffUser for custom domains (package doc, "Custom
// domains"): domain_metadata is merged, so a removed key is sent as null
// (the only way to remove one), and so is every key of an emptied one.
// ErrUnreachable when after changes custom_domain_id, domain, type or
// anything else a PATCH cannot write.
func DiffCustomDomain(before, after []byte) ([]byte, error) {
	return diffDocument(rules.DomainPatch, before, after, PatchCustomDomain)
}

// DiffSession is DiffConnection for sessions (package doc, "Sessions and
// refresh tokens"): only session_metadata can change, sent whole with a
// null per removed key, or {} when it goes.
func DiffSession(before, after []byte) ([]byte, error) {
	return diffDocument(rules.Session, before, after, PatchSession)
}

// DiffRefreshToken is DiffSession for refresh tokens and their
// refresh_token_metadata.
func DiffRefreshToken(before, after []byte) ([]byte, error) {
	return diffDocument(rules.RefreshToken, before, after, PatchRefreshToken)
}

// A differ compares the two inputs of a Diff function.
type differ struct {
	before, after     []byte
	beforeAt, afterAt int    // offsets of the root objects; -1: absent
	broot, aroot      object // the root objects, indexed
}

func newDiffer(before, after []byte) (*differ, error) {
	d := &differ{before: before, after: after}
	var err error
	if d.beforeAt, d.broot, err = checkDocument(before, true); err != nil {
		return nil, err
	}
	if d.afterAt, d.aroot, err = checkDocument(after, false); err != nil {
		return nil, err
	}
	return d, nil
}

// object returns the indexed object at src[at] (src is before or after),
// the root objects from the differ's cache.
func (d *differ) object(src []byte, at int) object {
	switch {
	case at >= 0 && at == d.beforeAt && &src[0] == &d.before[0]:
		return d.broot
	case at >= 0 && at == d.afterAt && &src[0] == &d.after[0]:
		return d.aroot
	}
	return objectAt(src, at)
}

// checkDocument checks a Diff input: valid JSON (lone surrogate escapes
// allowed, as in a stored document) with an object root and no duplicate
// root names. before may be absent, and its problems are 500s, as a stored
// document's; after's are 400s. It returns the offset of the root object
// (-1: absent) and the object, indexed.
func checkDocument(src []byte, stored bool) (int, object, error) {
	s := scanner{src: src, target: !stored}
	i, none := absent(src)
	if stored && none {
		return -1, object{dup: -1}, nil
	}
	if i >= len(src) || src[i] != '{' {
		if _, _, err := s.document(); err != nil {
			return 0, object{}, err
		}
		return 0, object{}, s.fail(ErrNotObject, i, "Expected type object but found type %s", typeName(src[i:]))
	}
	members, end, err := s.rootObject(i)
	if err != nil {
		return 0, object{}, err
	}
	if k := skipWS(src, end); k != len(src) {
		return 0, object{}, s.syntax(k, "unexpected data after the value")
	}
	o := object{src: src, members: members, dup: -1}
	o.index()
	if m := o.duplicate(); m != nil {
		return 0, object{}, s.fail(ErrDuplicateKey, int(m.off), "Duplicate property name: %s", brief(string(m.key(src))))
	}
	return i, o, nil
}

// rootObject validates the object at src[i] as value does, with the same
// errors, and returns its members and the offset past it.
func (s *scanner) rootObject(i int) ([]member, int, error) {
	src := s.src
	j := skipWS(src, i+1)
	if j < len(src) && src[j] == '}' {
		return nil, j + 1, nil
	}
	members := make([]member, 0, 16)
	for {
		if j >= len(src) || src[j] != '"' {
			return nil, j, s.syntax(j, "expected a member name")
		}
		ne, esc, err := s.str(j)
		if err != nil {
			return nil, ne, err
		}
		k := skipWS(src, ne)
		if k >= len(src) || src[k] != ':' {
			return nil, k, s.syntax(k, `expected ":" after member name`)
		}
		v := skipWS(src, k+1)
		ve, err := s.value(v)
		if err != nil {
			return nil, ve, err
		}
		members = append(members, member{off: int32(j), nameEnd: int32(ne), voff: int32(v), valueEnd: int32(ve), esc: esc})
		j = skipWS(src, ve)
		switch {
		case j >= len(src):
			return nil, j, s.syntax(j, "unexpected end of input")
		case src[j] == ',':
			j = skipWS(src, j+1)
		case src[j] == '}':
			return members, j + 1, nil
		default:
			return nil, j, s.syntax(j, `expected "," or "}" after object member`)
		}
	}
}

// emptyObject reports whether the valid object at src[at] has no member.
func emptyObject(src []byte, at int) bool {
	return src[skipWS(src, at+1)] == '}'
}

// An object is the members of an object of one input, indexed by decoded
// name: small objects are searched in place, larger ones through a sorted
// index of their names' hashes (indexKeys), so that indexing allocates per
// object, not per member.
type object struct {
	src     []byte
	members []member
	h       hasher   // more than smallObject members: how keys are hashed
	keys    []uint64 // and the index
	dup     int      // index of the first member that repeats an earlier name, or -1
}

// smallObject is the most members an object has to be searched in place.
const smallObject = 8

// objectAt returns the object at src[at]; none when at < 0.
func objectAt(src []byte, at int) object {
	o := object{src: src, dup: -1}
	if at >= 0 {
		o.members = collect(src, at, nil)
	}
	o.index()
	return o
}

// index finds the first duplicate name and, for a large object, builds its
// index.
func (o *object) index() {
	if len(o.members) <= smallObject {
		for k := 1; k < len(o.members) && o.dup < 0; k++ {
			if o.find(o.members[:k], &o.members[k], o.src) != nil {
				o.dup = k
			}
		}
		return
	}
	o.h = newHasher()
	n := len(o.members)
	buf := make([]uint64, 2*n) // the index, and scratch space for sorting it
	o.keys = buf[:n:n]
	indexKeys(&o.h, o.src, o.members, o.keys, buf[n:])
	o.dup = repeatIndexed(o.keys, o.src, o.members)
}

// duplicate returns the first member that repeats an earlier name, or nil.
func (o object) duplicate() *member {
	if o.dup < 0 {
		return nil
	}
	return &o.members[o.dup]
}

// find returns the member of ms (members of o) named as m of other, or nil.
func (o object) find(ms []member, m *member, other []byte) *member {
	raw := m.raw(other)
	for k := range ms {
		c := &ms[k]
		cr := c.raw(o.src)
		if !c.esc && !m.esc && (len(cr) != len(raw) || string(cr) != string(raw)) {
			continue
		}
		if sameName(cr, c.esc, raw, m.esc) {
			return c
		}
	}
	return nil
}

// get returns the member named as m of the object other, or nil.
func (o object) get(m *member, other []byte) *member {
	if o.keys == nil {
		return o.find(o.members, m, other)
	}
	raw := m.raw(other)
	return findIndexed(o.keys, o.src, o.members, o.h.hash(raw, m.esc), raw, m.esc)
}

func (o object) value(m *member) []byte { return m.valueIn(o.src) }

// A body is a PATCH value under construction; nil until it has a member.
type body []byte

func (b *body) add(name, value []byte) {
	if *b == nil {
		*b = append(*b, '{')
	} else {
		*b = append(*b, ',')
	}
	*b = appendCompact(append(append(*b, name...), ':'), value)
}

func (b body) done() []byte {
	if b == nil {
		return nil
	}
	return append(b, '}')
}

// members diffs two metadata objects (before at bat, after at aat, -1:
// absent) root member by root member: added and changed members with
// after's value, removed ones as null; nil when nothing changes.
func (d *differ) members(bat, aat int) ([]byte, error) {
	bo, ao := d.object(d.before, bat), d.object(d.after, aat)
	// Names must be unambiguous where the diff goes member by member.
	if m := bo.duplicate(); m != nil {
		return nil, storedError(d.before, int(m.off), "duplicate property name %s", brief(string(m.key(d.before))))
	}
	if m := ao.duplicate(); m != nil {
		return nil, bodyError(ErrDuplicateKey, d.after, int(m.off), "Duplicate property name: %s", brief(string(m.key(d.after))))
	}
	var b body
	for k := range ao.members {
		a := &ao.members[k]
		av := ao.value(a)
		if isNull(av) {
			return nil, bodyError(ErrUnreachable, d.after, int(a.voff), "A root null can only delete: %s", brief(string(a.key(d.after))))
		}
		if o := bo.get(a, d.after); o == nil || !jsonEqual(bo.value(o), av, 0) {
			b.add(a.nameIn(d.after), av)
		}
	}
	for k := range bo.members {
		if ao.get(&bo.members[k], d.before) == nil {
			b.add(bo.members[k].nameIn(d.before), []byte("null"))
		}
	}
	return b.done(), nil
}

// diffDocument is DiffUser, DiffClient and DiffOrganization.
func diffDocument(e *rules.Entity, before, after []byte, patch func([]byte, []byte, ...Option) ([]byte, error)) ([]byte, error) {
	d, err := newDiffer(before, after)
	if err != nil {
		return nil, err
	}
	bo, ao := d.broot, d.aroot
	unreachable := func(src []byte, off int, format string, name []byte) error {
		return bodyError(ErrUnreachable, src, off, format, brief(string(name)))
	}
	var b body
	for k := range ao.members {
		a := &ao.members[k]
		key, av := a.key(after), ao.value(a)
		p := e.Prop(key)
		o := bo.get(a, after)
		switch {
		case isNull(av):
			return nil, unreachable(after, int(a.voff), "A root null can only delete: %s", key)
		case p.Kind == rules.WriteOnly:
			return nil, unreachable(after, int(a.off), "Write-only property %s cannot be stored", key)
		case p.Kind == rules.ReadOnly && (o == nil || !jsonEqual(bo.value(o), av, 0)):
			return nil, unreachable(after, int(a.voff), "Read-only property %s cannot be changed", key)
		case e.Closed && !e.Listed(key) && (o == nil || !jsonEqual(bo.value(o), av, 0)):
			return nil, unreachable(after, int(a.voff), "Property %s cannot be changed by a PATCH", key)
		case p.Kind == rules.Metadata:
			v, err := d.metadata(p, o, a)
			if err != nil {
				return nil, err
			}
			if v != nil {
				b.add(a.nameIn(after), v)
			}
		case o == nil || !jsonEqual(bo.value(o), av, 0):
			b.add(a.nameIn(after), av)
		}
	}
	for k := range bo.members {
		o := &bo.members[k]
		if ao.get(o, before) != nil {
			continue
		}
		key := o.key(before)
		p := e.Prop(key)
		switch {
		case p.Kind == rules.ReadOnly:
			return nil, unreachable(before, int(o.off), "Read-only property %s cannot be removed", key)
		case p.Kind == rules.WriteOnly:
			return nil, unreachable(before, int(o.off), "Write-only property %s cannot be removed", key)
		case e.Closed && (!e.Listed(key) || p.Kind == rules.Plain && !p.Nullable):
			return nil, unreachable(before, int(o.off), "Property %s cannot be removed by a PATCH", key)
		case p.Kind == rules.Metadata:
			v, err := d.metadata(p, o, nil)
			if err != nil {
				return nil, err
			}
			if v != nil {
				b.add(o.nameIn(before), v)
			}
		default:
			b.add(o.nameIn(before), []byte("null"))
		}
	}
	out := b.done()
	if out == nil {
		return nil, nil
	}
	if _, err := patch(before, out); err != nil {
		return nil, err
	}
	return out, nil
}

// metadata returns the value to send for a metadata property whose stored
// member is o and target member a (nil: absent), or nil for no change.
//
// Emptiness follows how each kind is stored: an empty app_metadata or
// organization metadata is the same as an absent one; a user_metadata or
// client_metadata is reached as {} when after has it empty, or lacks it
// while before has it.
func (d *differ) metadata(p *rules.Prop, o, a *member) ([]byte, error) {
	// What is stored: absent, null, an object (n: with members), or other.
	bat, stored, n := -1, "absent", false
	if o != nil {
		switch v := o.valueIn(d.before); v[0] {
		case '{':
			bat, stored = int(o.voff), "object"
			n = !emptyObject(d.before, bat)
		case 'n':
			stored = "null"
		default:
			stored = "other"
		}
	}
	aat := -1
	if a != nil {
		if av := a.valueIn(d.after); av[0] != '{' {
			return nil, bodyError(ErrNotObject, d.after, int(a.voff), "Expected type object but found type %s", typeName(av))
		}
		aat = int(a.voff)
	}
	wantEmpty := aat < 0 || emptyObject(d.after, aat)
	k := p.Meta.Rules()
	switch {
	case k.Replace && !wantEmpty:
		for _, m := range collect(d.after, aat, nil) {
			if isNull(m.valueIn(d.after)) {
				return nil, bodyError(ErrUnreachable, d.after, int(m.voff), "A root null can only delete: %s", brief(string(m.key(d.after))))
			}
		}
		if stored == "object" && jsonEqual(o.valueIn(d.before), a.valueIn(d.after), 0) {
			return nil, nil
		}
		v := appendCompact(nil, a.valueIn(d.after))
		if k.DiffNulls && stored == "object" {
			// Right under both readings: a null for each removed key.
			ao := objectAt(d.after, aat)
			for _, m := range collect(d.before, bat, nil) {
				if ao.get(&m, d.before) == nil {
					v = append(append(append(v[:len(v)-1], ','), m.nameIn(d.before)...), ":null}"...)
				}
			}
		}
		return v, nil
	case wantEmpty && (stored == "other" || stored == "object" && n && !k.ClearByNulls):
		return []byte("{}"), nil // clear
	case wantEmpty && stored == "object" && n: // a null per key, the only documented way
		return d.members(bat, -1)
	case wantEmpty && k.KeepEmpty && stored != "object" && (a != nil || o != nil):
		return []byte("{}"), nil // it must exist, empty
	case wantEmpty:
		return nil, nil
	case stored == "other":
		// A merge into stored metadata that is not an object: the Patch
		// function reports the unusable stored document.
		return appendCompact(nil, a.valueIn(d.after)), nil
	}
	return d.members(bat, aat)
}

// jsonEqual reports whether two valid values are equal as JSON values:
// objects as sets of members (names decoded), numbers by exact decimal
// value, strings decoded. Identical bytes are equal without decoding, even
// when they hold a repeated name: a member the body does not name keeps its
// bytes (package doc, "Valid input"), so they reach after exactly. Values
// that differ in bytes and hold a repeated name are not provably equal.
func jsonEqual(a, b []byte, depth int) bool {
	if bytes.Equal(a, b) {
		return len(a) > 0
	}
	if len(a) == 0 || len(b) == 0 || typeName(a) != typeName(b) || depth > 10_000 {
		return false
	}
	switch a[0] {
	case '"':
		return sameName(a[1:len(a)-1], true, b[1:len(b)-1], true)
	case '{':
		return objectEqual(a, b, depth)
	case '[':
		i, j := skipWS(a, 1), skipWS(b, 1)
		for {
			if a[i] == ']' || b[j] == ']' {
				return a[i] == ']' && b[j] == ']'
			}
			ei, ej := skipValue(a, i), skipValue(b, j)
			if !jsonEqual(a[i:ei], b[j:ej], depth+1) {
				return false
			}
			i, j = skipWS(a, ei), skipWS(b, ej)
			if a[i] == ',' {
				i = skipWS(a, i+1)
			}
			if b[j] == ',' {
				j = skipWS(b, j+1)
			}
		}
	case 't', 'f', 'n':
		return false // the bytes differ
	}
	return numberEqual(a, b)
}

// objectEqual is jsonEqual for two objects: same size, no repeated name,
// and each member of a equal to b's member of the same name. Members in the
// same order are matched without an index.
func objectEqual(a, b []byte, depth int) bool {
	var abuf, bbuf [smallObject]member
	am, bm := collect(a, 0, abuf[:0]), collect(b, 0, bbuf[:0])
	if len(am) != len(bm) {
		return false
	}
	if len(am) > smallObject {
		ao, bo := objectAt(a, 0), objectAt(b, 0)
		return ao.dup < 0 && bo.dup < 0 && membersEqual(a, ao.members, b, bo.members, &bo, depth)
	}
	// Small objects: repeats and names found in place, nothing indexed
	// (an index would make the buffers above escape to the heap).
	for k := 1; k < len(am); k++ {
		if smallFind(a, am[:k], &am[k], a) != nil || smallFind(b, bm[:k], &bm[k], b) != nil {
			return false // a repeated name: not provably equal
		}
	}
	return membersEqual(a, am, b, bm, nil, depth)
}

// membersEqual reports whether every member of am (in a) equals the member
// of the same name in bm (in b), found at the same place, else through bo
// (nil: by a search of bm); both have as many members and no repeated name.
func membersEqual(a []byte, am []member, b []byte, bm []member, bo *object, depth int) bool {
	for k := range am {
		o := &bm[k]
		if !sameName(am[k].raw(a), am[k].esc, o.raw(b), o.esc) {
			if bo != nil {
				o = bo.get(&am[k], a)
			} else {
				o = smallFind(b, bm, &am[k], a)
			}
			if o == nil {
				return false
			}
		}
		if !jsonEqual(am[k].valueIn(a), o.valueIn(b), depth+1) {
			return false
		}
	}
	return true
}

// smallFind returns the member of ms (members of an object of src) named
// as m of other, or nil.
func smallFind(src []byte, ms []member, m *member, other []byte) *member {
	return object{src: src}.find(ms, m, other)
}

// numberEqual compares two valid JSON numbers by exact decimal value,
// without allocating unless an exponent has more than 18 digits.
func numberEqual(a, b []byte) bool {
	an, ad, ax := splitNumber(a)
	bn, bd, bx := splitNumber(b)
	if ad.n != bd.n {
		return false
	}
	if ad.n == 0 {
		return true // zero, whatever its sign and exponent
	}
	if an != bn {
		return false
	}
	for k := range ad.n {
		if ad.at(k) != bd.at(k) {
			return false
		}
	}
	ae, aok := smallInt(ax)
	be, bok := smallInt(bx)
	if aok && bok {
		return ae+int64(ad.point) == be+int64(bd.point)
	}
	return bigExponent(ax, ad.point).Cmp(bigExponent(bx, bd.point)) == 0
}

// numDigits are the significant digits of a number's mantissa (no point, no
// leading or trailing zeros) and the place of the point: the value is
// 0.digits × 10^(point + exponent).
type numDigits struct {
	mant  []byte // the mantissa, perhaps with a '.'
	dot   int    // offset of the '.' in mant, or -1
	lead  int    // leading zeros skipped
	n     int    // significant digits
	point int
}

// at returns the k-th significant digit.
func (d *numDigits) at(k int) byte {
	k += d.lead
	if d.dot >= 0 && k >= d.dot {
		k++
	}
	return d.mant[k]
}

// splitNumber splits a valid number into its sign, the significant digits
// of its mantissa, and its exponent's text (sign and digits; empty if none).
func splitNumber(num []byte) (neg bool, d numDigits, exp []byte) {
	if num[0] == '-' {
		neg, num = true, num[1:]
	}
	mant := num
	if i := bytes.IndexAny(num, "eE"); i >= 0 {
		mant, exp = num[:i], num[i+1:]
	}
	d = numDigits{mant: mant, dot: bytes.IndexByte(mant, '.')}
	total, intDigits := len(mant), len(mant)
	if d.dot >= 0 {
		total--
		intDigits = d.dot
	}
	for k := 0; k < len(mant) && (mant[k] == '0' || mant[k] == '.'); k++ {
		if mant[k] == '0' {
			d.lead++
		}
	}
	if d.lead == total {
		return neg, numDigits{}, exp
	}
	tail := 0
	for k := len(mant) - 1; mant[k] == '0' || mant[k] == '.'; k-- {
		if mant[k] == '0' {
			tail++
		}
	}
	d.n = total - d.lead - tail
	d.point = intDigits - d.lead
	return neg, d, exp
}

// smallInt parses an exponent's text when it has at most 18 digits.
func smallInt(exp []byte) (int64, bool) {
	neg := false
	if len(exp) > 0 && (exp[0] == '-' || exp[0] == '+') {
		neg, exp = exp[0] == '-', exp[1:]
	}
	for len(exp) > 1 && exp[0] == '0' {
		exp = exp[1:]
	}
	if len(exp) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range exp {
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// bigExponent returns exponent + point for exponents of any length.
func bigExponent(exp []byte, point int) *big.Int {
	e := new(big.Int)
	if len(exp) > 0 {
		if exp[0] == '+' {
			exp = exp[1:]
		}
		e.SetString(string(exp), 10)
	}
	return e.Add(e, big.NewInt(int64(point)))
}
