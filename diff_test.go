package metapatch_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/metapatch/metapatch"
)

// --- Equality as JSON values, independent of the library -----------------

// decodeJSON decodes with exact numbers (json.Number).
func decodeJSON(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %q: %v", b, err)
	}
	return v
}

// semEqual compares decoded values: numbers by exact decimal value.
func semEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !semEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !semEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		p, ok1 := new(big.Rat).SetString(string(x))
		q, ok2 := new(big.Rat).SetString(string(y))
		return ok1 && ok2 && p.Cmp(q) == 0
	default:
		return a == b
	}
}

// normalize applies the package doc's emptiness rules to a decoded document of
// kind, given the stored document it came from: an empty app_metadata or
// organization metadata is the same as an absent one; a user_metadata or
// client_metadata that before had is never absent, but {}.
func normalize(kind string, doc, before any) any {
	m, ok := doc.(map[string]any)
	if !ok {
		return doc
	}
	bm, _ := before.(map[string]any)
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	dropEmpty := func(name string) {
		if o, ok := out[name].(map[string]any); ok && len(o) == 0 {
			delete(out, name)
		}
	}
	keep := func(name string) {
		if _, ok := out[name]; !ok {
			if _, had := bm[name]; had {
				out[name] = map[string]any{}
			}
		}
	}
	switch kind {
	case "user":
		dropEmpty("app_metadata")
		keep("user_metadata")
	case "client":
		keep("client_metadata")
	case "org", "connection":
		dropEmpty("metadata")
	case "domain":
		keep("domain_metadata")
	case "session":
		dropEmpty("session_metadata")
	case "refresh":
		dropEmpty("refresh_token_metadata")
	}
	return out
}

// --- A generator of document pairs ----------------------------------------

// A node is a JSON value before it is spelled.
type node struct {
	kind    byte // o(bject), a(rray), s(tring), n(umber), t(rue), f(alse), z (null)
	str     string
	num     int // index into numbers
	members []genMember
	elems   []*node
}

type genMember struct {
	name string
	val  *node
}

// numbers are classes of equal numbers, each with several spellings.
var numbers = [][]string{
	{"1.5", "1.50", "15e-1", "0.15E+1"},
	{"12345678901234567891", "12345678901234567891.0", "1.2345678901234567891e19"},
	{"0", "-0", "0.0", "0e5"},
	{"100", "1e2", "1E2", "100.00"},
	{"-7", "-7.0", "-70e-1"},
	{"1e400", "10e399", "1.0E400"},
	{"42", "42.000", "4.2e1"},
}

var strs = []string{"é", "a", "hello world", "😀", "tab\tquote\"", "slash/back\\", "", "café ☕", "x.y$z"}

type gen struct {
	r     *rand.Rand
	names []string // names to draw from
	flat  bool     // metadata values are strings only (clients, organizations)
}

func (g *gen) value(depth int) *node {
	if g.flat {
		return &node{kind: 's', str: strs[g.r.IntN(len(strs))]}
	}
	k := g.r.IntN(10)
	if depth > 2 && k >= 7 {
		k = 0
	}
	switch k {
	case 0, 1:
		return &node{kind: 's', str: strs[g.r.IntN(len(strs))]}
	case 2, 3:
		return &node{kind: 'n', num: g.r.IntN(len(numbers))}
	case 4:
		return &node{kind: "tf"[g.r.IntN(2)]}
	case 5, 6:
		return &node{kind: 'z'}
	case 7:
		n := &node{kind: 'a'}
		for range g.r.IntN(4) {
			n.elems = append(n.elems, g.value(depth+1))
		}
		return n
	default:
		return g.object(depth+1, 4, func(*node) bool { return true })
	}
}

// object makes an object of up to max members with distinct names, whose
// values pass ok (root values of metadata may not be null).
func (g *gen) object(depth, max int, ok func(*node) bool) *node {
	n := &node{kind: 'o'}
	used := map[string]bool{}
	for range g.r.IntN(max + 1) {
		name := g.names[g.r.IntN(len(g.names))]
		if used[name] {
			continue
		}
		used[name] = true
		v := g.value(depth)
		for !ok(v) {
			v = g.value(depth)
		}
		n.members = append(n.members, genMember{name, v})
	}
	return n
}

func notNull(n *node) bool { return n.kind != 'z' }

func (g *gen) nonNull() *node {
	v := g.value(1)
	for !notNull(v) {
		v = g.value(1)
	}
	return v
}

