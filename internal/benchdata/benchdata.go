// Package benchdata makes the documents the benchmarks run on, the same in
// the library's benchmarks and in the comparison module (bench/).
package benchdata

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// Run runs f on stored and patch as the sub-benchmark name, reporting
// bytes (of both inputs) and allocations; it fails when f does.
func Run(b *testing.B, name string, stored, patch []byte, f func(stored, patch []byte) ([]byte, error)) {
	b.Run(name, func(b *testing.B) {
		if _, err := f(stored, patch); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(stored) + len(patch)))
		b.ReportAllocs()
		for b.Loop() {
			f(stored, patch)
		}
	})
}

// Metadata returns a metadata object of about size bytes and a patch that
// replaces two of its root members, deletes one and adds one. Its root has
// about 6·√(size/1 KiB) members (6 at 1 KiB, 192 at 1 MiB) holding records
// of strings with escapes, big and decimal numbers, booleans, nested
// objects and arrays: large metadata has both more keys and larger values.
func Metadata(size int) (stored, patch []byte) {
	n := max(4, int(6*math.Sqrt(float64(size)/1024)))
	return object(n, size, 0), patchFor("record_%d")
}

// Wide returns a metadata object of about size bytes whose root members
// are small (about 44 bytes each), and the same kind of patch: the shape
// that costs most per byte, since the merge works per root member.
func Wide(size int) (stored, patch []byte) {
	stored = objectOf(max(4, size/44), func(b []byte, i int) []byte {
		return fmt.Appendf(b, `"key_%06d":{"v":%d,"s":"value %d"}`, i, i*7919, i)
	})
	return stored, patchFor("key_%06d")
}

// Members returns an object with n small members, for duplicate detection.
func Members(n int) []byte {
	return objectOf(n, func(b []byte, i int) []byte { return fmt.Appendf(b, `"member_%d":%d`, i, i) })
}

// objectOf returns an object of n members, the i-th appended by member.
func objectOf(n int, member func(b []byte, i int) []byte) []byte {
	b := []byte{'{'}
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = member(b, i)
	}
	return append(b, '}')
}

// User returns a realistic stored user document of about 2 KB and a PATCH
// body that changes user_metadata and app_metadata and a root property.
func User() (user, body []byte) {
	user = []byte(`{"user_id":"auth0|5f7c8ec7c33c6c004bbafe82","email":"jane.doe@example.com","email_verified":true,` +
		`"name":"Jane Doe","given_name":"Jane","family_name":"Doe","nickname":"jane.doe",` +
		`"picture":"https://s.gravatar.com/avatar/0123456789abcdef0123456789abcdef?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fjd.png",` +
		`"created_at":"2024-01-15T09:30:00.000Z","updated_at":"2026-11-20T17:04:11.123Z","last_login":"2026-11-20T17:04:11.120Z",` +
		`"last_ip":"203.0.113.42","logins_count":412,` +
		`"identities":[{"connection":"Username-Password-Authentication","user_id":"5f7c8ec7c33c6c004bbafe82","provider":"auth0","isSocial":false}],` +
		`"user_metadata":{"hobby":"surfing","preferences":{"theme":"dark","language":"en-US","timezone":"America/Los_Angeles",` +
		`"notifications":{"email":true,"sms":false,"push":true}},"addresses":{"home":"123 Main Street, Anytown, ST 12345",` +
		`"work":"100 Industrial Way, Anytown, ST 12345"},"favorite_numbers":[3,14,15,92,65,35],"bio":"Caf\u00e9 owner \u2615 and surfer"},` +
		`"app_metadata":{"plan":"full","roles":["admin","editor","viewer"],"tenant_id":"t_0123456789","limits":{"projects":25,"seats":100},` +
		`"billing":{"customer_id":"cus_Nf4kQ2z8xY","since":"2024-02-01","mrr":1234.50},"flags":{"beta":true,"sso":false},` +
		`"external_ids":{"crm":"0038d00000ABCDEF","support":12345678901234567891}}}`)
	body = []byte(`{"user_metadata":{"preferences":{"theme":"light","language":"en-GB","timezone":"Europe/London",` +
		`"notifications":{"email":true,"sms":true,"push":false}},"bio":null,"pronouns":"she/her"},` +
		`"app_metadata":{"plan":"enterprise","flags":{"beta":true,"sso":true}},"nickname":"jd"}`)
	return user, body
}

// Tiny returns a metadata object of about size bytes made only of tiny
// root members ("k0000001":1, 13 bytes each: 80,000 at 1 MiB) and the same
// kind of patch: the shape with the most root members per byte.
func Tiny(size int) (stored, patch []byte) {
	stored = objectOf(max(4, size/13), func(b []byte, i int) []byte { return fmt.Appendf(b, `"k%07d":%d`, i, i%10) })
	return stored, patchFor("k%07d")
}

// BigBody returns a stored metadata object of about 1 KiB and a body of
// about size bytes whose root members (about 24 bytes each) are all new:
// the whole body is appended, and its name table is the largest there is.
func BigBody(size int) (stored, body []byte) {
	body = objectOf(max(4, size/24), func(b []byte, i int) []byte { return fmt.Appendf(b, `"new_%07d":"v%07d"`, i, i) })
	return object(6, 1<<10, 0), body
}

