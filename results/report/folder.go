package report

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
)

// The names of the files a report reads in an experiment folder.
const (
	ManifestFile    = "manifest.json"
	RunsFile        = "runs.csv"
	StressFile      = "stress.csv"
	MonteCarloFile  = "montecarlo.csv"
	AttributionFile = "attribution.csv"
	ReportFile      = "report.html"
)

// Folder is an experiment's results as the report uses them, built by
// [Load] from an output folder or by [New] from memory.
type Folder struct {
	Dir      string
	Manifest results.Manifest
	// Runs are the runs in manifest order.
	Runs []Run
	// byKey indexes Runs by key.
	byKey map[string]int
	// Main lists the indices in Runs of the main runs: all but the
	// scenario and companion runs (see [Companion]), or all runs when every
	// run is one.
	Main []int
	// Stress, Fans, Legs, Bands and WalkForwards come from the optional
	// files; nil when absent.
	Stress []StressCell
	// StressCoverage says, per row and scenario of stress.csv that has
	// them, how many instruments the run trades, how many of them the
	// scenario shocked and how many it meant to and did not (its
	// instruments_traded, instruments_shocked and instruments_unreplayed
	// columns, which are not in Stress).
	StressCoverage []StressCoverage
	Fans           []charts.Fan
	Legs           []charts.Legs
	Bands          []Band
	WalkForwards   []WalkForward
	// Prices are instruments' closes by symbol (Input.Prices), on which
	// the report marks the runs' fills; nil when not given.
	Prices map[string]charts.Series
	// Benchmarks are the benchmark instruments' closes over the runs'
	// span, every bar, in the experiment's order (BenchmarksFile); nil
	// when the experiment has no benchmarks.
	Benchmarks []charts.Series
	// Tables are the optional summary tables found (stress_summary.csv,
	// montecarlo_summary.csv, and montecarlo.csv when it holds one row per
	// path rather than whole paths), by file name.
	Tables map[string]*Table
	// SVG holds the charts the experiment drew itself that the report
	// shows as they are: montecarlo.svg (when there are no paths to draw
	// from), stress/<scenario>.svg; by path relative to the folder.
	SVG map[string][]byte
}

// Table is a small table's header and rows, as text.
type Table struct {
	Header []string
	Rows   [][]string
}

// Run is one run of a folder.
type Run struct {
	Key string
	// Name labels the run in charts: its strategy name, or its key when
	// another run of the folder has the same strategy name.
	Name string
	// Record is the run's record (its metrics.json).
	Record results.RunRecord
	// Equity is the run's equity over time, named Name.
	Equity charts.Series
	// Gross and Net are the run's gross and net exposure in money at the
	// times of Equity (nil when unknown).
	Gross, Net []float64
	// Legs are a pair hedge's legs (runs/<key>/legs.csv), nil otherwise.
	Legs *LegSeries
	// Fills are the run's fills, read for the runs the report draws
	// (runs/<key>/fills.parquet).
	Fills []Fill
}

// StressCell is one row of stress.csv.
type StressCell struct {
	Strategy, Scenario, Metric string
	Value                      float64
}

// StressCoverage is how much of what a run trades a scenario shocked:
// stress.csv's instruments_traded, instruments_shocked and
// instruments_unreplayed of a row (Strategy: the row's label, as in
// StressCell). HasUnreplayed is false for a stress.csv written before
// instruments_unreplayed.
type StressCoverage struct {
	Strategy, Scenario          string
	Traded, Shocked, Unreplayed int
	HasUnreplayed               bool
}

// Unmeasured reports whether the scenario shocked none of the
// instruments the run trades and was meant to (some are unreplayed, or
// the file does not say): its row is the run without the scenario, its
// effect unknown (never so for the baseline).
func (c StressCoverage) Unmeasured() bool {
	return c.Scenario != "baseline" && c.Traded > 0 && c.Shocked == 0 && (c.Unreplayed > 0 || !c.HasUnreplayed)
}

// Untouched reports whether the scenario aimed at none of the
// instruments the run trades (none shocked, none unreplayed): a true 0,
// a measure.
func (c StressCoverage) Untouched() bool {
	return c.Scenario != "baseline" && c.Traded > 0 && c.Shocked == 0 && c.HasUnreplayed && c.Unreplayed == 0
}

// Partial reports whether the scenario shocked some of the instruments
// the run trades and not the others.
func (c StressCoverage) Partial() bool { return c.Shocked > 0 && c.Shocked < c.Traded }

