package metapatch_test

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestReadme checks that README.md shows examples/readme/main.go and what it
// prints, and what its set-up command prints: a green test run proves the
// README.
func TestReadme(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run")
	}
	readme := string(mustRead(t, "README.md"))
	program := string(mustRead(t, "examples/readme/main.go"))
	// The README shows the program without its two-line file comment.
	_, shown, _ := strings.Cut(program, "\npackage main")
	shown = "package main" + shown
	if !strings.Contains(readme, "```go\n"+shown+"```") {
		t.Errorf("README.md does not show examples/readme/main.go (after its comment) as its Go program")
	}
	got := goRun(t, "./examples/readme")
	if !strings.Contains(readme, "prints\n\n```\n"+got+"```") {
		t.Errorf("README.md does not show what the program prints:\n%s", got)
	}
	setup := goRun(t, "./cmd/metapatch", "user", "examples/data/user.json", "examples/data/user-patch.json")
	if !strings.Contains(readme, "store:\n\n```\n"+setup+"```") {
		t.Errorf("README.md does not show what the set-up command prints:\n%s", setup)
	}
	// The README's test command is the one .ci/run runs.
	ci := string(mustRead(t, ".ci/run"))
	const testCommand = "go test -race github.com/metapatch/metapatch/...\n"
	if !strings.Contains(readme, "\n"+testCommand) || !strings.Contains(ci, "\n"+testCommand) {
		t.Errorf("README.md and .ci/run must both run %q", testCommand)
	}
}

func goRun(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"run"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}
