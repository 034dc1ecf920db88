// Package experiment is the application layer: it reads experiment files
// (strict TOML, [Parse] and [Load]) and runs them ([Run]): it loads the
// data (synthetic, files or the catalog), builds every run (one strategy
// with one parameter set) from a strategy registry, executes the runs
// (sweeps, scenarios, stress, Monte Carlo, walk-forward) in parallel, and
// hands each run's results to package results, which writes them.
//
// It sits on top of the other packages (cmd → experiment → results,
// scenarios, strategies → engine → data) so that cmd/divergence stays a
// thin parser of flags and the environment. It reads no environment
// variable: what the command line takes from the environment comes in
// through [Options] (DataDir). A Go program runs an experiment with
// strategy types of its own by adding them to the registry it passes:
//
//	reg := strategies.Builtins()
//	reg["my-type"] = strategies.Factory{Name: "my-type", New: newMine}
//	out, err := experiment.Run(ctx, f, experiment.Options{Strategies: reg})
package experiment

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/duckdb"
	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/scenarios"
	"github.com/divergence-research/divergence/strategies"
)

// File is an experiment file as written in TOML. Every key is documented
// in README.md ("An experiment file").
//
// The defaults the fields' comments give are set by Parse and Load: a
// File a program builds as a literal has none of them (its Cash is 0,
// which Validate refuses, its Seed 0), and no path, so relative paths
// resolve against the working directory and the manifest records no
// experiment file. A program that builds an experiment in Go starts from
// Parse of a short text and changes the fields it needs (Inline holds
// scenarios built in Go).
type File struct {
	// Name is the experiment's title, used in plots and the output folder
	// name. Required.
	Name string `toml:"name"`
	// Description is free text carried to the manifest.
	Description string `toml:"description"`
	// Seed is the root seed; each run's seed derives from it and the run's
	// key. Default 1.
	Seed uint64 `toml:"seed"`
	// Cash is the starting cash of every run. Default 1,000,000.
	Cash float64 `toml:"cash"`
	// CommissionBps is the commission on every fill, in basis points of
	// notional. Default 0.
	CommissionBps float64 `toml:"commission_bps"`
	// Start and End bound the replayed period, End exclusive: bars at or
	// after Start and before End are replayed. Each is a date YYYY-MM-DD
	// (00:00 UTC) or an RFC 3339 instant with Z or an offset
	// ("2024-03-04T14:30:00Z", "2024-03-04T09:30:00-05:00", converted to
	// UTC) for intraday bars, written as a string or as TOML's own date
	// or date-time; an instant without a zone is refused. Bars
	// before Start are warm-up history the strategies can read (see
	// Warmup). Empty = from the first bar / to the last.
	Start data.When `toml:"start"`
	End   data.When `toml:"end"`
	// Warmup, true by default, lets the strategies and their indicators
	// read the bars before Start as history. false starts cold: the data
	// is cut at Start before the runs, so that nothing before it is
	// visible and every instrument's bar 0 is its first bar on or after
	// Start (the convention of tools that start at the first bar).
	// Benchmarks and scenarios' historical transplants still read the
	// whole data.
	Warmup *bool `toml:"warmup"`
	// Fill is when the orders of every strategy that takes the fill key
	// (every built-in) trade, unless the strategy's params set their own:
	// "next-open" (default: market orders at the next open) or "close"
	// (market-on-close orders at the decision bar's close; see
	// docs/strategies.md for its look-ahead caveat). Absent, each
	// strategy's own default.
	Fill *strategies.Fill `toml:"fill"`
	// Prices is "adjusted" (default: OHLC scaled by adj_close/close, so
	// splits and dividends are not price moves) or "raw".
	Prices string `toml:"prices"`

	// Benchmarks are instruments every run is measured against (beta,
	// alpha, correlation, tracking error, information ratio, capture in
	// metrics.json); they are loaded beside the strategies' instruments.
	Benchmarks []string `toml:"benchmarks"`

	// Bar resamples every series to this interval (1m, 5m, 15m, 1h, 4h or
	// 1d) through DuckDB (duckdb.Resample: open first, high max, low min,
	// close last, volume sum; crypto days cut at 00:00 UTC, equities' daily
	// bars from their New York session). Unset, the bars are replayed as
	// stored, and series of different intervals are an error naming two of
	// them.
	Bar data.Interval `toml:"bar"`

	Data DataSpec `toml:"data"`
	// Costs sets the execution and carrying-cost models and margin per
	// asset class and per instrument (see CostsSpec); absent, the only
	// cost is commission_bps.
	Costs CostsSpec `toml:"costs"`
	// Splits adjusts positions on split dates when prices = "raw".
	Splits []SplitSpec `toml:"splits"`
	// Dividends pays cash dividends on the positions held into their
	// ex-dates when prices = "raw" (adjusted prices already hold them).
	Dividends []DividendSpec `toml:"dividends"`
	// DividendsFrom = "adj_close" reads every instrument's cash dividends
	// from its file's adj_close/close factor (data.Series.InferDividends)
	// when prices = "raw", but those of the instruments the dividends
	// table names, which it gives. A key of its own: dividends is the
	// table.
	DividendsFrom string         `toml:"dividends_from"`
	Strategy      []StrategySpec `toml:"strategy"`
	// Scenarios names scenarios to replay every run under, beside the
	// unshocked baseline: names from the built-in library
	// (`divergence scenarios list`) or paths of scenario files.
	Scenarios []string `toml:"scenarios"`
	// ScenarioStart is day 0 of the scenarios' shocks that are placed by
	// a day offset (every library scenario): a date YYYY-MM-DD (00:00
	// UTC) or an RFC 3339 instant, as Start takes (day k is then k × 24
	// hours after it). Default: 30
	// calendar days after start, or after the first bar when start is
	// not given or is before the data, so that the strategies hold their
	// positions when the shock lands.
	ScenarioStart data.When `toml:"scenario_start"`
	// Scenario holds scenarios written inline, as [[scenario]] tables with
	// the keys of a scenario file; [Parse] decodes them into Inline.
	Scenario []toml.Primitive `toml:"scenario"`
	// Inline are the [[scenario]] tables decoded (by [Parse]); a program
	// may add scenarios of its own. They run after Scenarios.
	Inline []*scenarios.Scenario `toml:"-"`
	// Groups names baskets that scenarios address (ai_tech, ai_tokens,
	// miners, …); they replace the built-in groups of the same name.
	Groups map[string][]string `toml:"groups"`
	// MonteCarlo, when present, runs every strategy over bootstrapped paths.
	MonteCarlo *MonteCarloSpec `toml:"montecarlo"`
	// WalkForward, when present, adds a walk-forward analysis of every
	// strategy over its sweep (see WalkForwardSpec).
	WalkForward *WalkForwardSpec `toml:"walkforward"`
	// Output chooses the optional files ([output]).
	Output OutputSpec `toml:"output"`

	path string // where the file was read from
	// rateFiles are the rate files engineBase read, by key
	// (costs.cash_rate_file, costs.symbols.SYM.borrow_rate_file), for the
	// run's notes on them (rateFileNotes).
	rateFiles map[string]*data.RateSeries
	// instruments are the runs' instruments, sorted, for errors that
	// name them (a funding file of another symbol); set by Run.
	instruments []string
}

