package frontend

// listExpr is "[EXPR, ...]": a list of expressions, used for the dimensions of
// reshape. A list is not a value.
type listExpr struct {
	lbrack token
	elems  []expr
	end    int
}

func (e *listExpr) first() token     { return e.lbrack }
func (e *listExpr) span() (int, int) { return e.lbrack.off, e.end }

// list parses "[EXPR {, EXPR}]", starting at '['. Like call arguments, and unlike
// the dimensions of a type, the elements may span lines.
func (p *parser) list() *listExpr {
	l := &listExpr{lbrack: p.advance()}
	p.nesting++
	for p.tok().kind != tRBrack {
		l.elems = append(l.elems, p.expr())
		if p.tok().kind != tComma {
			break
		}
		p.advance()
	}
	p.nesting--
	l.end = p.expect(tRBrack, "',' or ']'").end
	return l
}
