package conformance

import (
	"context"
	"errors"
	"reflect"
	"testing"

	v3 "github.com/auth0/go-auth0/v3/management"
	v3client "github.com/auth0/go-auth0/v3/management/client"
	"github.com/auth0/go-auth0/v3/management/core"
	"github.com/auth0/go-auth0/v3/management/option"
	"github.com/metapatch/metapatch/mgmttest"
)

// sdk3 returns a v3 client pointed at the server; it retries 408, 429 and
// 5xx by default, which no scenario here answers.
func sdk3(t *testing.T, srv *mgmttest.Server, token string) *v3client.Management {
	t.Helper()
	api, err := v3client.New(srv.URL, option.WithInsecure(), option.WithToken(token))
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func status3(err error) int {
	var e *core.APIError
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

func TestSDKv3(t *testing.T) {
	srv := mgmttest.NewServer()
	defer srv.Close()
	api := sdk3(t, srv, srv.Token())
	ctx := context.Background()

	created, err := api.Users.Create(ctx, &v3.CreateUserRequestContent{
		Connection:   "Username-Password-Authentication",
		Email:        ptr("jane.doe@example.com"),
		UserMetadata: &v3.UserMetadata{"hobby": "surfing", "color": "red"},
		AppMetadata:  &v3.AppMetadata{"plan": "full"},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := created.GetUserID()
	steps := []struct {
		name      string
		update    *v3.UpdateUserRequestContent
		user, app map[string]any
	}{
		{"merge and delete with nil", &v3.UpdateUserRequestContent{UserMetadata: &v3.UserMetadata{"color": nil, "addresses": map[string]any{"home": "123 Main Street"}}},
			map[string]any{"hobby": "surfing", "addresses": map[string]any{"home": "123 Main Street"}}, map[string]any{"plan": "full"}},
		{"clear with empty maps", &v3.UpdateUserRequestContent{UserMetadata: &v3.UserMetadata{}, AppMetadata: &v3.AppMetadata{}},
			map[string]any{}, nil},
	}
	for _, step := range steps {
		if _, err := api.Users.Update(ctx, id, step.update); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got, err := api.Users.Get(ctx, id, &v3.GetUserRequestParameters{})
		if err != nil {
			t.Fatal(err)
		}
		if got.UserMetadata == nil || !reflect.DeepEqual(map[string]any(*got.UserMetadata), step.user) {
			t.Errorf("%s: user_metadata %v, want %v", step.name, got.UserMetadata, step.user)
		}
		if (step.app == nil) != (got.AppMetadata == nil) || step.app != nil && !reflect.DeepEqual(map[string]any(*got.AppMetadata), step.app) {
			t.Errorf("%s: app_metadata %v, want %v", step.name, got.AppMetadata, step.app)
		}
	}

	cl, err := api.Clients.Create(ctx, &v3.CreateClientRequestContent{Name: "myclient", ClientMetadata: &v3.ClientMetadata{"mycolor": "red"}})
	if err != nil {
		t.Fatal(err)
	}
	eleven := v3.ClientMetadata{}
	for i := range 11 {
		eleven[string(rune('a'+i))] = "v"
	}
	if _, err := api.Clients.Update(ctx, cl.GetClientID(), &v3.UpdateClientRequestContent{ClientMetadata: &eleven}); status3(err) != 400 {
		t.Errorf("11 client keys: %v (status %d)", err, status3(err))
	}
	delete(eleven, "a") // the neighbour: 10 keys, mycolor among them
	if _, err := api.Clients.Update(ctx, cl.GetClientID(), &v3.UpdateClientRequestContent{ClientMetadata: &eleven}); status3(err) != 400 {
		t.Errorf("10 new keys and mycolor make 11: %v", err)
	}
	eleven["mycolor"] = nil
	if _, err := api.Clients.Update(ctx, cl.GetClientID(), &v3.UpdateClientRequestContent{ClientMetadata: &eleven}); err != nil {
		t.Errorf("10 keys after deleting mycolor: %v", err)
	}

	if _, err := api.Users.Get(ctx, "auth0|nobody", &v3.GetUserRequestParameters{}); status3(err) != 404 {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := sdk3(t, srv, "forged").Users.Get(ctx, id, &v3.GetUserRequestParameters{}); status3(err) != 401 {
		t.Errorf("unknown token: %v", err)
	}
	if _, err := sdk3(t, srv, srv.Token("read:users")).Users.Update(ctx, id, &v3.UpdateUserRequestContent{UserMetadata: &v3.UserMetadata{"a": 1}}); status3(err) != 403 {
		t.Errorf("read-only token: %v", err)
	}
}
