package results

import "io"

// Synthetic is the SHA-256 placeholder of an input that was generated rather
// than read from a file.
const Synthetic = "synthetic"

// Manifest records what an experiment's outputs were made from, so that a
// result can be traced to its inputs and re-run. It is written as JSON with
// snake_case keys by [WriteManifest].
type Manifest struct {
	// Experiment is the experiment file's path as given on the command line.
	Experiment string `json:"experiment"`
	// ExperimentSHA256 is the experiment file's [Fingerprint].
	ExperimentSHA256 string `json:"experiment_sha256"`
	// Inputs lists the market data, one entry per file or generated series,
	// in panel order.
	Inputs []Input `json:"inputs"`
	// Seed is the experiment's root seed; per-run seeds derive from it.
	Seed uint64 `json:"seed"`
	// ProgramVersion is the version of the divergence binary that wrote the
	// results.
	ProgramVersion string `json:"program_version"`
	// Synthetic is true when any input was generated: every output built on
	// it says so.
	Synthetic bool `json:"synthetic"`
	// Runs lists the keys of the runs whose results sit beside the manifest,
	// in experiment order.
	Runs []string `json:"runs"`
	// Settings are the experiment's other settings that shape every run
	// (cost and margin models, financing, benchmarks, scenarios, …), as
	// key and readable value, in a fixed order; the report lists them.
	Settings []Setting `json:"settings,omitempty"`
	// SortBy is the headline metric the runs are ranked by (run --sort):
	// the equity chart and the report's overview show the best runs by
	// it (Rank). Empty in folders written before it was recorded: the
	// report then ranks by "sharpe", the default.
	SortBy string `json:"sort_by,omitempty"`
	// Notes are the notes the program printed on the experiment: what the
	// data made it decide or skip, the runs ruined, that never traded or
	// had orders rejected, the scenarios that changed nothing. The report
	// lists them.
	Notes []string `json:"notes,omitempty"`
	// Commission says what a fill pays, by asset class when a class sets
	// fees of its own ("equity 5 bps, crypto taker 5 bps"): the
	// experiment's top-level commission_bps alone said 0 or another
	// class's rate. Empty in folders written before it was recorded: the
	// report then shows the runs' commission_bps.
	Commission string `json:"commission,omitempty"`
	// Scenarios describe the stress scenarios whose runs the folder
	// holds (run keys <key>@<scenario>), in the order of the runs: the
	// experiment's own and, under divergence stress without any, the
	// library's that applied. Empty without scenario runs, and in
	// folders written before they were recorded.
	Scenarios []ScenarioSetup `json:"scenarios,omitempty"`
	// MonteCarlo is the Monte Carlo the montecarlo files were made with;
	// nil without [montecarlo], and in folders written before it was
	// recorded.
	MonteCarlo *MonteCarloSetup `json:"montecarlo,omitempty"`
}

// ScenarioSetup is what a stress scenario did to the market its runs
// replayed.
type ScenarioSetup struct {
	// Name is the scenario's name, as the runs' scenario column has it.
	Name string `json:"name"`
	// Origin is "library" (the built-in scenario of that name), the
	// scenario file's path as the experiment names it, or "inline" (a
	// [[scenario]] table of the experiment file).
	Origin string `json:"origin"`
	// Description is the scenario's own description.
	Description string `json:"description,omitempty"`
	// Probability is the scenario's probability (0: none given).
	Probability float64 `json:"probability,omitempty"`
	// Start is day 0 (YYYY-MM-DD), the day the shocks placed by a day
	// offset count from: scenario_start, or its default.
	Start string `json:"start"`
	// Shocks are the scenario's shocks in the order applied, each its
	// kind, targets and parameters, and the dates it starts (and, for a
	// regime, ends) on.
	Shocks []string `json:"shocks"`
}

// MonteCarloSetup is the [montecarlo] table as the paths were made.
type MonteCarloSetup struct {
	// Paths is the number of paths each run was replayed over.
	Paths int `json:"paths"`
	// Days is each path's length in calendar days.
	Days int `json:"days"`
	// MeanBlock is the stationary bootstrap's mean block length in dates.
	MeanBlock float64 `json:"mean_block"`
	// WarmupDays of history before each path are replayed as warm-up.
	WarmupDays int `json:"warmup_days"`
	// From is the first date (YYYY-MM-DD) of the history the paths draw
	// from.
	From string `json:"from,omitempty"`
	// Seed is the bootstrap's root seed.
	Seed uint64 `json:"seed"`
	// Shock names the scenario injected into a path with probability
	// ShockProbability; empty when no path is shocked.
	Shock            string  `json:"shock,omitempty"`
	ShockProbability float64 `json:"shock_probability,omitempty"`
}

// Setting is one experiment setting: "costs.equity.borrow_rate" = "0.03".
type Setting struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Input is one market-data input of an experiment.
type Input struct {
	// Path is the file read, empty for a generated series.
	Path string `json:"path,omitempty"`
	// Symbol is the instrument the input provides.
	Symbol string `json:"symbol,omitempty"`
	// Source names the reader or generator: "yahoo-csv", "parquet",
	// "synthetic", ...
	Source string `json:"source"`
	// SHA256 is the file's [Fingerprint], or [Synthetic] for generated
	// data; for a query of files, which has no file of its own, the
	// SHA-256 of the bars it returned for the instrument.
	SHA256 string `json:"sha256"`
	// Rows is the number of bars used: with [data] bar, the bars made
	// from the file's (188 daily bars of 4,499 hourly rows), not its rows.
	Rows int `json:"rows"`
	// First and Last are the times of the first and last bars, formatted by
	// [FormatTime] (a date for daily bars), the bars made with [data] bar.
	First string `json:"first"`
	Last  string `json:"last"`
	// Repairs lists the rows of the file skipped or repaired by the
	// experiment's on_bad_row (or the catalog import's --on-bad-row):
	// "MARA.csv:1350: 2024-05-10 open 19.78 outside [low 17.1, high
	// 19.77]: high raised to 19.78 (on_bad_row = clip)".
	Repairs []string `json:"repairs,omitempty"`
}

// WriteManifest writes m as indented JSON (see [WriteJSON]). Nil lists are
// written as empty arrays, not null, so that readers need not special-case
// them.
func WriteManifest(w io.Writer, m *Manifest) error {
	out := *m
	if out.Inputs == nil {
		out.Inputs = []Input{}
	}
	if out.Runs == nil {
		out.Runs = []string{}
	}
	return WriteJSON(w, &out)
}
