package ir

// Op is a primitive operation. Each op has one forward kernel and one differentiation
// rule; layers are built from these in the frontend.
type Op uint8

// The ops. The comment on each gives its operands, attributes and result.
const (
	OpInvalid Op = iota

	// Sources: no operands.
	OpInput // caller-supplied tensor; Attrs.Name
	OpParam // trainable parameter; Attrs.Name, Attrs.Init
	OpState // persistent non-trainable state; Attrs.Name, Attrs.Init
	OpConst // constant; Attrs.Data holds Shape.Elems elements, row-major

	// Elementwise unary: one operand, result has its shape and dtype.
	OpNeg
	OpAbs
	OpSign // -1, 0 or +1; 0 at 0 and NaN at NaN
	OpExp
	OpLog
	OpLog1p // log(1+x)
	OpSqrt
	OpSigmoid
	OpTanh
	OpRelu // max(x, 0), with relu'(0) = 0

	// Elementwise binary with NumPy broadcasting; both operands have one dtype.
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpMax // NaN if either operand is NaN
	OpMin // NaN if either operand is NaN
	OpPow

	// Compare with broadcasting: result dtype bool.
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe

	// OpSelect(cond bool, a, b): a where cond, else b; all three broadcast.
	OpSelect
	// OpCast converts to Value.DType: floats truncate toward zero into integers, bool
	// becomes 0 or 1.
	OpCast

	// OpMatMul(a, b): rank-2 product, or a batched product over equal leading
	// dimensions. Attrs.TransA and Attrs.TransB transpose the last two dimensions of
	// an operand before the product.
	OpMatMul

	// Reductions over Attrs.Axes (sorted, distinct), keeping them as extent 1 when
	// Attrs.KeepDims is set.
	OpSum
	OpMean
	OpReduceMax // ties and NaN follow PyTorch: NaN propagates
	OpArgMax    // index of the first maximum over the single axis Attrs.Axes[0]; dtype i32

	// OpSize is the scalar product of the operand's extents over Attrs.Axes, in
	// Value.DType. It is static unless an axis is the batch dimension.
	OpSize

	// Layout.
	OpReshape   // to Value.Shape; same element count per batch row
	OpTranspose // permute axes by Attrs.Perm; the batch dimension stays leading
	OpBroadcast // NumPy broadcast to Value.Shape
	OpSlice     // Attrs.Starts and Attrs.Ends per axis, step 1; the batch axis stays whole
	OpConcat    // along Attrs.Axis; all operands share every other extent

	// Indexing.
	OpGather     // (table, indices int): rows of table along Attrs.Axis picked by indices
	OpScatterAdd // (indices int, updates): zeros of Value.Shape, updates added at indices along Attrs.Axis
	OpOneHot     // (indices int): Attrs.Depth classes appended as the last axis, in Value.DType

	// Convolution and pooling over NCHW tensors (docs/convolution.md). The gradient
	// ops are primitives so that the gradient of a gradient stays in the IR.

	// OpConv2D(x [N,C,H,W], w [O,C/Groups,kH,kW]): cross-correlation as PyTorch's
	// F.conv2d without bias; Attrs.Stride, Attrs.Padding, Attrs.Dilation, Attrs.Groups.
	OpConv2D
	// OpConv2DInputGrad(dy, w): the gradient of conv2d with respect to x (a transposed
	// convolution), of shape Value.Shape; the attributes of the conv2d.
	OpConv2DInputGrad
	// OpConv2DFilterGrad(x, dy): the gradient of conv2d with respect to w, summed over
	// the batch, of shape Value.Shape; the attributes of the conv2d.
	OpConv2DFilterGrad
	// OpMaxPool2D(x [N,C,H,W]): window maxima; Attrs.Kernel, Attrs.Stride,
	// Attrs.Padding (padded with -inf). NaN propagates.
	OpMaxPool2D
	// OpMaxPool2DGrad(x, dy): dy routed to the first maximum of each window of x.
	OpMaxPool2DGrad
	// OpMaxPool2DGather(x, g): for each window of x, the element of g (shaped like x)
	// at the window's first maximum; the adjoint of max_pool2d_grad in its dy.
	OpMaxPool2DGather
	// OpAvgPool2D(x [N,C,H,W]): window means, padding counted in the divisor
	// (PyTorch's count_include_pad=True); Attrs.Kernel, Attrs.Stride, Attrs.Padding.
	OpAvgPool2D
	// OpAvgPool2DGrad(dy): the gradient of avg_pool2d, of shape Value.Shape.
	OpAvgPool2DGrad

	// Training-mode randomness (docs/modes.md).

	// OpRandomUniform(seed i64[], counter i64[], like): a float of like's dtype and
	// shape per element, uniform in [0, 1), a pure function of (seed, counter, element
	// index) through the hash that runtime.RandomUniform documents. like only gives
	// the shape and dtype; no operand takes a gradient.
	OpRandomUniform

	// Normalization.

	// OpLogSoftmax(x float): log_softmax over the single axis Attrs.Axis, of x's
	// shape and dtype: per slice along the axis, s = x - max(x) and
	// y = s - log(sum(exp(s))). One primitive, so that cross-entropy runs as one
	// kernel and its gradient skips the gradient of the maximum.
	OpLogSoftmax

	numOps
)

