module github.com/metapatch/metapatch

go 1.26
