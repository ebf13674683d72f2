package ir

import "slices"

// parseAttr reads one attribute starting at t into a. A quoted string is the name, a
// [list] is const data, zeros or kind(...) is an init, a flag word sets its flag, and
// keyword=value sets any field. seen collects the fields read so far, so that a
// repeated field is an error.
func (p *parser) parseAttr(sc *scanner, t token, a *Attrs, seen *attrSet) *Error {
	var bit attrSet
	var err *Error
	switch {
	case t.kind == tokString:
		bit = attrName
		a.Name = t.text
	case t.is('['):
		bit = attrData
		a.Data, err = p.parseFloatList(sc)
	case t.kind == tokWord && sc.peek().is('='):
		sc.next()
		return p.parseKeyword(sc, t, a, seen)
	case t.kind == tokWord && (t.text == "zeros" || sc.peek().is('(')):
		bit = attrInit
		a.Init, err = p.parseInit(sc, t)
	case t.kind == tokWord && t.text == "keepdims":
		bit = attrKeepDims
		a.KeepDims = true
	case t.kind == tokWord && t.text == "transA":
		bit = attrTransA
		a.TransA = true
	case t.kind == tokWord && t.text == "transB":
		bit = attrTransB
		a.TransB = true
	case t.kind == tokWord:
		return p.errorf(t.col, "unknown attribute %q", t.text)
	case t.kind == tokRef:
		return p.errorf(t.col, "operand %%%s after the attributes; operands come first", t.text)
	case t.kind == tokEOL:
		return p.errorf(t.col, "missing ': type' at the end of the value")
	default:
		return p.unexpected(t, "attribute or ': type'")
	}
	if err != nil {
		return err
	}
	return p.markSeen(seen, bit, t)
}

func (p *parser) markSeen(seen *attrSet, bit attrSet, t token) *Error {
	if *seen&bit != 0 {
		return p.errorf(t.col, "attribute %s is given twice", bit.keyword())
	}
	*seen |= bit
	return nil
}

// parseKeyword reads the value of keyword=value after the '='.
func (p *parser) parseKeyword(sc *scanner, key token, a *Attrs, seen *attrSet) *Error {
	i := slices.Index(attrKeywords, key.text)
	if i < 0 {
		return p.errorf(key.col, "unknown attribute %q", key.text)
	}
	bit := attrSet(1) << i
	if bit&attrFlags != 0 {
		return p.errorf(key.col, "attribute %s is a flag and takes no value", key.text)
	}

	t := sc.next()
	var err *Error
	switch bit {
	case attrName:
		if t.kind != tokString {
			return p.unexpected(t, "quoted name")
		}
		a.Name = t.text
	case attrInit:
		if t.kind != tokWord {
			return p.unexpected(t, "init")
		}
		a.Init, err = p.parseInit(sc, t)
	case attrAxis, attrDepth, attrGroups:
		n, ierr := p.parseInt(t, false)
		err = ierr
		switch bit {
		case attrAxis:
			a.Axis = n
		case attrDepth:
			a.Depth = n
		default:
			a.Groups = n
		}
	default:
		// The rest are lists.
		if !t.is('[') {
			return p.unexpected(t, "'['")
		}
		switch bit {
		case attrData:
			a.Data, err = p.parseFloatList(sc)
		case attrAxes:
			a.Axes, err = p.parseIntList(sc, false)
		case attrPerm:
			a.Perm, err = p.parseIntList(sc, false)
		case attrStarts:
			a.Starts, err = p.parseIntList(sc, false)
		case attrEnds:
			a.Ends, err = p.parseIntList(sc, true)
		case attrKernel:
			a.Kernel, err = p.parseIntList(sc, false)
		case attrStride:
			a.Stride, err = p.parseIntList(sc, false)
		case attrPadding:
			a.Padding, err = p.parseIntList(sc, false)
		case attrDilation:
			a.Dilation, err = p.parseIntList(sc, false)
		}
	}
	if err != nil {
		return err
	}
	return p.markSeen(seen, bit, key)
}

// parseInit reads zeros, const(value), uniform(lo,hi) or normal(std) starting at the
// word t.
func (p *parser) parseInit(sc *scanner, t token) (Init, *Error) {
	var in Init
	var fields []*float64
	switch t.text {
	case "zeros":
		return in, nil
	case "const":
		in.Kind = InitConst
		fields = []*float64{&in.Value}
	case "uniform":
		in.Kind = InitUniform
		fields = []*float64{&in.Lo, &in.Hi}
	case "normal":
		in.Kind = InitNormal
		fields = []*float64{&in.Std}
	default:
		return in, p.errorf(t.col,
			"unknown init %q, want zeros, const(value), uniform(lo,hi) or normal(std)", t.text)
	}

	if err := p.expect(sc, '('); err != nil {
		return in, err
	}
	for i, f := range fields {
		if i > 0 {
			if err := p.expect(sc, ','); err != nil {
				return in, err
			}
		}
		x, err := p.parseFloat(sc.next())
		if err != nil {
			return in, err
		}
		*f = x
	}
	return in, p.expect(sc, ')')
}
