package passes

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nncc/nncc/ir"
)

func TestCheckLRSchedule(t *testing.T) {
	pos := ir.Pos{File: "m.nnc", Line: 1}
	for _, c := range []struct {
		s    ir.Schedule
		want string
	}{
		{ir.Schedule{}, ""},
		{ir.Schedule{Kind: ir.ScheduleStep, StepSize: 2, Gamma: 0.5, Warmup: 1, WarmupStart: 1}, ""},
		{ir.Schedule{Kind: ir.ScheduleCosine, TMax: 3}, ""},
		{ir.Schedule{Kind: ir.ScheduleStep, Gamma: 0.5}, "step schedule: step_size 0, want 1 or more"},
		{ir.Schedule{Kind: ir.ScheduleStep, StepSize: 1, Gamma: math.NaN()}, "step schedule: gamma NaN, want 0 or more"},
		{ir.Schedule{Kind: ir.ScheduleCosine}, "cosine schedule: epochs 0, want 1 or more"},
		{ir.Schedule{Kind: ir.ScheduleCosine, TMax: 1, EtaMin: -1}, "cosine schedule: eta_min -1, want 0 or more"},
		{ir.Schedule{Kind: ir.ScheduleCosine + 1}, "unknown learning-rate schedule schedule?"},
		{ir.Schedule{Warmup: -1}, "warmup -1, want 0 or more"},
		{ir.Schedule{Warmup: 2}, "warmup_start 0, want a number in (0, 1]"},
	} {
		errs := checkLRSchedule(c.s, pos)
		if c.want == "" {
			assert.Empty(t, errs, "%+v", c.s)
			continue
		}
		if assert.Len(t, errs, 1, "%+v", c.s) {
			assert.Contains(t, errs.Error(), c.want)
		}
	}
}
