// This file implements the package doc's "Sign-up" and "Bulk import":
// the endpoints that create users by other routes than POST /api/v2/users.

package mgmttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/metapatch/metapatch"
	"github.com/metapatch/metapatch/query"
)

// authError writes the Authentication API's error body for sign-up:
// {"name","code","description","statusCode"}.
func authError(w http.ResponseWriter, status int, name, code, description string) {
	b, _ := json.Marshal(struct {
		Name        string `json:"name"`
		Code        string `json:"code"`
		Description string `json:"description"`
		StatusCode  int    `json:"statusCode"`
	}{name, code, description, status})
	writeJSON(w, status, b)
}

// signup answers POST /dbconnections/signup, a public endpoint of the
// Authentication API: the library's Signup makes the user, stored with
// user_id "auth0|<_id>"; the answer is that user with "_id" first.
func (s *Server) signup(w http.ResponseWriter, r *http.Request) {
	body, ok := s.body(w, request{Request: r})
	if !ok {
		return
	}
	doc, err := metapatch.Signup(body)
	if err != nil {
		var e *metapatch.Error
		if errors.As(err, &e) && e.StatusCode == http.StatusBadRequest {
			authError(w, http.StatusBadRequest, "BadRequestError", "invalid_signup", e.Message)
			return
		}
		writeLibraryError(w, err)
		return
	}
	connection, _ := stringField(body, "connection")
	if email, ok := stringField(doc, "email"); ok {
		found, err := s.usersWithEmail(r.Context(), email, connection, strings.EqualFold)
		if err != nil {
			writeLibraryError(w, err)
			return
		}
		if len(found) > 0 {
			authError(w, http.StatusBadRequest, "BadRequestError", "user_exists", "The user already exists.")
			return
		}
	}
	bare := randomString(hexDigits, 24)
	user, err := setFields(doc, s.userFill("auth0|"+bare, connection))
	if err != nil {
		writeLibraryError(w, err)
		return
	}
	if err := s.store.Create(r.Context(), "users", "auth0|"+bare, user); err != nil {
		s.writeStoreError(w, request{Request: r}, s.kinds["users"], err)
		return
	}
	answer := []byte(`{"_id":"` + bare + `"`)
	if rest := bytes.TrimSpace(doc[1:]); rest[0] != '}' {
		answer = append(answer, ',')
	}
	writeJSON(w, http.StatusOK, append(answer, doc[1:]...))
}

// usersWithEmail returns the users of connection (by their identities;
// "" for any) whose email equals email by same.
func (s *Server) usersWithEmail(ctx context.Context, email, connection string, same func(a, b string) bool) ([][]byte, error) {
	// The store finds the candidates as q=email:"<address>" would; the
	// exact comparison is made here.
	q := &query.Query{Root: &query.Term{Field: "email", Path: []string{"email"}, Fold: query.CaseInsensitive("email"),
		Kind: query.Exact, Value: email, Number: query.IsNumber(email)}}
	var found [][]byte
	for page := 0; ; page++ {
		docs, total, err := s.store.Search(ctx, "users", q, Page{Page: page, PerPage: maxPerPage})
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if got, ok := stringField(d, "email"); ok && same(got, email) && (connection == "" || hasIdentity(d, connection)) {
				found = append(found, d)
			}
		}
		if (page+1)*maxPerPage >= total {
			return found, nil
		}
	}
}

// hasIdentity reports whether a user has an identity in connection.
func hasIdentity(user []byte, connection string) bool {
	var u struct {
		Identities []struct {
			Connection string `json:"connection"`
		} `json:"identities"`
	}
	if json.Unmarshal(user, &u) != nil {
		return false
	}
	for _, id := range u.Identities {
		if id.Connection == connection {
			return true
		}
	}
	return false
}

// maxImportRequest bounds a users-imports request: the file's own limit
// (512000 bytes, checked by the library) and room for the other fields.
const maxImportRequest = 1 << 20

