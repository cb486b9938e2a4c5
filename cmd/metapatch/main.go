// Command metapatch applies a PATCH or create body to a stored Auth0
// document with the metapatch library, and prints the document to store.
//
// Usage:
//
//	metapatch [flags] user|client|org|merge STORED.json BODY.json
//	metapatch [flags] -create user|client|org BODY.json
//	metapatch diff user|client|org|merge BEFORE.json AFTER.json
//
// A file argument of - reads standard input (once). The result goes to
// standard output followed by a newline; diff prints the PATCH body that
// turns BEFORE into AFTER, or nothing when nothing changes. On a rule
// violation the command prints Auth0's error body to standard error and
// exits 1; on a usage error it exits 2.
//
// Flags:
//
//	-create       run the Create function on a single body
//	-scopes S     limit the call to the space-separated token scopes S
//	-max-bytes N  the byte limit on the body and result (default 16 MiB)
//	-max-depth N  the nesting limit on the body (default 100)
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/metapatch/metapatch"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: metapatch [flags] user|client|org|merge STORED.json BODY.json
       metapatch [flags] -create user|client|org BODY.json
       metapatch diff user|client|org|merge BEFORE.json AFTER.json
A file of - reads standard input. Flags:`

// run is the whole command, returning its exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("metapatch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fs.PrintDefaults()
	}
	create := fs.Bool("create", false, "run the Create function on a single body")
	scopes := fs.String("scopes", "", "limit the call to these space-separated token scopes")
	maxBytes := fs.Int("max-bytes", 16<<20, "the byte limit on the body and the result")
	maxDepth := fs.Int("max-depth", 100, "the nesting limit on the body")
	// Flags may stand before or after the kind.
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return 2
	}
	kind := rest[0]
	if err := fs.Parse(rest[1:]); err != nil {
		return 2
	}
	files := fs.Args()
	if kind == "diff" {
		if len(files) == 0 {
			fs.Usage()
			return 2
		}
		return runDiff(files[0], files[1:], stdin, stdout, stderr)
	}
	if *maxBytes < 1 || *maxDepth < 1 {
		fmt.Fprintln(stderr, "metapatch: -max-bytes and -max-depth must be at least 1")
		return 2
	}
	opts := []metapatch.Option{metapatch.WithMaxBytes(*maxBytes), metapatch.WithMaxDepth(*maxDepth)}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "scopes" {
			opts = append(opts, metapatch.WithScopes(*scopes))
		}
	})

	fn, ok := function(kind, *create)
	if !ok {
		fmt.Fprintf(stderr, "metapatch: unknown kind %q (want user, client, org or merge; -create takes no merge)\n", kind)
		return 2
	}
	want := 2
	if *create {
		want = 1
	}
	if len(files) != want {
		fmt.Fprintf(stderr, "metapatch: %s takes %d file arguments, got %d\n", kind, want, len(files))
		fs.Usage()
		return 2
	}
	inputs, ok := readAll(files, stdin, stderr)
	if !ok {
		return 2
	}
	if *create {
		inputs = append([][]byte{nil}, inputs...)
	}
	out, err := fn(inputs[0], inputs[1], opts)
	return report(out, err, stdout, stderr)
}

// runDiff is the diff command.
func runDiff(kind string, files []string, stdin io.Reader, stdout, stderr io.Writer) int {
	diff := map[string]func(before, after []byte) ([]byte, error){
		"user": metapatch.DiffUser, "client": metapatch.DiffClient,
		"org": metapatch.DiffOrganization, "merge": metapatch.Diff,
	}[kind]
	if diff == nil {
		fmt.Fprintf(stderr, "metapatch: unknown kind %q for diff (want user, client, org or merge)\n", kind)
		return 2
	}
	if len(files) != 2 {
		fmt.Fprintf(stderr, "metapatch: diff %s takes 2 file arguments, got %d\n", kind, len(files))
		return 2
	}
	inputs, ok := readAll(files, stdin, stderr)
	if !ok {
		return 2
	}
	out, err := diff(inputs[0], inputs[1])
	if err == nil && out == nil {
		return 0 // nothing to change: no body
	}
	return report(out, err, stdout, stderr)
}

// readAll reads the files; - is standard input, once.
func readAll(files []string, stdin io.Reader, stderr io.Writer) ([][]byte, bool) {
	inputs := make([][]byte, len(files))
	stdinUsed := false
	for i, name := range files {
		var err error
		if name == "-" {
			if stdinUsed {
				fmt.Fprintln(stderr, "metapatch: standard input (-) can be read only once")
				return nil, false
			}
			stdinUsed = true
			inputs[i], err = io.ReadAll(stdin)
		} else {
			inputs[i], err = os.ReadFile(name)
		}
		if err != nil {
			fmt.Fprintf(stderr, "metapatch: %v\n", err)
			return nil, false
		}
	}
	return inputs, true
}

// report prints a result, or Auth0's error body, and returns the status.
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
	fmt.Fprintf(stdout, "%s\n", out)
	return 0
}

// function returns the library function for a kind, as one signature.
func function(kind string, create bool) (func(stored, body []byte, opts []metapatch.Option) ([]byte, error), bool) {
	pick := func(patch func([]byte, []byte, ...metapatch.Option) ([]byte, error), newDoc func([]byte, ...metapatch.Option) ([]byte, error)) func([]byte, []byte, []metapatch.Option) ([]byte, error) {
		if create {
			return func(_, body []byte, opts []metapatch.Option) ([]byte, error) { return newDoc(body, opts...) }
		}
		return func(stored, body []byte, opts []metapatch.Option) ([]byte, error) {
			return patch(stored, body, opts...)
		}
	}
	switch kind {
	case "user":
		return pick(metapatch.PatchUser, metapatch.CreateUser), true
	case "client":
		return pick(metapatch.PatchClient, metapatch.CreateClient), true
	case "org":
		return pick(metapatch.PatchOrganization, metapatch.CreateOrganization), true
	case "merge":
		if !create {
			return pick(metapatch.Merge, nil), true
		}
	}
	return nil, false
}
