// This file implements the package doc's "Errors": the *Error type, its
// sentinels, its pointers and Auth0's error bodies.

package metapatch

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Error is the error every function of this package returns. It carries
// what Auth0's Management API would answer (StatusCode, ErrorCode, Message,
// and the body that MarshalJSON renders) and, for Go code, where the problem
// is (Pointer) and which rule it breaks (Err, one of the sentinels below).
//
// Use errors.Is(err, ErrTooManyKeys) to tell the rule, and errors.As with a
// *Error to read the status and pointer.
type Error struct {
	// StatusCode is the HTTP status Auth0 answers with: 400 for a bad body,
	// 403 for a scope that does not allow the write, 413 for a body or
	// result over the byte limit, 500 for an unusable stored document.
	StatusCode int
	// ErrorCode is Auth0's errorCode: "invalid_body", "insufficient_scope",
	// "payload_too_large" or "invalid_stored_document".
	ErrorCode string
	// Message is Auth0's message. For a 400 it reads
	// "Payload validation error: '<detail>' on property <path>."
	Message string
	// Pointer is an RFC 6901 JSON Pointer to the offending place: into the
	// body, into the stored document for ErrStoredDocument, or into the
	// result for limits checked on the merged result. It is "" for a 413
	// and for a problem with the whole input.
	Pointer string
	// Err is the sentinel that names the rule: ErrSyntax, ErrNotObject, ...
	Err error
}

// The sentinels, each wrapped in an *Error (test with errors.Is).
var (
	// ErrSyntax: the body is not one valid RFC 8259 JSON value in valid
	// UTF-8 (also: a lone surrogate escape, a byte-order mark). 400.
	ErrSyntax = errors.New("invalid JSON")
	// ErrNotObject: the body, or a metadata value in it, is not an object. 400.
	ErrNotObject = errors.New("not an object")
	// ErrDuplicateKey: an object in the body names a member twice (names
	// compared decoded). 400.
	ErrDuplicateKey = errors.New("duplicate name")
	// ErrTooDeep: the body nests deeper than the depth limit. 400.
	ErrTooDeep = errors.New("nesting too deep")
	// ErrTooLarge: the body or the result is over the byte limit. 413.
	ErrTooLarge = errors.New("too large")
	// ErrInvalidKey: a name breaks its rules: a metadata name ('.' or '$'
	// for user metadata; a character set for client, session and
	// refresh-token metadata; the length for client and organization
	// metadata), or a property a strict body's schema does not list. 400.
	ErrInvalidKey = errors.New("invalid name")
	// ErrReservedKey: an app_metadata root name is one Auth0 reserves. 400.
	ErrReservedKey = errors.New("reserved name")
	// ErrTooManyKeys: a metadata object has more keys than its kind
	// allows (client, organization, connection, custom-domain, session,
	// refresh-token, sign-up metadata). 400.
	ErrTooManyKeys = errors.New("too many keys")
	// ErrNotString: a metadata value that must be a string is not. 400.
	ErrNotString = errors.New("value not a string")
	// ErrValueTooLong: a metadata value, or a name where the kind says so,
	// is longer than its limit (255 characters for most kinds). 400.
	ErrValueTooLong = errors.New("value too long")
	// ErrReadOnly: the body writes a property that cannot be changed. 400.
	ErrReadOnly = errors.New("read-only property")
	// ErrScope: the scopes given with WithScopes do not allow the write. 403.
	ErrScope = errors.New("insufficient scope")
	// ErrStoredDocument: the stored document is not usable. 500.
	ErrStoredDocument = errors.New("unusable stored document")
	// ErrInvalidValue: a known property has the wrong type, length,
	// pattern or value; a null where the schema refuses it; a required
	// property missing; a body {} where one is needed; a bad import file.
	// 400.
	ErrInvalidValue = errors.New("invalid property value")
)

// Error returns "metapatch: <rule> at <pointer>", for logs and Go callers:
// which rule, and where. It is not what an HTTP client should see: send
// Message (Auth0's words), or the whole Auth0 error body from MarshalJSON,
// with StatusCode.
func (e *Error) Error() string {
	msg := "metapatch: error"
	if e.Err != nil {
		msg = "metapatch: " + e.Err.Error()
	}
	if e.Pointer != "" {
		msg += " at " + strconv.Quote(e.Pointer)
	}
	return msg
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// MarshalJSON renders Auth0's error body, its members in Auth0's order:
//
//	{"statusCode":400,"error":"Bad Request","message":"...","errorCode":"invalid_body"}
func (e *Error) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		StatusCode int    `json:"statusCode"`
		Error      string `json:"error"`
		Message    string `json:"message"`
		ErrorCode  string `json:"errorCode"`
	}{e.StatusCode, statusText(e.StatusCode), e.Message, e.ErrorCode})
}

