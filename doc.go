// Package metapatch applies PATCH and create bodies to metadata exactly as
// Auth0's Management API does: user_metadata and app_metadata on users,
// client_metadata on applications, metadata on organizations. It works on
// raw JSON bytes: every value travels from input to output as its original
// bytes, nothing passes through a Go map or float64, and a successful Merge
// or Patch call makes one allocation, its result (objects with hundreds of
// members add one for a larger duplicate-name table or member list).
//
// The rules below are those of the project's SPEC.md, in Go form; each is
// tagged there with its source (Auth0's documentation, traffic observed
// from real tenants, or a decision of ours).
//
// # Merging
//
// Merge, and every metadata object that is merged (user_metadata,
// app_metadata, client_metadata), follows these rules, given a stored object
// S and a PATCH value P:
//
//  1. P must be an object: null, a string, a number or an array fails with
//     ErrNotObject.
//  2. P is {}: the result is empty. The metadata is "removed completely".
//  3. Otherwise, for each root member k of P, in P's order: a null P[k]
//     deletes k from S (no error if absent); any other value replaces S[k]
//     whole. Nested objects are replaced, never merged: "only properties at
//     the root level are merged".
//  4. Nulls below the root of P are stored as literal nulls.
//  5. Members of S that P does not name keep their value and position.
//
// The bytes of the result:
//
//   - S's members keep their positions, a replaced one too; members new to
//     S are appended in P's order.
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
// is written:
//
//   - One RFC 8259 JSON value, nothing but white space around it, in valid
//     UTF-8; no byte-order mark, no lone surrogate escape ("\ud800" without
//     its pair), no overlong or invalid UTF-8. Else ErrSyntax. U+FEFF inside
//     a string is an ordinary character.
//   - No object names a member twice, at any depth, names compared decoded:
//     ErrDuplicateKey. Parsers disagree on which duplicate wins; we refuse
//     to guess.
//   - Depth at most 100 (WithMaxDepth): a scalar has depth 0, an object or
//     array 1 + the largest depth of its members, counted over the whole
//     body, so {"user_metadata":{"a":1}} has depth 2. Deeper: ErrTooDeep,
//     pointing at the first container opened past the limit. Memory stays
//     flat however deep the input: nothing recurses.
//   - At most 16 MiB (WithMaxBytes), which also limits the result: either
//     over it is ErrTooLarge (413).
//
// A stored document must be valid JSON in UTF-8 with an object at its root,
// and no duplicate names at its root or at the root of a metadata object
// being merged into; else ErrStoredDocument (500). Below those levels it is
// only syntax-checked, and its size and depth are not limited. Lone
// surrogate escapes are accepted in it (RFC 8259's grammar allows them); a
// byte-order mark is not. Members the body does not touch are copied
// (compacted), never re-validated or rewritten: a legacy dotted name, an
// empty app_metadata, a stored password all stay as they are.
//
// # Users
//
// PatchUser applies a PATCH /api/v2/users/{id} body to a stored user:
//
//   - user_metadata and app_metadata are merged as in "Merging". Their
//     names must not contain '.' or '$', at any depth (ErrInvalidKey; dots
//     and dollars in values are fine). The root of app_metadata must not
//     use a reserved name (ErrReservedKey), matched exactly: __tenant, _id,
//     blocked, clientID, created_at, email_verified, email, globalClientID,
//     global_client_id, identities, lastIP, lastLogin, loginsCount,
//     metadata, multifactor_last_modified, multifactor, updated_at, user_id.
//     A root null only deletes and is exempt from name rules, so legacy
//     keys can be removed one at a time.
//   - A user_metadata left empty (by {} or by nulls, even on a user that had
//     none) is stored as {}; an app_metadata left empty is removed from the
//     document. A user that never had metadata has neither field.
//   - Write-only properties are checked and never stored: password,
//     connection, client_id, verify_email, verify_phone_number,
//     verify_password. A password never reaches the result.
//   - Read-only properties fail with ErrReadOnly, even when null: user_id,
//     identities, created_at, updated_at, last_login, last_ip,
//     logins_count, last_password_reset, multifactor.
//   - Every other root property is replaced whole; null removes it; a new
//     one is appended.
//   - Known properties are type-checked as Auth0's schema types them, else
//     ErrInvalidValue: blocked, email_verified, phone_verified,
//     verify_email, verify_phone_number, verify_password are booleans (not
//     nullable); email, phone_number, given_name, family_name, name,
//     nickname, picture, username, password are strings or null;
//     connection and client_id are strings. given_name and family_name
//     have 1 to 150 characters, name and nickname 1 to 300, username 1 to
//     128 (characters are code points); phone_number matches
//     ^\+[0-9]{1,15}$. Unknown properties may hold any value.
//
// CreateUser stores a POST /api/v2/users body by the same rules applied to
// an empty document, except that user_id may be given and a root null means
// the property is absent (it is neither checked nor stored).
//
// # Clients
//
// PatchClient merges client_metadata as in "Merging"; deleting every key
// leaves "client_metadata":{}, and {} clears to {}. What the body writes
// must hold: values are strings of at most 255 characters (ErrNotString,
// ErrValueTooLong); names have at most 255 characters, made of ASCII
// letters and digits and only : , - + = _ * ? " / \ ( ) < > @ tab and space
// (ErrInvalidKey). At most 10 keys, counted on the merged result: a PATCH
// may not leave more than 10 keys and more keys than were stored
// (ErrTooManyKeys, pointing at /client_metadata), so a legacy client with 12
// keys can still delete them one by one. client_id is read-only. Every
// other root property is replaced whole; null removes it. CreateClient
// applies the same rules to an empty document and accepts client_id. The
// name is client_metadata only: clientMetadata is an ordinary property.
//
// # Organizations
//
// PatchOrganization replaces metadata whole, unlike every other metadata,
// because Auth0 does. {} or null removes the field. Values are strings of
// at most 255 characters; a null value drops its key; names have at most
// 255 characters, any characters. At most 25 keys, counted after nulls are
// dropped (ErrTooManyKeys, pointing at /metadata); a metadata left empty is
// removed. id is read-only. CreateOrganization applies the same rules to an
// empty document and accepts id.
//
// # Diff
//
// Diff, DiffUser, DiffClient and DiffOrganization compute the PATCH body
// that turns a stored document into a desired one; for every pair they
// accept, applying the body with Merge or the matching Patch function
// gives the desired document as a JSON value, after the emptiness rules
// (an empty app_metadata or organization metadata is an absent one; a
// user_metadata or client_metadata that before has is reached as {}).
//
//  1. No change gives nil, never {} (which clears).
//  2. The body names only root members added or changed (compared as JSON
//     values: member order, white space, number spelling and string escapes
//     aside) with after's bytes, compacted, and removed ones as null.
//     A changed nested value resends its whole root member.
//  3. An emptied user_metadata or app_metadata is sent as {}; an emptied
//     client_metadata as a null per key, or {} when what is stored is
//     absent, null or not an object. Organization metadata is sent whole
//     when it changes, {} when it goes.
//  4. ErrUnreachable (400): after holds a root null, at its root or at the
//     root of its metadata (a root null only deletes); it changes, adds or
//     removes a read-only property; it holds a write-only property such as
//     password, or lacks one that before stores.
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
// dropped, "user\u005fmetadata" is user_metadata. An empty name "" is
// allowed.
//
// # Scopes
//
// Without WithScopes a call may write anything. With it, a PATCH may write
// only what the scopes allow (see WithScopes); a body {} writes nothing and
// passes. A create needs its create: scope whatever the body. A refusal is
// ErrScope (403), its message listing the scopes that would allow the first
// refused property: "Insufficient scope, expected any of:
// update:users,update:users_app_metadata".
//
// # Errors
//
// Every failure is a *Error wrapping exactly one sentinel, and the function
// returns no document with it. When several rules are broken, the first in
// this order wins:
//
//  1. the body over the byte limit (413);
//  2. body syntax, UTF-8, duplicate names, depth (400): the body is read once,
//     and the first of these problems in the body's order is reported;
//  3. the body not an object (400);
//  4. scopes (403);
//  5. per-property rules, in body order: read-only, metadata not an object,
//     names, reserved names, known-property types, client and organization
//     value types and lengths (400);
//  6. the stored document (500);
//  7. limits on the merged result: the client and organization key limits
//     (400);
//  8. the result over the byte limit (413).
//
// Error.Pointer is an RFC 6901 pointer into the body; for ErrStoredDocument
// into the stored document; for the key limits to the metadata object in
// the result; "" for a 413 and for a problem with the whole input. Error
// renders as Auth0's error body with MarshalJSON.
//
// # Security
//
// The package sits in identity backends, so it treats every body as
// hostile: it validates completely before writing, never recurses on input
// (a 10 MB run of '[' fails fast at depth 101), finds duplicate names in
// linear time with a randomly seeded hash, refuses lone surrogates that
// other parsers would turn into U+FFFD, never stores a password, never
// lets a body forge a read-only property, and never panics on any input.
// No function modifies its arguments, and none returns a document that
// silently dropped stored data.
package metapatch
