package interp

// The counter-based generator of random_uniform. It repeats the definition in
// runtime.RandomUniform, which the interpreter may not import; a test checks that
// the two agree bit for bit.

const golden = 0x9e3779b97f4a7c15 // 2^64 divided by the golden ratio

// mix64 is the SplitMix64 finalizer.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// randomUniform fills out with element i of the stream of (seed, counter):
// the top 24 bits of mix64(key + golden*(i+1)) times 2^-24, where
// key = mix64(seed + golden*mix64(counter + golden)).
func randomUniform(seed, counter *Tensor, out *Tensor) {
	s, c := int64(seed.Data[0]), int64(counter.Data[0])
	key := mix64(uint64(s) + golden*mix64(uint64(c)+golden))
	for i := range out.Data {
		h := mix64(key + golden*(uint64(i)+1))
		out.Data[i] = float64(h>>40) * (1.0 / (1 << 24))
	}
}
