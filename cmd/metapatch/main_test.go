package main

import (
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const data = "../../examples/data/"

// result is what one run of the command did.
type result struct {
	code           int
	stdout, stderr string
}

func runArgs(stdin string, args ...string) result {
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(stdin), &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// checkUsageError checks the convention for usage errors: exit status 2,
// nothing on stdout, one line on stderr that contains want.
func checkUsageError(t *testing.T, r result, want string) {
	t.Helper()
	if r.code != 2 {
		t.Errorf("exit %d, want 2 (stderr %q)", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q on a usage error", r.stdout)
	}
	if !strings.HasPrefix(r.stderr, "metapatch: ") || strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("stderr %q is not one line starting with \"metapatch: \"", r.stderr)
	}
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q does not contain %q", r.stderr, want)
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout string
		stderr string // a substring of stderr; "" expects nothing on stderr
	}{
		{name: "user patch", args: []string{"user", data + "user.json", data + "user-patch.json"},
			stdout: `{"user_id":"auth0|5f7c8ec7c33c6c004bbafe82","email":"jane.doe@example.com","user_metadata":{"hobby":"surfing","addresses":{"home":"123 Main Street, Anytown, ST 12345"}}}` + "\n"},
		{name: "body from stdin", args: []string{"client", data + "client.json", "-"}, stdin: `{"client_metadata":{"mycolor":"blue"}}`,
			stdout: `{"client_id":"myclientid123","name":"myclient","client_metadata":{"mycolor":"blue","myflavor":"grape"}}` + "\n"},
		{name: "stored from stdin", args: []string{"merge", "-", data + "metadata-patch.json"}, stdin: `{"a":1}`,
			stdout: `{"a":1,"addresses":{"home":"123 Main Street, Anytown, ST 12345"}}` + "\n"},
		{name: "create", args: []string{"-create", "user", data + "user-create.json"},
			stdout: `{"email":"jane.doe@example.com","user_metadata":{"hobby":"surfing"},"app_metadata":{"plan":"full"}}` + "\n"},
		{name: "create flag after kind", args: []string{"org", "-create", "-"}, stdin: `{"name":"acme","metadata":{}}`,
			stdout: `{"name":"acme"}` + "\n"},
		{name: "flags with --", args: []string{"-scopes", "update:users", "--", "user", data + "user.json", "-"}, stdin: `{}`,
			stdout: `{"user_id":"auth0|5f7c8ec7c33c6c004bbafe82","email":"jane.doe@example.com","user_metadata":{"hobby":"surfing"},"app_metadata":{"plan":"full"}}` + "\n"},
		{name: "merge", args: []string{"merge", data + "metadata.json", data + "metadata-patch.json"},
			stdout: `{"hobby":"surfing","plan":12345678901234567891,"addresses":{"home":"123 Main Street, Anytown, ST 12345"}}` + "\n"},
		{name: "rule violation", args: []string{"user", data + "user.json", data + "bad-patch.json"}, code: 1,
			stderr: `{"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Invalid property name: preference.color (names must not contain . or $)' on property user_metadata.preference.color.","errorCode":"invalid_body"}` + "\n"},
		{name: "scopes refuse", args: []string{"-scopes", "update:current_user_metadata", "user", data + "user.json", data + "user-patch.json"}, code: 1,
			stderr: `"statusCode":403`},
		{name: "scopes allow", args: []string{"-scopes", "update:users", "user", data + "user.json", "-"}, stdin: `{"user_metadata":{}}`,
			stdout: `{"user_id":"auth0|5f7c8ec7c33c6c004bbafe82","email":"jane.doe@example.com","user_metadata":{},"app_metadata":{"plan":"full"}}` + "\n"},
		{name: "max bytes refuse", args: []string{"-max-bytes", "10", "merge", "-", data + "client-patch.json"}, stdin: `{}`, code: 1, stderr: `"statusCode":413`},
		{name: "max bytes raised", args: []string{"-max-bytes", "100", "merge", "-", data + "client-patch.json"}, stdin: `{}`,
			stdout: `{"client_metadata":{"mycolor":"blue","myflavor":null}}` + "\n"},
		{name: "diff", args: []string{"diff", "user", data + "user.json", "-"},
			stdin:  `{"user_id":"auth0|5f7c8ec7c33c6c004bbafe82","email":"jane.doe@example.com","user_metadata":{"hobby":"kiting"}}`,
			stdout: `{"user_metadata":{"hobby":"kiting"},"app_metadata":{}}` + "\n"},
		{name: "diff, nothing to change", args: []string{"diff", "merge", data + "metadata.json", data + "metadata.json"}},
		{name: "diff unreachable", args: []string{"diff", "user", data + "user.json", "-"}, stdin: `{"user_id":"auth0|other"}`,
			code: 1, stderr: `"statusCode":400`},
		{name: "import check passes", args: []string{"import", "check", data + "import.json"}},
		{name: "import check at its limit", args: []string{"-max-bytes", "512000", "import", "check", data + "import.json"}},
		{name: "import check under a lower limit", args: []string{"-max-bytes", "100", "import", "check", data + "import.json"}, code: 1,
			stderr: `"message":"Payload content length greater than maximum allowed: 100."`},
		{name: "missing file", args: []string{"merge", data + "nope.json", data + "client-patch.json"}, code: 2, stderr: "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runArgs(tc.stdin, tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tc.code, r.stderr)
			}
			if diff := cmp.Diff(tc.stdout, r.stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if tc.stderr == "" && r.stderr != "" || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr %q, want %q in it", r.stderr, tc.stderr)
			}
		})
	}
}

