// This file implements the package doc's "Merging" and its byte-level
// output rules: Merge, and the object walker that every entity uses to
// apply a body's members to a stored object in one pass.

package metapatch

import (
	"slices"
	"unsafe"

	"github.com/metapatch/metapatch/internal/rules"
)

// Merge applies patch, a metadata PATCH value, to stored, a metadata object,
// as Auth0 does for user_metadata, app_metadata and client_metadata, and
// returns the new object. It applies only the generic rules (package doc,
// "Merging" and "Valid input"), no entity's name rules.
//
// stored may be absent (nil, empty, white space or null): it is then {}.
// A patch that is not an object fails with ErrNotObject; {} returns {}.
// On any error Merge returns nil and a *Error; it never modifies its
// arguments.
func Merge(stored, patch []byte, opts ...Option) ([]byte, error) {
	c := newConfig(opts)
	t := nameTable{hasher: newHasher()}
	var arr [16]member
	rec := record{depth: 1, root: arr[:]}
	root, n, spaced, err := parseBody(patch, &c, &t, &rec)
	if err != nil {
		return nil, err
	}
	ps := patchObject{obj: uint32(root), root: true, n: n}
	if n > len(ps.hashes) && t.list.sorted > 0 && t.list.n == n {
		// A large body: its root's members are found through the body
		// scanner's name list and copied from the body, not collected.
		ps.listed = true
	} else {
		ps.members, _ = rec.members(patch, root, n)
	}
	mg, at, err := openStored(stored, &t, spaced, nil)
	if err != nil {
		return nil, err
	}
	out, room := newBuffer(len(stored)+len(patch)+2, namesToHold(stored))
	out, err = mg.root(out, room, at, &ps)
	if err != nil {
		return nil, err
	}
	if ps.n == 0 {
		out = append(out[:0], "{}"...)
	}
	if len(out) > c.maxBytes {
		return nil, tooLarge(c.maxBytes, "Resulting document length")
	}
	return out, nil
}

// newBuffer returns a call's one allocation, made once the body is known to
// be valid: an empty result with room for size bytes, and after it words
// 64-bit words of scratch space, for the names of the stored objects that
// the walk sorts (namesToHold of them; the sort borrows the result's spare
// capacity, spareWords). With scratch space, the allocation is a []uint64
// whose first words the result views as bytes through unsafe, which is
// sound here: the allocation holds no pointers, and the result's capacity
// ends where the scratch space begins, so an append that outgrows the
// result moves it to a new array instead of writing there. The scratch
// space stays allocated as long as the result does.
func newBuffer(size, words int) ([]byte, []uint64) {
	if words == 0 {
		return make([]byte, 0, size), nil
	}
	w := make([]uint64, (size+7)/8+words)
	out := unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), size)
	return out[:0], w[(size+7)/8:]
}

// spareWords returns the spare capacity of b, past its length, as 64-bit
// words: scratch space until b grows into it. The words start at the first
// 8-byte boundary; their memory is b's array, which holds no pointers.
func spareWords(b []byte) []uint64 {
	free := b[len(b):cap(b)]
	if cap(free) < 16 {
		return nil
	}
	p := unsafe.Pointer(unsafe.SliceData(free[:1]))
	skip := int(-uintptr(p) & 7)
	return unsafe.Slice((*uint64)(unsafe.Add(p, skip)), (cap(free)-skip)/8)
}

// parseBody validates an untrusted body completely (size, syntax, UTF-8,
// duplicate names at any depth, depth), requires an object at its root, and
// returns the offset of that object, its number of members, and whether the
// body has white space to strip when its values are copied. Unless rec is
// nil, it records the members of the root object (and at depth 2 those of
// their object values) there, as far as rec has room (see record.members).
func parseBody(body []byte, c *config, t *nameTable, rec *record) (root, members int, spaced bool, err error) {
	if len(body) > c.maxBytes {
		return 0, 0, false, tooLarge(c.maxBytes, "Payload content length")
	}
	t.body = body
	s := scanner{src: body, body: true, maxDepth: c.maxDepth, names: t}
	start, _, err := s.documentInto(rec)
	if err != nil {
		return 0, 0, false, err
	}
	if body[start] != '{' {
		return 0, 0, false, bodyError(ErrNotObject, body, start, "Expected type object but found type %s", typeName(body[start:]))
	}
	return start, s.rootNames, s.spaced, nil
}

