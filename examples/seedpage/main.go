// Program seedpage walks through Auth0's "Manage Metadata Using the
// Management API" page with metapatch: it creates a user, updates and
// merges its metadata, deletes metadata, and does the same for an
// application's client_metadata, printing each stored document.
//
//	go run ./examples/seedpage
package main

import (
	"fmt"
	"log"

	"github.com/metapatch/metapatch"
)

func main() {
	// step prints the document a call returns: step(title)(call).
	step := func(title string) func([]byte, error) []byte {
		return func(doc []byte, err error) []byte {
			if err != nil {
				log.Fatalf("%s: %v", title, err)
			}
			fmt.Printf("%-34s %s\n", title+":", doc)
			return doc
		}
	}

	user := step("create user")(metapatch.CreateUser([]byte(
		`{"email": "jane.doe@example.com", "user_metadata": {"hobby": "surfing"}, "app_metadata": {"plan": "full"}}`)))
	user = step("add a home address")(metapatch.PatchUser(user, []byte(
		`{"user_metadata": {"addresses": {"home": "123 Main Street, Anytown, ST 12345"}}}`)))
	user = step("add a work address (whole object)")(metapatch.PatchUser(user, []byte(
		`{"user_metadata": {"addresses": {"home": "123 Main Street, Anytown, ST 12345", "work": "100 Industrial Way, Anytown, ST 12345"}}}`)))
	user = step("delete hobby with null")(metapatch.PatchUser(user, []byte(`{"user_metadata": {"hobby": null}}`)))
	user = step("clear user_metadata")(metapatch.PatchUser(user, []byte(`{"user_metadata": {}}`)))
	step("clear app_metadata")(metapatch.PatchUser(user, []byte(`{"app_metadata": {}}`)))

	client := step("create application")(metapatch.CreateClient([]byte(
		`{"name": "myclient", "client_metadata": {"mycolor": "red", "myflavor": "grape"}}`)))
	client = step("change mycolor")(metapatch.PatchClient(client, []byte(`{"client_metadata": {"mycolor": "blue"}}`)))
	step("delete myflavor with null")(metapatch.PatchClient(client, []byte(`{"client_metadata": {"myflavor": null}}`)))

	// What Auth0 refuses, metapatch refuses the same way.
	_, err := metapatch.PatchUser(user, []byte(`{"user_metadata": {"preference.color": "red"}}`))
	fmt.Printf("%-34s %v\n", "a dotted name:", err)
}