// OutputSpec chooses the optional files of the results folder.
type OutputSpec struct {
	// CSV says when a run's per-bar tables are also written as CSV
	// (runs/<key>/equity.csv, fills.csv, legs.csv) beside their Parquet
	// files, which are always written: "auto" (or empty) for an
	// experiment of at most CSVRunsMax runs, "always" or "never". The
	// experiment's own tables (runs.csv, stress, Monte Carlo, …) are CSV
	// either way.
	CSV string `toml:"csv"`
}

// CSVRunsMax is the most runs whose CSV copies output.csv = "auto"
// writes: a sweep of hundreds of runs writes Parquet (and
// results.duckdb) only, at a fraction of the time and disk.
const CSVRunsMax = 50

// ValidCSV checks a value of output.csv (or of Options.CSV, `--csv`):
// "" (auto), auto, always or never. Its error quotes the value; the
// caller names the key.
func ValidCSV(v string) error {
	switch v {
	case "", "auto", "always", "never":
		return nil
	}
	return fmt.Errorf("%q: want auto, always or never", v)
}

// perRunCSV says whether an experiment of n runs writes its runs' CSV
// copies, by opt.CSV when set, else by the file's output.csv; with
// "auto" and more than CSVRunsMax runs, note says so.
func (f *File) perRunCSV(n int, opt Options) (csv bool, note string) {
	v := f.Output.CSV
	if opt.CSV != "" {
		v = opt.CSV
	}
	switch v {
	case "always":
		return true, ""
	case "never":
		return false, ""
	}
	if n <= CSVRunsMax {
		return true, ""
	}
	return false, fmt.Sprintf("%d runs: each run's equity, fills and legs are written as Parquet only (runs/<key>/*.parquet, and in results.duckdb); set [output] csv = \"always\" (or --csv always) for CSV copies", n)
}

