package scenarios

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// The shocks' accounting, checked against a second implementation: each
// shock kind is applied to an awkward panel (an equity on weekdays with a
// missing session beside tokens trading every day, one listed inside the
// window, one whose data ends inside it, one that ended before it, one
// listed after it, one with a two-day hole) and the shocked panel is
// compared, bar by bar and column by column, to the bars computed here
// from docs/scenarios.md's formulas on a copy of the original, to 1e-12
// relative. The code here shares nothing with the package's: it walks
// each instrument's own times and applies the documented formula.

// awkwardDaily is that panel: d0 is Monday 2025-01-06.
//
//	EQ     equity, weekdays of days 0–39 but day 3 (a missing session)
//	BTC    token, days 0–39
//	LATE   token, days 15–39 (listed inside the window [day 10, day 24))
//	GONE   token, days 0–12 (ends inside it)
//	PAST   token, days 0–5 (ends before it)
//	FUTURE token, days 30–39 (listed after it)
//	GAPPY  token, days 0–39 but 18 and 19
func awkwardDaily(seed uint64) *data.Panel {
	r := rand.New(rand.NewPCG(seed, 99))
	span := func(a, b int, skip ...int) []int {
		var out []int
		for k := a; k <= b; k++ {
			keep := true
			for _, s := range skip {
				keep = keep && k != s
			}
			if keep {
				out = append(out, k)
			}
		}
		return out
	}
	var eq []int
	for _, k := range weekdays(30) {
		if k != 3 && k < 40 {
			eq = append(eq, k)
		}
	}
	p := &data.Panel{Description: "awkward"}
	for _, c := range []struct {
		sym   string
		class data.Class
		days  []int
	}{
		{"EQ", data.Equity, eq},
		{"BTC", data.Crypto, span(0, 39)},
		{"LATE", data.Crypto, span(15, 39)},
		{"GONE", data.Crypto, span(0, 12)},
		{"PAST", data.Crypto, span(0, 5)},
		{"FUTURE", data.Crypto, span(30, 39)},
		{"GAPPY", data.Crypto, span(0, 39, 18, 19)},
	} {
		s := series(c.sym, c.class, c.days, flat(len(c.days), 1))
		randomBars(r, &s)
		p.Series = append(p.Series, s)
	}
	return p
}

// randomBars fills a series' bars with a random walk of consistent OHLC,
// an AdjClose of its own (a dividend-like ratio) and a NaN volume.
func randomBars(r *rand.Rand, s *data.Series) {
	c := 50 + 100*r.Float64()
	s.AdjClose = make([]float64, len(s.Time))
	for k := range s.Time {
		o := c * math.Exp(0.01*r.NormFloat64())
		c = o * math.Exp(0.03*r.NormFloat64())
		s.Open[k], s.Close[k] = o, c
		s.High[k] = max(o, c) * (1 + 0.02*r.Float64())
		s.Low[k] = min(o, c) * (1 - 0.02*r.Float64())
		s.AdjClose[k] = c * (0.9 + 0.1*r.Float64())
		s.Volume[k] = 1e6 * r.Float64()
		if k%5 == 2 {
			s.Volume[k] = math.NaN()
		}
	}
}

// refSeries is one instrument's bars as the reference computes them.
type refSeries struct {
	t                          []int64
	o, h, l, c, adj, vol, adj0 []float64
	c0                         []float64 // the original closes (AdjClose keeps its ratio to them)
	in                         []float64 // the closes the current shock starts from
}

// next starts the next shock of a composition from the bars as they are.
func (r *refSeries) next() { r.in = append([]float64(nil), r.c...) }

func refOf(s *data.Series) *refSeries {
	cp := func(x []float64) []float64 { return append([]float64(nil), x...) }
	return &refSeries{t: s.Time, o: cp(s.Open), h: cp(s.High), l: cp(s.Low), c: cp(s.Close), adj: cp(s.AdjClose), vol: cp(s.Volume),
		adj0: cp(s.AdjClose), c0: cp(s.Close), in: cp(s.Close)}
}

// inWindow lists the bars k >= 1 (a bar with a return) stamped in [from, to).
func (r *refSeries) inWindow(from, to int64) []int {
	var ks []int
	for k := 1; k < len(r.t); k++ {
		if r.t[k] >= from && r.t[k] < to {
			ks = append(ks, k)
		}
	}
	return ks
}

