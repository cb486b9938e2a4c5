package pgtest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestMain starts a server only in the child processes the tests below
// run, so that they can choose the environment.
func TestMain(m *testing.M) {
	if os.Getenv("PGTEST_CHILD") != "" {
		os.Exit(Main(m))
	}
	os.Exit(m.Run())
}

// TestChild is what the child processes run: it asks for a database and
// uses it.
func TestChild(t *testing.T) {
	if os.Getenv("PGTEST_CHILD") == "" {
		t.Skip("run in a child process by the tests below")
	}
	dsn := DSN(t)
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var encoding, listen string
	if err := conn.QueryRow(context.Background(), "SELECT current_setting('server_encoding'), current_setting('listen_addresses')").Scan(&encoding, &listen); err != nil {
		t.Fatal(err)
	}
	if encoding != "UTF8" || listen != "" {
		t.Errorf("server_encoding %q, listen_addresses %q; want UTF8 and no TCP", encoding, listen)
	}
}

// child runs TestChild in a new process with env added, and returns its
// output and exit code.
func child(t *testing.T, env ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.v")
	cmd.Env = append(os.Environ(), append([]string{"PGTEST_CHILD=1"}, env...)...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

func TestMissingBinaries(t *testing.T) {
	for _, c := range []struct {
		name, ci string
		exit     int
		want     []string
	}{
		{"skipped, saying how to install", "", 0, []string{"--- SKIP: TestChild", "apt-get install postgresql"}},
		{"CI fails", "true", 1, []string{"CI=true, so this is a failure", "apt-get install postgresql"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, exit := child(t, "PGSTORE_PG_BIN="+t.TempDir(), "CI="+c.ci)
			if exit != c.exit {
				t.Errorf("exit code %d, want %d; output:\n%s", exit, c.exit, out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestServer is the neighbour case: with the binaries, the child starts
// a server, uses it, and leaves no directory behind.
func TestServer(t *testing.T) {
	if _, err := findBinaries(); err != nil {
		t.Skip(err)
	}
	tmp, err := os.MkdirTemp("", "pgtest-test")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil { // the postgres user must reach it when we are root
		t.Fatal(err)
	}
	out, exit := child(t, "TMPDIR="+tmp, "CI=true")
	if exit != 0 || !strings.Contains(out, "--- PASS: TestChild") {
		t.Fatalf("exit code %d; output:\n%s", exit, out)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("the server's directory is left in %s: %v", tmp, entries)
	}
}
