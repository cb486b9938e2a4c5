// This file implements the package doc's "Valid input" for names: the
// seeded hash of a decoded name, the lists of names in which the scanner
// and the merge walk find a repeated name in linear time (sorted, or
// sieved and then sorted), and the sorted index of a large object's
// members that the merge walk and Diff search.

package metapatch

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"slices"
	"unicode/utf8"
)

// A nameList holds names, as hash<<32 | offset: a body scanner's names of
// the open objects, or the names of the stored objects being walked. The
// first ones are in small; past those, all are in names, which takes room,
// the scratch space the call set aside for them in its one allocation
// (newBuffer), and grows by allocating only when that was too little. A
// walk's list is a local of root, passed down the walk, never stored in
// the merger: a growing slice in the merger would make all it points to
// escape to the heap.
type nameList struct {
	n      int
	sorted int // the last names checked by repeatIn are sorted by this many top bits of their hash (0: not sorted)
	small  [inlineNames]uint64
	names  []uint64
	room   []uint64 // scratch space for the names, until names takes it
}

// inlineNames is how many names a nameList holds without scratch space.
const inlineNames = 64

// sampleBytes is how much of a long input namesToHold reads.
const sampleBytes = 16 << 10

// namesToHold returns how many names a nameList may hold at once for the
// object at the root of src, when that is more than it holds inline; 0
// otherwise. The list holds that object's names, and those of one object
// inside it at a time. For an input of at most sampleBytes, it is the count
// of ':' bytes, a bound (every name is followed by one). For a longer one,
// whose ':' bytes are mostly in nested values when its members are large,
// it is an estimate: the root's members in its first sampleBytes, scaled to
// its length, and a quarter more; a root whose members vary in size may
// need more, and its list then grows (nameList.grow). Invalid input makes a
// wrong estimate, never a fault: the scan that follows refuses it.
func namesToHold(src []byte) int {
	if len(src) < 5*inlineNames { // a name takes 5 bytes at least: "":0,
		return 0
	}
	if len(src) <= sampleBytes {
		if n := bytes.Count(src, []byte{':'}); n > inlineNames {
			return n
		}
		return 0
	}
	i := skipWS(src, 0)
	if i == len(src) || src[i] != '{' {
		return 0
	}
	sample := src[:i+sampleBytes]
	n, j := 0, skipWS(sample, i+1)
	for j < len(sample) && sample[j] == '"' {
		k := skipWS(sample, skipStringEnd(sample, j))
		if k == len(sample) || sample[k] != ':' {
			break
		}
		n++
		if j = skipWS(sample, skipValue(sample, skipWS(sample, k+1))); j == len(sample) || sample[j] != ',' {
			break
		}
		j = skipWS(sample, j+1)
	}
	if j == len(sample) || sample[j] != '}' { // the root goes on past the sample
		n = scale(n, len(src)-i, j-i)
	}
	if n += n/4 + 16; n <= inlineNames {
		return 0
	}
	return min(n, len(src)/5+1)
}

// scale returns n * total / part (part at least 1), computed in 64 bits so
// that it cannot overflow where int has 32.
func scale(n, total, part int) int {
	return int(uint64(n) * uint64(total) / uint64(max(1, part)))
}

// add records a name and reports true, or false when the list is full:
// the caller then grows it (grow, with its estimate of the names left,
// computed only then) and adds again.
func (l *nameList) add(key uint64) bool {
	if l.names == nil {
		if l.n == len(l.small) {
			return false
		}
		l.small[l.n] = key
	} else {
		if len(l.names) == cap(l.names) {
			return false
		}
		l.names = append(l.names, key)
	}
	l.n++
	return true
}

// grow makes room for more names when small is full: the first time, it
// moves them into room, if the call set some aside; past that (room was too
// little, or there was none), it allocates room for n more names (an
// estimate), and as many again for sorting them.
func (l *nameList) grow(n int) {
	switch need := 2*(l.n+n) + n/8; {
	case l.names == nil && cap(l.room) > l.n:
		l.names = append(l.room[:0], l.small[:l.n]...)
		l.room = nil
	case l.names == nil:
		l.names = append(make([]uint64, 0, need), l.small[:l.n]...)
	default:
		l.names = slices.Grow(l.names, need-l.n)
	}
}

// repeatIn returns the offset in src of the first name of the names from
// base to end that repeats an earlier one of them, or -1. It reorders them,
// and records in l.sorted by how many top bits they are now sorted.
func (l *nameList) repeatIn(src []byte, base, end int) int {
	var off int
	if l.names == nil {
		off, l.sorted = firstRepeat(src, l.small[base:end], nil)
		return off
	}
	n := end - base
	l.names = slices.Grow(l.names, n)
	off, l.sorted = firstRepeat(src, l.names[base:end], l.names[len(l.names):len(l.names)+n])
	return off
}

