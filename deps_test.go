package metapatch_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports checks that the library imports only what a program built on
// it should pay for: the standard library, and not its network stack, which
// would triple the packages of a program as small as the command.
func TestImports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed only %v", deps)
	}
	for _, p := range deps {
		first, _, _ := strings.Cut(p, "/")
		switch {
		case p == "net" || strings.HasPrefix(p, "net/"):
			t.Errorf("the library imports %s", p)
		case strings.Contains(first, ".") && !strings.HasPrefix(p, "github.com/metapatch/metapatch"):
			t.Errorf("the library imports %s, outside the standard library", p)
		}
	}
}
