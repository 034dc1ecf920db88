package experiment

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/results/metrics"
)

// legWindow is the rolling window, in sync points, of the leg analytics.
const legWindow = 60

// legSeries are a pair hedge's legs at their sync points (the dates every
// instrument of both legs has, within the run; on intraday bars off each
// other's grid, the instants every leg is current, see currentSync): the equal-weight long and
// short leg returns since the previous sync point (lr, sr) and the legs'
// growth of 1 (li, si; one more point than the returns, at times[0]).
type legSeries struct {
	times          []int64
	lr, sr, li, si []float64
	long, short    []int // the legs' instruments in the panel
}

// legsSeries computes a run's leg series; nil when the strategy has no two
// legs or they share fewer than 3 sync points.
func legsSeries(r *RunResult, legs map[string][]string, p *data.Panel) *legSeries {
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
	// Sync points: the times every instrument has, within the run, found
	// by walking the instruments' sorted times together (a map of every
	// bar's time cost 0.6 s on 6M one-minute bars); at[k] holds each
	// instrument's bar index at sync point k.
	ptr := make([]int, len(all))
	for k, i := range all {
		ptr[k], _ = slices.BinarySearch(p.Series[i].Time, start)
	}
	var times []int64
	var at []int // len(all) indices per sync point
walk:
	for {
		// The latest of the instruments' current times; every other
		// instrument is moved up to it.
		t := int64(math.MinInt64)
		for k, i := range all {
			if ptr[k] >= p.Series[i].Len() {
				break walk
			}
			t = max(t, p.Series[i].Time[ptr[k]])
		}
		if t > end {
			break
		}
		synced := true
		for k, i := range all {
			ts := p.Series[i].Time
			for ptr[k] < len(ts) && ts[ptr[k]] < t {
				ptr[k]++
			}
			if ptr[k] == len(ts) {
				break walk
			}
			synced = synced && ts[ptr[k]] == t
		}
		if !synced {
			continue
		}
		times = append(times, t)
		at = append(at, ptr...)
		for k := range ptr {
			ptr[k]++
		}
	}
	if len(times) < 3 {
		// Intraday bars off each other's grid (an equity's at :30, a
		// token's at :00) share no instant: the strategy's own sync
		// points, then.
		if times, at = currentSync(p, all, start, end); len(times) < 3 {
			return nil
		}
	}
	m := len(all)
	closeAt := func(k, j int) float64 { return p.Series[all[j]].Close[at[k*m+j]] }
	n := len(times) - 1
	lr, sr := make([]float64, n), make([]float64, n)
	li, si := make([]float64, n+1), make([]float64, n+1)
	li[0], si[0] = 1, 1
	for k := 1; k <= n; k++ {
		for j := range long {
			lr[k-1] += (closeAt(k, j)/closeAt(k-1, j) - 1) / float64(len(long))
		}
		for j := range short {
			jj := len(long) + j
			sr[k-1] += (closeAt(k, jj)/closeAt(k-1, jj) - 1) / float64(len(short))
		}
		li[k], si[k] = li[k-1]*(1+lr[k-1]), si[k-1]*(1+sr[k-1])
	}
	return &legSeries{times: times, lr: lr, sr: sr, li: li, si: si, long: long, short: short}
}

// currentSync are the sync points of intraday legs stamped off each
// other's grid, as the strategies take them (strategies' allCurrent and
// clock.tick): the instants, among the legs' bar times within [start,
// end], at which every leg is current (its latest bar opened less than its
// interval ago), at most one in each span of the legs' largest interval
// from the last one taken; at holds each leg's latest bar at each. None
// when a leg's bars are a day or longer (daily legs meet at instants).
func currentSync(p *data.Panel, all []int, start, end int64) (times []int64, at []int) {
	m := len(all)
	next := make([]int, m) // per leg: the first bar after the instant
	ivs := make([]int64, m)
	span := int64(0)
	for k, i := range all {
		s := &p.Series[i]
		iv := int64(s.BarInterval())
		if iv <= 0 || iv >= data.NanosPerDay {
			return nil, nil
		}
		ivs[k], span = iv, max(span, iv)
		next[k], _ = slices.BinarySearch(s.Time, start)
	}
	last := int64(math.MinInt64)
	for {
		t := int64(math.MaxInt64)
		for k, i := range all {
			if ts := p.Series[i].Time; next[k] < len(ts) {
				t = min(t, ts[next[k]])
			}
		}
		if t == math.MaxInt64 || t > end {
			return times, at
		}
		current := true
		for k, i := range all {
			ts := p.Series[i].Time
			for next[k] < len(ts) && ts[next[k]] <= t {
				next[k]++
			}
			j := next[k] - 1
			current = current && j >= 0 && t-ts[j] < ivs[k]
		}
		if current && (last == math.MinInt64 || t-last >= span) {
			times = append(times, t)
			for k := range all {
				at = append(at, next[k]-1)
			}
			last = t
		}
	}
}

