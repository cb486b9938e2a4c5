package metapatch_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/metapatch/metapatch"
)

func ExampleMerge() {
	stored := []byte(`{"hobby":"surfing","addresses":{"home":"123 Main Street"},"color":"red"}`)
	patch := []byte(`{"addresses":{"work":"100 Industrial Way"},"color":null,"plan":12345678901234567891}`)
	out, err := metapatch.Merge(stored, patch)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", out)
	// Output:
	// {"hobby":"surfing","addresses":{"work":"100 Industrial Way"},"plan":12345678901234567891}
}

func ExamplePatchUser() {
	user := []byte(`{"user_id":"auth0|1","email":"jane.doe@example.com","user_metadata":{"hobby":"surfing"},"app_metadata":{"plan":"full"}}`)
	body := []byte(`{"user_metadata":{"addresses":{"home":"123 Main Street, Anytown, ST 12345"}},"app_metadata":{},"password":"s3cret!"}`)
	out, err := metapatch.PatchUser(user, body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", out)
	// Output:
	// {"user_id":"auth0|1","email":"jane.doe@example.com","user_metadata":{"hobby":"surfing","addresses":{"home":"123 Main Street, Anytown, ST 12345"}}}
}

func ExampleCreateUser() {
	body := []byte(`{"email": "jane.doe@example.com", "user_metadata": {"hobby": "surfing"}, "app_metadata": {"plan": "full"}, "connection": "db"}`)
	out, err := metapatch.CreateUser(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", out)
	// Output:
	// {"email":"jane.doe@example.com","user_metadata":{"hobby":"surfing"},"app_metadata":{"plan":"full"}}
}

func ExamplePatchClient() {
	client := []byte(`{"name":"myclient","client_metadata":{"mycolor":"red","myflavor":"grape"}}`)
	out, err := metapatch.PatchClient(client, []byte(`{"client_metadata":{"mycolor":"blue","myflavor":null}}`))
	fmt.Printf("%s %v\n", out, err)

	_, err = metapatch.PatchClient(client, []byte(`{"client_metadata":{"size":12}}`))
	fmt.Println(err)
	// Output:
	// {"name":"myclient","client_metadata":{"mycolor":"blue"}} <nil>
	// metapatch: value not a string at "/client_metadata/size"
}

func ExampleCreateClient() {
	out, err := metapatch.CreateClient([]byte(`{"name":"myclient","client_metadata":{"mycolor":"red"}}`))
	fmt.Printf("%s %v\n", out, err)
	// Output:
	// {"name":"myclient","client_metadata":{"mycolor":"red"}} <nil>
}

func ExamplePatchOrganization() {
	org := []byte(`{"id":"org_1","metadata":{"another_key":"a","some_key":"b"}}`)
	out, err := metapatch.PatchOrganization(org, []byte(`{"metadata":{"some_key":"c"}}`))
	fmt.Printf("%s %v\n", out, err)
	// Output:
	// {"id":"org_1","metadata":{"some_key":"c"}} <nil>
}

func ExampleCreateOrganization() {
	out, err := metapatch.CreateOrganization([]byte(`{"id":"org_1","name":"acme","metadata":{"tier":"gold","trial":null}}`))
	fmt.Printf("%s %v\n", out, err)
	// Output:
	// {"id":"org_1","name":"acme","metadata":{"tier":"gold"}} <nil>
}

func ExampleWithScopes() {
	user := []byte(`{"user_metadata":{"theme":"dark"}}`)
	body := []byte(`{"user_metadata":{"theme":"light"},"app_metadata":{"plan":"pro"}}`)
	_, err := metapatch.PatchUser(user, body, metapatch.WithScopes("read:users update:current_user_metadata"))
	var e *metapatch.Error
	if errors.As(err, &e) {
		fmt.Println(e.StatusCode, e.Pointer, e.Message)
	}
	// Output:
	// 403 /app_metadata Insufficient scope, expected any of: update:users,update:users_app_metadata
}

func ExampleWithMaxBytes() {
	_, err := metapatch.Merge(nil, []byte(`{"note":"far too long for the limit"}`), metapatch.WithMaxBytes(16))
	fmt.Println(errors.Is(err, metapatch.ErrTooLarge), err.(*metapatch.Error).StatusCode)
	// Output:
	// true 413
}

func ExampleWithMaxDepth() {
	_, err := metapatch.Merge(nil, []byte(`{"a":{"b":{"c":1}}}`), metapatch.WithMaxDepth(2))
	fmt.Println(err)
	// Output:
	// metapatch: nesting too deep at "/a/b"
}

func ExampleError() {
	_, err := metapatch.PatchUser(nil, []byte(`{"user_metadata":{"preference.color":"red"}}`))
	var e *metapatch.Error
	if errors.As(err, &e) && errors.Is(err, metapatch.ErrInvalidKey) {
		fmt.Println(e.StatusCode, e.ErrorCode, e.Pointer)
		fmt.Println(e.Message)
		fmt.Println(err)
	}
	// Output:
	// 400 invalid_body /user_metadata/preference.color
	// Payload validation error: 'Invalid property name: preference.color (names must not contain . or $)' on property user_metadata.preference.color.
	// metapatch: invalid name at "/user_metadata/preference.color"
}

func ExampleError_MarshalJSON() {
	_, err := metapatch.Merge(nil, []byte(`["not","an","object"]`))
	body, _ := json.Marshal(err)
	fmt.Printf("%s\n", body)
	// Output:
	// {"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Expected type object but found type array'.","errorCode":"invalid_body"}
}

func ExampleDiff() {
	before := []byte(`{"hobby":"surfing","score":1.50,"addresses":{"home":"1 Main St"},"color":"red"}`)
	after := []byte(`{"hobby":"surfing","score":1.5,"addresses":{"home":"1 Main St","work":"2 Side St"}}`)
	p, err := metapatch.Diff(before, after)
	fmt.Printf("%s %v\n", p, err)

	p, err = metapatch.Diff(before, []byte(`{}`))
	fmt.Printf("%s %v\n", p, err)

	p, err = metapatch.Diff(before, before)
	fmt.Println(p == nil, err)
	// Output:
	// {"addresses":{"home":"1 Main St","work":"2 Side St"},"color":null} <nil>
	// {} <nil>
	// true <nil>
}

func ExampleDiffUser() {
	before := []byte(`{"user_id":"auth0|1","email":"a@example.com","nickname":"jd","user_metadata":{"hobby":"surfing"},"app_metadata":{"plan":"full"}}`)
	after := []byte(`{"user_id":"auth0|1","email":"b@example.com","user_metadata":{"hobby":"surfing","theme":"dark"}}`)
	p, err := metapatch.DiffUser(before, after)
	fmt.Printf("%s %v\n", p, err)

	_, err = metapatch.DiffUser(before, []byte(`{"user_id":"auth0|2"}`))
	fmt.Println(err)
	// Output:
	// {"email":"b@example.com","user_metadata":{"theme":"dark"},"nickname":null,"app_metadata":{}} <nil>
	// metapatch: unreachable document at "/user_id"
}

func ExampleDiffClient() {
	before := []byte(`{"client_id":"c1","client_metadata":{"mycolor":"red","myflavor":"grape"}}`)
	p, err := metapatch.DiffClient(before, []byte(`{"client_id":"c1","client_metadata":{}}`))
	fmt.Printf("%s %v\n", p, err)
	// Output:
	// {"client_metadata":{"mycolor":null,"myflavor":null}} <nil>
}

func ExampleDiffOrganization() {
	before := []byte(`{"id":"org_1","metadata":{"tier":"gold","region":"eu"}}`)
	p, err := metapatch.DiffOrganization(before, []byte(`{"id":"org_1","metadata":{"tier":"gold"}}`))
	fmt.Printf("%s %v\n", p, err)
	p, err = metapatch.DiffOrganization(before, []byte(`{"id":"org_1"}`))
	fmt.Printf("%s %v\n", p, err)
	// Output:
	// {"metadata":{"tier":"gold"}} <nil>
	// {"metadata":{}} <nil>
}
