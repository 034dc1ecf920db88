package scenarios

import (
	"crypto/sha256"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// The audit's second method: the source's dates, returns and bar shapes
// rebuilt here from the panel's bars alone (not from the bootstrap's
// tables), and every path checked against them.

// auditSource is a mixed-calendar panel with correlated returns: BTC
// every calendar day, NVDA on weekdays (its Monday return spans the
// weekend), TAO every day from day lateTAO on (listed late: no bar
// before). On weekdays BTC's and NVDA's log returns share a factor z:
// r = σ(0.6 z + 0.8 e), a correlation of 0.36 on the dates both trade.
func auditSource(seed uint64, days, lateTAO int) *data.Panel {
	r := rand.New(rand.NewPCG(seed, 7))
	wd := weekdays(days * 5 / 7)
	isWeekday := map[int]bool{}
	for _, d := range wd {
		isWeekday[d] = true
	}
	btc := series("BTC", data.Crypto, seq(days), flat(days, 1))
	nvda := series("NVDA", data.Equity, wd, flat(len(wd), 1))
	tao := series("TAO", data.Crypto, seq(days)[lateTAO:], flat(days-lateTAO, 1))
	cb, cn, ct := 40000.0, 100.0, 300.0
	kn, kt := 0, 0
	for d := 0; d < days; d++ {
		z := r.NormFloat64()
		cb *= math.Exp(0.03 * (0.6*z + 0.8*r.NormFloat64()))
		btc.Close[d] = cb
		btc.Open[d], btc.High[d], btc.Low[d] = cb*(1+0.01*r.Float64()), cb*1.05, cb*0.95
		if isWeekday[d] && kn < len(wd) {
			cn *= math.Exp(0.02 * (0.6*z + 0.8*r.NormFloat64()))
			nvda.Close[kn] = cn
			nvda.Open[kn], nvda.High[kn], nvda.Low[kn] = cn*(1-0.01*r.Float64()), cn*1.04, cn*0.96
			kn++
		}
		if d >= lateTAO {
			ct *= math.Exp(0.05 * r.NormFloat64())
			tao.Close[kt] = ct
			tao.Open[kt], tao.High[kt], tao.Low[kt] = ct, ct*1.1, ct*0.9
			kt++
		}
	}
	return panelOf(btc, nvda, tao)
}

// auditTable is the source as the docs describe it: the union of the
// instruments' times; per instrument and union date its log return
// (when it has a bar there that is not its first) and its bar's
// shape; the usable dates (some instrument has a return there).
type auditTable struct {
	times  []int64
	has    [][]bool    // [instrument][union index]
	ret    [][]float64 // log C_k / C_{k-1}
	shape  [][][3]float64
	usable []int // union indices
}

func newAuditTable(p *data.Panel) auditTable {
	set := map[int64]bool{}
	for _, s := range p.Series {
		for _, t := range s.Time {
			set[t] = true
		}
	}
	var a auditTable
	for t := range set {
		a.times = append(a.times, t)
	}
	slices.Sort(a.times)
	pos := map[int64]int{}
	for u, t := range a.times {
		pos[t] = u
	}
	for _, s := range p.Series {
		has := make([]bool, len(a.times))
		ret := make([]float64, len(a.times))
		shape := make([][3]float64, len(a.times))
		for k := 1; k < len(s.Time); k++ {
			u := pos[s.Time[k]]
			has[u], ret[u] = true, math.Log(s.Close[k]/s.Close[k-1])
			shape[u] = [3]float64{s.Open[k] / s.Close[k], s.High[k] / s.Close[k], s.Low[k] / s.Close[k]}
		}
		a.has, a.ret, a.shape = append(a.has, has), append(a.ret, ret), append(a.shape, shape)
	}
	for u := range a.times {
		for i := range a.has {
			if a.has[i][u] {
				a.usable = append(a.usable, u)
				break
			}
		}
	}
	return a
}

// Every path date carries one usable source date's returns for every
// instrument at once (a bar exactly where the source has a return there,
// none elsewhere: no NVDA bar on a drawn Saturday, no TAO bar on a date
// from before its listing), each bar keeps the source bar's shape, the
// first bar moves from the last source close, prices stay positive, and
// path date j is the source's last date + 1 + j days.
func TestAuditPathsAreSourceDates(t *testing.T) {
	src := auditSource(11, 400, 150)
	a := newAuditTable(src)
	mc, err := NewMonteCarlo(src, MonteCarloConfig{Paths: 30, Length: 200, MeanBlock: 6, Seed: 99})
	if err != nil {
		t.Fatal(err)
	}
	if mc.SourceDates() != len(a.usable) {
		t.Fatalf("source dates %d, want %d", mc.SourceDates(), len(a.usable))
	}
	usable := map[int]bool{}
	for _, u := range a.usable {
		usable[u] = true
	}
	last := a.times[len(a.times)-1]
	weekendDraws, lateDraws := 0, 0
	for i := range 30 {
		p, err := mc.Path(i)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Draws) != 200 {
			t.Fatalf("path %d: %d draws, want 200 (BTC trades every day)", i, len(p.Draws))
		}
		for k, s := range p.Panel.Series {
			prev := src.Series[k].Close[src.Series[k].Len()-1]
			b := 0
			for j, u32 := range p.Draws {
				u := int(u32)
				if !usable[u] {
					t.Fatalf("path %d date %d draws union date %d, not a date with a return", i, j, u)
				}
				if k == 1 && !a.has[1][u] {
					weekendDraws++
				}
				if k == 2 && !a.has[2][u] {
					lateDraws++
				}
				tj := last + int64(j+1)*data.NanosPerDay
				bar := b < s.Len() && s.Time[b] == tj
				if bar != a.has[k][u] {
					t.Fatalf("path %d %s date %d: bar %v, source date %s has a return: %v", i, s.Symbol, j, bar, data.FormatDay(a.times[u]), a.has[k][u])
				}
				if !bar {
					continue
				}
				c := s.Close[b]
				if !(c > 0) || !(s.Low[b] > 0) {
					t.Fatalf("path %d %s date %d: close %g, low %g", i, s.Symbol, j, c, s.Low[b])
				}
				if got := math.Log(c / prev); math.Abs(got-a.ret[k][u]) > 1e-12 {
					t.Fatalf("path %d %s date %d: log return %.15g, source %.15g", i, s.Symbol, j, got, a.ret[k][u])
				}
				sh := a.shape[k][u]
				for q, x := range []float64{s.Open[b] / c, s.High[b] / c, s.Low[b] / c} {
					if math.Abs(x-sh[q]) > 1e-12 {
						t.Fatalf("path %d %s date %d: bar shape %d = %g, source %g", i, s.Symbol, j, q, x, sh[q])
					}
				}
				prev = c
				b++
			}
			if b != s.Len() {
				t.Fatalf("path %d %s: %d bars off the path dates", i, s.Symbol, s.Len()-b)
			}
		}
	}
	// 2 of 7 dates have no NVDA bar, 150 of 399 usable dates no TAO
	// return (its first bar, day 150, has none either): both must occur.
	if weekendDraws == 0 || lateDraws == 0 {
		t.Errorf("draws without NVDA %d, without TAO %d: want both > 0", weekendDraws, lateDraws)
	}
}

