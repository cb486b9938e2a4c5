package mgmttest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/metapatch/metapatch/mgmttest"
	"github.com/metapatch/metapatch/query"
)

// searchUsers are the users every search case runs against, in creation
// order.
var searchUsers = []string{
	`{"user_id":"auth0|1","email":"Jane.Doe@Example.com","name":"Jane Doe","given_name":"Jane","nickname":"jd","username":"janed","logins_count":5,"email_verified":true,"blocked":false,"created_at":"2026-01-10T10:00:00.000Z",` +
		`"identities":[{"connection":"Username-Password-Authentication","provider":"auth0","user_id":"1"}],` +
		`"user_metadata":{"color":"Red","fontSize":13,"addresses":[{"city":"Paris"},{"city":"Rome"}],"empty":{},"none":[],"nothing":null,"a":{"b":{"c":"deep"}}},"app_metadata":{"roles":["admin","dev"],"plan":"full","beta":true}}`,
	`{"user_id":"auth0|2","email":"john@example.com","name":"John Smith","given_name":"John","logins_count":50,"created_at":"2026-02-01T00:00:00.000Z",` +
		`"identities":[{"connection":"google-oauth2","provider":"google-oauth2","user_id":"2"}],"user_metadata":{"color":"red","fontSize":13.0},"app_metadata":{"roles":["dev"],"plan":"free"}}`,
	`{"user_id":"auth0|123","email":"johnny@example.com","name":"johnny","logins_count":1,"created_at":"2026-03-01T00:00:00.000Z","user_metadata":{"color":"blue","fontSize":"13"},"app_metadata":{"beta":false}}`,
	`{"user_id":"sms|4","phone_number":"+15551234","name":"Anna","nickname":"AND","created_at":"2025-12-31T23:59:59.999Z","user_metadata":{"fontSize":14.5}}`,
}

func searchServer(t *testing.T) client {
	docs := make([][]byte, len(searchUsers))
	for i, u := range searchUsers {
		docs[i] = []byte(u)
	}
	_, c := newClient(t, mgmttest.WithUsers(docs...))
	return c
}

// ids returns the user_id of each user in a JSON array.
func ids(t *testing.T, b []byte) []string {
	t.Helper()
	var users []struct {
		UserID string `json:"user_id"`
	}
	if err := json.Unmarshal(b, &users); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	out := []string{}
	for _, u := range users {
		out = append(out, u.UserID)
	}
	return out
}

