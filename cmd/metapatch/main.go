// Command metapatch applies a PATCH or create body to a stored Auth0
// document with the metapatch library, and prints the document Auth0 would
// store; metapatch diff prints the PATCH body that turns one document into
// another.
//
// Usage:
//
//	metapatch [flags] KIND FILE...
//	metapatch [flags] -create KIND BODY
//	metapatch diff KIND BEFORE AFTER
//	metapatch help [KIND | diff]
//	metapatch -version
//
// metapatch help lists the kinds and flags; metapatch help KIND explains a
// kind, with examples that run as written from the repository's root.
//
// Exit status: 0 when done; 1 when Auth0 would refuse the input (its error
// body is printed on standard error); 2 for a usage error or a file that
// cannot be read (one line on standard error). Under go run both 1 and 2
// come out as 1; a built binary (go build ./cmd/metapatch, or go install)
// keeps them apart.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/metapatch/metapatch"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole command, returning its exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f flags
	fs := f.flagSet()
	words, files, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) || slices.ContainsFunc(files, isHelpFlag) {
		// -h after a kind, even after its files, shows the kind's help.
		if help(stdout, fs, topicOf(words)) != nil {
			help(stdout, fs, "")
		}
		return 0
	}
	if err != nil {
		return usageError(stderr, "%v: run 'metapatch help' for the flags", err)
	}
	var set []string // the flags given, in the order help lists them
	fs.Visit(func(fl *flag.Flag) { set = append(set, fl.Name) })

	switch {
	case f.version:
		if len(words)+len(files) > 0 || len(set) > 1 {
			return usageError(stderr, "-version takes no command, files or other flags: run 'metapatch -version' alone")
		}
		fmt.Fprintln(stdout, version(debug.ReadBuildInfo()))
		return 0
	case len(words) == 0:
		return usageError(stderr, "no kind given: run 'metapatch help' for the kinds and flags")
	case words[0] == "help":
		if len(set) > 0 {
			return usageError(stderr, "help takes no flags: run 'metapatch help' alone, or 'metapatch help KIND'")
		}
		if err := help(stdout, fs, strings.Join(files, " ")); err != nil {
			return usageError(stderr, "%v", err)
		}
		return 0
	case words[0] == "diff":
		return runDiff(fs, words[1:], files, set, stdin, stdout, stderr)
	}

	k, msg := find(words)
	if k == nil {
		return usageError(stderr, "%s", msg)
	}
	form := k.name + " " + k.files
	if f.create {
		if k.create == nil {
			return usageError(stderr, "-create does not apply to %s, which has no Create function: drop -create and give %s", k.name, k.files)
		}
		form = "-create " + k.name + " BODY"
	}
	if slices.Contains(set, "scopes") && k.noScopes != "" {
		return usageError(stderr, "-scopes does not apply to %s: %s; drop -scopes", k.name, k.noScopes)
	}
	if f.maxBytes < 1 || f.maxDepth < 1 {
		return usageError(stderr, "-max-bytes and -max-depth must be at least 1: give a positive limit, or drop the flag")
	}
	if slices.Contains(set, "max-bytes") && k.maxBytes > 0 && f.maxBytes > k.maxBytes {
		return usageError(stderr, "-max-bytes %d does not apply to %s, which takes at most %d bytes as Auth0 does (a limit can only lower that): give at most %d, or drop -max-bytes",
			f.maxBytes, k.name, k.maxBytes, k.maxBytes)
	}
	if msg := checkFiles(fs, files, form); msg != "" {
		return usageError(stderr, "%s; see 'metapatch help %s'", msg, k.name)
	}
	// Only the flags given become options, so that every function keeps
	// its own defaults.
	var opts []metapatch.Option
	for _, name := range set {
		switch name {
		case "scopes":
			opts = append(opts, metapatch.WithScopes(f.scopes))
		case "max-bytes":
			opts = append(opts, metapatch.WithMaxBytes(f.maxBytes))
		case "max-depth":
			opts = append(opts, metapatch.WithMaxDepth(f.maxDepth))
		}
	}
	inputs, msg := readAll(files, stdin)
	if msg != "" {
		return usageError(stderr, "%s", msg)
	}
	var out []byte
	if f.create {
		out, err = k.create(inputs[0], opts...)
	} else {
		out, err = k.apply(inputs, opts...)
	}
	return report(out, err, stdout, stderr)
}

// flags are the command's flags.
type flags struct {
	create, version    bool
	scopes             string
	maxBytes, maxDepth int
}

// flagSet returns the flag set that parses into f. It prints nothing: run
// reports every error itself, in one line.
func (f *flags) flagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("metapatch", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.BoolVar(&f.create, "create", false, "run the kind's Create function on one BODY instead")
	fs.StringVar(&f.scopes, "scopes", "", "limit the call to what a token with the space-separated scopes `S` may do")
	fs.IntVar(&f.maxBytes, "max-bytes", 16<<20, "limit the body and the result to `N` bytes (default 16 MiB)")
	fs.IntVar(&f.maxDepth, "max-depth", 100, "limit the body's nesting to depth `N` (default 100)")
	fs.BoolVar(&f.version, "version", false, "print the module version and exit")
	return fs
}