// mutate returns a copy of the object n with members kept (to be spelled
// anew), changed, deleted and added, and maybe reordered.
func (g *gen) mutate(n *node, max int, ok func(*node) bool) *node {
	out := &node{kind: 'o'}
	used := map[string]bool{}
	for _, m := range n.members {
		switch p := g.r.IntN(10); {
		case p < 6:
			out.members = append(out.members, m)
			used[m.name] = true
		case p < 8:
			v := g.value(1)
			for !ok(v) {
				v = g.value(1)
			}
			out.members = append(out.members, genMember{m.name, v})
			used[m.name] = true
		}
	}
	for range g.r.IntN(3) {
		name := g.names[g.r.IntN(len(g.names))]
		if used[name] || len(out.members) >= max {
			continue
		}
		used[name] = true
		v := g.value(1)
		for !ok(v) {
			v = g.value(1)
		}
		out.members = append(out.members, genMember{name, v})
	}
	if g.r.IntN(3) == 0 {
		g.r.Shuffle(len(out.members), func(i, j int) { out.members[i], out.members[j] = out.members[j], out.members[i] })
	}
	return out
}

// spell writes n with randomly chosen equivalent spellings.
func (g *gen) spell(b *strings.Builder, n *node) {
	switch n.kind {
	case 'o':
		b.WriteByte('{')
		for i, m := range n.members {
			if i > 0 {
				b.WriteString(g.space(","))
			}
			g.spellString(b, m.name)
			b.WriteString(g.space(":"))
			g.spell(b, m.val)
		}
		b.WriteByte('}')
	case 'a':
		b.WriteString(g.space("["))
		for i, e := range n.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			g.spell(b, e)
		}
		b.WriteString(g.space("]"))
	case 's':
		g.spellString(b, n.str)
	case 'n':
		spellings := numbers[n.num]
		b.WriteString(spellings[g.r.IntN(len(spellings))])
	case 't':
		b.WriteString("true")
	case 'f':
		b.WriteString("false")
	default:
		b.WriteString("null")
	}
}

func (g *gen) space(s string) string {
	if g.r.IntN(8) == 0 {
		return " " + s + "\n "
	}
	return s
}

