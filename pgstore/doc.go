// Package pgstore keeps the documents of mgmttest's Auth0 Management API in
// PostgreSQL: a Store implements mgmttest.Store, so that a custom identity
// backend, or several mgmttest servers, can apply metapatch's PATCHes to
// users, clients and organizations from many processes at once.
//
//	st, err := pgstore.Open(ctx, "postgres://user:pass@db.internal/identity")
//	if err != nil { … }
//	defer st.Close()
//	srv := mgmttest.NewServer(mgmttest.WithStore(st))
//
// Everything below is our decision (a standard any database-backed Auth0
// replacement is held to), except where a rule is marked as Auth0's: those
// are documented by Auth0 and come from the query language (package query).
//
// # Storage
//
//  1. A document is stored as the exact bytes it was given, in a bytea
//     column, and read back byte for byte: member order, white space,
//     number spellings (12345678901234567891, 1.50, 1e400), string escapes
//     ("\u00e9"), and what PostgreSQL's jsonb cannot hold at all ("\u0000",
//     a lone "\ud800"). jsonb rewrites all of these, so it is never the
//     source of truth: a jsonb copy exists for search only ("The search
//     copy").
//  2. Documents are grouped in collections ("users", "clients", …); an id
//     is unique within its collection. Ids and collection names are text:
//     valid UTF-8 without NUL. Create refuses any other id with an error;
//     Get, Update and Delete report it as mgmttest.ErrNotFound (it cannot
//     have been stored).
//  3. Create inserts unless the id exists (INSERT … ON CONFLICT DO
//     NOTHING): of any number of concurrent Creates of one id, from any
//     number of processes, exactly one succeeds and every other returns
//     mgmttest.ErrExists, writing nothing.
//
// # Atomic writes
//
// Update reads, applies and writes one document in one transaction that
// holds the row's lock (SELECT … FOR UPDATE) from the read to the write,
// in two round trips (BEGIN with the SELECT, the UPDATE with the COMMIT,
// each pair pipelined):
//
//  1. No update is lost, whatever the number of writers, connections or
//     processes: concurrent Updates of one document run one after another.
//     Updates of different documents do not wait for each other.
//  2. apply is called once, with the stored bytes, never retried.
//  3. If apply returns an error, the transaction is rolled back and the
//     error is returned unchanged (the same value: the library's
//     *metapatch.Error keeps its status, errorCode and message).
//  4. If anything else fails before the commit (the context is cancelled,
//     the connection is killed, the server restarts) PostgreSQL rolls the
//     transaction back: the document is as it was, and Update returns the
//     error, wrapped. As with any database, a connection lost while the
//     COMMIT itself is in flight leaves the outcome unknown to the caller:
//     Update then returns an error although the write may be stored.
//
// # Set-up
//
// Open creates the table metapatch_documents and its indexes if they are
// missing (CREATE … IF NOT EXISTS, under an advisory lock, so processes
// may open one database at once); there are no migrations to run by hand.
// The database must use the UTF8 encoding (initdb -E UTF8): Open refuses
// any other, such as SQL_ASCII, where jsonb cannot hold "é". It needs
// PostgreSQL 12 or later (jsonpath); the tests run on 15.
//
//	metapatch_documents (
//	    collection text, id text,   -- the primary key
//	    seq bigint,                 -- creation order (an identity column)
//	    doc bytea,                  -- the exact bytes
//	    search jsonb                -- the search copy
//	)
//	index (collection, seq)                      -- creation order, paging
//	gin (search jsonb_path_ops) fastupdate off   -- every search predicate
//
// # The search copy
//
// Next to the bytes, each document has a jsonb value built from them:
//
//	{"d": <the document>, "f": <the document, folded>, "e": [<paths>]}
//
// Its parts:
//
//  1. "d" is the document as jsonb can hold it. A string or name holding
//     U+0000 (which PostgreSQL's text cannot hold) has U+0001 U+0001 in its
//     place, and U+0001 becomes U+0001 U+0002: a mapping that keeps
//     equality, prefixes and byte order, so a query finds a "\u0000" in a
//     value exactly, and sorts it exactly. A lone surrogate escape becomes
//     U+FFFD, as Go's encoding/json (and so query.Match) decodes it.
//     Arrays within arrays are flattened into one (query skips array
//     levels at any depth). Of members with one name, the last one counts,
//     as in query.Match.
//  2. "f" is "d" with every string folded by query.Fold, for the terms
//     that compare case-insensitively (Term.Fold: email, name, given_name,
//     family_name, nickname and terms without a field, Auth0's rule, and
//     the terms the server builds with Fold set), so that folding is
//     query's, never the database locale's.
//  3. "e" lists the dotted paths at which the document holds a searchable
//     value (a string, number or boolean, at or below the path), for
//     _exists_ (Auth0's rule: empty arrays, empty objects and nulls do not
//     exist).
//
// Where jsonb cannot follow the document, search is defined as follows
// (the bytes are still stored and read back exactly):
//
//   - A number beyond PostgreSQL's numeric (more than 131072 digits before
//     the point, or more than 16383 after it, such as 1e200000) is held as
//     the string of its spelling: a query value finds it when spelled the
//     same way, and it sorts among strings.
//   - A container nested deeper than 100 levels is held as null: nothing
//     below it is found.
//   - A document that is not a JSON object has the copy {}: only the
//     search for everything (q nil) returns it, as with query.Match.
//   - Bytes of a query value that are not valid UTF-8 are read as U+FFFD.
//
// # Search
//
// Search translates the parsed query (package query's syntax tree) into SQL
// over the search copy; documents are never loaded into the process to be
// matched, and the process holds one page of them, however many are
// stored. AND, OR and NOT become SQL's; each term becomes one
// `search @? $n::jsonpath` whose jsonpath tests what query.Match tests:
//
//   - field:value finds a stored string equal to the value, a stored number
//     that denotes the same number ("13" finds 13 and 13.0; Auth0's types,
//     our number rule) and a stored boolean spelled the same, walking the
//     path through objects and, in jsonpath's lax mode, array elements.
//     A term with Term.Fold set tests "f", with its value folded; any
//     other tests "d".
//   - _exists_:field tests that "e" holds the field: an equality the index
//     serves.
//   - field:abc* (a prefix) and ranges use jsonpath's starts with and
//     comparisons; strings compare in byte order, numbers exactly.
//
// Every value and every path reaches PostgreSQL inside a jsonpath bound as
// a parameter, its strings escaped as jsonpath literals and its numbers
// re-spelled from their parsed form; the SQL text itself depends only on
// the shape of the query (how many terms, AND, OR, NOT). The sort field is
// a parameter too.
//
// The GIN index (jsonb_path_ops) serves equality terms, array elements,
// case-insensitive fields, terms without a field and _exists_, alone or
// under AND and OR. A NOT, a prefix or a range is evaluated on the rows
// the rest of the query selects, or on every row of the collection when
// nothing else narrows them. Connections use plan_cache_mode =
// force_custom_plan, so the planner sees each query's jsonpath.
//
// Results come in p.Sort's order as query.Sort.Compare defines it (numbers,
// then strings in byte order, then booleans, reversed for descending;
// absent, null, objects and arrays last either way), ties and an empty
// Sort in creation order. The total is a COUNT(*) in the same snapshot as
// the page (a read-only repeatable-read transaction), so they agree.
package pgstore
