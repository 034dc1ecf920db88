package scenarios

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// view is the per-run shocked panel under construction. out.Series[i]
// shares its columns with the original until a shock touches instrument i;
// then prices (and, separately, volume) are copied once.
type view struct {
	orig   *data.Panel
	out    *data.Panel
	groups map[string][]string
	opt    ApplyOptions
	env    *envBuilder
	shock  int // the index of the shock being applied

	owned    []bool // Open, High, Low, Close, AdjClose copied
	volOwned []bool // Volume copied
	touched  []bool // touched by the current shock (for OHLC enforcement)
	// adjAlias[i]: the original's AdjClose is its Close slice (the copy
	// aliases too); otherwise AdjClose keeps its original ratio
	// origAdj/origCls to the close.
	adjAlias []bool
	origAdj  [][]float64
	origCls  [][]float64

	start, end int64 // day 0 and the last candidate date

	// held[i] is instrument i's split factor per bar (splitFactors), nil
	// without a split among its bars.
	held [][]float64
	// paid[i] is instrument i's cash dividend per share at each bar
	// (dividendCash), nil without a dividend among its bars.
	paid [][]float64
}

func newView(p *data.Panel, groups map[string][]string, opt ApplyOptions) *view {
	n := len(p.Series)
	out := &data.Panel{Synthetic: p.Synthetic, Description: p.Description, Series: make([]data.Series, n)}
	copy(out.Series, p.Series)
	v := &view{
		orig: p, out: out, groups: groups, opt: opt,
		env:   newEnvBuilder(p),
		owned: make([]bool, n), volOwned: make([]bool, n), touched: make([]bool, n),
		adjAlias: make([]bool, n), origAdj: make([][]float64, n), origCls: make([][]float64, n),
	}
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for i := range p.Series {
		t := p.Series[i].Time
		if len(t) == 0 {
			continue
		}
		first = min(first, t[0])
		last = max(last, t[len(t)-1])
	}
	v.start, v.end = opt.Start, last
	if v.start == 0 && !opt.StartSet {
		v.start = first
	}
	v.held = make([][]float64, n)
	v.paid = make([][]float64, n)
	for i := range p.Series {
		sym := p.Series[i].Symbol
		v.held[i] = splitFactors(&p.Series[i], opt.Splits[sym])
		v.paid[i] = dividendCash(&p.Series[i], opt.Dividends[sym], opt.Splits[sym])
	}
	return v
}

// splitFactors is the shares that one share held before s's first bar
// has become at each bar through splits (ApplyOptions.Splits), each at
// s's first bar at or after its time: close × factor is the holder's
// price, whose log changes are the returns a split does not move. Nil
// when no split falls after s's first bar (one at or before it is in all
// of s's prices alike).
func splitFactors(s *data.Series, splits []engine.Split) []float64 {
	var f []float64
	for _, sp := range splits {
		k := sort.Search(len(s.Time), func(x int) bool { return s.Time[x] >= sp.Time })
		if k == 0 || k >= len(s.Time) {
			continue
		}
		if f == nil {
			f = make([]float64, len(s.Time))
			for j := range f {
				f[j] = 1
			}
		}
		for j := k; j < len(f); j++ {
			f[j] *= sp.Ratio
		}
	}
	return f
}

// splitRatio is the split of f (splitFactors) at bar k: the ratio the
// close falls by there without a loss, 1 without one.
func splitRatio(f []float64, k int) float64 {
	if f == nil || k < 1 {
		return 1
	}
	return f[k] / f[k-1]
}

// dividendCash is the cash dividend (ApplyOptions.Dividends) one share
// held into each bar of s is paid there, per share after that bar's
// split, as the engine pays it: each dividend at s's first bar at or
// after its time, its amount per share on its date, so divided by the
// ratio of a split dated after it that applies by that bar (one dated on
// the ex-date or before it has applied: the amount is per share after
// it, engine.Dividend). Nil when no dividend falls after s's first bar
// (one at or before it is in all of s's prices alike and is not paid).
func dividendCash(s *data.Series, divs []engine.Dividend, splits []engine.Split) []float64 {
	var d []float64
	for _, dv := range divs {
		k := sort.Search(len(s.Time), func(x int) bool { return s.Time[x] >= dv.Time })
		if k == 0 || k >= len(s.Time) {
			continue
		}
		if d == nil {
			d = make([]float64, len(s.Time))
		}
		a := dv.Amount
		for _, sp := range splits {
			if sp.Time > dv.Time && sp.Time <= s.Time[k] {
				a /= sp.Ratio
			}
		}
		d[k] += a
	}
	return d
}

