// This file holds the sign-up function of the package doc's "Sign-up";
// its rules are the table rules.Signup (internal/rules).

package metapatch

import "github.com/metapatch/metapatch/internal/rules"

// Signup returns the user document that a POST /dbconnections/signup body
// (Auth0's Authentication API) stores: the identity fields given, with
// "email_verified":false and "phone_verified":false for an email and a
// phone number, and user_metadata (at most 10 strings of at most 500
// characters). password, client_id and connection are never stored. The
// endpoint is public: scopes do not apply. See the package doc, "Sign-up".
//
// On any error Signup returns nil and a *Error; it never modifies its
// argument.
func Signup(body []byte, opts ...Option) ([]byte, error) {
	return patchDocument(rules.Signup, nil, body, true, opts)
}