// keys returns the names recorded.
func (l *nameList) keys() []uint64 {
	if l.names == nil {
		return l.small[:l.n]
	}
	return l.names[:l.n]
}

// truncate forgets the names from base on.
func (l *nameList) truncate(base int) {
	l.n = base
	if l.names != nil {
		l.names = l.names[:base]
	}
}

// firstRepeatFrom returns the offset in src of the first name recorded
// since base that repeats an earlier one since base, or -1, and forgets
// the names since base. tmp is scratch space, used if it is long enough:
// for sieving many names (sieve), then for sorting those that may repeat;
// else the list makes room after its names.
func (l *nameList) firstRepeatFrom(src []byte, base int, tmp []uint64) int {
	if l.n <= base {
		return -1
	}
	var off int
	if l.names == nil {
		off = firstRepeatSmall(src, l.small[base:l.n])
	} else {
		keys := l.names[base:l.n]
		if c, ok := sieve(keys, tmp); ok {
			if len(tmp) < c && 2*c <= len(keys) {
				tmp = keys[c : 2*c] // the names sieved out are done with
			}
			keys = keys[:c]
		}
		if len(tmp) < len(keys) {
			l.names = slices.Grow(l.names, len(keys)) // room after the names, or a new array
			tmp = l.names[l.n : l.n+len(keys)]
		}
		off, _ = firstRepeat(src, keys, tmp[:len(keys)])
		l.names = l.names[:base]
	}
	l.n = base
	return off
}

// firstRepeatSmall is firstRepeat for a few keys (inlineNames at most),
// without sorting them: a name whose top 8 hash bits no earlier name had
// cannot repeat one, and only the others are compared with the names
// before them.
func firstRepeatSmall(src []byte, keys []uint64) int {
	var seen [4]uint64 // bit b: an earlier name's top 8 hash bits are b
	for j, k := range keys {
		b := k >> 56
		if seen[b>>6]&(1<<(b&63)) != 0 {
			for _, e := range keys[:j] {
				if e>>32 == k>>32 && sameStoredName(src, int(uint32(e)), int(uint32(k))) {
					return int(uint32(k))
				}
			}
		}
		seen[b>>6] |= 1 << (b & 63)
	}
	return -1
}

// sieveMin is the fewest names that sieve sieves: below it, sorting them
// all costs little.
const sieveMin = 1024

// sieve moves to the front of keys, keeping their order, the names that
// may repeat one another, and returns how many they are; the order of the
// others is lost. Equal names have equal hashes, so a name that shares no
// top bits of its hash (about log2(8·len(keys)) of them) with another
// cannot repeat one: a pass over the keys sets one bit per name in a
// bitmap of those top bits, and a second bit where the first was set
// already; a second pass keeps the names whose top bits were set twice,
// one in eight to sixteen. Sorting those few (firstRepeat) finds the first
// repeat, if any, as sorting all would: that and the name it repeats were
// both kept. The two bits of each value of the top bits sit side by side
// (8 to 16 pairs a name: a quarter to half a word a name), in tmp's first
// words; when tmp has too few, or keys are fewer than sieveMin, it does
// nothing and reports false.
func sieve(keys, tmp []uint64) (int, bool) {
	b := bits.Len(uint(len(keys))) + 3
	words := 1 << max(0, b-5) // 32 slots of 2 bits a word
	if len(keys) < sieveMin || len(tmp) < words {
		return 0, false
	}
	slots := tmp[:words:words]
	clear(slots)
	shift := 64 - b
	mask := uint64(words - 1)
	var some uint64
	for _, k := range keys {
		// Slot h's low bit: seen; its high bit: seen again. Both in one
		// word, so that a name costs one access to memory, not two.
		h := k >> shift
		w, at := h>>5&mask, h&31*2
		x := slots[w]
		seen := x >> at & 1
		slots[w] = x | (1|seen<<1)<<at
		some |= seen
	}
	if some == 0 {
		return 0, true
	}
	c := 0
	for _, k := range keys {
		// Written always, kept when seen twice: no branch to mispredict
		// on the one name in eight to sixteen that is kept.
		h := k >> shift
		keys[c] = k
		c += int(slots[h>>5&mask] >> (h&31*2 + 1) & 1)
	}
	return c, true
}

