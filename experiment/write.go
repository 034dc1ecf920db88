package experiment

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
)

// write lays out the experiment folder:
//
//	<out>/<experiment>/manifest.json
//	<out>/<experiment>/runs.csv, runs.parquet  one row per run: key, strategy, parameters, metrics
//	<out>/<experiment>/equity.png, equity.svg  the runs' equity (growth of 1) and drawdowns
//	<out>/<experiment>/runs/<key>/equity.csv, equity.parquet
//	<out>/<experiment>/runs/<key>/fills.csv, fills.parquet
//	<out>/<experiment>/runs/<key>/metrics.json
//
// Every file is written to a temporary name and renamed into place.
func write(f *File, o *Outcome, inputs []results.Input, opt Options) error {
	if err := results.WriteOutputs(o.Dir, results.TableOutputs("runs", RunsTable(o), true)...); err != nil {
		return err
	}
	if err := plot(f, o, opt.SortBy); err != nil {
		return err
	}
	sha, err := results.Fingerprint(f.path)
	if err != nil {
		sha = ""
	}
	keys := make([]string, len(o.Runs))
	for i := range o.Runs {
		keys[i] = o.Runs[i].Key
	}
	m := &results.Manifest{
		Experiment: f.path, ExperimentSHA256: sha, Inputs: inputs, Seed: f.Seed,
		ProgramVersion: opt.Version, Synthetic: o.Panel.Synthetic, Runs: keys, Settings: f.settings(),
	}
	return results.WriteFileAtomic(filepath.Join(o.Dir, "manifest.json"), func(w io.Writer) error { return results.WriteManifest(w, m) })
}

// writeRun writes one run's folder: runs/<key>/equity.csv and .parquet,
// fills.csv and .parquet, metrics.json. The workers call it as each run
// finishes, so that a run's fills need not outlive it.
func writeRun(f *File, o *Outcome, r *RunResult) error {
	label := "real data"
	if o.Panel.Synthetic {
		label = "synthetic data"
	}
	dir := filepath.Join(o.Dir, "runs", r.Key)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	c := &r.Result.Curve
	rf := results.RunRecord{
		Experiment: f.Name, Run: r.Key, Strategy: r.Strategy, Type: r.Type, Params: r.Params,
		Seed: r.Seed, Synthetic: o.Panel.Synthetic, Data: label,
		Start: data.FormatDay(c.Time[0]), End: data.FormatDay(c.Time[c.Len()-1]),
		Cash: f.Cash, CommissionBps: f.CommissionBps,
		PeriodsPerYear: o.PeriodsPerYear, Calendar: o.Calendar, PeriodsBasis: o.PeriodsBasis, Metrics: r.Metrics,
		StrategyStats: finite(r.Stats),
	}
	if rf.Params == nil {
		rf.Params = map[string]any{}
	}
	if len(r.Swept) > 0 {
		rf.Swept = map[string]any{}
		for _, v := range r.Swept {
			rf.Swept[v.Key] = v.Value
		}
	}
	if err := results.WriteOutputs(dir,
		results.Output{Name: "equity.csv", Write: func(w io.Writer) error { return results.WriteCurveCSV(w, c) }},
		results.Output{Name: "equity.parquet", Write: func(w io.Writer) error { return results.WriteCurveParquet(w, c) }},
		results.Output{Name: "fills.csv", Write: func(w io.Writer) error { return results.WriteFillsCSV(w, r.Result.Fills) }},
		results.Output{Name: "fills.parquet", Write: func(w io.Writer) error { return results.WriteFillsParquet(w, r.Result.Fills) }},
		results.Output{Name: "metrics.json", Write: func(w io.Writer) error { return results.WriteJSON(w, rf) }},
	); err != nil {
		return fmt.Errorf("run %s: %w", r.Key, err)
	}
	return nil
}

// RunsTable is the experiment's runs table: key, strategy, type, data
// (real or synthetic), params (JSON), one column per swept parameter
// (as text), then the headline metrics.
func RunsTable(o *Outcome) *results.Table {
	n := len(o.Runs)
	label := "real"
	if o.Panel.Synthetic {
		label = "synthetic"
	}
	key, strat, typ, lab, params := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	scen, legOf := make([]string, n), make([]string, n)
	sweptSet := map[string]bool{}
	for _, r := range o.Runs {
		for _, v := range r.Swept {
			sweptSet[v.Key] = true
		}
	}
	var swept []string
	for k := range sweptSet {
		swept = append(swept, k)
	}
	sort.Strings(swept)
	sweptCols := make([][]string, len(swept))
	for j := range sweptCols {
		sweptCols[j] = make([]string, n)
	}
	fills, rej, calls, liqs := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	costs := make([]float64, n)
	mcols := make([][]float64, len(results.MetricNames)+1)
	for j := range mcols {
		mcols[j] = make([]float64, n)
	}
	for i := range o.Runs {
		r := &o.Runs[i]
		key[i], strat[i], typ[i], lab[i] = r.Key, r.Strategy, r.Type, label
		scen[i], legOf[i] = "baseline", r.LongLegOf
		if r.Scenario != "" {
			scen[i] = r.Scenario
		}
		b, _ := json.Marshal(r.Params) // map keys are sorted: deterministic
		params[i] = string(b)
		for _, v := range r.Swept {
			sweptCols[sort.SearchStrings(swept, v.Key)][i] = formatValue(v.Value)
		}
		for j, name := range results.MetricNames {
			mcols[j][i] = r.Metrics.Metric(name)
		}
		mcols[len(results.MetricNames)][i] = r.Metrics.Commission
		fills[i] = int64(r.Metrics.Fills)
		costs[i] = r.Metrics.Costs.Total
		rej[i], calls[i], liqs[i] = int64(r.Metrics.Rejections), int64(r.Metrics.MarginCalls), int64(r.Metrics.Liquidations)
	}
	t := &results.Table{Columns: []results.Column{
		{Name: "key", Strings: key}, {Name: "strategy", Strings: strat}, {Name: "type", Strings: typ},
		{Name: "data", Strings: lab}, {Name: "params", Strings: params},
	}}
	if len(o.Views) > 1 {
		t.Columns = append(t.Columns, results.Column{Name: "scenario", Strings: scen}, results.Column{Name: "long_leg_of", Strings: legOf})
	}
	for j, k := range swept {
		t.Columns = append(t.Columns, results.Column{Name: "param_" + k, Strings: sweptCols[j]})
	}
	for j, name := range results.MetricNames {
		t.Columns = append(t.Columns, results.Column{Name: name, Floats: mcols[j]})
	}
	t.Columns = append(t.Columns,
		results.Column{Name: "commission_paid", Floats: mcols[len(results.MetricNames)]},
		results.Column{Name: "fills", Ints: fills},
		results.Column{Name: "total_costs", Floats: costs},
		results.Column{Name: "rejections", Ints: rej},
		results.Column{Name: "margin_calls", Ints: calls},
		results.Column{Name: "liquidations", Ints: liqs})
	return t
}

// finite drops NaN and infinite values, which JSON cannot hold.
func finite(m map[string]float64) map[string]float64 {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]float64, len(m))
	for k, v := range m {
		if v == v && v-v == 0 {
			out[k] = v
		}
	}
	return out
}
