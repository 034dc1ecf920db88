package metrics

import "math"

// MaxDrawdown returns the largest peak-to-trough fall of the wealth index
// W_t = ∏_{j≤t}(1 + r_j), as a non-positive fraction:
//
//	min_t ( W_t / max(1, max_{s≤t} W_s) − 1 ).
//
// The starting wealth 1 counts as a peak, so a first-period loss is a
// drawdown (both reference libraries agree). −0.25 means 25 % below the
// peak; PerformanceAnalytics' maxDrawdown prints the magnitude (0.25).
// Missing rows are 0 % periods. NaN when there is no observation; 0 when
// the wealth never falls. One pass, O(n).
func MaxDrawdown(r []float64) float64 {
	w, peak, mdd := 1.0, 1.0, 0.0
	n := 0
	for _, v := range r {
		if math.IsNaN(v) {
			continue
		}
		n++
		w *= 1 + v
		if w > peak {
			peak = w
		} else if dd := w/peak - 1; dd < mdd {
			mdd = dd
		}
	}
	if n == 0 {
		return nan()
	}
	return mdd
}

// DrawdownInfo describes the maximum drawdown of a return series. Indices
// are row indices of the return series: the wealth "at i" is the wealth
// after the return of row i, and −1 stands for the starting wealth before
// the first row.
type DrawdownInfo struct {
	// Depth is the maximum drawdown, ≤ 0 (see MaxDrawdown); NaN for no data.
	Depth float64
	// Peak is the row at which the wealth last stood at the peak preceding
	// the trough (−1: the starting wealth).
	Peak int
	// Trough is the row of the lowest wealth relative to that peak (the
	// first such row if several tie).
	Trough int
	// Recovery is the first row after Trough at which the wealth is back at
	// or above the peak, −1 if it never is.
	Recovery int
	// Duration is the number of periods from Peak to Recovery, or from Peak
	// to the last row when not recovered.
	Duration int
}

// MaxDrawdownInfo returns the maximum drawdown with its peak, trough and
// recovery rows and its duration. With no drawdown (or no data) Peak,
// Trough and Recovery are −1 and Duration 0. Missing rows are 0 % periods.
// One pass, O(n).
func MaxDrawdownInfo(r []float64) DrawdownInfo {
	info := DrawdownInfo{Depth: 0, Peak: -1, Trough: -1, Recovery: -1}
	w, peak := 1.0, 1.0
	peakAt := -1
	n := 0
	for i, v := range r {
		if !math.IsNaN(v) {
			n++
			w *= 1 + v
		}
		if w >= peak {
			if info.Trough >= 0 && info.Recovery < 0 && info.Peak == peakAt {
				// First return to the peak of the current maximum drawdown.
				info.Recovery = i
			}
			peak, peakAt = w, i
			continue
		}
		if dd := w/peak - 1; dd < info.Depth {
			info.Depth, info.Peak, info.Trough, info.Recovery = dd, peakAt, i, -1
		}
	}
	if n == 0 {
		return DrawdownInfo{Depth: nan(), Peak: -1, Trough: -1, Recovery: -1}
	}
	if info.Trough >= 0 {
		if info.Recovery >= 0 {
			info.Duration = info.Recovery - info.Peak
		} else {
			info.Duration = len(r) - 1 - info.Peak
		}
	}
	return info
}

// MaxDrawdownDuration returns the longest time under water, in periods:
// the largest number of periods from a peak of the wealth index to the
// first row back at or above it (or to the last row if the wealth never
// recovers). Not necessarily the duration of the deepest drawdown. The
// starting wealth counts as a peak; missing rows are 0 % periods. 0 when
// the wealth never falls or there is no row.
func MaxDrawdownDuration(r []float64) int {
	w, peak := 1.0, 1.0
	peakAt, longest := -1, 0
	for i, v := range r {
		if !math.IsNaN(v) {
			w *= 1 + v
		}
		if w >= peak {
			// Under water on rows peakAt+1..i-1 (if any), recovered at i.
			if d := i - peakAt; d > 1 && d > longest {
				longest = d
			}
			peak, peakAt = w, i
		}
	}
	if d := len(r) - 1 - peakAt; d > longest {
		longest = d
	}
	return longest
}

// DrawdownFromReturns writes the drawdown after each row of a return
// series, dst[i] = W_i / max(1, max_{j≤i} W_j) − 1 (≤ 0; the starting
// wealth counts as a peak), into dst (len(r) values; nil dst allocates).
// PerformanceAnalytics' DrawdownPeak / Drawdowns. Missing rows carry the
// previous drawdown.
func DrawdownFromReturns(dst, r []float64) []float64 {
	dst = out(dst, len(r))
	w, peak := 1.0, 1.0
	for i, v := range r {
		if !math.IsNaN(v) {
			w *= 1 + v
			if w > peak {
				peak = w
			}
		}
		dst[i] = w/peak - 1
	}
	return dst
}

// Drawdown writes the drawdown series of an equity curve,
// dst[i] = equity[i] / max_{j≤i} equity[j] − 1 (≤ 0), into dst
// (len(equity) values; nil dst allocates). Equity must be positive. A NaN
// point gives NaN and does not move the peak; a point whose running peak
// is not positive gives NaN.
func Drawdown(dst, equity []float64) []float64 {
	return DrawdownFrom(dst, equity, math.Inf(-1))
}

// DrawdownFrom is [Drawdown] with the running peak starting at peak: a
// run's initial cash, the first peak its max_drawdown measures from when
// its first point stands below it (−Inf: the first point).
func DrawdownFrom(dst, equity []float64, peak float64) []float64 {
	dst = out(dst, len(equity))
	for i, e := range equity {
		if math.IsNaN(e) {
			dst[i] = nan()
			continue
		}
		if e > peak {
			peak = e
		}
		if !(peak > 0) {
			dst[i] = nan()
			continue
		}
		dst[i] = e/peak - 1
	}
	return dst
}

// PainIndex returns the mean depth of the drawdowns, Σ|DD_i| / n over the
// non-missing rows (PerformanceAnalytics' PainIndex, the Zephyr pain
// index). NaN when there is no observation.
func PainIndex(r []float64) float64 {
	w, peak, sum := 1.0, 1.0, 0.0
	n := 0
	for _, v := range r {
		if math.IsNaN(v) {
			continue
		}
		n++
		w *= 1 + v
		if w > peak {
			peak = w
		}
		sum += 1 - w/peak
	}
	if n == 0 {
		return nan()
	}
	return sum / float64(n)
}
