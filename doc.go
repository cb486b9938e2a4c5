// Package metapatch applies writes to metadata exactly as Auth0 does:
// user_metadata and app_metadata on users, client_metadata on
// applications, metadata on organizations and connections, domain_metadata
// on custom domains, session and refresh-token metadata, sign-up and bulk
// import. It works on raw JSON bytes: every value travels from input to
// output as its original bytes, nothing passes through a Go map or float64,
// and a successful Merge or Patch call makes one allocation: its result,
// whose array also holds the names of a stored object of many members, 8
// bytes each, sized from the stored document before the walk (a result
// from such a document keeps that space alive: bytes.Clone it to keep it
// long); checking them for a repeat (a sieve of their hashes, then a sort
// of the few that may repeat) borrows the result's spare capacity. A body
// of more than 64 names adds one allocation for their list; an entity's
// body of more than 16 root members, or of more than 32 members in the
// objects that are their values, one for those; and a stored object whose
// first 16 KiB are not like the rest, or a large one whose last members
// the body touches, may need one more for its names.
//
// This package doc is the specification. Each rule ends with its source:
// (doc) Auth0 documents it, in its docs pages or its OpenAPI schemas;
// (observed) it was seen in HTTP traffic recorded from real Auth0 tenants
// (the go-vcr cassettes in github.com/auth0/go-auth0's test/data/recordings,
// named where they matter); (decision) Auth0 says nothing we could find, and
// this is our choice, with its reason. "Sources" lists where to check each.
//
// # Merging
//
// Merge, and every metadata object that is merged (user_metadata,
// app_metadata, client_metadata, domain_metadata), follows these rules,
// given a stored object S and a PATCH value P:
//
//  1. P must be an object: null, a string, a number or an array fails with
//     ErrNotObject. (doc: the schemas type these fields as objects)
//  2. P is {}: the result is empty. The metadata is "removed completely".
//     (doc, observed)
//  3. Otherwise, for each root member k of P, in P's order: a null P[k]
//     deletes k from S (no error if absent); any other value replaces S[k]
//     whole. Nested objects are replaced, never merged: "only properties at
//     the root level are merged". (doc, observed)
//  4. Nulls below the root of P are stored as literal nulls. (decision:
//     rule 3 replaces lower levels as given)
//  5. Members of S that P does not name keep their value and position.
//     (doc)
//
// The bytes of the result (decision, all of it, so that a document
// survives a round trip exactly):
//
//   - S's members keep their positions, a replaced one too; members new to
//     S are appended in P's order. (observed: {"facts":[…]} patched with
//     {"foo":"bar"} gave {"facts":[…],"foo":"bar"})
//   - The output is compact JSON (no insignificant white space). Every value
//     is otherwise copied as it was spelled: 12345678901234567891, 1.50,
//     1e400 and string escapes such as "\u00e9" survive exactly.
//   - Names are compared by their decoded value: "a\u0062" and "ab" are the
//     same name. A kept or replaced member keeps S's spelling of its name;
//     an appended one uses P's.
//   - An absent stored document (nil, empty, only white space, or null) is
//     an empty object.
//
// # Valid input
//
// A body, and every value in it, is validated completely before anything
// is written (decision, security-minded):
//
//   - One RFC 8259 JSON value, nothing but white space around it, in valid
//     UTF-8; no byte-order mark, no lone surrogate escape ("\ud800" without
//     its pair), no overlong or invalid UTF-8. Else ErrSyntax. U+FEFF inside
//     a string is an ordinary character.
//   - No object names a member twice, at any depth, names compared decoded:
//     ErrDuplicateKey. Parsers disagree on which duplicate wins; we refuse
//     to guess.
//   - Depth at most 100 (WithMaxDepth; MongoDB's document limit, behind
//     Auth0's store): a scalar has depth 0, an object or array 1 + the
//     largest depth of its members, counted over the whole body, so
//     {"user_metadata":{"a":1}} has depth 2. Deeper: ErrTooDeep, pointing at
//     the first container opened past the limit. Memory stays flat however
//     deep the input: nothing recurses.
//   - At most 16 MiB (WithMaxBytes; MongoDB's document size limit), which
//     also limits the result: either over it is ErrTooLarge (413).
//
// # Stored documents
//
// A stored document must be valid JSON in UTF-8 with an object at its root,
// and no duplicate names at its root or at the root of a metadata object
// being merged into; else ErrStoredDocument (500). Below those levels it is
// only syntax-checked, and its size and depth are not limited. Lone
// surrogate escapes are accepted in it (RFC 8259's grammar allows them); a
// byte-order mark is not. A stored metadata value that is null is treated
// as absent; any other non-object matters only when the body merges into
// it (500), not when the body clears or replaces it. Members the body does
// not touch are copied (compacted), never re-validated or rewritten: a
// legacy dotted name, an empty app_metadata, a stored password all stay as
// they are. (decision: we never rewrite or reject what the body did not
// touch, and never return a result that silently dropped stored data)
//
// # Users
//
// PatchUser applies a PATCH /api/v2/users/{id} body to a stored user:
//
//   - user_metadata and app_metadata are merged as in "Merging". (doc)
//     Their names must not contain '.' or '$' (doc: "Field names must not
//     contain the . (dot) or $ (dollar sign) characters"), at any depth
//     (decision: MongoDB's rule), ErrInvalidKey; dots and dollars in values
//     are fine. The root of app_metadata must not use a reserved name
//     (ErrReservedKey), matched exactly: __tenant, _id, blocked, clientID,
//     created_at, email_verified, email, globalClientID, global_client_id,
//     identities, lastIP, lastLogin, loginsCount, metadata,
//     multifactor_last_modified, multifactor, updated_at, user_id. (doc)
//     Values may be any JSON; there is no key limit. (doc)
//   - A user_metadata left empty is stored as {}; an app_metadata left
//     empty is removed from the document. (observed twice, a year apart: a
//     PATCH {"user_metadata":{},"app_metadata":{}} answered with
//     "user_metadata":{} and no app_metadata) The same holds when the keys
//     are deleted one by one with nulls, and on a user that had none.
//     (decision) A user that never had metadata has neither field.
//     (observed)
//   - Write-only properties are checked and never stored: password,
//     connection, client_id, verify_email, verify_phone_number,
//     verify_password. (observed: a PATCH with connection and password came
//     back without either) A password never reaches the result.
//   - Read-only properties fail with ErrReadOnly, even when null: user_id,
//     identities, created_at, updated_at, last_login, last_ip,
//     logins_count, last_password_reset, multifactor. (decision: an
//     embedder must not let a caller forge these)
//   - Every other root property is replaced whole; null removes it ("Supported
//     attributes can be unset by supplying null", doc); a new one is
//     appended. (observed)
//   - Known properties are type-checked as Auth0's schema types them, else
//     ErrInvalidValue (doc: UpdateUserRequestContent): blocked,
//     email_verified, phone_verified, verify_email, verify_phone_number,
//     verify_password are booleans (not nullable); email, phone_number,
//     given_name, family_name, name, nickname, picture, username, password
//     are strings or null; connection and client_id are strings. given_name
//     and family_name have 1 to 150 characters, name and nickname 1 to 300,
//     username 1 to 128 (characters are code points, a decision);
//     phone_number matches ^\+[0-9]{1,15}$. Unknown properties may hold any
//     value (the schema has additionalProperties: true).
//
// CreateUser stores a POST /api/v2/users body by the same rules applied to
// an empty document, except that user_id may be given and a root null means
// the property is absent (it is neither checked nor stored). (decision)
//
// # Clients
//
// PatchClient merges client_metadata as in "Merging" (doc, observed);
// deleting every key leaves "client_metadata":{} (observed), and {} clears
// to {} (decision: the docs say it "matches that of the user_metadata and
// app_metadata properties"). What the body writes must hold (doc): values
// are strings of at most 255 characters (ErrNotString, ErrValueTooLong);
// names have at most 255 characters, made of ASCII letters and digits and
// only : , - + = _ * ? " / \ ( ) < > @ tab and space (ErrInvalidKey). At
// most 10 keys (doc: ClientMetadata maxProperties), counted on the merged
// result: a PATCH may not leave more than 10 keys and more keys than were
// stored (ErrTooManyKeys, pointing at /client_metadata), so a legacy client
// with 12 keys can still delete them one by one (decision). client_id is
// read-only. Every other root property is replaced whole; null removes it.
// CreateClient applies the same rules to an empty document and accepts
// client_id. The name is client_metadata only: clientMetadata, which the
// docs once write, is an ordinary property. A client that never had
// metadata has no field. (observed)
//
// # Organizations
//
// PatchOrganization replaces metadata whole, unlike user and client
// metadata, because Auth0 does (observed: stored {"another_key":…,
// "some_key":…} patched with {"some_key":…} kept only some_key). {} or null
// removes the field (observed). Values are strings of at most 255
// characters; names have at most 255 characters, any characters; at most
// 25 keys (doc). A null value drops its key, and the 25 keys are counted
// after nulls are dropped (decision); ErrTooManyKeys points at /metadata. A
// metadata left empty is removed. id is read-only. CreateOrganization
// applies the same rules to an empty document and accepts id.
//
// # Strict bodies
//
// The entities below, unlike users, clients and organizations, have closed
// request schemas (doc: additionalProperties: false in the OpenAPI
// schemas): a root property the schema does not list is ErrInvalidKey, its
// message naming every such property ("Additional properties not allowed:
// strategy,name", observed), its pointer the first. Listed properties are
// type-checked as the schema types them (string, boolean, object, array):
// ErrInvalidValue (doc). A body {} where the schema has minProperties: 1 is
// ErrInvalidValue ("Too few properties defined (0), minimum 1"); a missing
// required property is ErrInvalidValue with pointer "" (decision on the
// sentinels). On a create a root null means absent; on a PATCH null is
// accepted only where the schema allows it, and is ErrInvalidValue
// elsewhere (decision, from the schemas' nullable flags). An id in a body
// is ErrReadOnly (decision). Enumerations that Auth0 grows over time
// (strategy, tls_policy, verification_method) accept any string (decision).
// A metadata count rule is ErrTooManyKeys, a length rule ErrValueTooLong
// (names too), a value that is not a string ErrNotString, a name outside a
// character set ErrInvalidKey.
//
// # Connections
//
// CreateConnection (POST /api/v2/connections) requires name and strategy;
// name has at most 128 characters and matches
// ^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$; display_name has at most 128.
// The properties are name, display_name, strategy, options,
// enabled_clients, is_domain_connection, show_as_button, realms, metadata,
// authentication, connected_accounts. (doc) PatchConnection takes the same
// list without name and strategy (observed: "Additional properties not
// allowed: strategy,name"), and {} is refused (doc: minProperties 1).
// options is replaced whole (doc: "the entire options object is
// overriden"), and so is every other property. id is the server's: 400 in
// any body.
//
// metadata: values are strings of at most 255 characters, at most 10 keys,
// no rule on names beyond "Names" (doc; a 2023 report says the live API
// allowed more than 10 keys: we keep the documented limit, so what we
// accept Auth0 accepts either way). metadata is replaced whole on PATCH,
// like an organization's: a null value drops its key; {}, null or an
// all-null object removes the field; the 10 keys are counted after nulls
// are dropped. (decision: no recording shows a metadata PATCH; the PATCH
// replaces options whole, and Terraform's provider, tested against real
// tenants, sends the whole map without nulling removed keys for
// connections while it nulls them for custom domains, where merging is
// recorded) Because this is a decision, DiffConnection sends a changed
// metadata whole plus a null for each removed key, right under either
// reading.
//
// # Custom domains
//
// CreateCustomDomain (POST /api/v2/custom-domains) requires domain and
// type; it also takes verification_method, tls_policy,
// custom_client_ip_header, domain_metadata and relying_party_identifier.
// (doc) domain has 3 to 255 characters and is a host name: labels of ASCII
// letters, digits and hyphens separated by dots, none empty, none starting
// or ending with a hyphen (decision: how "host name" is checked); type is
// auth0_managed_certs or self_managed_certs. PatchCustomDomain takes only
// tls_policy, custom_client_ip_header, domain_metadata and
// relying_party_identifier (null removes the last). custom_domain_id,
// domain and type in a PATCH body are ErrReadOnly; anything else unlisted is
// ErrInvalidKey. (doc) A PATCH {} is accepted and changes nothing (its
// schema has no minProperties).
//
// domain_metadata is merged at the root as in "Merging": a new key is
// added, a null deletes its key, a PATCH without domain_metadata leaves it
// as it was, and deleting every key leaves "domain_metadata":{}. (observed:
// TestCustomDomainManager_Update.yaml) {} clears to {} (decision, as for
// every merged metadata); "domain_metadata":null is ErrNotObject
// (decision: the schema types it as an object). Values are strings of at
// most 255 characters (doc); names have at most 255 characters (decision:
// every other string-valued metadata limits names to 255); at most 10 keys
// (doc), counted on the merged result as for client_metadata (decision).
//
// # Sessions and refresh tokens
//
// PatchSession (PATCH /api/v2/sessions/{id}) and PatchRefreshToken (PATCH
// /api/v2/refresh-tokens/{id}) take a body of exactly one property,
// session_metadata or refresh_token_metadata; anything else is 400, and {}
// is 400 (doc: minProperties 1). The value is an object or null (else
// ErrNotObject); null or {} removes all metadata (doc: "Pass null or {} to
// remove all"), and the field is then absent (decision). At most 25
// entries; names and values at most 255 characters; values strings; names
// only ASCII letters, digits, _ and -, at least one character (doc, the
// session and refresh-token metadata pages). Breaking a count or length
// rule gives Auth0's message "Metadata must not exceed 25 entries. Each key
// and value must be ≤ 255 characters." (doc) The object is replaced whole,
// a null value dropping its key (decision: the Auth0 CLI documents
// "sessions update" as "The pairs you pass replace the existing metadata";
// no recording shows a PATCH), so the Diff functions also send a null per
// removed key.
//
// # Sign-up
//
// Signup returns the user document that POST /dbconnections/signup (the
// Authentication API) stores. The body's properties are client_id, email,
// password, connection, username, given_name, family_name, name, nickname,
// picture, phone_number, user_metadata; anything else is ErrInvalidKey
// (decision). password and connection are required (doc), and at least one
// of email, username and phone_number (decision). user_metadata is an
// object (else Auth0's "invalid user_metadata type (expected object)"), of
// at most 10 properties, names of at most 100 characters, values strings of
// at most 500 characters (else "invalid user_metadata.<name> type (only
// strings are allowed)"); names also follow "Users" (no '.' or '$'). (doc:
// the Authentication API; the messages observed by users)
//
// The result holds the identity fields given, "email_verified":false when
// an email is given, "phone_verified":false when a phone number is, and
// user_metadata (an empty one as {}); password, client_id and connection
// are never stored. Members come in this order: email, username,
// email_verified, phone_number, phone_verified (those that apply), then the
// others in the body's order. (observed: every recorded sign-up response,
// TestDatabaseSignUp*.yaml; the response's _id is the server's and not part
// of the result) The endpoint is public: scopes do not apply.
//
// # Bulk import
//
// A POST /api/v2/jobs/users-imports file is a JSON array of user records,
// at most 512000 bytes (413 "Payload content length greater than maximum
// allowed: 512000."), not empty (ErrInvalidValue "Users file must not be
// empty."), with no two records naming the same email or user_id (doc:
// "Duplicated user entries in the import file cause an error"). A record is
// an object with email required; its properties are email, email_verified,
// phone_number, phone_verified, user_id, username, given_name, family_name,
// name, nickname, picture, blocked, password_hash, custom_password_hash
// (algorithm and hash required), mfa_factors (1 to 10), app_metadata,
// user_metadata, nothing else; booleans are booleans, strings strings;
// app_metadata may not use the reserved root names of "Users", and metadata
// names follow "Users". (doc: "Bulk User Import Database Schema and
// Examples")
//
// ImportUser returns the user document a record creates: user_id kept as
// given, "email_verified":false right after email when the record has none,
// "phone_verified":false after phone_number likewise (decision: the
// schema's defaults, placed where a reader looks for them). An empty
// user_metadata is kept as {}, an empty app_metadata dropped ("Users"); a
// null metadata is ErrInvalidValue; any other root null means absent.
// Password hashes and mfa_factors never appear in a result: they are
// credentials, like password. (decision)
//
// UpsertUser is what upsert: true does to an existing user matched by
// email: only the upsertable attributes change (app_metadata,
// user_metadata, email_verified, family_name, given_name, name, nickname,
// picture, custom_password_hash, the last never stored); every other
// property of the record is checked and ignored; metadata is replaced
// whole, never merged ("Upserts do not merge user_metadata or app_metadata.
// The existing metadata is completely overwritten", doc); a record without
// a metadata field leaves it as it was.
//
// CheckImport checks a whole file in one pass and reports the first
// problem with a pointer into the file: a record's own rule
// (/17/app_metadata/email), or a duplicate email (compared after ASCII
// lower-casing) or user_id (ErrInvalidValue pointing at the second record,
// /17). A file that is not a JSON array is ErrInvalidValue; an empty file
// (0 bytes) ErrSyntax. (decision on the sentinels and pointers)
//
// # Diff
//
// Diff and the entities' Diff functions compute the PATCH body that turns
// a stored document into a desired one; for every pair they accept,
// applying the body with Merge or the matching Patch function gives the
// desired document as a JSON value, after the emptiness rules (an empty
// app_metadata, organization, connection, session or refresh-token
// metadata is an absent one; a user_metadata, client_metadata or
// domain_metadata that before has is reached as {}). (decision, all of it)
//
//  1. No change gives nil, never {} (which clears).
//  2. The body names only root members added or changed (compared as JSON
//     values: member order, white space, number spelling and string escapes
//     aside) with after's bytes, compacted, and removed ones as null.
//     A changed nested value resends its whole root member.
//  3. An emptied user_metadata or app_metadata is sent as {}; an emptied
//     client_metadata or domain_metadata as a null per key (the only
//     documented way; Terraform's provider learned that domain_metadata
//     keys go only with null), or {} when what is stored is absent, null or
//     not an object. Organization metadata is sent whole when it changes,
//     {} when it goes. Connection, session and refresh-token metadata,
//     replaced whole by our decision, are sent whole plus a null for each
//     removed key, {} when they go: right whether Auth0 replaces or merges.
//  4. ErrUnreachable (400): after holds a root null, at its root or at the
//     root of its metadata (a root null only deletes); it changes, adds or
//     removes a read-only property, or one the entity's PATCH cannot write
//     (a connection's name and strategy, a custom domain's domain and type,
//     anything but a session's metadata), or removes one a PATCH cannot
//     null; it holds a write-only property such as password, or lacks one
//     that before stores.
//  5. before is checked as a stored document (ErrStoredDocument); after
//     must be a valid JSON object (400). The body is then applied with the
//     Patch function it serves, and any rule it breaks (names, types,
//     limits) is returned with its pointer, which names the same place in
//     after. Values present and equal in both documents are not checked
//     again.
//
// # Names
//
// Every rule matches decoded names: "pass\u0077ord" is password and is
// dropped, "user\u005fmetadata" is user_metadata. Name and value rules
// apply to what the body writes; a root null in a metadata object only
// deletes and is exempt, so legacy keys can be removed one at a time. An
// empty name "" is allowed where no character set forbids it. (decision)
//
// # Scopes
//
// Without WithScopes a call may write anything. With it, a PATCH may write
// only what the scopes allow (see WithScopes); a body {} writes nothing and
// passes. A create needs its create: scope whatever the body; the import
// functions need create:users. A refusal is ErrScope (403), its message
// listing the scopes that would allow the first refused property:
// "Insufficient scope, expected any of:
// update:users,update:users_app_metadata"; its pointer is that property,
// or "" for a create. (decision on the mapping; the scope names are
// Auth0's)
//
// # Errors
//
// Every failure is a *Error wrapping exactly one sentinel, and the function
// returns no document with it. When several rules are broken, the first in
// this order wins (decision):
//
//  1. the body over the byte limit (413);
//  2. body syntax, UTF-8, duplicate names, depth (400): the body is read once,
//     and the first of these problems in the body's order is reported;
//  3. the body not an object (400);
//  4. scopes (403);
//  5. per-property rules, in body order: unknown properties of a strict
//     body, read-only, types, metadata not an object, names, reserved
//     names, metadata value types and lengths (400); then what the body as
//     a whole must have (minProperties, required properties);
//  6. the stored document (500);
//  7. limits on the result: the metadata key limits (400);
//  8. the result over the byte limit (413).
//
// Error.Pointer is an RFC 6901 pointer into the body; for ErrStoredDocument
// into the stored document; for the key limits to the metadata object in
// the result; "" for a 413 and for a problem with the whole input. Error
// renders as Auth0's error body with MarshalJSON (observed shape:
// statusCode, error, message, errorCode, in that order). A 400's message
// reads "Payload validation error: '<detail>' on property <path>." as
// Auth0's do (observed), except where a rule quotes Auth0's own words.
//
// # Security
//
// The package sits in identity backends, so it treats every body as
// hostile: it validates completely before writing, never recurses on input
// (a 10 MB run of '[' fails fast at depth 101), finds duplicate names in
// linear time with a randomly seeded hash, refuses lone surrogates that
// other parsers would turn into U+FFFD, never stores a password or a
// password hash, never lets a body forge a read-only property, and never
// panics on any input. No function modifies its arguments, and none returns
// a document that silently dropped stored data.
//
// # Sources
//
// Auth0's docs pages "Manage Metadata Using the Management API", "Metadata
// Field Names and Data Types", "Bulk User Import Database Schema and
// Examples", "Bulk User Imports", "Session Metadata", "Refresh Token
// Metadata" and "Custom Signup"; the Management and Authentication API
// OpenAPI schemas (UserMetadata, AppMetadata, ClientMetadata,
// ConnectionsMetadata, DomainMetadata, SessionMetadata,
// UpdateUserRequestContent, CreateConnectionRequestContent,
// UpdateConnectionRequestContent, UpdateCustomDomainRequestContent,
// UpdateSessionRequestContent); and the recordings in
// github.com/auth0/go-auth0 v1.47.0, test/data/recordings:
// TestUserManager_Update.yaml (an app_metadata merge),
// TestCustomDomainManager_Update.yaml (domain_metadata merge and null
// deletion), TestDatabaseSignUp*.yaml (sign-up responses). The golden cases
// in testdata/ reproduce the examples of the first page and these
// recordings, each naming its source.
package metapatch
