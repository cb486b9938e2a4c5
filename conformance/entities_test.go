package conformance

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/auth0/go-auth0/authentication"
	"github.com/auth0/go-auth0/authentication/database"
	"github.com/auth0/go-auth0/management"
)

func TestConnectionThroughSDK(t *testing.T) {
	_, api := newAPI(t)
	ctx := context.Background()
	c := &management.Connection{Name: ptr("db-main"), Strategy: ptr("auth0"), Metadata: &map[string]string{"a": "1", "b": "2"}}
	if err := api.Connection.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.GetID(), "con_") || len(c.GetID()) != 20 {
		t.Errorf("id %q", c.GetID())
	}
	// metadata is replaced whole.
	if err := api.Connection.Update(ctx, c.GetID(), &management.Connection{Metadata: &map[string]string{"c": "3"}}); err != nil {
		t.Fatal(err)
	}
	got, err := api.Connection.ReadByName(ctx, "db-main")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"c": "3"}; got.Metadata == nil || !reflect.DeepEqual(*got.Metadata, want) {
		t.Errorf("metadata %v, want %v", got.Metadata, want)
	}
	if err := api.Connection.Update(ctx, c.GetID(), &management.Connection{Name: ptr("renamed")}); status(err) != 400 {
		t.Errorf("renaming: %v", err)
	}
	list, err := api.Connection.List(ctx)
	if err != nil || len(list.Connections) != 1 || list.Total != 1 {
		t.Errorf("list: %+v %v", list, err)
	}
	if err := api.Connection.Delete(ctx, c.GetID()); err != nil {
		t.Fatal(err)
	}
	if _, err := api.Connection.Read(ctx, c.GetID()); status(err) != 404 {
		t.Errorf("read after delete: %v", err)
	}
}

func TestCustomDomainThroughSDK(t *testing.T) {
	_, api := newAPI(t)
	ctx := context.Background()
	d := &management.CustomDomain{Domain: ptr("login.example.com"), Type: ptr("auth0_managed_certs"), DomainMetadata: &map[string]interface{}{"a": "1"}}
	if err := api.CustomDomain.Create(ctx, d); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.GetID(), "cd_") {
		t.Errorf("custom_domain_id %q", d.GetID())
	}
	// domain_metadata is merged; a nil value deletes its key.
	for _, step := range []struct {
		update, want map[string]interface{}
	}{
		{map[string]interface{}{"b": "2"}, map[string]interface{}{"a": "1", "b": "2"}},
		{map[string]interface{}{"a": nil}, map[string]interface{}{"b": "2"}},
	} {
		if err := api.CustomDomain.Update(ctx, d.GetID(), &management.CustomDomain{DomainMetadata: &step.update}); err != nil {
			t.Fatal(err)
		}
		got, err := api.CustomDomain.Read(ctx, d.GetID())
		if err != nil {
			t.Fatal(err)
		}
		if got.DomainMetadata == nil || !reflect.DeepEqual(*got.DomainMetadata, step.want) {
			t.Errorf("domain_metadata %v, want %v", got.DomainMetadata, step.want)
		}
	}
	if err := api.CustomDomain.Update(ctx, d.GetID(), &management.CustomDomain{Domain: ptr("other.example.com")}); status(err) != 400 {
		t.Errorf("changing the domain: %v", err)
	}
	list, err := api.CustomDomain.List(ctx)
	if err != nil || len(list) != 1 {
		t.Errorf("list: %v %v", list, err)
	}
	if err := api.CustomDomain.Delete(ctx, d.GetID()); err != nil {
		t.Fatal(err)
	}
}

