// Package conformance drives mgmttest with Auth0's official Go SDK, so the
// library's importers never download it: a module of its own.
package conformance

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/auth0/go-auth0/management"
	"github.com/metapatch/metapatch/mgmttest"
)

// newAPI starts a server and returns an SDK client with a token of scopes
// (none: every scope).
func newAPI(t *testing.T, scopes ...string) (*mgmttest.Server, *management.Management) {
	t.Helper()
	srv := newServer(t)
	t.Cleanup(srv.Close)
	return srv, sdk(t, srv, srv.Token(scopes...))
}

func sdk(t *testing.T, srv *mgmttest.Server, token string) *management.Management {
	t.Helper()
	// WithInsecure first: it sets a placeholder token of its own.
	api, err := management.New(srv.URL, management.WithInsecure(), management.WithStaticToken(token), management.WithNoRetries())
	if err != nil {
		t.Fatal(err)
	}
	return api
}

type meta = map[string]interface{}

func ptr[T any](v T) *T { return &v }

// status returns the HTTP status the SDK's error carries, 0 for none.
func status(err error) int {
	var e management.Error
	if errors.As(err, &e) {
		return e.Status()
	}
	return 0
}

// TestSeedPageUsers runs the documentation page's user examples as SDK calls.
func TestSeedPageUsers(t *testing.T) {
	_, api := newAPI(t)
	ctx := context.Background()
	u := &management.User{
		Connection:   ptr("Username-Password-Authentication"),
		Email:        ptr("jane.doe@example.com"),
		Password:     ptr("correct horse battery staple"),
		UserMetadata: &meta{"hobby": "surfing"},
		AppMetadata:  &meta{"plan": "full"},
	}
	if err := api.User.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	id := u.GetID()
	if !strings.HasPrefix(id, "auth0|") || u.Password != nil && *u.Password != "correct horse battery staple" {
		t.Fatalf("created %+v", u)
	}
	steps := []struct {
		name      string
		update    *management.User
		user, app meta // nil app: absent
	}{
		{"add a home address", &management.User{UserMetadata: &meta{"addresses": meta{"home": "123 Main Street, Anytown, ST 12345"}}},
			meta{"hobby": "surfing", "addresses": meta{"home": "123 Main Street, Anytown, ST 12345"}}, meta{"plan": "full"}},
		{"replace addresses whole", &management.User{UserMetadata: &meta{"addresses": meta{"home": "123 Main Street, Anytown, ST 12345", "work": "100 Industrial Way, Anytown, ST 12345"}}},
			meta{"hobby": "surfing", "addresses": meta{"home": "123 Main Street, Anytown, ST 12345", "work": "100 Industrial Way, Anytown, ST 12345"}}, meta{"plan": "full"}},
		{"delete a key with a nil map value", &management.User{UserMetadata: &meta{"hobby": nil}},
			meta{"addresses": meta{"home": "123 Main Street, Anytown, ST 12345", "work": "100 Industrial Way, Anytown, ST 12345"}}, meta{"plan": "full"}},
		{"clear both with empty maps", &management.User{UserMetadata: &meta{}, AppMetadata: &meta{}},
			meta{}, nil},
	}
	for _, step := range steps {
		if err := api.User.Update(ctx, id, step.update); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got, err := api.User.Read(ctx, id)
		if err != nil {
			t.Fatalf("%s: read: %v", step.name, err)
		}
		if got.UserMetadata == nil || !reflect.DeepEqual(*got.UserMetadata, step.user) {
			t.Errorf("%s: user_metadata %v, want %v", step.name, deref(got.UserMetadata), step.user)
		}
		if step.app == nil && got.AppMetadata != nil {
			t.Errorf("%s: app_metadata %v, want it absent", step.name, *got.AppMetadata)
		}
		if step.app != nil && (got.AppMetadata == nil || !reflect.DeepEqual(*got.AppMetadata, step.app)) {
			t.Errorf("%s: app_metadata %v, want %v", step.name, deref(got.AppMetadata), step.app)
		}
	}
}

func deref(m *meta) any {
	if m == nil {
		return nil
	}
	return *m
}

// TestUserErrorsThroughSDK: the library's 400s, and a nil-map metadata
// (sent as null) refused, surface as SDK errors with their status.
func TestUserErrorsThroughSDK(t *testing.T) {
	_, api := newAPI(t)
	ctx := context.Background()
	u := &management.User{Connection: ptr("db"), Email: ptr("a@example.com")}
	if err := api.User.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	var nilMap *meta = new(meta) // a pointer to a nil map: sent as null
	for name, update := range map[string]*management.User{
		"dotted name":         {UserMetadata: &meta{"preference.color": "red"}},
		"reserved app name":   {AppMetadata: &meta{"email": "x"}},
		"null user_metadata":  {UserMetadata: nilMap},
		"a struct read back":  u, // carries user_id: read-only
		"given_name too long": {GivenName: ptr(strings.Repeat("x", 151))},
	} {
		if err := api.User.Update(ctx, u.GetID(), update); status(err) != 400 {
			t.Errorf("%s: got %v (status %d), want 400", name, err, status(err))
		}
	}
	// The neighbour: a valid update goes through.
	if err := api.User.Update(ctx, u.GetID(), &management.User{GivenName: ptr(strings.Repeat("x", 150))}); err != nil {
		t.Errorf("valid update: %v", err)
	}
}

