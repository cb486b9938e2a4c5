package pgstore

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSearchCopy(t *testing.T) {
	for _, c := range []struct{ name, doc, d, f, e string }{
		{"plain", `{"a":1,"b":"x"}`, `{"a":1,"b":"x"}`, "", `["a","b"]`},
		{"white space", " { \"a\" : [ 1 , 2 ] } ", `{"a":[1,2]}`, "", `["a"]`},
		{"numbers kept as spelled", `{"a":1.50,"b":1e400,"c":12345678901234567891}`, `{"a":1.50,"b":1e400,"c":12345678901234567891}`, "", `["a","b","c"]`},
		{"number beyond numeric", `{"a":1e131072,"b":1e131071}`, `{"a":"1e131072","b":1e131071}`, "", `["a","b"]`},
		{"fraction beyond numeric", `{"a":1e-16384,"b":1e-16383}`, `{"a":"1e-16384","b":1e-16383}`, "", `["a","b"]`},
		{"exponent beyond numeric", `{"a":0e1073741823,"b":0e1073741822}`, `{"a":"0e1073741823","b":0e1073741822}`, "", `["a","b"]`},
		{"NUL and U+0001", `{"a\u0000":"x\u0000y\u0001"}`, `{"a\u0001\u0001":"x\u0001\u0001y\u0001\u0002"}`, "", `["a\u0001\u0001"]`},
		{"lone surrogate", `{"a":"\ud800x","b":"\ud83d\ude00"}`, `{"a":"` + "\ufffd" + `x","b":"😀"}`, "", `["a","b"]`},
		{"escapes decoded", `{"a":"\u00e9\n\"\\\/"}`, `{"a":"é\u000a\"\\/"}`, "", `["a"]`},
		{"nested arrays flattened", `{"a":[[1,[2]],[],3]}`, `{"a":[1,2,3]}`, "", `["a"]`},
		{"duplicate names: the last wins", `{"a":1,"b":2,"a":{}}`, `{"a":{},"b":2}`, "", `["b"]`},
		{"folded fields", `{"email":"A@B.c","Name":"X","name":["Élodie",1,true]}`, `{"email":"A@B.c","Name":"X","name":["Élodie",1,true]}`, `{"email":"a@b.c","Name":"x","name":["élodie",1,true]}`, `["Name","email","name"]`},
		{"folded metadata, numbers as spelled", `{"user_metadata":{"c":"RED","n":1E2,"s":1E131072}}`, `{"user_metadata":{"c":"RED","n":1E2,"s":"1E131072"}}`, `{"user_metadata":{"c":"red","n":1E2,"s":"1E131072"}}`, `["user_metadata","user_metadata.c","user_metadata.n","user_metadata.s"]`},
		{"exists paths", `{"m":{"a":{"b":1},"c":[{"d":"x"},{"e":null}],"n":null,"o":{},"p":[]}}`, `{"m":{"a":{"b":1},"c":[{"d":"x"},{"e":null}],"n":null,"o":{},"p":[]}}`, "", `["m","m.a","m.a.b","m.c","m.c.d"]`},
		{"names no query can spell", `{"a.b":1,"":{"c":1},"m":{"x.y":2}}`, `{"a.b":1,"":{"c":1},"m":{"x.y":2}}`, "", `["m"]`},
		{"not an object", `[1]`, "", "", ""},
		{"not JSON", `{"a":}`, "", "", ""},
		{"trailing bytes", `{} x`, "", "", ""},
		{"empty", ``, "", "", ""},
		{"bad number", `{"a":01}`, "", "", ""},
		{"bad escape", `{"a":"\x"}`, "", "", ""},
		{"invalid UTF-8", "{\"a\":\"\xff\"}", "", "", ""},
		{"raw control character", "{\"a\":\"\x01\"}", "", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := "{}" // not a JSON object: only the search for everything finds it
			if c.d != "" {
				f := c.f
				if f == "" {
					f = c.d // folding changes nothing
				}
				want = `{"d":` + c.d + `,"f":` + f + `,"e":` + c.e + `}`
			}
			got := searchCopy([]byte(c.doc))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("searchCopy(%s) (-want +got):\n%s", c.doc, diff)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("not valid JSON: %s", got)
			}
		})
	}
}

