package data

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// backAdjusted is adj_close as a vendor writes it: every close before an
// ex-date k is scaled by (1 − D/close[k−1]) for each later dividend D
// (Yahoo's and CRSP's multiplicative back-adjustment), and by 1/ratio for
// each later split of a close that is not split-adjusted.
func backAdjusted(close []float64, divs map[int]float64, splits map[int]float64) []float64 {
	adj := make([]float64, len(close))
	f := 1.0
	for k := len(close) - 1; k >= 0; k-- {
		adj[k] = close[k] * f
		if d, ok := divs[k]; ok {
			f *= 1 - d/close[k-1]
		}
		if r, ok := splits[k]; ok {
			f /= r
		}
	}
	return adj
}

func divSeries(close, adj []float64) *Series {
	s := &Series{Instrument: Instrument{Symbol: "X", Class: Equity, Source: "x.csv"}}
	for k := range close {
		s.Time = append(s.Time, int64(k)*NanosPerDay)
	}
	s.Close, s.AdjClose = close, adj
	return s
}

func TestInferDividends(t *testing.T) {
	// Ten closes; dividends of 0.50 at bar 3 (close before 101) and 0.75
	// at bar 7 (close before 103.5): the amounts put in are read back.
	close := []float64{100, 100.5, 101, 100.6, 101.2, 102, 102.8, 103.5, 102.9, 103.3}
	t.Run("two dividends", func(t *testing.T) {
		s := divSeries(close, backAdjusted(close, map[int]float64{3: 0.5, 7: 0.75}, nil))
		got, err := s.InferDividends(nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []CashDividend{{3 * NanosPerDay, 0.5}, {7 * NanosPerDay, 0.75}}
		if len(got) != len(want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		for k := range want {
			if got[k].Time != want[k].Time || math.Abs(got[k].Amount-want[k].Amount) > 1e-12 {
				t.Errorf("dividend %d: %+v, want %+v", k, got[k], want[k])
			}
		}
	})
	t.Run("rounding dropped", func(t *testing.T) {
		// adj_close written to 7 significant digits, as the vendor's
		// float32 columns are: steps of about 1e-7 of the close every
		// bar, none a dividend; the 0.50 is still read, to the rounding
		// (0.5 ± 101 × 2e-7).
		adj := backAdjusted(close, map[int]float64{3: 0.5}, nil)
		for k := range adj {
			p := math.Pow(10, 6-math.Floor(math.Log10(adj[k])))
			adj[k] = math.Round(adj[k]*p) / p * (1 + 1e-7*float64(k%3))
		}
		got, err := divSeries(close, adj).InferDividends(nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Time != 3*NanosPerDay || math.Abs(got[0].Amount-0.5) > 101*2e-7+1e-5 {
			t.Errorf("got %+v, want one dividend of 0.50 at bar 3", got)
		}
	})
	t.Run("split given", func(t *testing.T) {
		// A 2-for-1 split at bar 5 of a close not split-adjusted (the
		// closes before it doubled) beside a 0.50 dividend at bar 3
		// (0.50 a new share = 1.00 an old one, on the old close 202):
		// with the split given, the dividend alone is read.
		raw := append([]float64(nil), close...)
		for k := 0; k < 5; k++ {
			raw[k] *= 2
		}
		adj := backAdjusted(raw, map[int]float64{3: 1.0}, map[int]float64{5: 2})
		got, err := divSeries(raw, adj).InferDividends(map[int64]float64{5 * NanosPerDay: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Time != 3*NanosPerDay || math.Abs(got[0].Amount-1.0) > 1e-12 {
			t.Errorf("got %+v, want one dividend of 1.00 (old shares) at bar 3", got)
		}
		// Without it, the split is refused, not paid as a dividend of
		// half the price.
		_, err = divSeries(raw, adj).InferDividends(nil)
		var re *RowError
		if !errors.As(err, &re) || re.File != "x.csv" || re.Row != 6 || !strings.Contains(err.Error(), "[[splits]]") {
			t.Errorf("error %v, want a RowError on x.csv row 6 naming [[splits]]", err)
		}
	})
	t.Run("split on the ex-date", func(t *testing.T) {
		// A 2-for-1 split and a dividend of 1.00 an old share on the same
		// bar 5 (the closes before it doubled; backAdjusted scales by
		// 1 − 1.00/close[4], close[4] the old 204.4). The engine pays a
		// dividend on the position after the day's split (engine.Dividend:
		// Amount is per share after it): 100 old shares are 200 new ones
		// and receive 100 × 1.00 = 100, so the amount is 1.00 / 2 = 0.50
		// a new share (it was read as 1.00, paying 200 × 1.00 = 200).
		raw := append([]float64(nil), close...)
		for k := 0; k < 5; k++ {
			raw[k] *= 2
		}
		adj := backAdjusted(raw, map[int]float64{5: 1.0}, map[int]float64{5: 2})
		got, err := divSeries(raw, adj).InferDividends(map[int64]float64{5 * NanosPerDay: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Time != 5*NanosPerDay || math.Abs(got[0].Amount-0.5) > 1e-12 {
			t.Errorf("got %+v, want one dividend of 0.50 a new share at bar 5", got)
		}
	})
	t.Run("no adj_close", func(t *testing.T) {
		for _, s := range []*Series{divSeries(close, close), {NoAdjClose: true, Close: close, AdjClose: close}} {
			if got, err := s.InferDividends(nil); got != nil || err != nil {
				t.Errorf("got %+v, %v: want none", got, err)
			}
		}
	})
}
