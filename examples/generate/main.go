// Command generate shows nncc used from a Go module through go generate: gen.go
// compiles model.nnc into the package model, and this program trains that model on
// points it draws itself, then prints its predictions.
//
// Run it from this directory:
//
//	go generate ./...   # rewrites model/ from model.nnc
//	go run .
package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	"example.com/generate/model"
)

const (
	radius    = 0.7 // points closer than this to the origin are inside
	trainSize = 4096
	testSize  = 1024
	epochs    = 20
)

func main() {
	rng := rand.New(rand.NewPCG(1, 2))
	trainX, trainY := samples(rng, trainSize)
	testX, testY := samples(rng, testSize)

	m := model.New()
	for epoch := 1; epoch <= epochs; epoch++ {
		var sum float64
		for i := 0; i < trainSize; i += model.MaxBatch {
			n := min(model.MaxBatch, trainSize-i)
			x := trainX[i*model.Features : (i+n)*model.Features]
			loss := m.TrainStep(x, trainY[i:i+n], n)
			sum += float64(loss) * float64(n)
		}
		if epoch%5 == 0 {
			fmt.Printf("epoch %2d: train loss %.4f\n", epoch, sum/trainSize)
		}
	}

	correct := 0
	for i := range testSize {
		p := inside(m, testX[i*model.Features:(i+1)*model.Features])
		if (p > 0.5) == (testY[i] == 1) {
			correct++
		}
	}
	fmt.Printf("test accuracy: %.3f on %d points\n", float64(correct)/testSize, testSize)

	for _, pt := range [][]float32{{0, 0}, {0.3, -0.4}, {0.6, 0.6}, {-0.9, 0.1}, {0.1, 0.95}} {
		p := inside(m, pt)
		fmt.Printf("predict (%5.2f, %5.2f): P(inside) = %.3f, truly inside: %v\n",
			pt[0], pt[1], p, isInside(pt))
	}
}

// samples draws n points uniformly from [-1, 1]² and their targets.
func samples(rng *rand.Rand, n int) (x, y []float32) {
	x = make([]float32, n*model.Features)
	y = make([]float32, n*model.Targets)
	for i := range n {
		pt := x[i*model.Features : (i+1)*model.Features]
		for j := range pt {
			pt[j] = float32(2*rng.Float64() - 1)
		}
		if isInside(pt) {
			y[i] = 1
		}
	}
	return x, y
}

func isInside(pt []float32) bool {
	return math.Hypot(float64(pt[0]), float64(pt[1])) < radius
}

// inside returns the model's probability that the point pt is inside the circle:
// the sigmoid of its output logit.
func inside(m *model.Model, pt []float32) float64 {
	logit := m.Predict(pt, 1)[0]
	return 1 / (1 + math.Exp(-float64(logit)))
}