func TestSearchCopyDepth(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 150) + "1" + strings.Repeat("}", 150)
	got := searchCopy([]byte(deep)) // "d" and "f" each cut at the limit
	if strings.Count(got, `{"a":`) != 2*maxSearchDepth || !strings.Contains(got, `{"a":null}`) {
		t.Errorf("a document 150 deep: got %.300s…", got)
	}
	// Its neighbour: at the limit, nothing is cut.
	shallow := strings.Repeat(`{"a":`, maxSearchDepth) + "1" + strings.Repeat("}", maxSearchDepth)
	if got := searchCopy([]byte(shallow)); !strings.Contains(got, shallow) {
		t.Errorf("a document %d deep was cut: %.300s…", maxSearchDepth, got)
	}
	// Deep arrays are skipped without recursion.
	arrays := `{"a":` + strings.Repeat("[", 1e6) + strings.Repeat("]", 1e6) + "}"
	if got := searchCopy([]byte(arrays)); !strings.HasPrefix(got, `{"d":{"a":[null]}`) {
		t.Errorf("a million nested arrays: got %.100s", got)
	}
}

// TestSearchCopyInPostgreSQL stores every search copy of the table above,
// and numbers at numeric's limits, in jsonb: PostgreSQL takes them all.
// Its neighbour case: one step past each limit, PostgreSQL refuses the
// number, which is why the copy holds it as a string.
func TestSearchCopyInPostgreSQL(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	holds := []string{"1e131071", "-1e131071", "0.1e-16382", "1e-16383", strings.Repeat("9", numericMaxIntDigits), "0." + strings.Repeat("1", numericMaxFracDigits), "0e1073741822", "1.5E3"}
	refused := []string{"1e131072", "-1e131072", "0.1e-16383", "1e-16384", strings.Repeat("9", numericMaxIntDigits+1), "0." + strings.Repeat("1", numericMaxFracDigits+1), "0e1073741823"}
	for _, n := range holds {
		if !numericHolds(n) {
			t.Errorf("numericHolds(%.20s…) = false, want true", n)
		}
		if _, err := s.pool.Exec(ctx, `SELECT $1::text::jsonb`, n); err != nil {
			t.Errorf("PostgreSQL refused %.20s…: %v", n, err)
		}
		if _, err := s.pool.Exec(ctx, `SELECT $1::text::jsonpath`, "$ ? (@ == "+n+")"); err != nil {
			t.Errorf("PostgreSQL refused %.20s… in a jsonpath: %v", n, err)
		}
	}
	for _, n := range refused {
		if numericHolds(n) {
			t.Errorf("numericHolds(%.20s…) = true, want false", n)
		}
		if _, err := s.pool.Exec(ctx, `SELECT $1::text::jsonb`, n); err == nil {
			t.Errorf("PostgreSQL took %.20s…: the limit is elsewhere", n)
		}
	}
	for _, doc := range append([]string{`{"a":` + strings.Repeat("[", 1e5) + strings.Repeat("]", 1e5) + "}"}, docsOf(exactDocs)...) {
		if _, err := s.pool.Exec(ctx, `SELECT $1::text::jsonb`, searchCopy([]byte(doc))); err != nil {
			t.Errorf("PostgreSQL refused the search copy of %.50s: %v", doc, err)
		}
	}
}

func docsOf(cases []struct{ name, doc string }) []string {
	var docs []string
	for _, c := range cases {
		docs = append(docs, c.doc)
	}
	return docs
}

func TestJSONPathNumber(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"13", "1.3e1", true},
		{"13.0", "1.3e1", true},
		{"1.30e1", "1.3e1", true},
		{"-0.00120", "-1.2e-3", true},
		{"0", "0", true},
		{"-0.0e5", "0", true},
		{"12345678901234567891", "1.2345678901234567891e19", true},
		{"1." + strings.Repeat("0", 20000), "1e0", true}, // numeric would refuse the literal, not the number
		{"1e131072", "", false},
		{"1e99999999999999999999", "", false},
		{"abc", "", false},
		{"01", "", false},
	} {
		got, ok := jsonpathNumber(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("jsonpathNumber(%.30s) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
