package passes

import (
	"math"

	"github.com/nncc/nncc/ir"
)

// checkLRSchedule checks a learning-rate schedule against the ranges PyTorch's
// schedulers accept and runtime.ScheduledLR needs, reporting at pos.
func checkLRSchedule(s ir.Schedule, pos ir.Pos) ir.ErrorList {
	var errs ir.ErrorList
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) || x < 0 }
	switch s.Kind {
	case ir.ScheduleConstant:
	case ir.ScheduleStep:
		if s.StepSize < 1 {
			errs.Add(pos, "step schedule: step_size %d, want 1 or more", s.StepSize)
		}
		if bad(s.Gamma) {
			errs.Add(pos, "step schedule: gamma %g, want 0 or more", s.Gamma)
		}
	case ir.ScheduleCosine:
		if s.TMax < 1 {
			errs.Add(pos, "cosine schedule: epochs %d, want 1 or more", s.TMax)
		}
		if bad(s.EtaMin) {
			errs.Add(pos, "cosine schedule: eta_min %g, want 0 or more", s.EtaMin)
		}
	default:
		errs.Add(pos, "unknown learning-rate schedule %s", s.Kind)
	}
	if s.Warmup < 0 {
		errs.Add(pos, "warmup %d, want 0 or more", s.Warmup)
	}
	if s.Warmup > 0 && !(s.WarmupStart > 0 && s.WarmupStart <= 1) {
		errs.Add(pos, "warmup_start %g, want a number in (0, 1]", s.WarmupStart)
	}
	return errs
}
