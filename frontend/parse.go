package frontend

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/nncc/nncc/ir"
)

// maxFileSize is the largest model file ParseFile reads, 16 MiB. Model files are a
// few kilobytes; the limit turns a wrong path such as /dev/zero into an error
// instead of a read that never ends. It is a variable for tests.
var maxFileSize = 16 << 20

// ParseFile reads and parses the model file at path; see Parse. Errors name the
// file by path as given. Reading the file can fail with an *fs.PathError, which
// is also the error for a file larger than 16 MiB.
func ParseFile(path string) (*ir.Module, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, int64(maxFileSize)+1))
	if err != nil {
		return nil, err
	}
	if len(src) > maxFileSize {
		return nil, &fs.PathError{Op: "read", Path: path,
			Err: fmt.Errorf("file is larger than %d bytes, the limit for model files", maxFileSize)}
	}
	return Parse(path, src)
}

// Parse builds the module described by the model-file source src. The filename is
// used in error positions and as the module's File, and relative data paths in the
// train block are resolved against its directory.
//
// Every mistake in the file is reported, not only the first: the error is an
// ir.ErrorList sorted by position, each entry printing as file:line:col: message.
// Syntax errors (at most one per line) are reported alone; otherwise all errors in
// the model's meaning are reported together.
func Parse(filename string, src []byte) (*ir.Module, error) {
	m := newModel()
	m.At(ir.Pos{File: filename, Line: 1, Col: 1})
	m.SetFile(filename)

	toks := lex(filename, src, &m.b.Errs)
	stmts := parse(toks, &m.b.Errs)
	if m.hasErrors() {
		return nil, m.sortedErrors()
	}
	e := &evaluator{
		m:        m,
		src:      src,
		dir:      filepath.Dir(filename),
		env:      map[string]*ir.Value{},
		declared: map[string]ir.Pos{},
		unknown:  map[string]bool{},
	}
	return e.run(stmts, toks[len(toks)-1].pos)
}
