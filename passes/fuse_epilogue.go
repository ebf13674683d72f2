package passes

import (
	"slices"

	"github.com/nncc/nncc/ir"
)

// epilogue is a float32 matrix product with a bias add and possibly a ReLU after
// it, which the code generator computes with one runtime.MatMulBias32 call. The
// product's kernel adds the bias and applies the ReLU to each tile of the result
// while the tile is still in cache.
type epilogue struct {
	matmul, add, relu *ir.Value // relu is nil when the add has no ReLU to fuse
}

// values returns the epilogue's values in schedule order.
func (ep *epilogue) values() []*ir.Value {
	if ep.relu == nil {
		return []*ir.Value{ep.matmul, ep.add}
	}
	return []*ir.Value{ep.matmul, ep.add, ep.relu}
}

// epilogues returns the epilogue candidates of sched, keyed by each of their
// values.
//
// A candidate is a rank-2 float32 matmul whose only use is an add of a bias:
// a float32 operand without the batch dimension holding one value per column of
// the product ([n] or [1, n]). A relu of that sum joins when every other use of
// the sum comes after the relu in sched, because the step runs at the place of
// its last value. The runtime kernel rounds the product, the sum and the ReLU
// exactly as the separate ops do, so the fused step gives the same bits.
func epilogues(sched []*ir.Value, uses valueUses) map[*ir.Value]*epilogue {
	index := make(map[*ir.Value]int, len(sched))
	for i, v := range sched {
		index[v] = i
	}
	found := make(map[*ir.Value]*epilogue)
	for _, m := range sched {
		if m.Op != ir.OpMatMul || m.DType != ir.F32 || m.Shape.Rank() != 2 {
			continue
		}
		users := uses.users[m]
		if uses.root[m] || len(users) != 1 {
			continue
		}
		add := users[0]
		if found[add] != nil {
			// The add's other operand is a product that took it first; that
			// product is this one's bias and stays a step of its own.
			continue
		}
		if add.Op != ir.OpAdd || add.DType != ir.F32 || !add.Shape.Equal(m.Shape) || !isColumnBias(add, m) {
			continue
		}
		ep := &epilogue{matmul: m, add: add}
		for _, r := range uses.users[add] {
			if r.Op == ir.OpRelu && r.Shape.Equal(add.Shape) && usedAfter(add, r, uses, index) {
				ep.relu = r
				break
			}
		}
		for _, v := range ep.values() {
			found[v] = ep
		}
	}
	return found
}

// isColumnBias reports whether add sums the product m with a bias of one value per
// column of m, in either operand order.
func isColumnBias(add, m *ir.Value) bool {
	bias := add.Args[1]
	switch m {
	case add.Args[0]:
	case add.Args[1]:
		bias = add.Args[0]
	default:
		return false
	}
	if bias == m || bias.DType != ir.F32 || bias.Shape.HasBatch() {
		return false
	}
	n := m.Shape[1]
	switch bias.Shape.Rank() {
	case 1:
		return bias.Shape[0] == n
	case 2:
		return bias.Shape[0] == 1 && bias.Shape[1] == n
	}
	return false
}

// usedAfter reports whether every use of v other than r comes after r in the
// schedule.
func usedAfter(v, r *ir.Value, uses valueUses, index map[*ir.Value]int) bool {
	for _, w := range uses.users[v] {
		if w != r && index[w] <= index[r] {
			return false
		}
	}
	return true
}

// epilogueStep returns the step of ep. The matmul lives only inside the step; so
// does the add when the relu is its only use and it is no root.
func epilogueStep(ep *epilogue, uses valueUses) *Step {
	s := &Step{
		Values:   ep.values(),
		Epilogue: true,
		Internal: map[*ir.Value]bool{ep.matmul: true},
		Into:     map[*ir.Value]*ir.Value{},
	}
	if ep.relu != nil && !uses.root[ep.add] && slices.Equal(uses.users[ep.add], []*ir.Value{ep.relu}) {
		s.Internal[ep.add] = true
	}
	return s
}
