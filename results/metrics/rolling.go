package metrics

import "math"

// collapse is the fall of a centred sum of squares that forces an exact
// re-computation of the window.
const collapse = 1e-3

func checkWindow(window int) {
	if window < 1 {
		panic("metrics: window must be at least 1")
	}
}

// welford holds the running mean and centred sum of squares of a window.
type welford struct {
	n        int
	mean, m2 float64
	hi       float64 // largest m2 since the last reset
}

func (s *welford) add(x float64) {
	s.n++
	d := x - s.mean
	s.mean += d / float64(s.n)
	s.m2 += d * (x - s.mean)
	s.hi = math.Max(s.hi, s.m2)
}

func (s *welford) collapsed() bool { return s.m2 < collapse*s.hi }

func (s *welford) remove(x float64) {
	if s.n <= 1 {
		*s = welford{}
		return
	}
	s.n--
	d := x - s.mean
	s.mean -= d / float64(s.n)
	s.m2 -= d * (x - s.mean)
	if s.m2 < 0 {
		s.m2 = 0
	}
}

// reset recomputes the window exactly from the values v(lo..hi).
func (s *welford) reset(x []float64, off float64, lo, hi int) {
	*s = welford{}
	var sum float64
	for j := lo; j <= hi; j++ {
		if v := x[j] - off; !math.IsNaN(v) {
			sum += v
			s.n++
		}
	}
	if s.n == 0 {
		return
	}
	s.mean = sum / float64(s.n)
	var ss, comp float64
	for j := lo; j <= hi; j++ {
		if v := x[j] - off; !math.IsNaN(v) {
			d := v - s.mean
			ss += d * d
			comp += d
		}
	}
	s.m2 = math.Max(0, ss-comp*comp/float64(s.n))
	s.hi = s.m2
}

// runTracker detects windows whose observed values are all identical:
// prevOfChange is the index of the observation just before the latest one
// that differs from its predecessor; a window starting after it holds a
// single distinct value.
type runTracker struct {
	last         float64
	seen         bool
	lastAt       int
	prevOfChange int
}

func newRunTracker() runTracker { return runTracker{prevOfChange: -1} }

func (t *runTracker) observe(i int, v float64) {
	if t.seen && v != t.last {
		t.prevOfChange = t.lastAt
	}
	t.last, t.lastAt, t.seen = v, i, true
}

func (t *runTracker) constantSince(lo int) bool { return t.prevOfChange < lo }

// rollingUni streams mean and sd (ddof 1) of r − off over the windows and
// calls emit for each complete window.
func rollingUni(dst, r []float64, window int, off float64, emit func(s welford, constant bool) float64) []float64 {
	checkWindow(window)
	dst = out(dst, len(r))
	var s welford
	tr := newRunTracker()
	for i := range r {
		if v := r[i] - off; !math.IsNaN(v) {
			s.add(v)
			tr.observe(i, v)
		}
		lo := i - window + 1
		if lo > 0 {
			if v := r[lo-1] - off; !math.IsNaN(v) {
				s.remove(v)
			}
		}
		if (lo >= 0 && lo%window == 0) || s.collapsed() {
			s.reset(r, off, max(lo, 0), i)
		}
		if lo < 0 {
			dst[i] = nan()
			continue
		}
		dst[i] = emit(s, tr.constantSince(lo))
	}
	return dst
}

// RollingVolatility writes the annualised volatility of each window,
// sample sd (ddof = 1) · √ppy, into dst (len(r) values; nil dst
// allocates); NaN for windows with fewer than 2 observations. See "Rolling
// windows" in the package doc.
func RollingVolatility(dst, r []float64, window int, ppy float64) []float64 {
	checkPPY(ppy)
	sq := math.Sqrt(ppy)
	return rollingUni(dst, r, window, 0, func(s welford, constant bool) float64 {
		if s.n < 2 {
			return nan()
		}
		if constant {
			return 0
		}
		return math.Sqrt(s.m2/float64(s.n-1)) * sq
	})
}

// RollingSharpe writes the annualised Sharpe ratio of each window,
// mean(r − rf) / sd(r − rf) · √ppy (ddof = 1), into dst (len(r) values;
// nil dst allocates; empyrical's
// roll_sharpe_ratio, which returns only the complete windows:
// dst[window−1:]). NaN with fewer than 2 observations or an sd in the
// window of 0 or under 1e-12 per period (rounding noise, see Sharpe).
func RollingSharpe(dst, r []float64, window int, rf, ppy float64) []float64 {
	checkPPY(ppy)
	sq := math.Sqrt(ppy)
	return rollingUni(dst, r, window, rf, func(s welford, constant bool) float64 {
		if s.n < 2 || constant {
			return nan()
		}
		sd := math.Sqrt(s.m2 / float64(s.n-1))
		if sd < noiseSD {
			return nan()
		}
		return s.mean / sd * sq
	})
}

