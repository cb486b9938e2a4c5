// This file holds the syntax tree Parse builds; see the package doc,
// "Syntax" and "Matching".

package query

import "strconv"

// Query is a parsed search query. Its zero value is not useful: build one
// with Parse.
type Query struct {
	// Root is the query's top node; never nil in a Query from Parse.
	Root Node
}

// Node is a node of the syntax tree: *And, *Or, *Not or *Term. The set is
// closed (the interface has an unexported method), so a walker's type
// switch over these four cases is complete.
type Node interface {
	node()
}

// And matches a document that every operand matches. Parse builds it with
// two or more operands, for AND and for the negated clauses of an OR
// group: "a AND b -c" is And{And{a, b}, Not{c}}.
type And struct {
	Operands []Node
}

// Or matches a document that at least one operand matches. Parse builds it
// with two or more operands, none of them an *Or written without
// parentheses. A *Not among them comes only from parentheses, as in
// "a OR (NOT b)": a negated clause written without them excludes
// documents from its group instead (see the package doc, "Syntax").
type Or struct {
	Operands []Node
}

// Not matches a document that its operand does not match.
type Not struct {
	Operand Node
}

func (*And) node()  {}
func (*Or) node()   {}
func (*Not) node()  {}
func (*Term) node() {}

// Kind says what a Term tests.
type Kind int

// The kinds of Term.
const (
	// Exact: a value equals Term.Value as a whole (field:value,
	// field:"quoted value").
	Exact Kind = iota + 1
	// Prefix: a string value starts with Term.Value (field:abc*).
	Prefix
	// Range: a value lies between Term.Low and Term.High
	// (field:[a TO b], field:{a TO b}).
	Range
	// Exists: the field holds a searchable value (_exists_:field).
	Exists
)

var kindNames = [...]string{Exact: "Exact", Prefix: "Prefix", Range: "Range", Exists: "Exists"}

// String returns the kind's name, "Exact", "Prefix", "Range" or "Exists".
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Term is one test on one field. Which fields are meaningful depends on
// Kind; the others hold their zero value (Parse never fills them).
type Term struct {
	// Field is the field as written, decoded ("user_metadata.a.b",
	// "email", "identities.connection"). It is "" for a term written
	// without a field outside a field group, which tests the fields
	// DefaultFields returns, case-insensitively, and never metadata.
	Field string
	// Path is Field split at '.', nil when Field is "". Every segment is
	// non-empty. A walker looks up Path[0] in the document's root object,
	// Path[1] in that value, and so on, skipping array levels (an array
	// stands for each of its elements, at any depth); see Values.
	Path []string
	// Metadata is IsMetadata(Field): the field is user_metadata,
	// app_metadata, or a path below either.
	Metadata bool
	// Fold is true when strings compare case-insensitively (through
	// Fold): CaseInsensitive(Field), or a term without a field.
	Fold bool

	// Kind says what the term tests.
	Kind Kind

	// Value is the decoded value for Exact, and the prefix without its
	// '*' for Prefix. "" for Range and Exists.
	Value string
	// Number is true, for an Exact term only, when Value is spelled as a
	// JSON number (IsNumber(Value)); the term then also matches a stored
	// number that denotes the same number (EqualNumbers).
	Number bool

	// Low and High are the ends of a Range; zero for other kinds.
	Low, High Bound
}

// Bound is one end of a Range term.
type Bound struct {
	// Unbounded is true for an open end, written as a bare '*'. Value,
	// Number and Key are then zero, and Inclusive only records the bracket
	// written.
	Unbounded bool
	// Inclusive is true for '[' or ']', false for '{' or '}'.
	Inclusive bool
	// Value is the bound as written, decoded.
	Value string
	// Number is IsNumber(Value): the bound is compared numerically with
	// stored numbers. A bound that is not a number is never satisfied by
	// a stored number.
	Number bool
	// Key is what stored strings are compared with, in byte order: Value,
	// except for a date or date-time (see the package doc, "Matching"),
	// where it is the full form "2006-01-02T15:04:05.000Z" Auth0 stores.
	Key string
}