// openStored prepares the walk of a stored document and returns the offset
// of its root object, or -1 when the document is absent.
func openStored(stored []byte, t *nameTable, bodySpaced bool, subs []member) (merger, int, error) {
	mg := merger{st: scanner{src: stored}, body: t.body, t: t, bodySpaced: bodySpaced, subs: subs}
	if len(stored) > maxInput {
		return mg, 0, tooLarge(maxInput, "Stored document length")
	}
	i, none := absent(stored)
	if none {
		return mg, -1, nil
	}
	if stored[i] != '{' {
		// Say what is wrong with it: invalid JSON, or valid but no object.
		if _, _, err := mg.st.document(); err != nil {
			return mg, 0, err
		}
		return mg, 0, storedError(stored, i, "the document is not an object")
	}
	return mg, i, nil
}

// An action says what a body member does to the stored object.
type action uint8

const (
	actReplace       action = iota // the body's value replaces the stored one; null deletes
	actIgnore                      // the stored member stays as it is; nothing is appended
	actMerge                       // sub is merged into the stored object (section 1)
	actReplaceObject               // sub without its null members replaces it whole
	actLiteral                     // a create's default: the entity's Defaults[lo], appended
)

// A member is one member of an object in the body, as offsets into the
// body: 40 bytes, since a hostile body may hold millions of them.
type member struct {
	off, nameEnd   int32        // body[off:nameEnd]: the name, quotes included
	voff, valueEnd int32        // body[voff:valueEnd]: the value (valid JSON)
	lo, hi         int32        // actMerge, actReplaceObject: the value's members, merger.subs[lo:hi]
	keys, stored   int32        // actMerge, actReplaceObject: members in the result; in the stored object
	resultOff      int32        // actMerge, actReplaceObject: offset of the value in the result
	esc            bool         // the name has escapes
	used           bool         // the stored object had this name
	meta           rules.MetaID // actMerge, actReplaceObject: which metadata; its kind says how an empty one is stored
	act            action
}

func (m *member) nameIn(body []byte) []byte  { return body[m.off:m.nameEnd] }
func (m *member) valueIn(body []byte) []byte { return body[m.voff:m.valueEnd] }

// raw returns the name between its quotes.
func (m *member) raw(body []byte) []byte { return body[m.off+1 : m.nameEnd-1] }

// key returns the decoded name.
func (m *member) key(body []byte) []byte {
	if !m.esc {
		return m.raw(body)
	}
	return []byte(decodeString(m.raw(body)))
}

// A patchObject is an object of the body, as the list of its members.
type patchObject struct {
	obj     uint32 // offset of its '{' in the body
	members []member
	root    bool      // the body's root, members in body order: the body scanner's name list indexes it
	listed  bool      // Merge's large root: members not collected (nil); see findListed
	n       int       // Merge: how many members the body's root has
	found   member    // listed: the member findListed found last
	hashed  bool      // hashes holds the top halves of the names' hashes, and top their top 6 bits
	hashes  [8]uint32 // objects of at most 8 members
	top     uint64    // bit b set: a member's hash has b as its top 6 bits
}

// collect appends the members of the valid object at src[open] to dst.
func collect(src []byte, open int, dst []member) []member {
	i := skipWS(src, open+1)
	if src[i] == '}' {
		return dst
	}
	for {
		ne, esc := skipString(src, i)
		j := skipWS(src, skipWS(src, ne)+1)
		ve := skipValue(src, j)
		dst = append(dst, member{off: int32(i), nameEnd: int32(ne), voff: int32(j), valueEnd: int32(ve), esc: esc})
		i = skipWS(src, ve)
		if src[i] != ',' {
			return dst
		}
		i = skipWS(src, i+1)
	}
}