// TestHelp checks that every way of asking for help prints it on stdout
// and exits 0.
func TestHelp(t *testing.T) {
	usage := runArgs("", "help").stdout
	userHelp := runArgs("", "help", "user").stdout
	diffHelp := runArgs("", "help", "diff").stdout
	importHelp := runArgs("", "help", "import", "check").stdout + "\n" + runArgs("", "help", "import", "user").stdout + "\n" +
		runArgs("", "help", "import", "upsert").stdout
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"help", []string{"help"}, usage},
		{"help import", []string{"help", "import"}, importHelp},
		{"-h", []string{"-h"}, usage},
		{"-help", []string{"-help"}, usage},
		{"--help", []string{"--help"}, usage},
		{"-h after other flags", []string{"-max-depth", "3", "-h"}, usage},
		{"help -h", []string{"help", "-h"}, usage},
		{"-h after an unknown kind", []string{"users", "-h"}, usage},
		{"-h after a kind", []string{"user", "-h"}, userHelp},
		{"--help after a kind and a file", []string{"user", "a.json", "--help"}, userHelp},
		{"-h after diff", []string{"diff", "-h"}, diffHelp},
		{"-h after diff and a kind", []string{"diff", "user", "-h"}, userHelp},
		{"-h after diff, a kind and files", []string{"diff", "user", "a", "b", "-h"}, userHelp},
		{"-h with a usage error", []string{"-create", "merge", "a", "-h"}, runArgs("", "help", "merge").stdout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runArgs("", tc.args...)
			if r.code != 0 || r.stderr != "" {
				t.Errorf("exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
			}
			if diff := cmp.Diff(tc.want, r.stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
		})
	}

	// The usage lists every kind and flag, and says how exit statuses fare
	// under go run.
	for _, want := range []string{"Usage:", "-create", "-scopes S", "-max-bytes N", "-max-depth N", "-version", "--help",
		"Under go run, 1 and 2 both come out as 1", "go build ./cmd/metapatch"} {
		if !strings.Contains(usage, want) {
			t.Errorf("usage lacks %q", want)
		}
	}
	for _, k := range kinds {
		if !strings.Contains(usage, "\n  "+k.name+" "+k.files+" ") {
			t.Errorf("usage does not list %s %s", k.name, k.files)
		}
		t.Run("help "+k.name, func(t *testing.T) {
			r := runArgs("", append([]string{"help"}, strings.Fields(k.name)...)...)
			if r.code != 0 || r.stderr != "" {
				t.Errorf("exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
			}
			if want := "usage: metapatch "; !strings.HasPrefix(r.stdout, want) || !strings.Contains(r.stdout, k.help) {
				t.Errorf("help %s: got %q, want it to start with %q and hold the kind's text", k.name, r.stdout, want)
			}
			// The forms it shows are those the row has.
			for _, form := range []struct {
				has  bool
				text string
			}{
				{true, " " + k.name + " " + k.files + "\n"},
				{k.create != nil, " -create " + k.name + " BODY\n"},
				{k.diff != nil, "metapatch diff " + k.name + " BEFORE AFTER\n"},
				{k.noScopes == "", "[-scopes S]"},
			} {
				if strings.Contains(r.stdout, form.text) != form.has {
					t.Errorf("help %s shows %q: %v, want %v", k.name, form.text, !form.has, form.has)
				}
			}
		})
	}
	t.Run("unknown topic", func(t *testing.T) {
		checkUsageError(t, runArgs("", "help", "users"), `unknown topic "users"`)
	})
}

