package main

//go:generate go run github.com/nncc/nncc/cmd/nncc compile model.nnc -o model -pkg model
