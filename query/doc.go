// Package query implements Auth0's user search query language (the q
// parameter of GET /api/v2/users with search engine v3, a subset of Lucene
// query syntax): Parse builds a small syntax tree, Query.String prints it
// back, Query.Match tests a stored user document, and Sort orders
// documents. Matching here and SQL rendering elsewhere are two walks of
// the same tree (*And, *Or, *Not, *Term), so every rule a walker needs is
// in the tree or in this package's exported helpers.
//
// Each rule below is tagged with its source: [Auth0] when Auth0's
// documentation states it ("User Search Query Syntax", "Metadata Field
// Names and Data Types", the user search pages and the v2 to v3 migration
// guide), [decision] when Auth0 says nothing we could find and this is the
// rule we chose. A decision may change if evidence turns up.
//
// # Syntax
//
// A query is one or more clauses:
//
//		query   = or
//		or      = and { [ "OR" ] and }
//		and     = unary { "AND" unary }
//		unary   = ( "NOT" | "-" ) unary | primary
//		primary = "(" or ")" | field ":(" or ")" | term
//		term    = [ field ":" ] ( value | range ) | "_exists_:" field
//		range   = ( "[" | "{" ) bound "TO" bound ( "]" | "}" )
//
//	 1. A term is field:value. The field is a root property of the user
//	    (email, name, given_name, family_name, nickname, username, user_id,
//	    phone_number, email_verified, blocked, logins_count, created_at,
//	    updated_at, last_login, ..., any name) or a dotted path into one:
//	    identities.connection, identities.provider, identities.user_id,
//	    user_metadata.a.b, app_metadata.a.b. Metadata names cannot contain
//	    '.', so a path is unambiguous. [Auth0] An unknown root property is
//	    not an error; it matches what documents hold there. [decision]
//	    White space may follow the ':' ("name: john"), as in Lucene and in
//	    Auth0's examples for search engine v2. [decision]
//	 2. A value is bare or quoted. [Auth0] A bare value runs up to white
//	    space or one of ( ) [ ] { } " : and '\' escapes the next character,
//	    so "\ " is a space [Auth0] and "\:" a colon [decision]. A quoted
//	    value is "..." in which \" and \\ are the only escapes; any other
//	    '\' is an error [decision]. Quoting only delimits: "13" and 13 are
//	    the same value, and a '*' in quotes is a literal star. [decision]
//	    White space is ASCII: space, tab, line feed, carriage return, form
//	    feed, vertical tab. The query must be valid UTF-8. [decision]
//	 3. Operators are AND, OR and NOT, in upper case only [Auth0]; "and",
//	    "or" and "not" are ordinary words, searched for like any other
//	    [decision]. A word AND, OR or NOT directly followed by ':' is a field
//	    name, and after "field:" it is a value. [decision] Parentheses group
//	    [Auth0]. A leading '-' is NOT [Auth0]; it must touch what it negates
//	    ("- a" is an error) [decision]. '+', '!', '&&' and '||' at the start
//	    of a clause are errors naming the operator to use instead [decision].
//	 4. Precedence: NOT binds tightest, then AND, then OR. Clauses side by
//	    side without an operator are joined by OR, Lucene's default.
//	    [decision] As in Lucene, a clause of an OR group that is a single
//	    negation (NOT x or -x, not in parentheses) does not join the group
//	    by OR: it excludes what it matches from the whole group, so
//	    "a b -c" is (a OR b) AND NOT c, and "NOT c" alone matches every
//	    document c does not match. [decision, Lucene's behaviour] The
//	    tree says this directly: "a b -c" parses as
//	    And{Or{a, b}, Not{c}}, and "a OR (NOT c)" (in parentheses) as
//	    Or{a, Not{c}}.
//	 5. A field group, field:(a OR b), gives its field to the values inside
//	    it that name none: name:(john -jane) is name:john AND NOT
//	    name:jane. A term inside it with a field of its own keeps that
//	    field. Wildcards, ranges and the metadata rule apply to each term.
//	    [decision, Lucene's behaviour, shown in Auth0's v2 examples]
//	    _exists_:(...) is an error.
//	 6. A term without a field tests email, name, given_name, family_name
//	    and nickname, case-insensitively, and never metadata (Auth0 for
//	    metadata; the field list is our decision). A range without a field is
//	    an error. [decision]
//	 7. A wildcard is a '*' at the end of a bare value, after at least 3
//	    characters (code points): name:joh* matches "John", name:jo* is an
//	    error. [Auth0] A '*' elsewhere in a bare value, and the wildcard '?',
//	    are errors; escape them (\*, \?) or quote the value to search for
//	    them. [decision]
//	 8. A range is [low TO high] (inclusive), {low TO high} (exclusive) or
//	    a mix of the two, as in Lucene; a bare '*' is an open end. [Auth0]
//	    In a bound, ':' is an ordinary character, so date-times need no
//	    quotes (created_at:[2024-01-01T10:00:00 TO *]). [decision]
//	 9. Wildcards and ranges on metadata fields (user_metadata,
//	    app_metadata and below) are not supported [Auth0]: Parse refuses
//	    them with an *Error, never a silently empty result. [decision]
//	 10. _exists_:field tests that field holds a searchable value (see
//	    Matching). [Auth0] Its field cannot have a wildcard. [decision]
//	 11. Nesting is limited to 100 levels, both in the text (parentheses
//	     and NOT) and in the tree (And, Or and Not nodes, so "(x (y -c) -c)"
//	     nests 4 deep). [decision]
//
// Query.String prints the canonical form of a tree: operators in upper
// case joined by single spaces, parentheses only where needed, a value
// bare when it needs no escape and quoted otherwise, a prefix bare with
// '\' escapes. Parse of that text gives an equal tree.
//
// # Matching
//
// Query.Match reads the document's bytes; nothing is decoded into maps,
// and a document that is not a valid JSON object in valid UTF-8 matches
// nothing, not even a NOT. [decision] A term is tested against the searchable values at its field:
//
//  1. The path walks nested objects from the root; array levels are
//     skipped at every depth, so user_metadata.addresses.city finds "Paris"
//     in {"addresses":[{"city":"Paris"},{"city":"Rome"}]}, and
//     app_metadata.roles finds "admin" in {"roles":["admin","dev"]}.
//     [Auth0] Where an object names a member twice, the last one counts,
//     as in PostgreSQL's jsonb. [decision] Values walks a path this way.
//  2. Searchable values are strings, numbers and booleans. Nulls, objects
//     and empty arrays are not indexed: they never match, and _exists_ is
//     false for them. [Auth0] _exists_:field is true when the value at the
//     path is, or holds at any depth, a string, number or boolean.
//     [decision for values that are objects]
//  3. A term matches the whole value; nothing is tokenized:
//     user_id:auth0 does not match "auth0|123". [Auth0] A quoted phrase is
//     likewise one whole value. [decision]
//  4. Strings compare by their decoded text. For email, name, given_name,
//     family_name and nickname, and for a term without a field, they
//     compare case-insensitively; every other field, every metadata field
//     included, is case-sensitive. [Auth0] Case-insensitive means equal
//     after Fold (Unicode simple lower-case mapping). [decision]
//  5. A stored number matches a value spelled as a JSON number that
//     denotes the same number, compared exactly by digits and exponent,
//     never through float64: 13 matches 13 and 13.0, 1.3 matches 1.30.
//     [decision] A stored string "13" matches the value 13 as a string.
//  6. A stored boolean matches the value true or false, in lower case.
//     [Auth0 types; the spelling is our decision]
//  7. A prefix term matches strings that start with the prefix (folded for
//     the case-insensitive fields), never numbers or booleans. [decision]
//  8. A range term matches a stored number when every bounded end is a
//     number and the stored number lies within, compared exactly; and a
//     stored string when it lies within in byte order of its (folded)
//     text. A bound written as a date or date-time, 2006-01-02 or
//     2006-01-02T15:04[:05[.000]] with or without a final Z, compares as
//     the full form 2006-01-02T15:04:05.000Z in which Auth0 stores
//     created_at, updated_at and last_login, the missing parts being zero:
//     created_at:[* TO 2024-01-31] does not include later times on January
//     31st, as in Elasticsearch. Booleans never lie in a range. [decision]
//  9. A term with several values at its path (an array) matches when any
//     one of them matches. NOT x matches when x matches none. [Auth0]
//
// A walker that renders the tree in another language (SQL) reproduces
// these rules term by term: Term.Path with array levels skipped, Fold for
// case-insensitive strings, Number and EqualNumbers for numbers,
// Bound.Key for string ranges. Where the other language cannot be exact
// (a database's lower() folds some letters differently from Fold, its
// numeric type has a narrower exponent range), it can select a superset
// and re-check each row with Match, or each value with Values and
// Term.MatchValue, which are the definition.
//
// # Sorting
//
// ParseSort reads a sort parameter, field:1 (ascending) or field:-1
// (descending), on a root property; a metadata field is an *Error
// (unsupported, [Auth0]), and so is a dotted path [decision]. Sort.Compare
// orders two documents by the root member of that name (the last one if
// it is named twice), all of it our decision, written to be reproducible
// with ORDER BY:
//
//  1. A value that is absent, null, an object or an array (or a document
//     that is not a valid JSON object) sorts after every other value, in
//     both directions; two such are equal.
//  2. Otherwise values are ordered by type, numbers before strings before
//     booleans (ascending; descending reverses it).
//  3. Numbers compare by the numbers they denote, exactly
//     (CompareNumbers): 13 and 13.0 are equal.
//  4. Strings compare by the bytes of their decoded UTF-8 text (what
//     PostgreSQL's COLLATE "C" does), for every field, the
//     case-insensitive ones included.
//  5. false comes before true.
//  6. Equal values compare as 0; the caller breaks ties (the Management API
//     fake orders ties by creation, then by user_id).
//
// # Errors
//
// Parse and ParseSort return an *Error carrying the byte Offset of the
// problem and a Message saying what is wrong; Error() says both, as
// "query: offset N: message". An embedder answers it as Auth0 does, with
// 400 and errorCode "invalid_query_string", and a message of its own
// that says what and where, such as Error()'s text (Auth0 does not
// document its messages). [decision] Among them, all [decision]:
//
//   - An empty query, or one of only white space: offset 0.
//   - An unbalanced '(' is reported at the '(' ("no ')' after it"), an
//     unbalanced ')' at the ')' ("no '(' before it"); "()" is an error at
//     the ')'.
//   - A field with no value (name: at the end, or before a ')') is
//     reported just after the ':'.
//   - An operator with nothing after it, or two operators in a row, is
//     reported where the missing term should be.
//   - Wildcards and ranges on metadata fields, a wildcard with fewer than
//     3 characters before it, a '*' inside a value, '?': at the character.
//   - An unclosed quoted value at its opening '"'; a quoted value followed
//     directly by anything but white space, ')', ']' or '}' where that
//     character is.
package query
