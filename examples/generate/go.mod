module example.com/generate

go 1.26

require github.com/nncc/nncc v0.0.0

require (
	github.com/dave/jennifer v1.7.1 // indirect
	golang.org/x/mod v0.38.0 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/tools v0.48.0 // indirect
)

replace github.com/nncc/nncc => ../..

tool github.com/nncc/nncc/cmd/nncc
