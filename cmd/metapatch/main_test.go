package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	const data = "../../examples/data/"
	tests := []struct {
		name       string
		args       []string
		stdin      string
		code       int
		stdout     string
		stderrHas  string
		stderrNone bool
	}{
		{name: "user patch", args: []string{"user", data + "user.json", data + "user-patch.json"},
			stdout: `{"user_id":"auth0|5f7c8ec7c33c6c004bbafe82","email":"jane.doe@example.com","user_metadata":{"hobby":"surfing","addresses":{"home":"123 Main Street, Anytown, ST 12345"}}}` + "\n", stderrNone: true},
		{name: "body from stdin", args: []string{"client", data + "client.json", "-"}, stdin: `{"client_metadata":{"mycolor":"blue"}}`,
			stdout: `{"client_id":"myclientid123","name":"myclient","client_metadata":{"mycolor":"blue","myflavor":"grape"}}` + "\n"},
		{name: "create", args: []string{"-create", "user", data + "user-create.json"},
			stdout: `{"email":"jane.doe@example.com","user_metadata":{"hobby":"surfing"},"app_metadata":{"plan":"full"}}` + "\n"},
		{name: "create flag after kind", args: []string{"org", "-create", "-"}, stdin: `{"name":"acme","metadata":{}}`,
			stdout: `{"name":"acme"}` + "\n"},
		{name: "merge", args: []string{"merge", data + "metadata.json", data + "metadata-patch.json"},
			stdout: `{"hobby":"surfing","plan":12345678901234567891,"addresses":{"home":"123 Main Street, Anytown, ST 12345"}}` + "\n"},
		{name: "rule violation", args: []string{"user", data + "user.json", data + "bad-patch.json"}, code: 1,
			stderrHas: `{"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Invalid property name: preference.color (names must not contain . or $)' on property user_metadata.preference.color.","errorCode":"invalid_body"}`},
		{name: "scopes", args: []string{"-scopes", "update:current_user_metadata", "user", data + "user.json", data + "user-patch.json"}, code: 1,
			stderrHas: `"statusCode":403`},
		{name: "scopes allow", args: []string{"-scopes", "update:users", "user", data + "user.json", "-"}, stdin: `{"user_metadata":{}}`,
			stdout: `{"user_id":"auth0|5f7c8ec7c33c6c004bbafe82","email":"jane.doe@example.com","user_metadata":{},"app_metadata":{"plan":"full"}}` + "\n"},
		{name: "max bytes", args: []string{"-max-bytes", "10", "merge", "-", data + "client-patch.json"}, stdin: `{}`, code: 1, stderrHas: `"statusCode":413`},
		{name: "diff", args: []string{"diff", "user", data + "user.json", "-"},
			stdin:  `{"user_id":"auth0|5f7c8ec7c33c6c004bbafe82","email":"jane.doe@example.com","user_metadata":{"hobby":"kiting"}}`,
			stdout: `{"user_metadata":{"hobby":"kiting"},"app_metadata":{}}` + "\n"},
		{name: "diff, nothing to change", args: []string{"diff", "merge", data + "metadata.json", data + "metadata.json"}, stderrNone: true},
		{name: "diff unreachable", args: []string{"diff", "user", data + "user.json", "-"}, stdin: `{"user_id":"auth0|other"}`,
			code: 1, stderrHas: `"statusCode":400`},
		{name: "diff unknown kind", args: []string{"diff", "users", "a", "b"}, code: 2, stderrHas: `unknown kind "users" for diff`},
		{name: "diff one file", args: []string{"diff", "org", "a"}, code: 2, stderrHas: "takes 2 file arguments, got 1"},
		{name: "diff no kind", args: []string{"diff"}, code: 2, stderrHas: "usage:"},
		{name: "no arguments", args: nil, code: 2, stderrHas: "usage:"},
		{name: "unknown kind", args: []string{"users", "a", "b"}, code: 2, stderrHas: `unknown kind "users"`},
		{name: "create merge", args: []string{"-create", "merge", "a"}, code: 2, stderrHas: "unknown kind"},
		{name: "one file for a patch", args: []string{"user", data + "user.json"}, code: 2, stderrHas: "takes 2 file arguments, got 1"},
		{name: "two files for a create", args: []string{"-create", "user", "a", "b"}, code: 2, stderrHas: "takes 1 file arguments, got 2"},
		{name: "stdin twice", args: []string{"merge", "-", "-"}, code: 2, stderrHas: "only once"},
		{name: "missing file", args: []string{"merge", data + "nope.json", data + "client-patch.json"}, code: 2, stderrHas: "no such file"},
		{name: "bad flag", args: []string{"-nope", "user"}, code: 2, stderrHas: "flag provided but not defined"},
		{name: "bad limit", args: []string{"-max-depth", "0", "merge", "a", "b"}, code: 2, stderrHas: "at least 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr.String())
			}
			if tc.code == 0 && stdout.String() != tc.stdout {
				t.Errorf("stdout %q, want %q", stdout.String(), tc.stdout)
			}
			if tc.code != 0 && stdout.Len() != 0 {
				t.Errorf("stdout %q on failure", stdout.String())
			}
			if !strings.Contains(stderr.String(), tc.stderrHas) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tc.stderrHas)
			}
			if tc.stderrNone && stderr.Len() != 0 {
				t.Errorf("stderr %q on success", stderr.String())
			}
		})
	}
}
