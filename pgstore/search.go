// This file implements the package doc's "Search": a query's syntax tree
// rendered as SQL over the search copy, every value a bound parameter.

package pgstore

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/metapatch/metapatch/mgmttest"
	"github.com/metapatch/metapatch/query"
)

// Search returns one page of the documents of collection that q matches
// (q nil: every document), in p.Sort's order (query.Sort.Compare's),
// ties in creation order, and how many match in all. It runs as SQL over
// the indexed search copy: the process holds one page of documents,
// however many are stored. See the package doc, "Search".
func (s *Store) Search(ctx context.Context, collection string, q *query.Query, p mgmttest.Page) ([][]byte, int, error) {
	if p.PerPage <= 0 || p.Page < 0 {
		return nil, 0, fmt.Errorf("pgstore: search: page %d of %d documents: the page must be at least 0 and per page at least 1", p.Page, p.PerPage)
	}
	if !validID(collection) {
		return [][]byte{}, 0, nil
	}
	st, err := searchStatements(collection, q, p)
	if err != nil {
		return nil, 0, err
	}
	docs := [][]byte{}
	var total int
	// One snapshot for the page and the total, so they agree.
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, st.pageSQL, st.pageArgs...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var doc []byte
			if err := rows.Scan(&doc); err != nil {
				rows.Close()
				return err
			}
			docs = append(docs, doc)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return tx.QueryRow(ctx, st.countSQL, st.countArgs...).Scan(&total)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("pgstore: search %s: %w", collection, err)
	}
	return docs, total, nil
}

// searchSQL holds the two statements of a search and their arguments.
type searchSQL struct {
	pageSQL, countSQL   string
	pageArgs, countArgs []any
}

// searchStatements renders the statements that select one page of the
// documents of collection that q matches, and count them.
func searchStatements(collection string, q *query.Query, p mgmttest.Page) (searchSQL, error) {
	where, args, err := whereClause(collection, q)
	if err != nil {
		return searchSQL{}, err
	}
	st := searchSQL{countSQL: `SELECT count(*) FROM metapatch_documents WHERE ` + where, countArgs: args}
	order, pageArgs := orderClause(p.Sort, slices.Clone(args))
	offset := int64(math.MaxInt64) // past any table, when Page*PerPage overflows
	if int64(p.Page) <= math.MaxInt64/int64(p.PerPage) {
		offset = int64(p.Page) * int64(p.PerPage)
	}
	st.pageArgs = append(pageArgs, p.PerPage, offset)
	st.pageSQL = fmt.Sprintf(`SELECT doc FROM metapatch_documents WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d`,
		where, order, len(st.pageArgs)-1, len(st.pageArgs))
	return st, nil
}

// whereClause renders the condition that selects the documents of
// collection that q matches, and its arguments. The SQL text depends only
// on the shape of q's tree (AND, OR, NOT, how many terms); every value and
// path is in a jsonpath bound as a parameter.
func whereClause(collection string, q *query.Query) (string, []any, error) {
	b := sqlBuilder{args: []any{collection}}
	b.sql.WriteString("collection = $1")
	if q == nil {
		return b.sql.String(), b.args, nil
	}
	// query.Match finds nothing in a document that is not a JSON object,
	// whatever the query; only such documents have a search copy of {}.
	b.sql.WriteString(` AND search ? 'd' AND `)
	if err := b.node(q.Root); err != nil {
		return "", nil, err
	}
	return b.sql.String(), b.args, nil
}

// sqlBuilder accumulates SQL text and its arguments.
type sqlBuilder struct {
	sql  strings.Builder
	args []any
}