func (g *gen) spellString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		case g.r.IntN(4) == 0: // escape what need not be
			if r > 0xFFFF {
				hi, lo := utf16.EncodeRune(r)
				fmt.Fprintf(b, `\u%04x\u%04X`, hi, lo)
			} else {
				fmt.Fprintf(b, `\u%04X`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

func (g *gen) render(n *node) []byte {
	var b strings.Builder
	g.spell(&b, n)
	return []byte(b.String())
}

var (
	metaNames   = []string{"a", "b", "c", "é", "k1", "k2", "😀", "sp ace", "hobby", "plan"}
	clientNames = []string{"a", "b", "c", "k1", "k2", "sp ace", "color", "flavor"}
)

// pair returns a before and an after document of kind.
func (g *gen) pair(kind string) (before, after []byte) {
	switch kind {
	case "merge":
		g.names, g.flat = metaNames, false
		b := g.object(1, 6, notNull)
		return g.render(b), g.render(g.mutate(b, 8, notNull))
	case "user":
		g.names, g.flat = metaNames, false
		b := &node{kind: 'o', members: []genMember{
			{"user_id", &node{kind: 's', str: "auth0|1"}},
			{"email", &node{kind: 's', str: "jane@example.com"}},
			{"nickname", &node{kind: 's', str: "jane"}},
			{"custom", g.nonNull()},
			{"user_metadata", g.object(1, 5, notNull)},
			{"app_metadata", g.object(1, 5, notNull)},
		}}
		a := &node{kind: 'o'}
		for _, m := range b.members {
			switch {
			case m.name == "user_id" || g.r.IntN(10) < 6:
				a.members = append(a.members, m)
			case m.name == "user_metadata" || m.name == "app_metadata":
				if g.r.IntN(4) > 0 {
					a.members = append(a.members, genMember{m.name, g.mutate(m.val, 6, notNull)})
				} else if g.r.IntN(2) == 0 {
					a.members = append(a.members, genMember{m.name, &node{kind: 'o'}})
				}
			case g.r.IntN(2) == 0 && m.name != "custom":
				a.members = append(a.members, genMember{m.name, &node{kind: 's', str: strs[1+g.r.IntN(3)]}})
			case m.name == "custom" && g.r.IntN(2) == 0:
				a.members = append(a.members, genMember{m.name, g.nonNull()})
			}
		}
		if g.r.IntN(4) == 0 {
			a.members = append(a.members, genMember{"given_name", &node{kind: 's', str: "Jane"}})
		}
		return g.render(b), g.render(a)
	default: // one metadata field and root properties around it
		d := docKinds[kind]
		g.names, g.flat = d.names, true
		b := &node{kind: 'o'}
		for _, f := range d.fixed {
			b.members = append(b.members, genMember{f[0], &node{kind: 's', str: f[1]}})
		}
		a := &node{kind: 'o', members: slices.Clone(b.members)}
		if d.editable != "" {
			b.members = append(b.members, genMember{d.editable, &node{kind: 's', str: "app"}})
			if k := g.r.IntN(3); k > 0 || !d.removable {
				a.members = append(a.members, genMember{d.editable, &node{kind: 's', str: strs[k+1]}})
			}
		}
		b.members = append(b.members, genMember{d.meta, g.object(1, 6, notNull)})
		switch g.r.IntN(5) {
		case 0: // removed
		case 1:
			a.members = append(a.members, genMember{d.meta, &node{kind: 'o'}})
		default:
			a.members = append(a.members, genMember{d.meta, g.mutate(b.members[len(b.members)-1].val, d.max, notNull)})
		}
		return g.render(b), g.render(a)
	}
}

// A docKind is what the generator needs to know of a document with one
// metadata field: the properties that never change, one that may (and
// whether a PATCH can remove it), the metadata field, its key limit and
// names that its rules accept.
type docKind struct {
	fixed     [][2]string
	editable  string
	removable bool
	meta      string
	max       int
	names     []string
}

var docKinds = map[string]docKind{
	"client": {fixed: [][2]string{{"client_id", "c1"}}, editable: "name", removable: true, meta: "client_metadata", max: 10, names: clientNames},
	"org":    {fixed: [][2]string{{"id", "org_1"}}, editable: "name", removable: true, meta: "metadata", max: 25, names: clientNames},
	"connection": {fixed: [][2]string{{"id", "con_1"}, {"name", "db"}, {"strategy", "auth0"}}, editable: "display_name",
		meta: "metadata", max: 10, names: metaNames},
	"domain": {fixed: [][2]string{{"custom_domain_id", "cd_1"}, {"domain", "login.example.com"}, {"type", "auth0_managed_certs"}},
		editable: "tls_policy", meta: "domain_metadata", max: 10, names: clientNames},
	"session": {fixed: [][2]string{{"id", "s1"}, {"user_id", "auth0|1"}}, meta: "session_metadata", max: 25, names: tokenNames},
	"refresh": {fixed: [][2]string{{"id", "rt1"}, {"user_id", "auth0|1"}, {"client_id", "c1"}}, meta: "refresh_token_metadata",
		max: 25, names: tokenNames},
}

// tokenNames are names that session and refresh-token metadata accept.
var tokenNames = []string{"a", "b", "c", "k1", "k-2", "device_type", "ip", "A_B-c"}

// undecided names the kinds whose metadata is replaced whole by our
// decision: a Diff body must reach after whether Auth0 replaces or merges.
var undecided = map[string]string{"connection": "metadata", "session": "session_metadata", "refresh": "refresh_token_metadata"}

// mergeReading applies the decoded body p to the decoded document before
// as if the metadata field were merged at the root rather than replaced:
// the other reading of an undecided kind.
func mergeReading(before, p map[string]any, field string) map[string]any {
	out := maps.Clone(before)
	for k, v := range p {
		pm, isObj := v.(map[string]any)
		switch {
		case v == nil:
			delete(out, k)
		case k == field && isObj && len(pm) > 0:
			merged, _ := out[k].(map[string]any)
			merged = maps.Clone(merged)
			if merged == nil {
				merged = map[string]any{}
			}
			for mk, mv := range pm {
				if mv == nil {
					delete(merged, mk)
				} else {
					merged[mk] = mv
				}
			}
			out[k] = merged
		default:
			out[k] = v
		}
	}
	return out
}

// --- The properties ------------------------------------------------------

func diffFunc(kind string) (func(before, after []byte) ([]byte, error), func(stored, patch []byte, opts ...metapatch.Option) ([]byte, error)) {
	switch kind {
	case "user":
		return metapatch.DiffUser, metapatch.PatchUser
	case "client":
		return metapatch.DiffClient, metapatch.PatchClient
	case "org":
		return metapatch.DiffOrganization, metapatch.PatchOrganization
	case "connection":
		return metapatch.DiffConnection, metapatch.PatchConnection
	case "domain":
		return metapatch.DiffCustomDomain, metapatch.PatchCustomDomain
	case "session":
		return metapatch.DiffSession, metapatch.PatchSession
	case "refresh":
		return metapatch.DiffRefreshToken, metapatch.PatchRefreshToken
	}
	return metapatch.Diff, metapatch.Merge
}

// checkRoundTrip checks the defining property of Diff on one pair, and
// reports whether the pair was reachable.
func checkRoundTrip(t testing.TB, kind string, before, after []byte) bool {
	t.Helper()
	diff, patch := diffFunc(kind)
	p, err := diff(before, after)
	if err != nil {
		var e *metapatch.Error
		if !errors.As(err, &e) {
			t.Fatalf("%s: error %v is not a *metapatch.Error", kind, err)
		}
		return false
	}
	bv := decodeJSON(t, orEmpty(before))
	want := normalize(kind, decodeJSON(t, after), bv)
	if p == nil {
		if !semEqual(normalize(kind, bv, bv), want) {
			t.Fatalf("%s: no patch, but\nbefore %s\nafter  %s", kind, before, after)
		}
		return true
	}
	if string(p) == "{}" && kind == "merge" && len(decodeJSON(t, after).(map[string]any)) > 0 {
		t.Fatalf("merge: {} clears, after is not empty")
	}
	got, err := patch(before, p)
	if err != nil {
		t.Fatalf("%s: the patch %s does not apply to %s: %v", kind, p, before, err)
	}
	if !semEqual(normalize(kind, decodeJSON(t, got), bv), want) {
		t.Fatalf("%s: round trip failed\nbefore %s\nafter  %s\npatch  %s\ngot    %s", kind, before, after, p, got)
	}
	if field, ok := undecided[kind]; ok {
		other := mergeReading(bv.(map[string]any), decodeJSON(t, p).(map[string]any), field)
		if !semEqual(normalize(kind, other, bv), want) {
			t.Fatalf("%s: the patch does not reach after if Auth0 merges\nbefore %s\nafter  %s\npatch  %s", kind, before, after, p)
		}
	}
	if !repeatsNames(before) {
		// Decoding keeps the last of repeated names, so a value that
		// repeats one may differ from a decoded equal: Diff resends it.
		checkMinimal(t, kind, bv, decodeJSON(t, after), decodeJSON(t, p))
	}
	return true
}

// repeatsNames reports whether an object anywhere in the valid JSON doc
// names a member twice (names compared decoded).
func repeatsNames(doc []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(doc))
	tok, err := dec.Token()
	open, ok := tok.(json.Delim)
	if err != nil || !ok {
		return false
	}
	seen := map[string]bool{}
	for dec.More() {
		if open == '{' {
			tok, _ := dec.Token()
			name, _ := tok.(string)
			if seen[name] {
				return true
			}
			seen[name] = true
		}
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return false
		}
		if repeatsNames(v) {
			return true
		}
	}
	return false
}

