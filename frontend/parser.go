package frontend

import (
	"math"
	"strconv"

	"github.com/nncc/nncc/ir"
)

// maxNesting bounds the nesting of expressions, so that deeply nested input cannot
// exhaust the stack.
const maxNesting = 100

// keywords start statements and cannot be assigned to.
var keywords = []string{"model", "dtype", "input", "labels", "output", "loss", "optimizer", "train", "saliency", "metrics"}

// parser builds the syntax tree of a model file. It reports at most one syntax
// error per line and resumes at the next line.
type parser struct {
	toks    []token
	i       int
	nesting int // open parentheses and brackets; newlines inside them are skipped
	depth   int // expression recursion depth
	errs    *ir.ErrorList
	errLine map[int]bool // lines with an error, to report one per line
}

// errSyntax unwinds the parse of one statement after a syntax error.
type errSyntax struct{}

// parse returns the statements of the token list; it records syntax errors in errs
// and leaves out the statements they occur in. Lines that already have an error in
// errs (from the lexer) get no further one.
func parse(toks []token, errs *ir.ErrorList) []stmt {
	p := &parser{toks: toks, errs: errs, errLine: map[int]bool{}}
	for _, e := range *errs {
		p.errLine[e.Pos.Line] = true
	}
	var stmts []stmt
	for {
		p.skipNewlines()
		if p.tok().kind == tEOF {
			return stmts
		}
		if s := p.statementOrSkip(); s != nil {
			stmts = append(stmts, s)
		}
	}
}

// statementOrSkip parses one statement; after a syntax error it skips to the next
// line and returns nil.
func (p *parser) statementOrSkip() (s stmt) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(errSyntax); !ok {
				panic(r)
			}
			s = nil
			p.nesting, p.depth = 0, 0
			for k := p.tok().kind; k != tNewline && k != tEOF; k = p.tok().kind {
				p.i++
			}
		}
	}()
	s = p.statement()
	if k := p.tok().kind; k != tNewline && k != tEOF {
		p.fail(p.tok(), "expected end of line, found %s", p.tok().describe())
	}
	return s
}

// tok returns the current token, skipping newlines inside parentheses and brackets.
func (p *parser) tok() token {
	for p.nesting > 0 && p.toks[p.i].kind == tNewline {
		p.i++
	}
	return p.toks[p.i]
}

// peek returns the token after the current one.
func (p *parser) peek() token {
	if p.toks[p.i].kind == tEOF {
		return p.toks[p.i]
	}
	return p.toks[p.i+1]
}

func (p *parser) advance() token {
	t := p.tok()
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) skipNewlines() {
	for p.toks[p.i].kind == tNewline {
		p.i++
	}
}

func (p *parser) fail(at token, format string, args ...any) {
	if !p.errLine[at.pos.Line] {
		p.errs.Add(at.pos, format, args...)
		p.errLine[at.pos.Line] = true
	}
	panic(errSyntax{})
}

func (p *parser) expect(k tokKind, want string) token {
	t := p.tok()
	if t.kind != k {
		p.fail(t, "expected %s, found %s", want, t.describe())
	}
	return p.advance()
}

func (p *parser) statement() stmt {
	t := p.tok()
	if t.kind != tIdent {
		p.fail(t, "expected a statement, found %s", t.describe())
	}
	isKeyword := false
	for _, k := range keywords {
		isKeyword = isKeyword || t.text == k
	}
	if p.peek().kind == tAssign {
		if isKeyword || t.text == "true" || t.text == "false" {
			p.fail(t, "cannot assign to %s: it is a reserved word", t.text)
		}
		p.advance()
		p.advance()
		return &assignStmt{name: t, value: p.expr()}
	}
	switch t.text {
	case "model", "dtype", "saliency":
		p.advance()
		return &keywordStmt{kw: t, name: p.expect(tIdent, t.text+" name")}
	case "input", "labels":
		p.advance()
		name := p.expect(tIdent, t.text+" name")
		p.expect(tColon, "':' and a type")
		return &declStmt{kw: t, name: name, typ: p.typ()}
	case "output", "loss", "optimizer":
		p.advance()
		return &exprStmt{kw: t, value: p.expr()}
	case "train":
		p.advance()
		return p.train(t)
	case "metrics":
		p.advance()
		return p.metricsList(t)
	}
	p.fail(t, "expected a statement (an assignment or a line starting with %s), found %s%s",
		oneOf(keywords), t.describe(), didYouMean(t.text, keywords))
	return nil
}