// holderGross is the holder's gross return across bar k >= 1 of closes c
// with split factors f (splitFactors) and dividends d (dividendCash): one
// share held at the close before becomes ratio shares at bar k, each
// worth its close and paid its dividend, ratio × (c[k] + d[k]) / c[k-1].
// A split's fall and a dividend's fall are no return.
func holderGross(c, f, d []float64, k int) float64 {
	if d == nil {
		return c[k] * splitRatio(f, k) / c[k-1]
	}
	return splitRatio(f, k) * (c[k] + d[k]) / c[k-1]
}

// paidFrom reports whether dividends d (dividendCash) pay anything at
// bar k or after it.
func paidFrom(d []float64, k int) bool {
	return d != nil && slices.ContainsFunc(d[k:], func(x float64) bool { return x != 0 })
}

// holderClose is the close at bar k that gives the holder the gross
// return g from the close before, prev (holderGross solved for c[k]):
// prev × g / ratio − d[k], a raw close that still falls by the split
// and by the dividend the engine pays there.
func holderClose(prev, g float64, f, d []float64, k int) float64 {
	if d == nil {
		return prev * g / splitRatio(f, k)
	}
	return prev*g/splitRatio(f, k) - d[k]
}

// prices makes instrument i's price columns writable (copying them once)
// and marks it touched.
func (v *view) prices(i int) *data.Series {
	s := &v.out.Series[i]
	v.touched[i] = true
	if v.owned[i] {
		return s
	}
	n := len(s.Time)
	alias := n > 0 && len(s.AdjClose) == n && &s.AdjClose[0] == &s.Close[0]
	v.adjAlias[i] = alias
	v.origCls[i], v.origAdj[i] = s.Close, s.AdjClose
	s.Open = append([]float64(nil), s.Open...)
	s.High = append([]float64(nil), s.High...)
	s.Low = append([]float64(nil), s.Low...)
	s.Close = append([]float64(nil), s.Close...)
	if alias {
		s.AdjClose = s.Close
	} else {
		s.AdjClose = append([]float64(nil), s.AdjClose...)
	}
	v.owned[i] = true
	return s
}

// volume makes instrument i's volume column writable.
func (v *view) volume(i int) []float64 {
	s := &v.out.Series[i]
	if !v.volOwned[i] {
		s.Volume = append([]float64(nil), s.Volume...)
		v.volOwned[i] = true
	}
	return s.Volume
}

// enforceOHLC restores 0 < low <= open, close <= high on the instruments the
// last shock touched, keeps AdjClose in its original ratio to Close, and
// fails on a non-finite or non-positive price.
func (v *view) enforceOHLC(key string) error {
	for i, t := range v.touched {
		if !t {
			continue
		}
		v.touched[i] = false
		s := &v.out.Series[i]
		for k := range s.Time {
			o, h, l, c := s.Open[k], s.High[k], s.Low[k], s.Close[k]
			h = max(h, o, c)
			l = min(l, o, c)
			if !(l > 0) || math.IsInf(h, 0) || math.IsNaN(h) {
				why := ""
				if d := v.paid[i]; d != nil && d[k] > 0 && !(c > 0) {
					// rebuild and jump take the run's dividend off the
					// shocked close, where the engine pays it.
					why = fmt.Sprintf(": the cash dividend of %g paid there is more than the shocked price it falls from (%g)", d[k], c+d[k])
				}
				return fmt.Errorf("%s: %s on %s: price not positive and finite after the shock (o=%g h=%g l=%g c=%g)%s",
					key, s.Symbol, data.FormatDay(s.Time[k]), o, h, l, c, why)
			}
			// A shocked price is held to the range of a loaded one: a
			// volatility shock of k = 1000 took a price to 1e-40, its
			// returns to exactly -100% while the equity stayed positive,
			// and the run's metrics contradicted each other (a total
			// return of -100% beside a final equity of 7.3 million).
			if l < data.MinPrice || h > data.MaxPrice {
				return fmt.Errorf("%s: %s on %s: price outside the range of any data after the shock (o=%g h=%g l=%g c=%g; %s): a milder shock",
					key, s.Symbol, data.FormatDay(s.Time[k]), o, h, l, c, data.PriceRange)
			}
			s.High[k], s.Low[k] = h, l
		}
		if !v.adjAlias[i] {
			oc, oa := v.origCls[i], v.origAdj[i]
			for k := range s.Close {
				s.AdjClose[k] = s.Close[k] * (oa[k] / oc[k])
			}
		}
	}
	return nil
}

