package metapatch_test

import (
	"fmt"

	"github.com/metapatch/metapatch"
)

func ExamplePatchConnection() {
	conn := []byte(`{"id":"con_1","name":"db","strategy":"auth0","metadata":{"team":"identity","tier":"gold"}}`)
	out, err := metapatch.PatchConnection(conn, []byte(`{"metadata":{"tier":"silver"}}`))
	fmt.Printf("%s %v\n", out, err)

	_, err = metapatch.PatchConnection(conn, []byte(`{"name":"other"}`))
	fmt.Println(err)
	// Output:
	// {"id":"con_1","name":"db","strategy":"auth0","metadata":{"tier":"silver"}} <nil>
	// metapatch: invalid name at "/name"
}

func ExampleCreateConnection() {
	out, err := metapatch.CreateConnection([]byte(`{"name":"my-db","strategy":"auth0","metadata":{"team":"identity","old":null}}`))
	fmt.Printf("%s %v\n", out, err)

	_, err = metapatch.CreateConnection([]byte(`{"name":"my_db","strategy":"auth0"}`))
	fmt.Println(err)
	// Output:
	// {"name":"my-db","strategy":"auth0","metadata":{"team":"identity"}} <nil>
	// metapatch: invalid property value at "/name"
}

func ExamplePatchCustomDomain() {
	domain := []byte(`{"custom_domain_id":"cd_1","domain":"login.example.com","type":"auth0_managed_certs","domain_metadata":{"key":"value"}}`)
	out, err := metapatch.PatchCustomDomain(domain, []byte(`{"domain_metadata":{"key2":"value2"}}`))
	fmt.Printf("%s %v\n", out, err)
	out, err = metapatch.PatchCustomDomain(out, []byte(`{"domain_metadata":{"key":null,"key2":null}}`))
	fmt.Printf("%s %v\n", out, err)
	// Output:
	// {"custom_domain_id":"cd_1","domain":"login.example.com","type":"auth0_managed_certs","domain_metadata":{"key":"value","key2":"value2"}} <nil>
	// {"custom_domain_id":"cd_1","domain":"login.example.com","type":"auth0_managed_certs","domain_metadata":{}} <nil>
}

func ExampleCreateCustomDomain() {
	out, err := metapatch.CreateCustomDomain([]byte(`{"domain":"login.example.com","type":"auth0_managed_certs"}`))
	fmt.Printf("%s %v\n", out, err)

	_, err = metapatch.CreateCustomDomain([]byte(`{"domain":"login_example.com","type":"auth0_managed_certs"}`))
	fmt.Println(err)
	// Output:
	// {"domain":"login.example.com","type":"auth0_managed_certs"} <nil>
	// metapatch: invalid property value at "/domain"
}

func ExamplePatchSession() {
	session := []byte(`{"id":"s1","user_id":"auth0|1","session_metadata":{"device":"phone","ip":"10.0.0.1"}}`)
	out, err := metapatch.PatchSession(session, []byte(`{"session_metadata":{"device":"laptop"}}`))
	fmt.Printf("%s %v\n", out, err)

	_, err = metapatch.PatchSession(session, []byte(`{"session_metadata":{"device.type":"laptop"}}`))
	fmt.Println(err)
	// Output:
	// {"id":"s1","user_id":"auth0|1","session_metadata":{"device":"laptop"}} <nil>
	// metapatch: invalid name at "/session_metadata/device.type"
}

func ExamplePatchRefreshToken() {
	token := []byte(`{"id":"rt1","user_id":"auth0|1","refresh_token_metadata":{"app":"ios"}}`)
	out, err := metapatch.PatchRefreshToken(token, []byte(`{"refresh_token_metadata":null}`))
	fmt.Printf("%s %v\n", out, err)
	// Output:
	// {"id":"rt1","user_id":"auth0|1"} <nil>
}

