package frontend

import (
	"fmt"
)

// layerName counts a layer of function fn and returns its name: given, or fn<k>
// for the k-th layer of fn in the model. It records an error and returns false for
// an invalid name or one already used. The layer is counted either way, so the
// default names of later layers do not shift.
func (m *Model) layerName(fn, given string) (string, bool) {
	if m.layerCounts == nil {
		m.layerCounts = map[string]int{}
	}
	m.layerCounts[fn]++
	name := given
	if name == "" {
		name = fmt.Sprintf("%s%d", fn, m.layerCounts[fn])
	}
	if !IsParamName(name) {
		m.errorf("%s: layer name %q is not valid: want identifiers separated by dots", fn, name)
		return "", false
	}
	if prev, ok := m.layers[name]; ok {
		if given == "" {
			m.errorf("%s: default layer name %q is already used (at %s); give this layer a name", fn, name, prev)
		} else {
			m.errorf("%s: layer name %q is already used (at %s)", fn, name, prev)
		}
		return "", false
	}
	m.layers[name] = m.b.Pos
	return name, true
}
