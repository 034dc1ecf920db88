// Package report writes a single, self-contained HTML report of an
// experiment, report.html, beside its other files: from the results the
// experiment holds in memory ([Input], [New], [WriteInput]) or from its
// output folder ([Load], [Write]); it also draws runs of several folders
// on one chart ([CompareWith]: runs cut to their common dates, the best N
// by a metric when there are many). It never parses a chart it drew (SVG is
// inlined by editing the root tag only) and reads equity from Parquet, so
// its cost and size do not grow with the bar count beyond one pass over
// each curve: every line chart is downsampled per pixel column (package
// downsample), keeping each column's extremes.
//
// The report needs no network and no other file: its style sheet, the
// chart library (uPlot 1.6.32 from npm, MIT, vendored in assets/ with its
// licence; see assets/README.md), the report's own script and the charts'
// data (one JSON object, #report-data) are inline, so it can be mailed,
// archived or opened offline and looks the same everywhere. It holds, in
// order:
//
//   - a banner when any input was synthetic (manifest.json "synthetic"),
//     repeated in every chart's title;
//   - the setup: experiment file and its SHA-256, seed, program version,
//     period, initial cash, commission, periods per year, and the data
//     inputs (symbol, source, path, SHA-256, rows, first and last bar);
//     and every stress scenario whose runs the report shows (those of
//     the experiment file and, under divergence stress, the library's),
//     as manifest.json's "scenarios" records it: where it comes from,
//     its description and probability, day 0, and each shock with its
//     parameters and dates (by name only for a folder whose manifest
//     predates them);
//   - the runs table: every run and every column of its record
//     (results.RunsTable with results.All, the columns of runs.parquet and
//     results.duckdb): headline metrics, VaR and CVaR, per benchmark
//     beta_<symbol>, alpha_<symbol>, correlation, tracking error,
//     information ratio, captures and the periods a year they are
//     annualised with (periods_per_year_<symbol>), costs by kind, counts; setup columns
//     equal in every row are left out and the parameters' JSON is last.
//     A click on a column's name sorts by it (runs without a value last),
//     and the box above filters by text or by conditions such as
//     "sharpe>0.5 max_drawdown>-30%" (a column shown in percent takes
//     its bound in percent, with or without the sign);
//   - interactive charts of the overview runs (the main runs, or the
//     maxLines best by the manifest's sort_by, run's --sort; Sharpe
//     when it records none): equity as growth of 1 with
//     a linear/log toggle (the read-out also shows the equity in money),
//     drawdown, gross and net exposure over equity, rolling Sharpe,
//     volatility and, when the experiment lists benchmarks, beta against
//     the first (benchmarks.parquet: its closes, every bar over the runs'
//     span), measured on its bars as metrics.json's beta_<symbol> is (a
//     token run's weekend compounds into an equity benchmark's Monday),
//     over the window's span in its bars. Drag to zoom, double-click to zoom out; the legend reads every
//     run's value (and the date) at the cursor; a click on a run's name
//     hides or shows it in every overview chart; the cursors of the
//     overview charts move together, and so do those of one run's charts;
//   - a parameter sweep heatmap, when a strategy sweeps two parameters or
//     more: any metric over any two of them, the others fixed at the best
//     run's values or averaged over (the map says which), colours on the
//     5th–95th percentile of the cells; a cell with a ruined run (equity
//     at 0 or below) says "ruined" instead of a metric of meaningless
//     returns, and no ruined run is the best run the others are fixed at;
//   - a walk-forward section per strategy (walkforward/<strategy>/): the
//     stitched out-of-sample result as divergence run prints it (windows,
//     dates, total return, CAGR, Sharpe, max drawdown from the initial
//     cash), the stitched out-of-sample growth against the in-sample best run (a
//     hindsight choice, said so) and the first benchmark's close
//     (without costs), and the windows with the parameters each chose,
//     under a note of the window each figure is measured over and the
//     Sharpe ratio's annualisation;
//   - per main run: its parameters and metrics (metrics.json); for the
//     overview runs also a pair hedge's legs (runs/<key>/legs.parquet), a
//     scaled entry's tranche ladder, the monthly returns heatmap and the
//     return distribution with VaR and CVaR, and the round trips of its
//     fills ([RoundTrips]); then a table of the scenario and companion
//     runs, if any (see [Companion]). The legs and fills charts are drawn
//     as they come within two screens of the window (all before
//     printing): drawn at load, each laid the page out again, and a
//     200-run sweep's page (226 charts) took 9.8–11.6 s to open in
//     Chromium where it now takes 2.6–4.5 s (at a load of 7.6);
//   - a stress test section (heatmaps of stress.csv by run and scenario,
//     with colour scales on the 90th percentile of |value| so that one
//     outlier does not wash out the rest, and each scenario's runs as an
//     interactive chart, of the overview's runs, which its note says),
//     Monte Carlo (one fan per run, small multiples, under a note of
//     what its figures are of: the paths per run counted in
//     montecarlo.csv, their dates in the bands, and from manifest.json's
//     "montecarlo" the paths' days, the bootstrap's mean block, history
//     and warm-up, the shock and its probability, with the shocked paths
//     counted in montecarlo.csv) and PnL attribution, each only when the
//     folder holds the files it is drawn from (below).
//
// # One colour per run
//
// A run has the same colour and dash in every chart and the runs table:
// the palette is built from the names of the folder's main runs (their
// strategy names, or their keys when two runs share a name), and a
// scenario run (key run@scenario) or a companion (run~long-leg) takes the
// colour of its run (charts.Palette.WithAliases), whether a chart labels
// it by name or by key.
//
// # Conventions
//
// VaR and CVaR are returns at the tail everywhere in the report: a loss is
// negative. montecarlo_summary.csv of package experiment writes them as
// positive losses; the report shows them negated and says so.
//
// Hedge effectiveness (stress.csv) is shown only where the pair hedge's
// long leg alone lost at least [results.HedgeThreshold] of its baseline's
// final equity to the scenario (of the initial cash in a folder written
// before stress.csv had long_leg_change_vs_baseline); elsewhere the ratio of two small numbers means nothing and the
// cell shows "n/a" (grey).
//
// Every text of the folder (names, descriptions, notes, symbols) is shown
// as text: escaped in the HTML, in the JSON and by the script. A
// bidirectional embedding, override or isolate control in one
// (U+202A–U+202E, U+2066–U+2069) is shown as U+FFFD: left in, a
// right-to-left override in a strategy's name reversed the page's own
// text after it (a fills chart of MSFT titled "TFSM").
//
// In the charts' JSON, and in the runs table's data-v attributes, NaN is
// null ("" in data-v) and ±Inf the strings "Infinity" and "-Infinity", as
// in metrics.json. Times are whole UTC seconds, each column of them
// delta-encoded (its first time, a unit, then the steps in that unit: a
// daily column's steps are 1 or 3 days) and decoded by the page's script
// once it has parsed the object; the runs drawn share one time column when
// theirs are the same, and a fills chart's tags are indexes in one table
// of the page's distinct tags. Equity is in money to the
// cent, other values to 5 significant digits. Every line is reduced per
// pixel column (about 1,000 columns, package downsample: each column's
// first, last, lowest and highest point) when it has more than 4,000
// points (a Monte Carlo fan's five bands are drawn at the dates any of
// them keeps, so that each keeps its extremes: at most five times a
// line's), so the page holds O(pixels) per chart whatever the bar count:
// the demo's report is about 1.4 MB, one of 200 runs of 20,000 minute bars
// about 3.5 MB, and a daily sweep of 200 pair hedges of 20 instruments over
// ten years (ten runs drawn, with their fills on 20 closes each) about
// 5.8 MB.
//
// # Input folder
//
// The folder is the one package experiment writes:
//
//	manifest.json                 results.Manifest; "runs" lists the run keys
//	runs/<key>/metrics.json       results.RunRecord (results.ReadRuns)
//	runs/<key>/equity.parquet     time, equity, … (only time and equity are read;
//	                              equity.csv only for a run without the Parquet file)
//
// # Optional files
//
// These files, when present at the top of the folder, add sections. CSV
// files have a header row and are UTF-8 and comma-separated; columns are
// found by name (any order, extra columns ignored); numbers are decimals as
// written by strconv ('g' format), with "NaN" or an empty field for a
// missing value; times are dates (2006-01-02) or RFC 3339 timestamps, UTC.
// Rows may come in any order.
//
// A table is read from its Parquet file (stress.parquet, montecarlo.parquet,
// …) when the folder has one, else from the CSV file.
//
// stress.csv is the stress table, in either of two layouts. The wide one is
// what package experiment writes: one row per run and scenario,
// a scenario column, a run and/or strategy column, and one column per
// metric:
//
//	run,strategy,scenario,probability,pnl,pnl_vs_baseline,total_return,max_drawdown,...
//	hedge,hedge,baseline,,-98695.4,0,-0.0987,-0.344,...
//	hedge,hedge,ai-bubble-burst,0.24,41870.2,140565.6,0.0419,-0.302,...
//
// The long one suits other tools, one metric value per row:
//
//	strategy,scenario,metric,value
//	long AI tech / short AI tokens,ai-bubble-burst,total_return,-0.083
//	long AI tech only,ai-bubble-burst,total_return,-0.352
//
// The report draws one heatmap (rows × scenarios) per metric: those of
// pnl_vs_baseline_pct_of_cash, total_return, max_drawdown, sharpe and
// hedge_effectiveness that the table has, else the first eight. Rates
// (returns, drawdowns, VaR, CVaR, hit rate, shares of cash) are decimals
// (0.12 = 12 %) and shown as percentages. The columns (or metrics)
// instruments_traded, instruments_shocked and instruments_unreplayed
// are not drawn: a cell whose scenario was meant to shock the
// instruments the run trades and shocked none of them (0 shocked, some
// unreplayed, or 0 shocked in a stress.csv without
// instruments_unreplayed) is drawn hatched with a dashed border, unknown
// (not replayed), no measure of the scenario; one it shocked in part
// gets a dark corner; one whose scenario aims at none of them (0
// shocked, 0 unreplayed: a true 0) keeps its colour inside a dotted
// border; the note under the heatmaps names them, and each heatmap's
// text alternative says so of its cells.
// stress_summary.csv, when present,
// is shown as a table, and stress/<scenario>.svg charts as they are.
//
// montecarlo_bands.csv (or .parquet) holds each run's Monte Carlo bands,
// the percentiles of its paths' growth of 1 at each time:
//
//	run,time,p05,p25,p50,p75,p95
//	long-ai-tech-short-ai-tokens,2024-01-02,1,1,1,1,1
//	long-ai-tech-short-ai-tokens,2024-01-03,0.981,0.994,1.001,1.008,1.021
//
// one row per run and time, times increasing within a run; the report
// draws one fan per run from it (small multiples).
//
// montecarlo.csv with the columns strategy,path,time,equity holds whole
// Monte Carlo paths of equity, one row per strategy, path and time (used
// when there is no bands file):
//
//	strategy,path,time,equity
//	long AI tech only,0,2024-01-02,1000000
//	long AI tech only,0,2024-01-03,1004200.5
//	long AI tech only,1,2024-01-02,1000000
//
// path is an integer ≥ 0 unique within a strategy; the paths of a strategy
// should share their times (a time a path lacks is a missing value). The
// report draws the 5/25/50/75/95 % bands of growth of 1 of each run. A
// montecarlo.csv in another
// layout (package experiment writes one row per path: run, path,
// shocked, terminal_return, max_drawdown) is not drawn; the report then
// shows montecarlo.svg, the chart the experiment drew, as it is. Either
// way montecarlo_summary.csv, when present, is shown as a table.
//
// attribution.csv splits each run's PnL by instrument (or a pseudo-leg
// such as "interest"), in money; the experiment writes
//
//	run,instrument,leg,pnl
//	long-ai-tech-short-ai-tokens,NVDA,long leg,310250.5
//	long-ai-tech-short-ai-tokens,interest,interest,-1080.6
//
// and the generic layout strategy,leg,pnl is read as well.
//
// Per run, runs/<key>/legs.parquet (legs.csv without it: a pair hedge's
// leg returns, rolling beta and correlation, as package experiment writes
// it; from memory, [Input].Legs) and fills.parquet are read for the runs
// drawn; walkforward/<strategy>/windows.parquet (or
// .csv) and equity.parquet for the walk-forward section.
//
// Package resultsdb loads these files into tables of the same names
// (scenarios for stress.csv).
package report