// The draws are a stationary bootstrap with mean block 1/p over the T
// usable dates: each date after the first continues its block (the next
// usable date, T wrapping to the first) with probability 1 − p, else
// draws a uniform date, which continues the block by chance with
// probability 1/T. A block's observed length L is geometric with
// q = P(a block ends) = p·(1 − 1/T): P(L = k) = q(1 − q)^(k−1), mean 1/q.
// Tolerances: 5 standard errors of the N completed blocks counted:
// sd(L) = √(1 − q)/q, sd of a frequency √(P(1 − P)/N).
func TestAuditBlockLengthsAndWrap(t *testing.T) {
	for _, c := range []struct {
		name  string
		days  int
		block float64
		paths int
	}{
		{"long history", 600, 10, 200},
		{"short history, wrapping often", 20, 10, 200},
		{"block 1 (iid days)", 200, 1, 100},
		{"block 2.5", 300, 2.5, 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := auditSource(3, c.days, 0)
			a := newAuditTable(src)
			T := len(a.usable)
			pos := map[int]int{}
			for k, u := range a.usable {
				pos[u] = k
			}
			mc, err := NewMonteCarlo(src, MonteCarloConfig{Paths: c.paths, Length: 2000, MeanBlock: c.block, Seed: 5})
			if err != nil {
				t.Fatal(err)
			}
			counts := map[int]int{}
			n, sum := 0, 0.0
			wrapFrom, wrapOn := 0, 0
			for i := range c.paths {
				p, err := mc.Path(i)
				if err != nil {
					t.Fatal(err)
				}
				run := 1
				for j := 1; j < len(p.Draws); j++ {
					prev, cur := pos[int(p.Draws[j-1])], pos[int(p.Draws[j])]
					if prev == T-1 {
						wrapFrom++
						if cur == 0 {
							wrapOn++
						}
					}
					if cur == (prev+1)%T {
						run++
						continue
					}
					counts[run]++
					n++
					sum += float64(run)
					run = 1
				}
			}
			p := 1 / c.block
			q := p * (1 - 1/float64(T))
			mean := sum / float64(n)
			if sd := math.Sqrt(1-q) / q / math.Sqrt(float64(n)); math.Abs(mean-1/q) > 5*sd {
				t.Errorf("mean block %.4f over %d blocks, want %.4f ± %.4f", mean, n, 1/q, 5*sd)
			}
			for k := 1; k <= 5; k++ {
				want := q * math.Pow(1-q, float64(k-1))
				got := float64(counts[k]) / float64(n)
				if sd := math.Sqrt(want * (1 - want) / float64(n)); math.Abs(got-want) > 5*sd+1e-12 {
					t.Errorf("P(L = %d) = %.4f, want %.4f ± %.4f", k, got, want, 5*sd)
				}
			}
			// From the last usable date the path goes on at the first
			// with probability 1 − q (circular): a run crossing the
			// end is not cut.
			if wrapFrom < 100 {
				t.Fatalf("only %d draws of the last date", wrapFrom)
			}
			got := float64(wrapOn) / float64(wrapFrom)
			if sd := math.Sqrt(q * (1 - q) / float64(wrapFrom)); math.Abs(got-(1-q)) > 5*sd+1e-12 {
				t.Errorf("last date → first date %.4f of %d, want %.4f ± %.4f", got, wrapFrom, 1-q, 5*sd)
			}
		})
	}
}

