package runtime

import "math"

// ScheduleKind names a learning-rate schedule; its values match the model
// language's schedule names in order.
type ScheduleKind uint8

// The schedules.
const (
	ScheduleConstant ScheduleKind = iota // the base rate, after any warm-up
	ScheduleStep                         // torch.optim.lr_scheduler.StepLR
	ScheduleCosine                       // torch.optim.lr_scheduler.CosineAnnealingLR
)

// LRSchedule is a learning-rate schedule over epochs, relative to a base rate. It
// follows PyTorch 1.13's schedulers stepped once per epoch, after the epoch's
// training (scheduler.step() at the end of each epoch):
//
//   - ScheduleStep: StepLR(step_size=StepSize, gamma=Gamma);
//   - ScheduleCosine: CosineAnnealingLR(T_max=TMax, eta_min=EtaMin), which rises
//     again after TMax epochs as PyTorch's does;
//   - Warmup > 0 with ScheduleConstant: LinearLR(start_factor=WarmupStart,
//     total_iters=Warmup);
//   - Warmup > 0 otherwise: SequentialLR of that LinearLR and the schedule of Kind
//     with milestones=[Warmup], so the schedule of Kind starts at the base rate in
//     epoch Warmup.
//
// The zero LRSchedule keeps the base rate.
type LRSchedule struct {
	Kind        ScheduleKind
	StepSize    int     // ScheduleStep: epochs between decays, at least 1
	Gamma       float64 // ScheduleStep: factor of each decay
	TMax        int     // ScheduleCosine: epochs from the base rate to EtaMin, at least 1
	EtaMin      float64 // ScheduleCosine: the lowest rate
	Warmup      int     // epochs of linear warm-up; 0 for none
	WarmupStart float64 // factor of the base rate in epoch 0 of the warm-up, in (0, 1]
}

// Constant reports whether s keeps the base rate in every epoch.
func (s LRSchedule) Constant() bool { return s.Kind == ScheduleConstant && s.Warmup <= 0 }

// ScheduledLR returns the learning rate of epoch (counting from 0) under s with
// the base rate base. It repeats PyTorch's recursive updates epoch by epoch, so
// that the rates agree to rounding; the cost grows linearly with epoch. It panics
// on a negative epoch, a StepSize or TMax below 1 where the kind needs it, or an
// unknown kind.
func ScheduledLR(s LRSchedule, base float64, epoch int) float64 {
	if epoch < 0 {
		panic("runtime: ScheduledLR: negative epoch")
	}
	switch {
	case s.Kind > ScheduleCosine:
		panic("runtime: ScheduledLR: unknown schedule kind")
	case s.Kind == ScheduleStep && s.StepSize < 1:
		panic("runtime: ScheduledLR: step schedule with StepSize below 1")
	case s.Kind == ScheduleCosine && s.TMax < 1:
		panic("runtime: ScheduledLR: cosine schedule with TMax below 1")
	}
	if s.Warmup <= 0 {
		return mainLR(s, base, epoch)
	}
	if s.Kind == ScheduleConstant || epoch < s.Warmup {
		lr := base * s.WarmupStart
		for e := 1; e <= epoch; e++ {
			lr = linearStep(s, lr, e)
		}
		return lr
	}
	return mainLR(s, base, epoch-s.Warmup)
}

// linearStep returns LinearLR's rate of epoch e > 0 from the rate lr of epoch e-1,
// with end_factor 1.
func linearStep(s LRSchedule, lr float64, e int) float64 {
	if e > s.Warmup {
		return lr
	}
	d := 1 - s.WarmupStart
	return lr * (1 + d/(float64(s.Warmup)*s.WarmupStart+float64(e-1)*d))
}

// mainLR returns the rate of epoch e of the schedule of s.Kind started at base in
// epoch 0. Epoch 0 uses the closed form, as SequentialLR's restart at the milestone
// does; it equals base up to rounding.
func mainLR(s LRSchedule, base float64, e int) float64 {
	switch s.Kind {
	case ScheduleStep:
		lr := base
		for k := 1; k <= e; k++ {
			if k%s.StepSize == 0 {
				lr *= s.Gamma
			}
		}
		return lr
	case ScheduleCosine:
		lr := base
		if s.Warmup > 0 {
			lr = s.EtaMin + (base-s.EtaMin)*(1+math.Cos(0))/2
		}
		t := float64(s.TMax)
		for k := 1; k <= e; k++ {
			if floorMod(k-1-s.TMax, 2*s.TMax) == 0 {
				lr += (base - s.EtaMin) * (1 - math.Cos(math.Pi/t)) / 2
			} else {
				lr = (1+math.Cos(math.Pi*float64(k)/t))/(1+math.Cos(math.Pi*float64(k-1)/t))*(lr-s.EtaMin) + s.EtaMin
			}
		}
		return lr
	}
	return base
}

// floorMod returns a mod m with the sign of m, as Python's % does.
func floorMod(a, m int) int {
	r := a % m
	if r != 0 && (r < 0) != (m < 0) {
		r += m
	}
	return r
}
