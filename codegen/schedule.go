package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/nncc/nncc/ir"
)

// scheduleKinds maps the IR's schedule kinds to the runtime's constants.
var scheduleKinds = map[ir.ScheduleKind]string{
	ir.ScheduleConstant: "ScheduleConstant",
	ir.ScheduleStep:     "ScheduleStep",
	ir.ScheduleCosine:   "ScheduleCosine",
}

// scheduleConfig returns the Schedule field of the standalone binary's
// cli.Config, or nothing for the zero schedule, so that models without one
// generate the same source as before schedules existed.
func scheduleConfig(s ir.Schedule) []jen.Code {
	if s == (ir.Schedule{}) {
		return nil
	}
	return []jen.Code{keyValue("Schedule", scheduleValue(s))}
}

// emitSchedule adds the variable Schedule to the model package when the train
// block sets a learning-rate schedule, so that a Go training loop can follow it
// with runtime.ScheduledLR.
func (g *generator) emitSchedule(f *jen.File) {
	s := g.prog.Module.Train.Schedule
	if s == (ir.Schedule{}) {
		return
	}
	f.Line()
	f.Comment("// Schedule is the learning-rate schedule of the model file's train block. A\n" +
		"// training loop follows it by passing, before each epoch e counted from 0,\n" +
		"// runtime.ScheduledLR(Schedule, base, e) to SetLearningRate, with base the rate it\n" +
		"// started with; the rate changes once per epoch, as PyTorch's schedulers do when\n" +
		"// stepped after every epoch.")
	f.Var().Id("Schedule").Op("=").Add(scheduleValue(s))
}

// scheduleValue returns s as a runtime.LRSchedule literal. It panics on a
// schedule kind the runtime lacks.
func scheduleValue(s ir.Schedule) jen.Code {
	kind, ok := scheduleKinds[s.Kind]
	if !ok {
		panic(fmt.Sprintf("codegen: unknown schedule kind %s", s.Kind))
	}
	return jen.Qual(runtimePath, "LRSchedule").Values(
		keyValue("Kind", jen.Qual(runtimePath, kind)),
		keyValue("StepSize", jen.Lit(s.StepSize)),
		keyValue("Gamma", jen.Lit(s.Gamma)),
		keyValue("TMax", jen.Lit(s.TMax)),
		keyValue("EtaMin", jen.Lit(s.EtaMin)),
		keyValue("Warmup", jen.Lit(s.Warmup)),
		keyValue("WarmupStart", jen.Lit(s.WarmupStart)),
	)
}
