// Program sdk is what a test of production code looks like: Auth0's Go SDK,
// configured as in production with client credentials, talks to mgmttest
// and searches users by metadata.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/auth0/go-auth0/management"
	"github.com/metapatch/metapatch/mgmttest"
)

func main() {
	ctx := context.Background()
	srv := mgmttest.NewServer(mgmttest.WithUsers(
		[]byte(`{"user_id":"auth0|1","email":"jane@example.com","app_metadata":{"plan":"full"}}`),
		[]byte(`{"user_id":"auth0|2","email":"john@example.com","app_metadata":{"plan":"free"}}`),
	))
	defer srv.Close()

	// An M2M application, as your service has in Auth0. WithInsecure comes
	// first: WithClientCredentials reads the URL's scheme.
	id, secret := srv.Credentials("read:users update:users")
	api, err := management.New(srv.URL, management.WithInsecure(), management.WithClientCredentials(ctx, id, secret))
	if err != nil {
		log.Fatal(err)
	}

	list, err := api.User.List(ctx, management.Query(`app_metadata.plan:"full"`))
	if err != nil {
		log.Fatal(err)
	}
	for _, u := range list.Users {
		fmt.Println(u.GetID(), u.GetEmail())
	}

	// The code under test writes metadata; mgmttest applies Auth0's rules.
	err = api.User.Update(ctx, "auth0|2", &management.User{AppMetadata: &map[string]interface{}{"plan": "full"}})
	fmt.Println("update:", err)
	list, err = api.User.List(ctx, management.Query(`app_metadata.plan:"full"`), management.Sort("email:1"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("now:", len(list.Users), "users on the full plan")

	// A dotted metadata name is refused as Auth0 refuses it.
	err = api.User.Update(ctx, "auth0|1", &management.User{UserMetadata: &map[string]interface{}{"preference.color": "red"}})
	fmt.Println(err)
}
