package ir

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Parse reads a graph in the text form that Print writes; docs/ir.md gives the
// grammar. name is the file name that error positions carry.
//
// Parse keeps value IDs, source positions and comments. It rejects text that does
// not follow the grammar, uses a value before its definition, declares a type other
// than the one the Builder infers, or fails any other check of Verify. It then returns
// a nil graph and an ErrorList of every problem found, each as name:line:col: message
// (at most maxParseErrors syntax errors, then a final "too many errors").
func Parse(name string, src []byte) (*Graph, error) {
	p := &parser{file: name, byID: make(map[int]*Value), defLine: make(map[int]int), failed: make(map[int]bool)}
	p.parseLines(string(src))
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	p.check()
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return p.g, nil
}

// maxParseErrors bounds the syntax errors reported before Parse gives up.
const maxParseErrors = 10

// parser reads the text form line by line. A line with an error is skipped, and lines
// that refer to the value it defines fail without a further message.
type parser struct {
	file    string
	lineNo  int
	errs    ErrorList
	g       *Graph
	byID    map[int]*Value
	defLine map[int]int  // the line that defines each ID
	failed  map[int]bool // IDs whose definition had an error

	// Text positions of the header and of each value, output and update, for the
	// errors that Verify's checks find.
	headerPos                      Pos
	valuePos, outputPos, updatePos []Pos
}

// errSkip fails a line that refers to a value whose own line failed. Parse does not
// report it.
var errSkip = &Error{Msg: "skipped"}

func (p *parser) errorf(col int, format string, args ...any) *Error {
	return &Error{Pos: p.pos(col), Msg: fmt.Sprintf(format, args...)}
}

// unexpected reports t where the grammar wants something else.
func (p *parser) unexpected(t token, want string) *Error {
	if t.kind == tokBad {
		return p.errorf(t.col, "%s", t.text)
	}
	return p.errorf(t.col, "expected %s, found %s", want, t.describe())
}

func (p *parser) pos(col int) Pos { return Pos{File: p.file, Line: p.lineNo, Col: col} }

func (p *parser) parseLines(src string) {
	const (
		beforeHeader = iota
		inBody
		afterEnd
	)
	state := beforeHeader
	lines := strings.Split(src, "\n")
	for i, text := range lines {
		p.lineNo = i + 1
		sc := &scanner{line: strings.TrimSuffix(text, "\r")}
		first := sc.next()
		if first.kind == tokEOL || first.kind == tokComment {
			continue
		}

		var err *Error
		switch state {
		case beforeHeader:
			if err = p.parseHeader(sc, first); err != nil {
				p.errs = append(p.errs, err)
				return // without a header the rest cannot be read sensibly
			}
			state = inBody
		case inBody:
			if first.is('}') {
				err = p.expectEOL(sc)
				state = afterEnd
			} else {
				err = p.parseStatement(sc, first)
			}
		case afterEnd:
			err = p.errorf(first.col, "unexpected %s after the end of the graph", first.describe())
		}
		if err != nil && err != errSkip {
			p.errs = append(p.errs, err)
			if len(p.errs) >= maxParseErrors {
				p.errs = append(p.errs, p.errorf(0, "too many errors"))
				return
			}
		}
	}
	switch state {
	case beforeHeader:
		p.errs = append(p.errs, p.errorf(0, `missing graph header "graph NAME maxbatch=N {"`))
	case inBody:
		p.errs = append(p.errs, p.errorf(0, "missing } at the end of the graph"))
	}
}

// parseHeader reads: graph NAME maxbatch=N {
func (p *parser) parseHeader(sc *scanner, first token) *Error {
	if first.kind != tokWord || first.text != "graph" {
		return p.unexpected(first, `graph header "graph NAME maxbatch=N {"`)
	}
	p.headerPos = p.pos(first.col)
	name := sc.next()
	if name.kind != tokWord && name.kind != tokString {
		return p.unexpected(name, "graph name")
	}
	if t := sc.next(); t.kind != tokWord || t.text != "maxbatch" {
		return p.unexpected(t, "maxbatch=N")
	}
	if err := p.expect(sc, '='); err != nil {
		return err
	}
	maxBatch, err := p.parseInt(sc.next(), false)
	if err != nil {
		return err
	}
	if err := p.expect(sc, '{'); err != nil {
		return err
	}
	p.g = &Graph{Name: name.text, MaxBatch: maxBatch}
	return p.expectEOL(sc)
}

func (p *parser) expect(sc *scanner, c byte) *Error {
	if t := sc.next(); !t.is(c) {
		return p.unexpected(t, strconv.Quote(string(c)))
	}
	return nil
}

func (p *parser) expectEOL(sc *scanner) *Error {
	if t := sc.next(); t.kind != tokEOL {
		return p.unexpected(t, "end of line")
	}
	return nil
}

