package query

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// errorCases lists refused queries with where and why; see the package
// doc, "Errors".
var errorCases = []struct {
	name    string
	query   string
	offset  int
	message string
}{
	{name: "empty", query: "", offset: 0, message: "the query is empty"},
	{name: "only white space", query: " \t ", offset: 0, message: "the query is empty"},
	{name: "unbalanced open", query: "(a", offset: 0, message: "unbalanced '(': no ')' after it"},
	{name: "unbalanced outer open", query: "((a)", offset: 0, message: "unbalanced '(': no ')' after it"},
	{name: "unbalanced inner open", query: "(a OR (b)", offset: 0, message: "unbalanced '(': no ')' after it"},
	{name: "unbalanced close", query: "a)", offset: 1, message: "unbalanced ')': no '(' before it"},
	{name: "unbalanced close first", query: ") a", offset: 0, message: "unbalanced ')': no '(' before it"},
	{name: "unbalanced second close", query: "(a OR b))", offset: 8, message: "unbalanced ')': no '(' before it"},
	{name: "empty parentheses", query: "()", offset: 1, message: "empty parentheses"},
	{name: "AND at end", query: "a AND", offset: 5, message: "the query ends where a term should follow AND"},
	{name: "AND at start", query: "AND a", offset: 0, message: "AND must have a term before it"},
	{name: "OR at start", query: "OR a", offset: 0, message: "OR must have a term before it"},
	{name: "two operators", query: "a AND OR b", offset: 6, message: "OR where a term should follow AND"},
	{name: "OR at end", query: "a OR", offset: 4, message: "the query ends where a term should follow OR"},
	{name: "NOT alone", query: "NOT", offset: 3, message: "the query ends where a term should follow NOT"},
	{name: "NOT before close", query: "(a NOT)", offset: 6, message: "')' where a term should follow NOT"},
	{name: "minus alone", query: "-", offset: 0, message: "'-' must be directly followed by a term, as in -field:value"},
	{name: "minus and space", query: "- a", offset: 0, message: "'-' must be directly followed by a term, as in -field:value"},
	{name: "minus at end", query: "a -", offset: 2, message: "'-' must be directly followed by a term, as in -field:value"},
	{name: "OR after open", query: "(OR b)", offset: 1, message: "OR where a term should follow '('"},
	{name: "field without value at end", query: "name:", offset: 5, message: "field name has no value after ':'"},
	{name: "field then space at end", query: "name:  ", offset: 5, message: "field name has no value after ':'"},
	{name: "field then close", query: "(name:)", offset: 6, message: "field name has no value after ':'"},
	{name: "colon without field", query: ":x", offset: 0, message: "':' must follow a field name directly, as in field:value"},
	{name: "colon after space", query: "name :x", offset: 5, message: "':' must follow a field name directly, as in field:value"},
	{name: "wildcard after 2 characters", query: "name:jo*", offset: 7, message: "a wildcard '*' needs at least 3 characters before it"},
	{name: "wildcard alone", query: "name:*", offset: 5, message: "a wildcard '*' needs at least 3 characters before it"},
	{name: "wildcard after 2 code points", query: "name:éé*", offset: 9, message: "a wildcard '*' needs at least 3 characters before it"},
	{name: "wildcard inside", query: "name:j*hn", offset: 6, message: `'*' is only allowed at the end of a value (escape it as '\*' to search for it)`},
	{name: "question mark", query: "name:jo?n", offset: 7, message: `the wildcard '?' is not supported (escape it as '\?' to search for it)`},
	{name: "wildcard on metadata", query: "user_metadata.plan:gol*", offset: 22, message: "wildcards are not supported on metadata fields (user_metadata.plan)"},
	{name: "wildcard on metadata root", query: "user_metadata:abc*", offset: 17, message: "wildcards are not supported on metadata fields (user_metadata)"},
	{name: "range on metadata", query: "app_metadata.n:[1 TO 2]", offset: 15, message: "ranges are not supported on metadata fields (app_metadata.n)"},
	{name: "exclusive range on metadata", query: "app_metadata.n:{1 TO 2}", offset: 15, message: "ranges are not supported on metadata fields (app_metadata.n)"},
	{name: "range without field", query: "[1 TO 2]", offset: 0, message: "a range needs a field, as in logins_count:[1 TO 5]"},
	{name: "range without TO", query: "logins_count:[1 2]", offset: 16, message: "a range must read [low TO high]: expected TO"},
	{name: "range with lower-case to", query: "logins_count:[1 to 2]", offset: 16, message: "a range must read [low TO high]: expected TO"},
	{name: "range not closed", query: "logins_count:[1 TO 2", offset: 20, message: "a range must end with ']' or '}'"},
	{name: "range closed by parenthesis", query: "logins_count:[1 TO 2)", offset: 20, message: "a range must end with ']' or '}'"},
	{name: "range without low", query: "logins_count:[TO 2]", offset: 14, message: "a range bound is missing before TO"},
	{name: "range without high", query: "logins_count:[1 TO ]", offset: 19, message: "a range bound is missing"},
	{name: "range with wildcard bound", query: "logins_count:[1* TO 2]", offset: 15, message: "a range bound cannot contain a wildcard; '*' alone is an open end"},
	{name: "range followed by a word", query: "name:{1 TO 2]x", offset: 13, message: "a range must be followed by white space, ')' or the end of the query"},
	{name: "range closed twice", query: "logins_count:[1 TO 2]]", offset: 21, message: "a range must be followed by white space, ')' or the end of the query"},
	{name: "quote not closed", query: `name:"abc`, offset: 5, message: `quoted value has no closing '"'`},
	{name: "quote with unknown escape", query: `name:"a\b"`, offset: 7, message: `in a quoted value, '\' must be followed by '"' or '\'`},
	{name: "quote followed by a word", query: `name:"abc"x`, offset: 10, message: "a quoted value must be followed by white space, ')' or the end of the query"},
	{name: "quoted field", query: `"name":x`, offset: 0, message: "a field name cannot be quoted"},
	{name: "backslash at end", query: `name\`, offset: 4, message: `'\' at the end of the query escapes nothing`},
	{name: "plus", query: "+a", offset: 0, message: "'+' is not supported: join required terms with AND"},
	{name: "exclamation", query: "!a", offset: 0, message: "'!' is not supported: use NOT"},
	{name: "double ampersand", query: "a && b", offset: 2, message: "'&&' is not supported: use AND"},
	{name: "double bar", query: "a || b", offset: 2, message: "'||' is not supported: use OR"},
	{name: "exists without field", query: "_exists_:", offset: 9, message: "_exists_ has no field name after ':'"},
	{name: "exists group", query: "_exists_:(a)", offset: 9, message: "_exists_ needs a field name, as in _exists_:user_metadata.plan"},
	{name: "field group empty", query: "name:()", offset: 6, message: "empty parentheses"},
	{name: "field group unbalanced", query: "name:(a OR b", offset: 5, message: "unbalanced '(': no ')' after it"},
	{name: "field group wildcard on metadata", query: "user_metadata.a:(x OR abc*)", offset: 25, message: "wildcards are not supported on metadata fields (user_metadata.a)"},
	{name: "field group range on metadata", query: "user_metadata.a:(x [1 TO 2])", offset: 19, message: "ranges are not supported on metadata fields (user_metadata.a)"},
	{name: "field group bad path", query: "a..b:(x)", offset: 0, message: `field "a..b" has an empty name between dots`},
	{name: "field group short wildcard", query: "name:(jo*)", offset: 8, message: "a wildcard '*' needs at least 3 characters before it"},
	{name: "exists star", query: "_exists_:*", offset: 9, message: "_exists_ needs a field name without wildcards"},
	{name: "exists wildcard", query: "_exists_:abc*", offset: 12, message: "_exists_ needs a field name without wildcards"},
	{name: "exists range", query: "_exists_:[a TO b]", offset: 9, message: "_exists_ needs a field name, as in _exists_:user_metadata.plan"},
	{name: "exists empty quoted", query: `_exists_:""`, offset: 9, message: "_exists_ needs a field name, as in _exists_:user_metadata.plan"},
	{name: "exists bad path", query: `_exists_:a..b`, offset: 9, message: `field "a..b" has an empty name between dots`},
	{name: "double dot", query: "a..b:x", offset: 0, message: `field "a..b" has an empty name between dots`},
	{name: "leading dot", query: ".a:x", offset: 0, message: `field ".a" has an empty name between dots`},
	{name: "trailing dot", query: "a.:x", offset: 0, message: `field "a." has an empty name between dots`},
	{name: "wildcard field", query: "ab*:x", offset: 2, message: "a field name cannot contain a wildcard"},
	{name: "colon in value", query: "name:a:b", offset: 6, message: `a ':' in a value must be escaped as '\:', or the value quoted`},
	{name: "invalid UTF-8", query: "\xff", offset: 0, message: "the query is not valid UTF-8"},
	{name: "invalid UTF-8 later", query: "a \xffb", offset: 2, message: "the query is not valid UTF-8"},
	{name: "too deep parentheses", query: deep("(", 101) + "a" + deep(")", 101), offset: 100, message: "the query nests deeper than 100 levels"},
	{name: "too deep NOT", query: deep("NOT ", 101) + "a", offset: 400, message: "the query nests deeper than 100 levels"},
	{name: "too deep tree", query: nestGroups(51), offset: 1, message: "the query nests deeper than 100 levels"},
}

func deep(s string, n int) string {
	var b []byte
	for range n {
		b = append(b, s...)
	}
	return string(b)
}

func TestParseErrors(t *testing.T) {
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := Parse(tc.query)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error", tc.query, q)
			}
			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("Parse(%q) error %T, want *Error", tc.query, err)
			}
			want := &Error{Offset: tc.offset, Message: tc.message}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Parse(%q) error (-want +got):\n%s", tc.query, diff)
			}
		})
	}
}