// parse parses the flags, which may stand before and between the words of
// the command ("diff", "help", a kind's name) and before the files. It
// returns the command's words and the rest of the arguments.
func parse(fs *flag.FlagSet, args []string) (words, rest []string, err error) {
	rest = args
	for {
		if err := fs.Parse(rest); err != nil {
			return words, nil, err
		}
		rest = fs.Args()
		if len(rest) == 0 || !needsWord(words) {
			return words, rest, nil
		}
		words, rest = append(words, rest[0]), rest[1:]
	}
}

// needsWord reports whether the command's words so far call for another.
func needsWord(words []string) bool {
	switch {
	case len(words) == 0:
		return true
	case words[0] == "help":
		return false
	case words[0] == "diff":
		words = words[1:]
		if len(words) == 0 {
			return true
		}
	}
	k, more := lookup(words)
	return k == nil && more
}

// find returns the kind words name, or a message saying what to do.
func find(words []string) (*kind, string) {
	k, more := lookup(words)
	name := strings.Join(words, " ")
	switch {
	case k != nil:
		return k, ""
	case more:
		return nil, fmt.Sprintf("%s needs one more word, one of %s: run 'metapatch help %s'",
			name, strings.Join(nextWords(name), ", "), name)
	}
	return nil, fmt.Sprintf("unknown kind %q: the kinds are %s; run 'metapatch help' for more",
		name, names(func(*kind) bool { return true }))
}

// runDiff is metapatch diff.
func runDiff(fs *flag.FlagSet, words, files, set []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(set) > 0 {
		name := set[0]
		if name == "create" {
			return usageError(stderr, "-create does not apply to diff, which compares two documents: drop -create")
		}
		return usageError(stderr, "-%s does not apply to diff: the Diff functions take no options "+
			"(they check the body they compute with the default limits and no scopes); drop -%s", name, name)
	}
	withDiff := names(func(k *kind) bool { return k.diff != nil })
	if len(words) == 0 {
		return usageError(stderr, "diff needs a kind: metapatch diff KIND BEFORE AFTER, KIND one of %s", withDiff)
	}
	k, msg := find(words)
	if k == nil {
		return usageError(stderr, "diff: %s", msg)
	}
	if k.diff == nil {
		return usageError(stderr, "%s has no diff: the kinds with diff are %s", k.name, withDiff)
	}
	if msg := checkFiles(fs, files, "diff "+k.name+" BEFORE AFTER"); msg != "" {
		return usageError(stderr, "%s; see 'metapatch help diff'", msg)
	}
	inputs, msg := readAll(files, stdin)
	if msg != "" {
		return usageError(stderr, "%s", msg)
	}
	out, err := k.diff(inputs[0], inputs[1])
	if err == nil && out == nil {
		return 0 // nothing to change: no body
	}
	return report(out, err, stdout, stderr)
}

// isHelpFlag reports whether arg asks for help.
func isHelpFlag(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "--h"
}

// checkFiles checks the file arguments against form, the command's words
// and the names of its files, and returns what is wrong, or "".
func checkFiles(fs *flag.FlagSet, files []string, form string) string {
	for _, f := range files {
		name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if strings.HasPrefix(f, "-") && fs.Lookup(name) != nil {
			return fmt.Sprintf("flag %s after the files: put flags before the files (for a file of that name, write ./%s)", f, f)
		}
	}
	want := 0
	for _, w := range strings.Fields(form) {
		if w == strings.ToUpper(w) && w != "-" {
			want++
		}
	}
	if len(files) != want {
		return fmt.Sprintf("%s takes %d file argument%s, got %d", form, want, plural(want), len(files))
	}
	return ""
}

// plural returns "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// readAll reads the files; - is standard input, once. It returns the
// contents, or a message saying what went wrong.
func readAll(files []string, stdin io.Reader) ([][]byte, string) {
	inputs := make([][]byte, len(files))
	stdinUsed := false
	for i, name := range files {
		var err error
		if name == "-" {
			if stdinUsed {
				return nil, "standard input (-) can be read only once: give a file name for the other -"
			}
			stdinUsed = true
			inputs[i], err = io.ReadAll(stdin)
		} else {
			inputs[i], err = os.ReadFile(name)
		}
		if err != nil {
			return nil, err.Error()
		}
	}
	return inputs, ""
}

// report prints a result, or Auth0's error body, and returns the status.
// A nil result prints nothing.
func report(out []byte, err error, stdout, stderr io.Writer) int {
	if err != nil {
		var e *metapatch.Error
		if !errors.As(err, &e) {
			fmt.Fprintf(stderr, "metapatch: %v\n", err)
			return 1
		}
		body, _ := json.Marshal(e)
		fmt.Fprintf(stderr, "%s\n", body)
		return 1
	}
	if out != nil {
		fmt.Fprintf(stdout, "%s\n", out)
	}
	return 0
}

// usageError prints one line on stderr and returns 2.
func usageError(stderr io.Writer, format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(stderr, "metapatch: %s\n", strings.ReplaceAll(msg, "\n", " "))
	return 2
}

// version describes the build: the module's version, and for a build from
// a checkout (version "(devel)") the commit it was built from.
func version(info *debug.BuildInfo, ok bool) string {
	if !ok || info.Main.Version == "" {
		return "metapatch (unknown version: built without module support)"
	}
	v := "metapatch " + info.Main.Version
	if info.Main.Version != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev != "" {
		v += " (commit " + rev + modified + ")"
	}
	return v
}
