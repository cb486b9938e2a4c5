package query

import "testing"

// userDoc is a stored user holding every kind of value the matching
// rules talk about.
const userDoc = `{
 "user_id": "auth0|123",
 "email": "John.Doe@Example.com",
 "name": "John Doe",
 "given_name": "John",
 "family_name": "Doe",
 "nickname": "johnny",
 "username": "jdoe",
 "phone_number": "+15551234567",
 "email_verified": true,
 "blocked": false,
 "logins_count": 13,
 "created_at": "2024-01-31T10:00:00.000Z",
 "identities": [
  {"connection": "Username-Password-Authentication", "provider": "auth0", "user_id": "123", "isSocial": false},
  {"connection": "google-oauth2", "provider": "google-oauth2", "user_id": "g-456"}
 ],
 "user_metadata": {
  "fontSize": 13, "ratio": 1.30, "big": 12345678901234567891, "huge": 1e400,
  "theme": "Dark", "quote": "say \"hi\" \\o/", "caf\u00e9": "cr\u00e8me",
  "addresses": [{"city": "Paris"}, {"city": "Rome"}],
  "prefs": {"lang": "fr", "beta": true},
  "tags": [], "empty": {}, "nothing": null, "nulls": [null, [], {}],
  "nested": [[{"x": "deep"}]], "mixed": ["a", 1, true, null],
  "dup": "first", "dup": "last"
 },
 "app_metadata": {"roles": ["admin", "dev"], "plan": "gold", "subscription": {"plan": "gold"}, "count": "13"}
}`

