// This file implements the options of the package doc's "Valid input" and
// "Scopes".

package metapatch

import (
	"fmt"
	"strings"
)

// An Option changes one limit or permission of a call. The options are:
//
//   - WithMaxBytes(n): the byte limit on the body and on the result
//     (default 16 MiB).
//   - WithMaxDepth(n): the nesting limit on the body (default 100).
//   - WithScopes(scopes...): the scopes of the caller's token; without it,
//     a call may write everything.
//
// Where an option is given twice, the last one wins. Option is sealed: only
// this package makes them.
type Option interface {
	apply(config) config
}

type config struct {
	maxBytes int
	maxDepth int
	scoped   bool
	scopes   []string
}

const (
	defaultMaxBytes = 16 << 20
	defaultMaxDepth = 100
)

func newConfig(opts []Option) config {
	c := config{maxBytes: defaultMaxBytes, maxDepth: defaultMaxDepth}
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	return c
}

// has reports whether the scopes allow anything in list, a comma-separated
// list of scopes. Without WithScopes everything is allowed.
func (c *config) has(list string) bool {
	if !c.scoped {
		return true
	}
	for _, s := range c.scopes {
		for l := list; l != ""; {
			var one string
			one, l, _ = strings.Cut(l, ",")
			if one == s {
				return true
			}
		}
	}
	return false
}

type maxBytesOption int

func (o maxBytesOption) apply(c config) config { c.maxBytes = int(o); return c }

type maxDepthOption int

func (o maxDepthOption) apply(c config) config { c.maxDepth = int(o); return c }

type scopesOption []string

func (o scopesOption) apply(c config) config {
	c.scoped, c.scopes = true, o
	return c
}

// WithMaxBytes limits the body, and the document a call returns, to n bytes
// (default 16 MiB, MongoDB's document limit). Either over it fails with
// ErrTooLarge (413). Limits above 2 GiB−1 act as 2 GiB−1, the most this
// package addresses. It panics if n < 1.
func WithMaxBytes(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("metapatch: WithMaxBytes(%d): the limit must be at least 1", n))
	}
	return maxBytesOption(min(n, maxInput))
}

// WithMaxDepth limits how deep the body may nest (default 100): a scalar has
// depth 0, an object or array 1 + the largest depth of its members. Deeper
// fails with ErrTooDeep (400). It panics if n < 1.
func WithMaxDepth(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("metapatch: WithMaxDepth(%d): the limit must be at least 1", n))
	}
	return maxDepthOption(n)
}

// WithScopes limits a call to what an Auth0 Management API token with these
// scopes may do. Each argument may hold several scopes separated by spaces,
// as a token's scope claim does; WithScopes() with none allows nothing.
//
// Users: update:users writes any property; update:users_app_metadata writes
// user_metadata and app_metadata; update:current_user_metadata writes
// user_metadata; CreateUser needs create:users. Clients: update:clients,
// create:clients. Organizations: update:organizations, create:organizations.
// Connections: update:connections, create:connections. Custom domains:
// update:custom_domains, create:custom_domains. Sessions: update:sessions;
// refresh tokens: update:refresh_tokens. ImportUser, UpsertUser and
// CheckImport need create:users. Merge and Signup (a public endpoint)
// ignore scopes. A refused write fails with ErrScope (403).
//
// Note that WithScopes() with no scopes allows nothing, as a token without
// scopes does; to allow everything, give no WithScopes option at all.
func WithScopes(scopes ...string) Option {
	var list scopesOption = []string{}
	for _, s := range scopes {
		list = append(list, strings.Fields(s)...)
	}
	return list
}
