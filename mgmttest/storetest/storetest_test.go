package storetest_test

import (
	"testing"

	"github.com/metapatch/metapatch/mgmttest"
	"github.com/metapatch/metapatch/mgmttest/storetest"
)

func TestMemoryStore(t *testing.T) {
	storetest.TestStore(t, func(*testing.T) mgmttest.Store { return mgmttest.NewMemoryStore() })
}

func TestServerOnMemoryStore(t *testing.T) {
	storetest.TestServer(t, func(*testing.T) mgmttest.Store { return mgmttest.NewMemoryStore() })
}