// TestUsageErrors checks that every usage error exits 2 with one line on
// stderr that says what to do.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no arguments", nil, "no kind given: run 'metapatch help'"},
		{"only flags", []string{"-scopes", "x"}, "no kind given"},
		{"unknown kind", []string{"users", "a", "b"}, `unknown kind "users": the kinds are user, client, org, merge`},
		{"unknown flag", []string{"-nope", "user"}, "flag provided but not defined: -nope: run 'metapatch help'"},
		{"bad flag value", []string{"-max-bytes", "lots", "user"}, `invalid value "lots" for flag -max-bytes`},
		{"flag without value", []string{"user", "a", "-scopes"}, "flag -scopes after the files"},
		{"flag after the files", []string{"user", "a", "b", "-scopes=x"}, "flag -scopes=x after the files: put flags before the files"},
		{"create=false", []string{"-create=false", "merge", "a"}, "merge STORED BODY takes 2 file arguments, got 1"},
		{"create merge", []string{"-create", "merge", "a"}, "-create does not apply to merge, which has no Create function: drop -create and give STORED BODY"},
		{"scopes merge", []string{"-scopes", "x", "merge", "a", "b"}, "-scopes does not apply to merge: Merge ignores scopes"},
		{"one file for a patch", []string{"user", data + "user.json"}, "user STORED BODY takes 2 file arguments, got 1; see 'metapatch help user'"},
		{"two files for a create", []string{"-create", "user", "a", "b"}, "-create user BODY takes 1 file argument, got 2"},
		{"stdin twice", []string{"merge", "-", "-"}, "standard input (-) can be read only once"},
		{"diff missing file", []string{"diff", "merge", data + "metadata.json", data + "nope.json"}, "nope.json: no such file"},
		{"missing file", []string{"merge", data + "nope.json", data + "metadata.json"}, "no such file"},
		{"zero limit", []string{"-max-depth", "0", "merge", "a", "b"}, "at least 1"},
		{"help with flags", []string{"-create", "help"}, "help takes no flags"},
		{"version with a kind", []string{"-version", "user"}, "-version takes no command"},
		{"version with a flag", []string{"-version", "-create"}, "-version takes no command, files or other flags"},
		{"diff no kind", []string{"diff"}, "diff needs a kind: metapatch diff KIND BEFORE AFTER, KIND one of user, client, org, merge"},
		{"diff unknown kind", []string{"diff", "users", "a", "b"}, `diff: unknown kind "users"`},
		{"diff one file", []string{"diff", "org", "a"}, "diff org BEFORE AFTER takes 2 file arguments, got 1; see 'metapatch help diff'"},
		{"import alone", []string{"import"}, "import needs one more word, one of check, user, upsert: run 'metapatch help import'"},
		{"import unknown", []string{"import", "users", "a"}, `unknown kind "import users"`},
		{"import check two files", []string{"import", "check", "a", "b"}, "import check FILE takes 1 file argument, got 2; see 'metapatch help import check'"},
		{"create signup", []string{"-create", "signup", "a"}, "-create does not apply to signup, which has no Create function: drop -create and give BODY"},
		{"scopes signup", []string{"-scopes", "x", "signup", "a"}, "-scopes does not apply to signup: Signup checks no scopes"},
		{"import check over its limit", []string{"-max-bytes", "512001", "import", "check", data + "import.json"},
			"-max-bytes 512001 does not apply to import check, which takes at most 512000 bytes as Auth0 does (a limit can only lower that): give at most 512000, or drop -max-bytes"},
		{"diff import", []string{"diff", "import"}, "diff: import needs one more word, one of check, user, upsert"},
		{"diff import check", []string{"diff", "import", "check", "a", "b"}, "import check has no diff: the kinds with diff are user, client, org, merge, connection, domain, session, refresh-token"},
		{"diff flag after the files", []string{"diff", "org", "a", "b", "-max-bytes", "9"}, "flag -max-bytes after the files"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkUsageError(t, runArgs("", tc.args...), tc.want)
		})
	}
}

