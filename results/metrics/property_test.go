package metrics_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/divergence-research/divergence/results/metrics"
)

// randomReturns draws n returns with fat-ish tails, a few missing rows and
// runs of repeated values (to exercise ties and constant windows).
func randomReturns(rng *rand.Rand, n int) []float64 {
	r := make([]float64, n)
	for i := range r {
		switch u := rng.Float64(); {
		case u < 0.05:
			r[i] = math.NaN()
		case u < 0.10 && i > 0:
			r[i] = r[i-1]
		case u < 0.13:
			r[i] = 0
		default:
			r[i] = rng.NormFloat64() * 0.03 * (1 + 2*rng.Float64())
			if r[i] < -0.9 {
				r[i] = -0.9
			}
		}
	}
	return r
}

// wealth returns W_0 = 1 (the start) and W_{i+1} after row i, missing rows
// carrying the previous wealth.
func wealth(r []float64) []float64 {
	w := make([]float64, len(r)+1)
	w[0] = 1
	for i, v := range r {
		w[i+1] = w[i]
		if !math.IsNaN(v) {
			w[i+1] *= 1 + v
		}
	}
	return w
}

// naiveMaxDrawdown tries every (peak, later point) pair: O(n²).
func naiveMaxDrawdown(r []float64) float64 {
	w := wealth(r)
	mdd := 0.0
	for i := range w {
		for j := i + 1; j < len(w); j++ {
			if dd := w[j]/w[i] - 1; dd < mdd {
				mdd = dd
			}
		}
	}
	return mdd
}

// naiveMaxDuration measures, for every point, how long until the wealth is
// back at or above it (or the end): O(n²). Wealth index t = row + 1.
func naiveMaxDuration(r []float64) int {
	w := wealth(r)
	longest := 0
	for i := range w {
		// only points at a running maximum start a spell
		isPeak := true
		for k := 0; k < i; k++ {
			if w[k] > w[i] {
				isPeak = false
				break
			}
		}
		if !isPeak {
			continue
		}
		j := i + 1
		for j < len(w) && w[j] < w[i] {
			j++
		}
		d := j - i // recovered at j
		if j == len(w) {
			d = len(w) - 1 - i // never recovered: to the last row
		}
		if j == i+1 && j < len(w) {
			d = 0 // no fall
		}
		if d > longest {
			longest = d
		}
	}
	return longest
}

func TestMaxDrawdownMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 500; trial++ {
		n := rng.IntN(120)
		r := randomReturns(rng, n)
		got := metrics.MaxDrawdown(r)
		valid := 0
		for _, v := range r {
			if !math.IsNaN(v) {
				valid++
			}
		}
		if valid == 0 {
			if !math.IsNaN(got) {
				t.Fatalf("trial %d: MaxDrawdown of no data = %g", trial, got)
			}
			continue
		}
		want := naiveMaxDrawdown(r)
		if math.Abs(got-want) > 1e-12 {
			t.Fatalf("trial %d (n=%d): MaxDrawdown = %.17g, naive %.17g", trial, n, got, want)
		}

		// The details describe the same drawdown.
		info := metrics.MaxDrawdownInfo(r)
		w := wealth(r)
		if math.Abs(info.Depth-want) > 1e-12 {
			t.Fatalf("trial %d: Info.Depth = %g, want %g", trial, info.Depth, want)
		}
		if want < 0 {
			peakW, troughW := w[info.Peak+1], w[info.Trough+1]
			if math.Abs(troughW/peakW-1-want) > 1e-12 {
				t.Fatalf("trial %d: peak %d / trough %d give %g, want %g", trial, info.Peak, info.Trough, troughW/peakW-1, want)
			}
			for k := 0; k <= info.Peak+1; k++ {
				if w[k] > peakW {
					t.Fatalf("trial %d: wealth at %d above the peak", trial, k-1)
				}
			}
			rec := -1
			for k := info.Trough + 2; k < len(w); k++ {
				if w[k] >= peakW {
					rec = k - 1
					break
				}
			}
			if rec != info.Recovery {
				t.Fatalf("trial %d: Recovery = %d, want %d (%+v)", trial, info.Recovery, rec, info)
			}
			wantDur := len(r) - 1 - info.Peak
			if rec >= 0 {
				wantDur = rec - info.Peak
			}
			if info.Duration != wantDur {
				t.Fatalf("trial %d: Duration = %d, want %d", trial, info.Duration, wantDur)
			}
			if d := metrics.MaxDrawdownDuration(r); d < info.Duration {
				t.Fatalf("trial %d: longest spell %d shorter than the max drawdown's %d", trial, d, info.Duration)
			}
		}
		if got, want := metrics.MaxDrawdownDuration(r), naiveMaxDuration(r); got != want {
			t.Fatalf("trial %d: MaxDrawdownDuration = %d, naive %d (r=%v)", trial, got, want, r)
		}
		// The drawdown series bottoms at the maximum drawdown.
		dd := metrics.DrawdownFromReturns(nil, r)
		low := 0.0
		for _, v := range dd {
			low = math.Min(low, v)
		}
		if math.Abs(low-want) > 1e-12 {
			t.Fatalf("trial %d: min drawdown series %g, want %g", trial, low, want)
		}
	}
}

