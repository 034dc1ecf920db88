package experiment

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
)

// write lays out the experiment folder:
//
//	<out>/<experiment>/manifest.json
//	<out>/<experiment>/runs.csv      one row per run: key, strategy, parameters, headline metrics
//	                                 (results.RunsTable(records, results.Headline))
//	<out>/<experiment>/runs.parquet  every column of the run record (results.All)
//	<out>/<experiment>/equity.png, equity.svg  the runs' equity (growth of 1) and drawdowns (plot)
//	<out>/<experiment>/runs/<key>/equity.parquet (and equity.csv)
//	<out>/<experiment>/runs/<key>/fills.parquet (and fills.csv)
//	<out>/<experiment>/runs/<key>/legs.parquet (and legs.csv), for a run with legs
//	<out>/<experiment>/runs/<key>/metrics.json
//
// The CSV copies of a run's tables are written as File.perRunCSV says
// (output.csv).
//
// Every file is written to a temporary name and renamed into place. write
// writes the runs tables and the manifest; writeRun a run's folder, plot
// the equity chart.
func write(o *Outcome, m *results.Manifest) error {
	if err := results.WriteOutputs(o.Dir,
		results.Output{Name: results.RunsCSV, Write: func(w io.Writer) error {
			return results.WriteTableCSV(w, results.RunsTable(o.Records, results.Headline))
		}},
		results.Output{Name: results.RunsParquet, Write: func(w io.Writer) error {
			return results.WriteTableParquet(w, results.RunsTable(o.Records, results.All))
		}},
	); err != nil {
		return err
	}
	return writeManifest(o.Dir, m)
}

// writeManifest writes dir/manifest.json (again, when notes came after the
// runs: the Monte Carlo's, the walk-forward's).
func writeManifest(dir string, m *results.Manifest) error {
	return results.WriteFileAtomic(filepath.Join(dir, "manifest.json"), func(w io.Writer) error { return results.WriteManifest(w, m) })
}

// manifest is the experiment's manifest.json.
func (f *File) manifest(o *Outcome, inputs []results.Input, opt Options) *results.Manifest {
	sha, err := results.Fingerprint(f.path)
	if err != nil {
		sha = ""
	}
	keys := make([]string, len(o.Runs))
	for i := range o.Runs {
		keys[i] = o.Runs[i].Key
	}
	return &results.Manifest{
		Experiment: f.path, ExperimentSHA256: sha, Inputs: inputs, Seed: f.Seed,
		ProgramVersion: opt.Version, Synthetic: o.Panel.Synthetic, Runs: keys, Settings: f.settings(),
		SortBy: opt.SortBy, Commission: f.commissionText(),
	}
}

// record is a run's record: its metrics.json, and a row of the runs
// table.
func record(f *File, o *Outcome, r *RunResult) results.RunRecord {
	label := "real data"
	if o.Panel.Synthetic {
		label = "synthetic data"
	}
	c := &r.Result.Curve
	rec := results.RunRecord{
		Experiment: f.Name, Run: r.Key, Strategy: r.Strategy, Type: r.Type, Params: r.Params,
		Scenario: r.Scenario, LongLegOf: r.LongLegOf,
		Seed: r.Seed, Synthetic: o.Panel.Synthetic, Data: label,
		Start: data.FormatDay(c.Time[0]), End: data.FormatDay(c.Time[c.Len()-1]),
		Cash: f.Cash, CommissionBps: f.CommissionBps,
		PeriodsPerYear: o.PeriodsPerYear, Calendar: o.Calendar, PeriodsBasis: o.PeriodsBasis, Metrics: r.Metrics,
		StrategyStats: finite(r.Stats),
	}
	if r.Scenario != "" {
		rec.Base = r.Base
	}
	if rec.Params == nil {
		rec.Params = map[string]any{}
	}
	if len(r.Swept) > 0 {
		rec.Swept = map[string]any{}
		for _, v := range r.Swept {
			rec.Swept[v.Key] = v.Value
		}
	}
	return rec
}

// writeRun writes one run's folder: runs/<key>/equity.parquet,
// fills.parquet (with their CSV copies when o.csv), metrics.json (rec,
// its scenario, base and long_leg_of included: without them a folder
// whose runs.parquet was lost read its companion runs as runs of their
// own, and its scenarios by their keys' slugs). The workers call it as
// each run finishes, so that a run's fills need not outlive it.
func writeRun(o *Outcome, r *RunResult, rec *results.RunRecord) error {
	dir := runDir(o.Dir, r.Key)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	c := &r.Result.Curve
	outs := []results.Output{
		{Name: "equity.parquet", Write: func(w io.Writer) error { return results.WriteCurveParquet(w, c) }},
		{Name: "fills.parquet", Write: func(w io.Writer) error { return results.WriteFillsParquet(w, r.Result.Fills) }},
		{Name: results.RunFile, Write: func(w io.Writer) error { return results.WriteJSON(w, rec) }},
	}
	if o.csv {
		outs = append(outs,
			results.Output{Name: "equity.csv", Write: func(w io.Writer) error { return results.WriteCurveCSV(w, c) }},
			results.Output{Name: "fills.csv", Write: func(w io.Writer) error { return results.WriteRunFillsCSV(w, r.Result.Fills, c.Time) }})
	}
	if err := results.WriteOutputs(dir, outs...); err != nil {
		return fmt.Errorf("run %s: %w", r.Key, err)
	}
	return nil
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