func TestImportUsersThroughSDK(t *testing.T) {
	_, api := newAPI(t)
	ctx := context.Background()
	c := &management.Connection{Name: ptr("db"), Strategy: ptr("auth0")}
	if err := api.Connection.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := api.User.Create(ctx, &management.User{Connection: ptr("db"), Email: ptr("old@example.com"), UserMetadata: &meta{"a": "1", "b": "2"}}); err != nil {
		t.Fatal(err)
	}
	users := []map[string]interface{}{
		{"email": "old@example.com", "user_metadata": map[string]interface{}{"c": "3"}},
		{"email": "new@example.com", "email_verified": true},
	}
	job := &management.Job{ConnectionID: c.ID, Users: users}
	if err := api.Job.ImportUsers(ctx, job); err != nil {
		t.Fatal(err)
	}
	if job.GetStatus() != "pending" || !strings.HasPrefix(job.GetID(), "job_") {
		t.Errorf("answer %+v", job)
	}
	read, err := api.Job.Read(ctx, job.GetID())
	if err != nil {
		t.Fatal(err)
	}
	if s := read.Summary; read.GetStatus() != "completed" || s == nil || s.GetFailed() != 1 || s.GetInserted() != 1 || s.GetTotal() != 2 || s.GetUpdated() != 0 {
		t.Errorf("job %+v summary %+v", read, read.Summary)
	}
	errs, err := api.Job.ReadErrors(ctx, job.GetID())
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != 1 || errs[0].User["email"] != "old@example.com" || len(errs[0].Errors) != 1 || errs[0].Errors[0].Code != "DUPLICATED_USER" {
		t.Errorf("errors %+v", errs)
	}

	// With upsert, the existing user's user_metadata is replaced whole.
	upsert := &management.Job{ConnectionID: c.ID, Upsert: ptr(true), Users: users[:1]}
	if err := api.Job.ImportUsers(ctx, upsert); err != nil {
		t.Fatal(err)
	}
	found, err := api.User.ListByEmail(ctx, "old@example.com")
	if err != nil || len(found) != 1 {
		t.Fatalf("%v %v", found, err)
	}
	if want := (meta{"c": "3"}); found[0].UserMetadata == nil || !reflect.DeepEqual(*found[0].UserMetadata, want) {
		t.Errorf("user_metadata %v, want %v", found[0].UserMetadata, want)
	}
	if err := api.Job.ImportUsers(ctx, &management.Job{ConnectionID: c.ID, Users: []map[string]interface{}{{"email": "x@example.com", "app_metadata": map[string]interface{}{"email": "reserved"}}}}); status(err) != 400 {
		t.Errorf("a reserved app_metadata name: %v", err)
	}
}

// toHTTP sends the Authentication API's https requests to the plain-HTTP
// test server: go-auth0's authentication client has no insecure mode.
type toHTTP struct{}

func (toHTTP) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme = "http"
	return http.DefaultTransport.RoundTrip(r)
}

func TestSignupThroughSDK(t *testing.T) {
	srv, api := newAPI(t)
	ctx := context.Background()
	auth, err := authentication.New(ctx, srv.URL, authentication.WithClientID("app"), authentication.WithNoRetries(),
		authentication.WithClient(&http.Client{Transport: toHTTP{}}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := auth.Database.Signup(ctx, database.SignupRequest{
		Connection: "Username-Password-Authentication", Email: "jane@example.com", Password: "x", Username: "jane",
		UserMetadata: &map[string]interface{}{"plan": "trial"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID == "" || got.Email != "jane@example.com" || got.Username != "jane" || got.EmailVerified {
		t.Errorf("sign-up answer %+v", got)
	}
	u, err := api.User.Read(ctx, "auth0|"+got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u.GetEmail() != "jane@example.com" || u.UserMetadata == nil || (*u.UserMetadata)["plan"] != "trial" {
		t.Errorf("stored user %+v", u)
	}
	_, err = auth.Database.Signup(ctx, database.SignupRequest{Connection: "Username-Password-Authentication", Email: "jane@example.com", Password: "x"})
	var e *authentication.Error
	if !errors.As(err, &e) || e.StatusCode != 400 || e.Err != "user_exists" {
		t.Errorf("second sign-up: %v", err)
	}
	_, err = auth.Database.Signup(ctx, database.SignupRequest{Connection: "db", Email: "b@example.com", Password: "x",
		UserMetadata: &map[string]interface{}{"n": 1}})
	if !errors.As(err, &e) || e.StatusCode != 400 || e.Err != "invalid_signup" {
		t.Errorf("a number in user_metadata: %v", err)
	}
}