// DataSpec says where the bars come from: exactly one of Synthetic, Dir,
// Catalog, Table (a one-table dataset, or a table of the DuckDB database)
// or Query.
type DataSpec struct {
	// Synthetic uses the seeded synthetic market (data/synth); every output
	// is then labelled synthetic.
	Synthetic bool `toml:"synthetic"`
	// SyntheticSeed seeds the synthetic market. Default 7.
	SyntheticSeed uint64 `toml:"synthetic_seed"`
	// Interval, with Synthetic, generates an intraday market of that bar
	// (1m, 5m, 15m, 1h or 4h: synth.GenerateIntraday, equities in New York
	// sessions, crypto 24/7) instead of the daily one. It starts on the
	// day of the experiment's start, at 00:00 UTC (default 2025-01-01),
	// and lasts Days.
	Interval data.Interval `toml:"interval"`
	// Days is the intraday synthetic market's length in calendar days.
	// Default 60.
	Days int `toml:"days"`
	// Dir is a folder of price files, one per instrument, found by symbol
	// as SYM.csv, SYM-USD.csv, SYM-USDT.csv (or any of them gzipped, .csv.gz),
	// SYM.parquet or SYM.arrow; two of them for one symbol are an error
	// (name the one to use under Files).
	// Relative to the experiment file's folder. The environment variable
	// DIVERGENCE_DATA, when set, replaces it.
	Dir string `toml:"dir"`
	// Files maps a symbol to a file (relative to Dir) when the name does
	// not follow the pattern above.
	Files map[string]string `toml:"files"`
	// Classes overrides the asset class guessed for a symbol
	// ("equity" or "crypto").
	Classes map[string]string `toml:"classes"`
	// Catalog is a DuckDB catalog file made by `divergence data import`.
	// Relative to the experiment file's folder.
	Catalog string `toml:"catalog"`
	// LotSizes sets an instrument's lot: order quantities are rounded down
	// to whole lots (1 = whole shares). Default: fractional quantities.
	LotSizes map[string]float64 `toml:"lot_sizes"`
	// Symbols adds instruments to load beyond those the strategies name
	// (they widen the timeline).
	Symbols []string `toml:"symbols"`

	// Table is a one-table dataset holding every instrument's bars with a
	// symbol column: a Parquet file, a glob ("bars/*.parquet"), a
	// hive-partitioned folder ("bars/", holding symbol=NVDA/…), a CSV or an
	// Arrow IPC file; relative to the experiment file's folder. With
	// DuckDB it is instead a table or view of that database.
	Table string `toml:"table"`
	// DuckDB is an existing DuckDB database file, opened read-only; Table
	// or Query then reads from it. Relative to the experiment file's folder.
	DuckDB string `toml:"duckdb"`
	// Query is any DuckDB SELECT returning the bars' columns and a symbol
	// column. Only the experiment's instruments and period are read from a
	// table or query: both are pushed into the DuckDB query.
	Query string `toml:"query"`
	// Columns maps differently named columns of a table or query: keys
	// time, symbol, open, high, low, close, adj_close, volume
	// ({ time = "open_time", symbol = "ticker", close = "px_last" }).
	Columns map[string]string `toml:"columns"`
	// Timezone is the IANA zone ("America/New_York") of timestamps written
	// without an offset, in files, tables and queries; default UTC.
	// Timestamps with an offset, epoch numbers and zoned Parquet/Arrow
	// timestamps state their instant and ignore it.
	Timezone string `toml:"timezone"`
	// DateFormat reads slash dates whose day and month cannot be told
	// apart: "MM/DD/YYYY" or "DD/MM/YYYY". Default: decided from the rows.
	DateFormat data.DateFormat `toml:"date_format"`
	// OnBadRow is what reading a price file does with a bar whose open,
	// high, low and close contradict each other: "fail" (default), "skip"
	// or "clip" (see data.BadRowPolicy). The rows skipped or repaired are
	// listed in the manifest's inputs and counted in the run's notes.
	OnBadRow data.BadRowPolicy `toml:"on_bad_row"`
}

