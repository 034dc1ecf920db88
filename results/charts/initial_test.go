package charts

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/divergence-research/divergence/results/metrics"
)

// A run whose first point stands below its cash (a fill at the first
// bar's close paid its costs before it) is charted from the cash, as its
// metrics measure it: growth, drawdown, returns and monthly returns. Cash
// 100; equity 98 and 99 in January, 97 and 102 in February:
//
//	growth 0.98, 0.99, 0.97, 1.02 (from the first point: 1.0408… at the end)
//	drawdown from the peak 100: −2 %, −1 %, −3 %, 0 % (102, a new peak)
//	returns −0.02 (100 → 98), 99/98 − 1, 97/99 − 1, 102/97 − 1
//	January 99/100 − 1 = −1 %, February 102/99 − 1 = 3.0303 %, the year +2 %
func TestChartsFromTheInitialCash(t *testing.T) {
	day := func(m time.Month, d int) int64 { return time.Date(2024, m, d, 0, 0, 0, 0, time.UTC).UnixNano() }
	s := Series{Name: "close", Time: []int64{day(1, 30), day(1, 31), day(2, 1), day(2, 2)}, Values: []float64{98, 99, 97, 102}, Initial: 100}
	eq := func(what string, got, want []float64) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %v, want %v", what, got, want)
		}
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-12 && !(math.IsNaN(got[k]) && math.IsNaN(want[k])) {
				t.Errorf("%s[%d] = %.15g, want %.15g", what, k, got[k], want[k])
			}
		}
	}
	eq("growth", s.Growth(nil), []float64{0.98, 0.99, 0.97, 1.02})
	eq("drawdown", s.Drawdown(nil), []float64{-0.02, -0.01, -0.03, 0})
	eq("returns", s.Returns(), []float64{-0.02, 99.0/98 - 1, 97.0/99 - 1, 102.0/97 - 1})
	// Their maximum drawdown is the metrics' from the same returns.
	if dd := metrics.MaxDrawdown(s.Returns()); math.Abs(dd+0.03) > 1e-12 {
		t.Errorf("max drawdown of the returns %g, want −0.03", dd)
	}
	runs, err := prepare(Options{}, []Series{s}, 0)
	if err != nil {
		t.Fatal(err)
	}
	eq("chart growth", runs[0].growth, []float64{0.98, 0.99, 0.97, 1.02})
	eq("chart drawdown (%)", runs[0].dd, []float64{-2, -1, -3, 0})
	m, err := monthlyMatrix(s)
	if err != nil {
		t.Fatal(err)
	}
	eq("January, February", m.Values[0][:2], []float64{-0.01, 102.0/99 - 1})
	eq("the year", m.Values[0][12:], []float64{0.02})

	// Without the cash (or with a first point at it) the first finite
	// value is the base, as before.
	s.Initial = 0
	eq("growth from the first point", s.Growth(nil), []float64{1, 99.0 / 98, 97.0 / 98, 102.0 / 98})
	eq("returns from the first point", s.Returns(), []float64{math.NaN(), 99.0/98 - 1, 97.0/99 - 1, 102.0/97 - 1})
	s.Initial = 98
	eq("returns, first point at the cash", s.Returns(), []float64{math.NaN(), 99.0/98 - 1, 97.0/99 - 1, 102.0/97 - 1})
}

// Rolled gives a rolling window's first value over a whole window of
// returns: the first point has none. Returns NaN, 0.01, −0.01, 0.02, 0,
// window 3, ppy 1: the first value is at point 3, the sample standard
// deviation of 0.01, −0.01, 0.02: mean 0.02/3, squared deviations
// (1/300)², (−5/300)², (4/300)² summing to 42/90000, over 2: 0.000233…,
// root 0.0152753. Over points 0–2 (the NaN and two returns) the windows
// gave a value at point 2, over two returns.
func TestRolledWholeWindows(t *testing.T) {
	r := []float64{math.NaN(), 0.01, -0.01, 0.02, 0}
	got := Rolled(nil, r, func(dst, r []float64) []float64 { return metrics.RollingVolatility(dst, r, 3, 1) })
	for k := range 3 {
		if !math.IsNaN(got[k]) {
			t.Errorf("point %d: %g, want NaN (fewer than 3 returns)", k, got[k])
		}
	}
	if want := math.Sqrt(42.0 / 90000 / 2); math.Abs(got[3]-want) > 1e-15 {
		t.Errorf("point 3: %.15g, want %.15g", got[3], want)
	}
	// A first return that is one (from the cash) is used as it is.
	r[0] = -0.02
	got = Rolled(nil, r, func(dst, r []float64) []float64 { return metrics.RollingVolatility(dst, r, 3, 1) })
	if math.IsNaN(got[2]) {
		t.Errorf("point 2 of returns from the cash: NaN, want the window −0.02, 0.01, −0.01")
	}
}

// The growth axis writes each labelled tick as the value it stands at,
// all with the same decimals: over 0.97–1.055 the ticks 0.975, 1.000,
// 1.025, 1.050 (the default ticker's significant digits wrote 1.025 as
// "1.03" and 1.000 as "1"). Over 0.8–1.3 one decimal suffices, and over
// 0–300 none.
func TestFixedTicksWriteTheirValues(t *testing.T) {
	for _, c := range []struct {
		min, max float64
		dec      int
	}{{0.97, 1.055, 3}, {0.8, 1.3, 1}, {0, 300, 0}} {
		n := 0
		for _, tk := range (fixedTicks{}).Ticks(c.min, c.max) {
			if tk.Label == "" {
				continue
			}
			n++
			if want := strconv.FormatFloat(tk.Value, 'f', c.dec, 64); tk.Label != want {
				t.Errorf("%g–%g: tick at %g labelled %q, want %q", c.min, c.max, tk.Value, tk.Label, want)
			}
			if v, err := strconv.ParseFloat(tk.Label, 64); err != nil || math.Abs(v-tk.Value) > 1e-9 {
				t.Errorf("%g–%g: label %q is not the tick's value %g", c.min, c.max, tk.Label, tk.Value)
			}
		}
		if n < 2 {
			t.Errorf("%g–%g: %d labelled ticks", c.min, c.max, n)
		}
	}
}
