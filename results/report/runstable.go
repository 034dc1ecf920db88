package report

import (
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
)

// runsTable is the page's runs table: every column of the runs' records
// (results.RunsTable with results.All, the columns of runs.parquet and of
// results.duckdb's runs table), in reading order: the run, its swept
// parameters, the headline metrics, the benchmark metrics, costs and
// counts, the other metrics, and the parameters' JSON last. Columns that
// hold the experiment's setup (the same in every row and shown under
// Setup) are left out.
type runsTable struct {
	ID     string
	Header []colHead
	Rows   [][]cell
	// Printed are the columns (indexes in Header) the table keeps on
	// paper: printColumn's. Its every column is too wide for a page at a
	// readable size; the others are in runs.parquet.
	Printed []int
	// Swept says that some of Printed are swept parameters.
	Swept bool
}

// printMetrics are the headline metrics the runs table keeps on paper,
// with the key, the scenario, the swept parameters and, when a run is
// ruined, the ruined column.
var printMetrics = map[string]bool{
	"total_return": true, "cagr": true, "annual_volatility": true, "sharpe": true, "max_drawdown": true, "final_equity": true,
}

// printColumn reports whether the runs table keeps the column name on
// paper; ruined is whether a run is ruined.
func printColumn(name string, ruined bool) bool {
	return name == "key" || name == "scenario" || strings.HasPrefix(name, "param_") || printMetrics[name] || name == "ruined" && ruined
}

// PrintStyle is the style sheet that leaves the runs table's other
// columns (those not in Printed) off the printed page: every cell of a
// row that is not at a printed column's place, by its position (the
// sort moves rows, never columns).
func (t *runsTable) PrintStyle() template.CSS {
	var b strings.Builder
	b.WriteString("@media print { #" + t.ID + " tr > *")
	for _, j := range t.Printed {
		b.WriteString(":not(:nth-child(" + strconv.Itoa(j+1) + "))")
	}
	b.WriteString(" { display: none; } }")
	return template.CSS(b.String())
}

type colHead struct {
	Name  string
	Text  bool   // a text column: sorted A to Z first
	Title string // the unit, shown on hover, for the columns whose name lacks it
	Pct   bool   // shown in percent: the filter reads a bound in percent
}

// columnUnits are the units of the runs-table columns whose names do not
// say them (docs/metrics.md).
var columnUnits = map[string]string{
	"max_drawdown_duration": "periods (bars) of the longest time under water",
	"turnover":              "money traded a year, as a multiple of mean equity (a book bought and sold a year later: 2)",
	"exposure_time":         "share of the curve's points with a position",
	"periods":               "returns measured (not missing)",
}

// leadColumns come first, in this order, when present.
var leadColumns = []string{
	"key", "strategy", "scenario",
	// param_* go here
	"total_return", "cagr", "annual_volatility", "sharpe", "sortino", "max_drawdown", "calmar", "var_95", "cvar_95",
	// benchmark columns go here
	"final_equity", "total_costs", "commission_paid",
	// costs_* go here
	"fills", "rejections", "margin_calls", "liquidations",
}

// setupColumns are shown only when they differ between rows: an
// experiment without scenarios has no scenario (every row "baseline") nor
// long_leg_of (every row empty) to show.
var setupColumns = map[string]bool{
	"experiment": true, "data": true, "synthetic": true, "seed": true, "initial_cash": true,
	"commission_bps": true, "periods_per_year": true, "calendar": true, "type": true,
	"scenario": true, "long_leg_of": true,
}

