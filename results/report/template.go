package report

import "html/template"

// pageTemplate is the report: one HTML file with inline CSS, inline SVG,
// the inlined uPlot and the report's script, the charts' data as inline
// JSON, and no external reference.
var pageTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="divergence {{.Generated}}">
<title>{{if .Synthetic}}[SYNTHETIC DATA] {{end}}{{.Title}}: divergence report</title>
<style>
:root { --ink: #222; --muted: #555; --rule: #ddd; --warn: #b00020; --band: #f6f6f6; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 "Liberation Sans", Arial, Helvetica, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 0 24px 48px; }
header { padding: 20px 0 8px; border-bottom: 1px solid var(--rule); }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 17px; margin: 22px 0 8px; }
.sub { color: var(--muted); margin: 0; }
.synthetic-banner { background: var(--warn); color: #fff; font-weight: bold; font-size: 17px; padding: 10px 24px; text-align: center; letter-spacing: 0.02em; }
.real-banner { background: #e8f0e8; color: #234; padding: 6px 24px; text-align: center; }
nav { margin: 10px 0 0; font-size: 14px; }
nav a { margin-right: 14px; color: #1f5fa0; text-decoration: none; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13.5px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: bold; }
td.key { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.hash { font-family: "Liberation Mono", Consolas, monospace; font-size: 12px; word-break: break-all; }
.wide { overflow-x: auto; }
.setup th { width: 190px; background: none; }
.setup .synthetic td { color: var(--warn); font-weight: bold; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
/* past ten runs a colour comes again with its line's dash: white gaps over the colour */
.swatch.d1 { background-image: repeating-linear-gradient(90deg, transparent 0 5px, #fff 5px 7px) !important; }
.swatch.d2 { background-image: repeating-linear-gradient(90deg, transparent 0 2px, #fff 2px 4px) !important; }
.swatch.d3 { background-image: repeating-linear-gradient(90deg, transparent 0 6px, #fff 6px 7px, transparent 7px 8px, #fff 8px 9px) !important; }
svg.chart { display: block; width: 100%; height: auto; max-width: 1100px; margin: 8px 0 16px; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.pair svg.chart { margin: 0; }
.run { border-top: 1px solid var(--rule); margin-top: 18px; }
.metrics { columns: 3 220px; column-gap: 24px; margin: 4px 0 8px; }
.metrics div { break-inside: avoid; display: flex; justify-content: space-between; border-bottom: 1px dotted var(--rule); padding: 1px 0; font-size: 13.5px; }
.metrics span:last-child { font-variant-numeric: tabular-nums; }
code { font-family: "Liberation Mono", Consolas, monospace; font-size: 13px; background: var(--band); padding: 1px 4px; }
.note { color: var(--muted); font-size: 13.5px; margin: 4px 0; }
@media (max-width: 900px) { .pair { grid-template-columns: 1fr; } }
{{.Style}}
{{with .RunsTable}}{{.PrintStyle}}{{end}}
</style>
</head>
<body>
{{if .Synthetic}}<div class="synthetic-banner" id="synthetic">SYNTHETIC DATA: these results come from a seeded, generated market, not from real prices. Do not read them as evidence about real assets.</div>
{{else}}<div class="real-banner">Real market data (sources and checksums under Setup).</div>
{{end}}<main>
<header>
<h1>{{.Title}}</h1>
<p class="sub">divergence experiment report{{if .Generated}}, program {{.Generated}}{{end}}</p>
<nav><a href="#setup">Setup</a><a href="#runs">Runs</a><a href="#equity">Equity</a>{{if .Exposure}}<a href="#exposure">Exposure</a>{{end}}<a href="#rolling">Rolling risk</a>{{if .Sweep}}<a href="#sweep">Sweep</a>{{end}}{{if .WalkForwards}}<a href="#walkforward">Walk-forward</a>{{end}}<a href="#per-run">Per run</a>{{if or .Stress .StressSummary .Scenarios}}<a href="#stress">Stress test</a>{{end}}{{if or .MonteCarlo .MonteCarloSummary .Fans}}<a href="#montecarlo">Monte Carlo</a>{{end}}{{if .Legs}}<a href="#attribution">Attribution</a>{{end}}</nav>
</header>

<section id="setup">
<h2>Setup</h2>
<table class="setup">
{{range .Setup}}<tr{{if and $.Synthetic (eq .K "data")}} class="synthetic"{{end}}><th scope="row">{{.K}}</th><td>{{.V}}</td></tr>
{{end}}</table>
{{if .Notes}}<h3>Notes</h3>
<p class="note">What the program said when it ran the experiment (manifest.json's notes).</p>
<ul class="notes">{{range .Notes}}<li>{{.}}</li>
{{end}}</ul>
{{end}}{{with .ScenarioRows}}<h3 id="scenarios">Stress scenarios</h3>
<p class="note">Every scenario whose runs this report shows (key run@scenario), as manifest.json records it: day 0 is the day the shocks placed by a day offset count from; each shock is listed in the order applied, with its parameters (moves and rates are fractions; spread_days and recover_days count bars, days calendar days) and the dates it acts on. A scenario's groups are the experiment's [groups] over the built-in ones (divergence scenarios show NAME lists them).</p>
<div class="wide"><table class="scenarios">
<tr><th scope="col">scenario</th><th scope="col">from</th><th scope="col">probability</th><th scope="col">day 0</th><th scope="col">what it does</th></tr>
{{range .}}<tr id="setup-scenario-{{.Name}}"><td class="key">{{.Name}}</td>{{if .Unrecorded}}<td colspan="4">Not described in this folder's manifest.json (written before scenarios were recorded): <code>divergence scenarios show {{.Name}}</code> describes a library scenario.</td>{{else}}<td>{{.Origin}}</td><td class="num">{{.Probability}}</td><td>{{.Start}}</td><td>{{.Description}}<ol class="shocks">{{range .Shocks}}<li><code>{{.}}</code></li>{{end}}</ol></td>{{end}}</tr>
{{end}}</table></div>
{{end}}<h3>Data sources</h3>
<div class="wide"><table>
<tr><th scope="col">symbol</th><th scope="col">source</th><th scope="col">path</th><th scope="col">SHA-256</th><th scope="col">rows</th><th scope="col">first</th><th scope="col">last</th></tr>
{{range .Inputs}}<tr><td>{{.Symbol}}</td><td>{{.Source}}</td><td>{{if .Path}}{{.Path}}{{else}}(generated){{end}}</td><td class="hash">{{.SHA256}}</td><td class="num">{{.Rows}}</td><td>{{.First}}</td><td>{{.Last}}</td></tr>
{{end}}</table></div>
</section>

<section id="runs">
<h2>Runs</h2>
{{with .RunsTable}}<div class="toolbar"><label>Filter <input class="filter" type="search" data-filter="{{.ID}}" placeholder="text, or sharpe&gt;0.5 max_drawdown&gt;-30%"></label><span data-count="{{.ID}}" aria-live="polite" aria-atomic="true">{{len .Rows}} runs</span><span class="note screen-only">Click a column's name to sort by it (again to reverse); runs without a value go last, and ruined runs after the others by any metric.</span></div>
<div class="runs-wrap"><table class="sortable" id="{{.ID}}">
<thead><tr>{{range .Header}}<th data-col="{{.Name}}"{{if .Text}} class="text"{{end}}{{if .Pct}} data-pct{{end}}{{if .Title}} title="{{.Title}}"{{end}}>{{.Name}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td{{if .Numeric}} class="num"{{else if .Class}} class="{{.Class}}"{{end}}{{if .HasV}} data-v="{{.V}}"{{end}}{{if .Title}} title="{{.Title}}"{{end}}>{{if .Swatch}}<span class="swatch{{.Dash}}" style="background:{{.Swatch}}"></span>{{end}}{{.Text}}</td>{{end}}</tr>
{{end}}</tbody></table></div>
<p class="note print-only">On paper this table keeps each run's key{{if .Swept}}, its swept parameters{{end}} and the headline metrics, readable; all {{len .Header}} columns are in runs.parquet (and the runs table of results.duckdb), the headline ones in runs.csv, and each run's own metrics are under Per run.</p>{{end}}
<p class="note">Every run, with every column of runs.parquet and of the runs table of results.duckdb (the same names): rates in percent, Sharpe annualised with rf = 0, money in the account currency; the benchmark columns are &lt;metric&gt;_&lt;symbol&gt;; "—" is undefined (NULL in the database, null in JSON). The setup columns that are the same for every run are under Setup.</p>
</section>

<section id="equity">
<h2>Equity and drawdown</h2>
{{if .ChartNote}}<p class="note">{{.ChartNote}}</p>{{end}}
<p class="note screen-only">Drag across a chart to zoom in (double-click, or the whole range button, to zoom out); the line under each chart reads every run's value at the cursor; click a run's name to hide or show it in every chart of this part. The cursors of these charts move together.</p>
<div class="toolbar screen-only"><label><input type="checkbox" id="equity-log"> log scale</label> <button type="button" id="zoom-reset">whole range</button></div>
<div class="uchart" id="chart-equity"></div>
<div class="uchart" id="chart-drawdown"></div>
</section>
{{if .Exposure}}
<section id="exposure">
<h2>Exposure</h2>
<p class="note">Gross exposure is the sum of the absolute values of the positions, net exposure their signed sum, both over equity (1 = 100% of equity).</p>
<div class="uchart" id="chart-gross"></div>
<div class="uchart" id="chart-net"></div>
</section>
{{end}}
<section id="rolling">
<h2>Rolling risk</h2>
<p class="note">{{.RollingCap}}</p>
<div class="uchart" id="chart-sharpe"></div>
<div class="uchart" id="chart-vol"></div>
{{if .Beta}}<div class="uchart" id="chart-beta"></div>{{end}}
</section>
{{if .Sweep}}
<section id="sweep">
<h2>Parameter sweep</h2>
<div class="toolbar"><label>strategy <select id="sweep-strategy"></select></label><label>metric <select id="sweep-metric"></select></label><label>across <select id="sweep-x"></select></label><label>down <select id="sweep-y"></select></label><label>other parameters <select id="sweep-others"><option value="best">at the best run's values</option><option value="mean">averaged over</option></select></label></div>
<div id="sweep-heatmap"></div>
</section>
{{end}}{{if .WalkForwards}}
<section id="walkforward">
<h2>Walk-forward</h2>
<p class="note">Each window chooses the parameters that were best in sample and runs them on the next, unseen period; the out-of-sample parts are stitched into one curve. It is the estimate of what the strategy would have earned; the in-sample best run over the whole period is chosen with hindsight and flatters it. A window's end is exclusive: is_end is the day out of sample starts, not its last in-sample day. {{.WFNote}}</p>
{{range .WalkForwards}}<h3>{{.Strategy}}</h3>
{{if .Headline}}<p class="note">Out of sample, stitched: what the windows' chosen runs earned on data none of them was chosen on, from the initial cash (the first window's entry costs count), the Sharpe ratio annualised at the runs' periods per year with rf = 0.</p>
{{template "table" .Headline}}{{end}}<div class="uchart" id="{{.ID}}"></div>
{{template "table" .Windows}}
{{end}}</section>
{{end}}
<section id="per-run">
<h2>Per run</h2>
{{range .Runs}}<div class="run" id="{{.ID}}">
<h3><span class="swatch{{.Dash}}" style="background:{{.Swatch}}"></span>{{.Name}} <small>({{.Type}}, key <code>{{.Key}}</code>)</small></h3>
<p class="note">Parameters: <code>{{.Params}}</code></p>
{{if .Ruined}}<p class="warn">Ruined: the equity fell to 0 or below. The returns after that, and the metrics below built on them (Sharpe, volatility, drawdown), mean nothing; the run ranks after every run that was not ruined.</p>
{{end}}<div class="metrics">{{range .Metrics}}<div{{if .Unit}} title="{{.Unit}}"{{end}}><span>{{.K}}</span><span>{{.V}}</span></div>{{end}}</div>
{{if .Legs}}<div class="uchart" id="legs-growth-{{.Key}}"></div>
<div class="uchart" id="legs-beta-{{.Key}}"></div>
{{end}}{{range .Ladders}}<div class="uchart" id="{{.}}"></div>
{{end}}<div class="pair">{{.Monthly}}{{.Distribution}}</div>
{{$note := .TradesNote}}{{with .Trades}}<details class="trades"><summary>Round trips: {{$note}}.</summary>
<p class="note">Fills matched first in, first out per instrument; PnL is net of the entry's and the exit's commission in proportion to the quantity; return is PnL over the entry notional; tranche is the entry fill's tag.</p>
{{template "table" .}}
</details>{{end}}
</div>
{{end}}{{with .Others}}<div class="run" id="other-runs">
<h3>Scenario and companion runs</h3>
<p class="note">The runs under each stress scenario (key run@scenario) and companion runs (such as a pair hedge's long leg alone, run~long-leg); the stress test below compares them with their baselines.</p>
{{template "table" .}}
</div>
{{end}}</section>
{{if or .Stress .StressSummary .Scenarios}}
<section id="stress">
<h2>Stress test</h2>
{{if .ScenarioRows}}<p class="note">What each scenario does (its shocks and their dates) is under <a href="#scenarios">Setup</a>.</p>
{{end}}{{if .Stress}}<p class="note">From stress.csv: one cell per run and scenario; red is below zero, blue above, grey no value. {{.StressNote}}</p>
{{range .Stress}}{{.}}{{end}}{{end}}
{{with .StressSummary}}<h3>Summary by run</h3>
<p class="note">From stress_summary.csv. expected_pnl_vs_baseline is Σ p × pnl_vs_baseline over the scenarios that give a probability p (scenarios_with_probability of them, their p summing to probability_total), not divided by that sum: the scenarios are read as exclusive, the baseline taking the rest of the probability. worst_scenario and worst_pnl_vs_baseline are over every scenario, with or without a probability. Both leave out the scenarios_left_out: rows whose scenario was meant to shock what the run trades and shocked none of it (not replayed), whose 0 is unknown, not a measure; a scenario aimed at other instruments, a true 0, is counted.</p>
{{template "table" .}}{{end}}
{{if .Scenarios}}<h3>Equity under each scenario</h3>
<p class="note">{{.ScenarioNote}}</p>
{{range $i, $s := .Scenarios}}<div class="uchart" id="scenario-{{$i}}"></div>
{{end}}{{end}}
</section>
{{end}}{{if or .MonteCarlo .MonteCarloSummary .Fans}}
<section id="montecarlo">
<h2>Monte Carlo</h2>
{{if .MonteCarloAbout}}<p class="note" id="montecarlo-about">{{.MonteCarloAbout}}</p>
{{end}}<p class="note">VaR and CVaR are returns at the tail throughout this report: a loss is negative.</p>
{{if .Fans}}<p class="note">{{.FanNote}}</p>
<div class="fans">{{range .Fans}}<div class="uchart" id="fan-{{.}}"></div>{{end}}</div>
{{else}}{{.MonteCarlo}}{{end}}
{{with .MonteCarloSummary}}<h3>Summary by run</h3>
<p class="note">From montecarlo_summary.csv. {{$.MonteCarloNote}}</p>
{{template "table" .}}{{end}}
</section>
{{end}}{{if .Legs}}
<section id="attribution">
<h2>PnL attribution</h2>
<p class="note">From attribution.csv: profit and loss by leg, in the account currency.{{if .LegsNote}} {{.LegsNote}}{{end}}</p>
{{.Legs}}
</section>
{{end}}</main>
<script type="application/json" id="report-data">{{.Data}}</script>
<script>{{.Script}}</script>
</body>
</html>
{{define "table"}}<div class="wide"><table>
<tr>{{range .Header}}<th scope="col">{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td{{if .Numeric}} class="num"{{end}}>{{.Text}}</td>{{end}}</tr>
{{end}}</table></div>{{end}}`))
