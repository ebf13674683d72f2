package frontend

import "github.com/nncc/nncc/ir"

// metricsStmt is "metrics NAME {, NAME}".
type metricsStmt struct {
	kw    token
	names []token
}

func (s *metricsStmt) start() token { return s.kw }

// metricsList parses the names of a metrics statement after its keyword.
func (p *parser) metricsList(kw token) stmt {
	s := &metricsStmt{kw: kw}
	s.names = append(s.names, p.expect(tIdent, "a metric name"))
	for p.tok().kind == tComma {
		p.advance()
		s.names = append(s.names, p.expect(tIdent, "a metric name"))
	}
	return s
}

// metrics evaluates a metrics statement.
func (e *evaluator) metrics(s *metricsStmt) {
	var set ir.MetricSet
	for _, n := range s.names {
		m := ir.MetricNamed(n.text)
		if m == 0 {
			names := ir.MetricNames()
			e.errorAt(n.pos, "metrics: unknown metric %q; want %s%s", n.text, oneOf(names), didYouMean(n.text, names))
			return
		}
		if set&m != 0 {
			e.errorAt(n.pos, "metrics: %s is listed twice", n.text)
			return
		}
		set |= m
	}
	e.m.At(s.kw.pos).Metrics(set)
}

// Metrics requests the evaluation metrics in set from the code generator: top-k
// accuracy (ir.MetricTopK, the generated CorrectTopK) and a confusion matrix
// (ir.MetricConfusion, Confusion). Both need class labels and an output of one
// score per class; Build records an error otherwise. Metrics records an error for
// a second call or an empty set.
func (m *Model) Metrics(set ir.MetricSet) {
	m.enter()
	switch {
	case m.hasMetrics:
		m.errorf("metrics: the model already has metrics (declared at %s)", m.metricsPos)
	case set == 0 || set&^(ir.MetricTopK|ir.MetricConfusion) != 0:
		m.errorf("metrics: want a non-empty set of ir.MetricTopK and ir.MetricConfusion, got %d", set)
	default:
		m.metrics, m.hasMetrics, m.metricsPos = set, true, m.b.Pos
	}
}

// checkMetrics records an error, at the metrics statement, when the model requests
// metrics but has no class labels or no output of one score per class.
func (m *Model) checkMetrics() {
	if !m.hasMetrics || m.y == nil || m.output == nil {
		return
	}
	want := ir.Shape{ir.Batch, m.classes}
	if m.classes == 0 || !m.output.Shape.Equal(want) {
		m.b.Errs.Add(m.metricsPos, "metrics: need class labels and an output of shape [N, classes], got labels %s and output %s",
			m.labelsDesc(), m.output.Type())
	}
}