func TestSeedPageClients(t *testing.T) {
	_, api := newAPI(t)
	ctx := context.Background()
	c := &management.Client{Name: ptr("myclient"), ClientMetadata: &map[string]interface{}{"mycolor": "red", "myflavor": "grape"}}
	if err := api.Client.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if len(c.GetClientID()) != 32 {
		t.Errorf("client_id %q", c.GetClientID())
	}
	for _, step := range []struct {
		name   string
		update map[string]interface{}
		want   map[string]interface{}
	}{
		{"change one key", map[string]interface{}{"mycolor": "blue"}, map[string]interface{}{"mycolor": "blue", "myflavor": "grape"}},
		{"delete a key with nil", map[string]interface{}{"myflavor": nil}, map[string]interface{}{"mycolor": "blue"}},
		{"delete the last key", map[string]interface{}{"mycolor": nil}, map[string]interface{}{}},
	} {
		if err := api.Client.Update(ctx, c.GetClientID(), &management.Client{ClientMetadata: &step.update}); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got, err := api.Client.Read(ctx, c.GetClientID())
		if err != nil {
			t.Fatal(err)
		}
		if got.ClientMetadata == nil || !reflect.DeepEqual(*got.ClientMetadata, step.want) {
			t.Errorf("%s: client_metadata %v, want %v", step.name, got.ClientMetadata, step.want)
		}
	}
	// Limits surface as SDK errors with status 400; the neighbours pass.
	ten, eleven := map[string]interface{}{}, map[string]interface{}{}
	for i := range 11 {
		if i < 10 {
			ten[string(rune('a'+i))] = "v"
		}
		eleven[string(rune('a'+i))] = "v"
	}
	if err := api.Client.Update(ctx, c.GetClientID(), &management.Client{ClientMetadata: &ten}); err != nil {
		t.Errorf("10 keys: %v", err)
	}
	for name, m := range map[string]map[string]interface{}{
		"11 keys":        eleven,
		"number value":   {"k": 1},
		"256 characters": {"k": strings.Repeat("v", 256)},
		"dotted name":    {"a.b": "v"},
	} {
		if err := api.Client.Update(ctx, c.GetClientID(), &management.Client{ClientMetadata: &m}); status(err) != 400 {
			t.Errorf("%s: got %v (status %d), want 400", name, err, status(err))
		}
	}
}

func TestOrganizationMetadataReplaced(t *testing.T) {
	_, api := newAPI(t)
	ctx := context.Background()
	o := &management.Organization{Name: ptr("acme"), Metadata: &map[string]string{"another_key": "x", "some_key": "y"}}
	if err := api.Organization.Create(ctx, o); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(o.GetID(), "org_") {
		t.Errorf("id %q", o.GetID())
	}
	if err := api.Organization.Update(ctx, o.GetID(), &management.Organization{Metadata: &map[string]string{"some_key": "z"}}); err != nil {
		t.Fatal(err)
	}
	got, err := api.Organization.Read(ctx, o.GetID())
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"some_key": "z"}; got.Metadata == nil || !reflect.DeepEqual(*got.Metadata, want) {
		t.Errorf("metadata %v, want %v (replaced, not merged)", got.Metadata, want)
	}
	too := map[string]string{}
	for i := range 26 {
		too[strings.Repeat("k", i+1)] = "v"
	}
	if err := api.Organization.Update(ctx, o.GetID(), &management.Organization{Metadata: &too}); status(err) != 400 {
		t.Errorf("26 keys: %v", err)
	}
}

func TestAuthErrorsThroughSDK(t *testing.T) {
	srv, api := newAPI(t)
	ctx := context.Background()
	u := &management.User{Connection: ptr("db"), Email: ptr("a@example.com")}
	if err := api.User.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, err := sdk(t, srv, "forged").User.Read(ctx, u.GetID()); status(err) != 401 {
		t.Errorf("unknown token: %v", err)
	}
	if _, err := sdk(t, srv, srv.Token("update:users")).User.Read(ctx, u.GetID()); status(err) != 403 {
		t.Errorf("no read:users: %v", err)
	}
	limited := sdk(t, srv, srv.Token("read:users update:current_user_metadata"))
	if err := limited.User.Update(ctx, u.GetID(), &management.User{AppMetadata: &meta{"plan": "x"}}); status(err) != 403 {
		t.Errorf("app_metadata with update:current_user_metadata: %v", err)
	}
	if err := limited.User.Update(ctx, u.GetID(), &management.User{UserMetadata: &meta{"theme": "dark"}}); err != nil {
		t.Errorf("user_metadata with update:current_user_metadata: %v", err)
	}
	if _, err := api.User.Read(ctx, "auth0|does-not/exist"); status(err) != 404 {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := api.Client.Read(ctx, "nope"); status(err) != 404 {
		t.Errorf("unknown client: %v", err)
	}
}

func TestListThroughSDK(t *testing.T) {
	_, api := newAPI(t)
	ctx := context.Background()
	for i := range 3 {
		if err := api.Organization.Create(ctx, &management.Organization{Name: ptr(strings.Repeat("o", i+1))}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := api.Organization.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Organizations) != 3 || list.Total != 3 {
		t.Errorf("list: %d organizations, total %d", len(list.Organizations), list.Total)
	}
	users, err := api.User.List(ctx)
	if err != nil || users.Total != 0 {
		t.Errorf("empty user list: %+v %v", users, err)
	}
}