func TestSearch(t *testing.T) {
	c := searchServer(t)
	for _, tc := range []struct {
		name string
		q    string
		want []string
	}{
		// Whole values: nothing is tokenized.
		{"whole value, not a token", "user_id:auth0", nil},
		{"whole value quoted", `user_id:"auth0|123"`, []string{"auth0|123"}},
		{"whole value bare", `user_id:auth0|123`, []string{"auth0|123"}},
		{"phrase is one value", `name:"Jane Doe"`, []string{"auth0|1"}},
		{"phrase part is not", `name:Jane`, nil},
		// Case, per field.
		{"email folds case", "email:jane.doe@example.com", []string{"auth0|1"}},
		{"name folds case", `name:"jane doe"`, []string{"auth0|1"}},
		{"given_name folds case", "given_name:JOHN", []string{"auth0|2"}},
		{"nickname folds case", "nickname:JD", []string{"auth0|1"}},
		{"family_name folds case", "family_name:x", nil},
		{"username keeps case", "username:JANED", nil},
		{"username exact case", "username:janed", []string{"auth0|1"}},
		{"metadata keeps case lower", "user_metadata.color:red", []string{"auth0|2"}},
		{"metadata keeps case upper", "user_metadata.color:Red", []string{"auth0|1"}},
		{"user_id keeps case", "user_id:AUTH0|123", nil},
		// Numbers, strings and booleans.
		{"number matches 13 and 13.0 and the string 13", "user_metadata.fontSize:13", []string{"auth0|1", "auth0|2", "auth0|123"}},
		{"number spelled 13.00 matches numbers only", "user_metadata.fontSize:13.00", []string{"auth0|1", "auth0|2"}},
		{"fraction", "user_metadata.fontSize:14.5", []string{"sms|4"}},
		{"root number", "logins_count:50", []string{"auth0|2"}},
		{"boolean true", "app_metadata.beta:true", []string{"auth0|1"}},
		{"boolean false", "app_metadata.beta:false", []string{"auth0|123"}},
		{"root boolean", "email_verified:true", []string{"auth0|1"}},
		{"boolean in upper case is a string", "app_metadata.beta:TRUE", nil},
		// Nesting and arrays.
		{"nested objects", "user_metadata.a.b.c:deep", []string{"auth0|1"}},
		{"array of objects skipped", "user_metadata.addresses.city:Paris", []string{"auth0|1"}},
		{"array of objects, second element", "user_metadata.addresses.city:Rome", []string{"auth0|1"}},
		{"array of strings", "app_metadata.roles:admin", []string{"auth0|1"}},
		{"array of strings in two users", "app_metadata.roles:dev", []string{"auth0|1", "auth0|2"}},
		{"identities", "identities.connection:google-oauth2", []string{"auth0|2"}},
		{"an object is not a value", "user_metadata.a:deep", nil},
		// _exists_ and what is not indexed.
		{"exists", "_exists_:user_metadata.color", []string{"auth0|1", "auth0|2", "auth0|123"}},
		{"exists root", "_exists_:phone_number", []string{"sms|4"}},
		{"exists, empty object", "_exists_:user_metadata.empty", nil},
		{"exists, empty array", "_exists_:user_metadata.none", nil},
		{"exists, null", "_exists_:user_metadata.nothing", nil},
		{"null never matches", "user_metadata.nothing:null", nil},
		// Operators.
		{"OR", "user_metadata.color:red OR user_metadata.color:blue", []string{"auth0|2", "auth0|123"}},
		{"AND", "app_metadata.roles:dev AND app_metadata.plan:free", []string{"auth0|2"}},
		{"NOT", "NOT app_metadata.roles:dev", []string{"auth0|123", "sms|4"}},
		{"leading minus", "-app_metadata.roles:dev", []string{"auth0|123", "sms|4"}},
		{"parentheses", "(name:john* OR name:anna) AND NOT logins_count:1", []string{"auth0|2", "sms|4"}},
		{"default OR", "app_metadata.plan:full app_metadata.plan:free", []string{"auth0|1", "auth0|2"}},
		{"field group", "app_metadata.plan:(full OR free)", []string{"auth0|1", "auth0|2"}},
		{"lower-case and is a word", "app_metadata.plan:full and app_metadata.plan:free", []string{"auth0|1", "auth0|2", "sms|4"}},
		// Terms without a field.
		{"bare term, name", "johnny", []string{"auth0|123"}},
		{"bare term, folded", "JOHNNY", []string{"auth0|123"}},
		{"bare term, email", "john@example.com", []string{"auth0|2"}},
		{"bare term never metadata", "deep", nil},
		{"bare term not user_id", "sms|4", nil},
		// Wildcards and ranges on root fields.
		{"wildcard after 3 characters", "name:joh*", []string{"auth0|2", "auth0|123"}},
		{"wildcard folds", "email:JOHN*", []string{"auth0|2", "auth0|123"}},
		{"inclusive range", "logins_count:[5 TO 50]", []string{"auth0|1", "auth0|2"}},
		{"exclusive range", "logins_count:{5 TO 50}", nil},
		{"open range", "logins_count:[* TO 5}", []string{"auth0|123"}},
		{"date range", "created_at:[2026-01-01 TO 2026-02-01]", []string{"auth0|1", "auth0|2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := c.want("GET", "/api/v2/users?search_engine=v3&q="+url.QueryEscape(tc.q), nil, 200, "")
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, ids(t, b)); diff != "" {
				t.Errorf("q=%s (-want +got):\n%s", tc.q, diff)
			}
			// The table agrees with the query package, which any store reproduces.
			q, err := query.Parse(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var matched []string
			for _, u := range searchUsers {
				if q.Match([]byte(u)) {
					matched = append(matched, string(field(t, []byte(u), "user_id").(string)))
				}
			}
			if diff := cmp.Diff(tc.want, matched); diff != "" {
				t.Errorf("query.Match disagrees with the table (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSearchRefusals(t *testing.T) {
	c := searchServer(t)
	for _, tc := range []struct {
		name, params string
	}{
		{"wildcard on metadata", "q=" + url.QueryEscape("user_metadata.color:re*")},
		{"wildcard on app_metadata", "q=" + url.QueryEscape("app_metadata.plan:ful*")},
		{"range on metadata", "q=" + url.QueryEscape("user_metadata.fontSize:[1 TO 20]")},
		{"wildcard too short", "q=" + url.QueryEscape("name:jo*")},
		{"unbalanced parenthesis", "q=" + url.QueryEscape("(name:john")},
		{"field without value", "q=" + url.QueryEscape("name:")},
		{"white space only", "q=" + url.QueryEscape("   ")},
		{"sort on metadata", "sort=" + url.QueryEscape("user_metadata.fontSize:1")},
		{"sort on a path", "sort=" + url.QueryEscape("identities.provider:1")},
		{"sort direction", "sort=" + url.QueryEscape("name:2")},
		{"search engine v1", "search_engine=v1&q=name:john"},
		{"search engine v2", "search_engine=v2&q=name:john"},
		{"search engine in upper case", "search_engine=V3"},
		{"per_page over 100", "per_page=101"},
		{"per_page 0", "per_page=0"},
		{"per_page not a number", "per_page=ten"},
		{"page below 0", "page=-1"},
		{"past the first 1000", "page=10&per_page=100"},
		{"past the first 1000 by default per_page", "page=20"},
		{"page that would overflow", "page=92233720368547759&per_page=100"},
		{"page over the limit", "page=2147483648&per_page=1"},
		{"include_totals not a boolean", "include_totals=yes"},
		{"include_fields not a boolean", "fields=email&include_fields=1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := c.want("GET", "/api/v2/users?"+tc.params, nil, 400, "")
			var e struct {
				StatusCode       int
				Error, ErrorCode string
				Message          string
			}
			if err := json.Unmarshal(b, &e); err != nil || e.ErrorCode != "invalid_query_string" || e.Error != "Bad Request" {
				t.Errorf("body %s", b)
			}
			params, _ := url.ParseQuery(tc.params)
			// A parser's refusal names its message and offset.
			var perr *query.Error
			if q := params.Get("q"); q != "" {
				_, err := query.Parse(q)
				errors.As(err, &perr)
			} else if s := params.Get("sort"); s != "" {
				_, err := query.ParseSort(s)
				errors.As(err, &perr)
			}
			if perr != nil && !strings.Contains(e.Message, fmt.Sprintf("%s at offset %d", perr.Message, perr.Offset)) {
				t.Errorf("message %q does not name %q at offset %d", e.Message, perr.Message, perr.Offset)
			}
		})
	}
	// One whole body.
	c.want("GET", "/api/v2/users?q="+url.QueryEscape("user_metadata.color:re*"), nil, 400,
		`{"statusCode":400,"error":"Bad Request","message":"Query validation error: wildcards are not supported on metadata fields (user_metadata.color) at offset 22 of q \"user_metadata.color:re*\".","errorCode":"invalid_query_string"}`)
	// The neighbours: what is allowed next to each refusal.
	for _, params := range []string{
		"q=" + url.QueryEscape("name:joh*"), "q=" + url.QueryEscape("logins_count:[1 TO 20]"), "sort=" + url.QueryEscape("name:-1"),
		"search_engine=v3", "per_page=100", "per_page=1", "page=0", "page=9&per_page=100", "page=19", "page=999&per_page=1",
		"include_totals=false", "fields=email&include_fields=false", "q=",
	} {
		c.want("GET", "/api/v2/users?"+params, nil, 200, "")
	}
}

func TestSearchPagingAndTotals(t *testing.T) {
	c := searchServer(t)
	got := c.want("GET", "/api/v2/users?q="+url.QueryEscape("_exists_:logins_count")+"&page=1&per_page=2&include_totals=true&fields=user_id", nil, 200, "")
	if want := `{"start":2,"limit":2,"length":1,"users":[{"user_id":"auth0|123"}],"total":3}`; string(got) != want {
		t.Errorf("totals (-want +got):\n%s", cmp.Diff(want, string(got)))
	}
	got = c.want("GET", "/api/v2/users?include_totals=true&fields=user_id", nil, 200, "")
	if want := `{"start":0,"limit":50,"length":4,"users":[{"user_id":"auth0|1"},{"user_id":"auth0|2"},{"user_id":"auth0|123"},{"user_id":"sms|4"}],"total":4}`; string(got) != want {
		t.Errorf("default page (-want +got):\n%s", cmp.Diff(want, string(got)))
	}
	// The neighbour: without include_totals, a bare array.
	got = c.want("GET", "/api/v2/users?page=1&per_page=3&fields=user_id", nil, 200, "")
	if want := `[{"user_id":"sms|4"}]`; string(got) != want {
		t.Errorf("bare array (-want +got):\n%s", cmp.Diff(want, string(got)))
	}
	c.want("GET", "/api/v2/users?page=5&per_page=3", nil, 200, "[]")
}

func TestSearchSort(t *testing.T) {
	c := searchServer(t)
	for _, tc := range []struct {
		sort string
		want []string
	}{
		{"logins_count:-1", []string{"auth0|2", "auth0|1", "auth0|123", "sms|4"}}, // absent last in both directions
		{"logins_count:1", []string{"auth0|123", "auth0|1", "auth0|2", "sms|4"}},
		{"created_at:1", []string{"sms|4", "auth0|1", "auth0|2", "auth0|123"}},
		{"user_id:-1", []string{"sms|4", "auth0|2", "auth0|123", "auth0|1"}},
		{"family_name:1", []string{"auth0|1", "auth0|2", "auth0|123", "sms|4"}}, // nobody has it: creation order
	} {
		t.Run(tc.sort, func(t *testing.T) {
			b := c.want("GET", "/api/v2/users?sort="+url.QueryEscape(tc.sort), nil, 200, "")
			if diff := cmp.Diff(tc.want, ids(t, b)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	b := c.want("GET", "/api/v2/users?sort=logins_count:-1&q="+url.QueryEscape("app_metadata.roles:dev")+"&per_page=1", nil, 200, "")
	if diff := cmp.Diff([]string{"auth0|2"}, ids(t, b)); diff != "" {
		t.Errorf("query, sort and page (-want +got):\n%s", diff)
	}
}

func TestFields(t *testing.T) {
	c := searchServer(t)
	for _, tc := range []struct {
		name, path, want string
	}{
		{"list, include", "/api/v2/users?q=user_id:auth0%7C2&fields=email,user_id", `[{"user_id":"auth0|2","email":"john@example.com"}]`},
		{"list, include, unknown field", "/api/v2/users?q=user_id:auth0%7C2&fields=nope", `[{}]`},
		{"list, exclude", "/api/v2/users?q=user_id:auth0%7C123&fields=user_metadata,app_metadata,identities,created_at,logins_count&include_fields=false",
			`[{"user_id":"auth0|123","email":"johnny@example.com","name":"johnny"}]`},
		{"get, include", "/api/v2/users/sms%7C4?fields=name,phone_number", `{"phone_number":"+15551234","name":"Anna"}`},
		{"get, exclude", "/api/v2/users/sms%7C4?fields=user_metadata,created_at,nickname&include_fields=false", `{"user_id":"sms|4","phone_number":"+15551234","name":"Anna"}`},
		{"get, no fields", "/api/v2/users/auth0%7C2", searchUsers[1]},
		{"by email, include", "/api/v2/users-by-email?email=john@example.com&fields=user_id", `[{"user_id":"auth0|2"}]`},
		{"by email, exclude", "/api/v2/users-by-email?email=johnny@example.com&fields=user_metadata,app_metadata,created_at,logins_count,name&include_fields=false",
			`[{"user_id":"auth0|123","email":"johnny@example.com"}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.want("GET", tc.path, nil, 200, tc.want)
		})
	}
}

func TestUsersByEmail(t *testing.T) {
	c := searchServer(t)
	c.want("POST", "/api/v2/users", `{"user_id":"auth0|5","email":"john@example.com","connection":"other"}`, 201, "")
	for _, tc := range []struct {
		name, email string
		want        []string
	}{
		{"exact", "Jane.Doe@Example.com", []string{"auth0|1"}},
		{"case-sensitive", "jane.doe@example.com", nil},
		{"several users", "john@example.com", []string{"auth0|2", "auth0|5"}},
		{"whole address", "john@example", nil},
		{"nobody", "nobody@example.com", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := c.want("GET", "/api/v2/users-by-email?email="+url.QueryEscape(tc.email), nil, 200, "")
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, ids(t, b)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	c.want("GET", "/api/v2/users-by-email?email=nobody@example.com", nil, 200, "[]")
	c.want("GET", "/api/v2/users-by-email", nil, 400,
		`{"statusCode":400,"error":"Bad Request","message":"Query validation error: Missing required property: email.","errorCode":"invalid_query_string"}`)
	c.want("GET", "/api/v2/users-by-email?email=", nil, 400, "")
	srv, _ := newClient(t)
	client{t, srv.URL, srv.Token("update:users")}.want("GET", "/api/v2/users-by-email?email=a@example.com", nil, 403, "")
}