// legsMemo holds, per distinct legs setup, the leg series, legs.csv and
// the legs charts' bytes. They depend only on the legs' instruments, the
// run's period, its view's panel and the strategy's name (the chart's
// title), so the runs of a sweep over other parameters share them: each
// is made once, by the first run that needs it. Entries live as long as
// the experiment's Run (one per distinct setup, a handful in practice).
type legsMemo struct {
	csv bool // legs.csv is written (Outcome.csv): encode it
	mu  sync.Mutex
	m   map[legsKey]*legsEntry
}

type legsKey struct {
	legs       string
	start, end int64
	view       int
	strategy   string
}

type legsEntry struct {
	once  sync.Once
	ls    *legSeries // nil: no legs chart or table
	legs  *Legs      // legs.csv's columns (nil with ls)
	csv   []byte
	pq    []byte // legs.parquet
	err   error
	chart [2]struct { // PNG, SVG
		once sync.Once
		b    []byte
		err  error
	}
	// The runs' files of these bytes: legs.parquet, legs.csv, legs.png,
	// legs.svg.
	files [4]sharedFile
}

// sharedFile writes the same bytes into several runs' folders: the
// first time as a file, then as hard links to it. A sweep's runs share
// their legs files (a 200-run pair-hedge sweep wrote 200 identical
// legs.parquet, 16 MB and 200 files to allocate); a link costs neither.
// It links only inside an experiment's working folder (fresh, so the
// name is free, and renamed into place whole); where a link fails (a
// filesystem without them, the first file gone) it writes the file.
// The bytes of every name are the same either way.
type sharedFile struct {
	mu    sync.Mutex
	first string // the first file written, "" before
}

// write writes b at path, or links path to the first file written.
func (s *sharedFile) write(path string, b []byte) error {
	s.mu.Lock()
	first := s.first
	s.mu.Unlock()
	if first != "" && results.InWorkingFolder(path) && results.InWorkingFolder(first) && os.Link(first, path) == nil {
		return nil
	}
	if err := results.WriteFileAtomic(path, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return err
	}
	s.mu.Lock()
	if s.first == "" {
		s.first = path
	}
	s.mu.Unlock()
	return nil
}

func newLegsMemo(csv bool) *legsMemo { return &legsMemo{csv: csv, m: map[legsKey]*legsEntry{}} }

// get returns the entry of a run with legs (strategies.Legged), computing
// its series, legs.parquet and (when lm.csv) legs.csv on first use.
func (lm *legsMemo) get(r *RunResult, legs map[string][]string, p *data.Panel) *legsEntry {
	c := &r.Result.Curve
	key := legsKey{legs: fmt.Sprintf("%q|%q", legs["long leg"], legs["short leg"]), start: c.Time[0], end: c.Time[c.Len()-1],
		view: r.View, strategy: r.Strategy}
	lm.mu.Lock()
	e := lm.m[key]
	if e == nil {
		e = &legsEntry{}
		lm.m[key] = e
	}
	lm.mu.Unlock()
	e.once.Do(func() {
		if e.ls = legsSeries(r, legs, p); e.ls == nil {
			return
		}
		ls := e.ls
		beta := metrics.RollingBeta(nil, ls.sr, ls.lr, legWindow)
		corr := metrics.RollingCorrelation(nil, ls.sr, ls.lr, legWindow)
		e.legs = &Legs{Time: ls.times[1:], LongReturn: ls.lr, ShortReturn: ls.sr, BetaShortOnLong: beta, Correl: corr}
		tab := &results.Table{Columns: []results.Column{
			{Name: "time", Times: ls.times[1:]}, {Name: "long_return", Floats: ls.lr}, {Name: "short_return", Floats: ls.sr},
			{Name: "rolling_beta_short_on_long", Floats: beta}, {Name: "rolling_correlation", Floats: corr},
		}}
		var buf, pq bytes.Buffer
		if lm.csv {
			e.err = results.WriteTableCSV(&buf, tab)
		}
		if e.err == nil {
			e.err = results.WriteTableParquet(&pq, tab)
		}
		e.csv, e.pq = buf.Bytes(), pq.Bytes()
	})
	return e
}

