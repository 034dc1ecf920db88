package experiment

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/results/metrics"
)

// legWindow is the rolling window, in sync points, of the leg analytics.
const legWindow = 60

// writeLegs writes, for a run whose strategy has legs (a pair hedge),
// runs/<key>/legs.csv — at each sync point (every instrument of both legs
// has a bar) up to the run's end: the equal-weight long and short leg
// returns since the previous sync point, the rolling beta of the short
// leg on the long and their rolling correlation over legWindow points —
// and legs.png/.svg, the legs' growth with rolling Sharpe, volatility and
// the short leg's beta to the long leg. legs are the strategy's legs
// (strategies.Legged), nil when it has none.
func writeLegs(o *Outcome, r *RunResult, legs map[string][]string, p *data.Panel) error {
	var long, short []int
	for _, s := range legs["long leg"] {
		long = append(long, p.Index(s))
	}
	for _, s := range legs["short leg"] {
		short = append(short, p.Index(s))
	}
	if len(long) == 0 || len(short) == 0 {
		return nil
	}
	all := append(append([]int{}, long...), short...)
	start, end := r.Result.Curve.Time[0], r.Result.Curve.Time[r.Result.Curve.Len()-1]
	// Sync points: the dates every instrument has, within the run.
	count := map[int64]int{}
	for _, i := range all {
		for _, t := range p.Series[i].Time {
			if t >= start && t <= end {
				count[t]++
			}
		}
	}
	var times []int64
	for t, n := range count {
		if n == len(all) {
			times = append(times, t)
		}
	}
	slices.Sort(times)
	if len(times) < 3 {
		return nil
	}
	closeAt := func(i int, t int64) float64 {
		s := &p.Series[i]
		lo, hi := 0, s.Len()
		for lo < hi {
			m := (lo + hi) / 2
			if s.Time[m] < t {
				lo = m + 1
			} else {
				hi = m
			}
		}
		return s.Close[lo]
	}
	n := len(times) - 1
	lr, sr := make([]float64, n), make([]float64, n)
	li, si := make([]float64, n+1), make([]float64, n+1)
	li[0], si[0] = 1, 1
	for k := 1; k <= n; k++ {
		for _, i := range long {
			lr[k-1] += (closeAt(i, times[k])/closeAt(i, times[k-1]) - 1) / float64(len(long))
		}
		for _, i := range short {
			sr[k-1] += (closeAt(i, times[k])/closeAt(i, times[k-1]) - 1) / float64(len(short))
		}
		li[k], si[k] = li[k-1]*(1+lr[k-1]), si[k-1]*(1+sr[k-1])
	}
	beta := metrics.RollingBeta(nil, sr, lr, legWindow)
	corr := metrics.RollingCorrelation(nil, sr, lr, legWindow)
	tab := &results.Table{Columns: []results.Column{
		{Name: "time", Times: times[1:]}, {Name: "long_return", Floats: lr}, {Name: "short_return", Floats: sr},
		{Name: "rolling_beta_short_on_long", Floats: beta}, {Name: "rolling_correlation", Floats: corr},
	}}
	dir := filepath.Join(o.Dir, "runs", r.Key)
	if err := results.WriteOutputs(dir, results.TableOutputs("legs", tab, false)...); err != nil {
		return err
	}
	if n < legWindow+2 {
		return nil // too short for a rolling chart
	}
	ppy := 365.0
	iv := data.Interval(0)
	for _, i := range all {
		iv = max(iv, p.Series[i].Interval)
		if p.Series[i].Class == data.Equity {
			ppy = 252 // sync points are the equity sessions
		}
	}
	if iv.Intraday() { // bars per day or per session (see periodsPerYear)
		if ppy == 252 {
			ppy *= float64((sessionMinutes*int64(data.Minute) + int64(iv) - 1) / int64(iv))
		} else {
			ppy *= float64(data.Daily / iv)
		}
	}
	longS := charts.Series{Name: "long leg", Time: times, Values: li}
	shortS := charts.Series{Name: "short leg", Time: times, Values: si}
	kind := dataCaption(o.Panel.Synthetic)
	if iv.Intraday() && !o.Panel.Synthetic {
		kind = "real " + iv.String() + " bars"
	}
	opt := charts.Options{Title: r.Strategy + ": the legs", Synthetic: o.Panel.Synthetic, Palette: charts.NewPalette([]string{"long leg", "short leg"}),
		Caption: fmt.Sprintf("%s; equal-weight legs at sync points; beta of each leg to the long leg over %d points", kind, legWindow)}
	if err := charts.WriteFiles(filepath.Join(dir, "legs"), func(w io.Writer, ft charts.Format) error {
		return charts.Rolling(w, ft, opt, []charts.Series{longS, shortS}, &longS, legWindow, ppy)
	}); err != nil {
		return err
	}
	return nil
}
