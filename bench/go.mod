module github.com/metapatch/metapatch/bench

go 1.26

replace github.com/metapatch/metapatch => ../

require (
	github.com/evanphx/json-patch/v5 v5.9.11
	github.com/metapatch/metapatch v0.0.0-00010101000000-000000000000
	github.com/tidwall/gjson v1.18.0
	github.com/tidwall/sjson v1.2.5
)

require (
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.2.0 // indirect
)
