// This file computes the PATCH body that turns one stored document into
// another under SPEC sections 1 to 6: Diff, DiffUser, DiffClient and
// DiffOrganization. Each builds the smallest body from a comparison of
// decoded values, then applies it with the Patch function it serves, so the
// entity rules are checked by the same code that will run on the server.

package metapatch

import (
	"bytes"
	"errors"
	"math/big"
	"slices"

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
	if d.afterAt >= 0 && len(collect(after, d.afterAt, nil)) == 0 && d.beforeAt >= 0 && len(collect(before, d.beforeAt, nil)) > 0 {
		b = []byte("{}")
	} else if b, err = d.members(d.beforeAt, d.afterAt); err != nil || b == nil {
		return nil, err
	}
	if _, err := Merge(before, b); err != nil {
		return nil, err
	}
	return b, nil
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
	beforeAt, afterAt int // offsets of the root objects; -1: absent
}

func newDiffer(before, after []byte) (*differ, error) {
	d := &differ{before: before, after: after}
	var err error
	if d.beforeAt, err = checkDocument(before, true); err != nil {
		return nil, err
	}
	if d.afterAt, err = checkDocument(after, false); err != nil {
		return nil, err
	}
	return d, nil
}

// checkDocument checks a Diff input: valid JSON (lone surrogate escapes
// allowed, as in a stored document) with an object root and no duplicate
// root names. before may be absent, and its problems are 500s, as a stored
// document's; after's are 400s.
func checkDocument(src []byte, stored bool) (int, error) {
	s := scanner{src: src, target: !stored}
	i, none := absent(src)
	if stored && none {
		return -1, nil
	}
	if _, _, err := s.document(); err != nil {
		return 0, err
	}
	if src[i] != '{' {
		return 0, s.fail(ErrNotObject, i, "Expected type object but found type %s", typeName(src[i:]))
	}
	if m := objectAt(src, i).duplicate(); m != nil {
		return 0, s.fail(ErrDuplicateKey, int(m.off), "Duplicate property name: %s", brief(string(m.key(src))))
	}
	return i, nil
}

// canonKey returns a name's decoded value as a map key; a lone surrogate
// escape keeps its own value (WTF-8), as in name comparisons everywhere.
func canonKey(raw []byte, esc bool) string {
	if !esc {
		return string(raw)
	}
	var b []byte
	for i := 0; i < len(raw); {
		var r rune
		r, i = nextRune(raw, i)
		b = appendWTF8(b, r)
	}
	return string(b)
}

// An object is the members of an object of one input, indexed by name.
type object struct {
	src     []byte
	members []member
	index   map[string]int
}

// objectAt returns the object at src[at]; none when at < 0.
func objectAt(src []byte, at int) object {
	o := object{src: src, index: map[string]int{}}
	if at >= 0 {
		o.members = collect(src, at, nil)
	}
	for k := range o.members {
		o.index[canonKey(o.members[k].raw(src), o.members[k].esc)] = k
	}
	return o
}

// duplicate returns the first member that repeats an earlier name, or nil.
func (o object) duplicate() *member {
	if len(o.index) == len(o.members) {
		return nil
	}
	seen := map[string]bool{}
	for k := range o.members {
		key := canonKey(o.members[k].raw(o.src), o.members[k].esc)
		if seen[key] {
			return &o.members[k]
		}
		seen[key] = true
	}
	return nil
}

// get returns the member named as m of the object other, or nil.
func (o object) get(m *member, other []byte) *member {
	if k, ok := o.index[canonKey(m.raw(other), m.esc)]; ok {
		return &o.members[k]
	}
	return nil
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
	bo, ao := objectAt(d.before, bat), objectAt(d.after, aat)
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
	bo, ao := objectAt(before, d.beforeAt), objectAt(after, d.afterAt)
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
	// What is stored: absent, null, an object (with n members), or other.
	bat, stored, n := -1, "absent", 0
	if o != nil {
		switch v := o.valueIn(d.before); v[0] {
		case '{':
			bat, stored = int(o.voff), "object"
			n = len(collect(d.before, bat, nil))
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
	wantEmpty := aat < 0 || len(collect(d.after, aat, nil)) == 0
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
	case wantEmpty && (stored == "other" || stored == "object" && n > 0 && !k.ClearByNulls):
		return []byte("{}"), nil // clear
	case wantEmpty && stored == "object" && n > 0: // a null per key, the only documented way
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
// value, strings decoded.
func jsonEqual(a, b []byte, depth int) bool {
	if len(a) == 0 || len(b) == 0 || typeName(a) != typeName(b) || depth > 10_000 {
		return false
	}
	switch a[0] {
	case '"':
		return sameName(a[1:len(a)-1], true, b[1:len(b)-1], true)
	case '{':
		ao, bo := objectAt(a, 0), objectAt(b, 0)
		if len(ao.members) != len(bo.members) || len(ao.index) != len(ao.members) || len(bo.index) != len(bo.members) {
			return false // different sizes, or duplicate names: not provably equal
		}
		for k := range ao.members {
			o := bo.get(&ao.members[k], a)
			if o == nil || !jsonEqual(ao.value(&ao.members[k]), bo.value(o), depth+1) {
				return false
			}
		}
		return true
	case '[':
		ae, be := elements(a), elements(b)
		return slices.EqualFunc(ae, be, func(x, y []byte) bool { return jsonEqual(x, y, depth+1) })
	case 't', 'f', 'n':
		return bytes.Equal(a, b)
	}
	return numberEqual(a, b)
}

// elements returns the elements of a valid array.
func elements(a []byte) [][]byte {
	var es [][]byte
	i := skipWS(a, 1)
	for i < len(a) && a[i] != ']' {
		j := skipValue(a, i)
		es = append(es, a[i:j])
		i = skipWS(a, j)
		if i < len(a) && a[i] == ',' {
			i = skipWS(a, i+1)
		}
	}
	return es
}

// numberEqual compares two valid JSON numbers by exact decimal value.
func numberEqual(a, b []byte) bool {
	an, ad, ae := decimal(a)
	bn, bd, be := decimal(b)
	if ad == "" || bd == "" {
		return ad == bd // zero, whatever its sign
	}
	return an == bn && ad == bd && ae.Cmp(be) == 0
}

// decimal returns a number as sign, significant digits and the exponent e
// such that the value is 0.digits × 10^e.
func decimal(num []byte) (neg bool, digits string, exp *big.Int) {
	s := string(num)
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	mant, expPart := s, "0"
	if i := bytes.IndexAny([]byte(s), "eE"); i >= 0 {
		mant, expPart = s[:i], s[i+1:]
	}
	intPart, frac := mant, ""
	if i := bytes.IndexByte([]byte(mant), '.'); i >= 0 {
		intPart, frac = mant[:i], mant[i+1:]
	}
	all := intPart + frac
	point := len(intPart)
	for len(all) > 0 && all[0] == '0' {
		all, point = all[1:], point-1
	}
	for len(all) > 0 && all[len(all)-1] == '0' {
		all = all[:len(all)-1]
	}
	exp, _ = new(big.Int).SetString(expPart, 10)
	if exp == nil {
		exp = new(big.Int)
	}
	return neg, all, exp.Add(exp, big.NewInt(int64(point)))
}
