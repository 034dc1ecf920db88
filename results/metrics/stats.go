package metrics

import (
	"math"
	"math/bits"
	"slices"
)

func nan() float64 { return math.NaN() }

func checkPPY(ppy float64) {
	if !(ppy > 0) || math.IsInf(ppy, 0) {
		panic("metrics: periods per year must be positive and finite")
	}
}

func checkAlpha(alpha float64) {
	if !(alpha >= 0 && alpha <= 1) {
		panic("metrics: alpha (tail probability) must be in [0, 1]")
	}
}

func checkLen(a, b []float64) {
	if len(a) != len(b) {
		panic("metrics: slice length mismatch")
	}
}

// out returns dst ready to hold n values: a new slice when dst is nil,
// dst itself when its length is n; it panics otherwise.
func out(dst []float64, n int) []float64 {
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic("metrics: destination length mismatch")
	}
	return dst
}

// moments holds the first two moments of the non-missing values of a
// series shifted by a constant: v = x − off.
type moments struct {
	n        int
	mean     float64
	ss       float64 // Σ(v − mean)², exactly 0 for a constant series
	constant bool    // all non-missing values are identical
}

// momentsOf computes mean and sum of squared deviations of x−off over the
// non-NaN rows, by the corrected two-pass algorithm.
func momentsOf(x []float64, off float64) moments { return momentsDiff(x, nil, off) }

// momentsDiff is momentsOf of x − y − off (y nil: x − off); a row where
// either is NaN is skipped.
func momentsDiff(x, y []float64, off float64) moments {
	if y != nil {
		checkLen(x, y)
	}
	at := func(i int) float64 {
		if y == nil {
			return x[i] - off
		}
		return x[i] - y[i] - off
	}
	var m moments
	var sum float64
	first := math.NaN()
	m.constant = true
	for i := range x {
		v := at(i)
		if math.IsNaN(v) {
			continue
		}
		if m.n == 0 {
			first = v
		} else if v != first {
			m.constant = false
		}
		sum += v
		m.n++
	}
	if m.n == 0 {
		m.mean = nan()
		m.ss = nan()
		return m
	}
	m.mean = sum / float64(m.n)
	if m.constant {
		m.mean = first
		return m
	}
	var ss, comp float64
	for i := range x {
		v := at(i)
		if math.IsNaN(v) {
			continue
		}
		d := v - m.mean
		ss += d * d
		comp += d
	}
	m.ss = ss - comp*comp/float64(m.n)
	if m.ss < 0 {
		m.ss = 0
	}
	return m
}

// sd returns the standard deviation with the given ddof, NaN when n−ddof ≤ 0.
func (m moments) sd(ddof int) float64 {
	if m.n == 0 || m.n-ddof <= 0 {
		return nan()
	}
	return math.Sqrt(m.ss / float64(m.n-ddof))
}

