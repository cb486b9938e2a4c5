// Package pgtest runs a throwaway PostgreSQL server for the tests of one
// test binary: initdb into a temporary directory, pg_ctl start on a unix
// socket only (no TCP port), a fresh database per test, and the server
// stopped and its directory removed at the end whatever happens.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// and in a test, pgtest.DSN(t) for a new empty database (a schema of its
// own). Without
// PostgreSQL's binaries, tests that ask for a database are skipped with a
// message saying how to install them, unless the environment has CI=true:
// then the test binary fails.
//
// The binaries are looked for in $PGSTORE_PG_BIN (only there, when it is
// set), else on PATH, then in `pg_config --bindir`, then in
// /usr/lib/postgresql/<newest>/bin. As root,
// the server runs as the postgres user (initdb refuses root).
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// installHint says how to get PostgreSQL's binaries.
const installHint = "install PostgreSQL's server binaries (Debian/Ubuntu: apt-get install postgresql; " +
	"or set PGSTORE_PG_BIN to the directory holding initdb and pg_ctl)"

// A Server is a running throwaway PostgreSQL server.
type Server struct {
	dir    string // temporary directory: data/, the socket, the log
	bin    string // directory of initdb, pg_ctl
	cred   *syscall.Credential
	dbs    atomic.Int64
	mu     sync.Mutex // serializes Restart
	stopMu sync.Mutex
	done   bool
}

var (
	current     *Server
	unavailable string // why there is no server, when there is none
)

// Main starts a server, runs the tests and stops the server; it returns
// the exit code for os.Exit.
func Main(m *testing.M) int {
	srv, err := Start()
	if errors.Is(err, errNoBinaries) {
		// Without binaries, the tests that need a server skip (with how
		// to install them), unless CI=true: then a missing server fails.
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "pgtest: %v; CI=true, so this is a failure: %s\n", err, installHint)
			return 1
		}
		unavailable = fmt.Sprintf("%v: %s", err, installHint)
		fmt.Fprintf(os.Stderr, "pgtest: skipping the tests that need PostgreSQL: %s\n", unavailable)
		return m.Run()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err) // it says "pgtest: "
		return 1
	}
	current = srv
	// An interrupt must not leave a server behind. (A crash cannot either:
	// see watchdog.)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	go func() {
		<-sig
		srv.Stop()
		os.Exit(2)
	}()
	defer srv.Stop()
	return m.Run()
}