// statuses are the HTTP statuses this package answers with, and their
// reason phrases: a table rather than net/http, which would pull a whole
// network stack into every program that imports the library.
var statuses = [...]struct {
	code int
	text string
}{
	{400, "Bad Request"},
	{403, "Forbidden"},
	{413, "Request Entity Too Large"},
	{500, "Internal Server Error"},
}

// statusText returns the reason phrase of a status, or "" for one this
// package never answers with.
func statusText(code int) string {
	for _, s := range statuses {
		if s.code == code {
			return s.text
		}
	}
	return ""
}

// newError builds the *Error for rule kind at path, detail being the
// specific part of the message.
func newError(kind error, path []string, detail string) *Error {
	e := rawError(kind, path, detail)
	if e.StatusCode == 400 {
		e.Message = "Payload validation error: '" + detail + "'"
		if len(path) > 0 {
			short := make([]string, len(path))
			for i, p := range path {
				short[i] = brief(p)
			}
			e.Message += " on property " + strings.Join(short, ".")
		}
		e.Message += "."
	}
	return e
}

// rawError builds the *Error for rule kind at path with message as Auth0
// words it, verbatim.
func rawError(kind error, path []string, message string) *Error {
	e := &Error{Err: kind, Pointer: pointer(path), Message: message}
	switch kind {
	case ErrScope:
		e.StatusCode, e.ErrorCode = 403, "insufficient_scope"
	case ErrTooLarge:
		e.StatusCode, e.ErrorCode = 413, "payload_too_large"
	case ErrStoredDocument:
		e.StatusCode, e.ErrorCode = 500, "invalid_stored_document"
	default:
		e.StatusCode, e.ErrorCode = 400, "invalid_body"
	}
	return e
}

// validation words a 400's detail as Auth0 does for the whole body.
func validation(detail string) string { return "Payload validation error: '" + detail + "'." }

// bodyError is a 400 for the body src, pointing at the name or value at
// src[off].
func bodyError(kind error, src []byte, off int, format string, args ...any) *Error {
	return newError(kind, pathAt(src, off), fmt.Sprintf(format, args...))
}

// storedError is a 500 for the stored document src, pointing at src[off].
func storedError(src []byte, off int, format string, args ...any) *Error {
	return newError(ErrStoredDocument, pathAt(src, off),
		"Stored document is not usable: "+fmt.Sprintf(format, args...))
}

func tooLarge(limit int, what string) *Error {
	return newError(ErrTooLarge, nil, fmt.Sprintf("%s greater than maximum allowed: %d", what, limit))
}

// brief shortens a decoded name for a message to 64 characters; pointers
// keep names whole.
func brief(name string) string {
	n := 0
	for i := range name {
		if n == 64 {
			return name[:i] + "…"
		}
		n++
	}
	return name
}

// pointer joins decoded names and indices into an RFC 6901 JSON Pointer.
func pointer(path []string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		for i := range len(p) {
			switch p[i] {
			case '~':
				b.WriteString("~0")
			case '/':
				b.WriteString("~1")
			default:
				b.WriteByte(p[i])
			}
		}
	}
	return b.String()
}

// pathAt returns the path, as decoded names and indices, of the deepest
// member or element whose name or value is at src[off] or contains it. It
// runs on the error path only and tolerates any input, valid or not.
func pathAt(src []byte, off int) []string {
	type frame struct {
		obj   bool
		named bool // an object frame has read its current member's name
		name  string
		index int
	}
	var frames []frame
	expectName := false
	i := 0
	for {
		i = skipWS(src, i)
		if i >= len(src) || i >= off {
			break
		}
		top := len(frames) - 1
		switch c := src[i]; c {
		case '{', '[':
			frames = append(frames, frame{obj: c == '{'})
			expectName = c == '{'
			i++
		case '}', ']':
			if top >= 0 {
				frames = frames[:top]
			}
			expectName = false
			i++
		case ',':
			if top >= 0 && frames[top].obj {
				frames[top].named = false
				expectName = true
			} else if top >= 0 {
				frames[top].index++
			}
			i++
		case ':':
			expectName = false
			i++
		case '"':
			j, _ := skipString(src, i)
			if expectName && top >= 0 {
				frames[top].name, frames[top].named = decodeString(src[i+1:max(j-1, i+1)]), true
				expectName = false
			}
			i = j
		default:
			j := i + 1
			for j < len(src) && !strings.ContainsRune(",:[]{}\" \t\r\n", rune(src[j])) {
				j++
			}
			i = j
		}
	}
	// A name at off belongs to the path too.
	if n := len(frames); n > 0 && expectName && i < len(src) && src[i] == '"' {
		j, _ := skipString(src, i)
		frames[n-1].name, frames[n-1].named = decodeString(src[i+1:max(j-1, i+1)]), true
	}
	var path []string
	for _, f := range frames {
		switch {
		case !f.obj:
			path = append(path, strconv.Itoa(f.index))
		case f.named:
			path = append(path, f.name)
		}
	}
	return path
}
