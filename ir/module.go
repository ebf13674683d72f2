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
	Classes   int // number of classes for class labels (LossCrossEntropy, LossNLL), else 0
	Optimizer Optimizer
	Train     TrainConfig
	// Saliency selects the scalar whose gradient with respect to the input x the
	// compiled program returns from its saliency function; SaliencyNone for none.
	Saliency SaliencyKind
	// Metrics are the evaluation metrics the generated code offers besides the
	// loss and the correct count.
	Metrics MetricSet

	// Training and inference modes (docs/modes.md). The forward graph computes the
	// training mode. InferenceValues maps a value of the forward graph to the value
	// that replaces it in the predict and eval functions, for example a dropout
	// result to its input, or batch statistics to running statistics. It is nil when
	// the modes agree. MinTrainBatch is the smallest batch a training step accepts
	// (2 with batch norm over [N, C]); 0 or 1 means no limit beyond 1.
	InferenceValues map[*Value]*Value
	MinTrainBatch   int
}

// LossKind names the loss a module trains with.
type LossKind uint8

// The losses.
const (
	LossNone LossKind = iota
	LossMSE
	LossCrossEntropy  // integer class labels, mean over the batch
	LossBCEWithLogits // float 0/1 targets, mean over all elements

	// Losses expanded from primitives by the frontend's loss functions.
	LossL1    // float targets, mean absolute error
	LossHuber // float targets, mean Huber loss
	LossNLL   // integer class labels, log-probabilities as the prediction
	LossBCE   // float 0/1 targets, probabilities as the prediction
)

var lossNames = [...]string{"none", "mse", "cross_entropy", "bce_with_logits", "l1", "huber", "nll", "bce"}

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
	OptAdamW   // Adam with decoupled weight decay
	OptRMSProp // with Momentum > 0, RMSProp with momentum
	OptAdagrad
)

var optimizerNames = [...]string{"sgd", "adam", "adamw", "rmsprop", "adagrad"}

// String returns the optimizer's name in the model language.
func (o OptimizerKind) String() string {
	if int(o) < len(optimizerNames) {
		return optimizerNames[o]
	}
	return "optimizer?"
}

// Optimizer is an optimizer and its hyperparameters, with PyTorch's semantics:
// weight decay adds WeightDecay*w to the gradient (L2, not decoupled) except for
// AdamW, which scales w by 1-LR*WeightDecay before its step, and SGD's momentum
// keeps buf = Momentum*buf + g with buf = g at the first step. ClipNorm, when
// positive, scales all gradients together before the step so that their global
// L2 norm is at most ClipNorm, as torch.nn.utils.clip_grad_norm_ does.
type Optimizer struct {
	Kind        OptimizerKind
	LR          float64
	Momentum    float64 // SGD, RMSProp
	Nesterov    bool    // SGD
	WeightDecay float64
	Beta1       float64 // Adam, AdamW
	Beta2       float64 // Adam, AdamW
	Eps         float64 // Adam, AdamW, RMSProp, Adagrad
	Pos         Pos

	Alpha      float64 // RMSProp: smoothing constant of the squared-gradient average
	Centered   bool    // RMSProp: divide by the estimated variance, not the raw second moment
	LRDecay    float64 // Adagrad: the step's rate is LR/(1+(t-1)*LRDecay) at step t
	InitialAcc float64 // Adagrad: initial value of the squared-gradient sum
	ClipNorm   float64 // max global L2 norm of the gradients; 0 disables clipping
}

// TrainConfig is the training setup stored in the model file, so a standalone
// binary needs no flags.
type TrainConfig struct {
	Dataset     string   // "mnist", "csv", "idx" or "text"
	TrainFiles  []string // csv: one file; idx: images then labels; text: one glob pattern
	TestFiles   []string // as TrainFiles
	LabelColumn int      // csv: the label column, negative counts from the end
	BatchSize   int      // also the compiled MaxBatch
	Epochs      int
	Seed        uint64
	Shuffle     bool
	Schedule    Schedule // learning-rate schedule; the zero value keeps the rate constant
}