// Mean returns the arithmetic mean of the non-missing values of x, NaN if
// there is none.
func Mean(x []float64) float64 {
	var sum float64
	n := 0
	for _, v := range x {
		if !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	if n == 0 {
		return nan()
	}
	return sum / float64(n)
}

// StdDev returns the standard deviation of the non-missing values of x,
//
//	sqrt(Σ(x − mean)² / (n − ddof)),
//
// so ddof = 1 is the sample standard deviation (R's sd, pandas' std) and
// ddof = 0 the population one (numpy's default). It is NaN when n − ddof ≤
// 0 and exactly 0 when all non-missing values are identical.
func StdDev(x []float64, ddof int) float64 {
	if ddof < 0 {
		panic("metrics: negative ddof")
	}
	return momentsOf(x, 0).sd(ddof)
}

// centralMoments returns n, mean and the population central moments
// m2, m3, m4 (divide by n) of the non-missing values of x.
func centralMoments(x []float64) (n int, mean, m2, m3, m4 float64) {
	return centralFrom(x, momentsOf(x, 0))
}

// centralFrom is centralMoments given the moments of x.
func centralFrom(x []float64, mo moments) (n int, mean, m2, m3, m4 float64) {
	n, mean = mo.n, mo.mean
	if n == 0 {
		return n, mean, nan(), nan(), nan()
	}
	if mo.constant {
		return n, mean, 0, 0, 0
	}
	for _, v := range x {
		if math.IsNaN(v) {
			continue
		}
		d := v - mean
		d2 := d * d
		m2 += d2
		m3 += d2 * d
		m4 += d2 * d2
	}
	fn := float64(n)
	return n, mean, m2 / fn, m3 / fn, m4 / fn
}

// Skewness returns the population (moment) skewness of the non-missing
// values, m3 / m2^1.5 with m_k = Σ(x − mean)^k / n (PerformanceAnalytics'
// default method "moment", scipy.stats.skew with bias=True). NaN with fewer
// than 2 observations or zero variance.
func Skewness(x []float64) float64 {
	s, _ := skewKurt(centralMoments(x))
	return s
}

// skewKurt returns the population skewness and excess kurtosis.
func skewKurt(n int, _, m2, m3, m4 float64) (skew, kurt float64) {
	if n < 2 || !(m2 > 0) {
		return nan(), nan()
	}
	return m3 / math.Pow(m2, 1.5), m4/(m2*m2) - 3
}

// Kurtosis returns the population excess kurtosis of the non-missing
// values, m4 / m2² − 3 with m_k = Σ(x − mean)^k / n (0 for a normal
// distribution; PerformanceAnalytics' kurtosis(method="excess"),
// scipy.stats.kurtosis with bias=True). NaN with fewer than 2 observations
// or zero variance.
func Kurtosis(x []float64) float64 {
	_, k := skewKurt(centralMoments(x))
	return k
}

// validCopy returns a copy of the non-missing values of x.
func validCopy(x []float64) []float64 {
	s := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	return s
}

// selectK partially orders the NaN-free s so that s[k] is its k-th smallest
// value (0-based), s[:k] ≤ s[k] ≤ s[k+1:]: quickselect with a
// median-of-three pivot, falling back to a sort of the remaining range
// after 2·log₂(n) + 8 rounds, so O(n) expected and O(n log n) at worst.
func selectK(s []float64, k int) {
	lo, hi := 0, len(s)-1
	budget := 2*bits.Len(uint(len(s))) + 8
	for hi > lo {
		if budget == 0 {
			slices.Sort(s[lo : hi+1])
			return
		}
		budget--
		mid := lo + (hi-lo)/2
		if s[mid] < s[lo] {
			s[mid], s[lo] = s[lo], s[mid]
		}
		if s[hi] < s[lo] {
			s[hi], s[lo] = s[lo], s[hi]
		}
		if s[hi] < s[mid] {
			s[hi], s[mid] = s[mid], s[hi]
		}
		pivot := s[mid]
		i, j := lo, hi
		for i <= j {
			for s[i] < pivot {
				i++
			}
			for s[j] > pivot {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return // j < k < i: s[k] equals the pivot
		}
	}
}

// tail partially orders the NaN-free s around the type-7 alpha-quantile
// and returns it together with lo = ⌊(n−1)·alpha⌋: afterwards s[:lo+1]
// holds the lo+1 smallest values (in no particular order). NaN and −1 for
// an empty s.
func tail(s []float64, alpha float64) (q float64, lo int) {
	n := len(s)
	if n == 0 {
		return nan(), -1
	}
	h := float64(n-1) * alpha
	lo = int(math.Floor(h))
	if lo >= n-1 {
		lo = n - 1
	}
	selectK(s, lo)
	a := s[lo]
	t := h - float64(lo)
	if lo == n-1 || t == 0 {
		return a, lo
	}
	b := s[lo+1]
	for _, v := range s[lo+2:] {
		if v < b {
			b = v
		}
	}
	// numpy's lerp: exact at both ends and monotone in t.
	if t < 0.5 {
		return a + (b-a)*t, lo
	}
	return b - (b-a)*(1-t), lo
}

// Quantile returns the p-quantile of the non-missing values of x by linear
// interpolation between order statistics (R's quantile type 7, numpy's
// percentile default): with the values sorted s_0 ≤ … ≤ s_{n−1} and
// h = (n−1)·p, it is s_⌊h⌋ + (h−⌊h⌋)(s_⌊h⌋+1 − s_⌊h⌋). p must be in [0, 1].
// It works on a copy of x (selection, O(n) expected). NaN when there is
// no value.
func Quantile(x []float64, p float64) float64 {
	checkAlpha(p)
	q, _ := tail(validCopy(x), p)
	return q
}

// QuantileRank returns the p-quantile of the non-missing values of x by
// nearest rank: the ⌈p·n⌉-th smallest (the smallest for p = 0; R's
// quantile type 1, SQL's quantile_disc), as a Monte Carlo summary's
// terminal percentiles are taken (scenarios.Quantile, of the same rule). p·n within 1e-9 of a whole number is
// that number (1 − 0.95 is 0.05000000000000004: of 100 values, the 5th).
// It works on a copy of x (selection, O(n) expected). NaN when there is
// no value.
func QuantileRank(x []float64, p float64) float64 {
	checkAlpha(p)
	s := validCopy(x)
	if len(s) == 0 {
		return nan()
	}
	h := p * float64(len(s))
	if r := math.Round(h); math.Abs(h-r) < 1e-9 {
		h = r
	}
	k := min(max(int(math.Ceil(h))-1, 0), len(s)-1)
	selectK(s, k)
	return s[k]
}
