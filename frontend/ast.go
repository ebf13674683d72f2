package frontend

import "github.com/nncc/nncc/ir"

// The syntax tree of a model file. Statements and expressions keep their tokens so
// that errors can name the source text.

// stmt is a statement: one line, or a train block.
type stmt interface{ start() token }

// expr is an expression; span returns its byte offsets in the source.
type expr interface {
	first() token
	span() (start, end int)
}

type (
	// keywordStmt is "model NAME" or "dtype NAME".
	keywordStmt struct {
		kw   token
		name token
	}
	// declStmt is "input NAME: TYPE" or "labels NAME: TYPE".
	declStmt struct {
		kw   token
		name token
		typ  *typeExpr
	}
	// assignStmt is "NAME = EXPR".
	assignStmt struct {
		name  token
		value expr
	}
	// exprStmt is "output EXPR", "loss CALL" or "optimizer CALL".
	exprStmt struct {
		kw    token
		value expr
	}
	// trainStmt is "train { NAME = EXPR ... }".
	trainStmt struct {
		kw       token
		settings []setting
	}
)

type setting struct {
	name  token
	value expr
}

// typeExpr is DTYPE[DIMS], [DIMS] (the model's dtype) or classes(N).
type typeExpr struct {
	pos     ir.Pos
	dtype   *token // nil when left out
	dims    []expr
	classes *callExpr // classes(N); dims and dtype are unset
}

func (s *keywordStmt) start() token { return s.kw }
func (s *declStmt) start() token    { return s.kw }
func (s *assignStmt) start() token  { return s.name }
func (s *exprStmt) start() token    { return s.kw }
func (s *trainStmt) start() token   { return s.kw }

type (
	numberLit struct {
		tok   token
		value float64
	}
	stringLit struct{ tok token }
	identExpr struct{ tok token }
	unaryExpr struct {
		op token
		x  expr
	}
	binaryExpr struct {
		op   token
		x, y expr
	}
	parenExpr struct {
		lparen token
		x      expr
		end    int
	}
	callExpr struct {
		fn   token
		args []arg
		end  int
	}
)

// arg is a call argument, with name set for a keyword argument.
type arg struct {
	name  *token
	value expr
}

func (e *numberLit) first() token  { return e.tok }
func (e *stringLit) first() token  { return e.tok }
func (e *identExpr) first() token  { return e.tok }
func (e *unaryExpr) first() token  { return e.op }
func (e *binaryExpr) first() token { return e.x.first() }
func (e *parenExpr) first() token  { return e.lparen }
func (e *callExpr) first() token   { return e.fn }

func (e *numberLit) span() (int, int) { return e.tok.off, e.tok.end }
func (e *stringLit) span() (int, int) { return e.tok.off, e.tok.end }
func (e *identExpr) span() (int, int) { return e.tok.off, e.tok.end }
func (e *unaryExpr) span() (int, int) { _, end := e.x.span(); return e.op.off, end }
func (e *binaryExpr) span() (int, int) {
	start, _ := e.x.span()
	_, end := e.y.span()
	return start, end
}
func (e *parenExpr) span() (int, int) { return e.lparen.off, e.end }
func (e *callExpr) span() (int, int)  { return e.fn.off, e.end }

// isInt reports whether a number literal is written as an integer.
func (e *numberLit) isInt() bool {
	for i := 0; i < len(e.tok.text); i++ {
		if !isDigit(e.tok.text[i]) {
			return false
		}
	}
	return true
}
