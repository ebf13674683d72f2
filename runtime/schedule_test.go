package runtime

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScheduledLRMatchesPyTorch compares ScheduledLR with the learning rates that
// PyTorch's schedulers produced epoch by epoch, recorded by
// testdata/torch/optimizers.py.
func TestScheduledLRMatchesPyTorch(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "torch", "optimizers_schedules.safetensors"))
	require.NoError(t, err)
	defer f.Close()
	tensors, meta, err := LoadTensors(f)
	require.NoError(t, err)
	base, err := strconv.ParseFloat(meta["base_lr"], 64)
	require.NoError(t, err)
	kinds := map[string]ScheduleKind{"constant": ScheduleConstant, "step": ScheduleStep, "cosine": ScheduleCosine}

	require.Len(t, tensors, 5)
	for _, tensor := range tensors {
		t.Run(tensor.Name, func(t *testing.T) {
			var c struct {
				Kind        string
				StepSize    int     `json:"step_size"`
				Gamma       float64 `json:"gamma"`
				TMax        int     `json:"t_max"`
				EtaMin      float64 `json:"eta_min"`
				Warmup      int     `json:"warmup"`
				WarmupStart float64 `json:"warmup_start"`
			}
			require.NoError(t, json.Unmarshal([]byte(meta[tensor.Name]), &c))
			kind, ok := kinds[c.Kind]
			require.True(t, ok, "kind %q", c.Kind)
			s := LRSchedule{Kind: kind, StepSize: c.StepSize, Gamma: c.Gamma, TMax: c.TMax, EtaMin: c.EtaMin,
				Warmup: c.Warmup, WarmupStart: c.WarmupStart}
			require.False(t, s.Constant())
			require.Len(t, tensor.F64, 12)
			for epoch, want := range tensor.F64 {
				got := ScheduledLR(s, base, epoch)
				assert.InDelta(t, want, got, 1e-15*base, "epoch %d", epoch)
			}
		})
	}
}

func TestScheduledLRConstantAndPanics(t *testing.T) {
	var s LRSchedule
	assert.True(t, s.Constant())
	for epoch := range 5 {
		assert.Equal(t, 0.25, ScheduledLR(s, 0.25, epoch))
	}
	assert.Panics(t, func() { ScheduledLR(s, 0.1, -1) })
	assert.Panics(t, func() { ScheduledLR(LRSchedule{Kind: ScheduleStep}, 0.1, 1) })
	assert.Panics(t, func() { ScheduledLR(LRSchedule{Kind: ScheduleCosine}, 0.1, 1) })
	assert.Panics(t, func() { ScheduledLR(LRSchedule{Kind: ScheduleCosine + 1}, 0.1, 1) })
}
