package runtime

import (
	"math"
	"strings"
	"testing"
)

func TestFill(t *testing.T) {
	buf, dst := newGuarded[float32](10)
	Fill(dst, 1.5)
	for i, v := range dst {
		if v != 1.5 {
			t.Fatalf("dst[%d] = %v, want 1.5", i, v)
		}
	}
	checkGuards(t, buf, 10)
}

func TestFillUniformMatchesUniform(t *testing.T) {
	bound := LinearBound(784)
	dst := make([]float32, 5000)
	FillUniform(NewRNG(11), dst, -bound, bound)
	r := NewRNG(11)
	for i, v := range dst {
		want := float32(r.Uniform(-bound, bound))
		if v != want {
			t.Fatalf("dst[%d] = %v, want %v", i, v, want)
		}
		if float64(v) < -bound || float64(v) > bound {
			t.Fatalf("dst[%d] = %v, outside [-%v, %v]", i, v, bound, bound)
		}
	}
}

func TestFillNormalMatchesNormal(t *testing.T) {
	dst := make([]float64, 5000)
	FillNormal(NewRNG(12), dst, 1, 0.1)
	r := NewRNG(12)
	for i, v := range dst {
		if want := r.Normal(1, 0.1); v != want {
			t.Fatalf("dst[%d] = %v, want %v", i, v, want)
		}
	}
}

func TestLinearBound(t *testing.T) {
	cases := []struct {
		fanIn int
		want  float64
	}{
		{1, 1},
		{4, 0.5},
		{784, 1.0 / 28},
		{3, 0.5773502691896258}, // 1/sqrt(3)
	}
	for _, tc := range cases {
		if got := LinearBound(tc.fanIn); math.Abs(got-tc.want) > 1e-16 {
			t.Errorf("LinearBound(%d) = %v, want %v", tc.fanIn, got, tc.want)
		}
	}
}

func TestLinearBoundPanics(t *testing.T) {
	msg := catchPanic(func() { LinearBound(0) })
	if !strings.Contains(msg, "LinearBound: fanIn = 0") {
		t.Fatalf("LinearBound(0) panic = %q, want a message naming fanIn", msg)
	}
}
