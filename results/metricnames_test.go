package results

import (
	"math"
	"slices"
	"testing"
)

// The metrics runs are ranked by are the runs table's own columns: each
// name of MetricNames is a headline column, and RunMetrics.Metric gives
// the value that column holds, for a run whose every metric differs.
func TestMetricNamesAreRunsColumns(t *testing.T) {
	want := []string{"total_return", "cagr", "annual_volatility", "sharpe", "sortino", "max_drawdown", "calmar", "final_equity"}
	if got := MetricNames(); !slices.Equal(got, want) {
		t.Fatalf("MetricNames() = %v, want %v", got, want)
	}
	var r RunRecord
	m := &r.Metrics
	m.TotalReturn, m.CAGR, m.AnnualVolatility, m.Sharpe = 0.1, 0.2, 0.3, 0.4
	m.Sortino, m.MaxDrawdown, m.Calmar, m.FinalEquity = 0.5, -0.6, 0.7, 1234.5
	tab := RunsTable([]RunRecord{r}, Headline)
	for _, name := range MetricNames() {
		i := slices.IndexFunc(tab.Columns, func(c Column) bool { return c.Name == name })
		if i < 0 {
			t.Errorf("%s: not a column of the headline runs table", name)
			continue
		}
		if got, col := m.Metric(name), tab.Columns[i].Floats[0]; got != col {
			t.Errorf("Metric(%s) = %g, the runs table holds %g", name, got, col)
		}
	}
	// Every value once: no two names read the same field.
	seen := map[float64]string{}
	for _, name := range MetricNames() {
		v := m.Metric(name)
		if prev, ok := seen[v]; ok {
			t.Errorf("Metric(%s) = Metric(%s) = %g", name, prev, v)
		}
		seen[v] = name
	}
	if v := m.Metric("commission_paid"); !math.IsNaN(v) {
		t.Errorf("Metric(commission_paid) = %g, want NaN: not a metric runs are ranked by", v)
	}
}
