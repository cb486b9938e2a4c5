module github.com/metapatch/metapatch/conformance

go 1.26

replace github.com/metapatch/metapatch => ../

require (
	github.com/auth0/go-auth0 v1.47.0
	github.com/auth0/go-auth0/v3 v3.0.0
	github.com/lestrrat-go/jwx/v2 v2.1.7
	github.com/metapatch/metapatch v0.0.0-00010101000000-000000000000
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/pgx/v5 v5.12.0 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)

require (
	github.com/PuerkitoBio/rehttp v1.4.0 // indirect
	github.com/decred/dcrd/dcrec/secp256k1/v4 v4.4.1 // indirect
	github.com/goccy/go-json v0.10.6 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/kr/text v0.2.0 // indirect
	github.com/lestrrat-go/blackmagic v1.0.4 // indirect
	github.com/lestrrat-go/httpcc v1.0.1 // indirect
	github.com/lestrrat-go/httprc v1.0.6 // indirect
	github.com/lestrrat-go/iter v1.0.2 // indirect
	github.com/lestrrat-go/option v1.0.1 // indirect
	github.com/metapatch/metapatch/pgstore v0.0.0-00010101000000-000000000000
	github.com/segmentio/asm v1.2.1 // indirect
	go.devnw.com/structs v1.0.0 // indirect
	golang.org/x/crypto v0.53.0 // indirect
	golang.org/x/oauth2 v0.36.0 // indirect
	golang.org/x/sys v0.46.0 // indirect
)

replace github.com/metapatch/metapatch/pgstore => ../pgstore
