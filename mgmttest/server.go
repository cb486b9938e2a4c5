// This file implements the package doc's "Endpoints": routing, the
// handlers and Auth0's error bodies.

package mgmttest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"

	"github.com/metapatch/metapatch"
)

// A Server is a running Management API. Its zero value is not usable: call
// NewServer.
type Server struct {
	// URL is the base URL, http://127.0.0.1:port, without a trailing slash.
	URL string

	srv      *httptest.Server // nil for a Server from NewHandler
	handler  http.Handler
	now      func() time.Time
	maxBytes int
	store    Store
	seeds    []seedDocs
	kinds    map[string]*kind
	auth     *auth
}

// An Option configures a Server. The options are WithClock, WithStore,
// and the seeds WithUsers, WithClients, WithOrganizations,
// WithConnections, WithCustomDomains, WithSessions and WithRefreshTokens.
type Option interface {
	apply(*Server)
}

type optionFunc func(*Server)

func (f optionFunc) apply(s *Server) { f(s) }

// WithClock sets the clock that stamps created_at and updated_at and
// issues and checks access tokens (default time.Now).
func WithClock(now func() time.Time) Option {
	if now == nil {
		panic("mgmttest: WithClock(nil)")
	}
	return optionFunc(func(s *Server) { s.now = now })
}

// WithStore keeps the server's documents in st instead of a new memory
// store (NewMemoryStore). Seeded documents are created in st when the
// server starts.
func WithStore(st Store) Option {
	if st == nil {
		panic("mgmttest: WithStore(nil)")
	}
	return optionFunc(func(s *Server) { s.store = st })
}

// WithUsers stores users before the server starts, as they are, in the
// order given. Each must be a JSON object with a string user_id; NewServer
// panics otherwise, and when the store already holds the id.
func WithUsers(docs ...[]byte) Option { return seed("users", docs) }

// WithClients stores clients (each with a client_id) before the server starts.
func WithClients(docs ...[]byte) Option { return seed("clients", docs) }

// WithOrganizations stores organizations (each with an id) before the
// server starts.
func WithOrganizations(docs ...[]byte) Option { return seed("organizations", docs) }

// WithConnections stores connections (each with an id) before the server
// starts.
func WithConnections(docs ...[]byte) Option { return seed("connections", docs) }

// WithCustomDomains stores custom domains (each with a custom_domain_id)
// before the server starts.
func WithCustomDomains(docs ...[]byte) Option { return seed("custom-domains", docs) }

// WithSessions stores sessions (each with an id) before the server
// starts: the Management API only reads and PATCHes them.
func WithSessions(docs ...[]byte) Option { return seed("sessions", docs) }

// WithRefreshTokens stores refresh tokens (each with an id) before the
// server starts: the Management API only reads and PATCHes them.
func WithRefreshTokens(docs ...[]byte) Option { return seed("refresh-tokens", docs) }

type seedDocs struct {
	kind string
	docs [][]byte
}

func seed(name string, docs [][]byte) Option {
	docs = slices.Clone(docs)
	for i, d := range docs {
		docs[i] = slices.Clone(d)
	}
	return optionFunc(func(s *Server) { s.seeds = append(s.seeds, seedDocs{name, docs}) })
}

// NewServer starts a Server on a loopback port. Close it when done.
func NewServer(opts ...Option) *Server {
	s := newServer(opts)
	s.srv = httptest.NewUnstartedServer(s.handler)
	s.srv.Config.ReadHeaderTimeout = 10 * time.Second
	s.srv.Config.IdleTimeout = time.Minute
	s.srv.Start()
	s.URL = s.srv.URL
	return s
}

// NewHandler returns a Server that does not listen, for a program that
// serves the API itself (with its own http.Server, timeouts and shutdown):
// serve its Handler at base, the public URL clients use (such as
// "https://auth.example.test"), which is also the issuer and audience of
// the tokens it issues. Close does nothing.
func NewHandler(base string, opts ...Option) *Server {
	s := newServer(opts)
	s.URL = strings.TrimSuffix(base, "/")
	return s
}