// nestGroups returns n groups nested in one another, each "(x ... -c)",
// whose tree is twice as deep as its text: And{Or{x, ...}, Not{c}}.
func nestGroups(n int) string {
	s := "a"
	for range n {
		s = "(x " + s + " -c)"
	}
	return s
}

// TestParseNesting checks the neighbour of the depth limits: 100 levels
// parse, and print to text that parses back.
func TestParseNesting(t *testing.T) {
	for _, query := range []string{deep("(", 100) + "a" + deep(")", 100), deep("NOT ", 100) + "a", deep("-", 100) + "a", nestGroups(50)} {
		q, err := Parse(query)
		if err != nil {
			t.Fatalf("Parse(%.20q...): %v", query, err)
		}
		checkRoundTrip(t, query, q)
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{name: "start", err: &Error{Offset: 0, Message: "the query is empty"}, want: "query: offset 0: the query is empty"},
		{name: "later", err: &Error{Offset: 12, Message: "empty parentheses"}, want: "query: offset 12: empty parentheses"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func term(field string, kind Kind, value string) *Term {
	t := &Term{Field: field, Kind: kind, Value: value, Number: IsNumber(value), Fold: field == "" || CaseInsensitive(field), Metadata: IsMetadata(field)}
	if field != "" {
		t.Path = splitPath(field)
	}
	if kind == Exists {
		t.Number = false
	}
	return t
}

func splitPath(f string) []string {
	var p []string
	start := 0
	for i := 0; i <= len(f); i++ {
		if i == len(f) || f[i] == '.' {
			p = append(p, f[start:i])
			start = i + 1
		}
	}
	return p
}

// TestParseTree checks the trees Parse builds, operators and term fields
// included.
func TestParseTree(t *testing.T) {
	a, b, c := term("", Exact, "a"), term("", Exact, "b"), term("", Exact, "c")
	tests := []struct {
		name  string
		query string
		want  Node
	}{
		{name: "bare word", query: "a", want: a},
		{name: "adjacent", query: "a b c", want: &Or{Operands: []Node{a, b, c}}},
		{name: "explicit OR", query: "a OR b OR c", want: &Or{Operands: []Node{a, b, c}}},
		{name: "AND", query: "a AND b AND c", want: &And{Operands: []Node{a, b, c}}},
		{name: "AND binds tighter", query: "a OR b AND c", want: &Or{Operands: []Node{a, &And{Operands: []Node{b, c}}}}},
		{name: "parentheses", query: "(a OR b) AND c", want: &And{Operands: []Node{&Or{Operands: []Node{a, b}}, c}}},
		{name: "nested OR kept", query: "a OR (b OR c)", want: &Or{Operands: []Node{a, &Or{Operands: []Node{b, c}}}}},
		{name: "NOT", query: "NOT a", want: &Not{Operand: a}},
		{name: "minus", query: "-a", want: &Not{Operand: a}},
		{name: "negated clause", query: "a b -c", want: &And{Operands: []Node{&Or{Operands: []Node{a, b}}, &Not{Operand: c}}}},
		{name: "only negated clauses", query: "-a NOT b", want: &And{Operands: []Node{&Not{Operand: a}, &Not{Operand: b}}}},
		{name: "negated clause after AND", query: "a AND b -c", want: &And{Operands: []Node{&And{Operands: []Node{a, b}}, &Not{Operand: c}}}},
		{name: "NOT inside AND", query: "NOT a AND b", want: &And{Operands: []Node{&Not{Operand: a}, b}}},
		{name: "NOT in parentheses", query: "a OR (NOT b)", want: &Or{Operands: []Node{a, &Not{Operand: b}}}},
		{name: "lower-case operators", query: "a and b or c not", want: &Or{Operands: []Node{a, term("", Exact, "and"), b, term("", Exact, "or"), c, term("", Exact, "not")}}},
		{name: "operator word as field", query: "AND:x", want: term("AND", Exact, "x")},
		{name: "operator word as value", query: "name:OR", want: term("name", Exact, "OR")},
		{name: "minus in value", query: "logins_count:-1", want: term("logins_count", Exact, "-1")},
		{name: "space after colon", query: "name: john", want: term("name", Exact, "john")},
		{name: "space after exists", query: "_exists_:\temail", want: term("email", Exists, "")},
		{name: "field group", query: "name:(john OR jane)", want: &Or{Operands: []Node{term("name", Exact, "john"), term("name", Exact, "jane")}}},
		{name: "field group adjacent", query: `name:(john "jane doe" jan*)`, want: &Or{Operands: []Node{term("name", Exact, "john"), term("name", Exact, "jane doe"), term("name", Prefix, "jan")}}},
		{name: "field group inner field", query: "name:(a email:b)", want: &Or{Operands: []Node{term("name", Exact, "a"), term("email", Exact, "b")}}},
		{name: "field group negation", query: "name:(a -b)", want: &And{Operands: []Node{term("name", Exact, "a"), &Not{Operand: term("name", Exact, "b")}}}},
		{name: "field group nested", query: "name:(a (b AND c))", want: &Or{Operands: []Node{term("name", Exact, "a"), &And{Operands: []Node{term("name", Exact, "b"), term("name", Exact, "c")}}}}},
		{name: "field group ends", query: "name:(a) b", want: &Or{Operands: []Node{term("name", Exact, "a"), term("", Exact, "b")}}},
		{name: "field group range", query: "logins_count:([1 TO 2] OR 5)", want: &Or{Operands: []Node{&Term{
			Field: "logins_count", Path: []string{"logins_count"}, Kind: Range,
			Low:  Bound{Inclusive: true, Value: "1", Number: true, Key: "1"},
			High: Bound{Inclusive: true, Value: "2", Number: true, Key: "2"},
		}, term("logins_count", Exact, "5")}}},
		{name: "metadata number", query: "user_metadata.a.b:13", want: term("user_metadata.a.b", Exact, "13")},
		{name: "quoted", query: `email:"a \"b\" \\c"`, want: term("email", Exact, `a "b" \c`)},
		{name: "escaped", query: `email:a\ b\:c\*`, want: term("email", Exact, `a b:c*`)},
		{name: "quoted empty", query: `name:""`, want: term("name", Exact, "")},
		{name: "prefix", query: "name:joh*", want: term("name", Prefix, "joh")},
		{name: "exists", query: "_exists_:app_metadata.plan", want: term("app_metadata.plan", Exists, "")},
		{name: "escaped exists is a field", query: `\_exists_:x`, want: term("_exists_", Exact, "x")},
		{name: "range", query: "created_at:[2024-01-01 TO *}", want: &Term{
			Field: "created_at", Path: []string{"created_at"}, Kind: Range,
			Low:  Bound{Inclusive: true, Value: "2024-01-01", Key: "2024-01-01T00:00:00.000Z"},
			High: Bound{Unbounded: true},
		}},
		{name: "range numbers", query: `logins_count:{-1 TO "*"]`, want: &Term{
			Field: "logins_count", Path: []string{"logins_count"}, Kind: Range,
			Low:  Bound{Value: "-1", Number: true, Key: "-1"},
			High: Bound{Inclusive: true, Value: "*", Key: "*"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := Parse(tc.query)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.query, err)
			}
			if diff := cmp.Diff(&Query{Root: tc.want}, q); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.query, diff)
			}
		})
	}
}

func TestDateKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2024-01-31", "2024-01-31T00:00:00.000Z"},
		{"2024-01-31Z", "2024-01-31T00:00:00.000Z"},
		{"2024-01-31T10:20", "2024-01-31T10:20:00.000Z"},
		{"2024-01-31T10:20:30", "2024-01-31T10:20:30.000Z"},
		{"2024-01-31T10:20:30.1", "2024-01-31T10:20:30.100Z"},
		{"2024-01-31T10:20:30.12Z", "2024-01-31T10:20:30.120Z"},
		{"2024-01-31T10:20:30.123Z", "2024-01-31T10:20:30.123Z"},
		{"2024-01-31T10:20:30.1234Z", "2024-01-31T10:20:30.1234Z"},
		{"2024-01-31T10", "2024-01-31T10"},
		{"2024-1-31", "2024-1-31"},
		{"2024", "2024"},
		{"abcd-ef-gh", "abcd-ef-gh"},
	}
	for _, tc := range tests {
		if got := dateKey(tc.in); got != tc.want {
			t.Errorf("dateKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
