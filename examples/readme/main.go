// Program readme is the complete program shown in README.md; readme_test.go
// checks that the README shows this file and what it prints.
package main

import (
	"errors"
	"fmt"

	"github.com/metapatch/metapatch"
)

func main() {
	user := []byte(`{"email":"jane.doe@example.com","user_metadata":{"hobby":"surfing","color":"red"},"app_metadata":{"plan":"full"}}`)
	body := []byte(`{"user_metadata":{"color":null,"addresses":{"home":"123 Main Street"}},"app_metadata":{}}`)

	out, err := metapatch.PatchUser(user, body)
	fmt.Printf("%s %v\n", out, err)

	_, err = metapatch.PatchUser(user, []byte(`{"user_metadata":{"preference.color":"red"}}`))
	var e *metapatch.Error
	if errors.As(err, &e) {
		body, _ := e.MarshalJSON()
		fmt.Printf("%d %s\n%s\n", e.StatusCode, e.Pointer, body)
	}
}
