package pgstore

import (
	"testing"

	"github.com/metapatch/metapatch/mgmttest"
	"github.com/metapatch/metapatch/mgmttest/storetest"
)

// newStore opens a store on a new empty database, closed when t ends.
func newStore(t *testing.T) mgmttest.Store {
	s, _ := open(t)
	return s
}

// TestStoreContract runs mgmttest's contract for stores.
func TestStoreContract(t *testing.T) { storetest.TestStore(t, newStore) }

// TestStoreServer runs the Management API on the store.
func TestStoreServer(t *testing.T) { storetest.TestServer(t, newStore) }