// parseStatement reads a value definition, an output or an update.
func (p *parser) parseStatement(sc *scanner, first token) *Error {
	switch {
	case first.kind == tokRef:
		return p.parseValue(sc, first)
	case first.kind == tokWord && first.text == "output":
		name := sc.next()
		if name.kind != tokString {
			return p.unexpected(name, "quoted output name")
		}
		if err := p.expect(sc, '='); err != nil {
			return err
		}
		v, err := p.lookup(sc.next())
		if err != nil {
			return err
		}
		p.g.Outputs = append(p.g.Outputs, Output{Name: name.text, Value: v})
		p.outputPos = append(p.outputPos, p.pos(first.col))
		return p.expectEOL(sc)
	case first.kind == tokWord && first.text == "update":
		target, err := p.lookup(sc.next())
		if err != nil {
			return err
		}
		if err := p.expect(sc, '='); err != nil {
			return err
		}
		v, err := p.lookup(sc.next())
		if err != nil {
			return err
		}
		p.g.Updates = append(p.g.Updates, Update{Target: target, Value: v})
		p.updatePos = append(p.updatePos, p.pos(first.col))
		return p.expectEOL(sc)
	}
	return p.unexpected(first, "%ID = ..., output, update or }")
}

// maxID bounds the IDs the text form accepts, so that ID+1 cannot overflow.
const maxID = 1<<31 - 1

func (p *parser) refID(t token) (int, *Error) {
	if t.kind != tokRef {
		return 0, p.unexpected(t, "a value reference %ID")
	}
	id, err := strconv.Atoi(t.text)
	if err != nil || id > maxID {
		return 0, p.errorf(t.col, "value ID %s is out of range [0, %d]", t.text, maxID)
	}
	return id, nil
}

// lookup returns the value that t refers to, which must be defined on an earlier line.
func (p *parser) lookup(t token) (*Value, *Error) {
	id, err := p.refID(t)
	if err != nil {
		return nil, err
	}
	if v, ok := p.byID[id]; ok {
		return v, nil
	}
	if p.failed[id] {
		return nil, errSkip
	}
	return nil, p.errorf(t.col, "%%%d is not defined before use", id)
}

// parseValue reads: %ID = op operands attributes : type @pos # comment
func (p *parser) parseValue(sc *scanner, first token) *Error {
	id, err := p.refID(first)
	if err != nil {
		return err
	}
	if line, dup := p.defLine[id]; dup {
		return p.errorf(first.col, "%%%d is already defined on line %d", id, line)
	}
	v := &Value{ID: id}
	if err := p.parseDefinition(sc, v); err != nil {
		p.failed[id] = true
		return err
	}

	// Append directly instead of through AddWithID, whose duplicate check is linear
	// in the graph size: defLine already rejects a repeated ID.
	p.defLine[id] = p.lineNo
	p.byID[id] = v
	p.g.Values = append(p.g.Values, v)
	p.g.nextID = max(p.g.nextID, id+1)
	p.valuePos = append(p.valuePos, p.pos(first.col))
	return nil
}

func (p *parser) parseDefinition(sc *scanner, v *Value) *Error {
	if err := p.expect(sc, '='); err != nil {
		return err
	}
	t := sc.next()
	if t.kind != tokWord {
		return p.unexpected(t, "op name")
	}
	op, ok := LookupOp(t.text)
	if !ok {
		return p.errorf(t.col, "unknown op %q", t.text)
	}
	v.Op = op

	// Operands: %a, %b, ...
	t = sc.next()
	for t.kind == tokRef {
		arg, err := p.lookup(t)
		if err != nil {
			return err
		}
		v.Args = append(v.Args, arg)
		if t = sc.next(); !t.is(',') {
			break
		}
		if t = sc.next(); t.kind != tokRef {
			return p.unexpected(t, "operand after ','")
		}
	}

	var seen attrSet
	for ; !t.is(':'); t = sc.next() {
		if err := p.parseAttr(sc, t, &v.Attrs, &seen); err != nil {
			return err
		}
	}
	if err := p.parseType(sc, v); err != nil {
		return err
	}

	t = sc.next()
	if t.is('@') {
		if err := p.parsePos(sc, &v.Pos); err != nil {
			return err
		}
		t = sc.next()
	}
	if t.kind == tokComment {
		c, err := p.parseComment(t)
		if err != nil {
			return err
		}
		v.Comment = c
		t = sc.next()
	}
	if t.kind != tokEOL {
		return p.unexpected(t, "@position, # comment or end of line")
	}
	return nil
}

// parseType reads dtype[dims] after the ':'.
func (p *parser) parseType(sc *scanner, v *Value) *Error {
	t := sc.next()
	if t.kind != tokWord {
		return p.unexpected(t, "dtype")
	}
	dt, err := ParseDType(t.text)
	if err != nil {
		return p.errorf(t.col, "%v", err)
	}
	if err := p.expect(sc, '['); err != nil {
		return err
	}
	var dims []int
	perr := p.parseList(sc, func(t token) *Error {
		x, err := p.parseInt(t, true)
		if err == nil && x == Batch && len(dims) > 0 {
			err = p.errorf(t.col, "N may only be the first dimension")
		}
		dims = append(dims, x)
		return err
	})
	if perr != nil {
		return perr
	}
	v.DType = dt
	v.Shape = Shape(dims)
	if v.Shape == nil {
		v.Shape = Shape{}
	}
	return nil
}

