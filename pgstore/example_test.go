package pgstore_test

import (
	"context"
	"fmt"
	"log"

	"github.com/metapatch/metapatch/mgmttest"
	"github.com/metapatch/metapatch/pgstore"
)

// The Management API of mgmttest, its documents in PostgreSQL. (Not run:
// it needs a database.)
func ExampleOpen() {
	ctx := context.Background()
	st, err := pgstore.Open(ctx, "postgres://identity@localhost/identity") // creates its table
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	srv := mgmttest.NewServer(mgmttest.WithStore(st))
	defer srv.Close()
	fmt.Println(srv.URL, srv.Token())
}
