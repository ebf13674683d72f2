package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
)

// The character vocabulary of text datasets is fixed, so a model's number of classes
// does not depend on the text. Ids 0 to 94 are the printable ASCII characters ' ' to
// '~' in order, 95 is a tab and 96 a newline. Id 97 is every other byte.
const (
	TextVocab   = 98 // number of character ids, the classes of a text dataset
	TextTab     = 95 // id of '\t'
	TextNewline = 96 // id of '\n'
	TextUnknown = 97 // id of every byte outside the vocabulary
)

// GOROOTPrefix marks a text pattern relative to the Go installation's root directory,
// as in "goroot:src/fmt/*.go".
const GOROOTPrefix = "goroot:"

// TextTestFraction is the share of a text, taken from its end, that LoadText holds
// out as the test set.
const TextTestFraction = 0.1

// CharID returns the vocabulary id of byte c.
func CharID(c byte) int32 {
	switch {
	case c >= ' ' && c <= '~':
		return int32(c - ' ')
	case c == '\t':
		return TextTab
	case c == '\n':
		return TextNewline
	default:
		return TextUnknown
	}
}

// CharOf returns the character of vocabulary id id: '?' for TextUnknown and for an id
// outside [0, TextVocab).
func CharOf(id int32) byte {
	switch {
	case id >= 0 && id < TextTab:
		return byte(id) + ' '
	case id == TextTab:
		return '\t'
	case id == TextNewline:
		return '\n'
	default:
		return '?'
	}
}

// EncodeText returns the vocabulary ids of the bytes of s.
func EncodeText(s string) []int32 {
	ids := make([]int32, len(s))
	for i := range len(s) {
		ids[i] = CharID(s[i])
	}
	return ids
}

// TextWindows returns the next-character samples of ids: sample i has the window
// ids[i:i+window] as its features (ids as float32) and ids[i+window] as its label, so
// a text of n ids gives n-window samples. It returns an error if window < 1 or the
// text has no more than window ids.
func TextWindows(ids []int32, window int) (*Dataset, error) {
	if window < 1 {
		return nil, fmt.Errorf("data: text window %d, want >= 1", window)
	}
	n := len(ids) - window
	if n < 1 {
		return nil, fmt.Errorf("data: text of %d characters is too short for a window of %d", len(ids), window)
	}
	ds := &Dataset{
		X:        make([]float32, n*window),
		Features: window,
		N:        n,
		Labels:   make([]int32, n),
		Classes:  TextVocab,
	}
	for i := range n {
		row := ds.X[i*window : (i+1)*window]
		for j, id := range ids[i : i+window] {
			row[j] = float32(id)
		}
		ds.Labels[i] = ids[i+window]
	}
	return ds, nil
}

// LoadText reads the files that patterns match (TextFiles) and joins them, in the
// order of the patterns and then of the sorted file names. It returns the
// next-character samples of the given window (TextWindows) of two parts of the text:
// the last TextTestFraction of the characters is the test text and the rest the
// training text. The split is deterministic and no window crosses it.
//
// LoadText returns an error if a pattern is malformed or matches no file, if the Go
// root is needed and cannot be found, if a file cannot be read, or if either part of
// the text is not longer than the window.
func LoadText(patterns []string, window int) (train, test *Dataset, err error) {
	if len(patterns) == 0 {
		return nil, nil, errors.New("data: no text files given")
	}
	var text []byte
	for _, pattern := range patterns {
		files, err := TextFiles(pattern)
		if err != nil {
			return nil, nil, err
		}
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				return nil, nil, fmt.Errorf("data: %w", err)
			}
			text = append(text, b...)
		}
	}
	ids := EncodeText(string(text))
	cut := len(ids) - int(float64(len(ids))*TextTestFraction)
	if train, err = TextWindows(ids[:cut], window); err != nil {
		return nil, nil, fmt.Errorf("%w (training part of %s)", err, strings.Join(patterns, ","))
	}
	if test, err = TextWindows(ids[cut:], window); err != nil {
		return nil, nil, fmt.Errorf("%w (test part of %s)", err, strings.Join(patterns, ","))
	}
	return train, test, nil
}

// TextFiles returns the sorted regular files that pattern matches, expanding a leading
// GOROOTPrefix to the Go root directory (GOROOT). It returns an error if the pattern
// is malformed or matches no regular file, or if the Go root cannot be found.
func TextFiles(pattern string) ([]string, error) {
	glob := pattern
	if rest, ok := strings.CutPrefix(pattern, GOROOTPrefix); ok {
		root, err := GOROOT()
		if err != nil {
			return nil, err
		}
		glob = filepath.Join(root, filepath.FromSlash(rest))
	}
	matches, err := filepath.Glob(glob)
	if err != nil {
		return nil, fmt.Errorf("data: text pattern %q: %w", pattern, err)
	}
	var files []string
	for _, name := range matches {
		if info, err := os.Stat(name); err == nil && info.Mode().IsRegular() {
			files = append(files, name)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("data: text pattern %q matches no file (looked for %s)", pattern, glob)
	}
	slices.Sort(files)
	return files, nil
}

// GOROOT returns the root directory of the Go installation: what `go env GOROOT`
// prints, or else the root recorded in this binary when it was built, if that
// directory exists. It returns an error naming both attempts when neither works.
func GOROOT() (string, error) {
	out, err := goOutput("env", "GOROOT")
	root := strings.TrimSpace(string(out))
	if err == nil && root != "" {
		return root, nil
	}
	if err == nil {
		err = errors.New("it printed nothing")
	}
	built := goruntime.GOROOT()
	if built != "" {
		if info, statErr := os.Stat(built); statErr == nil && info.IsDir() {
			return built, nil
		}
	}
	return "", fmt.Errorf("data: cannot find the Go root directory: `go env GOROOT` failed (%v) "+
		"and the directory recorded at build time (%q) does not exist", err, built)
}