// matchCases has one case per matching rule and its neighbour, where the
// rule does not apply; see the package doc, "Matching" and "Syntax".
var matchCases = []struct {
	name  string
	query string
	doc   string // userDoc when empty
	want  bool
}{
	// Terms and whole values.
	{name: "field exact", query: `user_id:auth0|123`, want: true},
	{name: "field exact other value", query: `user_id:auth0|124`},
	{name: "whole value not a token", query: `user_id:auth0`},
	{name: "whole value not a suffix", query: `user_id:123`},
	{name: "quoted with space", query: `name:"john doe"`, want: true},
	{name: "escaped space", query: `name:john\ doe`, want: true},
	{name: "one word of a name", query: `name:john`},
	{name: "quoted escapes", query: `user_metadata.quote:"say \"hi\" \\o/"`, want: true},
	{name: "quoted escapes differ", query: `user_metadata.quote:"say \"hi\" o/"`},
	{name: "escaped name and value", query: `user_metadata.café:crème`, want: true},
	{name: "unknown root field", query: `picture:x`},

	// Case.
	{name: "email folds", query: `email:john.doe@example.com`, want: true},
	{name: "given_name folds", query: `given_name:JOHN`, want: true},
	{name: "family_name folds", query: `family_name:dOE`, want: true},
	{name: "nickname folds", query: `nickname:JOHNNY`, want: true},
	{name: "name folds", query: `name:"JOHN DOE"`, want: true},
	{name: "username is case-sensitive", query: `username:JDOE`},
	{name: "username exact case", query: `username:jdoe`, want: true},
	{name: "metadata is case-sensitive", query: `user_metadata.theme:dark`},
	{name: "metadata exact case", query: `user_metadata.theme:Dark`, want: true},
	{name: "identities are case-sensitive", query: `identities.connection:Google-oauth2`},

	// Types.
	{name: "number", query: `user_metadata.fontSize:13`, want: true},
	{name: "number other spelling", query: `user_metadata.fontSize:13.0`, want: true},
	{name: "number exponent spelling", query: `user_metadata.fontSize:1.3e1`, want: true},
	{name: "number quoted", query: `user_metadata.fontSize:"13"`, want: true},
	{name: "number other", query: `user_metadata.fontSize:14`},
	{name: "number not a number", query: `user_metadata.fontSize:13a`},
	{name: "number stored trailing zero", query: `user_metadata.ratio:1.3`, want: true},
	{name: "number more zeros", query: `user_metadata.ratio:1.300`, want: true},
	{name: "number close", query: `user_metadata.ratio:1.31`},
	{name: "number beyond float64", query: `user_metadata.big:12345678901234567891`, want: true},
	{name: "number equal as float64 only", query: `user_metadata.big:12345678901234567890`},
	{name: "number beyond float64 range", query: `user_metadata.huge:10e399`, want: true},
	{name: "number beyond float64 range other", query: `user_metadata.huge:1e401`},
	{name: "boolean", query: `user_metadata.prefs.beta:true`, want: true},
	{name: "boolean other", query: `user_metadata.prefs.beta:false`},
	{name: "boolean upper case", query: `user_metadata.prefs.beta:TRUE`},
	{name: "root boolean", query: `blocked:false`, want: true},
	{name: "root boolean other", query: `blocked:true`},
	{name: "stored string that looks like a number", query: `app_metadata.count:13`, want: true},
	{name: "stored string compares as text", query: `app_metadata.count:13.0`},

	// Nesting and arrays.
	{name: "nested object", query: `app_metadata.subscription.plan:gold`, want: true},
	{name: "object itself never matches", query: `app_metadata.subscription:gold`},
	{name: "array of objects", query: `user_metadata.addresses.city:"Paris"`, want: true},
	{name: "array of objects second", query: `user_metadata.addresses.city:Rome`, want: true},
	{name: "array of objects other", query: `user_metadata.addresses.city:London`},
	{name: "array of strings", query: `app_metadata.roles:admin`, want: true},
	{name: "array of strings whole element", query: `app_metadata.roles:adm`},
	{name: "array of arrays", query: `user_metadata.nested.x:deep`, want: true},
	{name: "array of arrays wrong name", query: `user_metadata.nested.y:deep`},
	{name: "mixed array number", query: `user_metadata.mixed:1`, want: true},
	{name: "mixed array boolean", query: `user_metadata.mixed:true`, want: true},
	{name: "mixed array other", query: `user_metadata.mixed:false`},
	{name: "duplicate name last wins", query: `user_metadata.dup:last`, want: true},
	{name: "duplicate name first ignored", query: `user_metadata.dup:first`},

	// Field groups.
	{name: "field group one", query: `app_metadata.roles:(owner OR admin)`, want: true},
	{name: "field group none", query: `app_metadata.roles:(owner OR guest)`},
	{name: "field group all", query: `app_metadata.roles:(admin AND dev)`, want: true},
	{name: "field group not all", query: `app_metadata.roles:(admin AND owner)`},

	// Not indexed, and _exists_.
	{name: "exists scalar", query: `_exists_:user_metadata.theme`, want: true},
	{name: "exists absent", query: `_exists_:user_metadata.absent`},
	{name: "exists empty array", query: `_exists_:user_metadata.tags`},
	{name: "exists empty object", query: `_exists_:user_metadata.empty`},
	{name: "exists null", query: `_exists_:user_metadata.nothing`},
	{name: "exists array of unindexed", query: `_exists_:user_metadata.nulls`},
	{name: "exists object holding a value", query: `_exists_:user_metadata.prefs`, want: true},
	{name: "exists object whose value is shadowed", query: `_exists_:user_metadata.b`, doc: `{"user_metadata":{"b":{"r":5,"r":null}}}`},
	{name: "exists object whose last duplicate holds a value", query: `_exists_:user_metadata.b`, doc: `{"user_metadata":{"b":{"r":null,"r":5}}}`, want: true},
	{name: "exists through an array", query: `_exists_:user_metadata.addresses.city`, want: true},
	{name: "exists root", query: `_exists_:email`, want: true},
	{name: "exists root absent", query: `_exists_:picture`},
	{name: "null never matches", query: `user_metadata.nothing:null`},
	{name: "null string is a string", query: `user_metadata.n:null`, doc: `{"user_metadata":{"n":"null"}}`, want: true},

	// identities.
	{name: "identities connection", query: `identities.connection:google-oauth2`, want: true},
	{name: "identities provider", query: `identities.provider:auth0`, want: true},
	{name: "identities user_id", query: `identities.user_id:g-456`, want: true},
	{name: "identities user_id other", query: `identities.user_id:789`},
	{name: "identities empty", query: `identities.connection:x`, doc: `{"identities":[]}`},
	{name: "identities wildcard", query: `identities.connection:goog*`, want: true},

	// Operators.
	{name: "AND both", query: `name:john\ doe AND blocked:false`, want: true},
	{name: "AND one", query: `name:john\ doe AND blocked:true`},
	{name: "OR one", query: `blocked:true OR logins_count:13`, want: true},
	{name: "OR none", query: `blocked:true OR logins_count:14`},
	{name: "NOT of a miss", query: `NOT blocked:true`, want: true},
	{name: "NOT of a match", query: `NOT blocked:false`},
	{name: "minus of a match", query: `-blocked:false`},
	{name: "minus of a miss", query: `-blocked:true`, want: true},
	{name: "NOT of an absent field", query: `NOT picture:x`, want: true},
	{name: "parentheses first", query: `(blocked:true OR logins_count:13) AND email_verified:true`, want: true},
	{name: "parentheses second", query: `blocked:true OR (logins_count:13 AND email_verified:false)`},
	{name: "AND before OR", query: `blocked:true AND logins_count:13 OR email_verified:true`, want: true},
	{name: "AND before OR miss", query: `blocked:true AND logins_count:13 OR email_verified:false`},
	{name: "lower-case and is a word", query: `blocked:true and logins_count:13`, want: true},
	{name: "upper-case AND", query: `blocked:true AND logins_count:13`},
	{name: "adjacent terms OR", query: `blocked:true logins_count:13`, want: true},
	{name: "adjacent terms none", query: `blocked:true logins_count:14`},
	{name: "negated clause excludes", query: `logins_count:13 -blocked:false`},
	{name: "negated clause excludes nothing", query: `logins_count:13 -blocked:true`, want: true},
	{name: "OR NOT excludes", query: `logins_count:13 OR NOT blocked:false`},
	{name: "parenthesized NOT joins by OR", query: `logins_count:13 OR (NOT blocked:false)`, want: true},

	// Terms without a field.
	{name: "bare nickname", query: `johnny`, want: true},
	{name: "bare folds", query: `JOHNNY`, want: true},
	{name: "bare quoted name", query: `"john doe"`, want: true},
	{name: "bare given name", query: `john`, want: true},
	{name: "bare words in another order", query: `"doe john"`},
	{name: "bare not username", query: `jdoe`},
	{name: "bare never metadata", query: `Dark`},
	{name: "bare prefix", query: `JOHNN*`, want: true},
	{name: "bare prefix miss", query: `jdo*`},

	// Wildcards.
	{name: "prefix", query: `name:joh*`, want: true},
	{name: "prefix folds", query: `name:JOH*`, want: true},
	{name: "prefix other", query: `name:jon*`},
	{name: "prefix case-sensitive", query: `user_id:AUTH0*`},
	{name: "prefix case-sensitive match", query: `user_id:auth0*`, want: true},
	{name: "prefix never a number", query: `logins_count:134*`, doc: `{"logins_count":1345}`},
	{name: "prefix of a numeric string", query: `phone_number:+1555*`, want: true},
	{name: "escaped star is literal", query: `nickname:abc\*`, doc: `{"nickname":"abc*"}`, want: true},
	{name: "escaped star is not a wildcard", query: `nickname:abc\*`, doc: `{"nickname":"abcd"}`},
	{name: "quoted star is literal", query: `nickname:"ab*"`, doc: `{"nickname":"ab*"}`, want: true},

	// Ranges.
	{name: "range inside", query: `logins_count:[10 TO 20]`, want: true},
	{name: "range below", query: `logins_count:[14 TO 20]`},
	{name: "range inclusive low end", query: `logins_count:[13 TO 20]`, want: true},
	{name: "range exclusive low end", query: `logins_count:{13 TO 20]`},
	{name: "range inclusive high end", query: `logins_count:[* TO 13]`, want: true},
	{name: "range exclusive high end", query: `logins_count:[* TO 13}`},
	{name: "range exact numbers", query: `logins_count:[13.0 TO 1.3e1]`, want: true},
	{name: "range open both", query: `logins_count:[* TO *]`, want: true},
	{name: "range open both absent", query: `logins_count:[* TO *]`, doc: `{}`},
	{name: "range text bound on a number", query: `logins_count:[a TO *]`},
	{name: "range dates", query: `created_at:[2024-01-01 TO 2024-12-31]`, want: true},
	{name: "range dates after", query: `created_at:[2024-02-01 TO *]`},
	{name: "range date is midnight", query: `created_at:[* TO 2024-01-31]`},
	{name: "range date-time", query: `created_at:[* TO 2024-01-31T10:00]`, want: true},
	{name: "range date-time exclusive", query: `created_at:[* TO 2024-01-31T10:00:00.000Z}`},
	{name: "range strings", query: `name:[a TO k]`, want: true},
	{name: "range strings fold", query: `name:[A TO K]`, want: true},
	{name: "range strings outside", query: `name:[k TO z]`},
	{name: "range never a boolean", query: `blocked:[* TO *]`},

	// Documents that are not valid JSON objects.
	{name: "truncated document", query: `johnny`, doc: `{"nickname":"johnny"`},
	{name: "valid document", query: `johnny`, doc: `{"nickname":"johnny"}`, want: true},
	{name: "NOT on invalid document", query: `NOT blocked:true`, doc: `{"blocked":}`},
	{name: "NOT on array document", query: `NOT blocked:true`, doc: `[]`},
	{name: "NOT on empty object", query: `NOT blocked:true`, doc: `{}`, want: true},
	{name: "NOT on invalid UTF-8", query: `NOT blocked:true`, doc: "{\"a\":\"\xff\"}"},
	{name: "NOT on two values", query: `NOT blocked:true`, doc: `{} {}`},
}

