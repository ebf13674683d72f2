package data

import (
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCharIDVocabulary(t *testing.T) {
	assert.Equal(t, int32(0), CharID(' '))
	assert.Equal(t, int32('A'-' '), CharID('A'))
	assert.Equal(t, int32(94), CharID('~'))
	assert.Equal(t, int32(TextTab), CharID('\t'))
	assert.Equal(t, int32(TextNewline), CharID('\n'))
	for _, c := range []byte{0, '\r', 0x7f, 0x80, 0xff} {
		assert.Equal(t, int32(TextUnknown), CharID(c), "byte %#x", c)
	}

	// Every id but the unknown one maps back to its character, and the ids cover
	// [0, TextVocab) exactly once.
	seen := map[int32]bool{}
	for c := range 256 {
		id := CharID(byte(c))
		require.True(t, id >= 0 && id < TextVocab, "byte %#x has id %d", c, id)
		if id != TextUnknown {
			assert.Equal(t, byte(c), CharOf(id))
		}
		seen[id] = true
	}
	assert.Len(t, seen, TextVocab)
	assert.Equal(t, byte('?'), CharOf(TextUnknown))
	assert.Equal(t, byte('?'), CharOf(-1))
	assert.Equal(t, byte('?'), CharOf(TextVocab))
}

func TestEncodeText(t *testing.T) {
	assert.Equal(t, []int32{'f' - ' ', 0, TextTab, TextNewline, TextUnknown}, EncodeText("f \t\n\xe2"))
}

func TestTextWindowsAlignsLabels(t *testing.T) {
	ids := []int32{10, 11, 12, 13, 14}
	ds, err := TextWindows(ids, 3)
	require.NoError(t, err)
	require.NoError(t, ds.Validate())
	assert.Equal(t, 2, ds.N)
	assert.Equal(t, 3, ds.Features)
	assert.Equal(t, TextVocab, ds.Classes)
	assert.Equal(t, []float32{10, 11, 12, 11, 12, 13}, ds.X)
	assert.Equal(t, []int32{13, 14}, ds.Labels)

	_, err = TextWindows(ids, 5)
	assert.ErrorContains(t, err, "too short")
	_, err = TextWindows(ids, 0)
	assert.ErrorContains(t, err, "window 0")
}

func TestLoadTextSplitsTheEnd(t *testing.T) {
	dir := t.TempDir()
	// 60 + 40 characters: the last 10 (10%) are the test text.
	writeFile(t, dir, "b.go", []byte(strings.Repeat("x", 39)+"\n"))
	writeFile(t, dir, "a.go", []byte(strings.Repeat("a", 50)+"0123456789"))
	writeFile(t, dir, "c.txt", []byte("not matched"))

	train, test, err := LoadText([]string{filepath.Join(dir, "*.go")}, 4)
	require.NoError(t, err)
	// Files are read in sorted order, so the text ends with b.go.
	assert.Equal(t, 90-4, train.N)
	assert.Equal(t, 10-4, test.N)
	assert.Equal(t, EncodeText("aaaa"), toIDs(train.X[:4]))
	assert.Equal(t, CharID('a'), train.Labels[0])
	// The last training window ends just before the cut at character 90.
	assert.Equal(t, EncodeText("xxxx"), toIDs(train.X[(train.N-1)*4:]))
	assert.Equal(t, CharID('x'), train.Labels[train.N-1])
	assert.Equal(t, EncodeText("xxxx"), toIDs(test.X[:4]))
	assert.Equal(t, []int32{CharID('x'), CharID('x'), CharID('x'), CharID('x'), CharID('x'), TextNewline}, test.Labels)

	// Patterns are concatenated in the order given.
	first, _, err := LoadText([]string{filepath.Join(dir, "b.go"), filepath.Join(dir, "a.go")}, 4)
	require.NoError(t, err)
	assert.Equal(t, EncodeText("xxxx"), toIDs(first.X[:4]))
}

func TestLoadTextErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "short.go", []byte("package p\n"))

	_, _, err := LoadText(nil, 4)
	assert.ErrorContains(t, err, "no text files")
	_, _, err = LoadText([]string{filepath.Join(dir, "*.c")}, 4)
	assert.ErrorContains(t, err, "matches no file")
	_, _, err = LoadText([]string{filepath.Join(dir, "[")}, 4)
	assert.ErrorContains(t, err, "syntax error in pattern")
	// Ten characters leave one for the test text, too short for any window.
	_, _, err = LoadText([]string{filepath.Join(dir, "short.go")}, 4)
	assert.ErrorContains(t, err, "test part")
}

func TestTextFilesGOROOT(t *testing.T) {
	files, err := TextFiles(GOROOTPrefix + "src/errors/errors.go")
	require.NoError(t, err)
	require.Len(t, files, 1)
	b, err := os.ReadFile(files[0])
	require.NoError(t, err)
	assert.Contains(t, string(b), "package errors")
}

func TestGOROOTFallsBackToTheBuiltRoot(t *testing.T) {
	saved := goCommand
	t.Cleanup(func() { goCommand = saved })
	goCommand = filepath.Join(t.TempDir(), "no-go-here")

	root, err := GOROOT()
	if built := goruntime.GOROOT(); built != "" {
		if _, statErr := os.Stat(built); statErr == nil {
			require.NoError(t, err)
			assert.Equal(t, built, root)
			return
		}
	}
	assert.ErrorContains(t, err, "cannot find the Go root directory")
}

// toIDs converts features back to character ids.
func toIDs(x []float32) []int32 {
	ids := make([]int32, len(x))
	for i, v := range x {
		ids[i] = int32(v)
	}
	return ids
}
