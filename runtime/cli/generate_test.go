package cli

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nncc/nncc/runtime"
	"github.com/nncc/nncc/runtime/data"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nextCharModel is a fake language model over windows of 4 character ids. Its logits
// favor the id after the window's last id by margin, and are 0 elsewhere, so its most
// likely text walks through the vocabulary. It records the windows it was given.
type nextCharModel struct {
	*linearModel
	margin  float32
	windows [][]float32
}

func newNextCharModel(margin float32) *nextCharModel {
	return &nextCharModel{linearModel: newClassifier(4, data.TextVocab), margin: margin}
}

func (m *nextCharModel) PredictBatch(x []float32, n int) []float32 {
	out := m.out[:n*data.TextVocab]
	for i := range n {
		window := x[i*4 : (i+1)*4]
		m.windows = append(m.windows, append([]float32(nil), window...))
		row := out[i*data.TextVocab : (i+1)*data.TextVocab]
		clear(row)
		row[(int(window[3])+1)%data.TextVocab] = m.margin
	}
	return out
}

func TestGenerateTemperatureZeroIsArgmax(t *testing.T) {
	m := newNextCharModel(1)
	text, err := generateText(m, m.Info(), generateOptions{prompt: "ab", length: 5, temperature: 0, seed: 1})
	require.NoError(t, err)
	assert.Equal(t, "abcdefg", text)

	// The prompt is padded on the left with newlines, and the window slides over the
	// generated characters.
	require.Len(t, m.windows, 5)
	nl := float32(data.TextNewline)
	id := func(c byte) float32 { return float32(data.CharID(c)) }
	assert.Equal(t, []float32{nl, nl, id('a'), id('b')}, m.windows[0])
	assert.Equal(t, []float32{id('c'), id('d'), id('e'), id('f')}, m.windows[4])
}

func TestGenerateIsDeterministicPerSeed(t *testing.T) {
	gen := func(seed uint64) string {
		m := newNextCharModel(0) // all logits equal: every character is as likely
		text, err := generateText(m, m.Info(), generateOptions{prompt: "x", length: 60, temperature: 1, seed: seed})
		require.NoError(t, err)
		return text
	}
	first := gen(7)
	assert.Len(t, first, 61)
	assert.Equal(t, first, gen(7))
	assert.NotEqual(t, first, gen(8))
}

func TestSampleLogitsFollowsSoftmax(t *testing.T) {
	rng := runtime.NewRNG(3)
	probs := make([]float64, 3)
	// softmax([0, ln 3, -Inf]) = [0.25, 0.75, 0]; at temperature 2 the logits halve,
	// giving [1/(1+√3), √3/(1+√3), 0].
	logits := []float32{0, float32(math.Log(3)), float32(math.Inf(-1))}
	for _, tc := range []struct {
		temperature float64
		want        float64 // probability of index 1
	}{{1, 0.75}, {2, math.Sqrt(3) / (1 + math.Sqrt(3))}} {
		const draws = 20000
		var counts [3]int
		for range draws {
			counts[sampleLogits(logits, tc.temperature, rng, probs)]++
		}
		assert.InDelta(t, tc.want, float64(counts[1])/draws, 0.015, "temperature %g", tc.temperature)
		assert.Zero(t, counts[2], "a -Inf logit was drawn")
	}

	assert.Equal(t, 1, sampleLogits([]float32{2, 5, 5}, 0, rng, probs), "the first highest logit")
	nan := float32(math.NaN())
	assert.Equal(t, 2, sampleLogits([]float32{nan, 1, 3}, 0, rng, probs))
	assert.Equal(t, 2, sampleLogits([]float32{nan, -50, 3}, 1e-3, rng, probs))
	assert.Equal(t, 0, sampleLogits([]float32{nan, nan, nan}, 1, rng, probs))
}

func TestGenerateCommand(t *testing.T) {
	r := runSimple(newNextCharModel(1), Config{}, "generate", "--prompt", "x", "--length", "3", "--temperature", "0")
	require.Equal(t, exitOK, r.status, r.stderr)
	assert.Equal(t, "xyz{\n", r.stdout)

	for _, args := range [][]string{
		{"generate", "--length", "-1"},
		{"generate", "--temperature", "-0.5"},
		{"generate", "--temperature", "NaN"},
		{"generate", "--load", filepath.Join(t.TempDir(), "missing.safetensors")},
	} {
		r := runSimple(newNextCharModel(1), Config{}, args...)
		assert.Equal(t, exitInput, r.status, "%v: %s", args, r.stderr)
	}

	// A model that is not a character-level language model cannot generate.
	r = runSimple(newClassifier(4, 10), Config{}, "generate")
	assert.Equal(t, exitInput, r.status)
	assert.Contains(t, r.stderr, "98 outputs")
}

func TestTrainOnTextPrintsASample(t *testing.T) {
	dir := t.TempDir()
	text := strings.Repeat("func f() {\n\treturn 1\n}\n", 40)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.go"), []byte(text), 0o644))
	cfg := Config{Dataset: "text", TrainFiles: []string{filepath.Join(dir, "*.go")}, SampleLength: 25, Epochs: 2, Seed: 1}

	m := newClassifier(4, data.TextVocab)
	r := runSimple(m, cfg, "train")
	require.Equal(t, exitOK, r.status, r.stderr)
	before, after, ok := strings.Cut(r.stdout, "sample (generate --prompt \"func \" --temperature 0.8 --seed 1):\n")
	require.True(t, ok, "no sample in\n%s", r.stdout)
	assert.Contains(t, before, "epoch 2/2")
	sample, _, _ := strings.Cut(after, "\n{")
	assert.True(t, strings.HasPrefix(sample, "func "), "sample %q", sample)
	assert.Len(t, sample, len("func ")+25)
	s := summaryOf(t, r.stdout)
	assert.Equal(t, float64(len(text)-len(text)/10-4), number(t, s, "train_samples"))

	// --quiet prints only the summary; --test is rejected for text.
	r = runSimple(newClassifier(4, data.TextVocab), cfg, "train", "--quiet")
	require.Equal(t, exitOK, r.status, r.stderr)
	assert.NotContains(t, r.stdout, "sample (")
	r = runSimple(newClassifier(4, data.TextVocab), cfg, "train", "--test", "x.csv")
	assert.Equal(t, exitInput, r.status)
	assert.Contains(t, r.stderr, "--test is not used with text data")

	// --data overrides the patterns; a pattern matching nothing is bad input.
	r = runSimple(newClassifier(4, data.TextVocab), cfg, "train", "--data", filepath.Join(dir, "*.txt"))
	assert.Equal(t, exitInput, r.status)
	assert.Contains(t, r.stderr, "matches no file")
}
