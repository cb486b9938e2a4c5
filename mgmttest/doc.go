// Package mgmttest runs an in-memory Auth0 Management API for go test, in
// the spirit of net/http/httptest: users (with search), clients
// (applications), organizations, connections, custom domains, sessions,
// refresh tokens, bulk imports and sign-up, with metapatch's exact
// metadata rules and errors, and bearer tokens that carry scopes. Auth0's
// official Go SDK talks to it unchanged, with a static token or with the
// client credentials grant:
//
//	srv := mgmttest.NewServer()
//	defer srv.Close()
//	id, secret := srv.Credentials("read:users update:users")
//	api, _ := management.New(srv.URL, management.WithInsecure(),
//		management.WithClientCredentials(ctx, id, secret))
//
// NewServer listens on a loopback port, as httptest does. A program that
// serves the API itself, with its own http.Server, timeouts and shutdown
// (pgstore's metapatch-serve command does), calls NewHandler with the
// public URL and serves Handler.
//
// # Endpoints
//
// Management API, each body through the library's function of the same
// entity, with the token's scopes, so every rule and error of the library
// holds over HTTP:
//
//   - /api/v2/users: POST, GET (see "Lists and search"), and GET, PATCH,
//     DELETE /api/v2/users/{id} (CreateUser, PatchUser); GET
//     /api/v2/users-by-email.
//   - /api/v2/clients ({id} is the client_id; CreateClient, PatchClient)
//     and /api/v2/organizations (CreateOrganization, PatchOrganization):
//     POST, GET, and GET, PATCH, DELETE of one.
//   - /api/v2/connections (CreateConnection, PatchConnection; GET also
//     takes name=, the connection of exactly that name) and
//     /api/v2/custom-domains ({id} is the custom_domain_id;
//     CreateCustomDomain, PatchCustomDomain): POST, GET, and GET, PATCH,
//     DELETE of one.
//   - /api/v2/sessions/{id} (PatchSession) and /api/v2/refresh-tokens/{id}
//     (PatchRefreshToken): GET and PATCH only; the documents are seeded
//     with WithSessions and WithRefreshTokens.
//   - POST /api/v2/jobs/users-imports, GET /api/v2/jobs/{id} and GET
//     /api/v2/jobs/{id}/errors (see "Bulk import").
//   - POST /dbconnections/signup, of the Authentication API (see
//     "Sign-up").
//   - POST /oauth/token and GET /.well-known/jwks.json (see
//     "Authentication").
//
// Scopes are Auth0's: read:, create:, update:, delete: followed by users,
// clients, organizations, connections, custom_domains, sessions or
// refresh_tokens; a PATCH of a user also passes with
// update:users_app_metadata or update:current_user_metadata, as far as
// the library allows; an import needs create:users, a job read:users.
//
// The server fills what Auth0 fills: user_id ("auth0|" and 24 hex digits
// unless given), created_at and updated_at (ISO 8601, milliseconds, UTC,
// updated_at again on each PATCH) and identities for users; a
// 32-character client_id; "org_", "con_" and "cd_" followed by 16
// characters for organizations, connections and custom domains. Ids in a
// body are the library's business: a user, client or organization may
// bring its own, a connection or custom domain may not.
//
// Every other method and path answers 501 Not Implemented, whatever the
// token, with Auth0's error body and errorCode "not_implemented", e.g.
// {"statusCode":501,"error":"Not Implemented","message":"mgmttest does not
// implement GET /api/v2/roles","errorCode":"not_implemented"}: a test
// that calls an endpoint the server lacks fails loudly instead of seeing
// a 404 that looks like a missing resource (our decision). A missing
// resource of a served endpoint is 404 with the entity's own errorCode:
// inexistent_user, inexistent_client, inexistent_organization (observed),
// inexistent_connection, inexistent_custom_domain, inexistent_session,
// inexistent_refresh_token, inexistent_job (our naming, in Auth0's
// pattern). DELETE of an absent user is 204, as Auth0 answers.
//
// # Concurrency
//
// A request's body is read and checked by the library (the byte limit,
// then every rule that needs only the body) before the store is touched,
// and no lock is held meanwhile: a client that stalls halfway through its
// body blocks no one. A body over the library's byte limit is refused
// with 413 before it is read whole. A PATCH is then one Store.Update: the
// library's Patch runs inside it on the current document, so concurrent
// PATCHes of one resource never lose an update, and a PATCH that fails
// changes nothing.
//
// # Storage
//
// Documents live in a Store (by default NewMemoryStore; WithStore for
// another, e.g. a database), one collection per endpoint. The store
// keeps exact bytes and creation order: lists answer in creation order,
// and a POST whose id exists is 409 with errorCode "conflict" ("The user
// already exists."). Seeded documents (WithUsers, WithClients, ...) are
// created in the order given. Package mgmttest/storetest checks any
// Store against the contract.
//
// The server hands a store's Search query trees from query.Parse, and
// two it builds itself: users-by-email (and the sign-up and import checks)
// search email with Term.Fold true and compare the whole address
// themselves, and GET /api/v2/connections?name= searches name with
// Term.Fold false. A store must follow Term.Fold, not the field's name.
//
// # Lists and search
//
// Every GET of a collection answers one page in creation order: page
// (from 0 to 2147483647) and per_page (default 50, 1 to 100);
// include_totals=true wraps it as {"start","limit","length",<collection>,
// "total"} (observed), and without it the answer is a bare array. fields=a,b keeps only those root
// properties of each document (include_fields=true, the default) or drops
// them (include_fields=false); GET /api/v2/users/{id} and users-by-email
// take fields too (documented by Auth0). A bad parameter is 400 with
// errorCode "invalid_query_string".
//
// GET /api/v2/users searches (Auth0's search engine v3, as package
// github.com/metapatch/metapatch/query parses and matches it; see its
// package doc for every rule):
//
//   - q is the query. Terms match whole values; email, name, given_name,
//     family_name and nickname compare case-insensitively and every other
//     field, metadata included, case-sensitively; a number matches the
//     same number however spelled; array levels are skipped; empty
//     objects, empty arrays and nulls are not indexed; AND, OR, NOT, '-'
//     and parentheses combine terms, side by side they are ORed; a term
//     without a field searches the five case-insensitive fields, never
//     metadata. Wildcards (after at least 3 characters) and ranges work on
//     root fields; on metadata they are refused. (Documented by Auth0,
//     with the query package's decisions where Auth0 is silent.) An empty
//     q is no query.
//   - A q the parser refuses is 400 invalid_query_string with the
//     parser's message and byte offset: "Query validation error:
//     wildcards are not supported on metadata fields (user_metadata.color)
//     at offset 22 of q "user_metadata.color:re*"." (our wording).
//   - search_engine may be omitted or "v3"; anything else, v1 and v2
//     included, is 400 (Auth0 retired them).
//   - Only the first 1000 results can be reached: a request with
//     (page+1)*per_page > 1000 is 400 (documented). total counts every
//     match.
//   - sort=field:1 or field:-1 orders by a root property (query.Sort);
//     a metadata field, a dotted path or another direction is 400
//     (documented as unsupported). Ties, and no sort, keep creation order.
//   - Results are immediate: no eventual consistency to wait for (our
//     decision).
//
// GET /api/v2/users-by-email?email= answers every user whose email is the
// whole address exactly, case-sensitively (unlike q=email:...), as an
// array in creation order, [] when none; without email, 400 (documented).
//
// # Sign-up
//
// POST /dbconnections/signup is public: no token. Its body goes through
// the library's Signup; the user is stored with user_id "auth0|<_id>"
// (_id is 24 hex digits), created_at, updated_at and identities, and the
// answer is Signup's document with "_id" first, as Auth0 answers
// (observed). A user of the same connection (by identities) with the same
// email, compared case-insensitively, is 400 with code "user_exists":
//
//	{"name":"BadRequestError","code":"user_exists","description":"The user already exists.","statusCode":400}
//
// A body the library refuses is 400 with code "invalid_signup" and the
// library's message as description (the Authentication API's error
// shape; which code Auth0 uses per rule is our decision). The connection
// is not checked to exist.
//
// # Bulk import
//
// POST /api/v2/jobs/users-imports takes a multipart form, as go-auth0's
// Job.ImportUsers sends it: the users file (a JSON array of records),
// connection_id (of a stored connection; another is 400), upsert (true or
// false, default false) and optionally external_id. The library's
// CheckImport checks the whole file first (its size, syntax, every record,
// duplicates): a refusal is its error, and nothing is imported. Then each
// record, in file order:
//
//   - if no user of that connection (by identities) has its email
//     (compared case-insensitively), ImportUser makes the user: user_id as
//     given, prefixed with "auth0|" when it has no '|', or a new one; with
//     created_at, updated_at and identities;
//   - if one has it and upsert is true, UpsertUser updates that user
//     (metadata replaced whole, as Auth0 documents) and updated_at;
//   - if one has it and upsert is false, the record fails with code
//     DUPLICATED_USER (observed).
//
// The job runs before the answer, 202 with the job as Auth0 answers it,
// status "pending" (observed: {"type":"users_import","status":"pending",
// "connection_id","connection","created_at","id"}, id "job_" and 16
// characters); GET /api/v2/jobs/{id} shows it "completed" with
// "summary":{"failed","updated","inserted","total"}, and GET
// /api/v2/jobs/{id}/errors lists each failed record as
// {"user":<the record's bytes>,"errors":[{"code","message"}]} (observed),
// [] when none failed.
//
// # Authentication
//
// Every /api/v2 request needs "Authorization: Bearer <token>": 401
// "Missing authentication" without one, 401 "Invalid token" for a token
// the server did not issue or whose signature does not verify, 401
// "Expired token received for JSON Web Token validation" past its exp.
// Two kinds of token are accepted:
//
//   - Token(scopes...) returns an opaque token granting those scopes
//     (none: every scope).
//   - Credentials(scopes...) makes a machine-to-machine client granted
//     those scopes (none: every scope the server checks) and returns its
//     client ID and secret. POST /oauth/token with
//     grant_type=client_credentials, client_id, client_secret and
//     audience (the server's URL followed by "/api/v2/"), as a form, a
//     JSON body or with the ID and secret in HTTP Basic authentication,
//     answers {"access_token","token_type":"Bearer","expires_in":86400,
//     "scope"}. An optional scope parameter narrows the token to those
//     scopes.
//
// The access token is an RS256 JSON Web Token with Auth0's claims: iss
// (the URL followed by "/"), sub ("<client_id>@clients"), aud, azp, scope
// (space-separated), gty ("client-credentials"), iat and exp (iat plus
// 86400 seconds, by the server's clock), and a kid header naming the key
// at GET /.well-known/jwks.json, so a test can verify tokens as a resource
// server would. The key is made when first needed.
//
// Refusals, with the Authentication API's body {"error",
// "error_description"}: a wrong client ID or secret, 401 access_denied
// "Unauthorized" (observed Auth0 behaviour); another audience, 403
// access_denied "Service not found: <audience>"; no audience, 403
// access_denied "No audience parameter was provided, and no default
// audience has been configured"; a scope the client lacks, 403
// access_denied "Client has not been granted scopes: <scopes>" (Auth0's
// wording); another grant type, 400 unsupported_grant_type, and none, 400
// invalid_request (RFC 6749; the 400s are our decision).
package mgmttest
