package frontend

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/nncc/nncc/ir"
)

// tokKind is the kind of a model-file token.
type tokKind uint8

const (
	tEOF tokKind = iota
	tNewline
	tIdent
	tNumber
	tString
	tLParen
	tRParen
	tLBrack
	tRBrack
	tLBrace
	tRBrace
	tComma
	tColon
	tAssign
	tPlus
	tMinus
	tStar
	tSlash
)

var punct = map[byte]tokKind{
	'(': tLParen, ')': tRParen, '[': tLBrack, ']': tRBrack, '{': tLBrace, '}': tRBrace,
	',': tComma, ':': tColon, '=': tAssign, '+': tPlus, '-': tMinus, '*': tStar, '/': tSlash,
}

// token is one lexical token. For a string, text is the contents between the
// quotes; for every other kind it is the source text.
type token struct {
	kind     tokKind
	text     string
	off, end int // byte offsets of the token in the source
	pos      ir.Pos
}

// describe returns the token as error messages name it.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tNewline:
		return "end of line"
	case tString:
		return fmt.Sprintf("string %q", t.text)
	case tIdent, tNumber:
		return fmt.Sprintf("%q", t.text)
	}
	return fmt.Sprintf("'%s'", t.text)
}

// lexer splits a model file into tokens. Comments run from # to the end of the
// line. Newlines are tokens: they end statements.
type lexer struct {
	src       []byte
	file      string
	off       int
	line, col int // of src[off]
	errs      *ir.ErrorList
}

// lex returns the tokens of src, ending with tEOF, and records errors for invalid
// characters, numbers and strings.
func lex(file string, src []byte, errs *ir.ErrorList) []token {
	l := &lexer{src: src, file: file, line: 1, col: 1, errs: errs}
	var toks []token
	for {
		t, ok := l.next()
		if !ok {
			continue
		}
		toks = append(toks, t)
		if t.kind == tEOF {
			return toks
		}
	}
}

func (l *lexer) pos() ir.Pos { return ir.Pos{File: l.file, Line: l.line, Col: l.col} }

// advance moves past n bytes on the current line.
func (l *lexer) advance(n int) {
	l.off += n
	l.col += n
}

// next returns the next token, or ok == false after recording an error for input
// that forms no token.
func (l *lexer) next() (t token, ok bool) {
	l.skipSpaceAndComments()
	start, pos := l.off, l.pos()
	tok := func(k tokKind) (token, bool) {
		return token{kind: k, text: string(l.src[start:l.off]), off: start, end: l.off, pos: pos}, true
	}
	if l.off >= len(l.src) {
		return tok(tEOF)
	}

	c := l.src[l.off]
	switch {
	case c == '\n':
		l.off++
		l.line, l.col = l.line+1, 1
		return tok(tNewline)
	case isLetter(c):
		for l.off < len(l.src) && (isLetter(l.src[l.off]) || isDigit(l.src[l.off])) {
			l.advance(1)
		}
		return tok(tIdent)
	case isDigit(c) || c == '.' && l.off+1 < len(l.src) && isDigit(l.src[l.off+1]):
		return l.number(start, pos)
	case c == '"':
		return l.string(start, pos)
	}
	if k, ok := punct[c]; ok {
		l.advance(1)
		return tok(k)
	}

	r, size := utf8.DecodeRune(l.src[l.off:])
	if r != utf8.RuneError || size > 1 {
		l.errs.Add(pos, "invalid character %#U", r)
		l.advance(size)
		return token{}, false
	}
	// Report a run of invalid bytes once.
	l.errs.Add(pos, "invalid UTF-8 encoding")
	for l.off < len(l.src) {
		if r, size := utf8.DecodeRune(l.src[l.off:]); r != utf8.RuneError || size > 1 {
			break
		}
		l.advance(1)
	}
	return token{}, false
}

func (l *lexer) skipSpaceAndComments() {
	for l.off < len(l.src) {
		switch c := l.src[l.off]; {
		case c == ' ' || c == '\t' || c == '\r':
			l.advance(1)
		case c == '#':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance(1)
			}
		default:
			return
		}
	}
}

// number scans digits [. digits] [e [+-] digits]. A letter, digit or dot right
// after it makes the whole run an invalid number.
func (l *lexer) number(start int, pos ir.Pos) (token, bool) {
	digits := func() {
		for l.off < len(l.src) && isDigit(l.src[l.off]) {
			l.advance(1)
		}
	}
	digits()
	if l.off < len(l.src) && l.src[l.off] == '.' {
		l.advance(1)
		digits()
	}
	if l.off < len(l.src) && (l.src[l.off] == 'e' || l.src[l.off] == 'E') {
		l.advance(1)
		if l.off < len(l.src) && (l.src[l.off] == '+' || l.src[l.off] == '-') {
			l.advance(1)
		}
		expStart := l.off
		digits()
		if l.off == expStart {
			return l.badNumber(start, pos)
		}
	}
	if l.off < len(l.src) && (isLetter(l.src[l.off]) || isDigit(l.src[l.off]) || l.src[l.off] == '.') {
		return l.badNumber(start, pos)
	}
	return token{kind: tNumber, text: string(l.src[start:l.off]), off: start, end: l.off, pos: pos}, true
}

func (l *lexer) badNumber(start int, pos ir.Pos) (token, bool) {
	for l.off < len(l.src) && (isLetter(l.src[l.off]) || isDigit(l.src[l.off]) || l.src[l.off] == '.') {
		l.advance(1)
	}
	l.errs.Add(pos, "invalid number %q", l.src[start:l.off])
	return token{}, false
}

// string scans a double-quoted string on one line. There are no escapes; the
// contents must be printable UTF-8 without a double quote.
func (l *lexer) string(start int, pos ir.Pos) (token, bool) {
	l.advance(1)
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == '"':
			l.advance(1)
			text := string(l.src[start+1 : l.off-1])
			return token{kind: tString, text: text, off: start, end: l.off, pos: pos}, true
		case c == '\n':
			l.errs.Add(pos, "string not terminated before the end of the line")
			return token{}, false
		}
		r, size := utf8.DecodeRune(l.src[l.off:])
		bad := ""
		switch {
		case r == utf8.RuneError && size <= 1:
			bad = "invalid UTF-8 encoding in string"
		case !unicode.IsPrint(r):
			bad = fmt.Sprintf("invalid character %#U in string", r)
		}
		if bad != "" {
			l.errs.Add(l.pos(), "%s", bad)
			l.skipLine()
			return token{}, false
		}
		l.advance(size)
	}
	l.errs.Add(pos, "string not terminated before the end of the file")
	return token{}, false
}

// skipLine moves to the newline that ends the current line.
func (l *lexer) skipLine() {
	for l.off < len(l.src) && l.src[l.off] != '\n' {
		l.advance(1)
	}
}
