// Package cli is the command-line driver of the standalone model binaries that
// `nncc build` generates. The generated main function adapts the model package to the
// Model interface and calls
//
//	os.Exit(cli.Main(os.Args[1:], adapter{model.New()}, cli.Config{...}, os.Stdout, os.Stderr))
//
// with the data and training defaults of the model file in Config.
//
// The binary's commands are:
//
//	train    train, printing one line per epoch on stdout, progress on stderr and a JSON
//	         summary last; --save writes a safetensors checkpoint atomically
//	eval     evaluate on the test set
//	predict  print the outputs for each row of a CSV file or of standard input
//	info     print the model's shapes and defaults
//
// Exit status is 0 on success, 2 for invalid flags or unreadable data or checkpoints,
// and 1 for internal failures, including a panic in the model.
package cli