// OpClass groups ops that share operand rules.
type OpClass uint8

// The op classes.
const (
	ClassSource OpClass = iota
	ClassUnary
	ClassBinary
	ClassCompare
	ClassOther
	ClassReduce
	ClassLayout
)

type opInfo struct {
	name  string
	class OpClass
	arity int // -1: any number of operands
}

var opTable = [numOps]opInfo{
	OpInvalid:    {"invalid", ClassOther, 0},
	OpInput:      {"input", ClassSource, 0},
	OpParam:      {"param", ClassSource, 0},
	OpState:      {"state", ClassSource, 0},
	OpConst:      {"const", ClassSource, 0},
	OpNeg:        {"neg", ClassUnary, 1},
	OpAbs:        {"abs", ClassUnary, 1},
	OpSign:       {"sign", ClassUnary, 1},
	OpExp:        {"exp", ClassUnary, 1},
	OpLog:        {"log", ClassUnary, 1},
	OpLog1p:      {"log1p", ClassUnary, 1},
	OpSqrt:       {"sqrt", ClassUnary, 1},
	OpSigmoid:    {"sigmoid", ClassUnary, 1},
	OpTanh:       {"tanh", ClassUnary, 1},
	OpRelu:       {"relu", ClassUnary, 1},
	OpAdd:        {"add", ClassBinary, 2},
	OpSub:        {"sub", ClassBinary, 2},
	OpMul:        {"mul", ClassBinary, 2},
	OpDiv:        {"div", ClassBinary, 2},
	OpMax:        {"max", ClassBinary, 2},
	OpMin:        {"min", ClassBinary, 2},
	OpPow:        {"pow", ClassBinary, 2},
	OpEq:         {"eq", ClassCompare, 2},
	OpNe:         {"ne", ClassCompare, 2},
	OpLt:         {"lt", ClassCompare, 2},
	OpLe:         {"le", ClassCompare, 2},
	OpGt:         {"gt", ClassCompare, 2},
	OpGe:         {"ge", ClassCompare, 2},
	OpSelect:     {"select", ClassOther, 3},
	OpCast:       {"cast", ClassOther, 1},
	OpMatMul:     {"matmul", ClassOther, 2},
	OpSum:        {"sum", ClassReduce, 1},
	OpMean:       {"mean", ClassReduce, 1},
	OpReduceMax:  {"reduce_max", ClassReduce, 1},
	OpArgMax:     {"argmax", ClassReduce, 1},
	OpSize:       {"size", ClassOther, 1},
	OpReshape:    {"reshape", ClassLayout, 1},
	OpTranspose:  {"transpose", ClassLayout, 1},
	OpBroadcast:  {"broadcast", ClassLayout, 1},
	OpSlice:      {"slice", ClassLayout, 1},
	OpConcat:     {"concat", ClassLayout, -1},
	OpGather:     {"gather", ClassOther, 2},
	OpScatterAdd: {"scatter_add", ClassOther, 2},
	OpOneHot:     {"one_hot", ClassOther, 1},

	// Convolution and pooling.
	OpConv2D:           {"conv2d", ClassOther, 2},
	OpConv2DInputGrad:  {"conv2d_input_grad", ClassOther, 2},
	OpConv2DFilterGrad: {"conv2d_filter_grad", ClassOther, 2},
	OpMaxPool2D:        {"max_pool2d", ClassOther, 1},
	OpMaxPool2DGrad:    {"max_pool2d_grad", ClassOther, 2},
	OpMaxPool2DGather:  {"max_pool2d_gather", ClassOther, 2},
	OpAvgPool2D:        {"avg_pool2d", ClassOther, 1},
	OpAvgPool2DGrad:    {"avg_pool2d_grad", ClassOther, 1},

	// Training-mode randomness.
	OpRandomUniform: {"random_uniform", ClassOther, 3},

	// Normalization.
	OpLogSoftmax: {"log_softmax", ClassOther, 1},
}

// String returns the op's name in the text form.
func (o Op) String() string {
	if o < numOps {
		return opTable[o].name
	}
	return "op?"
}

// Class returns the op's class.
func (o Op) Class() OpClass { return opTable[o].class }

// Arity returns the number of operands the op takes, or -1 for any number.
func (o Op) Arity() int { return opTable[o].arity }

// IsSource reports whether o defines a value without operands.
func (o Op) IsSource() bool { return opTable[o].class == ClassSource }

// IsPersistent reports whether values of op o live across calls: params and state.
func (o Op) IsPersistent() bool { return o == OpParam || o == OpState }

// LookupOp returns the op named name in the text form.
func LookupOp(name string) (Op, bool) {
	for i := range opTable {
		if opTable[i].name == name && Op(i) != OpInvalid {
			return Op(i), true
		}
	}
	return OpInvalid, false
}

// Ops returns every valid op in declaration order.
func Ops() []Op {
	ops := make([]Op, 0, numOps-1)
	for o := OpInvalid + 1; o < numOps; o++ {
		ops = append(ops, o)
	}
	return ops
}
