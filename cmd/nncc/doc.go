// Command nncc compiles neural-network model files into Go packages and binaries.
//
// Usage:
//
//	nncc compile MODEL -o DIR [-pkg NAME] [--verify-each] [--print-after PASS]
//	nncc check MODEL
//	nncc ir MODEL [--func predict|eval|train] [--print-after PASS]
//	nncc plan MODEL
//	nncc build MODEL [-o BINARY] [--work]
//	nncc train MODEL [--epochs N] [--batch N] [--lr F] [--seed N] [--data PATH]
//	           [--test FILE] [--save CKPT] [--load CKPT] [-- ARGS...]
//	nncc help [COMMAND]
//	nncc version
//
// Flags may come before or after the model path. Mistakes in the model or on the
// command line are printed to stderr as "file:line:col: message" lines where a
// position is known, and nncc exits with status 2. A failure inside the compiler
// exits with status 1. Output files are written under a temporary name and renamed,
// so a failed run leaves no half-written file behind. nncc does not replace a file
// it did not generate. A hand-written model.go in the output directory of compile
// is an error, and so is a file other than an executable at the output of build.
//
// A model whose generated Model would need more than 16 GiB (arenas at the full
// batch, parameters and optimizer state) is rejected as bad input. So is one with
// an arena of more than 2^31-1 elements, and a model file larger than 16 MiB.
//
// "nncc compile" is what a //go:generate line calls: it writes the model package
// into DIR. "nncc build" writes a standalone binary whose subcommands (train, eval,
// predict, info) come from the runtime's cli package. It compiles the generated code
// against an nncc module source tree, looked up in this order:
//
//  1. the directory named by the NNCC_ROOT environment variable;
//  2. the module cache directory of the nncc version this binary was installed from
//     (go install github.com/nncc/nncc/cmd/nncc@VERSION), per its build information;
//  3. the source tree this binary was built from, found through the file paths the
//     Go toolchain records (absent with -trimpath);
//  4. the directory "go list -m github.com/nncc/nncc" reports in the current
//     directory, which works inside the nncc repository and inside any module that
//     requires nncc.
//
// "nncc train" builds the same binary in a temporary directory and runs its train
// subcommand with the given flags, exiting with the binary's status.
package main
