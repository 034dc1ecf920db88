package report

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
)

// TestNumericParamsSortAsNumbers: a swept number (param_rebalance_days =
// 7, 14, 28) was a text cell without data-v: the table sorted it as text
// (14, 28, 7) and a filter param_rebalance_days>=14 hid every row. Its
// cells now carry their values, as the metrics' do; a run without the
// parameter has an empty value (sorted last); a text parameter (hedge)
// stays text.
func TestNumericParamsSortAsNumbers(t *testing.T) {
	f := &Folder{}
	for k, rb := range []float64{7, 14, 28} {
		h := []string{"dollar", "beta", "vol"}[k]
		f.Runs = append(f.Runs, Run{Key: "r" + strings.Repeat("x", k), Record: results.RunRecord{Run: "r" + strings.Repeat("x", k), Strategy: "hedge",
			Params: map[string]any{"rebalance_days": rb, "hedge": h}, Swept: map[string]any{"rebalance_days": rb, "hedge": h}}})
		f.Main = append(f.Main, k)
	}
	f.Runs = append(f.Runs, Run{Key: "hold", Record: results.RunRecord{Run: "hold", Strategy: "hold", Params: map[string]any{"hedge": "none"}}})
	f.Main = append(f.Main, 3)
	rt := newRunsTable(f, charts.NewPalette(f.Names()))
	col := func(name string) int {
		for j, h := range rt.Header {
			if h.Name == name {
				return j
			}
		}
		t.Fatalf("no column %s in %v", name, rt.Header)
		return -1
	}
	rb, hedge := col("param_rebalance_days"), col("param_hedge")
	if rt.Header[rb].Text || !rt.Header[hedge].Text {
		t.Errorf("text headers: rebalance_days %v, hedge %v; want false, true", rt.Header[rb].Text, rt.Header[hedge].Text)
	}
	var got []string
	for _, r := range rt.Rows {
		c := r[rb]
		if !c.Numeric || !c.HasV {
			t.Errorf("rebalance_days cell %+v: want a number with data-v", c)
		}
		got = append(got, c.V+"|"+c.Text)
	}
	if want := "7|7 14|14 28|28 |—"; strings.Join(got, " ") != want {
		t.Errorf("rebalance_days cells %q, want %q", strings.Join(got, " "), want)
	}
	if c := rt.Rows[0][hedge]; c.Numeric || c.HasV || c.Text != "dollar" {
		t.Errorf("hedge cell %+v: want the text dollar", c)
	}
}

