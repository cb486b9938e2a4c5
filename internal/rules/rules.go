// Package rules holds Auth0's metadata rules as data: a Meta value says
// everything about one kind of metadata object (merged or replaced, what an
// emptied one becomes, its name and value rules, its key limit, its
// messages), and an Entity lists the root properties of one kind of
// document with their rules. The library walks a body once and looks each
// rule up here; adding an entity is a table entry. Every table cites the
// heading of the package doc (package metapatch) that states its rules.
//
// The library and its reference model (internal/reference) share these
// tables for users, clients and organizations.
package rules

// Limits.
const (
	DefaultMaxBytes = 16 << 20 // MongoDB's document size limit
	DefaultMaxDepth = 100      // MongoDB's nesting limit
	MaxMetaString   = 255      // metadata names and values, in code points
	MaxImportBytes  = 512000   // a bulk-import file
)

// A Kind says how a root property of a body is treated.
type Kind uint8

const (
	Plain     Kind = iota // replaced whole; null removes it (where nullable)
	ReadOnly              // never written: 400, even when null
	WriteOnly             // checked, never written: the stored value stays as it was
	Metadata              // a metadata object: its Meta says how
)

// A Type is the JSON type a property's schema requires.
type Type uint8

const (
	Any Type = iota
	Bool
	String
	Object
	Array
)

// Names of the types, as Auth0's messages spell them.
func (t Type) String() string {
	return [...]string{"any", "boolean", "string", "object", "array"}[t]
}

// A NullRule says what "field":null in a body does to a metadata field.
type NullRule uint8

const (
	NullNotObject NullRule = iota // 400 ErrNotObject: the schema types it as an object
	NullRemoves                   // the field is removed
	NullInvalid                   // 400 ErrInvalidValue
)

// A Fault names the sentinel of a length rule on metadata names.
type Fault uint8

const (
	FaultInvalidKey   Fault = iota // ErrInvalidKey
	FaultValueTooLong              // ErrValueTooLong
)

// A MetaID names one kind of metadata object; Rules returns its policies.
// It is small so that the walk's members stay small.
type MetaID uint8

// Rules returns the policies of the kind.
func (id MetaID) Rules() *Meta { return &metas[id] }

// A Meta is one kind of metadata object: every policy the walk applies to
// it, as data.
type Meta struct {
	// Replace: the body's object replaces the stored one whole, a null
	// member dropping its key; otherwise its members are merged into the
	// stored object at the root ("Merging").
	Replace bool
	// KeepEmpty: an object left empty is stored as {}; otherwise the field
	// is removed.
	KeepEmpty bool
	// Null: what "field":null in a body does.
	Null NullRule
	// NoDotDollar: no name at any depth may contain '.' or '$'.
	NoDotDollar bool
	// Reserved lists root names that may not be written (matched exactly).
	Reserved []string
	// NameChar, when set, must hold for every character of a root name;
	// NameCharRule ends the message, e.g. "(character %q is not allowed)".
	NameChar     func(rune) bool
	NameCharRule string
	// NonEmpty: a root name needs a character (else as NameChar fails).
	NonEmpty bool
	// MaxName bounds a root name's length in code points (0: no bound);
	// NameTooLong is its sentinel.
	MaxName     int
	NameTooLong Fault
	// Strings: root values must be strings of at most MaxValue code points.
	Strings  bool
	MaxValue int
	// MaxKeys limits the members of the resulting object (0: no limit).
	// Legacy: a stored object with more keeps its count as the limit, so a
	// legacy document can still be cleaned up key by key.
	MaxKeys int
	Legacy  bool
	// ClearByNulls: Diff empties it with a null per key (the only way
	// documented for it) rather than {}.
	ClearByNulls bool
	// DiffNulls: replacing whole is our decision for this kind, so Diff
	// sends the whole new object plus a null per removed key, a body that
	// is right whether Auth0 replaces or merges.
	DiffNulls bool
	// Auth0's own messages, used verbatim where set: LimitMessage for the
	// key limit and every length rule; NotObjectMessage when the value is
	// not an object; NotStringMessage (one %s: the name) when a value is
	// not a string.
	LimitMessage     string
	NotObjectMessage string
	NotStringMessage string
}