// newCloses replaces the returns of bars ks (consecutive, each with a
// predecessor) by rs, rebuilding the closes from the close before the
// first; shape sets a rebuilt bar's open, high and low from its new and
// its old close. After the last the level carries: every later bar times
// C'_last / C_last.
func (r *refSeries) newCloses(ks []int, rs []float64, shape func(k int, cNew, cOld float64) (o, h, l float64)) {
	prev := r.c[ks[0]-1]
	for j, k := range ks {
		cNew := prev * math.Exp(rs[j])
		r.o[k], r.h[k], r.l[k] = shape(k, cNew, r.c[k])
		r.c[k] = cNew
		prev = cNew
	}
	last := ks[len(ks)-1]
	m := prev / r.in[last]
	for k := last + 1; k < len(r.t); k++ {
		r.o[k] *= m
		r.h[k] *= m
		r.l[k] *= m
		r.c[k] *= m
	}
}

// finish restores high >= max(open, close), low <= min(open, close) and
// AdjClose's ratio to the close.
func (r *refSeries) finish() {
	for k := range r.t {
		r.h[k] = max(r.h[k], r.o[k], r.c[k])
		r.l[k] = min(r.l[k], r.o[k], r.c[k])
		r.adj[k] = r.c[k] * (r.adj0[k] / r.c0[k])
	}
}

// logRet is bar k's close-to-close log return.
func (r *refSeries) logRet(k int) float64 { return math.Log(r.c[k] / r.c[k-1]) }

// refVolatility: r' = μ + K(r − μ) over the window's bars, the bar's
// open, high and low at C'·(X/C)^K.
func refVolatility(r *refSeries, from, to int64, K float64) {
	ks := r.inWindow(from, to)
	if len(ks) == 0 {
		return
	}
	rs := make([]float64, len(ks))
	mu := 0.0
	for j, k := range ks {
		rs[j] = r.logRet(k)
		mu += rs[j]
	}
	mu /= float64(len(ks))
	for j := range rs {
		rs[j] = mu + K*(rs[j]-mu)
	}
	r.newCloses(ks, rs, func(k int, cn, c float64) (float64, float64, float64) {
		return cn * math.Pow(r.o[k]/c, K), cn * math.Pow(r.h[k]/c, K), cn * math.Pow(r.l[k]/c, K)
	})
}

// refCorrelation: f_t the mean of the targets' returns at t (those with
// a bar there), m = (1−ρ)(r − μ) + ρ(f − φ), r' = μ + λm, λ = √(Σd²/Σm²);
// bars keep their shape.
func refCorrelation(rs []*refSeries, from, to int64, rho float64) {
	sum, cnt := map[int64]float64{}, map[int64]int{}
	for _, r := range rs {
		for _, k := range r.inWindow(from, to) {
			sum[r.t[k]] += r.logRet(k)
			cnt[r.t[k]]++
		}
	}
	f := func(t int64) float64 { return sum[t] / float64(cnt[t]) }
	for _, r := range rs {
		ks := r.inWindow(from, to)
		if len(ks) == 0 {
			continue
		}
		n := float64(len(ks))
		mu, phi := 0.0, 0.0
		for _, k := range ks {
			mu += r.logRet(k) / n
			phi += f(r.t[k]) / n
		}
		var dd, mm float64
		m := make([]float64, len(ks))
		for j, k := range ks {
			d := r.logRet(k) - mu
			m[j] = (1-rho)*d + rho*(f(r.t[k])-phi)
			dd += d * d
			mm += m[j] * m[j]
		}
		lambda := 1.0
		if mm > 0 {
			lambda = math.Sqrt(dd / mm)
		}
		out := make([]float64, len(ks))
		for j := range m {
			out[j] = mu + lambda*m[j]
		}
		r.newCloses(ks, out, func(k int, cn, c float64) (float64, float64, float64) {
			return r.o[k] * cn / c, r.h[k] * cn / c, r.l[k] * cn / c
		})
	}
}