// firstRepeat returns the offset of the first name, in document order,
// that repeats an earlier one of keys (hash<<32 | offset of a name in src,
// after its quote, in document order), or -1. It sorts keys, using tmp
// (as long as keys) as scratch space: linear time, sequential memory. It
// also returns by how many top bits keys are sorted then (0: not sorted;
// stably, in document order among equal ones).
func firstRepeat(src []byte, keys, tmp []uint64) (int, int) {
	if len(keys) < 2 {
		return -1, 64
	}
	if len(keys) <= 16 {
		return firstRepeatSmall(src, keys), 0 // in document order, without sorting
	}
	b := 64
	if len(keys) <= 256 {
		slices.Sort(keys)
	} else {
		b = radixSort(keys, tmp, min(32, bits.Len(uint(len(keys)))+3))
	}
	shift := 64 - min(b, 32)
	first := -1
	for lo := 0; lo < len(keys); {
		hi := lo + 1
		for hi < len(keys) && keys[hi]>>shift == keys[lo]>>shift {
			hi++
		}
		// A run of keys with the same top b bits of their hash (sorted by
		// those bits, stably: within a run, in document order, perhaps
		// with other hashes between equal ones).
		for j := lo + 1; j < hi; j++ {
			b := int(uint32(keys[j]))
			if first >= 0 && b >= first {
				continue
			}
			for i := lo; i < j; i++ {
				if keys[i]>>32 == keys[j]>>32 && sameStoredName(src, int(uint32(keys[i])), b) {
					first = b
					break
				}
			}
		}
		lo = hi
	}
	return first, b
}

// sameStoredName reports whether the names at src[a] and src[b] (after
// their quotes) decode to the same value.
func sameStoredName(src []byte, a, b int) bool {
	ae, aesc := skipString(src, a-1)
	be, besc := skipString(src, b-1)
	return sameName(src[a:ae-1], aesc, src[b:be-1], besc)
}

// skipStringEnd returns the offset past the closing quote of the valid
// string at src[i].
func skipStringEnd(src []byte, i int) int {
	end, _ := skipString(src, i)
	return end
}

