// This file is the table of kinds: one row per kind of document the command
// handles, naming its library functions and its help. Adding a kind is
// adding a row (and its help text in help.go).

package main

import (
	"slices"
	"strings"

	"github.com/metapatch/metapatch"
	"github.com/metapatch/metapatch/internal/rules"
)

// An applyFunc runs a library function on the contents of a command's file
// arguments, in order.
type applyFunc func(in [][]byte, opts ...metapatch.Option) ([]byte, error)

// A kind is one thing the command applies a body to.
type kind struct {
	name    string // as typed: "user", "import upsert"
	summary string // what it is, for the list of kinds
	files   string // the file arguments of its plain form: "STORED BODY"
	apply   applyFunc
	// create is the Create function -create runs on one BODY; nil if none.
	create func(body []byte, opts ...metapatch.Option) ([]byte, error)
	// diff is the Diff function "metapatch diff" runs; nil if none.
	diff func(before, after []byte) ([]byte, error)
	// noScopes says why -scopes cannot apply; "" if the functions check
	// scopes.
	noScopes string
	// maxBytes is the function's own byte limit, which -max-bytes can only
	// lower; 0 if -max-bytes can raise the limit too.
	maxBytes int
	// help says what the kind does and shows examples that run as written
	// from the repository's root (the tests run them).
	help string
}

// kinds is every kind, in the order the help lists them.
var kinds = []kind{
	{name: "user", summary: "a user: PATCH /api/v2/users/{id}", files: "STORED BODY",
		apply: patch(metapatch.PatchUser), create: metapatch.CreateUser, diff: metapatch.DiffUser, help: userHelp},
	{name: "client", summary: "an application: PATCH /api/v2/clients/{id}", files: "STORED BODY",
		apply: patch(metapatch.PatchClient), create: metapatch.CreateClient, diff: metapatch.DiffClient, help: clientHelp},
	{name: "org", summary: "an organization: PATCH /api/v2/organizations/{id}", files: "STORED BODY",
		apply: patch(metapatch.PatchOrganization), create: metapatch.CreateOrganization, diff: metapatch.DiffOrganization, help: orgHelp},
	{name: "merge", summary: "a metadata object alone, merged at the root", files: "STORED BODY",
		apply: patch(metapatch.Merge), diff: metapatch.Diff,
		noScopes: "Merge ignores scopes, as a metadata object alone has no endpoint", help: mergeHelp},
	{name: "connection", summary: "a connection: PATCH /api/v2/connections/{id}", files: "STORED BODY",
		apply: patch(metapatch.PatchConnection), create: metapatch.CreateConnection, diff: metapatch.DiffConnection, help: connectionHelp},
	{name: "domain", summary: "a custom domain: PATCH /api/v2/custom-domains/{id}", files: "STORED BODY",
		apply: patch(metapatch.PatchCustomDomain), create: metapatch.CreateCustomDomain, diff: metapatch.DiffCustomDomain, help: domainHelp},
	{name: "session", summary: "a session: PATCH /api/v2/sessions/{id}", files: "STORED BODY",
		apply: patch(metapatch.PatchSession), diff: metapatch.DiffSession, help: sessionHelp},
	{name: "refresh-token", summary: "a refresh token: PATCH /api/v2/refresh-tokens/{id}", files: "STORED BODY",
		apply: patch(metapatch.PatchRefreshToken), diff: metapatch.DiffRefreshToken, help: refreshTokenHelp},
	{name: "signup", summary: "a sign-up: POST /dbconnections/signup", files: "BODY",
		apply: single(metapatch.Signup), noScopes: "Signup checks no scopes, as sign-up is a public endpoint", help: signupHelp},
	{name: "import check", summary: "a bulk-import file: POST /api/v2/jobs/users-imports", files: "FILE",
		apply: check(metapatch.CheckImport), maxBytes: rules.MaxImportBytes, help: importCheckHelp},
	{name: "import user", summary: "the user a bulk-import record creates", files: "RECORD",
		apply: single(metapatch.ImportUser), help: importUserHelp},
	{name: "import upsert", summary: "what an upsert import record does to a stored user", files: "USER RECORD",
		apply: patch(metapatch.UpsertUser), help: importUpsertHelp},
}

// patch adapts a function of a stored document and a body.
func patch(f func(stored, body []byte, opts ...metapatch.Option) ([]byte, error)) applyFunc {
	return func(in [][]byte, opts ...metapatch.Option) ([]byte, error) { return f(in[0], in[1], opts...) }
}

// single adapts a function of one body.
func single(f func(body []byte, opts ...metapatch.Option) ([]byte, error)) applyFunc {
	return func(in [][]byte, opts ...metapatch.Option) ([]byte, error) { return f(in[0], opts...) }
}

// check adapts a function that only checks its input: it prints nothing.
func check(f func(file []byte, opts ...metapatch.Option) error) applyFunc {
	return func(in [][]byte, opts ...metapatch.Option) ([]byte, error) { return nil, f(in[0], opts...) }
}

// lookup returns the kind named by words, or nil. more reports that words
// are the start of a longer name ("import" of "import check").
func lookup(words []string) (k *kind, more bool) {
	name := strings.Join(words, " ")
	for i := range kinds {
		if kinds[i].name == name {
			return &kinds[i], false
		}
		if strings.HasPrefix(kinds[i].name, name+" ") {
			more = true
		}
	}
	return nil, more
}

// nextWords lists the words that can follow prefix in a kind's name.
func nextWords(prefix string) []string {
	var next []string
	for _, k := range kinds {
		if rest, ok := strings.CutPrefix(k.name, prefix+" "); ok {
			next = append(next, strings.Fields(rest)[0])
		}
	}
	return slices.Compact(next)
}

// names lists the kinds for which keep is true.
func names(keep func(*kind) bool) string {
	var list []string
	for i := range kinds {
		if keep(&kinds[i]) {
			list = append(list, kinds[i].name)
		}
	}
	return strings.Join(list, ", ")
}