// coWelford holds running means, centred sums of squares and the centred
// cross product of the pairs (x = benchmark, y = series) in a window.
type coWelford struct {
	n             int
	mx, my        float64
	sxx, syy, sxy float64
	hx, hy        float64 // largest sxx, syy since the last reset
}

func (s *coWelford) collapsed() bool { return s.sxx < collapse*s.hx || s.syy < collapse*s.hy }

func (s *coWelford) add(x, y float64) {
	s.n++
	fn := float64(s.n)
	dx := x - s.mx
	dy := y - s.my
	s.mx += dx / fn
	s.my += dy / fn
	s.sxx += dx * (x - s.mx)
	s.syy += dy * (y - s.my)
	s.sxy += dx * (y - s.my)
	s.hx, s.hy = math.Max(s.hx, s.sxx), math.Max(s.hy, s.syy)
}

func (s *coWelford) remove(x, y float64) {
	if s.n <= 1 {
		*s = coWelford{}
		return
	}
	s.n--
	fn := float64(s.n)
	dx := x - s.mx
	dy := y - s.my
	s.mx -= dx / fn
	s.my -= dy / fn
	s.sxx = math.Max(0, s.sxx-dx*(x-s.mx))
	s.syy = math.Max(0, s.syy-dy*(y-s.my))
	s.sxy -= (x - s.mx) * dy
}

func (s *coWelford) reset(r, b []float64, lo, hi int) {
	g := regress(r[lo:hi+1], b[lo:hi+1], allRows)
	*s = coWelford{n: g.n}
	if g.n > 0 {
		s.mx, s.my, s.sxx, s.syy, s.sxy = g.mb, g.mr, g.sbb, g.srr, g.srb
		s.hx, s.hy = s.sxx, s.syy
	}
}

func rollingPair(dst, r, b []float64, window int, emit func(s coWelford, bConst, rConst bool) float64) []float64 {
	checkWindow(window)
	checkLen(r, b)
	dst = out(dst, len(r))
	var s coWelford
	tb, trr := newRunTracker(), newRunTracker()
	for i := range r {
		if x, y := b[i], r[i]; !math.IsNaN(x) && !math.IsNaN(y) {
			s.add(x, y)
			tb.observe(i, x)
			trr.observe(i, y)
		}
		lo := i - window + 1
		if lo > 0 {
			if x, y := b[lo-1], r[lo-1]; !math.IsNaN(x) && !math.IsNaN(y) {
				s.remove(x, y)
			}
		}
		if (lo >= 0 && lo%window == 0) || s.collapsed() {
			s.reset(r, b, max(lo, 0), i)
		}
		if lo < 0 {
			dst[i] = nan()
			continue
		}
		dst[i] = emit(s, tb.constantSince(lo), trr.constantSince(lo))
	}
	return dst
}

// RollingBeta writes Beta(r, b) of each window into dst (len(r) values;
// nil dst allocates): the least-squares
// slope over the rows of the window where both are present. NaN with
// fewer than 2 such rows or a benchmark variance below 1e-30.
func RollingBeta(dst, r, b []float64, window int) []float64 {
	return rollingPair(dst, r, b, window, func(s coWelford, bConst, _ bool) float64 {
		if s.n < 2 || bConst || s.sxx/float64(s.n) < 1e-30 {
			return nan()
		}
		return s.sxy / s.sxx
	})
}

// RollingCorrelation writes Correlation(r, b) of each window into dst.
// NaN with fewer than 2 rows where both are present or a constant series
// in the window.
func RollingCorrelation(dst, r, b []float64, window int) []float64 {
	return rollingPair(dst, r, b, window, func(s coWelford, bConst, rConst bool) float64 {
		if s.n < 2 || bConst || rConst || s.sxx/float64(s.n) < 1e-30 || s.syy == 0 {
			return nan()
		}
		return math.Max(-1, math.Min(1, s.sxy/math.Sqrt(s.sxx*s.syy)))
	})
}

// RollingMaxDrawdown writes MaxDrawdown of each window into dst, the
// wealth restarting at 1 at the start of every window (empyrical's
// roll_max_drawdown returns dst[window−1:]). Not streaming: O(n·window).
func RollingMaxDrawdown(dst, r []float64, window int) []float64 {
	checkWindow(window)
	dst = out(dst, len(r))
	for i := range r {
		lo := i - window + 1
		if lo < 0 {
			dst[i] = nan()
			continue
		}
		dst[i] = MaxDrawdown(r[lo : i+1])
	}
	return dst
}
