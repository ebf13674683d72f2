package passes

import "github.com/nncc/nncc/ir"

// Linking passes makes Grad the differentiator behind ir.Differentiate, which the
// frontend's grad construct calls while it builds the forward graph.
func init() { ir.RegisterGrad(Grad) }