// isBenchmarkColumn reports whether name is a benchmark's column
// (beta_qqq, …): it begins with a name of results.BenchmarkColumnNames
// of the empty symbol (beta_, …, periods_per_year_).
func isBenchmarkColumn(name string) bool {
	for _, p := range results.BenchmarkColumnNames("") {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// orderColumns returns the indices of t's columns in the table's order.
func orderColumns(t *results.Table) []int {
	pos := map[string]int{}
	for j, c := range t.Columns {
		pos[c.Name] = j
	}
	var out []int
	used := map[int]bool{}
	take := func(j int) {
		if !used[j] {
			used[j] = true
			out = append(out, j)
		}
	}
	group := func(match func(string) bool) {
		for j, c := range t.Columns {
			if match(c.Name) {
				take(j)
			}
		}
	}
	for _, name := range leadColumns {
		switch name {
		case "total_return":
			group(func(n string) bool { return strings.HasPrefix(n, "param_") })
		case "final_equity":
			group(isBenchmarkColumn)
		case "fills":
			group(func(n string) bool { return strings.HasPrefix(n, "costs_") })
		}
		if j, ok := pos[name]; ok && !(setupColumns[name] && constant(&t.Columns[j])) {
			take(j)
		}
	}
	for j, c := range t.Columns {
		if c.Name == "params" || (setupColumns[c.Name] && constant(&t.Columns[j])) || c.Name == "base" && sameText(t, j, pos["key"]) {
			continue
		}
		take(j)
	}
	if j, ok := pos["params"]; ok {
		take(j)
	}
	return out
}

// sameText reports whether columns i and j of t read the same in every
// row (base, the key without its scenario, is the key itself in an
// experiment without scenarios).
func sameText(t *results.Table, i, j int) bool {
	_, rows := tableText(&results.Table{Columns: []results.Column{t.Columns[i], t.Columns[j]}})
	for _, r := range rows {
		if r[0] != r[1] {
			return false
		}
	}
	return true
}

// constant reports whether a column holds one value in every row.
func constant(c *results.Column) bool {
	t := &results.Table{Columns: []results.Column{*c}}
	_, rows := tableText(t)
	for _, r := range rows {
		if r[0] != rows[0][0] {
			return false
		}
	}
	return true
}

// newRunsTable builds the runs table of every run of the folder.
func newRunsTable(f *Folder, pal *charts.Palette) *runsTable {
	recs := make([]results.RunRecord, len(f.Runs))
	for i := range f.Runs {
		recs[i] = f.Runs[i].Record
	}
	t := results.RunsTable(recs, results.All)
	order := orderColumns(t)
	rt := &runsTable{ID: "runs-table"}
	numeric := make([]bool, len(order)) // by table column: a swept number
	for k, j := range order {
		c := &t.Columns[j]
		numeric[k] = numericParam(c)
		rt.Header = append(rt.Header, colHead{Name: c.Name, Text: c.Strings != nil && !numeric[k], Title: columnUnits[c.Name], Pct: c.Floats != nil && percentColumn(c.Name)})
	}
	ruined := false
	for i := range recs {
		ruined = ruined || recs[i].Metrics.Ruined()
	}
	for k, h := range rt.Header {
		if printColumn(h.Name, ruined) {
			rt.Printed = append(rt.Printed, k)
			rt.Swept = rt.Swept || strings.HasPrefix(h.Name, "param_")
		}
	}
	_, text := tableText(t)
	for i := range recs {
		row := make([]cell, len(order))
		for k, j := range order {
			c := &t.Columns[j]
			switch {
			case numeric[k]:
				// A swept number (rebalance_days = 7, 14, 28) sorts and
				// filters as one, not as text ("14" < "28" < "7").
				row[k] = cell{Text: c.Strings[i], Numeric: true, V: c.Strings[i], HasV: true}
				if c.Strings[i] == "" {
					row[k].Text = "—"
				}
			case c.Floats != nil:
				v := c.Floats[i]
				row[k] = cell{Text: formatValue(c.Name, v), Numeric: true, V: rawNumber(v), HasV: true}
			case c.Ints != nil || c.Uints != nil:
				row[k] = cell{Text: text[i][j], Numeric: true, V: text[i][j], HasV: true}
			default:
				row[k] = cell{Text: text[i][j]}
				if text[i][j] == "" {
					row[k].Text = "—"
				}
			}
			switch c.Name {
			case "key":
				row[k].Swatch = cssColor(pal, f.Runs[i].paletteName(f))
				row[k].Dash = dashClass(pal, f.Runs[i].paletteName(f))
				row[k].Class = "key"
			case "params":
				row[k].Class = "params"
				row[k].Title = text[i][j]
			case "ruined":
				if recs[i].Metrics.Ruined() {
					row[k].Class = "ruined"
					row[k].Title = "equity fell to 0 or below: the returns after it, and the metrics on them, mean nothing"
				}
			}
		}
		rt.Rows = append(rt.Rows, row)
	}
	return rt
}

// rawNumber is a float as the table's data-v attribute holds it: the
// shortest decimal, "" for NaN, "Infinity" or "-Infinity".
func rawNumber(v float64) string {
	switch {
	case math.IsNaN(v):
		return ""
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// paletteName is the name whose colour the run takes: its own for a main
// run, its base run's for a scenario run, the hedge's for a companion.
func (r *Run) paletteName(f *Folder) string {
	key := r.Key
	if r.Record.LongLegOf != "" {
		key = r.Record.LongLegOf
	} else if r.Record.Scenario != "" {
		key = r.Record.BaseKey()
	}
	if key != r.Key {
		if b := f.run(key); b != nil {
			return b.Name
		}
	}
	return r.Name
}

// runAliases maps every label a chart may give a run (its key, and the
// keys and names of its scenario and companion runs) to its palette name.
func runAliases(f *Folder) map[string]string {
	out := map[string]string{}
	for i := range f.Runs {
		r := &f.Runs[i]
		n := r.paletteName(f)
		for _, l := range []string{r.Key, r.Name, r.Record.Strategy} {
			if l != "" && l != n {
				if _, taken := out[l]; !taken {
					out[l] = n
				}
			}
		}
	}
	// Strategy names shared by several main runs are ambiguous.
	names := map[string]int{}
	for _, i := range f.Main {
		names[f.Runs[i].Record.Strategy]++
	}
	for s, n := range names {
		if n > 1 {
			delete(out, s)
		}
	}
	return out
}

// numericParam reports whether c is a parameter column (param_*, its
// values as text) whose values are all numbers, or empty where a run has
// no such parameter.
func numericParam(c *results.Column) bool {
	if !strings.HasPrefix(c.Name, "param_") || c.Strings == nil {
		return false
	}
	some := false
	for _, v := range c.Strings {
		if v == "" {
			continue
		}
		if f, err := strconv.ParseFloat(v, 64); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
		some = true
	}
	return some
}