// Handler returns the API's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// newServer builds a Server's state and routes.
func newServer(opts []Option) *Server {
	s := &Server{now: time.Now, maxBytes: 16 << 20, auth: newAuth(), kinds: kinds()}
	for _, o := range opts {
		o.apply(s)
	}
	if s.store == nil {
		s.store = NewMemoryStore()
	}
	for _, sd := range s.seeds {
		k := s.kinds[sd.kind]
		for _, doc := range sd.docs {
			id, ok := stringField(doc, k.idField)
			if !ok || id == "" {
				panic(fmt.Sprintf("mgmttest: a seeded %s document needs a string %s: %s", sd.kind, k.idField, doc))
			}
			if err := s.store.Create(context.Background(), k.name, id, doc); err != nil {
				panic(fmt.Sprintf("mgmttest: seeding %s %q: %v", sd.kind, id, err))
			}
		}
	}
	s.seeds = nil
	mux := http.NewServeMux()
	for _, k := range s.kinds {
		base := "/api/v2/" + k.name
		if k.create != nil {
			mux.HandleFunc("POST "+base, s.handle(k, s.create))
			mux.HandleFunc("GET "+base, s.handle(k, s.list))
			mux.HandleFunc("DELETE "+base+"/{id}", s.handle(k, s.delete))
		}
		if k.patch != nil {
			mux.HandleFunc("PATCH "+base+"/{id}", s.handle(k, s.patch))
		}
		mux.HandleFunc("GET "+base+"/{id}", s.handle(k, s.get))
	}
	mux.HandleFunc("GET /api/v2/users-by-email", s.handle(s.kinds["users"], s.usersByEmail))
	mux.HandleFunc("POST /api/v2/jobs/users-imports", s.handle(s.kinds["users"], s.importUsers))
	mux.HandleFunc("GET /api/v2/jobs/{id}/errors", s.handle(s.kinds["jobs"], s.jobErrors))
	mux.HandleFunc("POST /dbconnections/signup", s.signup)
	mux.HandleFunc("POST /oauth/token", s.token)
	mux.HandleFunc("GET /.well-known/jwks.json", s.jwks)
	mux.HandleFunc("/", notImplemented)
	s.handler = mux
	return s
}

// Close shuts the server down and blocks until its requests are done. On a
// Server from NewHandler it does nothing.
func (s *Server) Close() {
	if s.srv != nil {
		s.srv.Close()
	}
}

// timestamp is the clock's time as Auth0 writes it: ISO 8601, UTC, milliseconds.
func (s *Server) timestamp() string { return s.now().UTC().Format("2006-01-02T15:04:05.000Z") }

// A kind is one resource collection: one row of the table kinds returns.
type kind struct {
	name            string // the path segment and the store's collection: users, clients, ...
	singular        string // for messages: user, client, custom domain, ...
	scopeName       string // the scopes' entity: users, clients, custom_domains, ...
	idField         string // user_id, client_id, id, custom_domain_id
	notFound        string // the 404 errorCode
	notFoundMessage string
	create          func([]byte, ...metapatch.Option) ([]byte, error) // nil: no POST, no list, no DELETE
	patch           func([]byte, []byte, ...metapatch.Option) ([]byte, error)
	newID           func() string
	// patchScopes are the scopes any of which lets a PATCH through before
	// the body is looked at (the library checks each property).
	patchScopes []string
}

func kinds() map[string]*kind {
	rows := []*kind{
		{name: "users", singular: "user", scopeName: "users", idField: "user_id", notFound: "inexistent_user", notFoundMessage: "The user does not exist.",
			create: metapatch.CreateUser, patch: metapatch.PatchUser, newID: newUserID,
			patchScopes: []string{"update:users", "update:users_app_metadata", "update:current_user_metadata"}},
		{name: "clients", singular: "client", scopeName: "clients", idField: "client_id", notFound: "inexistent_client", notFoundMessage: "The client does not exist",
			create: metapatch.CreateClient, patch: metapatch.PatchClient,
			newID: func() string { return randomString(alphanumerics, 32) }},
		{name: "organizations", singular: "organization", scopeName: "organizations", idField: "id", notFound: "inexistent_organization", notFoundMessage: "No organization found by that id",
			create: metapatch.CreateOrganization, patch: metapatch.PatchOrganization,
			newID: func() string { return "org_" + randomString(alphanumerics, 16) }},
		{name: "connections", singular: "connection", scopeName: "connections", idField: "id", notFound: "inexistent_connection", notFoundMessage: "The connection does not exist",
			create: metapatch.CreateConnection, patch: metapatch.PatchConnection,
			newID: func() string { return "con_" + randomString(alphanumerics, 16) }},
		{name: "custom-domains", singular: "custom domain", scopeName: "custom_domains", idField: "custom_domain_id", notFound: "inexistent_custom_domain", notFoundMessage: "The custom domain does not exist",
			create: metapatch.CreateCustomDomain, patch: metapatch.PatchCustomDomain,
			newID: func() string { return "cd_" + randomString(alphanumerics, 16) }},
		{name: "sessions", singular: "session", scopeName: "sessions", idField: "id", notFound: "inexistent_session", notFoundMessage: "The session does not exist",
			patch: metapatch.PatchSession},
		{name: "refresh-tokens", singular: "refresh token", scopeName: "refresh_tokens", idField: "id", notFound: "inexistent_refresh_token", notFoundMessage: "The refresh token does not exist",
			patch: metapatch.PatchRefreshToken},
		{name: "jobs", singular: "job", scopeName: "users", idField: "id", notFound: "inexistent_job", notFoundMessage: "The job does not exist"},
	}
	m := map[string]*kind{}
	for _, k := range rows {
		if k.patchScopes == nil {
			k.patchScopes = []string{k.scope("update")}
		}
		m[k.name] = k
	}
	return m
}