// refWick on bar k: the close moves by cl during the bar (open kept,
// high, low, close and every later bar times 1 + cl), the bar's range is
// widened to its open and close, then its low (move < 0) or high
// (move > 0) times 1 + move.
func refWick(r *refSeries, k int, move, cl float64) {
	g := 1 + cl
	r.h[k] *= g
	r.l[k] *= g
	r.c[k] *= g
	for j := k + 1; j < len(r.t); j++ {
		r.o[j] *= g
		r.h[j] *= g
		r.l[j] *= g
		r.c[j] *= g
	}
	r.h[k] = max(r.h[k], r.o[k], r.c[k])
	r.l[k] = min(r.l[k], r.o[k], r.c[k])
	if move < 0 {
		r.l[k] *= 1 + move
	} else {
		r.h[k] *= 1 + move
	}
}

// refPath is the jump's cumulative factor g(j) of docs/scenarios.md.
func refPath(x float64, N, M int, y float64) func(j int) float64 {
	G1 := 1 + x
	G2 := 1 + x*(1-y)
	return func(j int) float64 {
		switch {
		case j < 0:
			return 1
		case j < N:
			return math.Pow(G1, float64(j+1)/float64(N))
		case j < N+M:
			return G1 * math.Pow(G2/G1, float64(j-N+1)/float64(M))
		}
		return G2
	}
}

// refJump moves bars from k0: close, high, low by g(j + pre)/g(pre − 1),
// the open by g(j + pre − 1)/g(pre − 1) (a move during the bar), a late
// listing's first open (pre > 0) left where it traded.
func refJump(r *refSeries, k0, pre int, g func(int) float64) {
	base := g(pre - 1)
	for k := k0; k < len(r.t); k++ {
		j := k - k0 + pre
		gc, gp := g(j)/base, g(j-1)/base
		if pre > 0 && k == k0 {
			gp = 1
		}
		r.o[k] *= gp
		r.h[k] *= gc
		r.l[k] *= gc
		r.c[k] *= gc
	}
}

// sameAsRef compares the shocked series to the reference, relative 1e-12
// on every price column, exactly on volume (NaN equal NaN).
func sameAsRef(t *testing.T, what string, s *data.Series, r *refSeries) {
	t.Helper()
	cols := []struct {
		name      string
		got, want []float64
	}{{"open", s.Open, r.o}, {"high", s.High, r.h}, {"low", s.Low, r.l}, {"close", s.Close, r.c}, {"adjclose", s.AdjClose, r.adj}}
	for _, c := range cols {
		for k := range c.want {
			if d := math.Abs(c.got[k] - c.want[k]); !(d <= 1e-12*math.Abs(c.want[k])) {
				t.Errorf("%s: %s %s bar %d (%s) = %.17g, want %.17g (rel %.2g)", what, s.Symbol, c.name, k, data.FormatTime(s.Time[k]), c.got[k], c.want[k], d/math.Abs(c.want[k]))
				return
			}
		}
	}
	for k := range r.vol {
		if g, w := s.Volume[k], r.vol[k]; g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
			t.Errorf("%s: %s volume bar %d = %g, want %g", what, s.Symbol, k, g, w)
			return
		}
	}
}

// checkAgainstRef applies the scenario and compares every instrument of
// the result to the reference (instruments the reference leaves alone
// to their original bars), and checks the input panel is untouched.
func checkAgainstRef(t *testing.T, text string, p *data.Panel, opt ApplyOptions, ref func(map[string]*refSeries)) *data.Panel {
	t.Helper()
	before := deepCopy(p)
	refs := map[string]*refSeries{}
	for i := range p.Series {
		refs[p.Series[i].Symbol] = refOf(&p.Series[i])
	}
	ref(refs)
	for _, r := range refs {
		r.finish()
	}
	out, _ := mustApply(t, mustParse(t, text), p, opt)
	samePanel(t, p, before)
	for i := range out.Series {
		sameAsRef(t, "", &out.Series[i], refs[out.Series[i].Symbol])
	}
	return out
}