func TestVersion(t *testing.T) {
	r := runArgs("", "-version")
	want := version(debug.ReadBuildInfo())
	if r.code != 0 || r.stderr != "" || r.stdout != want+"\n" || !strings.HasPrefix(want, "metapatch ") {
		t.Errorf("-version: exit %d, stdout %q, stderr %q; want 0, %q and nothing", r.code, r.stdout, r.stderr, want+"\n")
	}
	devel := func(settings ...debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/metapatch/metapatch", Version: "(devel)"}, Settings: settings}
	}
	tests := []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"no build info", nil, false, "metapatch (unknown version: built without module support)"},
		{"no version", &debug.BuildInfo{}, true, "metapatch (unknown version: built without module support)"},
		{"released", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}}}, true,
			"metapatch v1.2.3"},
		{"pseudo-version", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261202123000-afa403b4ab12+dirty"}}, true,
			"metapatch v0.0.0-20261202123000-afa403b4ab12+dirty"},
		{"devel", devel(), true, "metapatch (devel)"},
		{"devel with commit", devel(debug.BuildSetting{Key: "vcs.revision", Value: "afa403b"}, debug.BuildSetting{Key: "vcs.modified", Value: "false"}), true,
			"metapatch (devel) (commit afa403b)"},
		{"devel modified", devel(debug.BuildSetting{Key: "vcs.revision", Value: "afa403b"}, debug.BuildSetting{Key: "vcs.modified", Value: "true"}), true,
			"metapatch (devel) (commit afa403b, modified)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := version(tc.info, tc.ok); got != tc.want {
				t.Errorf("version = %q, want %q", got, tc.want)
			}
		})
	}
}

// inputs holds, for every kind, files its plain form accepts and a body its
// -create accepts. Each flag is then checked against each kind: it applies
// (it changes the outcome) or it is refused.
var inputs = map[string]struct{ files, create []string }{
	"user":          {[]string{data + "user.json", data + "user-patch.json"}, []string{data + "user-create.json"}},
	"client":        {[]string{data + "client.json", data + "client-patch.json"}, []string{data + "client.json"}},
	"org":           {[]string{data + "org.json", data + "org-patch.json"}, []string{data + "org-patch.json"}},
	"merge":         {[]string{data + "metadata.json", data + "metadata-patch.json"}, nil},
	"connection":    {[]string{data + "connection.json", data + "connection-patch.json"}, []string{data + "connection-create.json"}},
	"domain":        {[]string{data + "domain.json", data + "domain-patch.json"}, []string{data + "domain-create.json"}},
	"session":       {[]string{data + "session.json", data + "session-patch.json"}, nil},
	"refresh-token": {[]string{data + "refresh-token.json", data + "refresh-token-patch.json"}, nil},
	"signup":        {[]string{data + "signup.json"}, nil},
	"import check":  {[]string{data + "import.json"}, nil},
	"import user":   {[]string{data + "import-record.json"}, nil},
	"import upsert": {[]string{data + "user.json", data + "import-record.json"}, nil},
}

func TestFlagsPerKind(t *testing.T) {
	for _, k := range kinds {
		in, ok := inputs[k.name]
		if !ok {
			t.Errorf("no test inputs for kind %s", k.name)
			continue
		}
		words := strings.Fields(k.name)
		plain := append(words[:len(words):len(words)], in.files...)
		t.Run(k.name, func(t *testing.T) {
			// The neighbour case: without flags, the inputs pass.
			if r := runArgs("", plain...); r.code != 0 {
				t.Fatalf("%v: exit %d, stderr %q", plain, r.code, r.stderr)
			}
			flagged := func(flags ...string) result { return runArgs("", append(flags, plain...)...) }
			wantRefusal := func(r result, status, message string) {
				t.Helper()
				if r.code != 1 || !strings.Contains(r.stderr, `"statusCode":`+status) || !strings.Contains(r.stderr, message) {
					t.Errorf("exit %d, stderr %q; want 1 and a %s with %q", r.code, r.stderr, status, message)
				}
			}
			wantRefusal(flagged("-max-bytes", "1"), "413", "maximum allowed: 1")
			wantRefusal(flagged("-max-depth", "1"), "400", "Nesting too deep: more than 1 levels")
			if r := flagged("-max-bytes", "1000", "-max-depth", "10"); r.code != 0 {
				t.Errorf("limits above the inputs: exit %d, stderr %q", r.code, r.stderr)
			}
			if k.noScopes == "" {
				wantRefusal(flagged("-scopes", ""), "403", "Insufficient scope")
			} else {
				checkUsageError(t, flagged("-scopes", ""), "-scopes does not apply to "+k.name+": "+k.noScopes)
			}
			if k.create != nil {
				args := append(append([]string{"-create"}, words...), in.create...)
				if r := runArgs("", args...); r.code != 0 {
					t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
				}
				args = append([]string{"-scopes", ""}, args...)
				wantRefusal(runArgs("", args...), "403", "create:")
			} else {
				checkUsageError(t, flagged("-create"), "-create does not apply to "+k.name)
			}

			if k.diff == nil {
				checkUsageError(t, runArgs("", append([]string{"diff"}, plain...)...), "has no diff")
				return
			}
			diffArgs := append([]string{"diff", k.name}, in.files[0], in.files[0])
			if r := runArgs("", diffArgs...); r.code != 0 || r.stdout != "" || r.stderr != "" {
				t.Errorf("%v: exit %d, stdout %q, stderr %q; want 0 and nothing", diffArgs, r.code, r.stdout, r.stderr)
			}
			for _, flags := range [][]string{{"-max-bytes", "1"}, {"-max-depth", "100"}, {"-scopes", "update:users"}, {"-create"}} {
				// Before diff, or between diff and the kind.
				for _, args := range [][]string{append(flags, diffArgs...), append(append([]string{"diff"}, flags...), diffArgs[1:]...)} {
					want := flags[0] + " does not apply to diff: the Diff functions take no options"
					if flags[0] == "-create" {
						want = "-create does not apply to diff"
					}
					checkUsageError(t, runArgs("", args...), want)
				}
			}
		})
	}
}

