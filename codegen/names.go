package codegen

import (
	"fmt"
	"go/token"
	"strconv"
	"strings"
	"unicode"
)

// identifier returns a Go identifier for the IR name s: the ASCII letters and digits
// of s, with each run of other characters dropped and the letter after it
// capitalized, and the first letter lowercased so the identifier stays unexported.
// It prefixes "t" when the result is empty or starts with a digit. Nothing of s
// other than letters and digits reaches the output, so a name cannot inject code.
func identifier(s string) string {
	var b strings.Builder
	upper := false
	for _, r := range s {
		isLetter := r < unicode.MaxASCII && unicode.IsLetter(r)
		isDigit := r >= '0' && r <= '9'
		if !isLetter && !isDigit {
			upper = b.Len() > 0
			continue
		}
		switch {
		case b.Len() == 0:
			r = unicode.ToLower(r)
		case upper:
			r = unicode.ToUpper(r)
		}
		upper = false
		b.WriteRune(r)
	}
	id := b.String()
	if id == "" || id[0] >= '0' && id[0] <= '9' {
		id = "t" + id
	}
	return id
}

// namer hands out distinct identifiers.
type namer struct {
	taken map[string]bool
}

func newNamer(reserved ...string) *namer {
	n := &namer{taken: make(map[string]bool)}
	for _, r := range reserved {
		n.taken[r] = true
	}
	return n
}

// name returns identifier(s), or that with the smallest suffix "_2", "_3", ... that
// is not a Go keyword and was not handed out or reserved before.
func (n *namer) name(s string) string {
	base := identifier(s)
	id := base
	for k := 2; n.taken[id] || token.IsKeyword(id); k++ {
		id = base + "_" + strconv.Itoa(k)
	}
	n.taken[id] = true
	return id
}

// commentText returns s made safe for a // comment: control characters, line and
// paragraph separators become spaces and "*/" is broken up, so text taken from a
// model file can neither end the comment nor start code.
func commentText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, s)
	return strings.ReplaceAll(s, "*/", "* /")
}

// lineComment returns a jennifer comment argument that renders as one // line. The
// text is cleaned by commentText and given its own "// " prefix, because jennifer
// writes a string that already starts with "//" or "/*" verbatim.
func lineComment(format string, args ...any) string {
	return "// " + commentText(fmt.Sprintf(format, args...))
}
