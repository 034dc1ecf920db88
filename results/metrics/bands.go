package metrics

import (
	"fmt"
	"math"
)

// Bands computes per-day quantiles of many paths (a Monte Carlo fan: the
// 5th, 25th, 50th, 75th and 95th percentile of equity on each day) from
// paths given one at a time, in memory O(days) rather than O(paths ×
// days): a runner adds each path as it finishes and drops it.
//
// It is exact while it holds at most ExactPaths paths: it keeps their
// values and [Bands.Quantiles] is [Quantile] (R type 7) of each day's
// values, bit for bit. When one more path comes, each day's values move
// into a relative-error quantile sketch (the logarithmic bins of
// DDSketch: Masson, Rim and Lee, VLDB 2019) and the kept values are
// dropped. A sketched quantile is type 7's interpolation between the two
// order statistics around rank (n−1)·p, each read from its bin, so:
//
//   - every order statistic x is returned within RelativeError·|x| of
//     its exact value, and so is the quantile when its two neighbours
//     share a sign (as growth of 1 and equity do), else within
//     RelativeError·max(|x_lo|, |x_hi|);
//   - values of magnitude below 1e-300 count as zero, and ±Inf are kept
//     as ±Inf;
//   - each day's smallest and largest values are kept exactly and bound
//     every estimate, so the 0 and 1 quantiles are exact, and so is a day
//     on which every path has the same value (day 0 of a growth of 1);
//   - values of exactly 1 are counted apart, as zeros are, and read as 1:
//     a growth of 1 that has not moved (a run in cash on that path) is
//     not read as its bin's 0.999;
//   - a day whose non-zero magnitudes of one sign span more than a factor
//     of MaxRange (1e8) merges its smallest magnitudes into one bin,
//     whose order statistics then read as that bin's upper edge:
//     documented, not expected of equity paths. Memory is one 4-byte
//     count per bin spanned, at most ln(MaxRange)/ln γ (9,210 at the
//     default error) per day and sign.
//
// NaN values are missing: a day's quantile is over the paths with a value
// on that day, NaN when none has one.
type Bands struct {
	days, exact int
	qs          []float64
	alpha       float64
	logGamma    float64
	maxBins     int
	paths       int
	kept        [][]float64 // exact mode: per day, the values in path order
	sketch      []daySketch // sketch mode, one per day
}

// The defaults of [NewBands].
const (
	// DefaultExactPaths is the number of paths Bands keeps exactly: 1,000
	// paths of 2,520 days hold 20 MB.
	DefaultExactPaths = 1000
	// DefaultRelativeError is the sketch's relative accuracy: 0.1 % of a
	// value (0.001 on a growth of 1 of 1.0).
	DefaultRelativeError = 1e-3
	// MaxRange is the widest ratio of magnitudes one sign of a day's
	// sketch holds without merging bins.
	MaxRange = 1e8
)

// NewBands returns bands of days days for the quantiles (each in [0, 1]),
// exact up to DefaultExactPaths paths and within DefaultRelativeError
// beyond. It panics on a quantile outside [0, 1] or days < 0.
func NewBands(days int, quantiles []float64) *Bands {
	return NewBandsWith(days, quantiles, DefaultExactPaths, DefaultRelativeError)
}

// NewBandsWith is [NewBands] with the number of paths kept exactly (0:
// sketch from the first path) and the sketch's relative error, in (0, 1).
func NewBandsWith(days int, quantiles []float64, exactPaths int, relErr float64) *Bands {
	if days < 0 || exactPaths < 0 {
		panic(fmt.Sprintf("metrics: bands of %d days, %d exact paths", days, exactPaths))
	}
	if !(relErr > 0 && relErr < 1) {
		panic(fmt.Sprintf("metrics: bands relative error %g is not in (0, 1)", relErr))
	}
	for _, q := range quantiles {
		checkAlpha(q)
	}
	b := &Bands{days: days, exact: exactPaths, qs: append([]float64(nil), quantiles...), alpha: relErr,
		logGamma: math.Log((1 + relErr) / (1 - relErr))}
	b.maxBins = int(math.Ceil(math.Log(MaxRange) / b.logGamma))
	b.kept = make([][]float64, days)
	return b
}

// Paths is the number of paths added.
func (b *Bands) Paths() int { return b.paths }

// Exact reports whether the quantiles are exact (no more paths than the
// bands keep).
func (b *Bands) Exact() bool { return b.sketch == nil }

// Add adds a path of one value per day (NaN: no value that day). The
// bands do not retain path. It panics if len(path) is not the bands' day
// count.
func (b *Bands) Add(path []float64) {
	if len(path) != b.days {
		panic(fmt.Sprintf("metrics: path of %d values for bands of %d days", len(path), b.days))
	}
	b.paths++
	if b.sketch == nil && b.paths > b.exact {
		b.toSketch()
	}
	if b.sketch != nil {
		for d, v := range path {
			if !math.IsNaN(v) {
				b.sketch[d].add(v, b.logGamma, b.maxBins)
			}
		}
		return
	}
	for d, v := range path {
		if !math.IsNaN(v) {
			b.kept[d] = append(b.kept[d], v)
		}
	}
}