func ExampleSignup() {
	body := []byte(`{"client_id":"abc","connection":"db","password":"s3cret!","user_metadata":{"plan":"free"},"username":"jane","email":"jane@example.com"}`)
	out, err := metapatch.Signup(body)
	fmt.Printf("%s %v\n", out, err)

	_, err = metapatch.Signup([]byte(`{"connection":"db","password":"s3cret!","email":"jane@example.com","user_metadata":{"age":42}}`))
	fmt.Println(err.(*metapatch.Error).Message)
	// Output:
	// {"email":"jane@example.com","username":"jane","email_verified":false,"user_metadata":{"plan":"free"}} <nil>
	// invalid user_metadata.age type (only strings are allowed)
}

func ExampleImportUser() {
	record := []byte(`{"email":"jane@example.com","user_id":"42","password_hash":"$2b$10$abc","app_metadata":{"plan":"full"}}`)
	out, err := metapatch.ImportUser(record)
	fmt.Printf("%s %v\n", out, err)
	// Output:
	// {"email":"jane@example.com","email_verified":false,"user_id":"42","app_metadata":{"plan":"full"}} <nil>
}

func ExampleUpsertUser() {
	user := []byte(`{"user_id":"auth0|42","email":"jane@example.com","name":"Jane","user_metadata":{"hobby":"surfing","theme":"dark"}}`)
	record := []byte(`{"email":"jane@example.com","name":"Jane Doe","blocked":true,"user_metadata":{"theme":"light"}}`)
	out, err := metapatch.UpsertUser(user, record)
	fmt.Printf("%s %v\n", out, err)
	// Output:
	// {"user_id":"auth0|42","email":"jane@example.com","name":"Jane Doe","user_metadata":{"theme":"light"}} <nil>
}

func ExampleCheckImport() {
	file := []byte(`[{"email":"jane@example.com"},{"email":"john@example.com","app_metadata":{"email":"x"}}]`)
	fmt.Println(metapatch.CheckImport(file))

	file = []byte(`[{"email":"jane@example.com"},{"email":"JANE@example.com"}]`)
	fmt.Println(metapatch.CheckImport(file))
	// Output:
	// metapatch: reserved name at "/1/app_metadata/email"
	// metapatch: invalid property value at "/1"
}

func ExampleDiffConnection() {
	before := []byte(`{"id":"con_1","name":"db","strategy":"auth0","metadata":{"team":"identity","tier":"gold"}}`)
	after := []byte(`{"id":"con_1","name":"db","strategy":"auth0","metadata":{"team":"identity"}}`)
	p, err := metapatch.DiffConnection(before, after)
	fmt.Printf("%s %v\n", p, err)
	// Output:
	// {"metadata":{"team":"identity","tier":null}} <nil>
}

func ExampleDiffCustomDomain() {
	before := []byte(`{"custom_domain_id":"cd_1","domain":"login.example.com","domain_metadata":{"a":"1","b":"2"}}`)
	after := []byte(`{"custom_domain_id":"cd_1","domain":"login.example.com","domain_metadata":{"a":"1"}}`)
	p, err := metapatch.DiffCustomDomain(before, after)
	fmt.Printf("%s %v\n", p, err)
	// Output:
	// {"domain_metadata":{"b":null}} <nil>
}

func ExampleDiffSession() {
	before := []byte(`{"id":"s1","session_metadata":{"device":"phone"}}`)
	after := []byte(`{"id":"s1"}`)
	p, err := metapatch.DiffSession(before, after)
	fmt.Printf("%s %v\n", p, err)
	// Output:
	// {"session_metadata":{}} <nil>
}

func ExampleDiffRefreshToken() {
	before := []byte(`{"id":"rt1","client_id":"c1","refresh_token_metadata":{"app":"ios"}}`)
	after := []byte(`{"id":"rt1","client_id":"c2","refresh_token_metadata":{"app":"ios"}}`)
	_, err := metapatch.DiffRefreshToken(before, after)
	fmt.Println(err)
	// Output:
	// metapatch: unreachable document at "/client_id"
}