// days is Days, or its default of 60.
func (d DataSpec) days() int {
	if d.Days == 0 {
		return 60
	}
	return d.Days
}

// source is the one-table or SQL source of the spec (Table or Query set).
func (d *DataSpec) source(resolve func(string) string) duckdb.Source {
	src := duckdb.Source{Table: d.Table, Query: d.Query, Columns: d.Columns, Timezone: d.Timezone, DateFormat: d.DateFormat, OnBadRow: d.OnBadRow}
	if d.DuckDB != "" {
		src.DuckDB = resolve(d.DuckDB)
	} else if src.Table != "" {
		src.Table = resolve(src.Table)
	}
	return src
}

// validate checks the data table's keys and names the bad one.
func (d *DataSpec) validate() error {
	n := 0
	for _, b := range []bool{d.Synthetic, d.Dir != "", d.Catalog != "", d.Table != "" || d.Query != ""} {
		if b {
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("data: no source of bars: add a [data] table with dir = \"…\", the folder of price files (SYM.csv, SYM-USD.csv; relative to the experiment file, and $DIVERGENCE_DATA replaces it on the command line), or one of synthetic = true, catalog, table or query")
	}
	if n != 1 {
		return fmt.Errorf("data: set exactly one of synthetic = true, dir, catalog, table or query")
	}
	if d.Table != "" && d.Query != "" {
		return fmt.Errorf("data.query: give a table or a query, not both")
	}
	if d.DuckDB != "" && d.Table == "" && d.Query == "" {
		return fmt.Errorf("data.duckdb: name the table to read (data.table = \"bars\") or give a query")
	}
	if strings.TrimSpace(d.Query) == "" && d.Query != "" {
		return fmt.Errorf("data.query: empty")
	}
	if len(d.Columns) > 0 && d.Table == "" && d.Query == "" {
		return fmt.Errorf("data.columns: renames the columns of a table or query; set data.table or data.query")
	}
	if len(d.Columns) > 0 {
		if err := (duckdb.Source{Table: "x", Columns: d.Columns}).Validate(); err != nil {
			return fmt.Errorf("data.columns: %w", err)
		}
	}
	if _, err := data.LoadTimezone(d.Timezone); err != nil {
		return fmt.Errorf("data.timezone: %w", err)
	}
	if (d.Timezone != "" || d.DateFormat != data.DateFormatAuto) && (d.Synthetic || d.Catalog != "") {
		return fmt.Errorf("data.timezone, data.date_format: apply to files, tables and queries (a catalog's bars were stamped when imported)")
	}
	if d.Interval != 0 && !d.Synthetic {
		return fmt.Errorf("data.interval: chooses the synthetic market's bar; to resample real data set bar = %q at the top of the file", d.Interval.String())
	}
	if d.Interval != 0 && !d.Interval.Intraday() {
		return fmt.Errorf("data.interval = %q: want an intraday bar (1m, 5m, 15m, 1h or 4h); without it the synthetic market is daily", d.Interval.String())
	}
	if d.Days != 0 && d.Interval == 0 {
		return fmt.Errorf("data.days: the length of the intraday synthetic market; set data.interval")
	}
	if d.Days < 0 || d.Days > 3660 {
		return fmt.Errorf("data.days = %d: want 1 to 3660 calendar days", d.Days)
	}
	for i, sym := range d.Symbols {
		if err := checkSymbol(sym); err != nil {
			return fmt.Errorf("data.symbols[%d] = %q: %w", i, sym, err)
		}
	}
	return nil
}

// checkSymbol refuses a symbol no instrument can have: empty, or padded
// with white space (" TAO" is looked for as " TAO.csv"; a table writing
// it so is refused as a second spelling of TAO).
func checkSymbol(sym string) error {
	switch {
	case strings.TrimSpace(sym) == "":
		return errors.New("an empty symbol")
	case strings.TrimSpace(sym) != sym:
		return fmt.Errorf("white space around the symbol (want %q)", strings.TrimSpace(sym))
	}
	return nil
}

// StrategySpec is one [[strategy]] table.
type StrategySpec struct {
	// Name labels the strategy's runs in tables and plots. Required, unique.
	Name string `toml:"name"`
	// Type is a registered strategy type (see `divergence strategies`).
	Type string `toml:"type"`
	// Params are the strategy's parameters, decoded by the strategy.
	Params map[string]any `toml:"params"`
	// Sweep turns parameters into lists (gross = [0.5, 1.0]) or ranges
	// (rebalance_days = { from = 7, to = 28, step = 7 }); the strategy then
	// runs once per point of their cartesian product.
	Sweep map[string]any `toml:"sweep"`
}

// maxFileSize bounds an experiment file (a few kB in practice): a larger
// one is refused with its size before it is read.
const maxFileSize = 16 << 20

// Load reads and validates an experiment file (see [Parse]). Unknown keys
// are errors that name them.
func Load(path string) (*File, error) {
	b, err := data.ReadFileLimit(path, maxFileSize)
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	f, err := Parse(path, string(b))
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Parse decodes an experiment from TOML text and validates it
// ([File.Validate]); path is used in errors and to resolve relative
// paths. The strategies' types and parameters are checked when the
// experiment runs, against the registry of its [Options].
//
// Decoding is strict and its cost linear in the text's size: nesting is
// bounded before the TOML parser sees the text (strict.Parse), the file's
// keys are checked against File's schema (strict.Decode: an unknown key,
// at any depth, is an error that names at most a few, then a count), a
// negative value for a seed is refused with its key, and every inline
// [[scenario]] table is decoded from the same document
// (scenarios.FromPrimitive). Strategy params and sweeps are free-form
// here; each strategy decodes its own.
func Parse(path, text string) (*File, error) {
	f := &File{Seed: 1, Cash: 1_000_000, Prices: "adjusted", Data: DataSpec{SyntheticSeed: 7}}
	md, p, err := strict.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := strict.Decode(&md, p, f, ""); err != nil {
		return nil, fmt.Errorf("%s: %w%s", path, err, misplacedKey(err, ""))
	}
	// Montecarlo's paths, days and mean_block default when left out; a 0
	// written is refused (validate cannot tell it from one left out).
	if mc := f.MonteCarlo; mc != nil {
		for _, z := range []struct {
			key, want string
			zero      bool
		}{
			{"paths", "1 to 1,000,000 (leave it out for 200)", mc.Paths == 0},
			{"days", "2 to 36,525 (leave it out for 365)", mc.Days == 0},
			{"mean_block", ">= 1 (leave it out for 10)", mc.MeanBlock == 0},
		} {
			if z.zero && md.IsDefined("montecarlo", z.key) {
				return nil, fmt.Errorf("%s: montecarlo.%s = 0: want %s", path, z.key, z.want)
			}
		}
	}
	// Walkforward's window lengths have no default: one left out is
	// required, not "= 0" (validate cannot tell it from a 0 written).
	if w := f.WalkForward; w != nil {
		for _, k := range []string{"in_sample_days", "out_of_sample_days"} {
			if !md.IsDefined("walkforward", k) {
				return nil, fmt.Errorf("%s: walkforward.%s: required (whole calendar days, 1 to %d)", path, k, maxWindowDays)
			}
		}
	}
	for i, sp := range f.Scenario {
		s, err := scenarios.FromPrimitive(fmt.Sprintf("scenario[%d]", i), md, sp)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		f.Inline = append(f.Inline, s)
	}
	f.path = path
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// misplacedKey says, of an unknown key that is a key of the file's top
// level (benchmarks, commission_bps) or close to one, found in a table,
// that TOML put it in the table whose header it was written below: a
// newcomer's key added at the end of a file lands in its last table.
// table is the header of the table the keys were read in ("[strategy.params]"),
// or "" to take it from each key's path (data.commission_bps: [data]).
// "" when no key is one.
func misplacedKey(err error, table string) string {
	var uk *strict.UnknownKeysError
	if !errors.As(err, &uk) {
		return ""
	}
	top := strict.Known(File{})
	for _, k := range uk.Keys {
		where, last := table, k
		if table == "" {
			i := strings.LastIndexByte(k, '.')
			if i < 0 {
				continue // a key of the top level itself
			}
			where, last = header(k[:i]), k[i+1:]
		} else if strings.ContainsAny(k, ".[") {
			continue
		}
		if strict.Closest(last, uk.Known) != "" {
			continue // a misspelling of a key of its own table, which the error names
		}
		m := last
		if !slices.Contains(top, m) {
			if m = strict.Closest(last, top); m == "" {
				continue
			}
		}
		return fmt.Sprintf("; %s is a key of the file's top level, not of %s: TOML puts every key written below a table's header in that table, so write it above the file's first [table]", m, where)
	}
	return ""
}

// header writes a table's path as its TOML header: data is [data],
// costs.equity [costs.equity], strategy[0] [[strategy]].
func header(path string) string {
	var parts []string
	array := false
	for p := range strings.SplitSeq(path, ".") {
		name, _, indexed := strings.Cut(p, "[")
		parts = append(parts, name)
		array = indexed
	}
	if array {
		return "[[" + strings.Join(parts, ".") + "]]"
	}
	return "[" + strings.Join(parts, ".") + "]"
}

// Validate checks the file and names the bad key. The strategies' types
// and parameters are checked apart, by [File.Runs] against a registry
// ([Run] does both), so that a file may name strategy types of the
// program's own.
func (f *File) Validate() error {
	if strings.TrimSpace(f.Name) == "" {
		return fmt.Errorf("name: required")
	}
	if n := len(results.Slug(f.Name)); n > maxExperimentSlug {
		return fmt.Errorf("name: its results folder's name would be %d characters long, want at most %d: shorten it (description takes any text)", n, maxExperimentSlug)
	}
	if !(f.Cash > 0) || f.Cash > 1e15 {
		return fmt.Errorf("cash = %g: want a positive amount up to 1e15", f.Cash)
	}
	if f.CommissionBps < 0 || f.CommissionBps >= 1e4 || math.IsNaN(f.CommissionBps) {
		return fmt.Errorf("commission_bps = %g: want [0, 10000)", f.CommissionBps)
	}
	start, err := parseBound("start", f.Start)
	if err != nil {
		return err
	}
	end, err := parseBound("end", f.End)
	if err != nil {
		return err
	}
	if f.Start != "" && f.End != "" && end <= start {
		return fmt.Errorf("end = %s is not after start = %s", f.End, f.Start)
	}
	if f.Prices != "adjusted" && f.Prices != "raw" {
		return fmt.Errorf("prices = %q: want \"adjusted\" or \"raw\"", f.Prices)
	}
	switch {
	case f.DividendsFrom != "" && f.DividendsFrom != "adj_close":
		return fmt.Errorf("dividends_from = %q: want \"adj_close\" (read each instrument's dividends from its adj_close/close), or leave it out", f.DividendsFrom)
	case f.DividendsFrom != "" && f.Prices != "raw":
		return fmt.Errorf("dividends_from = %q needs prices = \"raw\": adjusted prices already hold the dividends, which would count twice", f.DividendsFrom)
	case len(f.Dividends) > 0 && f.Prices != "raw":
		return fmt.Errorf("dividends: a dividends table needs prices = \"raw\": adjusted prices already hold the dividends, which would count twice")
	}
	if f.Bar != 0 {
		if _, err := data.ParseBar(f.Bar.String()); err != nil {
			return fmt.Errorf("bar = %q: want one of 1m, 5m, 15m, 1h, 4h, 1d", f.Bar.String())
		}
	}
	if err := f.Data.validate(); err != nil {
		return err
	}
	if len(f.Data.Files) > 0 && f.Data.Dir == "" {
		return fmt.Errorf("data.files: maps symbols to files in data.dir; set dir")
	}
	classSyms := make([]string, 0, len(f.Data.Classes))
	for sym := range f.Data.Classes {
		classSyms = append(classSyms, sym)
	}
	sort.Strings(classSyms)
	for _, sym := range classSyms {
		if _, err := data.ParseClass(f.Data.Classes[sym]); err != nil {
			return fmt.Errorf("data.classes.%s: %w", sym, err)
		}
	}
	if len(f.Strategy) == 0 {
		return fmt.Errorf("strategy: at least one [[strategy]] is required")
	}
	slugs := map[string]int{} // a strategy's slug begins its runs' keys and folders
	for i, s := range f.Strategy {
		key := fmt.Sprintf("strategy[%d]", i)
		if strings.TrimSpace(s.Name) == "" {
			return fmt.Errorf("%s.name: required", key)
		}
		if n := len(results.Slug(s.Name)); n > maxStrategySlug {
			return fmt.Errorf("%s.name: its runs' folder names would begin with %d characters, want at most %d: shorten it", key, n, maxStrategySlug)
		}
		if j, ok := slugs[results.Slug(s.Name)]; ok {
			if f.Strategy[j].Name == s.Name {
				return fmt.Errorf("%s.name: %q is used twice", key, s.Name)
			}
			return fmt.Errorf("%s.name: %q and strategy[%d]'s %q would share the run folder name %q: rename one", key, s.Name, j, f.Strategy[j].Name, results.Slug(s.Name))
		}
		slugs[results.Slug(s.Name)] = i
		// A parameter both fixed and swept: the sweep would win, silently.
		both := []string{}
		for k := range s.Sweep {
			if _, ok := s.Params[k]; ok {
				both = append(both, k)
			}
		}
		if len(both) > 0 {
			sort.Strings(both)
			return fmt.Errorf("%s.sweep.%s: %s is also set in %s.params; set it in one of the two", key, both[0], both[0], key)
		}
	}
	// A benchmark's metrics are the runs table's columns
	// <metric>_<symbol> (results.BenchmarkColumnNames), the symbol lower
	// case with any other character than a letter or digit as _: "AB.C"
	// and "AB_C" would write the same columns twice.
	seenBench, seenColumns := map[string]int{}, map[string]int{}
	for i, b := range f.Benchmarks {
		if err := checkSymbol(b); err != nil {
			return fmt.Errorf("benchmarks[%d] = %q: %w", i, b, err)
		}
		if j, ok := seenBench[data.CanonicalSymbol(b)]; ok {
			return fmt.Errorf("benchmarks[%d] = %q: benchmarks[%d] is %q already", i, b, j, f.Benchmarks[j])
		}
		seenBench[data.CanonicalSymbol(b)] = i
		cols := results.BenchmarkColumnNames(data.CanonicalSymbol(b))
		if j, ok := seenColumns[cols[0]]; ok {
			return fmt.Errorf("benchmarks[%d] = %q: its runs-table columns (%s, %s, …) are those of benchmarks[%d] = %q: name one otherwise (see [data.files])",
				i, b, cols[0], cols[1], j, f.Benchmarks[j])
		}
		seenColumns[cols[0]] = i
	}
	for _, g := range slices.Sorted(maps.Keys(f.Groups)) {
		if err := scenarios.CheckGroup(g, f.Groups[g]); err != nil {
			return err
		}
	}
	if _, err := parseBound("scenario_start", f.ScenarioStart); err != nil {
		return err
	}
	if _, err := f.scenarioList(false); err != nil {
		return err
	}
	if f.MonteCarlo != nil {
		if err := f.MonteCarlo.validate(); err != nil {
			return err
		}
	}
	if f.WalkForward != nil {
		if err := f.WalkForward.validate(); err != nil {
			return err
		}
	}
	if err := ValidCSV(f.Output.CSV); err != nil {
		return fmt.Errorf("output.csv = %w", err)
	}
	_, err = f.points() // counted, not built: a huge sweep is refused by its estimate
	return err
}

// Bounds returns Start and End as UTC ns (0 when unset): a date's 00:00
// UTC, an instant's own time.
func (f *File) Bounds() (start, end int64) {
	start, _ = parseBound("start", f.Start)
	end, _ = parseBound("end", f.End)
	return start, end
}

// bounded reports whether start and end are given: a bound at
// 1970-01-01T00:00Z is 0 (Bounds), as an unset one is.
func (f *File) bounded() (start, end bool) { return f.Start != "", f.End != "" }

// parseBound parses the time bound of key: a date YYYY-MM-DD (00:00 UTC)
// or an RFC 3339 instant with Z or an offset (data.ParseInstant); "" is 0
// (unset). The error names the key and the value.
func parseBound(key string, s data.When) (int64, error) {
	if s == "" {
		return 0, nil
	}
	t, err := data.ParseInstant(string(s))
	if err != nil {
		return 0, fmt.Errorf("%s = %q: %w", key, s, err)
	}
	return t, nil
}

// boundText is a bound as the notes, the manifest and the report show
// it: a date as it is written, an instant in UTC
// (2024-03-04T09:30:00-05:00 is 2024-03-04T14:30:00Z).
func boundText(s data.When) string {
	t, err := data.ParseInstant(string(s))
	if err != nil || t%data.NanosPerDay == 0 && len(s) == len("2006-01-02") {
		return string(s)
	}
	return data.FormatTime(t)
}

// warm reports whether the bars before Start are visible (Warmup, default
// true).
func (f *File) warm() bool { return f.Warmup == nil || *f.Warmup }

// Path is the file the experiment was read from.
func (f *File) Path() string { return f.path }

// resolve makes p relative to the experiment file's folder.
func (f *File) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(f.path), p)
}

// missingFile says, of a rate or funding file written as a relative
// path that is not there, where it was looked for: relative paths are
// read from the experiment file's folder, and $DIVERGENCE_DATA replaces
// data.dir alone, so an experiment run from another checkout finds its
// prices and not these. "" for any other error, or an absolute path.
func (f *File) missingFile(written string, err error) string {
	if !errors.Is(err, fs.ErrNotExist) || filepath.IsAbs(written) {
		return ""
	}
	return fmt.Sprintf(" (%q is read relative to the experiment file's folder, %s; $DIVERGENCE_DATA replaces data.dir only: write the path from that folder, or an absolute one)", written, filepath.Dir(f.path))
}

func parseDay(s string) (int64, error) { return data.ParseDay(s) }