// TestSetupEndIsExclusive: the experiment's end is exclusive (small.toml:
// end 2019-07-01, last bar 2019-06-30); the setup table said "end
// 2019-07-01" under "period 2019-03-01 to 2019-06-30". It now says so.
func TestSetupEndIsExclusive(t *testing.T) {
	html := readReport(t, smallFolder(t))
	for _, want := range []string{"2019-03-01 to 2019-06-30", "2019-07-01 (exclusive: the period above ends before it)"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestRunPanelMetrics: the per-run panel listed a run's costs and
// benchmark figures by their JSON paths and formatted them by their last
// key alone: costs.commission 3316 (money to 4 digits), benchmarks.QQQ.
// alpha 0.0215 (a rate as a decimal). They are now named and formatted
// as the runs table's columns, and a date that did not happen (no
// recovery) reads "—", not blank.
func TestRunPanelMetrics(t *testing.T) {
	var m results.RunMetrics
	m.Costs.Commission, m.Costs.Total = 3316.35, 3316.35
	m.Benchmarks = map[string]json.RawMessage{"QQQ": json.RawMessage(`{"alpha": 0.0215, "tracking_error": 0.2715, "beta": 1.1}`)}
	m.MaxDrawdownPeak, m.MaxDrawdownTrough = "2024-01-02", "2024-03-04"
	got := map[string]string{}
	for _, p := range metricPairs(&m) {
		got[p.K] = p.V
	}
	for k, want := range map[string]string{
		"costs_commission": "3\u202f316.35", "costs_total": "3\u202f316.35",
		"alpha_qqq": "2.15%", "tracking_error_qqq": "27.15%", "beta_qqq": "1.1",
		"max_drawdown_recovery": "—",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	for k := range got {
		if strings.HasPrefix(k, "costs.") || strings.HasPrefix(k, "benchmarks.") {
			t.Errorf("a JSON path as a name: %s", k)
		}
	}
}

// TestColumnUnits: the columns whose names do not say their unit carry
// it on hover (max_drawdown_duration is in periods, turnover a multiple
// of mean equity a year).
func TestColumnUnits(t *testing.T) {
	html := readReport(t, smallFolder(t))
	for _, want := range []string{
		`<th data-col="max_drawdown_duration" title="periods (bars) of the longest time under water">`,
		`<th data-col="turnover" title="money traded a year, as a multiple of mean equity`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// The Setup table's period is written in one format: a run of hourly
// bars from 2024-01-02 00:00Z to 2024-01-03 23:00Z reads as two instants,
// not "2024-01-02 to 2024-01-03T23:00:00Z" (found by a probe).
func TestSetupPeriodOneFormat(t *testing.T) {
	f, err := Load(smallFolder(t))
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Dir: t.TempDir(), Manifest: f.Manifest}
	t0 := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC).UnixNano()
	s := charts.Series{Time: make([]int64, 48), Values: make([]float64, 48)}
	for k := range s.Time {
		s.Time[k], s.Values[k] = t0+int64(k)*3600e9, 1e6+float64(k)
	}
	in.Runs, in.Equity = append(in.Runs, f.Runs[0].Record), append(in.Equity, s)
	in.Gross, in.Net = append(in.Gross, make([]float64, 48)), append(in.Net, make([]float64, 48))
	if err := WriteInput(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(in.Dir, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if want := "2024-01-02T00:00:00Z to 2024-01-03T23:00:00Z"; !strings.Contains(string(b), want) {
		t.Errorf("report lacks the period %q", want)
	}
}

// The runs table leaves out what says nothing in an experiment without
// scenarios: scenario (every row "baseline"), base (every row its key)
// and long_leg_of (every row empty); with a scenario run they are shown
// (found by a probe).
func TestRunsTableHidesEmptyScenarioColumns(t *testing.T) {
	table := func(keys, scen, base, leg []string) *results.Table {
		return &results.Table{Columns: []results.Column{
			{Name: "key", Strings: keys}, {Name: "strategy", Strings: keys}, {Name: "scenario", Strings: scen},
			{Name: "base", Strings: base}, {Name: "long_leg_of", Strings: leg}, {Name: "sharpe", Floats: []float64{1, 2}},
		}}
	}
	names := func(t *results.Table) string {
		var out []string
		for _, j := range orderColumns(t) {
			out = append(out, t.Columns[j].Name)
		}
		return strings.Join(out, ",")
	}
	if got := names(table([]string{"a", "b"}, []string{"baseline", "baseline"}, []string{"a", "b"}, []string{"", ""})); got != "key,strategy,sharpe" {
		t.Errorf("without scenarios: columns %s", got)
	}
	if got := names(table([]string{"a", "a@crash"}, []string{"baseline", "crash"}, []string{"a", "a"}, []string{"", ""})); got != "key,strategy,scenario,sharpe,base" {
		t.Errorf("with a scenario: columns %s", got)
	}
}

// On paper the runs table keeps the key, the swept parameters, the six
// headline metrics and, only when a run is ruined, the ruined column
// (the scenario column is left out here as everywhere when no run has
// one): the names below are the spec, in the table's order.
func TestRunsTablePrintedColumns(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ruined bool
		want   string
	}{
		{"none ruined", false, "key param_fast total_return cagr annual_volatility sharpe max_drawdown final_equity"},
		{"one ruined", true, "key param_fast total_return cagr annual_volatility sharpe max_drawdown final_equity ruined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &Folder{}
			for k, fast := range []float64{5, 10} {
				key := "sma-" + strconv.Itoa(int(fast))
				r := Run{Key: key, Record: results.RunRecord{Run: key, Strategy: "sma", Params: map[string]any{"fast": fast, "slow": 50.0}, Swept: map[string]any{"fast": fast}}}
				if tc.ruined && k == 1 {
					r.Record.Metrics.MaxDrawdown = -1 // equity at 0: ruined
				}
				f.Runs = append(f.Runs, r)
				f.Main = append(f.Main, k)
			}
			rt := newRunsTable(f, charts.NewPalette(f.Names()))
			var got []string
			for _, j := range rt.Printed {
				got = append(got, rt.Header[j].Name)
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("printed columns %q, want %q", strings.Join(got, " "), tc.want)
			}
			if !rt.Swept {
				t.Error("Swept false with param_fast printed")
			}
			if len(rt.Header) <= len(rt.Printed) {
				t.Errorf("%d columns, %d printed: want others left to runs.parquet", len(rt.Header), len(rt.Printed))
			}
		})
	}
}

// The runs table groups a benchmark's columns by the names results gives
// them: every column RunColumns makes for a benchmark (BTC-USD: beta_btc_usd,
// …, periods_per_year_btc_usd) is one, and no other column is.
func TestBenchmarkColumnsAreResults(t *testing.T) {
	rec := results.RunRecord{Run: "a", Metrics: results.RunMetrics{
		Benchmarks: map[string]json.RawMessage{"BTC-USD": json.RawMessage(`{"beta":1}`)}}}
	bench := map[string]bool{}
	for _, n := range results.BenchmarkColumnNames("BTC-USD") {
		bench[n] = true
	}
	if len(bench) != 8 || !bench["beta_btc_usd"] || !bench["periods_per_year_btc_usd"] {
		t.Fatalf("BenchmarkColumnNames(BTC-USD) = %v", results.BenchmarkColumnNames("BTC-USD"))
	}
	for _, c := range results.RunColumns([]results.RunRecord{rec}, results.All) {
		t.Run(c.Name, func(t *testing.T) {
			if got := isBenchmarkColumn(c.Name); got != bench[c.Name] {
				t.Errorf("isBenchmarkColumn(%s) = %v, want %v", c.Name, got, bench[c.Name])
			}
		})
	}
}
