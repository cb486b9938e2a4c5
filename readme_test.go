package metapatch_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmePrograms are the complete programs README.md shows, with where go
// run finds each (conformance/ is a module of its own, reached through
// go.work).
var readmePrograms = []struct{ file, pkg string }{
	{"examples/readme/main.go", "./examples/readme"},
	{"conformance/examples/sdk/main.go", "./conformance/examples/sdk"},
}

// TestReadme checks that README.md shows each of its programs as the file
// holds it, and what it prints; that it shows no other Go code; what its
// set-up command prints; and that its test command is the one .ci/run
// runs: a green test run proves the README.
func TestReadme(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run")
	}
	readme := string(mustRead(t, "README.md"))
	shownBlocks := 0
	for _, p := range readmePrograms {
		program := string(mustRead(t, p.file))
		// The README shows the program without its file comment.
		_, shown, _ := strings.Cut(program, "\npackage main")
		shown = "package main" + shown
		if !strings.Contains(readme, "```go\n"+shown+"```") {
			t.Errorf("README.md does not show %s (after its comment) as a Go program", p.file)
		}
		shownBlocks++
		got := goRun(t, "", p.pkg)
		if !strings.Contains(readme, "```go\n"+shown+"```\n\nprints\n\n```\n"+got+"```") {
			t.Errorf("README.md does not show what %s prints, right after it:\n%s", p.file, got)
		}
	}
	if n := strings.Count(readme, "```go\n"); n != shownBlocks {
		t.Errorf("README.md has %d Go blocks, but only %d are programs this test runs", n, shownBlocks)
	}
	setup := goRun(t, "", "./cmd/metapatch", "user", "examples/data/user.json", "examples/data/user-patch.json")
	if !strings.Contains(readme, "store:\n\n```\n"+setup+"```") {
		t.Errorf("README.md does not show what the set-up command prints:\n%s", setup)
	}
	// Every go run the README names runs.
	for _, m := range regexp.MustCompile("`go run (\\./[^` ]+)`").FindAllStringSubmatch(readme, -1) {
		goRun(t, "", m[1])
	}
	// The README's test command is the one .ci/run runs.
	ci := string(mustRead(t, ".ci/run"))
	const testCommand = "go test -race github.com/metapatch/metapatch/...\n"
	if !strings.Contains(readme, "\n"+testCommand) || !strings.Contains(ci, "\n"+testCommand) {
		t.Errorf("README.md and .ci/run must both run %q", testCommand)
	}
}

// TestReadmeInstallFromClone runs the README's "Install" commands in a new
// module outside the repository, then builds a program that imports the
// library through them.
func TestReadmeInstallFromClone(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod tidy")
	}
	readme := string(mustRead(t, "README.md"))
	m := regexp.MustCompile("(?s)## Install\n.*?```\n(go mod edit [^\n]*)\n(go mod tidy)\n```").FindStringSubmatch(readme)
	if m == nil {
		t.Fatal("README.md's Install section does not show go mod edit and go mod tidy")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	app := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = app
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("go", "mod", "init", "example.com/app")
	writeFile(t, filepath.Join(app, "main.go"), []byte("package main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/metapatch/metapatch\"\n)\n\nfunc main() {\n\tfmt.Println(metapatch.Merge([]byte(`{}`), []byte(`{\"a\":1}`)))\n}\n"))
	edit := strings.Fields(strings.ReplaceAll(m[1], "../metapatch", root))
	run(edit...)
	run(strings.Fields(m[2])...)
	run("go", "build", "-o", os.DevNull, ".")
}

// goRun runs go run in dir ("" for this directory) and returns what it
// printed.
func goRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"run"}, args...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}