// param adds an argument and returns its placeholder.
func (b *sqlBuilder) param(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func (b *sqlBuilder) node(n query.Node) error {
	switch n := n.(type) {
	case *query.And:
		if n == nil {
			break
		}
		return b.list(n.Operands, " AND ")
	case *query.Or:
		if n == nil {
			break
		}
		return b.list(n.Operands, " OR ")
	case *query.Not:
		if n == nil || n.Operand == nil {
			break
		}
		b.sql.WriteString("NOT (")
		if err := b.node(n.Operand); err != nil {
			return err
		}
		b.sql.WriteString(")")
		return nil
	case *query.Term:
		if n == nil {
			break
		}
		path, err := termPath(n)
		if err != nil {
			return err
		}
		if path != "" {
			b.sql.WriteString("search @? " + b.param(path) + "::jsonpath")
			return nil
		}
	case nil:
	default:
		return fmt.Errorf("pgstore: search: unknown query node %T", n)
	}
	// As query.Match: a nil node, nil pointers included, matches nothing.
	b.sql.WriteString("FALSE")
	return nil
}

// list renders operands joined by op; none match nothing, as in
// query.Match.
func (b *sqlBuilder) list(operands []query.Node, op string) error {
	if len(operands) == 0 {
		b.sql.WriteString("FALSE")
		return nil
	}
	b.sql.WriteString("(")
	for i, o := range operands {
		if i > 0 {
			b.sql.WriteString(op)
		}
		if err := b.node(o); err != nil {
			return err
		}
	}
	b.sql.WriteString(")")
	return nil
}

// termPath renders a term as a jsonpath that finds an item in the search
// copy exactly when query's Match finds the term in the document, or ""
// for a term that can find nothing. Names
// and values are jsonpath string literals, escaped by appendString, and
// numbers are re-spelled from their parsed form, so the text is always a
// valid jsonpath that means only what the term says.
func termPath(t *query.Term) (string, error) {
	if t.Kind == query.Exists {
		return existsPath(t), nil
	}
	var fields [][]string // the paths tested, relative to base
	base := "d"
	if t.Fold {
		base = "f" // the folded copy
	}
	switch {
	case t.Field == "":
		for _, f := range query.DefaultFields() {
			fields = append(fields, []string{f})
		}
	case len(t.Path) == 0:
		return "", nil // as query.Match: a field without a path finds nothing
	default:
		fields = [][]string{t.Path}
	}
	var conds []string
	for _, f := range fields {
		operand := []byte("@")
		for _, name := range f {
			operand = append(operand, '.')
			operand = appendString(operand, holdableString(name), false)
		}
		c, err := condition(t, string(operand))
		if err != nil {
			return "", err
		}
		conds = append(conds, c)
	}
	return `$."` + base + `" ? (` + strings.Join(conds, " || ") + ")", nil
}

// condition renders what an Exact, Prefix or Range term tests of the items
// operand yields (lax mode: arrays stand for their elements).
func condition(t *query.Term, operand string) (string, error) {
	str := func(s string) string {
		return string(appendString(nil, holdableString(s), t.Fold))
	}
	var alts []string
	switch t.Kind {
	case query.Exact:
		alts = append(alts, operand+" == "+str(t.Value))
		if num, ok := jsonpathNumber(t.Value); ok && t.Number {
			alts = append(alts, operand+" == "+num)
		}
		if t.Value == "true" || t.Value == "false" {
			alts = append(alts, operand+" == "+t.Value)
		}
	case query.Prefix:
		alts = append(alts, operand+" starts with "+str(t.Value))
	case query.Range:
		// Strings compare with each end's Key, in byte order (as
		// jsonpath compares strings in a UTF8 database).
		strs := []string{operand + ` >= ""`}                                 // every string
		numbers := []string{"(" + operand + " >= 0 || " + operand + " < 0)"} // every number
		for _, end := range []struct {
			b  query.Bound
			op string
		}{{t.Low, ">"}, {t.High, "<"}} {
			if end.b.Unbounded {
				continue
			}
			op := end.op
			if end.b.Inclusive {
				op += "="
			}
			strs = append(strs, operand+" "+op+" "+str(end.b.Key))
			num, ok := jsonpathNumber(end.b.Value)
			if !end.b.Number || !ok {
				numbers = nil // a bound that is not a number holds no stored number
			} else if numbers != nil {
				numbers = append(numbers, operand+" "+op+" "+num)
			}
		}
		alts = append(alts, "("+strings.Join(strs, " && ")+")")
		if numbers != nil {
			alts = append(alts, "("+strings.Join(numbers, " && ")+")")
		}
	default:
		return "", fmt.Errorf("pgstore: search: unknown term kind %v", t.Kind)
	}
	return strings.Join(alts, " || "), nil
}

// existsPath renders _exists_: the path is in the search copy's list of
// paths holding a searchable value (indexed), or, for a path too long to
// be listed, the document holds one at or below it.
func existsPath(t *query.Term) string {
	if len(t.Path) == 0 {
		return "" // as query.Match: nothing exists at no path
	}
	field := holdableString(strings.Join(t.Path, "."))
	if len(field) <= maxExistsPath {
		return `$."e" ? (@ == ` + string(appendString(nil, field, false)) + `)`
	}
	p := []byte(`$."d"`)
	for _, name := range t.Path {
		p = append(p, '.')
		p = appendString(p, holdableString(name), false)
	}
	return string(p) + `.** ? (@.type() == "string" || @.type() == "number" || @.type() == "boolean")`
}

// jsonpathNumber re-spells a JSON number literal for jsonpath in the form
// d.ddde±n (no leading or trailing zeros), or reports false when it is
// not a number or PostgreSQL's numeric cannot hold it (then no stored
// number in the search copy can equal it either: such numbers are strings
// there).
func jsonpathNumber(s string) (string, bool) {
	if !query.IsNumber(s) {
		return "", false
	}
	d := splitNumber(s)
	if !d.expOK {
		return "", false
	}
	all := d.intDigits + d.fracDigits
	lead := len(all) - len(strings.TrimLeft(all, "0"))
	digits := strings.TrimRight(all[lead:], "0")
	if digits == "" {
		return "0", true
	}
	exp := len(d.intDigits) - lead - 1 + d.exp // the power of ten of the first digit
	var b strings.Builder
	if d.neg {
		b.WriteByte('-')
	}
	b.WriteString(digits[:1])
	if len(digits) > 1 {
		b.WriteString("." + digits[1:])
	}
	b.WriteString("e" + strconv.Itoa(exp))
	if !numericHolds(b.String()) {
		return "", false
	}
	return b.String(), true
}

// orderClause renders the ORDER BY of sort: query.Sort.Compare's order,
// then creation order. The field name is a bound parameter.
func orderClause(sort query.Sort, args []any) (string, []any) {
	if sort.Field == "" {
		return "seq", args
	}
	args = append(args, sort.Field)
	v := "search->'d'->$" + strconv.Itoa(len(args)) + "::text"
	dir, rank := "ASC", "0 1 2"
	if sort.Desc {
		dir, rank = "DESC", "2 1 0"
	}
	r := strings.Fields(rank)
	// Numbers, strings, booleans (reversed when descending); absent,
	// null, objects and arrays last either way.
	return fmt.Sprintf(`CASE jsonb_typeof(%[1]s) WHEN 'number' THEN %[3]s WHEN 'string' THEN %[4]s WHEN 'boolean' THEN %[5]s ELSE 3 END,
		CASE WHEN jsonb_typeof(%[1]s) = 'number' THEN (%[1]s)::numeric END %[2]s,
		CASE WHEN jsonb_typeof(%[1]s) = 'string' THEN (%[1]s)#>>'{}' END COLLATE "C" %[2]s,
		CASE WHEN jsonb_typeof(%[1]s) = 'boolean' THEN (%[1]s)::boolean END %[2]s,
		seq`, v, dir, r[0], r[1], r[2]), args
}
