package results

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results/metrics"
)

// TestRunMetricsJSONNonFinite: in metrics.json NaN is null and an
// infinite metric the string "Infinity" or "-Infinity", benchmark
// metrics, final equity and commission included; all read back as they
// were.
func TestRunMetricsJSONNonFinite(t *testing.T) {
	m := RunMetrics{Summary: metrics.Summarize([]float64{0.01}, 252, nil), Measures: map[string]float64{"exposure_time": math.NaN(), "turnover": math.Inf(1)},
		FinalEquity: math.NaN(), Commission: math.Inf(1),
		Benchmarks: map[string]json.RawMessage{"QQQ": json.RawMessage(`{"beta":"-Infinity","alpha":null,"correlation":0.5}`)}}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	for _, want := range []string{`"calmar":"Infinity"`, `"sharpe":null`, `"exposure_time":null`, `"turnover":"Infinity"`, `"beta":"-Infinity"`, `"final_equity":null`, `"commission_paid":"Infinity"`} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON lacks %s: %s", want, js)
		}
	}
	var back RunMetrics
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	bs, ok := back.Benchmark("QQQ")
	if !math.IsInf(back.Calmar, 1) || !math.IsNaN(back.Sharpe) || !math.IsNaN(back.Measures["exposure_time"]) || !math.IsInf(back.Measures["turnover"], 1) ||
		!math.IsNaN(back.FinalEquity) || !math.IsInf(back.Commission, 1) ||
		!ok || !math.IsInf(bs.Beta, -1) || !math.IsNaN(bs.Alpha) || bs.Correlation != 0.5 {
		t.Errorf("read back %+v, benchmark %+v", back, bs)
	}
}

// Slug: lower case, each run of other characters one dash, none at the
// ends, "run" for nothing left.
func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"AI hedge on the synthetic market": "ai-hedge-on-the-synthetic-market",
		"  --X__y  ":                       "x-y",
		"Café 2x":                          "caf-2x",
		"WF IS momentum":                   "wf-is-momentum",
		"sma BTC (20/50)":                  "sma-btc-20-50",
		"":                                 "run",
		"###":                              "run",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// The runs table's costs_<kind> columns add up to its total_costs, an
// isolated position's shortfall included (it had no column: a run whose
// isolated long lost 4,280 beyond its margin showed costs of 288.33
// beside a total of −3,991.67). By hand: 8.33 + 280 − 4,280 = −3,991.67.
func TestRunsTableCostsAddUp(t *testing.T) {
	rec := RunRecord{Run: "iso"}
	rec.Metrics.Costs = Costs{Interest: 8.33, LiquidationFee: 280, Shortfall: -4280, Total: -3991.67}
	tab := RunsTable([]RunRecord{rec}, All)
	sum, n := 0.0, 0
	for _, c := range tab.Columns {
		if strings.HasPrefix(c.Name, "costs_") {
			sum += c.Floats[0]
			n++
		}
	}
	if math.Abs(sum-(-3991.67)) > 1e-9 {
		t.Errorf("%d costs_ columns sum to %.2f, total_costs −3,991.67", n, sum)
	}
}