// parsePos reads file:line:col after the '@'. Each part may be missing, and the file
// may be a bare word or a quoted string.
func (p *parser) parsePos(sc *scanner, pos *Pos) *Error {
	t := sc.peek()
	switch {
	case t.kind == tokWord || t.kind == tokString:
		pos.File = t.text
		sc.next()
	case !t.is(':'):
		return p.unexpected(t, "position file:line:col")
	}
	for _, field := range []*int{&pos.Line, &pos.Col} {
		if !sc.peek().is(':') {
			break
		}
		sc.next()
		t := sc.next()
		if t.kind != tokWord {
			return p.unexpected(t, "line or column number")
		}
		n, err := strconv.Atoi(t.text)
		if err != nil {
			return p.errorf(t.col, "invalid line or column number %q", t.text)
		}
		*field = n
	}
	return nil
}

// parseComment returns the text after '#': a quoted Go string, or the raw text with
// surrounding spaces and tabs removed.
func (p *parser) parseComment(t token) (string, *Error) {
	text := strings.TrimLeft(t.text, " \t")
	col := t.col + 1 + len(t.text) - len(text)
	if !strings.HasPrefix(text, `"`) {
		return strings.TrimRight(text, " \t"), nil
	}
	q, err := strconv.QuotedPrefix(text)
	if err == nil && strings.Trim(text[len(q):], " \t") != "" {
		return "", p.errorf(col+len(q), "unexpected text after the quoted comment")
	}
	s, uerr := strconv.Unquote(q)
	if err != nil || uerr != nil {
		return "", p.errorf(col, "invalid quoted comment")
	}
	return s, nil
}

// parseInt reads an integer word. With batchN set, N stands for Batch, and a
// negative integer is an error: N is the only way to write the batch extent.
func (p *parser) parseInt(t token, batchN bool) (int, *Error) {
	if t.kind != tokWord {
		return 0, p.unexpected(t, "integer")
	}
	if batchN && t.text == "N" {
		return Batch, nil
	}
	n, err := strconv.Atoi(t.text)
	if err != nil {
		return 0, p.errorf(t.col, "invalid integer %q", t.text)
	}
	if batchN && n < 0 {
		return 0, p.errorf(t.col, "invalid extent %q, want a non-negative integer or N", t.text)
	}
	return n, nil
}

// parseIntList reads the rest of [i, j, ...] after the '['.
func (p *parser) parseIntList(sc *scanner, batchN bool) ([]int, *Error) {
	var xs []int
	err := p.parseList(sc, func(t token) *Error {
		x, err := p.parseInt(t, batchN)
		xs = append(xs, x)
		return err
	})
	return xs, err
}

// parseFloatList reads the rest of [x, y, ...] after the '['.
func (p *parser) parseFloatList(sc *scanner) ([]float64, *Error) {
	var xs []float64
	err := p.parseList(sc, func(t token) *Error {
		x, err := p.parseFloat(t)
		xs = append(xs, x)
		return err
	})
	return xs, err
}

func (p *parser) parseList(sc *scanner, elem func(token) *Error) *Error {
	if sc.peek().is(']') {
		sc.next()
		return nil
	}
	for {
		if err := elem(sc.next()); err != nil {
			return err
		}
		switch t := sc.next(); {
		case t.is(']'):
			return nil
		case !t.is(','):
			return p.unexpected(t, "',' or ']'")
		}
	}
}

func (p *parser) parseFloat(t token) (float64, *Error) {
	if t.kind != tokWord {
		return 0, p.unexpected(t, "number")
	}
	x, err := strconv.ParseFloat(t.text, 64)
	if err != nil {
		return 0, p.errorf(t.col, "invalid number %q", t.text)
	}
	return x, nil
}

// check runs Verify's checks on the parsed graph and reports each problem at the
// line of the value, output or update at fault.
func (p *parser) check() {
	c := newChecker(p.g)
	c.run()
	for _, pr := range c.problems {
		var pos Pos
		switch pr.site {
		case siteValue:
			pos = p.valuePos[pr.index]
		case siteOutput:
			pos = p.outputPos[pr.index]
		case siteUpdate:
			pos = p.updatePos[pr.index]
		default:
			pos = p.headerPos
		}
		p.errs = append(p.errs, &Error{Pos: pos, Msg: c.describe(pr) + ": " + pr.msg})
	}
	slices.SortStableFunc(p.errs, func(a, b *Error) int { return a.Pos.Line - b.Pos.Line })
}