// orEmpty returns {} for an absent stored document (nil, empty, white
// space or null), else the document.
func orEmpty(b []byte) []byte {
	if t := bytes.Trim(b, " \t\r\n"); len(t) == 0 || string(t) == "null" {
		return []byte("{}")
	}
	return b
}

// checkMinimal checks that a patch names only root members that differ, and
// that a merged metadata value names only its members that differ.
func checkMinimal(t testing.TB, kind string, before, after, patch any) {
	t.Helper()
	b, _ := before.(map[string]any)
	a := normalize(kind, after, before).(map[string]any)
	nb := normalize(kind, before, before).(map[string]any)
	for k, pv := range patch.(map[string]any) {
		bv, inB := nb[k]
		av, inA := a[k]
		if kind == "merge" {
			bv, inB = b[k]
			av, inA = after.(map[string]any)[k]
		}
		if inA && inB && semEqual(av, bv) {
			t.Fatalf("%s: the patch names %q, which did not change (patch %v)", kind, k, patch)
		}
		po, isObj := pv.(map[string]any)
		merged := kind == "user" && (k == "user_metadata" || k == "app_metadata") || kind == "client" && k == "client_metadata" ||
			kind == "domain" && k == "domain_metadata"
		if !merged || !isObj || len(po) == 0 {
			continue
		}
		bo, _ := bv.(map[string]any)
		ao, _ := av.(map[string]any)
		for mk := range po {
			x, inX := bo[mk]
			y, inY := ao[mk]
			if inX && inY && semEqual(x, y) {
				t.Fatalf("%s: the patch names %s.%q, which did not change", kind, k, mk)
			}
		}
	}
}