// stressCoverage takes the instruments_traded, instruments_shocked and
// instruments_unreplayed cells out of cells: the other cells, and the
// coverage of each row and scenario that has the first two (in order of
// first appearance).
func stressCoverage(cells []StressCell) ([]StressCell, []StressCoverage) {
	type rc struct{ r, c string }
	var out []StressCell
	var cov []StressCoverage
	idx := map[rc]int{}
	var have [][2]bool // by cov's index: traded and shocked read
	for _, c := range cells {
		if c.Metric != "instruments_traded" && c.Metric != "instruments_shocked" && c.Metric != "instruments_unreplayed" {
			out = append(out, c)
			continue
		}
		k := rc{c.Strategy, c.Scenario}
		i, ok := idx[k]
		if !ok {
			i = len(cov)
			idx[k] = i
			cov = append(cov, StressCoverage{Strategy: c.Strategy, Scenario: c.Scenario})
			have = append(have, [2]bool{})
		}
		switch c.Metric {
		case "instruments_unreplayed":
			cov[i].Unreplayed, cov[i].HasUnreplayed = int(c.Value), !math.IsNaN(c.Value)
		case "instruments_traded":
			cov[i].Traded, have[i][0] = int(c.Value), !math.IsNaN(c.Value)
		default:
			cov[i].Shocked, have[i][1] = int(c.Value), !math.IsNaN(c.Value)
		}
	}
	kept := cov[:0]
	for i, c := range cov {
		if have[i][0] && have[i][1] {
			kept = append(kept, c)
		}
	}
	return out, kept
}

// Input is what a report is made of, as a finished experiment holds it in
// memory: nothing is read back but the optional files of Dir.
type Input struct {
	// Dir is the experiment's output folder.
	Dir      string
	Manifest results.Manifest
	// Runs are the runs' records, in manifest order.
	Runs []results.RunRecord
	// Equity[i] is the equity curve of Runs[i] (charts.CurveSeries of
	// its engine curve); names are set by the report.
	Equity []charts.Series
	// Gross and Net, when not nil, hold each run's gross and net exposure
	// in money at the times of Equity[i] (engine.Curve's Gross and Net);
	// without them the report has no exposure chart.
	Gross, Net [][]float64
	// Prices, when given, are instruments' closes (Name = the symbol):
	// the report then draws each run's entries and exits on the price of
	// the instrument (up to 400 fills per instrument). Without them only
	// the tranche ladders of scaled entries are drawn, from the fills.
	Prices []charts.Series
	// Legs, when not nil, holds Runs[i]'s leg series at i (nil for a run
	// without legs); without it they are read from each run's
	// legs.parquet (legs.csv without one).
	Legs []*LegSeries
}

// Load reads an experiment folder: the manifest, every run's record
// (runs/<key>/metrics.json, results.ReadRuns) and equity (the time and
// equity columns of runs/<key>/equity.parquet; equity.csv only for a run
// without one), and the optional files. Errors name the file and, for
// CSV, the line.
func Load(dir string) (*Folder, error) { return load(dir, true) }

// LoadRuns is [Load] without the optional files (prices, benchmarks,
// stress, Monte Carlo, attribution, walk-forward, legs, charts): the
// manifest and every run's record and equity, all that a comparison
// draws (compare). A damaged optional file, which Load refuses, is
// not read.
func LoadRuns(dir string) (*Folder, error) { return load(dir, false) }

