// This file implements the package doc's "Storage": the Store interface
// and the memory store.

package mgmttest

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/metapatch/metapatch/query"
)

// A Store keeps the server's documents, grouped in collections: "users",
// "clients", "organizations", "connections", "custom-domains",
// "sessions", "refresh-tokens", "jobs". Every method is safe for
// concurrent use by several goroutines and (for a database store) by
// several processes.
//
// Documents are exact bytes: a store returns exactly the bytes it was
// given (member order, number spelling, escapes), even where a database's
// JSON type would rewrite them. The package mgmttest/storetest checks a
// Store against these rules.
type Store interface {
	// Create stores doc as document id of collection. It returns ErrExists
	// when the collection already has id (nothing is written).
	Create(ctx context.Context, collection, id string, doc []byte) error
	// Get returns the document, or ErrNotFound.
	Get(ctx context.Context, collection, id string) ([]byte, error)
	// Update replaces the document id with apply(current) atomically: no
	// concurrent Update of the same document is lost. If apply returns an
	// error, nothing changes and Update returns that error unchanged. apply
	// may be called more than once (a retry) and must have no side effects.
	// ErrNotFound when the document does not exist (apply is not called).
	Update(ctx context.Context, collection, id string, apply func(doc []byte) ([]byte, error)) ([]byte, error)
	// Delete removes the document, or returns ErrNotFound.
	Delete(ctx context.Context, collection, id string) error
	// Search returns one page of the documents of collection that q matches
	// (q nil: every document), ordered by p.Sort (a zero Sort: creation
	// order), ties broken by creation order, and how many documents match
	// in all.
	Search(ctx context.Context, collection string, q *query.Query, p Page) (docs [][]byte, total int, err error)
}

// A Page selects the part of a search result to return.
type Page struct {
	Sort    query.Sort // zero: creation order
	Page    int        // from 0
	PerPage int        // > 0
}

// The errors a Store returns (compare with errors.Is).
var (
	ErrNotFound = errors.New("mgmttest: no such document")
	ErrExists   = errors.New("mgmttest: document exists")
)

// NewMemoryStore returns the default store: documents in memory, one lock
// held only while a document is read, applied and written.
func NewMemoryStore() Store {
	return &memoryStore{collections: map[string]*collection{}}
}

type memoryStore struct {
	mu          sync.RWMutex
	seq         int64 // the creation counter, across collections
	collections map[string]*collection
}

type collection struct {
	docs map[string]*entry
}

type entry struct {
	doc []byte
	seq int64 // creation order
}

func (m *memoryStore) collection(name string) *collection {
	c := m.collections[name]
	if c == nil {
		c = &collection{docs: map[string]*entry{}}
		m.collections[name] = c
	}
	return c
}

func (m *memoryStore) Create(ctx context.Context, name, id string, doc []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	doc = slices.Clone(doc)
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.collection(name)
	if _, ok := c.docs[id]; ok {
		return ErrExists
	}
	m.seq++
	c.docs[id] = &entry{doc, m.seq}
	return nil
}

func (m *memoryStore) Get(ctx context.Context, name, id string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	e, ok := m.collections[name].get(id)
	if !ok {
		return nil, ErrNotFound
	}
	return slices.Clone(e.doc), nil
}

func (c *collection) get(id string) (*entry, bool) {
	if c == nil {
		return nil, false
	}
	e, ok := c.docs[id]
	return e, ok
}

func (m *memoryStore) Update(ctx context.Context, name, id string, apply func([]byte) ([]byte, error)) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.collections[name].get(id)
	if !ok {
		return nil, ErrNotFound
	}
	doc, err := apply(slices.Clone(e.doc))
	if err != nil {
		return nil, err
	}
	e.doc = slices.Clone(doc)
	return doc, nil
}

func (m *memoryStore) Delete(ctx context.Context, name, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.collections[name]
	if _, ok := c.get(id); !ok {
		return ErrNotFound
	}
	delete(c.docs, id)
	return nil
}

func (m *memoryStore) Search(ctx context.Context, name string, q *query.Query, p Page) ([][]byte, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	if p.Page < 0 || p.PerPage < 1 {
		return nil, 0, errors.New("mgmttest: a page needs Page >= 0 and PerPage > 0")
	}
	// A stored slice is never written after it is stored (Update stores a
	// new one), so the documents can be sorted after the lock is let go.
	m.mu.RLock()
	var hits []entry
	if c := m.collections[name]; c != nil {
		for _, e := range c.docs {
			if q == nil || q.Match(e.doc) {
				hits = append(hits, *e)
			}
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(hits, func(a, b entry) int {
		if p.Sort != (query.Sort{}) {
			if c := p.Sort.Compare(a.doc, b.doc); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.seq, b.seq)
	})
	total := len(hits)
	start := min(p.Page*p.PerPage, total)
	if p.Page > total/p.PerPage { // no overflow in Page*PerPage
		start = total
	}
	end := min(start+p.PerPage, total)
	docs := make([][]byte, 0, end-start)
	for _, e := range hits[start:end] {
		docs = append(docs, slices.Clone(e.doc))
	}
	return docs, total, nil
}