// writeLegs writes, for a run whose strategy has legs (a pair hedge),
// runs/<key>/legs.parquet (and its copy legs.csv when o.csv) — at each
// sync point (every instrument of both legs has a bar) up to the run's end: the equal-weight long and short leg
// returns since the previous sync point, the rolling beta of the short
// leg on the long and their rolling correlation over legWindow points —
// and, when chart is set, legs.png/.svg ([writeLegsChart]). legs are the
// strategy's legs (strategies.Legged), nil when it has none.
func writeLegs(o *Outcome, r *RunResult, legs map[string][]string, p *data.Panel, chart bool) error {
	if legs == nil {
		return nil
	}
	e := o.legs.get(r, legs, p)
	if e.ls == nil {
		return nil
	}
	if e.err != nil {
		return fmt.Errorf("legs: %w", e.err)
	}
	dir := filepath.Join(o.Dir, "runs", r.Key)
	if err := e.files[0].write(filepath.Join(dir, "legs.parquet"), e.pq); err != nil {
		return fmt.Errorf("legs.parquet: %w", err)
	}
	if o.csv {
		if err := e.files[1].write(filepath.Join(dir, "legs.csv"), e.csv); err != nil {
			return fmt.Errorf("legs.csv: %w", err)
		}
	}
	if !chart {
		return nil
	}
	for _, ft := range []charts.Format{charts.PNG, charts.SVG} {
		if err := writeLegsChart(o, r, legs, p, ft); err != nil {
			return err
		}
	}
	return nil
}

// writeLegsChart writes runs/<key>/legs.png or .svg (by ft): the legs'
// growth with rolling Sharpe, volatility and the short leg's beta to the
// long leg; nothing when the legs are too short for a rolling chart. It
// is drawn once per legs setup ([legsMemo]).
func writeLegsChart(o *Outcome, r *RunResult, legs map[string][]string, p *data.Panel, ft charts.Format) error {
	if legs == nil {
		return nil
	}
	e := o.legs.get(r, legs, p)
	if e.ls == nil || len(e.ls.lr) < legWindow+2 {
		return nil // no legs, or too short for a rolling chart
	}
	k := 0
	if ft == charts.SVG {
		k = 1
	}
	c := &e.chart[k]
	c.once.Do(func() {
		var buf bytes.Buffer
		c.err = drawLegs(&buf, o, r, e.ls, p, ft)
		c.b = buf.Bytes()
	})
	if c.err != nil {
		return fmt.Errorf("run %s: legs chart: %w", r.Key, c.err)
	}
	path := filepath.Join(o.Dir, "runs", r.Key, "legs."+string(ft))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("run %s: %w", r.Key, err)
	}
	if err := e.files[2+k].write(path, c.b); err != nil {
		return fmt.Errorf("run %s: plot %s: %w", r.Key, path, err)
	}
	return nil
}

// drawLegs draws the legs chart as ft to w.
func drawLegs(w io.Writer, o *Outcome, r *RunResult, ls *legSeries, p *data.Panel, ft charts.Format) error {
	ppy := legPeriods(p, append(append([]int{}, ls.long...), ls.short...))
	longS := charts.Series{Name: "long leg", Time: ls.times, Values: ls.li}
	shortS := charts.Series{Name: "short leg", Time: ls.times, Values: ls.si}
	kind := dataCaption(o.Panel)
	opt := charts.Options{Title: r.Strategy + ": the legs", Synthetic: o.Panel.Synthetic, Palette: charts.NewPalette([]string{"long leg", "short leg"}),
		Caption: fmt.Sprintf("%s; equal-weight legs at sync points; beta of each leg to the long leg over %d points", kind, legWindow)}
	return charts.Rolling(w, ft, opt, []charts.Series{longS, shortS}, &longS, legWindow, ppy)
}

// legPeriods is the periods a year of the legs' sync points, the
// instruments legs of p: as periodsPerYear counts them, the equity
// sessions when a leg holds an equity (252 a year, or the session's bars
// on intraday bars), calendar days (365, or a day's bars) otherwise, and
// for bars of a week or longer the bars a year holds (longPeriods).
func legPeriods(p *data.Panel, legs []int) float64 {
	ppy := 365.0
	iv := data.Interval(0)
	for _, i := range legs {
		iv = max(iv, p.Series[i].Interval)
		if p.Series[i].Class == data.Equity {
			ppy = 252 // sync points are the equity sessions
		}
	}
	switch {
	case iv >= data.Weekly:
		ppy, _ = longPeriods(iv)
	case iv.Intraday(): // bars per day or per session (see periodsPerYear)
		if ppy == 252 {
			var equities []*data.Series
			for _, i := range legs {
				if s := &p.Series[i]; s.Class == data.Equity {
					equities = append(equities, s)
				}
			}
			ppy, _ = sessionSteps(iv, equities, false)
		} else {
			ppy *= float64(barsPerDay(iv))
		}
	}
	return ppy
}