func TestMatch(t *testing.T) {
	for _, tc := range matchCases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := Parse(tc.query)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.query, err)
			}
			doc := tc.doc
			if doc == "" {
				doc = userDoc
			}
			if got := q.Match([]byte(doc)); got != tc.want {
				t.Errorf("Parse(%q).Match(doc) = %v, want %v", tc.query, got, tc.want)
			}
			if ref, _ := refMatch(q, []byte(doc)); ref != tc.want {
				t.Errorf("the reference matches Parse(%q) on doc: %v, want %v", tc.query, ref, tc.want)
			}
		})
	}
}

// TestMatchBuiltTree matches trees built by hand, nil pointers included:
// they match nothing and never panic.
func TestMatchBuiltTree(t *testing.T) {
	a := &Term{Field: "nickname", Path: []string{"nickname"}, Fold: true, Kind: Exact, Value: "johnny"}
	tests := []struct {
		name string
		root Node
		want bool
	}{
		{name: "term", root: a, want: true},
		{name: "nil root"},
		{name: "nil term", root: (*Term)(nil)},
		{name: "nil And", root: (*And)(nil)},
		{name: "nil Or", root: (*Or)(nil)},
		{name: "nil Not", root: (*Not)(nil)},
		{name: "Not without operand", root: &Not{}},
		{name: "empty And", root: &And{}},
		{name: "empty Or", root: &Or{}},
		{name: "term without path", root: &Term{Field: "nickname", Kind: Exact, Value: "johnny"}},
		{name: "Not of a match", root: &Not{Operand: a}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := &Query{Root: tc.root}
			if got := q.Match([]byte(userDoc)); got != tc.want {
				t.Errorf("Match = %v, want %v", got, tc.want)
			}
		})
	}
	var nilTerm *Term
	if nilTerm.MatchValue([]byte(`"x"`)) {
		t.Error("a nil term matched a value")
	}
}

// TestCaseNamesUnique checks that every case table names its cases once, so
// that a failure names one case.
func TestCaseNamesUnique(t *testing.T) {
	tables := map[string][]string{}
	for _, tc := range matchCases {
		tables["matchCases"] = append(tables["matchCases"], tc.name)
	}
	for _, tc := range errorCases {
		tables["errorCases"] = append(tables["errorCases"], tc.name)
	}
	for _, tc := range printCases {
		tables["printCases"] = append(tables["printCases"], tc.name)
	}
	for table, names := range tables {
		seen := map[string]bool{}
		for _, name := range names {
			if seen[name] {
				t.Errorf("%s: duplicate case name %q", table, name)
			}
			seen[name] = true
		}
	}
}
