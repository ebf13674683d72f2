package ir

// RandomUniform adds a tensor of like's dtype and shape whose elements are uniform
// in [0, 1), a pure function of the seed, the counter and the element's row-major
// index (see OpRandomUniform). seed and counter are i64 scalars; like has a float
// dtype. The Builder records an error for any other operand.
func (b *Builder) RandomUniform(seed, counter, like *Value) *Value {
	if v := invalid(OpRandomUniform, seed, counter, like); v != nil {
		return v
	}
	for _, s := range []*Value{seed, counter} {
		if s.DType != I64 || !s.IsScalar() {
			return b.fail(OpRandomUniform, "%s is %s, want an i64 scalar", s.Ref(), s.Type())
		}
	}
	if !like.DType.IsFloat() {
		return b.fail(OpRandomUniform, "like %s has dtype %s, want f32 or f64", like.Ref(), like.DType)
	}
	return b.add(OpRandomUniform, like.DType, like.Shape.Clone(), Attrs{}, seed, counter, like)
}
