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
	srv := newServer(t)
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

func TestSessionsAndRefreshTokensSDKv3(t *testing.T) {
	srv := newServer(t,
		mgmttest.WithSessions([]byte(`{"id":"ses_1","user_id":"auth0|1","session_metadata":{"a":"1"}}`)),
		mgmttest.WithRefreshTokens([]byte(`{"id":"rt_1","user_id":"auth0|1"}`)))
	defer srv.Close()
	id, secret := srv.Credentials("read:sessions update:sessions read:refresh_tokens update:refresh_tokens")
	api, err := v3client.New(srv.URL, option.WithInsecure(), option.WithClientCredentials(context.Background(), id, secret))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// Session metadata is replaced whole.
	if _, err := api.Sessions.Update(ctx, "ses_1", &v3.UpdateSessionRequestContent{SessionMetadata: &v3.SessionMetadata{"b": "2"}}); err != nil {
		t.Fatal(err)
	}
	s, err := api.Sessions.Get(ctx, "ses_1")
	if err != nil {
		t.Fatal(err)
	}
	if want := (v3.SessionMetadata{"b": "2"}); !reflect.DeepEqual(s.GetSessionMetadata(), want) || s.GetUserID() != "auth0|1" {
		t.Errorf("session_metadata %v, want %v", s.GetSessionMetadata(), want)
	}
	if _, err := api.Sessions.Update(ctx, "ses_1", &v3.UpdateSessionRequestContent{SessionMetadata: &v3.SessionMetadata{"a.b": "x"}}); status3(err) != 400 {
		t.Errorf("a dotted name: %v", err)
	}
	if _, err := api.Sessions.Get(ctx, "ses_nope"); status3(err) != 404 {
		t.Errorf("unknown session: %v", err)
	}

	if _, err := api.RefreshTokens.Update(ctx, "rt_1", &v3.UpdateRefreshTokenRequestContent{RefreshTokenMetadata: &v3.RefreshTokenMetadata{"device": "phone"}}); err != nil {
		t.Fatal(err)
	}
	rt, err := api.RefreshTokens.Get(ctx, "rt_1")
	if err != nil {
		t.Fatal(err)
	}
	if want := (v3.RefreshTokenMetadata{"device": "phone"}); !reflect.DeepEqual(rt.GetRefreshTokenMetadata(), want) {
		t.Errorf("refresh_token_metadata %v, want %v", rt.GetRefreshTokenMetadata(), want)
	}
	empty := v3.RefreshTokenMetadata{}
	if _, err := api.RefreshTokens.Update(ctx, "rt_1", &v3.UpdateRefreshTokenRequestContent{RefreshTokenMetadata: &empty}); err != nil {
		t.Fatal(err)
	}
	if rt, err := api.RefreshTokens.Get(ctx, "rt_1"); err != nil || rt.GetRefreshTokenMetadata() != nil {
		t.Errorf("after {}: %v %v", rt.GetRefreshTokenMetadata(), err)
	}
}