// relClose compares streaming results with recomputed ones.
func relClose(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	d := math.Abs(a - b)
	return d <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestRollingMatchesWindows checks the streaming rolling functions against
// the plain functions applied to each window.
func TestRollingMatchesWindows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 40; trial++ {
		n := 50 + rng.IntN(600)
		window := 1 + rng.IntN(40)
		r := randomReturns(rng, n)
		b := randomReturns(rng, n)
		for i := range b {
			// correlated benchmark, sometimes flat
			if rng.Float64() < 0.5 && !math.IsNaN(r[i]) {
				b[i] = 0.5*r[i] + 0.01*rng.NormFloat64()
			}
			if i > 100 && i < 100+window+5 {
				b[i] = 0.001
			}
		}
		vol := metrics.RollingVolatility(nil, r, window, 252)
		sh := metrics.RollingSharpe(nil, r, window, 0.0001, 252)
		beta := metrics.RollingBeta(nil, r, b, window)
		corr := metrics.RollingCorrelation(nil, r, b, window)
		for i := 0; i < n; i++ {
			lo := i - window + 1
			var wv, ws, wb, wc float64
			if lo < 0 {
				wv, ws, wb, wc = math.NaN(), math.NaN(), math.NaN(), math.NaN()
			} else {
				wv = metrics.AnnualVolatility(r[lo:i+1], 252)
				ws = metrics.Sharpe(r[lo:i+1], 0.0001, 252)
				wb = metrics.Beta(r[lo:i+1], b[lo:i+1])
				wc = metrics.Correlation(r[lo:i+1], b[lo:i+1])
			}
			if !relClose(vol[i], wv) {
				t.Fatalf("trial %d row %d window %d: RollingVolatility %.17g, window %.17g", trial, i, window, vol[i], wv)
			}
			if !relClose(sh[i], ws) {
				t.Fatalf("trial %d row %d window %d: RollingSharpe %.17g, window %.17g", trial, i, window, sh[i], ws)
			}
			if !relClose(beta[i], wb) {
				t.Fatalf("trial %d row %d window %d: RollingBeta %.17g, window %.17g", trial, i, window, beta[i], wb)
			}
			if !relClose(corr[i], wc) {
				t.Fatalf("trial %d row %d window %d: RollingCorrelation %.17g, window %.17g", trial, i, window, corr[i], wc)
			}
		}
	}
}

// FuzzMaxDrawdown compares the streaming maximum drawdown with the naive
// one on arbitrary inputs (go test -fuzz=FuzzMaxDrawdown).
func FuzzMaxDrawdown(f *testing.F) {
	f.Add(0.1, -0.5, 0.2, 1.0, -0.1)
	f.Add(-0.1, 0.1, 0.0, -0.2, 0.3)
	f.Fuzz(func(t *testing.T, a, b, c, d, e float64) {
		r := []float64{a, b, c, d, e}
		for _, v := range r {
			if math.IsInf(v, 0) || v <= -1 || v > 10 {
				return
			}
		}
		got := metrics.MaxDrawdown(r)
		if allNaN(r) {
			if !math.IsNaN(got) {
				t.Fatalf("MaxDrawdown(%v) = %g, want NaN", r, got)
			}
			return
		}
		if want := naiveMaxDrawdown(r); math.Abs(got-want) > 1e-12 {
			t.Fatalf("MaxDrawdown(%v) = %g, naive %g", r, got, want)
		}
	})
}

func allNaN(r []float64) bool {
	for _, v := range r {
		if !math.IsNaN(v) {
			return false
		}
	}
	return true
}
