package ir

import (
	"strconv"
	"strings"
)

// tokenKind classifies a token of the text form.
type tokenKind uint8

const (
	tokEOL     tokenKind = iota // end of the line
	tokWord                     // a run of characters that are not space or punctuation
	tokString                   // a quoted Go string, with the unquoted value as text
	tokRef                      // %ID, with the ID as text
	tokPunct                    // one of = , : [ ] ( ) { } @
	tokComment                  // # to the end of the line, with the text after # as text
	tokBad                      // a malformed token, with the error message as text
)

// punctuation are the characters that end a word and form tokens of their own.
// A '%' starts a reference, a '"' a string and a '#' a comment.
const punctuation = "=,:[](){}@%\"#"

type token struct {
	kind tokenKind
	text string
	col  int // 1-based byte column of the token's first character
}

// is reports whether t is the punctuation character c.
func (t token) is(c byte) bool { return t.kind == tokPunct && t.text[0] == c }

// describe returns t as error messages show it.
func (t token) describe() string {
	switch t.kind {
	case tokEOL:
		return "end of line"
	case tokString:
		return strconv.Quote(t.text)
	case tokRef:
		return "%" + t.text
	case tokComment:
		return "comment"
	}
	return strconv.Quote(t.text)
}

// scanner splits one line of the text form into tokens.
type scanner struct {
	line string
	off  int
}

// next returns the next token, or a tokEOL token at the end of the line.
func (s *scanner) next() token {
	for s.off < len(s.line) && (s.line[s.off] == ' ' || s.line[s.off] == '\t') {
		s.off++
	}
	start := s.off
	col := start + 1
	if start == len(s.line) {
		return token{kind: tokEOL, col: col}
	}

	c := s.line[start]
	switch {
	case c == '#':
		s.off = len(s.line)
		return token{kind: tokComment, text: s.line[start+1:], col: col}
	case c == '"':
		q, err := strconv.QuotedPrefix(s.line[start:])
		if err != nil {
			s.off = len(s.line)
			return token{kind: tokBad, text: "invalid string literal", col: col}
		}
		s.off += len(q)
		text, err := strconv.Unquote(q)
		if err != nil {
			return token{kind: tokBad, text: "invalid string literal", col: col}
		}
		return token{kind: tokString, text: text, col: col}
	case c == '%':
		s.off++
		w := s.word()
		if w == "" || strings.Trim(w, "0123456789") != "" {
			msg := "invalid value reference %" + w + ", want %ID with a decimal ID"
			return token{kind: tokBad, text: msg, col: col}
		}
		return token{kind: tokRef, text: w, col: col}
	case strings.IndexByte(punctuation, c) >= 0:
		s.off++
		return token{kind: tokPunct, text: s.line[start:s.off], col: col}
	}
	return token{kind: tokWord, text: s.word(), col: col}
}

// word consumes and returns the run of word characters at the current offset.
func (s *scanner) word() string {
	start := s.off
	for s.off < len(s.line) {
		c := s.line[s.off]
		if c == ' ' || c == '\t' || strings.IndexByte(punctuation, c) >= 0 {
			break
		}
		s.off++
	}
	return s.line[start:s.off]
}

// peek returns the next token without consuming it.
func (s *scanner) peek() token {
	off := s.off
	t := s.next()
	s.off = off
	return t
}
