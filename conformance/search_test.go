package conformance

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/auth0/go-auth0/management"
)

// TestUserSearchThroughSDK: User.List with Query, Sort, Page, PerPage and
// IncludeFields, and ListByEmail, as go-auth0 sends them.
func TestUserSearchThroughSDK(t *testing.T) {
	_, api := newAPI(t)
	ctx := context.Background()
	colors := []string{"red", "blue", "red", "Red", "red"}
	for i, color := range colors {
		u := &management.User{
			ID:           ptr(fmt.Sprintf("auth0|%d", i)),
			Connection:   ptr("db"),
			Email:        ptr(fmt.Sprintf("user%d@example.com", i)),
			Name:         ptr(fmt.Sprintf("User %d", 4-i)),
			UserMetadata: &meta{"color": color, "size": i},
		}
		if err := api.User.Create(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(l *management.UserList) []string {
		out := []string{}
		for _, u := range l.Users {
			out = append(out, u.GetID())
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		opts  []management.RequestOption
		want  []string
		total int
	}{
		{"query, case-sensitive metadata", []management.RequestOption{management.Query(`user_metadata.color:"red"`)}, []string{"auth0|0", "auth0|2", "auth0|4"}, 3},
		{"query and sort", []management.RequestOption{management.Query("user_metadata.color:red"), management.Sort("name:1")}, []string{"auth0|4", "auth0|2", "auth0|0"}, 3},
		{"query, sort and page", []management.RequestOption{management.Query("user_metadata.color:red"), management.Sort("name:1"), management.Page(1), management.PerPage(2)}, []string{"auth0|0"}, 3},
		{"numbers", []management.RequestOption{management.Query("user_metadata.size:[* TO *] OR user_metadata.size:3")}, nil, 0},
		{"number", []management.RequestOption{management.Query("user_metadata.size:3")}, []string{"auth0|3"}, 1},
		{"no query", []management.RequestOption{management.PerPage(2)}, []string{"auth0|0", "auth0|1"}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, err := api.User.List(ctx, append(tc.opts, management.IncludeFields("user_id", "email"))...)
			if tc.want == nil {
				if status(err) != 400 {
					t.Errorf("want 400, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(list); !reflect.DeepEqual(got, tc.want) || list.Total != tc.total {
				t.Errorf("got %v total %d, want %v total %d", got, list.Total, tc.want, tc.total)
			}
			for _, u := range list.Users {
				if u.UserMetadata != nil || u.Name != nil || u.Email == nil {
					t.Errorf("fields not applied: %+v", u)
				}
			}
		})
	}
	if _, err := api.User.List(ctx, management.Sort("user_metadata.color:1")); status(err) != 400 {
		t.Errorf("sort on metadata: %v", err)
	}
	if _, err := api.User.List(ctx, management.Page(10), management.PerPage(100)); status(err) != 400 {
		t.Errorf("past the first 1000: %v", err)
	}

	found, err := api.User.ListByEmail(ctx, "user3@example.com")
	if err != nil || len(found) != 1 || found[0].GetID() != "auth0|3" {
		t.Errorf("ListByEmail: %v %v", found, err)
	}
	if found, err := api.User.ListByEmail(ctx, "USER3@example.com"); err != nil || len(found) != 0 {
		t.Errorf("ListByEmail is case-sensitive: %v %v", found, err)
	}
}