// DSN creates a new empty database on the test binary's server and
// returns its connection string. It skips t when there is no server.
func DSN(t testing.TB) string {
	t.Helper()
	if current == nil {
		if unavailable == "" {
			t.Fatal("pgtest: no server: call pgtest.Main from TestMain")
		}
		t.Skip("pgtest: " + unavailable)
	}
	dsn, err := current.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// Current returns the test binary's server; it skips t when there is none.
func Current(t testing.TB) *Server {
	t.Helper()
	DSN(t) // skips or fails as DSN does
	return current
}

var errNoBinaries = errors.New("PostgreSQL's initdb and pg_ctl were not found")

// findBinaries returns the directory holding initdb, pg_ctl and postgres.
func findBinaries() (string, error) {
	has := func(dir string) bool {
		for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				return false
			}
		}
		return true
	}
	if dir := os.Getenv("PGSTORE_PG_BIN"); dir != "" {
		if has(dir) {
			return dir, nil
		}
		return "", fmt.Errorf("%w in PGSTORE_PG_BIN=%s", errNoBinaries, dir)
	}
	var candidates []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			candidates = append(candidates, filepath.Dir(real))
		}
		candidates = append(candidates, filepath.Dir(p))
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	versions, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(versions, func(a, b string) int { // newest first
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	candidates = append(candidates, versions...)
	for _, dir := range candidates {
		if has(dir) {
			return dir, nil
		}
	}
	return "", errNoBinaries
}

// Start creates and starts a server in a new temporary directory.
func Start() (*Server, error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	s := &Server{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pgtest: running as root needs a postgres user to run the server as (initdb refuses root): %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pgtest: %w", err)
		}
	}
	s.watchdog()
	if out, err := s.run("initdb", "-D", s.data(), "-E", "UTF8", "--locale=C", "-U", "postgres", "--auth=trust", "--no-sync"); err != nil {
		s.Stop()
		hint := ""
		if s.cred != nil {
			hint = " (as root, the server runs as the postgres user, who must be able to reach " + s.dir + ": check the permissions of its parent directories, e.g. of $TMPDIR)"
		}
		return nil, fmt.Errorf("pgtest: initdb: %v%s\n%s", err, hint, out)
	}
	if err := s.start(); err != nil {
		s.Stop()
		return nil, err
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.dsn("postgres", ""))
	if err == nil {
		_, err = conn.Exec(ctx, "CREATE DATABASE "+database)
		conn.Close(ctx)
	}
	if err != nil {
		s.Stop()
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	return s, nil
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// run runs a PostgreSQL binary as the server's user.
func (s *Server) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd.CombinedOutput()
}

const port = 5432 // only names the socket file: the server listens on no TCP port

func (s *Server) start() error {
	opts := fmt.Sprintf("-c listen_addresses='' -k %s -p %d -c max_connections=200 -c fsync=off -c full_page_writes=off", s.dir, port)
	if out, err := s.run("pg_ctl", "-D", s.data(), "-l", filepath.Join(s.dir, "log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		return fmt.Errorf("pgtest: pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	return nil
}

// watchdog starts a detached process that, once this process is gone
// (even killed), stops the server and removes its directory.
func (s *Server) watchdog() {
	const script = `while kill -0 "$1" 2>/dev/null; do sleep 1; done
if [ -f "$2/data/postmaster.pid" ]; then
	kill -QUIT "$(head -n 1 "$2/data/postmaster.pid")" 2>/dev/null
	sleep 2
fi
rm -rf "$2"`
	cmd := exec.Command("/bin/sh", "-c", script, "pgtest-watchdog", strconv.Itoa(os.Getpid()), s.dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if cmd.Start() == nil {
		go cmd.Wait()
	}
}

// database is the database the tests' schemas are created in.
const database = "pgtest"

// dsn returns the connection string of database name with search_path
// and application_name set to schema, unless schema is empty.
func (s *Server) dsn(name, schema string) string {
	dsn := fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable", s.dir, port, name)
	if schema != "" {
		dsn += fmt.Sprintf(" search_path=%s application_name=%s", schema, schema)
	}
	return dsn
}

// NewDatabase returns the connection string of a new empty schema: its
// connections use it as their search_path, and as their application_name,
// which tells them apart in pg_stat_activity. (A schema is as isolated as
// a database for the code under test, and much faster to create.)
func (s *Server) NewDatabase(ctx context.Context) (string, error) {
	conn, err := pgx.Connect(ctx, s.dsn(database, ""))
	if err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("test_%d", s.dbs.Add(1))
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	return s.dsn(database, name), nil
}

// Restart stops the server abruptly (immediate mode: no clean shutdown,
// as after a crash) and starts it again.
func (s *Server) Restart() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if out, err := s.run("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop"); err != nil {
		return fmt.Errorf("pgtest: pg_ctl stop: %v\n%s", err, out)
	}
	return s.start()
}

// Stop stops the server and removes its directory. It may be called more
// than once.
func (s *Server) Stop() {
	s.stopMu.Lock()
	defer s.stopMu.Unlock()
	if s.done {
		return
	}
	s.done = true
	if _, err := os.Stat(filepath.Join(s.data(), "postmaster.pid")); err == nil {
		if out, err := s.run("pg_ctl", "-D", s.data(), "-m", "fast", "-w", "-t", "30", "stop"); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: pg_ctl stop: %v\n%s", err, out)
		}
	}
	if err := os.RemoveAll(s.dir); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
	}
}
