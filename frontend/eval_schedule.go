package frontend

import (
	"math"

	"github.com/nncc/nncc/ir"
)

// Defaults of the learning-rate schedule settings, as in PyTorch's StepLR (gamma)
// and LinearLR (start_factor).
const (
	DefaultStepGamma   = 0.1
	DefaultWarmupStart = 1.0 / 3
)

// schedule evaluates the train block's "schedule" setting: step(step_size=N,
// gamma=G) or cosine(epochs=N, eta_min=X). It stores the result in s and records
// an error for anything else.
func (e *evaluator) schedule(s *ir.Schedule, x expr) {
	call, ok := x.(*callExpr)
	if !ok || call.fn.text != "step" && call.fn.text != "cosine" {
		e.errorAt(x.first().pos, "train: schedule must be step(step_size=N, gamma=G) or cosine(epochs=N, eta_min=X), got %q",
			e.text(x))
		return
	}
	fn := call.fn.text
	if fn == "step" {
		params := []param{{"step_size", argPosInt, true}, {"gamma", argPosFloat, false}}
		args, ok := e.bind(call, params)
		if !ok {
			return
		}
		size, ok := e.intArg(fn, "step_size", argPosInt, args[0])
		gamma := DefaultStepGamma
		if args[1] != nil {
			var gammaOK bool
			gamma, gammaOK = e.floatArg(fn, "gamma", argPosFloat, args[1])
			ok = ok && gammaOK
		}
		if ok {
			s.Kind, s.StepSize, s.Gamma = ir.ScheduleStep, size, gamma
		}
		return
	}
	params := []param{{"epochs", argPosInt, true}, {"eta_min", argNonNegFloat, false}}
	args, ok := e.bind(call, params)
	if !ok {
		return
	}
	tmax, ok := e.intArg(fn, "epochs", argPosInt, args[0])
	var etaMin float64
	if args[1] != nil {
		var etaOK bool
		etaMin, etaOK = e.floatArg(fn, "eta_min", argNonNegFloat, args[1])
		ok = ok && etaOK
	}
	if ok {
		s.Kind, s.TMax, s.EtaMin = ir.ScheduleCosine, tmax, etaMin
	}
}

// scheduleError returns a message for a schedule outside the ranges PyTorch's
// schedulers accept, or "".
func scheduleError(s ir.Schedule) (string, any) {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	for _, c := range []struct {
		bad    bool
		format string
		v      any
	}{
		{s.Kind > ir.ScheduleCosine, "unknown schedule kind %v", s.Kind},
		{s.Kind == ir.ScheduleStep && s.StepSize < 1, "step_size must be at least 1, got %v", s.StepSize},
		{s.Kind == ir.ScheduleStep && (!(s.Gamma > 0) || !finite(s.Gamma)), "gamma must be positive, got %v", s.Gamma},
		{s.Kind == ir.ScheduleCosine && s.TMax < 1, "cosine epochs must be at least 1, got %v", s.TMax},
		{!(s.EtaMin >= 0) || !finite(s.EtaMin), "eta_min must be non-negative, got %v", s.EtaMin},
		{s.Warmup < 0, "warmup must be non-negative, got %v", s.Warmup},
		{s.Warmup > 0 && !(s.WarmupStart > 0 && s.WarmupStart <= 1), "warmup_start must be in (0, 1], got %v", s.WarmupStart},
	} {
		if c.bad {
			return c.format, c.v
		}
	}
	return "", nil
}