// resolve returns the panel indices of a target, ascending. Unknown groups
// and symbols missing from the panel are errors naming the key.
func (v *view) resolve(t Target, key string) ([]int, error) {
	set := map[int]bool{}
	for _, g := range t.Groups {
		members, ok := v.groups[g]
		if !ok {
			return nil, fmt.Errorf("%s.groups: unknown group %q (have %v)", key, g, slices.Sorted(maps.Keys(v.groups)))
		}
		for _, sym := range members {
			if i := v.out.Index(sym); i >= 0 {
				set[i] = true
			}
		}
	}
	for _, sym := range t.Symbols {
		i := v.out.Index(sym)
		if i < 0 {
			return nil, fmt.Errorf("%s.symbols: %q is not in the panel (have %v)", key, sym, v.out.Symbols())
		}
		set[i] = true
	}
	out := make([]int, 0, len(set))
	for i := range set {
		out = append(out, i)
	}
	sort.Ints(out)
	return out, nil
}

// symbolIndex returns the index of an explicitly named symbol.
func (v *view) symbolIndex(sym, key string) (int, error) {
	i := v.out.Index(sym)
	if i < 0 {
		return 0, fmt.Errorf("%s: %q is not in the panel (have %v)", key, sym, v.out.Symbols())
	}
	return i, nil
}

// when resolves a shock's date: Date, a random calendar day whose window
// of length span (ns) ends by the view's end, or Day days after the start.
func (v *view) when(w When, span int64, key string) (int64, error) {
	switch {
	case w.Dated():
		if w.Date > v.end {
			if w.Time {
				return 0, fmt.Errorf("%s.time = %s: after the panel's last bar (%s)", key, data.FormatTime(w.Date), data.FormatStamp(v.end))
			}
			return 0, fmt.Errorf("%s.date = %s: after the panel's last bar (%s)", key, data.FormatDay(w.Date), data.FormatDay(v.end))
		}
		return w.Date, nil
	case w.Random:
		if v.opt.Rand == nil {
			return 0, fmt.Errorf("%s.random: needs ApplyOptions.Rand", key)
		}
		n := (v.end - span - v.start) / data.NanosPerDay
		if n < 0 {
			return 0, fmt.Errorf("%s.random: the panel (%s to %s) is shorter than the shock's window", key, data.FormatStamp(v.start), data.FormatStamp(v.end))
		}
		t := v.start + int64(v.opt.Rand.IntN(int(n)+1))*data.NanosPerDay
		if v.opt.Drawn != nil {
			v.opt.Drawn(v.shock, t)
		}
		return t, nil
	default:
		t := v.start + int64(w.Day)*data.NanosPerDay
		if t > v.end {
			return 0, fmt.Errorf("%s.day = %d: %s is after the panel's last bar (%s)", key, w.Day, data.FormatStamp(t), data.FormatStamp(v.end))
		}
		return t, nil
	}
}

// regime resolves a regime shock's targets and its window [from, to).
func (v *view) regime(t Target, w When, win Window, key string) (idx []int, from, to int64, err error) {
	if idx, err = v.resolve(t, key); err != nil {
		return nil, 0, 0, err
	}
	if from, to, err = v.window(w, win, key); err != nil {
		return nil, 0, 0, err
	}
	return idx, from, to, nil
}

// window resolves a regime's [from, to).
func (v *view) window(w When, win Window, key string) (from, to int64, err error) {
	span := int64(win.Days) * data.NanosPerDay
	if win.HasUntil() {
		span = 0
	}
	if from, err = v.when(w, span, key); err != nil {
		return 0, 0, err
	}
	to = from + span
	if win.HasUntil() {
		to = win.Until
	}
	if to <= from {
		return 0, 0, fmt.Errorf("%s.until = %s is not after the start %s: a window that ends before it starts", key, data.FormatDay(to), data.FormatDay(from))
	}
	return from, to, nil
}

// barAt returns the first bar of instrument i on or after t (Len() if none).
func (v *view) barAt(i int, t int64) int {
	ts := v.out.Series[i].Time
	return sort.Search(len(ts), func(k int) bool { return ts[k] >= t })
}