// symbolsOf lists the panel's symbols sorted (the references' fixed order).
func symbolsOf(refs map[string]*refSeries) []string {
	out := make([]string, 0, len(refs))
	for s := range refs {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// firstOnOrAfter is the first bar of r stamped at or after t (len if none).
func (r *refSeries) firstOnOrAfter(t int64) int {
	for k, x := range r.t {
		if x >= t {
			return k
		}
	}
	return len(r.t)
}

const awkwardSyms = `["EQ", "BTC", "LATE", "GONE", "PAST", "FUTURE", "GAPPY"]`

func TestShockAccountingDaily(t *testing.T) {
	from, to := day(10), day(24) // day = 10, days = 14
	for _, c := range []struct {
		name, text string
		ref        func(map[string]*refSeries)
	}{
		{"volatility", "type = \"volatility\"\nday = 10\ndays = 14\nk = 2.5", func(rs map[string]*refSeries) {
			for _, sym := range symbolsOf(rs) {
				refVolatility(rs[sym], from, to, 2.5)
			}
		}},
		{"volatility k = 0", "type = \"volatility\"\nday = 10\nuntil = 2025-01-30\nk = 0", func(rs map[string]*refSeries) {
			for _, sym := range symbolsOf(rs) {
				refVolatility(rs[sym], from, to, 0)
			}
		}},
		{"correlation", "type = \"correlation\"\nday = 10\ndays = 14\nrho = 0.7", func(rs map[string]*refSeries) {
			var all []*refSeries
			for _, sym := range symbolsOf(rs) {
				all = append(all, rs[sym])
			}
			refCorrelation(all, from, to, 0.7)
		}},
		// Day 12 is Saturday 2025-01-18: the equity's bar is Monday's
		// (day 14); LATE first trades 3 days after it and is left alone;
		// GONE's last bar is day 12's; PAST has no bar from then.
		{"wick", "type = \"wick\"\nday = 12\nmove = -0.25\nclose = -0.08", func(rs map[string]*refSeries) {
			for _, sym := range []string{"EQ", "BTC", "GONE", "GAPPY"} {
				refWick(rs[sym], rs[sym].firstOnOrAfter(day(12)), -0.25, -0.08)
			}
		}},
		{"wick up", "type = \"wick\"\nday = 12\nmove = 0.4", func(rs map[string]*refSeries) {
			for _, sym := range []string{"EQ", "BTC", "GONE", "GAPPY"} {
				refWick(rs[sym], rs[sym].firstOnOrAfter(day(12)), 0.4, 0)
			}
		}},
		// A crash over 4 trading days, half given back over 3, during
		// the bar, from Saturday day 12: each instrument's own bars.
		// LATE first trades on day 15, 3 days (12, 13, 14) into the
		// 7-day path: it takes the rest of it. GAPPY's hole on days 18
		// and 19 is not counted (bars, not days). FUTURE (18 days in)
		// and PAST (ended) are left alone.
		{"gradual crash", "type = \"jump\"\nday = 12\nmove = -0.3\nspread_days = 4\nrecover = 0.5\nrecover_days = 3\ngap = false", func(rs map[string]*refSeries) {
			g := refPath(-0.3, 4, 3, 0.5)
			for _, sym := range []string{"EQ", "BTC", "GONE", "GAPPY"} {
				refJump(rs[sym], rs[sym].firstOnOrAfter(day(12)), 0, g)
			}
			refJump(rs["LATE"], 0, 3, g)
		}},
		{"liquidity", "type = \"liquidity\"\nday = 10\ndays = 14\nvolume_mult = 0.25\nspread_mult = 2", func(rs map[string]*refSeries) {
			for _, sym := range symbolsOf(rs) {
				r := rs[sym]
				for k := range r.t {
					if r.t[k] >= from && r.t[k] < to {
						r.vol[k] *= 0.25
					}
				}
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkAgainstRef(t, "name = \"a\"\n[[shock]]\nsymbols = "+awkwardSyms+"\n"+c.text, awkwardDaily(3), ApplyOptions{}, c.ref)
		})
	}
}

// awkwardHourly is hourly bars across New York's change to daylight time
// (Sunday 2025-03-09): TOK, a token, every hour from 2025-03-06 to the
// 12th but 2025-03-08T05:00Z (a missing bar); NYEQ, an equity stamped as
// Yahoo stamps it, 09:30 … 15:30 New York on the sessions of the 6th,
// 7th (14:30Z … 20:30Z) and the 10th, 11th (13:30Z … 19:30Z); LATEH, a
// token listed at 2025-03-07T15:00Z; GONEH, one whose data ends at
// 2025-03-08T10:00Z.
func awkwardHourly(seed uint64) *data.Panel {
	r := rand.New(rand.NewPCG(seed, 7))
	h := int64(data.Hour)
	hours := func(from, to int64, skip int64) []int64 {
		var out []int64
		for t := from; t < to; t += h {
			if t != skip {
				out = append(out, t)
			}
		}
		return out
	}
	var ny []int64
	for _, d := range []struct {
		day  int64
		open int64 // the 09:30 bar, UTC hours ×2
	}{{data.Day(2025, 3, 6), 29}, {data.Day(2025, 3, 7), 29}, {data.Day(2025, 3, 10), 27}, {data.Day(2025, 3, 11), 27}} {
		for b := range int64(7) {
			ny = append(ny, d.day+d.open*h/2+b*h)
		}
	}
	p := &data.Panel{Description: "awkward hourly"}
	for _, c := range []struct {
		sym   string
		class data.Class
		times []int64
	}{
		{"TOK", data.Crypto, hours(data.Day(2025, 3, 6), data.Day(2025, 3, 12), data.Day(2025, 3, 8)+5*h)},
		{"NYEQ", data.Equity, ny},
		{"LATEH", data.Crypto, hours(data.Day(2025, 3, 7)+15*h, data.Day(2025, 3, 12), 0)},
		{"GONEH", data.Crypto, hours(data.Day(2025, 3, 6), data.Day(2025, 3, 8)+11*h, 0)},
	} {
		s := series(c.sym, c.class, make([]int, len(c.times)), flat(len(c.times), 1))
		copy(s.Time, c.times)
		s.Interval = data.Hour
		randomBars(r, &s)
		p.Series = append(p.Series, s)
	}
	return p
}

// On hourly bars a regime's window is calendar time [from, to) by the
// bars' stamps, here from mid-day on Friday to mid-day on Monday, across
// the change to daylight time: NYEQ's bars in it are Friday's 18:30Z,
// 19:30Z, 20:30Z and Monday's 13:30Z … 17:30Z.
func TestShockAccountingHourly(t *testing.T) {
	from := data.Day(2025, 3, 7) + 18*int64(data.Hour)
	to := from + 3*data.NanosPerDay
	syms := `["TOK", "NYEQ", "LATEH", "GONEH"]`
	when := "time = \"2025-03-07T18:00:00Z\"\ndays = 3\n"
	for _, c := range []struct {
		name, text string
		ref        func(map[string]*refSeries)
	}{
		{"volatility", "type = \"volatility\"\n" + when + "k = 1.7", func(rs map[string]*refSeries) {
			for _, sym := range symbolsOf(rs) {
				refVolatility(rs[sym], from, to, 1.7)
			}
		}},
		{"correlation", "type = \"correlation\"\n" + when + "rho = 0.9", func(rs map[string]*refSeries) {
			var all []*refSeries
			for _, sym := range symbolsOf(rs) {
				all = append(all, rs[sym])
			}
			refCorrelation(all, from, to, 0.9)
		}},
		{"liquidity", "type = \"liquidity\"\n" + when + "volume_mult = 0", func(rs map[string]*refSeries) {
			for _, r := range rs {
				for k := range r.t {
					if r.t[k] >= from && r.t[k] < to {
						r.vol[k] *= 0
					}
				}
			}
		}},
		// A wick at 15:10Z on Monday (EDT): the bar it falls in, TOK's
		// and LATEH's 15:00Z, NYEQ's 14:30Z (10:30 New York); GONEH's
		// data has ended.
		{"wick at a time", "type = \"wick\"\ntime = \"2025-03-10T15:10:00Z\"\nmove = -0.3\nclose = 0.05", func(rs map[string]*refSeries) {
			at := data.Day(2025, 3, 10) + 15*int64(data.Hour)
			refWick(rs["TOK"], rs["TOK"].firstOnOrAfter(at), -0.3, 0.05)
			refWick(rs["LATEH"], rs["LATEH"].firstOnOrAfter(at), -0.3, 0.05)
			refWick(rs["NYEQ"], rs["NYEQ"].firstOnOrAfter(at-30*int64(data.Minute)), -0.3, 0.05)
		}},
		// A wick on Saturday's date: the tokens' 00:00Z bar (GONEH's
		// too), the equity's next session's first bar, Monday 13:30Z.
		{"wick on a date", "type = \"wick\"\ndate = 2025-03-08\nmove = 0.2", func(rs map[string]*refSeries) {
			for _, sym := range symbolsOf(rs) {
				refWick(rs[sym], rs[sym].firstOnOrAfter(data.Day(2025, 3, 8)), 0.2, 0)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkAgainstRef(t, "name = \"a\"\n[[shock]]\nsymbols = "+syms+"\n"+c.text, awkwardHourly(5), ApplyOptions{}, c.ref)
		})
	}
}

// Two and three shocks on the same bars compose in their declared order,
// each from the bars the previous left (high and low restored between
// them): volatility ×2 then correlation ρ = 0.6 over [day 10, day 24),
// then a wick on day 16, matches the references applied in that order;
// the other order gives other bars (and matches its own references). A
// volatility window drawn at random (random = true) lands where the
// documented draw puts it: a uniform calendar day in [start, end − 14
// days], the generator's IntN(n + 1) days after the start, and the same
// seed gives the same bytes.
func TestShockCompositionAndSeed(t *testing.T) {
	from, to := day(10), day(24)
	vol := "[[shock]]\ntype = \"volatility\"\nsymbols = " + awkwardSyms + "\nday = 10\ndays = 14\nk = 2\n"
	corr := "[[shock]]\ntype = \"correlation\"\nsymbols = " + awkwardSyms + "\nday = 10\ndays = 14\nrho = 0.6\n"
	wick := "[[shock]]\ntype = \"wick\"\nsymbols = [\"BTC\", \"EQ\"]\nday = 16\nmove = -0.1\nclose = 0.02\n"
	refVol := func(rs map[string]*refSeries) {
		for _, sym := range symbolsOf(rs) {
			refVolatility(rs[sym], from, to, 2)
		}
	}
	refCorr := func(rs map[string]*refSeries) {
		var all []*refSeries
		for _, sym := range symbolsOf(rs) {
			all = append(all, rs[sym])
		}
		refCorrelation(all, from, to, 0.6)
	}
	refWk := func(rs map[string]*refSeries) {
		for _, sym := range []string{"BTC", "EQ"} {
			refWick(rs[sym], rs[sym].firstOnOrAfter(day(16)), -0.1, 0.02)
		}
	}
	seqOf := func(steps ...func(map[string]*refSeries)) func(map[string]*refSeries) {
		return func(rs map[string]*refSeries) {
			for _, step := range steps {
				step(rs)
				for _, r := range rs {
					r.finish()
					r.next()
				}
			}
		}
	}
	p := awkwardDaily(11)
	checkAgainstRef(t, "name = \"vcw\"\n"+vol+corr+wick, p, ApplyOptions{}, seqOf(refVol, refCorr, refWk))
	checkAgainstRef(t, "name = \"cvw\"\n"+corr+vol+wick, p, ApplyOptions{}, seqOf(refCorr, refVol, refWk))
	a, _ := mustApply(t, mustParse(t, "name = \"x\"\n"+vol+corr), p, ApplyOptions{})
	b, _ := mustApply(t, mustParse(t, "name = \"x\"\n"+corr+vol), p, ApplyOptions{})
	if a.Series[1].Close[15] == b.Series[1].Close[15] {
		t.Errorf("volatility then correlation and the other order give the same BTC close: %g", a.Series[1].Close[15])
	}

	// The random window: the panel runs from day 0 to day 39, so
	// n = 39 − 14 = 25 and the start is day IntN(26) of the seed's PCG.
	text := "name = \"r\"\n[[shock]]\ntype = \"volatility\"\nsymbols = " + awkwardSyms + "\nrandom = true\ndays = 14\nk = 3\n"
	var first *data.Panel
	for range 2 {
		d := rand.New(rand.NewPCG(42, 1)).IntN(26)
		out := checkAgainstRef(t, text, p, ApplyOptions{Rand: rand.New(rand.NewPCG(42, 1))}, func(rs map[string]*refSeries) {
			for _, sym := range symbolsOf(rs) {
				refVolatility(rs[sym], day(d), day(d+14), 3)
			}
		})
		if first == nil {
			first = out
			continue
		}
		samePanel(t, out, first)
	}
}