// typ parses DTYPE[DIMS], [DIMS] or classes(N).
func (p *parser) typ() *typeExpr {
	t := p.tok()
	te := &typeExpr{pos: t.pos}
	if t.kind == tIdent && p.peek().kind == tLParen {
		p.advance()
		te.classes = p.call(t)
		return te
	}
	if t.kind == tIdent {
		p.advance()
		te.dtype = &t
	}
	// Unlike call arguments, dimensions stay on one line.
	p.expect(tLBrack, "a type such as f32[784] or classes(10)")
	for {
		te.dims = append(te.dims, p.expr())
		if p.tok().kind != tComma {
			break
		}
		p.advance()
	}
	p.expect(tRBrack, "',' or ']'")
	return te
}

func (p *parser) train(kw token) stmt {
	s := &trainStmt{kw: kw}
	p.expect(tLBrace, "'{'")
	for {
		p.skipNewlines()
		if p.tok().kind == tRBrace {
			p.advance()
			return s
		}
		name := p.expect(tIdent, "a train setting or '}'")
		p.expect(tAssign, "'='")
		s.settings = append(s.settings, setting{name: name, value: p.expr()})
		if k := p.tok().kind; k != tNewline && k != tRBrace {
			p.fail(p.tok(), "expected end of line or '}', found %s", p.tok().describe())
		}
	}
}

// expr parses a sum: term {("+"|"-") term}.
func (p *parser) expr() expr {
	p.enter()
	defer p.leave()
	x := p.term()
	for k := p.tok().kind; k == tPlus || k == tMinus; k = p.tok().kind {
		op := p.advance()
		x = &binaryExpr{op: op, x: x, y: p.term()}
	}
	return x
}

// term parses a product: unary {("*"|"/") unary}.
func (p *parser) term() expr {
	x := p.unary()
	for k := p.tok().kind; k == tStar || k == tSlash; k = p.tok().kind {
		op := p.advance()
		x = &binaryExpr{op: op, x: x, y: p.unary()}
	}
	return x
}

func (p *parser) unary() expr {
	if t := p.tok(); t.kind == tMinus {
		p.enter()
		defer p.leave()
		p.advance()
		return &unaryExpr{op: t, x: p.unary()}
	}
	return p.primary()
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxNesting {
		p.fail(p.tok(), "expression nested more than %d deep", maxNesting)
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) primary() expr {
	t := p.tok()
	switch t.kind {
	case tNumber:
		p.advance()
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(v, 0) {
			p.fail(t, "number %s is out of range", t.text)
		}
		return &numberLit{tok: t, value: v}
	case tString:
		p.advance()
		return &stringLit{tok: t}
	case tIdent:
		p.advance()
		if p.tok().kind == tLParen {
			return p.call(t)
		}
		return &identExpr{tok: t}
	case tLParen:
		p.advance()
		p.nesting++
		x := p.expr()
		p.nesting--
		end := p.expect(tRParen, "')'")
		return &parenExpr{lparen: t, x: x, end: end.end}
	case tLBrack:
		return p.list()
	}
	p.fail(t, "expected an expression, found %s", t.describe())
	return nil
}

// call parses the argument list of fn, starting at '('.
func (p *parser) call(fn token) *callExpr {
	c := &callExpr{fn: fn}
	p.expect(tLParen, "'('")
	p.nesting++
	for p.tok().kind != tRParen {
		var a arg
		if t := p.tok(); t.kind == tIdent && p.peekSkipping().kind == tAssign {
			p.advance()
			p.advance()
			a.name = &t
		}
		a.value = p.expr()
		c.args = append(c.args, a)
		if p.tok().kind != tComma {
			break
		}
		p.advance()
	}
	p.nesting--
	c.end = p.expect(tRParen, "',' or ')'").end
	return c
}

// peekSkipping is peek inside parentheses: the next token that is not a newline.
func (p *parser) peekSkipping() token {
	j := p.i + 1
	for j < len(p.toks)-1 && p.toks[j].kind == tNewline {
		j++
	}
	return p.toks[min(j, len(p.toks)-1)]
}
