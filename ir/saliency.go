package ir

import "errors"

// SaliencyKind selects the scalar that a module's saliency function differentiates
// with respect to the input x.
type SaliencyKind uint8

// The saliency kinds.
const (
	SaliencyNone SaliencyKind = iota
	// SaliencyLoss differentiates the "loss" output, the mean loss over the batch,
	// so each sample's gradient carries the factor 1/n of the mean.
	SaliencyLoss
	// SaliencyOutput differentiates the sum over the batch of output[i, c[i]], where
	// the class indices c take the place of the labels y. Samples do not interact, so
	// row i of the result is the gradient of sample i's score of class c[i]. It needs
	// class labels and an output of shape [N, classes].
	SaliencyOutput
)

var saliencyNames = [...]string{"none", "loss", "output"}

// String returns the kind's name in the model language.
func (k SaliencyKind) String() string {
	if int(k) < len(saliencyNames) {
		return saliencyNames[k]
	}
	return "saliency?"
}

// GradFunc appends to g the ops computing the gradient of the rank-0 float value y
// with respect to each value of wrt, and returns the gradients in order, each with
// its wrt value's dtype and shape. It returns an error if it cannot differentiate.
type GradFunc func(g *Graph, y *Value, wrt []*Value) ([]*Value, error)

// gradFunc is the differentiator registered by RegisterGrad.
var gradFunc GradFunc

// RegisterGrad makes f the differentiator that Differentiate calls. The package
// that implements differentiation registers itself when it is linked in, so that
// frontends, which import only ir, can build gradients inside a forward graph.
func RegisterGrad(f GradFunc) { gradFunc = f }

// Differentiate calls the registered GradFunc. It returns an error if none is
// registered: the program does not link the package passes.
func Differentiate(g *Graph, y *Value, wrt []*Value) ([]*Value, error) {
	if gradFunc == nil {
		return nil, errNoGrad
	}
	return gradFunc(g, y, wrt)
}

var errNoGrad = errors.New("grad: no differentiator is registered; import github.com/nncc/nncc/passes")