// memberSlice returns buf, or a slice with room for n members when buf has
// less: the body's root is collected with one allocation at most.
func memberSlice(buf []member, n int) []member {
	if n <= cap(buf) {
		return buf
	}
	return make([]member, 0, n)
}

// find returns the member named raw (a name between quotes, hashed as h),
// or nil. A small object compares the hashes of its names first, computed
// at the first call, after a test of one bit (top) that most names fail;
// the body's larger root searches the body scanner's sorted names
// (findListed); another large object searches idx, built at the first
// call.
func (p *patchObject) find(t *nameTable, h uint64, raw []byte, esc bool, idx *memberIndex) *member {
	if p.listed {
		return p.findListed(t, h, raw, esc)
	}
	if len(p.members) <= len(p.hashes) {
		if !p.hashed {
			for k := range p.members {
				h := t.hash(p.members[k].raw(t.body), p.members[k].esc)
				p.hashes[k] = uint32(h >> 32)
				p.top |= 1 << (h >> 58)
			}
			p.hashed = true
		}
		if p.top&(1<<(h>>58)) == 0 {
			return nil // no member's hash has the same top 6 bits
		}
		for k := range p.members {
			if p.hashes[k] != uint32(h>>32) {
				continue
			}
			if m := &p.members[k]; sameName(m.raw(t.body), m.esc, raw, esc) {
				return m
			}
		}
		return nil
	}
	if p.root && t.list.sorted > 0 && t.list.n == len(p.members) {
		return p.findListed(t, h, raw, esc)
	}
	if idx.n == 0 {
		idx.build(&t.hasher, t.body, p.members)
	}
	return findIndexed(idx.keys(), t.body, p.members, h, raw, esc)
}

// mayHave reports whether find may find a member hashed as h: false, for a
// small object already hashed, for most names (find's test of top), in a
// call small enough to inline.
func (p *patchObject) mayHave(h uint64) bool { return !p.hashed || p.top&(1<<(h>>58)) != 0 }