// radixSort sorts keys by their top b bits (b at most 32), stably, in 12-bit
// passes, and returns how many top bits it sorted them by (b rounded up to
// whole passes); tmp is scratch space as long as keys.
func radixSort(keys, tmp []uint64, b int) int {
	const digit = 12
	passes := (b + digit - 1) / digit
	var count [1 << digit]int
	src, dst := keys, tmp
	for p := range passes {
		shift := 64 - (passes-p)*digit
		clear(count[:])
		for _, k := range src {
			count[k>>shift&(1<<digit-1)]++
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for _, k := range src {
			d := k >> shift & (1<<digit - 1)
			dst[count[d]] = k
			count[d]++
		}
		src, dst = dst, src
	}
	if passes%2 == 1 {
		copy(keys, tmp)
	}
	return passes * digit
}

// A memberIndex is the sorted hashes of a large patch object's names, each
// with its member's index (indexKeys): inline for up to inlineNames
// members, which is every patch object but an entity's metadata object of
// many members (the body's large root is searched through its name list
// instead). It is a local of object, never stored in the patch object: a
// growing slice there would make all the patch object points to escape to
// the heap; and it holds no slice of its own array, which would make it
// escape too.
type memberIndex struct {
	n     int // members indexed; 0 until built
	small [inlineNames]uint64
	big   []uint64
}

// keys returns the index, built by build.
func (idx *memberIndex) keys() []uint64 {
	if idx.big != nil {
		return idx.big
	}
	return idx.small[:idx.n]
}

// build indexes members, names of an object of src.
func (idx *memberIndex) build(h *hasher, src []byte, members []member) {
	idx.n = len(members)
	if idx.n > len(idx.small) {
		idx.big = make([]uint64, idx.n, 2*idx.n)
	}
	indexKeys(h, src, members, idx.keys(), idx.big[len(idx.big):cap(idx.big)])
}

// indexKeys fills keys with the top halves of the hashes of members' names
// (members of an object of src), each with its member's index below, and
// sorts them: by hash, and among equal hashes by index. tmp is scratch
// space as long as keys, used for more than 256 of them.
func indexKeys(h *hasher, src []byte, members []member, keys, tmp []uint64) {
	for k := range members {
		m := &members[k]
		keys[k] = h.hash(m.raw(src), m.esc)>>32<<32 | uint64(k)
	}
	if len(keys) <= 256 {
		slices.Sort(keys)
	} else {
		radixSort(keys, tmp, 32) // stable: equal hashes stay in member order
	}
}

// findIndexed returns the member of members (indexed by keys, indexKeys)
// named raw, hashed as hv, or nil.
func findIndexed(keys []uint64, src []byte, members []member, hv uint64, raw []byte, esc bool) *member {
	k, _ := slices.BinarySearch(keys, hv>>32<<32)
	for ; k < len(keys) && keys[k]>>32 == hv>>32; k++ {
		if m := &members[uint32(keys[k])]; sameName(m.raw(src), m.esc, raw, esc) {
			return m
		}
	}
	return nil
}

// repeatIndexed returns the index of the first of members (indexed by
// keys, indexKeys) whose name repeats an earlier one's, or -1.
func repeatIndexed(keys []uint64, src []byte, members []member) int {
	first := -1
	for lo := 0; lo < len(keys); {
		hi := lo + 1
		for hi < len(keys) && keys[hi]>>32 == keys[lo]>>32 {
			hi++
		}
		for j := lo + 1; j < hi; j++ { // equal hashes, in member order
			b := &members[uint32(keys[j])]
			for i := lo; i < j; i++ {
				if a := &members[uint32(keys[i])]; sameName(a.raw(src), a.esc, b.raw(src), b.esc) {
					if k := int(uint32(keys[j])); first < 0 || k < first {
						first = k
					}
					break
				}
			}
		}
		lo = hi
	}
	return first
}

// A nameTable is what a call's scanners and walk share about names: the
// call's hasher, its body, and a body scanner's list of the names of its
// open objects (list), with where each open object's names start in it.
// It is a local of the call, zeroed once per call.
type nameTable struct {
	hasher
	body   []byte
	list   nameList // a body scanner's names of the open objects
	starts [128]uint32
	more   []uint32 // starts past the first 128 levels
}

// A hasher hashes decoded names with a seed drawn at random for the call,
// so that no input can be made of names that collide.
type hasher struct {
	seed   maphash.Seed
	k0, k1 uint64 // shortHash's keys, from seed
}

// newHasher returns a hasher with a new random seed.
func newHasher() hasher {
	seed := maphash.MakeSeed()
	return hasher{seed, maphash.String(seed, "k0") | 1, maphash.String(seed, "k1") | 1}
}

// setStart records that the names of the container open at depth d (an
// object's; an array's is never read) start at list[base].
func (t *nameTable) setStart(d int, base uint32) {
	if d < len(t.starts) {
		t.starts[d] = base
		return
	}
	t.more = append(t.more[:d-len(t.starts)], base)
}

// start returns where the names of the object open at depth d start.
func (t *nameTable) start(d int) uint32 {
	if d < len(t.starts) {
		return t.starts[d]
	}
	return t.more[d-len(t.starts)]
}

// hash returns the hash of a name's decoded value; raw is the name between
// its quotes.
// Decoded names of at most 16 bytes, most names, are hashed inline
// (shortHash); longer ones with maphash.
func (t *hasher) hash(raw []byte, esc bool) uint64 {
	if !esc {
		if len(raw) <= 16 {
			return shortHash(raw, t.k0, t.k1)
		}
		return maphash.Bytes(t.seed, raw)
	}
	// Decode into buf, a run of plain bytes at a time; a name that would
	// outgrow it is hashed in pieces (hashPieces).
	var buf [128]byte
	b := buf[:0]
	for i := 0; i < len(raw); {
		j := i
		for j < len(raw) && raw[j] != '\\' && raw[j] < utf8.RuneSelf {
			j++
		}
		if len(b)+j-i > len(buf)-utf8.UTFMax {
			return t.hashPieces(raw)
		}
		b = append(b, raw[i:j]...)
		if i = j; i < len(raw) {
			var r rune
			r, i = nextRune(raw, i)
			b = appendWTF8(b, r)
		}
	}
	if len(b) <= 16 {
		return shortHash(b, t.k0, t.k1)
	}
	return maphash.Bytes(t.seed, b)
}

// hashPieces is hash for an escaped name that decodes to more than buf
// holds: decoded into buf and hashed a buffer at a time, since a
// maphash.Hash fed in pieces sums as maphash.Bytes over the whole.
func (t *hasher) hashPieces(raw []byte) uint64 {
	var buf [128]byte
	b := buf[:0]
	var h maphash.Hash
	h.SetSeed(t.seed)
	for i := 0; i < len(raw); {
		var r rune
		r, i = nextRune(raw, i)
		if b = appendWTF8(b, r); len(b) > len(buf)-utf8.UTFMax {
			h.Write(b)
			b = buf[:0]
		}
	}
	h.Write(b)
	return h.Sum64()
}

// shortHash hashes b (at most 16 bytes) with the keys k0 and k1, drawn from
// the call's random seed: two 64-bit words that together hold all of b (and
// its length), mixed by two full multiplications (as wyhash does).
func shortHash(b []byte, k0, k1 uint64) uint64 {
	n := len(b)
	var x, y uint64
	switch {
	case n >= 8:
		x, y = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4:
		x, y = uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:]))
	case n > 0:
		x = uint64(b[0])<<16 | uint64(b[n>>1])<<8 | uint64(b[n-1])
	}
	hi, lo := bits.Mul64(x^k0, y^k1)
	hi, lo = bits.Mul64(lo^k0^uint64(n), hi^k1)
	return hi ^ lo
}