func newUserID() string { return "auth0|" + randomString(hexDigits, 24) }

// scope returns the scope an action on k needs: read, create, update, delete.
func (k *kind) scope(action string) string { return action + ":" + k.scopeName }

// A request is what a handler needs: the token's scopes (nil: all).
type request struct {
	*http.Request
	scopes []string
}

func (r request) allows(scope string) bool {
	return r.scopes == nil || slices.Contains(r.scopes, scope)
}

// options returns the library options that limit a call to the scopes.
func (r request) options() []metapatch.Option {
	if r.scopes == nil {
		return nil
	}
	return []metapatch.Option{metapatch.WithScopes(r.scopes...)}
}

// handle authenticates the request. No lock is held: a handler reads and
// checks the body first, and the store locks only its read-modify-write.
func (s *Server) handle(k *kind, h func(http.ResponseWriter, request, *kind)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scopes, refusal := s.scopesOf(r)
		if refusal != "" {
			writeError(w, http.StatusUnauthorized, refusal, "")
			return
		}
		h(w, request{r, scopes}, k)
	}
}

func (s *Server) create(w http.ResponseWriter, r request, k *kind) {
	body, ok := s.body(w, r)
	if !ok {
		return
	}
	doc, err := k.create(body, r.options()...)
	if err != nil {
		writeLibraryError(w, err)
		return
	}
	id, given := stringField(doc, k.idField)
	if !given {
		id = k.newID()
	}
	// What the server fills, set with the generic root-level merge.
	fill := map[string]any{k.idField: id}
	if k.name == "users" {
		connection, _ := stringField(body, "connection")
		fill = s.userFill(id, connection)
	}
	if doc, err = setFields(doc, fill); err != nil {
		writeLibraryError(w, err)
		return
	}
	if err := s.store.Create(r.Context(), k.name, id, doc); err != nil {
		s.writeStoreError(w, r, k, err)
		return
	}
	writeJSON(w, http.StatusCreated, doc)
}

// userFill returns what the server sets on a new user: user_id,
// created_at, updated_at and identities.
func (s *Server) userFill(id, connection string) map[string]any {
	now := s.timestamp()
	_, bare, _ := strings.Cut(id, "|")
	return map[string]any{"user_id": id, "created_at": now, "updated_at": now,
		"identities": []any{map[string]any{"connection": connection, "user_id": bare, "provider": "auth0", "isSocial": false}}}
}

func (s *Server) get(w http.ResponseWriter, r request, k *kind) {
	if !r.allows(k.scope("read")) {
		writeScopeError(w, k.scope("read"))
		return
	}
	fields, ok := parseFields(w, r.URL.Query())
	if !ok {
		return
	}
	id := r.PathValue("id")
	if k.name == "jobs" && strings.Contains(id, "/") { // a job's errors are stored as "<id>/errors"
		writeError(w, http.StatusNotFound, k.notFoundMessage, k.notFound)
		return
	}
	doc, err := s.store.Get(r.Context(), k.name, id)
	if err != nil {
		s.writeStoreError(w, r, k, err)
		return
	}
	writeJSON(w, http.StatusOK, project(doc, fields.names, fields.include))
}