func TestDiffRoundTrip(t *testing.T) {
	pairs := 100_000
	if testing.Short() {
		pairs = 10_000
	}
	g := &gen{r: rand.New(rand.NewPCG(1, 2))}
	kinds := diffKinds
	reachable := map[string]int{}
	nilPatches := 0
	for i := range pairs {
		kind := kinds[i%len(kinds)]
		before, after := g.pair(kind)
		if checkRoundTrip(t, kind, before, after) {
			reachable[kind]++
		}
		if i%7 == 0 { // the same document, spelled anew: no patch
			p, err := diffOf(kind)(before, g.respell(before))
			if err != nil || p != nil {
				t.Fatalf("%s: a respelled document gave %s, %v\n%s", kind, p, err, before)
			}
			nilPatches++
		}
	}
	for _, k := range kinds {
		if reachable[k] < pairs/len(kinds)/2 {
			t.Errorf("%s: only %d of %d pairs were reachable; the generator tests too little", k, reachable[k], pairs/len(kinds))
		}
	}
	t.Logf("%d pairs: reachable %v; %d respelled documents gave no patch", pairs, reachable, nilPatches)
}

func diffOf(kind string) func(before, after []byte) ([]byte, error) {
	d, _ := diffFunc(kind)
	return d
}

// respell spells a document anew by decoding and re-encoding it through the
// generator's spellings of its decoded values.
func (g *gen) respell(doc []byte) []byte {
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			b.WriteByte('{')
			i := 0
			for k, e := range x {
				if i > 0 {
					b.WriteString(g.space(","))
				}
				g.spellString(&b, k)
				b.WriteByte(':')
				walk(e)
				i++
			}
			b.WriteByte('}')
		case []any:
			b.WriteByte('[')
			for i, e := range x {
				if i > 0 {
					b.WriteByte(',')
				}
				walk(e)
			}
			b.WriteByte(']')
		case json.Number:
			b.WriteString(respellNumber(g, string(x)))
		case string:
			g.spellString(&b, x)
		case bool:
			fmt.Fprint(&b, x)
		default:
			b.WriteString("null")
		}
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return doc
	}
	walk(v)
	return []byte(b.String())
}

func respellNumber(g *gen, s string) string {
	for _, class := range numbers {
		for _, sp := range class {
			if sp == s {
				return class[g.r.IntN(len(class))]
			}
		}
	}
	return s
}

// --- Golden cases and examples of each rule -------------------------------

// TestDiffGolden runs testdata/diff/<kind>-<case>/{before.json,after.json}
// against want.json or want-error.json; -update rewrites only those.
func TestDiffGolden(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "diff", "*", "after.json"))
	if len(dirs) == 0 {
		t.Fatal("no diff cases under testdata/diff")
	}
	for _, p := range dirs {
		dir := filepath.Dir(p)
		kind, _, _ := strings.Cut(filepath.Base(dir), "-")
		t.Run(filepath.Base(dir), func(t *testing.T) {
			before, _ := os.ReadFile(filepath.Join(dir, "before.json"))
			after := mustRead(t, p)
			got, err := diffOf(kind)(before, after)
			if checkGolden(t, dir, got, err) && !checkRoundTrip(t, kind, before, after) {
				t.Error("a golden success is not reachable")
			}
		})
	}
}

// diffKinds are the families that have a Diff function.
var diffKinds = []string{"merge", "user", "client", "org", "connection", "domain", "session", "refresh"}

var hugeExponent = regexp.MustCompile(`[eE][-+]?[0-9]{4,}`)

// FuzzDiff checks the round trip on any pair of documents the Diff
// functions accept.
func FuzzDiff(f *testing.F) {
	g := &gen{r: rand.New(rand.NewPCG(3, 4))}
	for i := range 40 {
		kind := diffKinds[i%len(diffKinds)]
		b, a := g.pair(kind)
		f.Add(b, a, uint8(i%len(diffKinds)))
	}
	for _, c := range loadGoldenCases(f) {
		if got, err := apply(c.kind, c.stored, c.patch, nil); err == nil && c.stored != nil {
			if k := slices.Index(diffKinds, c.kind); k >= 0 {
				f.Add(c.stored, got, uint8(k))
			}
		}
	}
	f.Fuzz(func(t *testing.T, before, after []byte, k uint8) {
		kind := diffKinds[int(k)%len(diffKinds)]
		if hugeExponent.Match(before) || hugeExponent.Match(after) {
			return // exact comparison would compute 10^huge
		}
		if !json.Valid(after) || !json.Valid(orEmpty(before)) {
			if _, err := diffOf(kind)(before, after); err == nil && !json.Valid(after) {
				t.Fatalf("invalid after %q accepted", after)
			}
			return
		}
		checkRoundTrip(t, kind, before, after)
	})
}
