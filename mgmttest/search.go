// This file implements the package doc's "Lists and search": paging,
// user search (q, sort), fields, and users-by-email.

package mgmttest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/metapatch/metapatch/query"
)

const (
	defaultPerPage = 50
	maxPerPage     = 100
	// maxReachable is how many results of a search can be paged through:
	// Auth0 refuses a page that ends past the first 1000.
	maxReachable = 1000
)

// queryError writes 400 invalid_query_string.
func queryError(w http.ResponseWriter, message string) {
	writeError(w, http.StatusBadRequest, message, "invalid_query_string")
}

// listParams are a list request's paging and fields parameters.
type listParams struct {
	page, perPage int
	totals        bool
	fields        []string
	include       bool // include_fields: keep only fields (true) or drop them (false)
}

// parseListParams reads page, per_page, include_totals, fields and
// include_fields, writing a 400 for a bad one.
func parseListParams(w http.ResponseWriter, q url.Values) (listParams, bool) {
	p := listParams{perPage: defaultPerPage, include: true}
	var err error
	var ok bool
	if v := q.Get("page"); v != "" {
		if p.page, err = strconv.Atoi(v); err != nil || p.page < 0 || p.page > math.MaxInt32 {
			queryError(w, fmt.Sprintf("Query validation error: 'page' must be an integer from 0 to %d, not %q.", math.MaxInt32, v))
			return p, false
		}
	}
	if v := q.Get("per_page"); v != "" {
		if p.perPage, err = strconv.Atoi(v); err != nil || p.perPage < 1 || p.perPage > maxPerPage {
			queryError(w, fmt.Sprintf("Query validation error: 'per_page' must be an integer from 1 to %d, not %q.", maxPerPage, v))
			return p, false
		}
	}
	if p.totals, ok = boolParam(w, q, "include_totals", false); !ok {
		return p, false
	}
	fields, ok := parseFields(w, q)
	p.fields, p.include = fields.names, fields.include
	return p, ok
}

type fieldsParam struct {
	names   []string // nil: every field
	include bool
}

// parseFields reads fields and include_fields.
func parseFields(w http.ResponseWriter, q url.Values) (fieldsParam, bool) {
	include, ok := boolParam(w, q, "include_fields", true)
	if !ok {
		return fieldsParam{}, false
	}
	var names []string
	for _, f := range strings.Split(q.Get("fields"), ",") {
		if f = strings.TrimSpace(f); f != "" {
			names = append(names, f)
		}
	}
	return fieldsParam{names, include}, true
}

// boolParam reads a true/false parameter (def when absent), writing a 400
// for anything else.
func boolParam(w http.ResponseWriter, q url.Values, name string, def bool) (bool, bool) {
	switch v := q.Get(name); v {
	case "":
		return def, true
	case "true":
		return true, true
	case "false":
		return false, true
	default:
		queryError(w, fmt.Sprintf("Query validation error: '%s' must be true or false, not %q.", name, v))
		return false, false
	}
}

// project keeps (include) or drops the root members of doc named in
// names, keeping the bytes and order of the others. nil names: doc as it
// is.
func project(doc []byte, names []string, include bool) []byte {
	if names == nil {
		return doc
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return doc
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return doc
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return doc
		}
		name, _ := t.(string)
		if slices.Contains(names, name) != include {
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		n, _ := json.Marshal(name)
		b.Write(n)
		b.WriteByte(':')
		b.Write(raw)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// list answers GET /api/v2/<kind>: a page of documents in creation order
// (for users, those q matches, ordered by sort), as a bare array or, with
// include_totals=true, {"start","limit","length",<kind>,"total"}.
func (s *Server) list(w http.ResponseWriter, r request, k *kind) {
	if !r.allows(k.scope("read")) {
		writeScopeError(w, k.scope("read"))
		return
	}
	params := r.URL.Query()
	p, ok := parseListParams(w, params)
	if !ok {
		return
	}
	var q *query.Query
	var sort query.Sort
	switch {
	case k.name == "users":
		if q, sort, ok = parseSearch(w, params, p); !ok {
			return
		}
	case k.name == "connections" && params.Has("name"):
		// GET /api/v2/connections?name=: the connection of that exact name.
		q = &query.Query{Root: &query.Term{Field: "name", Path: []string{"name"}, Kind: query.Exact, Value: params.Get("name")}}
	}
	docs, total, err := s.store.Search(r.Context(), k.name, q, Page{Sort: sort, Page: p.page, PerPage: p.perPage})
	if err != nil {
		writeLibraryError(w, err)
		return
	}
	for i, d := range docs {
		docs[i] = project(d, p.fields, p.include)
	}
	writeList(w, k.name, docs, p.page, p.perPage, total, p.totals)
}

// parseSearch reads a user search's q, search_engine and sort, and checks
// the 1000-result window.
func parseSearch(w http.ResponseWriter, params url.Values, p listParams) (*query.Query, query.Sort, bool) {
	var sort query.Sort
	if e := params.Get("search_engine"); e != "" && e != "v3" {
		queryError(w, fmt.Sprintf("Query validation error: 'search_engine' must be v3, not %q: v1 and v2 are no longer served.", e))
		return nil, sort, false
	}
	if (p.page+1)*p.perPage > maxReachable {
		queryError(w, fmt.Sprintf("You can only page through the first %d records: page %d of %d per page ends at record %d.",
			maxReachable, p.page, p.perPage, (p.page+1)*p.perPage))
		return nil, sort, false
	}
	var q *query.Query
	if text := params.Get("q"); text != "" {
		var err error
		if q, err = query.Parse(text); err != nil {
			writeParseError(w, "q", text, err)
			return nil, sort, false
		}
	}
	if text := params.Get("sort"); text != "" {
		var err error
		if sort, err = query.ParseSort(text); err != nil {
			writeParseError(w, "sort", text, err)
			return nil, sort, false
		}
	}
	return q, sort, true
}

// writeParseError answers a query or sort the parser refused: its
// message and offset.
func writeParseError(w http.ResponseWriter, param, text string, err error) {
	var e *query.Error
	if !errors.As(err, &e) {
		queryError(w, fmt.Sprintf("Query validation error: %s.", err))
		return
	}
	queryError(w, fmt.Sprintf("Query validation error: %s at offset %d of %s %q.", e.Message, e.Offset, param, text))
}

// usersByEmail answers GET /api/v2/users-by-email?email=: every user
// whose email is exactly the address, case-sensitively, in creation order.
func (s *Server) usersByEmail(w http.ResponseWriter, r request, k *kind) {
	if !r.allows(k.scope("read")) {
		writeScopeError(w, k.scope("read"))
		return
	}
	params := r.URL.Query()
	email := params.Get("email")
	if email == "" {
		queryError(w, "Query validation error: Missing required property: email.")
		return
	}
	fields, ok := parseFields(w, params)
	if !ok {
		return
	}
	found, err := s.usersWithEmail(r.Context(), email, "", func(a, b string) bool { return a == b })
	if err != nil {
		writeLibraryError(w, err)
		return
	}
	for i, d := range found {
		found[i] = project(d, fields.names, fields.include)
	}
	writeList(w, "", found, 0, 0, 0, false)
}
