package ir

// ScheduleKind names a learning-rate schedule.
type ScheduleKind uint8

// The schedules. Each changes the rate once per epoch, as PyTorch's schedulers do
// when scheduler.step() is called after every epoch.
const (
	ScheduleConstant ScheduleKind = iota // the base rate throughout
	ScheduleStep                         // torch.optim.lr_scheduler.StepLR
	ScheduleCosine                       // torch.optim.lr_scheduler.CosineAnnealingLR
)

var scheduleNames = [...]string{"constant", "step", "cosine"}

// String returns the schedule's name in the model language.
func (k ScheduleKind) String() string {
	if int(k) < len(scheduleNames) {
		return scheduleNames[k]
	}
	return "schedule?"
}

// Schedule is a learning-rate schedule over epochs, relative to the optimizer's
// LR. With Warmup > 0 the first Warmup epochs follow
// torch.optim.lr_scheduler.LinearLR(start_factor=WarmupStart, total_iters=Warmup)
// and the schedule of Kind starts after them, as SequentialLR with the milestone
// Warmup composes the two.
type Schedule struct {
	Kind        ScheduleKind
	StepSize    int     // step: epochs between decays
	Gamma       float64 // step: factor of each decay
	TMax        int     // cosine: epochs from the base rate down to EtaMin
	EtaMin      float64 // cosine: the lowest rate
	Warmup      int     // epochs of linear warm-up; 0 for none
	WarmupStart float64 // factor of the base rate in the first warm-up epoch, in (0, 1]
}
