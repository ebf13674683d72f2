package frontend

import (
	gotoken "go/token"
	"strings"
)

// Names from a model file become identifiers and string literals in generated Go
// code, so they are restricted to ASCII identifiers.

// IsIdent reports whether s matches [A-Za-z_][A-Za-z0-9_]*.
func IsIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !(i > 0 && isDigit(c)) {
			return false
		}
	}
	return true
}

// IsParamName reports whether s is a dot-separated sequence of identifiers, such as
// "fc1" or "encoder.fc1": the names layers and parameters may have.
func IsParamName(s string) bool {
	for part := range strings.SplitSeq(s, ".") {
		if !IsIdent(part) {
			return false
		}
	}
	return true
}

// checkModelName returns the package-safe form of a model name (lower-cased), or the
// reason the name cannot be used.
func checkModelName(name string) (string, string) {
	if !IsIdent(name) {
		return "", "want letters, digits and underscores, not starting with a digit"
	}
	lower := strings.ToLower(name)
	switch {
	case lower == "_":
		return "", "the blank identifier cannot name a Go package"
	case gotoken.IsKeyword(lower):
		return "", "a Go keyword cannot name a Go package"
	}
	return lower, ""
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// maxHintLen is the longest name closest compares. The edit distance costs time in
// the product of the two lengths, and a typo hint helps only with names a person
// typed.
const maxHintLen = 64

// closest returns the candidate nearest to s by edit distance when it is close
// enough to be a likely typo, or "". Names longer than maxHintLen are not compared.
func closest(s string, candidates []string) string {
	if len(s) > maxHintLen {
		return ""
	}
	best, bestDist := "", len(s)/2+1
	for _, c := range candidates {
		// The distance is at least the difference in length.
		if len(c) > maxHintLen || max(len(c)-len(s), len(s)-len(c)) >= bestDist {
			continue
		}
		if d := editDistance(s, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// oneOf formats names as "a, b or c".
func oneOf(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// didYouMean returns " (did you mean X?)" for the closest candidate, or "".
func didYouMean(s string, candidates []string) string {
	if c := closest(s, candidates); c != "" {
		return " (did you mean " + c + "?)"
	}
	return ""
}

// editDistance returns the Levenshtein distance between a and b in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