// TestHelpExamples runs every example of every help text, as written from
// the repository's root, and compares what it prints with what the help
// shows: stdout, then stderr, then "(exit status N)" unless N is 0.
func TestHelpExamples(t *testing.T) {
	topics := []string{"", "diff"}
	for _, k := range kinds {
		topics = append(topics, k.name)
	}
	t.Chdir("../..")
	for _, topic := range topics {
		var buf bytes.Buffer
		if err := help(&buf, new(flags).flagSet(), topic); err != nil {
			t.Fatal(err)
		}
		examples := parseExamples(buf.String())
		if topic != "" && len(examples) == 0 {
			t.Errorf("help %s has no examples", topic)
		}
		for i, ex := range examples {
			t.Run(topic+"/"+strconv.Itoa(i), func(t *testing.T) {
				if diff := cmp.Diff(ex.output, runExample(t, ex.command)); diff != "" {
					t.Errorf("$ %s\n(-help +got):\n%s", ex.command, diff)
				}
			})
		}
	}
}

type example struct{ command, output string }

// parseExamples finds the examples of a help text: a line "  $ COMMAND",
// then the lines it prints, each indented by two spaces.
func parseExamples(text string) []example {
	var examples []example
	for line := range strings.Lines(text) {
		switch {
		case strings.HasPrefix(line, "  $ "):
			examples = append(examples, example{command: strings.TrimSuffix(line[4:], "\n")})
		case strings.HasPrefix(line, "  ") && len(examples) > 0 && examples[len(examples)-1].command != "":
			examples[len(examples)-1].output += line[2:]
		default:
			if len(examples) > 0 && examples[len(examples)-1].command != "" {
				examples = append(examples, example{}) // a break: what follows is prose
			}
		}
	}
	kept := examples[:0]
	for _, ex := range examples {
		if ex.command != "" {
			kept = append(kept, ex)
		}
	}
	return kept
}

// runExample runs one example command: "cat FILE", or "metapatch ARGS...",
// optionally after "echo 'STDIN' | ". Arguments may not be quoted.
func runExample(t *testing.T, command string) string {
	t.Helper()
	stdin := ""
	if rest, ok := strings.CutPrefix(command, "echo '"); ok {
		var found bool
		stdin, command, found = strings.Cut(rest, "' | ")
		if !found {
			t.Fatalf("cannot run %q", command)
		}
		stdin += "\n"
	}
	if strings.ContainsAny(command, `'"|;&<>`) {
		t.Fatalf("cannot run %q: quotes or shell syntax", command)
	}
	if file, ok := strings.CutPrefix(command, "cat "); ok {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	args, ok := strings.CutPrefix(command, "metapatch ")
	if !ok {
		t.Fatalf("cannot run %q", command)
	}
	r := runArgs(stdin, strings.Fields(args)...)
	out := r.stdout + r.stderr
	if r.code != 0 {
		out += "(exit status " + strconv.Itoa(r.code) + ")\n"
	}
	return out
}