// findListed is find for the body's root object, whose names the body
// scanner left in its name list, sorted by the top t.list.sorted bits of
// their hashes: no index to build.
func (p *patchObject) findListed(t *nameTable, h uint64, raw []byte, esc bool) *member {
	keys := t.list.keys()
	shift := 64 - min(t.list.sorted, 32)
	want := h >> 32 << 32 >> shift
	lo, hi := 0, len(keys)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if keys[mid]>>shift < want {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	for k := lo; k < len(keys) && keys[k]>>shift == want; k++ {
		if keys[k]>>32 != h>>32 {
			continue
		}
		// The member whose name starts (after its quote) at this offset.
		off := int32(uint32(keys[k])&^usedBit) - 1
		if p.listed {
			body := t.body
			ne, besc := skipString(body, int(off))
			if !sameName(body[off+1:ne-1], besc, raw, esc) {
				continue
			}
			keys[k] |= usedBit
			j := skipWS(body, skipWS(body, ne)+1)
			p.found = member{off: off, nameEnd: int32(ne), voff: int32(j), valueEnd: int32(skipValue(body, j)), esc: besc}
			return &p.found
		}
		a, b := 0, len(p.members)
		for a < b {
			mid := int(uint(a+b) >> 1)
			if p.members[mid].off < off {
				a = mid + 1
			} else {
				b = mid
			}
		}
		if a < len(p.members) && p.members[a].off == off {
			if m := &p.members[a]; sameName(m.raw(t.body), m.esc, raw, esc) {
				return m
			}
		}
	}
	return nil
}

// usedBit marks, in a listed root's name list, the names the stored object
// has too: offsets take 31 bits.
const usedBit = 1 << 31

// appendListed appends the members of a listed root (see findListed) that
// the stored object did not have, in body order, but null ones, keys
// being the number of members dst already has. Runs of them are copied in
// one piece when the body has no white space to strip. It reorders the
// name list.
func (mg *merger) appendListed(dst []byte, ps *patchObject, keys int) ([]byte, int) {
	// The offsets of the names the stored object had, in body order.
	used := mg.t.list.keys()
	u := 0
	for _, k := range used {
		if k&usedBit != 0 {
			used[u] = uint64(uint32(k) &^ usedBit)
			u++
		}
	}
	used = used[:u]
	slices.Sort(used)
	body := mg.body
	runStart, runEnd := -1, -1 // body[runStart:runEnd]: members to copy as they are
	comma := false             // the run follows other members
	flush := func() {
		if runStart >= 0 {
			if comma {
				dst = append(dst, ',')
			}
			dst = append(dst, body[runStart:runEnd]...)
			runStart = -1
		}
	}
	i := skipWS(body, int(ps.obj)+1)
	for body[i] != '}' {
		ne, _ := skipString(body, i)
		j := skipWS(body, skipWS(body, ne)+1)
		ve := skipValue(body, j)
		switch {
		case len(used) > 0 && used[0] == uint64(i+1):
			used = used[1:]
		case isNull(body[j:ve]):
		case mg.bodySpaced:
			if keys > 0 {
				dst = append(dst, ',')
			}
			dst = appendCompact(append(append(dst, body[i:ne]...), ':'), body[j:ve])
			keys++
		case runStart >= 0 && runEnd+1 == i:
			runEnd = ve
			keys++
		default:
			flush()
			runStart, runEnd, comma = i, ve, keys > 0
			keys++
		}
		if i = skipWS(body, ve); body[i] == ',' {
			i = skipWS(body, i+1)
		}
	}
	flush()
	return dst, keys
}

// A merger walks a stored document once, validating it, and writes the
// result of applying a body's members to it.
type merger struct {
	st         scanner // over the stored document
	body       []byte
	t          *nameTable
	bodySpaced bool     // the body has white space to strip from its values
	subs       []member // the members of the body's metadata objects
	defaults   []rules.Default
}

// sub returns the members of metadata member m's value.
func (mg *merger) sub(m *member) patchObject {
	return patchObject{obj: uint32(m.voff), members: mg.subs[m.lo:m.hi]}
}

// root writes the result for the stored root object at offset at (-1:
// absent) and checks that nothing but white space follows it. room is
// scratch space for the names of the stored objects walked (a parameter,
// not a field of the merger: the merger's other fields would escape with
// it).
func (mg *merger) root(dst []byte, room []uint64, at int, ps *patchObject) ([]byte, error) {
	nl := nameList{room: room}
	dst, end, _, _, err := mg.object(dst, at, ps, &nl)
	if err != nil {
		return nil, err
	}
	if at >= 0 {
		if k := skipWS(mg.st.src, end); k != len(mg.st.src) {
			return nil, mg.st.syntax(k, "unexpected data after the value")
		}
	}
	return dst, nil
}

// object appends to dst the object that results from applying ps to the
// stored object at offset at (-1: absent): stored members keep their place,
// a member the body names is written as its action says, and the body's
// other members follow in body order. It returns the offset past the stored
// object and the number of members written and stored.
func (mg *merger) object(dst []byte, at int, ps *patchObject, nl *nameList) (out []byte, end, keys, stored int, err error) {
	base := nl.n
	var idx memberIndex
	out, end, keys, stored, err = mg.walk(dst, at, ps, nl, &idx)
	if err != nil {
		// The names walked so far, if walk did not check them when the
		// stored object ended: a repeat among them comes before the error.
		if e := mg.repeatedName(nl, base, nil); e != nil {
			err = e
		}
		return nil, end, keys, stored, err
	}
	return out, end, keys, stored, nil
}

// repeatedName checks the stored names recorded in nl from base on for a
// repeat, forgets them, and returns the 500 for the first repeat, or nil.
// tmp is scratch space for sorting them, if it is long enough.
func (mg *merger) repeatedName(nl *nameList, base int, tmp []uint64) error {
	off := nl.firstRepeatFrom(mg.st.src, base, tmp)
	if off < 0 {
		return nil
	}
	raw := mg.st.src[off : skipStringEnd(mg.st.src, off-1)-1]
	return storedError(mg.st.src, off-1, "duplicate property name %s", brief(decodeString(raw)))
}

// walk is object without the check of repeated stored names on error: it
// records each stored name in nl, and checks them when the stored object
// ends, before its last run of untouched members is copied, so that the
// sort of its names can use the result's spare capacity (spareWords).
func (mg *merger) walk(dst []byte, at int, ps *patchObject, nl *nameList, idx *memberIndex) (out []byte, end, keys, stored int, err error) {
	dst = append(dst, '{')
	if at >= 0 {
		base := nl.n // this object's names are recorded from here on
		src := mg.st.src
		run := span{start: -1}
		i := skipWS(src, at+1)
		for closed := i < len(src) && src[i] == '}'; !closed; {
			if i >= len(src) || src[i] != '"' {
				return nil, 0, 0, 0, mg.st.syntax(i, "expected a member name")
			}
			// The name: a plain one is scanned here, the others by strFrom.
			ne, esc := plainRun(src, i+1), false
			if ne < len(src) && src[ne] == '"' {
				ne++
			} else if ne, esc, err = mg.st.strFrom(i, ne); err != nil {
				return nil, 0, 0, 0, err
			}
			name, raw := src[i:ne], src[i+1:ne-1]
			h := mg.t.hash(raw, esc)
			if key := h>>32<<32 | uint64(i+1); !nl.add(key) {
				nl.grow(scale(stored, len(src)-i, i-at) + 16)
				nl.add(key)
			}
			j := skipWS(src, ne)
			if j >= len(src) || src[j] != ':' {
				return nil, 0, 0, 0, mg.st.syntax(j, `expected ":" after member name`)
			}
			if j = skipWS(src, j+1); j == len(src) {
				return nil, 0, 0, 0, mg.st.syntax(j, "unexpected end of input")
			}
			stored++
			var m *member
			if ps.mayHave(h) {
				m = ps.find(mg.t, h, raw, esc, idx)
			}
			if m == nil || m.act == actIgnore {
				// An untouched member: validated, and copied compact. Runs
				// of members with nothing to strip are copied in one piece.
				// The commonest values are checked here, without a call: a
				// string of up to 16 plain bytes, an integer without sign,
				// fraction or exponent that does not end the input.
				ve := -1
				switch c := src[j]; {
				case c == '"':
					if k := plainRun(src, j+1); k < len(src) && src[k] == '"' {
						ve = k + 1
					}
				case '1' <= c && c <= '9':
					if k := digits(src, j+1); k < len(src) && src[k] != '.' && src[k]|0x20 != 'e' {
						ve = k
					}
				}
				mg.st.spaced = false
				if ve < 0 {
					if ve, err = mg.st.value(j); err != nil {
						return nil, 0, 0, 0, err
					}
				}
				switch {
				case mg.st.spaced || j != ne+1:
					dst = mg.flush(dst, src, &run)
					if keys > 0 {
						dst = append(dst, ',')
					}
					dst = append(append(dst, src[i:ne]...), ':')
					if mg.st.spaced {
						dst = appendCompact(dst, src[j:ve])
					} else {
						dst = append(dst, src[j:ve]...)
					}
				case run.start >= 0 && i == run.end+1: // after one comma
					run.end = ve
				default:
					dst = mg.flush(dst, src, &run)
					run = span{i, ve, keys > 0}
				}
				keys++
				j = ve
			} else {
				dst = mg.flush(dst, src, &run)
				mark := len(dst)
				if keys > 0 {
					dst = append(dst, ',')
				}
				m.used = true
				var wrote bool
				if dst, j, wrote, err = mg.member(dst, name, m, j, nl); err != nil {
					return nil, 0, 0, 0, err
				}
				if wrote {
					keys++
				} else {
					dst = dst[:mark]
				}
			}
			i = skipWS(src, j)
			switch {
			case i < len(src) && src[i] == ',':
				i = skipWS(src, i+1)
			case i < len(src) && src[i] == '}':
				closed = true
			default:
				return nil, 0, 0, 0, mg.st.syntax(i, `expected "," or "}" after object member`)
			}
		}
		end = i + 1
		if err := mg.repeatedName(nl, base, spareWords(dst)); err != nil {
			return nil, end, keys, stored, err
		}
		dst = mg.flush(dst, src, &run)
	}
	if ps.listed {
		dst, keys = mg.appendListed(dst, ps, keys)
	}
	for k := range ps.members {
		m := &ps.members[k]
		if m.used || m.act == actIgnore {
			continue
		}
		mark := len(dst)
		if keys > 0 {
			dst = append(dst, ',')
		}
		var wrote bool
		if dst, _, wrote, err = mg.member(dst, m.nameIn(mg.body), m, -1, nl); err != nil {
			return nil, 0, 0, 0, err
		}
		if wrote {
			keys++
		} else {
			dst = dst[:mark]
		}
	}
	return append(dst, '}'), end, keys, stored, nil
}

// member appends name and the value that body member m gives it, the stored
// value being at offset at (-1: absent). It returns the offset past the
// stored value and whether the member was written at all.
func (mg *merger) member(dst, name []byte, m *member, at int, nl *nameList) (out []byte, end int, wrote bool, err error) {
	end = at
	src := mg.st.src
	switch m.act {
	case actMerge:
		dst = append(append(dst, name...), ':')
		m.resultOff = int32(len(dst))
		var keys, stored int
		sub := mg.sub(m)
		switch {
		case at >= 0 && len(sub.members) > 0 && src[at] == '{':
			dst, end, keys, stored, err = mg.object(dst, at, &sub, nl)
		case at >= 0 && len(sub.members) > 0 && src[at] != 'n':
			if end, err = mg.st.value(at); err == nil {
				err = storedError(src, at, "%s is not an object", brief(decodeString(name[1:len(name)-1])))
			}
		default: // a clear, or nothing (null) stored
			if at >= 0 {
				end, err = mg.st.value(at)
			}
			dst, _, keys, _, _ = mg.object(dst, -1, &sub, nl)
		}
		m.keys, m.stored = int32(keys), int32(stored)
		return dst, end, keys > 0 || m.meta.Rules().KeepEmpty, err
	case actReplaceObject:
		if at >= 0 {
			end, err = mg.st.value(at)
		}
		if isNull(m.valueIn(mg.body)) {
			return dst, end, false, err
		}
		dst = append(append(dst, name...), ':')
		m.resultOff = int32(len(dst))
		dst = append(dst, '{')
		for _, sm := range mg.subs[m.lo:m.hi] {
			if isNull(sm.valueIn(mg.body)) {
				continue
			}
			if m.keys > 0 {
				dst = append(dst, ',')
			}
			dst = mg.appendBody(append(append(dst, sm.nameIn(mg.body)...), ':'), sm.valueIn(mg.body))
			m.keys++
		}
		return append(dst, '}'), end, m.keys > 0 || m.meta.Rules().KeepEmpty, err
	case actLiteral:
		d := mg.defaults[m.lo]
		dst = append(append(dst, '"'), d.Name...)
		dst = append(append(dst, '"', ':'), d.Value...)
		return dst, end, true, nil
	default: // actReplace
		if at >= 0 {
			end, err = mg.st.value(at)
		}
		v := m.valueIn(mg.body)
		if isNull(v) {
			return dst, end, false, err
		}
		dst = mg.appendBody(append(append(dst, name...), ':'), v)
		return dst, end, true, err
	}
}

// A span is a run of untouched stored members, src[start:end], to copy
// as it is; comma says whether other members come before it.
type span struct {
	start, end int
	comma      bool
}

// flush appends the run (if any) and empties it.
func (mg *merger) flush(dst, src []byte, run *span) []byte {
	if run.start < 0 {
		return dst
	}
	if run.comma {
		dst = append(dst, ',')
	}
	dst = append(dst, src[run.start:run.end]...)
	run.start = -1
	return dst
}

// appendBody appends a body value, compact.
func (mg *merger) appendBody(dst, v []byte) []byte {
	if mg.bodySpaced {
		return appendCompact(dst, v)
	}
	return append(dst, v...)
}

func isNull(v []byte) bool { return len(v) == 4 && v[0] == 'n' }

// typeName names the JSON type of the valid value v, as Auth0's messages do.
func typeName(v []byte) string {
	switch v[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}
