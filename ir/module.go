package ir

// Module is a whole model as the frontends describe it: the forward graph plus the
// training setup. Passes derive the predict, evaluate and train functions from it.
//
// The forward graph follows these conventions:
//   - input "x": the features, shape [N, ...];
//   - input "y": the labels, i32 [N] for class labels or float [N, ...] for targets;
//   - output "output": the prediction Predict returns;
//   - output "loss": the scalar mean loss over the batch;
//   - output "correct" (optional): the i32 scalar count of correct predictions.
type Module struct {
	Name      string // Go-identifier-safe model name
	File      string // model file the module came from, for comments and errors
	Forward   *Graph
	Loss      LossKind
	Classes   int // number of classes for LossCrossEntropy, else 0
	Optimizer Optimizer
	Train     TrainConfig
}

// LossKind names the loss a module trains with.
type LossKind uint8

// The losses.
const (
	LossNone LossKind = iota
	LossMSE
	LossCrossEntropy  // integer class labels, mean over the batch
	LossBCEWithLogits // float 0/1 targets, mean over all elements
)

var lossNames = [...]string{"none", "mse", "cross_entropy", "bce_with_logits"}

// String returns the loss's name in the model language.
func (l LossKind) String() string {
	if int(l) < len(lossNames) {
		return lossNames[l]
	}
	return "loss?"
}

// OptimizerKind names an optimizer.
type OptimizerKind uint8

// The optimizers.
const (
	OptSGD OptimizerKind = iota // with Momentum > 0, SGD with momentum
	OptAdam
)

var optimizerNames = [...]string{"sgd", "adam"}

// String returns the optimizer's name in the model language.
func (o OptimizerKind) String() string {
	if int(o) < len(optimizerNames) {
		return optimizerNames[o]
	}
	return "optimizer?"
}

// Optimizer is an optimizer and its hyperparameters, with PyTorch's semantics:
// weight decay adds WeightDecay*w to the gradient (L2, not decoupled), and momentum
// keeps buf = Momentum*buf + g with buf = g at the first step.
type Optimizer struct {
	Kind        OptimizerKind
	LR          float64
	Momentum    float64 // SGD
	Nesterov    bool    // SGD
	WeightDecay float64
	Beta1       float64 // Adam
	Beta2       float64 // Adam
	Eps         float64 // Adam
	Pos         Pos
}

// TrainConfig is the training setup stored in the model file, so a standalone
// binary needs no flags.
type TrainConfig struct {
	Dataset     string   // "mnist", "csv" or "idx"
	TrainFiles  []string // csv: one file; idx: images then labels
	TestFiles   []string // as TrainFiles
	LabelColumn int      // csv: the label column, negative counts from the end
	BatchSize   int      // also the compiled MaxBatch
	Epochs      int
	Seed        uint64
	Shuffle     bool
}
