// This file implements the package doc's "Storage", "Atomic writes" and
// "Set-up": the table, and Create, Get, Update and Delete on it.

package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/metapatch/metapatch/mgmttest"
)

// A Store keeps mgmttest's documents in PostgreSQL. It implements
// mgmttest.Store; every method is safe for concurrent use, also by several
// processes sharing the database. Its zero value is not usable: call Open.
type Store struct {
	pool *pgxpool.Pool
}

var _ mgmttest.Store = (*Store)(nil)

// schema creates the table and its indexes; every statement is idempotent.
// See the package doc, "Set-up". The GIN index has fastupdate off: with it
// on, new entries wait in a pending list that every search scans whole,
// and a search after a bulk load took 240 ms instead of 1 ms on 100,000
// users (BENCHMARKS.md), while PATCHes cost the same either way there.
var schema = []string{
	`CREATE TABLE IF NOT EXISTS metapatch_documents (
		collection text NOT NULL,
		id text NOT NULL,
		seq bigint GENERATED ALWAYS AS IDENTITY,
		doc bytea NOT NULL,
		search jsonb NOT NULL,
		PRIMARY KEY (collection, id)
	)`,
	`CREATE UNIQUE INDEX IF NOT EXISTS metapatch_documents_order ON metapatch_documents (collection, seq)`,
	`CREATE INDEX IF NOT EXISTS metapatch_documents_search ON metapatch_documents USING gin (search jsonb_path_ops) WITH (fastupdate = off)`,
}

// schemaLock is the advisory lock key that serializes schema creation
// between processes opening the same database at once ("mp" in ASCII).
const schemaLock = 0x6d70

// Open connects to the PostgreSQL database dsn (a URL, postgres://…, or
// key=value pairs, as pgx accepts them) and creates the store's table and
// indexes if they are missing. The database must use the UTF8 encoding.
// Close the store when done.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	// Searches bind their jsonpath as a parameter; a generic plan cannot
	// see it and would not pick the index. See the package doc, "Search".
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	s := &Store{pool: pool}
	if err := s.setUp(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) setUp(ctx context.Context) error {
	var encoding string
	if err := s.pool.QueryRow(ctx, `SHOW server_encoding`).Scan(&encoding); err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	if encoding != "UTF8" {
		return fmt.Errorf("pgstore: the database's encoding is %s; the store needs UTF8 (initdb -E UTF8, or CREATE DATABASE … ENCODING 'UTF8')", encoding)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, schemaLock); err != nil {
			return err
		}
		for _, stmt := range schema {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pgstore: creating the schema: %w", err)
	}
	return nil
}

// Close closes every connection. Calls in progress may fail.
func (s *Store) Close() { s.pool.Close() }

// validID reports whether id can be a key: PostgreSQL's text holds valid
// UTF-8 without NUL bytes only. An id that is not valid is never stored.
func validID(id string) bool {
	return utf8.ValidString(id) && !strings.Contains(id, "\x00")
}

// Create stores doc as document id of collection, or returns
// mgmttest.ErrExists when the collection has id already (nothing is
// written). Of concurrent Creates of one id, exactly one succeeds.
func (s *Store) Create(ctx context.Context, collection, id string, doc []byte) error {
	if !validID(collection) || !validID(id) {
		return fmt.Errorf("pgstore: a collection name or id must be valid UTF-8 without NUL: %q %q", collection, id)
	}
	tag, err := s.pool.Exec(ctx,
		`INSERT INTO metapatch_documents (collection, id, doc, search) VALUES ($1, $2, $3, $4::text::jsonb)
		 ON CONFLICT (collection, id) DO NOTHING`,
		collection, id, doc, searchCopy(doc))
	if err != nil {
		return fmt.Errorf("pgstore: create %s %q: %w", collection, id, err)
	}
	if tag.RowsAffected() == 0 {
		return mgmttest.ErrExists
	}
	return nil
}

// Get returns the document's bytes as they were stored, or
// mgmttest.ErrNotFound.
func (s *Store) Get(ctx context.Context, collection, id string) ([]byte, error) {
	if !validID(collection) || !validID(id) {
		return nil, mgmttest.ErrNotFound
	}
	var doc []byte
	err := s.pool.QueryRow(ctx,
		`SELECT doc FROM metapatch_documents WHERE collection = $1 AND id = $2`,
		collection, id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, mgmttest.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: get %s %q: %w", collection, id, err)
	}
	return doc, nil
}

// Update replaces document id with apply(current) in one transaction that
// holds the row's lock from the read to the write, so no concurrent Update
// of the document, from any process, is lost. If apply fails, or anything
// fails before the commit (a lost connection, a cancelled ctx), nothing
// changes: apply's error is returned unchanged, others wrapped. apply is
// called at most once, on a copy of the stored bytes, and is not called
// for a missing document (mgmttest.ErrNotFound). See the package doc,
// "Atomic writes".
//
// It costs two round trips: BEGIN with the locking SELECT, then the
// UPDATE with the COMMIT, each pair sent as one pipelined batch, so the
// lock is held for apply and one round trip.
func (s *Store) Update(ctx context.Context, collection, id string, apply func(doc []byte) ([]byte, error)) ([]byte, error) {
	if !validID(collection) || !validID(id) {
		return nil, mgmttest.ErrNotFound
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("pgstore: update %s %q: %w", collection, id, err)
	}
	// A connection released inside a transaction is closed by the pool,
	// which ends the transaction: a rollback on every path but success.
	defer conn.Release()
	fail := func(err error) ([]byte, error) {
		rollback(conn)
		if errors.Is(err, mgmttest.ErrNotFound) {
			return nil, mgmttest.ErrNotFound
		}
		return nil, fmt.Errorf("pgstore: update %s %q: %w", collection, id, err)
	}

	var cur []byte
	read := &pgx.Batch{}
	read.Queue("BEGIN")
	read.Queue(`SELECT doc FROM metapatch_documents WHERE collection = $1 AND id = $2 FOR UPDATE`, collection, id).
		QueryRow(func(row pgx.Row) error { return row.Scan(&cur) })
	if err := conn.SendBatch(ctx, read).Close(); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			err = mgmttest.ErrNotFound
		}
		return fail(err)
	}

	next, err := apply(cur)
	if err != nil {
		rollback(conn)
		return nil, err
	}

	write := &pgx.Batch{}
	write.Queue(`UPDATE metapatch_documents SET doc = $3, search = $4::text::jsonb WHERE collection = $1 AND id = $2`,
		collection, id, next, searchCopy(next))
	write.Queue("COMMIT")
	if err := conn.SendBatch(ctx, write).Close(); err != nil {
		return fail(err)
	}
	return next, nil
}

// rollback ends conn's transaction, if any, even when the caller's context
// is done; if it cannot, it closes the connection, which also ends it.
func rollback(conn *pgxpool.Conn) {
	if conn.Conn().PgConn().TxStatus() == 'I' {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := conn.Exec(ctx, "ROLLBACK"); err != nil {
		conn.Conn().Close(ctx)
	}
}

// Delete removes the document, or returns mgmttest.ErrNotFound.
func (s *Store) Delete(ctx context.Context, collection, id string) error {
	if !validID(collection) || !validID(id) {
		return mgmttest.ErrNotFound
	}
	tag, err := s.pool.Exec(ctx,
		`DELETE FROM metapatch_documents WHERE collection = $1 AND id = $2`, collection, id)
	if err != nil {
		return fmt.Errorf("pgstore: delete %s %q: %w", collection, id, err)
	}
	if tag.RowsAffected() == 0 {
		return mgmttest.ErrNotFound
	}
	return nil
}
