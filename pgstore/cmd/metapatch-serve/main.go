// Command metapatch-serve runs mgmttest's Auth0 Management API as a
// standalone server, its documents in memory or in PostgreSQL:
//
//	metapatch-serve -addr 127.0.0.1:8080                       # in memory
//	metapatch-serve -addr 127.0.0.1:8080 -db postgres://…      # in PostgreSQL
//
// It prints the API's URL and a bearer token that grants every scope.
// With -db, documents survive a restart, and several metapatch-serve
// processes may share one database: no update is lost between them.
// SIGINT or SIGTERM shuts it down gracefully: requests in progress finish
// (up to -grace), new ones are refused.
//
// It lives in the module pgstore, not in the library's, so that the
// library and its CLI never depend on pgx.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/metapatch/metapatch/mgmttest"
	"github.com/metapatch/metapatch/pgstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "metapatch-serve:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("metapatch-serve", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", "127.0.0.1:8080", "the address to listen on")
	db := flags.String("db", "", "a PostgreSQL connection string (postgres://… or key=value); empty: keep documents in memory")
	grace := flags.Duration("grace", 30*time.Second, "how long a shutdown waits for requests in progress")
	public := flags.String("url", "", "the URL clients reach the server at, the issuer and audience of its tokens (default: http:// and the listening address)")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: metapatch-serve [-addr host:port] [-db postgres://…] [-url https://…] [-grace 30s]")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		flags.Usage()
		return fmt.Errorf("unexpected arguments: %q", flags.Args())
	}

	store, storeName := mgmttest.NewMemoryStore(), "memory (lost when the server stops)"
	if *db != "" {
		pg, err := pgstore.Open(ctx, *db)
		if err != nil {
			return err
		}
		defer pg.Close()
		store, storeName = pg, "PostgreSQL"
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := *public
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	api := mgmttest.NewHandler(base, mgmttest.WithStore(store))
	srv := &http.Server{
		Handler:           api.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // bodies up to 16 MiB on slow links
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	fmt.Fprintf(stdout, "metapatch-serve: Management API at %s/api/v2/ (store: %s)\n", api.URL, storeName)
	id, secret := api.Credentials()
	fmt.Fprintf(stdout, "client credentials (every scope): client_id %s client_secret %s audience %s/api/v2/\n", id, secret, api.URL)
	token := api.Token()
	fmt.Fprintf(stdout, "token (every scope): %s\n", token)
	fmt.Fprintf(stdout, "try: curl -H 'Authorization: Bearer %s' %s/api/v2/users\n", token, api.URL)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "metapatch-serve: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
