package runtime

import "fmt"

// The counter-based generator behind the IR op random_uniform. Its values are a
// pure function of (seed, counter, index), so the reference interpreter and the
// generated code produce the same bits, and a training step can be replayed from
// its step counter alone.

// golden is 2^64 divided by the golden ratio, the SplitMix64 increment.
const golden = 0x9e3779b97f4a7c15

// mix64 is the SplitMix64 finalizer: a bijection of uint64 that spreads every
// input bit over the output.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// RandomKey returns the key of one (seed, counter) stream:
// mix64(uint64(seed) + golden*mix64(uint64(counter)+golden)).
func RandomKey(seed, counter int64) uint64 {
	return mix64(uint64(seed) + golden*mix64(uint64(counter)+golden))
}

// RandomUniform returns element index of the stream key: the top 24 bits of
// mix64(key + golden*(index+1)) times 2^-24. The result is in [0, 1) and exactly
// representable in float32 and float64, so both dtypes see the same value.
func RandomUniform(key uint64, index int) float64 {
	h := mix64(key + golden*(uint64(index)+1))
	return float64(h>>40) * (1.0 / (1 << 24))
}

// FillRandomUniform32 sets dst[i] = RandomUniform(RandomKey(seed, counter), i).
func FillRandomUniform32(dst []float32, seed, counter int64) {
	key := RandomKey(seed, counter)
	for i := range dst {
		dst[i] = float32(RandomUniform(key, i))
	}
}

// FillRandomUniform64 sets dst[i] = RandomUniform(RandomKey(seed, counter), i).
func FillRandomUniform64(dst []float64, seed, counter int64) {
	key := RandomKey(seed, counter)
	for i := range dst {
		dst[i] = RandomUniform(key, i)
	}
}

// CheckTrainBatch panics unless n >= minBatch. Models with batch normalization over
// [N, C] set minBatch to 2: the unbiased variance of a single value per channel
// divides by zero, and PyTorch raises an error for it in training mode. It does
// not allocate when n is large enough.
func CheckTrainBatch(fn string, n, minBatch int) {
	if n < minBatch {
		panicTrainBatch(fn, n, minBatch)
	}
}

//go:noinline
func panicTrainBatch(fn string, n, minBatch int) {
	panic(fmt.Sprintf("nncc: %s: batch size n = %d, but batch norm expects more than 1 value per channel when training (want n >= %d)", fn, n, minBatch))
}