// pathDigest hashes a path's bars and draws.
func pathDigest(p *Path) [32]byte {
	h := sha256.New()
	hashPath(h, p)
	for _, d := range p.Draws {
		fmt.Fprint(h, d, ",")
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// Path i is the same whatever the number of paths and of workers, and
// another seed gives other paths.
func TestAuditPathIndependentOfCountAndWorkers(t *testing.T) {
	src := auditSource(4, 300, 100)
	digests := func(paths, workers int, seed uint64) map[int][32]byte {
		mc, err := NewMonteCarlo(src, MonteCarloConfig{Paths: paths, Length: 90, MeanBlock: 7, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		out := make([][32]byte, paths)
		if err := eachPath(mc, workers, func(p *Path) error { out[p.Index] = pathDigest(p); return nil }); err != nil {
			t.Fatal(err)
		}
		m := map[int][32]byte{}
		for i, d := range out {
			m[i] = d
		}
		return m
	}
	small, big, other := digests(3, 1, 8), digests(40, 3, 8), digests(40, 2, 9)
	for i := range 3 {
		if small[i] != big[i] {
			t.Errorf("path %d differs between 3 paths on 1 worker and 40 on 3", i)
		}
	}
	same := 0
	for i := range 40 {
		if big[i] == other[i] {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d of 40 paths equal under seeds 8 and 9", same)
	}
}

// moments are the population moments of a sample.
type moments struct{ n, mean, variance, m4 float64 }

func momentsOf(x []float64) moments {
	var m moments
	m.n = float64(len(x))
	for _, v := range x {
		m.mean += v / m.n
	}
	for _, v := range x {
		d := v - m.mean
		m.variance += d * d / m.n
		m.m4 += d * d * d * d / m.n
	}
	return m
}

func corrOf(x, y []float64) float64 {
	mx, my := momentsOf(x), momentsOf(y)
	c := 0.0
	for k := range x {
		c += (x[k] - mx.mean) * (y[k] - my.mean) / mx.n
	}
	return c / math.Sqrt(mx.variance*my.variance)
}

// Across paths, a path date draws each usable source date with
// probability 1/T (the stationary bootstrap's marginal is uniform), so
// an instrument's log return on a date, over the paths that have its bar
// there, is a draw from its source returns: mean and variance those of
// the source, and BTC's and NVDA's correlation on the dates both trade
// that of the source. Dates 300 apart (blocks of mean 10 cross 300 dates
// with probability 0.9^300 ≈ 2e-14) are taken as independent draws, so
// the samples are iid and the tolerances are 5 standard errors: mean
// σ/√n, variance √((μ4 − σ⁴)/n), correlation (1 − ρ²)/√n (normal
// returns).
func TestAuditReturnMomentsAndCorrelation(t *testing.T) {
	src := auditSource(21, 900, 0)
	a := newAuditTable(src)
	mc, err := NewMonteCarlo(src, MonteCarloConfig{Paths: 3000, Length: 1500, MeanBlock: 10, Seed: 77})
	if err != nil {
		t.Fatal(err)
	}
	var srcRet [3][]float64
	var srcB, srcN []float64
	for _, u := range a.usable {
		for k := range 3 {
			if a.has[k][u] {
				srcRet[k] = append(srcRet[k], a.ret[k][u])
			}
		}
		if a.has[0][u] && a.has[1][u] {
			srcB, srcN = append(srcB, a.ret[0][u]), append(srcN, a.ret[1][u])
		}
	}
	var pathRet [3][]float64
	var pathB, pathN []float64
	for i := range 3000 {
		p, err := mc.Path(i)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 1500; j += 300 {
			u := int(p.Draws[j])
			// the path's own log return at date j, from its bars
			var r [3]float64
			var has [3]bool
			tj := a.times[len(a.times)-1] + int64(j+1)*data.NanosPerDay
			for k, s := range p.Panel.Series {
				b, ok := slices.BinarySearch(s.Time, tj)
				if !ok {
					continue
				}
				prev := src.Series[k].Close[src.Series[k].Len()-1]
				if b > 0 {
					prev = s.Close[b-1]
				}
				has[k], r[k] = true, math.Log(s.Close[b]/prev)
				pathRet[k] = append(pathRet[k], r[k])
			}
			if has[0] != a.has[0][u] || has[1] != a.has[1][u] {
				t.Fatalf("path %d date %d: bars %v, source date %d", i, j, has, u)
			}
			if has[0] && has[1] {
				pathB, pathN = append(pathB, r[0]), append(pathN, r[1])
			}
		}
	}
	for k, sym := range []string{"BTC", "NVDA", "TAO"} {
		s, p := momentsOf(srcRet[k]), momentsOf(pathRet[k])
		if tol := 5 * math.Sqrt(s.variance/p.n); math.Abs(p.mean-s.mean) > tol {
			t.Errorf("%s: mean log return %.6f over %g path dates, source %.6f ± %.6f", sym, p.mean, p.n, s.mean, tol)
		}
		if tol := 5 * math.Sqrt((s.m4-s.variance*s.variance)/p.n); math.Abs(p.variance-s.variance) > tol {
			t.Errorf("%s: variance %.3g, source %.3g ± %.3g", sym, p.variance, s.variance, tol)
		}
	}
	rs, rp := corrOf(srcB, srcN), corrOf(pathB, pathN)
	if rs < 0.25 {
		t.Fatalf("source correlation %.3f: the panel should correlate BTC and NVDA (0.36 by construction)", rs)
	}
	if tol := 5 * (1 - rs*rs) / math.Sqrt(float64(len(pathB))); math.Abs(rp-rs) > tol {
		t.Errorf("BTC/NVDA correlation on paths %.4f, source %.4f ± %.4f", rp, rs, tol)
	}
}

// Edge cases: one path; a path shorter than a block; a path far longer
// than the history (it wraps many times, every draw a usable date); a
// panel of one instrument, whose paths chain its returns from its last
// close; a source of two dates (one return: every path repeats it).
func TestAuditEdgeCases(t *testing.T) {
	one := auditSource(2, 40, 0)
	one.Series = one.Series[:1] // BTC alone
	two := auditSource(2, 2, 0)
	two.Series = two.Series[:1]
	for _, c := range []struct {
		name   string
		src    *data.Panel
		cfg    MonteCarloConfig
		wantDt int
	}{
		{"one path", auditSource(1, 100, 0), MonteCarloConfig{Paths: 1, Length: 30, MeanBlock: 5, Seed: 1}, 30},
		{"path shorter than a block", auditSource(1, 100, 0), MonteCarloConfig{Paths: 5, Length: 3, MeanBlock: 50, Seed: 1}, 3},
		{"path longer than the history", one, MonteCarloConfig{Paths: 5, Length: 1000, MeanBlock: 5, Seed: 1}, 1000},
		// Monday and Tuesday 2025-01-06/07: no weekend date, so the 10
		// calendar days from Wednesday hold their 8 weekdays.
		{"two source dates", two, MonteCarloConfig{Paths: 3, Length: 10, MeanBlock: 3, Seed: 1}, 8},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := newAuditTable(c.src)
			mc, err := NewMonteCarlo(c.src, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			for i := range c.cfg.Paths {
				p, err := mc.Path(i)
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Draws) != c.wantDt {
					t.Fatalf("path %d: %d draws, want %d", i, len(p.Draws), c.wantDt)
				}
				// BTC (series 0) trades every day: its closes chain its
				// source returns at the draws from its last close.
				s := p.Panel.Series[0]
				if s.Len() != c.wantDt {
					t.Fatalf("path %d: %d BTC bars, want %d", i, s.Len(), c.wantDt)
				}
				logc := math.Log(c.src.Series[0].Close[c.src.Series[0].Len()-1])
				for j, u := range p.Draws {
					if int(u) < 1 || int(u) >= len(a.times) || !a.has[0][u] {
						t.Fatalf("path %d date %d: draw %d", i, j, u)
					}
					logc += a.ret[0][u]
					if math.Abs(math.Log(s.Close[j])-logc) > 1e-9 {
						t.Fatalf("path %d date %d: close %g, want exp(%g)", i, j, s.Close[j], logc)
					}
				}
			}
		})
	}
}
