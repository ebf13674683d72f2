package frontend

import (
	"math"
	"strconv"

	"github.com/nncc/nncc/ir"
)

// argKind is the kind of value a function argument must be.
type argKind uint8

const (
	argTensor      argKind = iota // any expression giving a value
	argPosInt                     // integer literal >= 1
	argInt                        // integer literal, possibly negative
	argNonNegInt                  // integer literal >= 0, up to 2^64-1
	argPosFloat                   // number > 0
	argNonNegFloat                // number >= 0
	argUnitFloat                  // number in [0, 1)
	argBool                       // true or false
	argString                     // string literal
	argParamName                  // string literal of dot-separated identifiers
)

var argWant = [...]string{
	argTensor:      "a value",
	argPosInt:      "a positive integer",
	argInt:         "an integer",
	argNonNegInt:   "a non-negative integer",
	argPosFloat:    "a positive number",
	argNonNegFloat: "a non-negative number",
	argUnitFloat:   "a number in [0, 1)",
	argBool:        "true or false",
	argString:      "a non-empty string in double quotes",
	argParamName:   "a string of identifiers separated by dots",
}

// param is one parameter of a built-in function.
type param struct {
	name     string
	kind     argKind
	required bool
}

// bind matches the arguments of call to params, Python style: positional arguments
// first, then keyword arguments. It returns the argument expression of each
// parameter (nil if not given) and ok == false after recording errors, in which
// case args holds the arguments that did match.
func (e *evaluator) bind(call *callExpr, params []param) (args []expr, ok bool) {
	fn := call.fn.text
	args = make([]expr, len(params))
	ok = true
	seenKeyword := false
	for i, a := range call.args {
		at := a.value.first().pos
		if a.name == nil {
			switch {
			case seenKeyword:
				e.errorAt(at, "%s: positional argument after keyword arguments", fn)
				ok = false
			case i >= len(params):
				e.errorAt(at, "%s: too many arguments (takes at most %d)", fn, len(params))
				return args, false
			default:
				args[i] = a.value
			}
			continue
		}
		seenKeyword = true
		j := paramIndex(params, a.name.text)
		switch {
		case j < 0:
			e.errorAt(a.name.pos, "%s: unknown argument %q%s", fn, a.name.text, didYouMean(a.name.text, paramNames(params)))
			ok = false
		case args[j] != nil:
			e.errorAt(a.name.pos, "%s: argument %s given twice", fn, a.name.text)
			ok = false
		default:
			args[j] = a.value
		}
	}
	for j, p := range params {
		if p.required && args[j] == nil && ok {
			e.errorAt(call.fn.pos, "%s: missing argument %s", fn, p.name)
			ok = false
		}
	}
	return args, ok
}

// checkTensorArgs evaluates the value arguments of a call whose binding failed, so
// that their own mistakes are reported too.
func (e *evaluator) checkTensorArgs(params []param, args []expr) {
	for i, p := range params {
		if p.kind == argTensor && args[i] != nil {
			e.tensor(args[i])
		}
	}
}

func paramIndex(params []param, name string) int {
	for i, p := range params {
		if p.name == name {
			return i
		}
	}
	return -1
}

func paramNames(params []param) []string {
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.name
	}
	return names
}

// literal returns the number written by x, a number literal or a negated one, and
// whether it is written as an integer.
func literal(x expr) (v float64, isInt, ok bool) {
	switch x := x.(type) {
	case *numberLit:
		return x.value, x.isInt(), true
	case *unaryExpr:
		if n, isNum := x.x.(*numberLit); isNum {
			return -n.value, n.isInt(), true
		}
	case *parenExpr:
		return literal(x.x)
	}
	return 0, false, false
}

// badArg records that argument name of fn must be of kind k, quoting x's source.
func (e *evaluator) badArg(fn, name string, k argKind, x expr) {
	e.errorAt(x.first().pos, "%s: %s must be %s, got %q", fn, name, argWant[k], e.text(x))
}

// intArg returns the integer argument x of kind argPosInt or argInt; integers are
// limited to 32 bits.
func (e *evaluator) intArg(fn, name string, k argKind, x expr) (int, bool) {
	v, isInt, ok := literal(x)
	if ok && isInt && v >= math.MinInt32 && v <= math.MaxInt32 && (k == argInt || v >= 1) {
		return int(v), true
	}
	if ok && isInt && (v > math.MaxInt32 || v < math.MinInt32 && k == argInt) {
		low := int64(math.MinInt32)
		if k == argPosInt {
			low = 1
		}
		e.errorAt(x.first().pos, "%s: %s must be an integer from %d to %d, got %q", fn, name, low, math.MaxInt32, e.text(x))
		return 0, false
	}
	e.badArg(fn, name, k, x)
	return 0, false
}

// uintArg returns the argument x, an integer literal in [0, 2^64).
func (e *evaluator) uintArg(fn, name string, x expr) (uint64, bool) {
	if n, ok := x.(*numberLit); ok && n.isInt() {
		if u, err := strconv.ParseUint(n.tok.text, 10, 64); err == nil {
			return u, true
		}
	}
	e.badArg(fn, name, argNonNegInt, x)
	return 0, false
}

// floatArg returns the number argument x of kind argPosFloat, argNonNegFloat or
// argUnitFloat.
func (e *evaluator) floatArg(fn, name string, k argKind, x expr) (float64, bool) {
	v, _, ok := literal(x)
	switch {
	case !ok:
	case k == argPosFloat && v > 0, k == argNonNegFloat && v >= 0, k == argUnitFloat && v >= 0 && v < 1:
		if r, bad := roundHyper(v, e.m.dtype, k == argPosFloat); bad {
			e.errorAt(x.first().pos, "%s: %s %q rounds to %v in %s, the model's dtype", fn, name, e.text(x), r, e.m.dtype)
			return 0, false
		}
		return v, true
	}
	e.badArg(fn, name, k, x)
	return 0, false
}

// boolArg returns the argument x, which must be true or false.
func (e *evaluator) boolArg(fn, name string, x expr) (bool, bool) {
	if id, ok := x.(*identExpr); ok && (id.tok.text == "true" || id.tok.text == "false") {
		return id.tok.text == "true", true
	}
	e.badArg(fn, name, argBool, x)
	return false, false
}

// stringArg returns the argument x of kind argString or argParamName.
func (e *evaluator) stringArg(fn, name string, k argKind, x expr) (string, bool) {
	s, ok := x.(*stringLit)
	switch {
	case !ok:
	case k == argParamName && !IsParamName(s.tok.text):
	case s.tok.text == "":
	default:
		return s.tok.text, true
	}
	e.badArg(fn, name, k, x)
	return "", false
}

// text returns the source text of x.
func (e *evaluator) text(x expr) string {
	start, end := x.span()
	return string(e.src[start:end])
}

func (e *evaluator) errorAt(pos ir.Pos, format string, args ...any) {
	e.m.b.Errs.Add(pos, format, args...)
}