func (s *Server) patch(w http.ResponseWriter, r request, k *kind) {
	body, ok := s.body(w, r)
	if !ok {
		return
	}
	// Every check of the body alone, before the store is touched: an
	// absent stored document is the library's empty one.
	if _, err := k.patch(nil, body, r.options()...); err != nil {
		writeLibraryError(w, err)
		return
	}
	var fill []byte
	if k.name == "users" {
		fill = []byte(`{"updated_at":"` + s.timestamp() + `"}`)
	}
	doc, err := s.store.Update(r.Context(), k.name, r.PathValue("id"), func(stored []byte) ([]byte, error) {
		doc, err := k.patch(stored, body, r.options()...)
		if err != nil || fill == nil {
			return doc, err
		}
		return metapatch.Merge(doc, fill)
	})
	if err != nil {
		s.writeStoreError(w, r, k, err)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

func (s *Server) delete(w http.ResponseWriter, r request, k *kind) {
	if !r.allows(k.scope("delete")) {
		writeScopeError(w, k.scope("delete"))
		return
	}
	err := s.store.Delete(r.Context(), k.name, r.PathValue("id"))
	if err != nil && !(k.name == "users" && errors.Is(err, ErrNotFound)) { // Auth0 deletes absent users silently
		s.writeStoreError(w, r, k, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// writeStoreError answers a store's error: 404 with the entity's
// errorCode, 409 for an existing id, the library's error as it renders,
// 500 for anything else.
func (s *Server) writeStoreError(w http.ResponseWriter, r request, k *kind, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		// Auth0 checks the token before it looks the resource up.
		if r.Method == http.MethodPatch && !slices.ContainsFunc(k.patchScopes, r.allows) {
			writeScopeError(w, k.scope("update"))
			return
		}
		writeError(w, http.StatusNotFound, k.notFoundMessage, k.notFound)
	case errors.Is(err, ErrExists):
		writeError(w, http.StatusConflict, fmt.Sprintf("The %s already exists.", k.singular), "conflict")
	default:
		writeLibraryError(w, err)
	}
}

// writeList writes a page of documents: a bare array, or with totals
// {"start","limit","length",<key>,"total"} (the order Auth0 answers in).
func writeList(w http.ResponseWriter, key string, docs [][]byte, page, perPage, total int, totals bool) {
	var b bytes.Buffer
	if totals {
		fmt.Fprintf(&b, `{"start":%d,"limit":%d,"length":%d,%q:`, page*perPage, perPage, len(docs), key)
	}
	b.WriteByte('[')
	for i, d := range docs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(d)
	}
	b.WriteByte(']')
	if totals {
		fmt.Fprintf(&b, `,"total":%d}`, total)
	}
	writeJSON(w, http.StatusOK, b.Bytes())
}

// body reads a JSON request body of at most the byte limit; a larger one
// is refused before it is read whole.
func (s *Server) body(w http.ResponseWriter, r request) ([]byte, bool) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusBadRequest, "Payload validation error: 'Content-Type must be application/json'.", "invalid_body")
		return nil, false
	}
	tooLarge := func() ([]byte, bool) {
		writeLibraryError(w, &metapatch.Error{
			StatusCode: http.StatusRequestEntityTooLarge, ErrorCode: "payload_too_large", Err: metapatch.ErrTooLarge,
			Message: fmt.Sprintf("Payload content length greater than maximum allowed: %d", s.maxBytes),
		})
		return nil, false
	}
	if r.ContentLength > int64(s.maxBytes) {
		return tooLarge()
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, int64(s.maxBytes)+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Payload validation error: 'could not read the body'.", "invalid_body")
		return nil, false
	}
	if len(b) > s.maxBytes {
		return tooLarge()
	}
	return b, true
}

// setFields sets root members of doc, keeping the others and their order.
func setFields(doc []byte, fields map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(k)
		value, err := json.Marshal(fields[k])
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(value)
	}
	b.WriteByte('}')
	return metapatch.Merge(doc, []byte(b.String()))
}

// stringField returns a root string member of a valid JSON object.
func stringField(doc []byte, name string) (string, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(doc, &m) != nil {
		return "", false
	}
	var v string
	if raw, ok := m[name]; !ok || json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	return v, true
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// writeError writes Auth0's error body; errorCode may be empty.
func writeError(w http.ResponseWriter, status int, message, errorCode string) {
	body := struct {
		StatusCode int    `json:"statusCode"`
		Error      string `json:"error"`
		Message    string `json:"message"`
		ErrorCode  string `json:"errorCode,omitempty"`
	}{status, http.StatusText(status), message, errorCode}
	b, _ := json.Marshal(body)
	writeJSON(w, status, b)
}

// notImplemented answers every method and path the server does not serve:
// 501, never a 404 that would look like a missing resource.
func notImplemented(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotImplemented, "mgmttest does not implement "+r.Method+" "+r.URL.Path, "not_implemented")
}

func writeScopeError(w http.ResponseWriter, scope string) {
	writeError(w, http.StatusForbidden, "Insufficient scope, expected any of: "+scope, "insufficient_scope")
}

// writeLibraryError writes a *metapatch.Error exactly as the library renders it.
func writeLibraryError(w http.ResponseWriter, err error) {
	e, ok := err.(*metapatch.Error)
	if !ok {
		writeError(w, http.StatusInternalServerError, err.Error(), "")
		return
	}
	b, _ := e.MarshalJSON()
	writeJSON(w, e.StatusCode, b)
}

const (
	hexDigits     = "0123456789abcdef"
	alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
