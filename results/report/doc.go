// Package report writes a single, self-contained HTML report of an
// experiment, report.html, beside its other files: from the results the
// experiment holds in memory ([Input], [New], [WriteInput]) or from its
// output folder ([Load], [Write]); it also draws runs of several folders
// on one chart ([Compare]). It never parses a chart it drew (SVG is
// inlined by editing the root tag only) and reads equity from Parquet, so
// its cost and size do not grow with the bar count beyond one pass over
// each curve: every line chart is downsampled per pixel column (package
// downsample), keeping each column's extremes.
//
// The report needs no network and no other file: its style sheet is inline
// and every chart is an inline SVG drawn by package charts, so it can be
// mailed, archived or opened offline and looks the same everywhere. It holds,
// in order:
//
//   - a banner when any input was synthetic (manifest.json "synthetic"),
//     repeated in every chart's title;
//   - the setup: experiment file and its SHA-256, seed, program version,
//     period, initial cash, commission, periods per year, and the data
//     inputs (symbol, source, path, SHA-256, rows, first and last bar);
//   - the runs table (the Headline columns of the runs' records,
//     results.RunsTable: runs.csv's columns, in its order);
//   - the runs' equity (growth of 1) and drawdowns;
//   - rolling Sharpe, volatility and, when a run's key contains
//     "benchmark", beta against that run;
//   - per main run: its parameters and metrics (metrics.json), its monthly
//     returns heatmap and its return distribution with VaR and CVaR; then
//     a table of the scenario and companion runs, if any (see
//     [Companion]);
//   - a stress test, Monte Carlo and PnL attribution section, each only
//     when the folder holds the files it is drawn from (below).
//
// The same run has the same colour in every chart: the palette is built
// from the names of the folder's main runs (their strategy names, or their
// keys when two runs share a name).
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
// (0.12 = 12 %) and shown as percentages. stress_summary.csv, when present,
// is shown as a table, and stress/<scenario>.svg charts as they are.
//
// montecarlo.csv with the columns strategy,path,time,equity holds whole
// Monte Carlo paths of equity, one row per strategy, path and time:
//
//	strategy,path,time,equity
//	long AI tech only,0,2024-01-02,1000000
//	long AI tech only,0,2024-01-03,1004200.5
//	long AI tech only,1,2024-01-02,1000000
//
// path is an integer ≥ 0 unique within a strategy; the paths of a strategy
// should share their times (a time a path lacks is a missing value). The
// report draws the 5/25/50/75/95 % bands of growth of 1 and the terminal
// return distribution ([charts.MonteCarlo]). A montecarlo.csv in another
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
// Package resultsdb loads these files into tables of the same names
// (scenarios for stress.csv).
package report