// IsReserved reports whether name is reserved at the root.
func (m *Meta) IsReserved(name []byte) bool {
	for _, r := range m.Reserved {
		if r == string(name) {
			return true
		}
	}
	return false
}

// A Prop is the rule of one root property.
type Prop struct {
	Name     string
	Kind     Kind
	Scopes   string // the scopes that allow writing it, comma-separated (default: the entity's Update)
	Meta     MetaID // Kind Metadata
	Type     Type
	Nullable bool // null is accepted (and removes the property)
	// Min and Max bound a string's length in code points (0: no bound).
	Min, Max int
	// Pattern, when set, must hold for a string; PatternText names it in
	// the message ("does not match pattern <PatternText>"), or, when it is
	// a sentence, is the whole detail.
	Pattern     func(string) bool
	PatternText string
	// Enum, when set, lists the strings allowed.
	Enum []string
	// MinItems and MaxItems bound an array (0: no bound).
	MinItems, MaxItems int
	// Required lists the members an object must have.
	Required []string
}

// A Default is a member a create stores when the body lacks it: Name with
// the JSON Value, written right after the property After (when the body
// has After).
type Default struct {
	After, Name, Value string
}

// An Entity is one kind of document: the rules of its root properties.
type Entity struct {
	// Name names the entity in messages ("user").
	Name string
	// Update is the scope of a PATCH, for properties that name none;
	// Create the scope a create needs ("": public, no scope).
	Update, Create string
	// WholeCall: every call needs Create's scope whatever the body, and a
	// refusal points at the whole body (the import functions).
	WholeCall bool
	// ID is the id property, read-only on PATCH; a create may give it when
	// SetID is true.
	ID    string
	SetID bool
	// Closed: a property not listed is 400 ("Additional properties not
	// allowed"); otherwise it is Other's.
	Closed bool
	// MinProps: a PATCH body needs at least this many properties.
	MinProps int
	// Required lists what a create body must have; OneOf, when set, that it
	// must have at least one of these.
	Required, OneOf []string
	// NullAbsent: a root null means the property is absent on PATCH too,
	// as it does on every create (import records).
	NullAbsent bool
	// Lead lists the properties a create writes first, in this order.
	Lead []string
	// Defaults are stored by a create when the body lacks them.
	Defaults []Default
	// Other is the rule of a property not listed (open schemas).
	Other Prop

	props map[string]*Prop
}

// Prop returns the rule of a root property, by decoded name.
func (e *Entity) Prop(name []byte) *Prop {
	if p, ok := e.props[string(name)]; ok {
		return p
	}
	return &e.Other
}

// Listed reports whether the entity lists the property.
func (e *Entity) Listed(name []byte) bool {
	_, ok := e.props[string(name)]
	return ok
}

// entity indexes props and fills their default scopes.
func entity(e Entity, props ...Prop) *Entity {
	e.props = make(map[string]*Prop, len(props))
	for i := range props {
		p := &props[i]
		if p.Scopes == "" {
			p.Scopes = e.Update
		}
		e.props[p.Name] = p
	}
	if e.Other.Scopes == "" {
		e.Other.Scopes = e.Update
	}
	return &e
}

// with returns props with the rules of over replacing those of the same
// name, and over's other rules appended.
func with(props []Prop, over ...Prop) []Prop {
	out := make([]Prop, 0, len(props)+len(over))
	for _, p := range props {
		for _, o := range over {
			if o.Name == p.Name {
				p = o
			}
		}
		out = append(out, p)
	}
	for _, o := range over {
		found := false
		for _, p := range props {
			found = found || p.Name == o.Name
		}
		if !found {
			out = append(out, o)
		}
	}
	return out
}

// str is a string property.
func str(name string, min, max int) Prop { return Prop{Name: name, Type: String, Min: min, Max: max} }

// typed is a property of type t.
func typed(name string, t Type) Prop { return Prop{Name: name, Type: t} }