// hit is instrument i's bar a shock at t0 lands on: its first bar on or
// after t0 (Len() if none). For an instant (When.Time, the file's time
// key), a move during the bar (gap false: a jump's, a wick, a replay's
// first return) lands on the first bar that has not closed by t0 (the
// bar t0 falls in), and a gap on the first bar that opens at or after
// t0. A daily bar opens at its stamp (00:00 UTC) and closes a day later,
// an equity's at its session's open and close (engine.SessionHours): a
// time of 14:00Z on 2025-01-07 hits an equity's session of that day,
// which opens at 14:30Z, either way, and a token's candle of that day
// with a move during it (its next with a gap). An intraday bar closes
// when the engine closes it (engine.BarEnd): its interval after its
// stamp, an equity's last bar of the session at the New York close
// (Yahoo's 15:30 hourly bar at 16:00), so a move at 16:15 New York
// lands on the next session's first bar, not on a bar already closed.
//
// A bar of a week or more (weekly, monthly) lasts until the next
// (data.Series.LongBars): a date inside it is taken as its instant at
// 00:00 UTC, so a move during the bar on a Wednesday lands on the week's
// bar, stamped on the Monday before, and a gap on the next.
func (v *view) hit(i int, t0 int64, w When, gap bool) int {
	k := v.barAt(i, t0)
	s := &v.out.Series[i]
	long := s.BarInterval() >= 7*data.Daily
	if !w.Time && !long || k == 0 {
		return k
	}
	prev := s.Time[k-1]
	open, end := prev, prev+data.NanosPerDay
	if long {
		end = s.LongBars().End(k - 1)
	} else if iv := s.BarInterval(); iv.Intraday() {
		end = engine.BarEnd(s, k-1)
		if k < len(s.Time) {
			end = min(end, s.Time[k])
		}
	} else if s.Class == data.Equity {
		end = engine.DailyBarEnd(prev, s.Class, s.Symbol)
		if data.ExchangeOf(s.Symbol) == data.NewYork {
			open, end = engine.SessionHours(prev)
		}
	}
	if gap && open >= t0 || !gap && t0 < end {
		return k - 1
	}
	return k
}

// barRange returns instrument i's bars with from <= t < to.
func (v *view) barRange(i int, from, to int64) (lo, hi int) {
	return v.barAt(i, from), v.barAt(i, to)
}

// rebuild replaces the close-to-close log returns of instrument i's bars
// [lo, hi) by r[k-lo] (bar 0 has no return and is skipped), rebuilding the
// closes from the unchanged close before lo (the holder's returns: a
// split's raw fall is kept on its bar, ApplyOptions.Splits, and so is a
// cash dividend's, ApplyOptions.Dividends, which the engine pays there).
// shape, when not nil, sets a
// rebuilt bar's open, high and low from its new close; otherwise the bar's
// OHLC are scaled by newClose/oldClose (its intrabar shape is kept). After
// hi the returns are unchanged and the level carries (every later bar is
// scaled by the last ratio); with a dividend after hi the holder's
// returns are unchanged, the close falling by the dividend itself at a
// new level, not by it scaled (each bar scaled by its own ratio).
func (v *view) rebuild(i, lo, hi int, r []float64, shape func(k int, c float64) (o, h, l float64)) {
	if lo < 1 {
		lo = 1
	}
	if hi <= lo {
		return
	}
	s := v.prices(i)
	prev := s.Close[lo-1]
	m, was := 1.0, 0.0 // was: the close before the rebuild at the last bar rebuilt
	for k := lo; k < hi; k++ {
		c := holderClose(prev, math.Exp(r[k-lo]), v.held[i], v.paid[i], k) // a split's or a dividend's fall is no return
		was = s.Close[k]
		m = c / s.Close[k]
		if shape != nil {
			s.Open[k], s.High[k], s.Low[k] = shape(k, c)
		} else {
			s.Open[k] *= m
			s.High[k] *= m
			s.Low[k] *= m
		}
		s.Close[k] = c
		prev = c
	}
	if d := v.paid[i]; paidFrom(d, hi) {
		for k := hi; k < len(s.Close); k++ {
			g := splitRatio(v.held[i], k) * (s.Close[k] + d[k]) / was // the holder's return before the rebuild
			c := holderClose(prev, g, v.held[i], d, k)
			was = s.Close[k]
			m = c / s.Close[k]
			s.Open[k] *= m
			s.High[k] *= m
			s.Low[k] *= m
			s.Close[k] = c
			prev = c
		}
		return
	}
	for k := hi; k < len(s.Close); k++ {
		s.Open[k] *= m
		s.High[k] *= m
		s.Low[k] *= m
		s.Close[k] *= m
	}
}

// logReturns returns instrument i's close-to-close log returns of bars
// [lo, hi) (bar 0's return is 0), the holder's across a split and a
// cash dividend.
func (v *view) logReturns(i, lo, hi int) []float64 {
	c := v.out.Series[i].Close
	r := make([]float64, max(hi-lo, 0))
	for k := lo; k < hi; k++ {
		if k > 0 {
			r[k-lo] = math.Log(holderGross(c, v.held[i], v.paid[i], k))
		}
	}
	return r
}