// importUsers answers POST /api/v2/jobs/users-imports: a multipart form
// with the users file, connection_id and upsert. The library checks the
// whole file (CheckImport) before anything is written; then each record
// creates a user (ImportUser) or, matched by email in the connection,
// updates one (UpsertUser with upsert=true) or fails (DUPLICATED_USER).
// The job runs before the answer, which is the job as Auth0 answers it,
// "pending"; GET /api/v2/jobs/{id} shows it "completed", with its summary.
func (s *Server) importUsers(w http.ResponseWriter, r request, k *kind) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		writeError(w, http.StatusBadRequest, "Payload validation error: 'Content-Type must be multipart/form-data'.", "invalid_body")
		return
	}
	form, file, err := readImportForm(r.Body, params["boundary"])
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("Payload content length greater than maximum allowed: %d.", maxImportRequest), "payload_too_large")
			return
		}
		writeError(w, http.StatusBadRequest, "Payload validation error: '"+err.Error()+"'.", "invalid_body")
		return
	}
	connectionID := form["connection_id"]
	if connectionID == "" {
		writeError(w, http.StatusBadRequest, "Payload validation error: 'Missing required property: connection_id'.", "invalid_body")
		return
	}
	if file == nil {
		writeError(w, http.StatusBadRequest, "Payload validation error: 'Missing required property: users'.", "invalid_body")
		return
	}
	upsert := false
	switch form["upsert"] {
	case "", "false":
	case "true":
		upsert = true
	default:
		writeError(w, http.StatusBadRequest, "Payload validation error: 'upsert must be true or false'.", "invalid_body")
		return
	}
	if err := metapatch.CheckImport(file, r.options()...); err != nil {
		writeLibraryError(w, err)
		return
	}
	conn, err := s.store.Get(r.Context(), "connections", connectionID)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			writeError(w, http.StatusBadRequest, "Payload validation error: 'The connection does not exist: "+connectionID+"'.", "invalid_body")
			return
		}
		writeLibraryError(w, err)
		return
	}
	connection, _ := stringField(conn, "name")

	var records []json.RawMessage
	if err := json.Unmarshal(file, &records); err != nil { // CheckImport accepted it: this cannot fail
		writeLibraryError(w, err)
		return
	}
	var summary struct{ failed, updated, inserted int }
	var failures bytes.Buffer
	failures.WriteByte('[')
	fail := func(record []byte, code, message string) {
		summary.failed++
		if failures.Len() > 1 {
			failures.WriteByte(',')
		}
		m, _ := json.Marshal(message)
		fmt.Fprintf(&failures, `{"user":%s,"errors":[{"code":%q,"message":%s}]}`, bytes.TrimSpace(record), code, m)
	}
	for _, record := range records {
		email, _ := stringField(record, "email")
		found, err := s.usersWithEmail(r.Context(), email, connection, strings.EqualFold)
		if err != nil {
			fail(record, "INTERNAL_ERROR", err.Error())
			continue
		}
		switch {
		case len(found) > 0 && !upsert:
			fail(record, "DUPLICATED_USER", "The user already exist and upsert parameter is false")
		case len(found) > 0:
			id, _ := stringField(found[0], "user_id")
			stamp := []byte(`{"updated_at":"` + s.timestamp() + `"}`)
			_, err := s.store.Update(r.Context(), "users", id, func(user []byte) ([]byte, error) {
				doc, err := metapatch.UpsertUser(user, record, r.options()...)
				if err != nil {
					return nil, err
				}
				return metapatch.Merge(doc, stamp)
			})
			if err != nil {
				fail(record, "UPSERT_FAILED", err.Error())
				continue
			}
			summary.updated++
		default:
			doc, err := metapatch.ImportUser(record, r.options()...)
			if err != nil {
				fail(record, "INVALID_RECORD", err.Error())
				continue
			}
			id, given := stringField(doc, "user_id")
			switch {
			case !given:
				id = newUserID()
			case !strings.Contains(id, "|"):
				id = "auth0|" + id
			}
			if doc, err = setFields(doc, s.userFill(id, connection)); err != nil {
				fail(record, "INVALID_RECORD", err.Error())
				continue
			}
			if err := s.store.Create(r.Context(), "users", id, doc); err != nil {
				if errors.Is(err, ErrExists) {
					fail(record, "DUPLICATED_USER", "The user already exist and upsert parameter is false")
				} else {
					fail(record, "INTERNAL_ERROR", err.Error())
				}
				continue
			}
			summary.inserted++
		}
	}
	failures.WriteByte(']')

	id := "job_" + randomString(alphanumerics, 16)
	head := fmt.Sprintf(`{"type":"users_import","status":%%q,"connection_id":%s%%s,"connection":%s,"created_at":"%s","id":"%s"`,
		quote(connectionID), quote(connection), s.timestamp(), id)
	var extra string
	if ext := form["external_id"]; ext != "" {
		extra = `,"external_id":` + quote(ext)
	}
	pending := []byte(fmt.Sprintf(head, "pending", "") + extra + "}")
	done := []byte(fmt.Sprintf(head, "completed", fmt.Sprintf(`,"summary":{"failed":%d,"updated":%d,"inserted":%d,"total":%d}`,
		summary.failed, summary.updated, summary.inserted, len(records))) + extra + "}")
	if err := s.store.Create(r.Context(), "jobs", id, done); err != nil {
		writeLibraryError(w, err)
		return
	}
	if err := s.store.Create(r.Context(), "jobs", id+"/errors", failures.Bytes()); err != nil {
		writeLibraryError(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, pending)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// readImportForm reads a users-imports form: its text fields and the
// users file (nil when absent), at most maxImportRequest bytes in all.
func readImportForm(body io.Reader, boundary string) (map[string]string, []byte, error) {
	mr := multipart.NewReader(io.LimitReader(body, maxImportRequest+1), boundary)
	form := map[string]string{}
	var file []byte
	var read int
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return form, file, nil
		}
		if err != nil {
			return nil, nil, errors.New("the multipart body cannot be read")
		}
		b, err := io.ReadAll(p)
		if read += len(b); read > maxImportRequest {
			return nil, nil, &http.MaxBytesError{Limit: maxImportRequest}
		}
		if err != nil {
			return nil, nil, errors.New("the multipart body cannot be read")
		}
		if p.FormName() == "users" {
			file = b
		} else {
			form[p.FormName()] = string(b)
		}
	}
}

// jobErrors answers GET /api/v2/jobs/{id}/errors: one entry per record
// that failed, {"user":<record>,"errors":[{"code","message"}]}; [] when
// none failed.
func (s *Server) jobErrors(w http.ResponseWriter, r request, k *kind) {
	if !r.allows("read:users") && !r.allows("create:users") {
		writeScopeError(w, "create:users,read:users")
		return
	}
	doc, err := s.store.Get(r.Context(), k.name, r.PathValue("id")+"/errors")
	if err != nil {
		s.writeStoreError(w, r, k, err)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}