// Unicode returns a metadata object of about size bytes whose names and
// string values are mostly CJK text and emoji (raw UTF-8, no escapes), and
// a patch of the same kind of text.
func Unicode(size int) (stored, patch []byte) {
	const text = `東京都渋谷区神南一丁目😀 データベース設定🎉 사용자 환경 설정 Ελληνικά`
	stored = objectOf(max(4, size/(len(text)+40)), func(b []byte, i int) []byte {
		return fmt.Appendf(b, `"名前_%d😀":{"値":"%s","数":%d}`, i, text, i)
	})
	return stored, []byte(`{"名前_1😀":{"値":"置換された値🎉"},"名前_2😀":"新しい","名前_0😀":null,"追加🚀":{"新":true}}`)
}

// Escapes returns a metadata object of about size bytes whose strings are
// full of escape sequences, and a patch of the same kind.
func Escapes(size int) (stored, patch []byte) {
	const text = `line\nbreak \"quoted\" caf\u00e9 \ud83d\ude00 tab\there back\\slash \/path\/to \u2028`
	stored = objectOf(max(4, size/(len(text)+30)), func(b []byte, i int) []byte {
		return fmt.Appendf(b, `"esc\u0061ped_%d":"%s"`, i, text)
	})
	return stored, patchFor(`esc\u0061ped_%d`)
}

// Deep returns a metadata object of about size bytes whose root members
// each hold a value nested depth levels deep (objects and arrays
// alternating), and the same kind of patch.
func Deep(size, depth int) (stored, patch []byte) {
	var v strings.Builder
	for d := range depth {
		if d%2 == 0 {
			v.WriteString(`{"d":`)
		} else {
			v.WriteString(`[`)
		}
	}
	v.WriteString(`"leaf"`)
	for d := depth - 1; d >= 0; d-- {
		if d%2 == 0 {
			v.WriteString(`}`)
		} else {
			v.WriteString(`]`)
		}
	}
	value := v.String()
	stored = objectOf(max(4, size/(len(value)+16)), func(b []byte, i int) []byte { return fmt.Appendf(b, `"deep_%d":%s`, i, value) })
	return stored, patchFor("deep_%d")
}

// Shapes are the documents on which Merge must stay within 2× the floor,
// linear in size, and at one allocation (a big body at two): the root's
// BenchmarkMergeShapes and bench/'s BenchmarkShapes measure each, and the
// root's TestAllocationsOnShapes counts their allocations.
var Shapes = []struct {
	Name string
	Make func(size int) (stored, patch []byte)
}{
	{"mid", Metadata},
	{"wide", Wide},
	{"tiny", Tiny},
	{"bigbody", BigBody},
	{"unicode", Unicode},
	{"escapes", Escapes},
	{"deep90", func(size int) ([]byte, []byte) { return Deep(size, 90) }},
}

// DiffSizes are the sizes the Diff benchmarks of both modules measure.
var DiffSizes = []struct {
	Name string
	N    int
}{{"16KiB", 16 << 10}, {"1MiB", 1 << 20}}

// DiffPair returns a metadata object of about size bytes (Metadata's) and
// the same object with changed of its root members changed (one nested
// number each); every other member keeps its bytes.
func DiffPair(size, changed int) (before, after []byte) {
	n := max(4, int(6*math.Sqrt(float64(size)/1024)))
	return object(n, size, 0), object(n, size, changed)
}

// object returns an object of n records of about size/n bytes each, changed
// of them, spread evenly, with one nested number changed.
func object(n, size, changed int) []byte {
	per := max(40, size/n)
	step := max(1, n/max(1, changed))
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"record_%d":`, i)
		if changed > 0 && i%step == 0 && i/step < changed {
			var r strings.Builder
			record(&r, i, per)
			b.WriteString(strings.Replace(r.String(), `"score":12345678901234567891`, `"score":12345678901234567892`, 1))
		} else {
			record(&b, i, per)
		}
	}
	b.WriteString("}")
	return []byte(b.String())
}

// record writes a value of about size bytes.
func record(b *strings.Builder, i, size int) {
	start := b.Len()
	fmt.Fprintf(b, `{"id":%d,"name":"r\u00e9cord %d","active":%t,"score":12345678901234567891,"ratio":1.50,"tags":[`, i, i, i%2 == 0)
	for j := 0; b.Len()-start < size-40; j++ {
		if j > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(b, `{"k":"tag-%d-%d","n":%d,"ok":true,"note":"line\nbreak \"quoted\""}`, i, j, j)
	}
	b.WriteString(`],"meta":{"v":null}}`)
}

// patchFor replaces members 1 and 2, deletes member 0 and adds one; name
// is the members' name format.
func patchFor(name string) []byte {
	return fmt.Appendf(nil, `{"`+name+`":{"id":1,"name":"replaced","tags":[]},"`+name+`":"replaced","`+name+`":null,"added":{"new":true}}`, 1, 2, 0)
}
