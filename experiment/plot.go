package experiment

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
)

// plot writes equity.png or equity.svg (by ft): every shown run's growth
// of 1 with a drawdown panel. The title and caption say whether the data
// are real or synthetic.
func plot(f *File, o *Outcome, sortBy string, ft charts.Format) error {
	names, pal, note := shownNames(o, sortBy)
	curves := make([]charts.Series, len(o.Shown))
	for j, i := range o.Shown {
		curves[j] = charts.ResultSeries(names[j], o.Runs[i].Result)
	}
	c := &o.Runs[0].Result.Curve
	kind := dataCaption(o.Panel)
	opt := charts.Options{
		Title: f.Name,
		Caption: fmt.Sprintf("%s, %s to %s, %d instruments, commission %s%s",
			kind, data.FormatDay(c.Time[0]), data.FormatDay(c.Time[c.Len()-1]), len(o.Panel.Series), f.commissionText(), note),
		Synthetic: o.Panel.Synthetic,
		Palette:   pal,
	}
	return chartFile(filepath.Join(o.Dir, "equity"), ft, func(w io.Writer) error { return charts.EquityDrawdown(w, ft, opt, curves) })
}

// shownNames gives the legend names of o.Shown's runs (label), in its
// order, the palette of the experiment's charts (runPalette), and the
// captions' note when they are the best of more baseline runs: o.Shown is
// every baseline run, or the best maxLines by sortBy (the stress test's
// scenario runs have their own plots, its long-leg companions none).
func shownNames(o *Outcome, sortBy string) (names []string, pal *charts.Palette, note string) {
	base := 0
	for i := range o.Runs {
		if o.Runs[i].Baseline() {
			base++
		}
	}
	if base > len(o.Shown) {
		note = fmt.Sprintf("; the best %d of %d runs by %s", len(o.Shown), base, sortBy)
	}
	names = make([]string, len(o.Shown))
	for j, i := range o.Shown {
		names[j] = label(&o.Runs[i])
	}
	return names, runPalette(o), note
}

// runPalette is the palette every chart of the experiment shares, so that
// a run has one colour in each: the unshocked runs' labels in run order,
// the runs equity.png shows (o.Shown) first, so that they take the ten
// distinct colours (the report's overview orders its palette the same
// way); each run's key is an alias of its label, for the charts that name
// runs by key (the stress charts).
func runPalette(o *Outcome) *charts.Palette {
	var names []string
	for _, i := range o.Shown {
		names = append(names, label(&o.Runs[i]))
	}
	alias := map[string]string{}
	for i := range o.Runs {
		if r := &o.Runs[i]; r.View == 0 {
			names = append(names, label(r))
			alias[r.Key] = label(r)
		}
	}
	return charts.NewPaletteInOrder(names).WithAliases(alias)
}

// chartFile writes base.png or base.svg (by ft), as charts.WriteFiles
// writes both in turn: the worker pool draws each format as a task of
// its own.
func chartFile(base string, ft charts.Format, draw func(w io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return err
	}
	path := base + "." + string(ft)
	if err := results.WriteFileAtomic(path, draw); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	return nil
}

// label names a run in legends: the strategy's name, with its swept values.
func label(r *RunResult) string {
	if len(r.Swept) == 0 {
		return r.Strategy
	}
	s := r.Strategy + " ("
	for i, v := range r.Swept {
		if i > 0 {
			s += ", "
		}
		s += v.Key + "=" + formatValue(v.Value)
	}
	return s + ")"
}

// dataCaption says in a chart's caption what the prices of p are: real
// bars of their interval, or the synthetic market, said loudly so that
// no chart of generated prices passes for evidence about real assets.
func dataCaption(p *data.Panel) string {
	if p.Synthetic {
		return "SYNTHETIC market (seeded, not real prices)"
	}
	if iv := panelInterval(p); iv.Intraday() {
		return "real " + iv.String() + " bars"
	}
	return "real daily bars"
}