func load(dir string, optional bool) (*Folder, error) {
	if err := results.Finished(dir); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	in := Input{Dir: dir}
	if err := readJSON(filepath.Join(dir, ManifestFile), &in.Manifest); err != nil {
		return nil, err
	}
	for _, key := range in.Manifest.Runs {
		if key == "" || strings.ContainsAny(key, `/\`) || key == "." || key == ".." {
			return nil, fmt.Errorf("report: %s: run key %q is not a folder name", dir, key)
		}
	}
	var err error
	if in.Runs, err = results.ReadRuns(dir, in.Manifest.Runs); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	in.Equity = make([]charts.Series, len(in.Runs))
	in.Gross, in.Net = make([][]float64, len(in.Runs)), make([][]float64, len(in.Runs))
	for i := range in.Runs {
		run := filepath.Join(dir, "runs", in.Runs[i].Run)
		if in.Equity[i], in.Gross[i], in.Net[i], err = readEquity(run); err != nil {
			return nil, err
		}
		if err := curveMatches(run, &in.Runs[i], in.Equity[i]); err != nil {
			return nil, err
		}
	}
	if !optional {
		return newRuns(in)
	}
	if in.Prices, err = readCloses(filepath.Join(dir, PricesFile)); err != nil {
		return nil, err
	}
	return New(in)
}

// New makes a Folder of results held in memory, reading only the
// optional files of in.Dir (stress, Monte Carlo, attribution tables and
// the charts the experiment drew).
func New(in Input) (*Folder, error) {
	f, err := newRuns(in)
	if err != nil {
		return nil, err
	}
	if err := f.readOptional(in); err != nil {
		return nil, err
	}
	return f, nil
}

// newRuns makes a Folder of in's runs alone: the records, curves and
// names, none of the optional files.
func newRuns(in Input) (*Folder, error) {
	if len(in.Runs) == 0 {
		return nil, fmt.Errorf("report: %s: no runs", in.Dir)
	}
	if len(in.Equity) != len(in.Runs) {
		return nil, fmt.Errorf("report: %d equity curves for %d runs", len(in.Equity), len(in.Runs))
	}
	f := &Folder{Dir: in.Dir, Manifest: in.Manifest, byKey: make(map[string]int, len(in.Runs))}
	for i := range in.Runs {
		r := Run{Key: in.Runs[i].Run, Record: in.Runs[i], Equity: in.Equity[i]}
		r.Equity.Initial = in.Runs[i].Cash // the base of its growth, returns and drawdown, as its metrics
		if len(r.Equity.Time) == 0 {
			return nil, fmt.Errorf("report: run %s: no equity", r.Key)
		}
		if i < len(in.Gross) && i < len(in.Net) && len(in.Gross[i]) == len(r.Equity.Time) && len(in.Net[i]) == len(r.Equity.Time) {
			r.Gross, r.Net = in.Gross[i], in.Net[i]
		}
		if _, dup := f.byKey[r.Key]; !dup {
			f.byKey[r.Key] = len(f.Runs)
		}
		f.Runs = append(f.Runs, r)
	}
	for i := range f.Runs {
		if !companion(&f.Runs[i].Record) {
			f.Main = append(f.Main, i)
		}
	}
	if len(f.Main) == 0 {
		for i := range f.Runs {
			f.Main = append(f.Main, i)
		}
	}
	// A main run is named by its strategy unless another main run has the
	// same name; the other runs by their keys.
	names := map[string]int{}
	for _, i := range f.Main {
		names[f.Runs[i].Record.Strategy]++
	}
	main := map[int]bool{}
	for _, i := range f.Main {
		main[i] = true
	}
	for i := range f.Runs {
		r := &f.Runs[i]
		r.Name = r.Record.Strategy
		if !main[i] || r.Name == "" || names[r.Name] > 1 {
			r.Name = r.Key
		}
		r.Equity.Name = r.Name
	}
	return f, nil
}

// readOptional reads, into f, the optional files of in.Dir and the
// series in gives (prices, legs).
func (f *Folder) readOptional(in Input) error {
	dir := in.Dir
	if len(in.Prices) > 0 {
		f.Prices = map[string]charts.Series{}
		for _, p := range in.Prices {
			f.Prices[p.Name] = p
		}
	}
	f.Tables = map[string]*Table{}
	f.SVG = map[string][]byte{}
	var err error
	if f.Benchmarks, err = readCloses(filepath.Join(dir, BenchmarksFile)); err != nil {
		return err
	}
	if f.Stress, err = readStress(filepath.Join(dir, StressFile), f); err != nil {
		return err
	}
	f.Stress, f.StressCoverage = stressCoverage(f.Stress)
	if f.Fans, err = readMonteCarlo(filepath.Join(dir, MonteCarloFile), f); err != nil {
		return err
	}
	if f.Legs, err = readAttribution(filepath.Join(dir, AttributionFile)); err != nil {
		return err
	}
	if f.Bands, err = readBands(dir); err != nil {
		return err
	}
	if f.WalkForwards, err = readWalkForwards(dir); err != nil {
		return err
	}
	if in.Legs != nil && len(in.Legs) != len(in.Runs) {
		return fmt.Errorf("report: %d leg series for %d runs", len(in.Legs), len(in.Runs))
	}
	for _, i := range f.Main {
		r := &f.Runs[i]
		if in.Legs != nil {
			r.Legs = in.Legs[i]
			continue
		}
		if r.Legs, err = readLegs(filepath.Join(dir, "runs", r.Key)); err != nil {
			return err
		}
	}
	for _, name := range []string{"stress_summary.csv", "montecarlo_summary.csv"} {
		header, rows, ok, err := openOptional(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if ok {
			f.Tables[name] = &Table{header, rows}
		}
	}
	var svgs []string
	if len(f.Fans) == 0 {
		svgs = append(svgs, "montecarlo.svg")
	}
	scen, _ := filepath.Glob(filepath.Join(dir, "stress", "*.svg"))
	slices.Sort(scen)
	for _, p := range scen {
		svgs = append(svgs, filepath.Join("stress", filepath.Base(p)))
	}
	for _, rel := range svgs {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		f.SVG[rel] = b
	}
	return nil
}

// Companion reports whether a run key names a run under a stress scenario
// (<base>@<scenario>) or a companion run (<base>~<role>, such as a pair
// hedge's long leg alone, hedge~long-leg), as package experiment
// names them. Ordinary run keys hold neither character. The report itself
// goes by the records' Scenario and LongLegOf fields.
func Companion(key string) bool { return strings.ContainsAny(key, "@~") }

// companion reports whether a run replays a stress scenario or is a
// companion of another run.
func companion(r *results.RunRecord) bool { return r.Scenario != "" || r.LongLegOf != "" }

// Names returns the main runs' chart names, in run order: the names of
// the folder's palette.
func (f *Folder) Names() []string {
	out := make([]string, len(f.Main))
	for k, i := range f.Main {
		out[k] = f.Runs[i].Name
	}
	return out
}

// Synthetic reports whether any input or run of the folder was synthetic.
func (f *Folder) Synthetic() bool {
	if f.Manifest.Synthetic {
		return true
	}
	for _, r := range f.Runs {
		if r.Record.Synthetic {
			return true
		}
	}
	return false
}

// Title is the experiment's name (from the runs' metrics.json), or the
// folder's name.
func (f *Folder) Title() string {
	for _, r := range f.Runs {
		if r.Record.Experiment != "" {
			return r.Record.Experiment
		}
	}
	return filepath.Base(f.Dir)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	return nil
}

// readCSV reads a CSV file with a header row; every row must have the
// header's number of fields.
func readCSV(path string) (header []string, rows [][]string, err error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("report: %w", err)
	}
	defer fh.Close()
	cr := csv.NewReader(fh)
	cr.ReuseRecord = false
	header, err = cr.Read()
	if err == io.EOF {
		return nil, nil, fmt.Errorf("report: %s: empty file, want a header row", path)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("report: %s: %w", path, err)
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("report: %s: %w", path, err)
		}
		rows = append(rows, rec)
	}
	return header, rows, nil
}

// columns finds the named columns in a header.
func columns(path string, header []string, names ...string) ([]int, error) {
	idx := make([]int, len(names))
	for i, n := range names {
		idx[i] = slices.Index(header, n)
		if idx[i] < 0 {
			return nil, fmt.Errorf("report: %s: no %s column (header %s; want %s)", path, n, strings.Join(header, ","), strings.Join(names, ","))
		}
	}
	return idx, nil
}

// parseFloat reads a number as the results writers write it; empty is NaN.
func parseFloat(path string, line int, col, s string) (float64, error) {
	if s == "" {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("report: %s:%d: %s %q is not a number", path, line, col, s)
	}
	return v, nil
}

// parseTime reads a date (2006-01-02) or an RFC 3339 time, as UTC Unix
// nanoseconds.
func parseTime(path string, line int, s string) (int64, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return 0, fmt.Errorf("report: %s:%d: time %q is neither a date (2006-01-02) nor RFC 3339", path, line, s)
		}
	}
	n, err := data.UnixNanos(t)
	if err != nil {
		return 0, fmt.Errorf("report: %s:%d: time %q is %w", path, line, s, err)
	}
	return n, nil
}

// curveMatches checks that the equity curve s read from the run folder
// dir ends where the run's metrics.json measured it: as many returns
// (results.RunReturns from its initial cash) as its periods, and its last
// point its final equity. A file cut at a row's end (a copy interrupted,
// a CSV trimmed) reads without error, and was drawn, compared and
// aligned on as if the run had ended there.
func curveMatches(dir string, r *results.RunRecord, s charts.Series) error {
	if len(s.Values) == 0 {
		return nil // New says the run has no equity
	}
	rets, _ := results.RunReturns(r.Cash, s.Values)
	last := s.Values[len(s.Values)-1]
	want := r.Metrics.FinalEquity
	if len(rets) == r.Metrics.Periods && (last == want || math.IsNaN(last) && math.IsNaN(want)) {
		return nil
	}
	file := filepath.Join(dir, "equity.parquet")
	if _, err := os.Stat(file); err != nil {
		file = filepath.Join(dir, "equity.csv")
	}
	return fmt.Errorf("report: %s: %d returns to %s, ending at %.10g, where its metrics.json measured %d to a final equity of %.10g: the file is cut short or not this run's; run the experiment again",
		file, len(rets), results.FormatTime(s.Time[len(s.Time)-1]), last, r.Metrics.Periods, want)
}

// readEquity reads a run's equity: the time and equity columns of
// equity.parquet in its folder, or of equity.csv when there is no Parquet
// file. Times must be strictly increasing.
func readEquity(dir string) (s charts.Series, gross, net []float64, err error) {
	pq := filepath.Join(dir, "equity.parquet")
	if _, err := os.Stat(pq); err == nil {
		t, err := results.ReadTableParquet(pq, "time", "equity", "gross", "net")
		if err != nil {
			// A file of other tools may have time and equity only.
			if t, err = results.ReadTableParquet(pq, "time", "equity"); err != nil {
				return s, nil, nil, fmt.Errorf("report: %w", err)
			}
		}
		s = charts.Series{Time: t.Columns[0].Times, Values: t.Columns[1].Floats}
		if s.Time == nil || s.Values == nil {
			return s, nil, nil, fmt.Errorf("report: %s: time is not a timestamp or equity not a double column", pq)
		}
		for i := 1; i < len(s.Time); i++ {
			if s.Time[i] <= s.Time[i-1] {
				return s, nil, nil, fmt.Errorf("report: %s: row %d: time %s is not after the previous row's", pq, i+1, results.FormatTime(s.Time[i]))
			}
		}
		if len(s.Time) == 0 {
			return s, nil, nil, fmt.Errorf("report: %s: no rows", pq)
		}
		if len(t.Columns) == 4 {
			gross, net = t.Columns[2].Floats, t.Columns[3].Floats
		}
		return s, gross, net, nil
	}
	path := filepath.Join(dir, "equity.csv")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// Neither: the Parquet file is the one the program writes (the
		// CSV copy only for small experiments), so it is the one named.
		return s, nil, nil, fmt.Errorf("report: %s has no equity.parquet (nor equity.csv): the folder is incomplete; run the experiment again", dir)
	}
	header, rows, err := readCSV(path)
	if err != nil {
		return s, nil, nil, err
	}
	idx, err := columns(path, header, "time", "equity")
	if err != nil {
		return s, nil, nil, err
	}
	s = charts.Series{Time: make([]int64, len(rows)), Values: make([]float64, len(rows))}
	for i, r := range rows {
		line := i + 2
		if s.Time[i], err = parseTime(path, line, r[idx[0]]); err != nil {
			return s, nil, nil, err
		}
		if i > 0 && s.Time[i] <= s.Time[i-1] {
			return s, nil, nil, fmt.Errorf("report: %s:%d: time %s is not after the previous row's", path, line, r[idx[0]])
		}
		if s.Values[i], err = parseFloat(path, line, "equity", r[idx[1]]); err != nil {
			return s, nil, nil, err
		}
	}
	if len(rows) == 0 {
		return s, nil, nil, fmt.Errorf("report: %s: no rows", path)
	}
	return s, nil, nil, nil
}

// openOptional reads an optional table given by its CSV path: from the
// Parquet file of the same name when there is one (numbers as the CSV
// writer writes them, NaN as an empty field), else from the CSV file; ok
// is false when neither exists.
func openOptional(path string) (header []string, rows [][]string, ok bool, err error) {
	pq := strings.TrimSuffix(path, ".csv") + ".parquet"
	if _, err := os.Stat(pq); err == nil {
		t, err := results.ReadTableParquet(pq)
		if err != nil {
			return nil, nil, false, fmt.Errorf("report: %w", err)
		}
		header, rows = tableText(t)
		return header, rows, true, nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, false, nil
	}
	header, rows, err = readCSV(path)
	return header, rows, err == nil, err
}

// tableText turns a table into text cells as its CSV file would hold them.
func tableText(t *results.Table) (header []string, rows [][]string) {
	header = make([]string, len(t.Columns))
	for j, c := range t.Columns {
		header[j] = c.Name
	}
	rows = make([][]string, t.Rows())
	for i := range rows {
		row := make([]string, len(t.Columns))
		for j := range t.Columns {
			c := &t.Columns[j]
			switch {
			case c.Floats != nil:
				if !math.IsNaN(c.Floats[i]) {
					row[j] = strconv.FormatFloat(c.Floats[i], 'g', -1, 64)
				}
			case c.Ints != nil:
				row[j] = strconv.FormatInt(c.Ints[i], 10)
			case c.Uints != nil:
				row[j] = strconv.FormatUint(c.Uints[i], 10)
			case c.Bools != nil:
				row[j] = strconv.FormatBool(c.Bools[i])
			case c.Strings != nil:
				row[j] = c.Strings[i]
			default:
				row[j] = results.FormatTime(c.Times[i])
			}
		}
		rows[i] = row
	}
	return header, rows
}

// readStress reads stress.csv in either layout: long
// (strategy,scenario,metric,value) or wide (a scenario column, a run or
// strategy column, and one column per metric, as package
// experiment writes it). In the wide layout a row is labelled by
// its strategy when every run has its own strategy name, else by its run.
func readStress(path string, f *Folder) ([]StressCell, error) {
	header, rows, ok, err := openOptional(path)
	if !ok {
		return nil, err
	}
	if slices.Contains(header, "metric") && slices.Contains(header, "value") {
		idx, err := columns(path, header, "strategy", "scenario", "metric", "value")
		if err != nil {
			return nil, err
		}
		out := make([]StressCell, 0, len(rows))
		for i, r := range rows {
			v, err := parseFloat(path, i+2, "value", r[idx[3]])
			if err != nil {
				return nil, err
			}
			out = append(out, StressCell{Strategy: r[idx[0]], Scenario: r[idx[1]], Metric: r[idx[2]], Value: v})
		}
		return out, nil
	}
	sc := slices.Index(header, "scenario")
	runCol, stratCol := slices.Index(header, "run"), slices.Index(header, "strategy")
	if sc < 0 || (runCol < 0 && stratCol < 0) {
		return nil, fmt.Errorf("report: %s: want columns strategy,scenario,metric,value or a scenario column with a run or strategy column (header %s)", path, strings.Join(header, ","))
	}
	label := stratCol
	if runCol >= 0 {
		label = runCol
		if stratCol >= 0 { // strategy names, when each names a single run
			runsOf := map[string]map[string]bool{}
			for _, r := range rows {
				if runsOf[r[stratCol]] == nil {
					runsOf[r[stratCol]] = map[string]bool{}
				}
				runsOf[r[stratCol]][r[runCol]] = true
			}
			unique := true
			for _, rs := range runsOf {
				unique = unique && len(rs) == 1
			}
			if unique {
				label = stratCol
			}
		}
	}
	// The metric columns: those whose every non-empty field is a number.
	numeric := make([]bool, len(header))
	for j := range header {
		numeric[j] = j != sc && j != runCol && j != stratCol
		for _, r := range rows {
			if _, err := strconv.ParseFloat(r[j], 64); err != nil && r[j] != "" {
				numeric[j] = false
				break
			}
		}
	}
	var out []StressCell
	for _, r := range rows {
		for j, h := range header {
			if !numeric[j] {
				continue
			}
			v := math.NaN()
			if r[j] != "" {
				v, _ = strconv.ParseFloat(r[j], 64)
			}
			out = append(out, StressCell{Strategy: r[label], Scenario: r[sc], Metric: h, Value: v})
		}
	}
	return out, nil
}

func readMonteCarlo(path string, f *Folder) ([]charts.Fan, error) {
	header, rows, ok, err := openOptional(path)
	if !ok {
		return nil, err
	}
	if !slices.Contains(header, "time") || !slices.Contains(header, "equity") {
		f.Tables[filepath.Base(path)] = &Table{header, rows}
		return nil, nil
	}
	idx, err := columns(path, header, "strategy", "path", "time", "equity")
	if err != nil {
		return nil, err
	}
	type point struct {
		path int
		t    int64
		v    float64
	}
	var order []string
	pts := map[string][]point{}
	for i, r := range rows {
		line := i + 2
		p, err := strconv.Atoi(r[idx[1]])
		if err != nil || p < 0 {
			return nil, fmt.Errorf("report: %s:%d: path %q is not an integer ≥ 0", path, line, r[idx[1]])
		}
		t, err := parseTime(path, line, r[idx[2]])
		if err != nil {
			return nil, err
		}
		v, err := parseFloat(path, line, "equity", r[idx[3]])
		if err != nil {
			return nil, err
		}
		s := r[idx[0]]
		if _, seen := pts[s]; !seen {
			order = append(order, s)
		}
		pts[s] = append(pts[s], point{p, t, v})
	}
	fans := make([]charts.Fan, 0, len(order))
	for _, s := range order {
		var times []int64
		paths := map[int]bool{}
		for _, p := range pts[s] {
			times = append(times, p.t)
			paths[p.path] = true
		}
		slices.Sort(times)
		times = slices.Compact(times)
		ids := make([]int, 0, len(paths))
		for id := range paths {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		row := map[int]int{}
		for i, id := range ids {
			row[id] = i
		}
		fan := charts.Fan{Name: s, Time: times, Paths: make([][]float64, len(ids))}
		for i := range fan.Paths {
			fan.Paths[i] = make([]float64, len(times))
			for k := range fan.Paths[i] {
				fan.Paths[i][k] = math.NaN()
			}
		}
		for _, p := range pts[s] {
			k, _ := slices.BinarySearch(times, p.t)
			fan.Paths[row[p.path]][k] = p.v
		}
		fans = append(fans, fan)
	}
	return fans, nil
}

func readAttribution(path string) ([]charts.Legs, error) {
	header, rows, ok, err := openOptional(path)
	if !ok {
		return nil, err
	}
	// The experiment's layout (run, instrument, …, pnl) or the generic one
	// (strategy, leg, pnl).
	idx, err := columns(path, header, "run", "instrument", "pnl")
	if err != nil {
		if idx, err = columns(path, header, "strategy", "leg", "pnl"); err != nil {
			return nil, err
		}
	}
	var out []charts.Legs
	at := map[string]int{}
	for i, r := range rows {
		v, err := parseFloat(path, i+2, "pnl", r[idx[2]])
		if err != nil {
			return nil, err
		}
		s := r[idx[0]]
		k, ok := at[s]
		if !ok {
			k = len(out)
			at[s] = k
			out = append(out, charts.Legs{Run: s})
		}
		out[k].Names = append(out[k].Names, r[idx[1]])
		out[k].PnL = append(out[k].PnL, v)
	}
	return out, nil
}

// PricesFile is the instruments' closes an experiment writes beside the
// report (symbol, time, close; reduced per pixel column): the report draws
// the runs' entries and exits on them.
const PricesFile = "prices.parquet"

// BenchmarksFile is the benchmark instruments' closes an experiment
// writes (symbol, time, close; every bar over the runs' span, in the
// experiment's order): the report's rolling beta is measured against the
// first.
const BenchmarksFile = "benchmarks.parquet"

// readCloses reads a file of closes (PricesFile, BenchmarksFile) into one
// series per symbol, in the file's order; nil when the folder has none
// (without prices, the report draws the scaled-entry ladders from the
// fills alone; without benchmarks, it has no beta chart).
func readCloses(path string) ([]charts.Series, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	t, err := results.ReadTableParquet(path, "symbol", "time", "close")
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	sym, times, closes := t.Columns[0].Strings, t.Columns[1].Times, t.Columns[2].Floats
	if sym == nil || times == nil || closes == nil {
		return nil, fmt.Errorf("report: %s: want symbol (text), time (timestamp) and close (double) columns", path)
	}
	var out []charts.Series
	seen := map[string]bool{}
	for k := range sym {
		if len(out) == 0 || out[len(out)-1].Name != sym[k] {
			if seen[sym[k]] {
				return nil, fmt.Errorf("report: %s: row %d: %s's rows are not together", path, k+1, sym[k])
			}
			seen[sym[k]] = true
			out = append(out, charts.Series{Name: sym[k]})
		}
		l := &out[len(out)-1]
		if n := len(l.Time); n > 0 && times[k] <= l.Time[n-1] {
			return nil, fmt.Errorf("report: %s: row %d: %s's times are not increasing", path, k+1, sym[k])
		}
		l.Time, l.Values = append(l.Time, times[k]), append(l.Values, closes[k])
	}
	return out, nil
}
