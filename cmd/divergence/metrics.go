package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/metrics"
)

// metricsOut is the JSON the metrics command prints.
type metricsOut struct {
	File           string         `json:"file"`
	PeriodsPerYear float64        `json:"periods_per_year"`
	PPYSource      string         `json:"periods_per_year_source"`
	Benchmark      string         `json:"benchmark,omitempty"`
	Series         []seriesReport `json:"series"`
}

type seriesReport struct {
	Name    string        `json:"name"`
	First   string        `json:"first"`
	Last    string        `json:"last"`
	Metrics []namedMetric `json:"metrics"`
}

type namedMetric struct {
	Name  string   `json:"name"`
	Value *float64 `json:"value"` // null when NaN or infinite
	Unit  string   `json:"unit"`
}

func cmdMetrics(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("metrics", "metrics RETURNS.csv [--column C] [--benchmark COL] [--periods-per-year N] [--format json|table]", stderr)
	column := fs.String("column", "", "the series to measure (default: every column but the benchmark)")
	bench := fs.String("benchmark", "", "columns to measure the series against, comma-separated (beta, alpha, capture, …); with several, each metric is prefixed by its benchmark")
	ppy := fs.Float64("periods-per-year", 0, "annualisation factor (0 = inferred from the dates: 252, 365, 52, 12, 4 or 1)")
	format := fs.String("format", "json", "json or table")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("metrics: want one returns file, got %d arguments", len(pos))
	}
	if *format != "json" && *format != "table" {
		return fmt.Errorf("--format = %q: want json or table", *format)
	}
	r, err := results.ReadReturns(pos[0])
	if err != nil {
		return err
	}
	out := metricsOut{File: pos[0], PeriodsPerYear: *ppy, PPYSource: "--periods-per-year", Benchmark: *bench}
	if *ppy < 0 || math.IsNaN(*ppy) {
		return fmt.Errorf("--periods-per-year = %g: want > 0", *ppy)
	}
	if *ppy == 0 {
		out.PeriodsPerYear = r.InferPeriodsPerYear()
		out.PPYSource = "inferred from the dates"
		if out.PeriodsPerYear == 0 {
			return fmt.Errorf("%s: cannot infer the periods per year from the dates; give --periods-per-year", pos[0])
		}
	}
	var benchNames []string
	var benches [][]float64
	isBench := map[string]bool{}
	if *bench != "" {
		for _, name := range strings.Split(*bench, ",") {
			name = strings.TrimSpace(name)
			col, err := r.Column(name)
			if err != nil {
				return fmt.Errorf("--benchmark: %w", err)
			}
			benchNames = append(benchNames, name)
			benches = append(benches, col)
			isBench[name] = true
		}
	}
	names := r.Names
	if *column != "" {
		if _, err := r.Column(*column); err != nil {
			return fmt.Errorf("--column: %w", err)
		}
		names = []string{*column}
	}
	for _, name := range names {
		if isBench[name] {
			continue
		}
		col, _ := r.Column(name)
		rep := seriesReport{Name: name, First: firstValid(r.Dates, col, false), Last: firstValid(r.Dates, col, true)}
		all := metrics.Report(col, out.PeriodsPerYear, nil)
		base := len(all)
		for j, b := range benches {
			rel := metrics.Report(col, out.PeriodsPerYear, b)[base:]
			if len(benches) > 1 {
				for k := range rel {
					rel[k].Name = benchNames[j] + "." + rel[k].Name
				}
			}
			all = append(all, rel...)
		}
		for _, m := range all {
			nm := namedMetric{Name: m.Name, Unit: m.Unit}
			if !math.IsNaN(m.Value) && !math.IsInf(m.Value, 0) {
				v := m.Value
				nm.Value = &v
			}
			rep.Metrics = append(rep.Metrics, nm)
		}
		out.Series = append(out.Series, rep)
	}
	if len(out.Series) == 0 {
		return fmt.Errorf("metrics: no series left to measure (every column is a benchmark)")
	}
	if *format == "json" {
		return results.WriteJSON(stdout, out)
	}
	fmt.Fprintf(stdout, "%s — periods per year %g (%s)\n", out.File, out.PeriodsPerYear, out.PPYSource)
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprint(tw, "metric")
	for _, s := range out.Series {
		fmt.Fprintf(tw, "\t%s", s.Name)
	}
	fmt.Fprintln(tw, "\tunit")
	if len(out.Series) > 0 {
		for i, m := range out.Series[0].Metrics {
			fmt.Fprint(tw, m.Name)
			for _, s := range out.Series {
				if v := s.Metrics[i].Value; v != nil {
					fmt.Fprintf(tw, "\t%.6g", *v)
				} else {
					fmt.Fprint(tw, "\t—")
				}
			}
			fmt.Fprintf(tw, "\t%s\n", m.Unit)
		}
	}
	return tw.Flush()
}

// firstValid is the date of the first (or last) non-missing value.
func firstValid(dates []int64, col []float64, last bool) string {
	for k := range col {
		i := k
		if last {
			i = len(col) - 1 - k
		}
		if !math.IsNaN(col[i]) {
			return data.FormatDay(dates[i])
		}
	}
	return ""
}
