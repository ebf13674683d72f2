package frontend

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWarmupSettingErrors(t *testing.T) {
	const model = `model m
input x: f32[2]
labels y: classes(2)
output dense(x, 2)
loss cross_entropy(dense(x, 2, name="d"), y)
optimizer sgd(lr=0.1)
train {
  batch = 4
  SETTING
}
`
	cases := []struct {
		setting, want string
	}{
		{"warmup = -2", `m.nnc:9:12: train: warmup must be a non-negative number of epochs, got "-2"`},
		{"warmup = 2\n  warmup_start = 1.5", `m.nnc:10:18: train: warmup_start must be in (0, 1], got "1.5"`},
		{"warmup_start = 0.5", `m.nnc:9:3: train: warmup_start has no effect without warmup; set warmup to a number of epochs`},
	}
	for _, c := range cases {
		t.Run(c.setting, func(t *testing.T) {
			_, err := Parse("m.nnc", []byte(strings.Replace(model, "SETTING", c.setting, 1)))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
