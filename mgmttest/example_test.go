package mgmttest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/metapatch/metapatch/mgmttest"
)

// A machine-to-machine client gets an access token with the client
// credentials grant, as from Auth0, and the API holds it to its scopes.
func ExampleServer_Credentials() {
	srv := mgmttest.NewServer()
	defer srv.Close()
	id, secret := srv.Credentials("read:users")

	resp, _ := http.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret},
		"audience": {srv.URL + "/api/v2/"},
	})
	var token struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
	}
	json.NewDecoder(resp.Body).Decode(&token)
	resp.Body.Close()
	fmt.Println("scope:", token.Scope)

	for _, method := range []string{"GET", "POST"} {
		req, _ := http.NewRequest(method, srv.URL+"/api/v2/users", strings.NewReader(`{"email":"a@example.com"}`))
		req.Header.Set("Authorization", "Bearer "+token.AccessToken)
		req.Header.Set("Content-Type", "application/json")
		resp, _ := http.DefaultClient.Do(req)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(method, resp.StatusCode, string(b))
	}
	// Output:
	// scope: read:users
	// GET 200 []
	// POST 403 {"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: create:users","errorCode":"insufficient_scope"}
}

// GET /api/v2/users searches metadata with Auth0's query syntax.
func ExampleServer_search() {
	srv := mgmttest.NewServer(mgmttest.WithUsers(
		[]byte(`{"user_id":"auth0|1","email":"jane@example.com","user_metadata":{"color":"red","size":13}}`),
		[]byte(`{"user_id":"auth0|2","email":"john@example.com","user_metadata":{"color":"Red","size":13.0}}`),
	))
	defer srv.Close()
	token := srv.Token("read:users")
	for _, q := range []string{"user_metadata.color:red", "user_metadata.size:13", "user_metadata.color:re*"} {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v2/users?fields=user_id&q="+url.QueryEscape(q), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, _ := http.DefaultClient.Do(req)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(q, resp.StatusCode, string(b))
	}
	// Output:
	// user_metadata.color:red 200 [{"user_id":"auth0|1"}]
	// user_metadata.size:13 200 [{"user_id":"auth0|1"},{"user_id":"auth0|2"}]
	// user_metadata.color:re* 400 {"statusCode":400,"error":"Bad Request","message":"Query validation error: wildcards are not supported on metadata fields (user_metadata.color) at offset 22 of q \"user_metadata.color:re*\".","errorCode":"invalid_query_string"}
}
