// Program mgmttest-search searches mgmttest's users by metadata with
// Auth0's query syntax (search engine v3), as GET /api/v2/users?q= does.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"

	"github.com/metapatch/metapatch/mgmttest"
)

func main() {
	srv := mgmttest.NewServer(mgmttest.WithUsers(
		[]byte(`{"user_id":"auth0|1","email":"Jane@Example.com","name":"Jane","logins_count":12,"user_metadata":{"color":"red","size":13},"app_metadata":{"roles":["admin","dev"]}}`),
		[]byte(`{"user_id":"auth0|2","email":"john@example.com","name":"John","logins_count":3,"user_metadata":{"color":"Red","size":13.0},"app_metadata":{"roles":["dev"]}}`),
		[]byte(`{"user_id":"auth0|3","email":"joan@example.com","name":"Joan","logins_count":7,"user_metadata":{"addresses":[{"city":"Paris"}]}}`),
	))
	defer srv.Close()
	token := srv.Token("read:users")

	get := func(path string) (int, []byte) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	search := func(q, extra string) {
		status, b := get("/api/v2/users?search_engine=v3&fields=user_id&q=" + url.QueryEscape(q) + extra)
		if status != 200 {
			fmt.Printf("%-47s %d %s\n", q, status, b)
			return
		}
		var users []struct {
			UserID string `json:"user_id"`
		}
		json.Unmarshal(b, &users)
		var ids []string
		for _, u := range users {
			ids = append(ids, u.UserID)
		}
		fmt.Printf("%-47s %v\n", q, ids)
	}
	search(`user_metadata.color:red`, "")            // metadata is case-sensitive
	search(`email:jane@example.com`, "")             // email is not
	search(`user_metadata.size:13`, "")              // 13 and 13.0 are the same number
	search(`app_metadata.roles:dev`, "")             // arrays are searched element by element
	search(`user_metadata.addresses.city:Paris`, "") // array levels are skipped in paths
	search(`_exists_:user_metadata.color AND NOT name:joh*`, "")
	search(`logins_count:[5 TO *]`, "&sort=logins_count:-1") // ranges and sort on root fields
	search(`user_metadata.color:re*`, "")                    // refused: no wildcards on metadata

	_, b := get("/api/v2/users-by-email?fields=user_id&email=" + url.QueryEscape("Jane@Example.com"))
	fmt.Printf("users-by-email Jane@Example.com: %s\n", b)
	_, b = get("/api/v2/users-by-email?fields=user_id&email=" + url.QueryEscape("jane@example.com"))
	fmt.Printf("users-by-email jane@example.com: %s\n", b)
}
