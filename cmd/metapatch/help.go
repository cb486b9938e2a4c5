// This file is the command's help: the usage text, built from the table of
// kinds and the flags, and each kind's long help with examples.

package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// help prints the help on topic: "" for the usage, "diff", or a kind's name
// or the start of one ("import").
func help(w io.Writer, fs *flag.FlagSet, topic string) error {
	switch topic {
	case "":
		usage(w, fs)
		return nil
	case "diff":
		fmt.Fprintf(w, diffHelp, names(func(k *kind) bool { return k.diff != nil }))
		return nil
	}
	var buf bytes.Buffer
	for i := range kinds {
		if k := &kinds[i]; k.name == topic || strings.HasPrefix(k.name, topic+" ") {
			if buf.Len() > 0 {
				buf.WriteString("\n")
			}
			kindHelp(&buf, k)
		}
	}
	if buf.Len() == 0 {
		return fmt.Errorf("help: unknown topic %q: the topics are diff and the kinds, %s; run 'metapatch help' for the list",
			topic, names(func(*kind) bool { return true }))
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// topicOf returns the help topic of a command's words: -h after a kind
// shows the kind's help.
func topicOf(words []string) string {
	switch {
	case len(words) == 0 || words[0] == "help":
		return ""
	case words[0] == "diff" && len(words) == 1:
		return "diff"
	case words[0] == "diff":
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// usage prints the command's usage: its forms, the kinds and the flags.
func usage(w io.Writer, fs *flag.FlagSet) {
	io.WriteString(w, usageIntro)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, k := range kinds {
		var also []string
		if k.create != nil {
			also = append(also, "-create")
		}
		if k.diff != nil {
			also = append(also, "diff")
		}
		extra := ""
		if len(also) > 0 {
			extra = " (also " + strings.Join(also, ", ") + ")"
		}
		fmt.Fprintf(tw, "  %s %s\t%s%s\n", k.name, k.files, k.summary, extra)
	}
	tw.Flush()
	io.WriteString(w, "\nFlags, which go before the files (a flag a command cannot use is refused):\n\n")
	fs.VisitAll(func(f *flag.Flag) {
		arg, text := flag.UnquoteUsage(f)
		fmt.Fprintf(tw, "  -%s %s\t%s\n", f.Name, arg, text)
	})
	fmt.Fprintf(tw, "  -h, -help, --help\tprint this help; after a kind, the kind's help\n")
	tw.Flush()
	io.WriteString(w, usageOutro)
}

// kindHelp prints a kind's help: its forms, made from its row, then its text.
func kindHelp(w io.Writer, k *kind) {
	flags := "[-max-bytes N] [-max-depth N] "
	if k.noScopes == "" {
		flags = "[-scopes S] " + flags
	}
	fmt.Fprintf(w, "usage: metapatch %s%s %s\n", flags, k.name, k.files)
	if k.create != nil {
		fmt.Fprintf(w, "       metapatch %s-create %s BODY\n", flags, k.name)
	}
	if k.diff != nil {
		fmt.Fprintf(w, "       metapatch diff %s BEFORE AFTER\n", k.name)
	}
	if k.noScopes != "" {
		fmt.Fprintf(w, "-scopes does not apply: %s.\n", k.noScopes)
	}
	fmt.Fprintf(w, "\n%s", k.help)
}

const usageIntro = `Metapatch applies a create or PATCH body to a stored Auth0 document exactly
as Auth0's Management API does, and prints the document Auth0 would store;
metapatch diff prints the PATCH body that turns one document into another.

Usage:

  metapatch [flags] KIND FILE...       apply a body (the kinds and their files are below)
  metapatch [flags] -create KIND BODY  print the document a create (POST) body makes
  metapatch diff KIND BEFORE AFTER     print the PATCH body that turns BEFORE into AFTER
  metapatch help [KIND | diff]         print this help, or a kind's, with examples
  metapatch -version                   print the module version

Kinds (metapatch help KIND explains one, with examples):

`

const usageOutro = `
A FILE of - reads standard input (once). A result goes to standard output,
followed by a newline; diff prints nothing when nothing changes, and import
check nothing when the file passes.

Exit status: 0 when done; 1 when Auth0 would refuse the input, whose error
body (Auth0's JSON) is then on standard error; 2 for a usage error or a file
that cannot be read, with one line on standard error.

Under go run, 1 and 2 both come out as 1 (go run prints "exit status 2" and
exits 1). A built binary keeps them apart: go build ./cmd/metapatch, or
go install github.com/metapatch/metapatch/cmd/metapatch@latest.
`

// diffHelp is the help on diff; %s is the list of kinds with diff.
const diffHelp = `usage: metapatch diff KIND BEFORE AFTER

Diff prints the PATCH body that turns BEFORE, a document as stored, into
AFTER, the document wanted, or nothing when nothing changes. A removed
property or metadata key is sent as null, a changed nested value resends
its whole root member, and an emptied metadata object is sent the way its
kind clears it. An AFTER that no PATCH can reach (a changed read-only
property such as user_id, a password, a root null) fails with 400 and
Auth0's error body, and so does a body the kind's Patch function would
refuse.

KIND is one of: %s.
metapatch help KIND shows each, with examples.

The flags do not apply: the Diff functions take no options. They check the
body they compute with the default limits (16 MiB, depth 100) and no scopes.

Examples, from the repository's root:

  $ metapatch diff user examples/data/user.json examples/data/user-after.json
  {"nickname":"jd","user_metadata":{"hobby":"kiting"},"app_metadata":{}}
  $ metapatch diff merge examples/data/metadata.json examples/data/metadata.json
  $ echo '{"user_id":"auth0|other"}' | metapatch diff user examples/data/user.json -
  {"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Read-only property user_id cannot be changed' on property user_id.","errorCode":"invalid_body"}
  (exit status 1)
`

const userHelp = `PatchUser applies BODY, a PATCH /api/v2/users/{id} body, to STORED, the
user as stored, and prints the user Auth0 would store. user_metadata and
app_metadata are merged at the root: a null deletes a key, any other value
replaces it whole (nested objects are never merged), {} clears. A cleared
user_metadata is stored as {}, a cleared app_metadata disappears. Names
must not contain . or $; app_metadata has 18 reserved root names. A
password is checked and never stored; read-only properties such as user_id
cannot be written. -create prints the user a POST /api/v2/users body
creates; diff prints the body that turns BEFORE into AFTER.

-scopes: update:users writes anything, update:users_app_metadata both
metadata, update:current_user_metadata only user_metadata; -create needs
create:users.

Examples, from the repository's root:

  $ cat examples/data/user.json
  {
      "user_id": "auth0|5f7c8ec7c33c6c004bbafe82",
      "email": "jane.doe@example.com",
      "user_metadata": {
          "hobby": "surfing"
      },
      "app_metadata": {
          "plan": "full"
      }
  }
  $ cat examples/data/user-patch.json
  {
      "user_metadata": {
          "addresses": {
              "home": "123 Main Street, Anytown, ST 12345"
          }
      },
      "app_metadata": {},
      "password": "never stored"
  }
  $ metapatch user examples/data/user.json examples/data/user-patch.json
  {"user_id":"auth0|5f7c8ec7c33c6c004bbafe82","email":"jane.doe@example.com","user_metadata":{"hobby":"surfing","addresses":{"home":"123 Main Street, Anytown, ST 12345"}}}

app_metadata {} removed app_metadata, and the password was not stored. A
body Auth0 refuses prints Auth0's error body on standard error:

  $ metapatch user examples/data/user.json examples/data/bad-patch.json
  {"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Invalid property name: preference.color (names must not contain . or $)' on property user_metadata.preference.color.","errorCode":"invalid_body"}
  (exit status 1)

A token that may write only user_metadata cannot clear app_metadata:

  $ metapatch -scopes update:current_user_metadata user examples/data/user.json examples/data/user-patch.json
  {"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: update:users,update:users_app_metadata","errorCode":"insufficient_scope"}
  (exit status 1)

Creating a user, and the PATCH that turns the stored user into another:

  $ metapatch -create user examples/data/user-create.json
  {"email":"jane.doe@example.com","user_metadata":{"hobby":"surfing"},"app_metadata":{"plan":"full"}}
  $ metapatch diff user examples/data/user.json examples/data/user-after.json
  {"nickname":"jd","user_metadata":{"hobby":"kiting"},"app_metadata":{}}
`

const clientHelp = `PatchClient applies BODY, a PATCH /api/v2/clients/{id} body, to STORED,
the application as stored, and prints the application Auth0 would store.
client_metadata is merged at the root (a null deletes a key, {} clears to
{}); its values are strings of at most 255 characters, its names at most
255 characters from a small set (ASCII letters, digits and
:,-+=_*?"/\()<>@ tab space), and it holds at most 10 keys. client_id is
read-only. -create prints the application a POST /api/v2/clients body
creates; diff prints the body that turns BEFORE into AFTER.

-scopes: update:clients; -create needs create:clients.

Examples, from the repository's root:

  $ metapatch client examples/data/client.json examples/data/client-patch.json
  {"client_id":"myclientid123","name":"myclient","client_metadata":{"mycolor":"blue"}}
  $ echo '{"client_metadata":{"color":1}}' | metapatch client examples/data/client.json -
  {"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Expected type string but found type number' on property client_metadata.color.","errorCode":"invalid_body"}
  (exit status 1)
  $ echo '{"name":"myclient","client_metadata":{"mycolor":"red"}}' | metapatch -create client -
  {"name":"myclient","client_metadata":{"mycolor":"red"}}
  $ metapatch diff client examples/data/client.json examples/data/client-after.json
  {"client_metadata":{"myflavor":null}}
`

const orgHelp = `PatchOrganization applies BODY, a PATCH /api/v2/organizations/{id} body, to
STORED, the organization as stored, and prints the organization Auth0 would
store. Unlike every other metadata, an organization's metadata is replaced
whole, not merged; {} or null removes it. Its values are strings of at most
255 characters (a null value drops its key), its names at most 255
characters, and it holds at most 25 keys. id is read-only. -create prints
the organization a POST /api/v2/organizations body creates; diff prints the
body that turns BEFORE into AFTER.

-scopes: update:organizations; -create needs create:organizations.

Examples, from the repository's root:

  $ cat examples/data/org.json
  {"id": "org_abc123", "name": "acme", "metadata": {"another_key": "x", "some_key": "y"}}
  $ metapatch org examples/data/org.json examples/data/org-patch.json
  {"id":"org_abc123","name":"acme","metadata":{"some_key":"z"}}

another_key is gone: the body's metadata replaced the stored one whole.

  $ echo '{"name":"acme","metadata":{"tier":"gold"}}' | metapatch -create org -
  {"name":"acme","metadata":{"tier":"gold"}}
  $ metapatch diff org examples/data/org.json examples/data/org-after.json
  {"display_name":"Acme","metadata":{"some_key":"y"}}
`

const mergeHelp = `Merge applies BODY, a metadata PATCH value such as the user_metadata of a
PATCH body, to STORED, a metadata object as stored, by the rules every
merged metadata follows: only the root is merged, a null deletes a key, any
other value replaces it whole (nested objects are never merged), {} clears.
Numbers and strings keep their exact spelling. diff prints the PATCH value
that turns BEFORE into AFTER.

Examples, from the repository's root:

  $ cat examples/data/metadata.json
  {"hobby": "surfing", "color": "red", "plan": 12345678901234567891}
  $ cat examples/data/metadata-patch.json
  {"color": null, "addresses": {"home": "123 Main Street, Anytown, ST 12345"}}
  $ metapatch merge examples/data/metadata.json examples/data/metadata-patch.json
  {"hobby":"surfing","plan":12345678901234567891,"addresses":{"home":"123 Main Street, Anytown, ST 12345"}}
  $ metapatch -max-bytes 64 merge examples/data/metadata.json examples/data/metadata-patch.json
  {"statusCode":413,"error":"Request Entity Too Large","message":"Payload content length greater than maximum allowed: 64","errorCode":"payload_too_large"}
  (exit status 1)
  $ metapatch diff merge examples/data/metadata.json examples/data/metadata-after.json
  {"hobby":"kiting","addresses":{"home":"123 Main Street"},"color":null}
`

const connectionHelp = `PatchConnection applies BODY, a PATCH /api/v2/connections/{id} body, to
STORED, the connection as stored, and prints the connection Auth0 would
store. The body's schema is closed: a property it does not list is refused,
name and strategy among them, and so is {}. options and every other
property are replaced whole, and so is metadata, as for organizations (our
reading: no recording shows a connection PATCH): a null value drops its
key, and {}, null or only nulls remove it. metadata holds at most 10
strings of at most 255 characters. -create prints the connection a POST
/api/v2/connections body creates (name and strategy are required); diff
prints the body that turns BEFORE into AFTER: the whole new metadata plus a
null for each removed key, right whether Auth0 replaces or merges it.

-scopes: update:connections; -create needs create:connections.

Examples, from the repository's root:

  $ cat examples/data/connection-patch.json
  {"display_name": "Employees", "metadata": {"tier": "silver"}}
  $ metapatch connection examples/data/connection.json examples/data/connection-patch.json
  {"id":"con_abc123","name":"my-db","strategy":"auth0","display_name":"Employees","enabled_clients":["myclientid123"],"metadata":{"tier":"silver"}}

team is gone: the body's metadata replaced the stored one whole.

  $ echo '{"strategy":"google-oauth2"}' | metapatch connection examples/data/connection.json -
  {"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Additional properties not allowed: strategy'.","errorCode":"invalid_body"}
  (exit status 1)
  $ metapatch -create connection examples/data/connection-create.json
  {"name":"my-db","strategy":"auth0","enabled_clients":["myclientid123"],"metadata":{"team":"identity"}}
  $ metapatch diff connection examples/data/connection.json examples/data/connection-after.json
  {"metadata":{"tier":"platinum","team":null}}
`

const domainHelp = `PatchCustomDomain applies BODY, a PATCH /api/v2/custom-domains/{id} body,
to STORED, the custom domain as stored, and prints the custom domain Auth0
would store. A PATCH may write only tls_policy, custom_client_ip_header,
domain_metadata and relying_party_identifier; custom_domain_id, domain and
type are refused. domain_metadata is merged at the root, as recorded from
Auth0: a null deletes its key (the only way to remove one), deleting every
key leaves {}, and a body without it leaves it as it was. It holds at most
10 strings of at most 255 characters, with names of at most 255. -create
prints the custom domain a POST /api/v2/custom-domains body creates (domain,
a host name, and type are required); diff prints the body that turns BEFORE
into AFTER.

-scopes: update:custom_domains; -create needs create:custom_domains.

Examples, from the repository's root:

  $ cat examples/data/domain-patch.json
  {"domain_metadata": {"tier": null, "region": "eu"}}
  $ metapatch domain examples/data/domain.json examples/data/domain-patch.json
  {"custom_domain_id":"cd_abc123","domain":"login.example.com","type":"auth0_managed_certs","tls_policy":"recommended","domain_metadata":{"team":"identity","region":"eu"}}
  $ echo '{"domain":"auth.example.com"}' | metapatch domain examples/data/domain.json -
  {"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Property domain is read-only' on property domain.","errorCode":"invalid_body"}
  (exit status 1)
  $ metapatch -create domain examples/data/domain-create.json
  {"domain":"login.example.com","type":"auth0_managed_certs","domain_metadata":{"team":"identity"}}
  $ metapatch diff domain examples/data/domain.json examples/data/domain-after.json
  {"domain_metadata":{"tier":null}}
`

const sessionHelp = `PatchSession applies BODY, a PATCH /api/v2/sessions/{id} body, to STORED,
the session as stored, and prints the session Auth0 would store. The body
holds exactly one property, session_metadata: an object, replaced whole (a
null value drops its key), or null; null or {} removes it. It holds at most
25 entries, values strings, names of ASCII letters, digits, _ and -, each
at most 255 characters. Replacing whole is our reading of Auth0's docs
("the pairs you pass replace the existing metadata"): no recording shows a
PATCH. diff prints the body that turns BEFORE into AFTER; only
session_metadata can change.

-scopes: update:sessions.

Examples, from the repository's root:

  $ cat examples/data/session.json
  {
    "id": "sess_abc123",
    "user_id": "auth0|5f7c8ec7c33c6c004bbafe82",
    "session_metadata": {
      "device": "laptop",
      "location": "home"
    }
  }
  $ metapatch session examples/data/session.json examples/data/session-patch.json
  {"id":"sess_abc123","user_id":"auth0|5f7c8ec7c33c6c004bbafe82","session_metadata":{"device":"phone"}}
  $ echo '{"session_metadata":{"device":1}}' | metapatch session examples/data/session.json -
  {"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Expected type string but found type number' on property session_metadata.device.","errorCode":"invalid_body"}
  (exit status 1)
  $ echo '{"session_metadata":null}' | metapatch session examples/data/session.json -
  {"id":"sess_abc123","user_id":"auth0|5f7c8ec7c33c6c004bbafe82"}
  $ metapatch diff session examples/data/session.json examples/data/session-after.json
  {"session_metadata":{"device":"laptop","location":null}}
`

const refreshTokenHelp = `PatchRefreshToken applies BODY, a PATCH /api/v2/refresh-tokens/{id} body,
to STORED, the refresh token as stored, and prints the refresh token Auth0
would store. The body holds exactly one property, refresh_token_metadata,
with the rules of session_metadata (metapatch help session): an object,
replaced whole, or null; null or {} removes it. diff prints the body that
turns BEFORE into AFTER; only refresh_token_metadata can change.

-scopes: update:refresh_tokens.

Examples, from the repository's root:

  $ metapatch refresh-token examples/data/refresh-token.json examples/data/refresh-token-patch.json
  {"id":"rt_abc123","user_id":"auth0|5f7c8ec7c33c6c004bbafe82","client_id":"myclientid123","refresh_token_metadata":{"device":"laptop","app_version":"2.2"}}
  $ echo '{"refresh_token_metadata":{},"client_id":"other"}' | metapatch refresh-token examples/data/refresh-token.json -
  {"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Additional properties not allowed: client_id'.","errorCode":"invalid_body"}
  (exit status 1)
  $ metapatch diff refresh-token examples/data/refresh-token.json examples/data/refresh-token-after.json
  {"refresh_token_metadata":{}}
`

const signupHelp = `Signup prints the user that BODY, a POST /dbconnections/signup body
(Auth0's Authentication API), stores. The body may hold client_id, email,
password, connection, username, given_name, family_name, name, nickname,
picture, phone_number and user_metadata, nothing else; password and
connection are required, and one of email, username and phone_number.
user_metadata holds at most 10 strings of at most 500 characters, with
names of at most 100 characters and no . or $. Stored: the identity fields
given, with "email_verified":false for an email and "phone_verified":false
for a phone number, in Auth0's order, and user_metadata; never password,
client_id or connection.

Examples, from the repository's root:

  $ cat examples/data/signup.json
  {
    "client_id": "myclientid123",
    "connection": "Username-Password-Authentication",
    "given_name": "Jane",
    "email": "jane.doe@example.com",
    "password": "never stored",
    "user_metadata": {
      "hobby": "surfing"
    }
  }
  $ metapatch signup examples/data/signup.json
  {"email":"jane.doe@example.com","email_verified":false,"given_name":"Jane","user_metadata":{"hobby":"surfing"}}
  $ echo '{"email":"jane.doe@example.com","password":"x","connection":"db","user_metadata":{"age":42}}' | metapatch signup -
  {"statusCode":400,"error":"Bad Request","message":"invalid user_metadata.age type (only strings are allowed)","errorCode":"invalid_body"}
  (exit status 1)
`

const importCheckHelp = `CheckImport checks FILE, a bulk-import file for POST
/api/v2/jobs/users-imports, as Auth0 does before it runs the job: a JSON
array of user records, not empty, at most 512000 bytes, every record valid
(metapatch help import user), and no two records with the same email
(compared after ASCII lower-casing) or the same user_id. It prints nothing
when the file passes; else Auth0's error body for the first problem, whose
property is a path into the file (1 is the second record).

-scopes: create:users. -max-bytes can only lower the 512000-byte limit.

Examples, from the repository's root:

  $ metapatch import check examples/data/import.json
  $ cat examples/data/import-duplicate.json
  [
    {"email": "jane.doe@example.com", "name": "Jane Doe"},
    {"email": "Jane.Doe@example.com", "name": "Jane D."}
  ]
  $ metapatch import check examples/data/import-duplicate.json
  {"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Duplicated user entry: same email as record 0' on property 1.","errorCode":"invalid_body"}
  (exit status 1)
  $ metapatch -max-bytes 100 import check examples/data/import.json
  {"statusCode":413,"error":"Request Entity Too Large","message":"Payload content length greater than maximum allowed: 100.","errorCode":"payload_too_large"}
  (exit status 1)
`

const importUserHelp = `ImportUser prints the user that RECORD, one element of a bulk-import file,
creates for a new user. A record is an object with email required and no
other properties than email, email_verified, phone_number, phone_verified,
user_id, username, given_name, family_name, name, nickname, picture,
blocked, password_hash, custom_password_hash, mfa_factors, app_metadata and
user_metadata. Metadata names follow the user rules: no . or $, and no
reserved app_metadata root names. user_id is kept as given;
"email_verified":false and "phone_verified":false are stored when the
record has none. Password hashes and mfa_factors are credentials, never
stored.

-scopes: create:users.

Examples, from the repository's root:

  $ cat examples/data/import-record.json
  {
    "email": "jane.doe@example.com",
    "user_id": "5f7c8ec7c33c6c004bbafe82",
    "name": "Jane Doe",
    "custom_password_hash": {"algorithm": "bcrypt", "hash": {"value": "$2b$10$C9ByXX1NFWR7V/rZlXq6TOSPtbV7WpGYAb16nyRrmFB1MXMQgGimi"}},
    "user_metadata": {"hobby": "kiting"},
    "app_metadata": {"plan": "pro"}
  }
  $ metapatch import user examples/data/import-record.json
  {"email":"jane.doe@example.com","email_verified":false,"user_id":"5f7c8ec7c33c6c004bbafe82","name":"Jane Doe","user_metadata":{"hobby":"kiting"},"app_metadata":{"plan":"pro"}}
  $ echo '{"email":"jane.doe@example.com","app_metadata":{"blocked":true}}' | metapatch import user -
  {"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Reserved property name: blocked' on property app_metadata.blocked.","errorCode":"invalid_body"}
  (exit status 1)
`

const importUpsertHelp = `UpsertUser prints what a bulk-import RECORD with upsert: true does to
USER, the stored user it matches by email. Only the upsertable attributes
change: app_metadata, user_metadata, email_verified, family_name,
given_name, name, nickname and picture. Metadata is replaced whole, never
merged ("Upserts do not merge user_metadata or app_metadata"), and a record
without a metadata field leaves it as it was. Every other property of the
record is checked as for import user, then ignored.

-scopes: create:users.

Examples, from the repository's root (import-record.json is shown by
metapatch help import user):

  $ cat examples/data/user.json
  {
      "user_id": "auth0|5f7c8ec7c33c6c004bbafe82",
      "email": "jane.doe@example.com",
      "user_metadata": {
          "hobby": "surfing"
      },
      "app_metadata": {
          "plan": "full"
      }
  }
  $ metapatch import upsert examples/data/user.json examples/data/import-record.json
  {"user_id":"auth0|5f7c8ec7c33c6c004bbafe82","email":"jane.doe@example.com","user_metadata":{"hobby":"kiting"},"app_metadata":{"plan":"pro"},"name":"Jane Doe"}

user_id kept the stored value, the password hash was not stored, and both
metadata were replaced whole.

  $ echo '{"email":"jane.doe@example.com","nickname":"jd"}' | metapatch import upsert examples/data/user.json -
  {"user_id":"auth0|5f7c8ec7c33c6c004bbafe82","email":"jane.doe@example.com","user_metadata":{"hobby":"surfing"},"app_metadata":{"plan":"full"},"nickname":"jd"}
`
