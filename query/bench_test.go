package query

import "testing"

func BenchmarkParse(b *testing.B) {
	const q = `(app_metadata.roles:admin OR name:joh*) AND logins_count:[10 TO *] -blocked:true`
	b.ReportAllocs()
	b.SetBytes(int64(len(q)))
	for b.Loop() {
		if _, err := Parse(q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	for _, bc := range []struct{ name, query string }{
		{name: "metadata", query: `user_metadata.addresses.city:Rome`},
		{name: "default fields", query: `johnny`},
		{name: "mixed", query: `(app_metadata.roles:admin OR name:joh*) AND logins_count:[10 TO *] -blocked:true`},
	} {
		q, err := Parse(bc.query)
		if err != nil {
			b.Fatal(err)
		}
		doc := []byte(userDoc)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if !q.Match(doc) {
					b.Fatal("no match")
				}
			}
		})
	}
}