// Quantiles returns, for each quantile given to NewBands, its value on
// each day: out[q][d].
func (b *Bands) Quantiles() [][]float64 {
	out := make([][]float64, len(b.qs))
	for q := range out {
		out[q] = make([]float64, b.days)
	}
	for d := range b.days {
		for q, p := range b.qs {
			if b.sketch != nil {
				out[q][d] = b.sketch[d].quantile(p, b.logGamma)
			} else {
				out[q][d] = Quantile(b.kept[d], p)
			}
		}
	}
	return out
}

// daySketch holds one day's values in logarithmic bins: bin i of a sign
// holds the magnitudes in (γ^(i−1), γ^i].
type daySketch struct {
	pos, neg         bins
	zero, pInf, nInf int64
	one              int64 // values of exactly 1, outside the bins
	n                int64
	min, max         float64 // exact
}

// bins are counts of the bin indices [off, off+len(c)).
type bins struct {
	off int
	c   []uint32
}

// tiny is the magnitude below which a value counts as zero.
const tiny = 1e-300

func (s *daySketch) add(v, logGamma float64, maxBins int) {
	if s.n == 0 || v < s.min {
		s.min = v
	}
	if s.n == 0 || v > s.max {
		s.max = v
	}
	s.n++
	switch {
	case math.IsInf(v, 1):
		s.pInf++
	case math.IsInf(v, -1):
		s.nInf++
	case math.Abs(v) < tiny:
		s.zero++
	case v == 1:
		s.one++
	case v > 0:
		s.pos.add(index(v, logGamma), maxBins)
	default:
		s.neg.add(index(-v, logGamma), maxBins)
	}
}

// index is the bin of magnitude m: ⌈log_γ m⌉.
func index(m, logGamma float64) int { return int(math.Ceil(math.Log(m) / logGamma)) }

// value is the representative magnitude of bin i, 2γ^i/(γ+1): within
// relErr of every magnitude in (γ^(i−1), γ^i].
func value(i int, logGamma float64) float64 {
	g := math.Exp(logGamma)
	return 2 * math.Exp(float64(i)*logGamma) / (g + 1)
}

func (b *bins) add(i, maxBins int) { b.addN(i, 1, maxBins) }

// addN adds n values to bin i (Bands.Merge adds a bin's count at once).
func (b *bins) addN(i int, n uint32, maxBins int) {
	switch {
	case len(b.c) == 0:
		b.off, b.c = i, append(b.c[:0], n)
		return
	case i < b.off:
		if b.off+len(b.c)-i > maxBins { // too wide: merge into the lowest bin
			b.c[0] += n
			return
		}
		grow := b.off - i
		c := make([]uint32, len(b.c)+grow, len(b.c)+grow+len(b.c)/4)
		copy(c[grow:], b.c)
		b.off, b.c = i, c
	case i >= b.off+len(b.c):
		if i-b.off+1 > maxBins { // too wide: merge the lowest bins upwards
			newOff := i - maxBins + 1
			at := newOff - b.off // newOff's place in c, ≥ 1
			var low uint32
			for k := 0; k <= at && k < len(b.c); k++ {
				low += b.c[k]
			}
			c := make([]uint32, 1, maxBins)
			if at+1 < len(b.c) {
				c = append(c, b.c[at+1:]...)
			}
			c[0] = low
			b.off, b.c = newOff, c
		}
		for i >= b.off+len(b.c) {
			b.c = append(b.c, 0)
		}
	}
	b.c[i-b.off] += n
}

// rank returns the value of order statistic k (0-based) of the sketch,
// within the day's exact range.
func (s *daySketch) rank(k int64, logGamma float64) float64 {
	return math.Min(s.max, math.Max(s.min, s.binRank(k, logGamma)))
}

func (s *daySketch) binRank(k int64, logGamma float64) float64 {
	if k < s.nInf {
		return math.Inf(-1)
	}
	k -= s.nInf
	// Negative values, most negative first: the highest magnitude bins.
	for j := len(s.neg.c) - 1; j >= 0; j-- {
		if k < int64(s.neg.c[j]) {
			return -value(s.neg.off+j, logGamma)
		}
		k -= int64(s.neg.c[j])
	}
	if k < s.zero {
		return 0
	}
	k -= s.zero
	// The ones rank after bin 0, which holds (1/γ, 1], and before bin 1.
	ones := s.one > 0
	for j, c := range s.pos.c {
		if ones && s.pos.off+j > 0 {
			if k < s.one {
				return 1
			}
			k -= s.one
			ones = false
		}
		if k < int64(c) {
			return value(s.pos.off+j, logGamma)
		}
		k -= int64(c)
	}
	if ones && k < s.one {
		return 1
	}
	if ones {
		k -= s.one
	}
	return math.Inf(1)
}

// quantile is type 7 over the sketch's order statistics.
func (s *daySketch) quantile(p, logGamma float64) float64 {
	if s.n == 0 {
		return math.NaN()
	}
	h := float64(s.n-1) * p
	lo := int64(math.Floor(h))
	if lo >= s.n-1 {
		lo = s.n - 1
	}
	a := s.rank(lo, logGamma)
	t := h - float64(lo)
	if lo == s.n-1 || t == 0 {
		return a
	}
	b := s.rank(lo+1, logGamma)
	if a == b {
		return a
	}
	if t < 0.5 {
		return a + (b-a)*t
	}
	return b - (b-a)*(1-t)
}
