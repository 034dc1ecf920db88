package data

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// badBar is Validate's rules written out bar by bar, as its documentation
// states them: the reference for its quick check.
func badBar(s *Series, k int) bool {
	for _, v := range []float64{s.Open[k], s.High[k], s.Low[k], s.Close[k], s.AdjClose[k]} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 || v < 1e-15 || v > 1e15 {
			return true
		}
	}
	o, h, l, c, v := s.Open[k], s.High[k], s.Low[k], s.Close[k], s.Volume[k]
	return h < l || c < l || c > h || o < l || o > h || v < 0 || math.IsInf(v, 0) ||
		k > 0 && s.Time[k] <= s.Time[k-1]
}

// Validate refuses a series exactly when some bar breaks a rule, and names
// the first such bar: random series of edge values (zero, −0, negatives,
// NaN, ±Inf, the largest and smallest floats, the price bounds and the
// floats just past them, prices out of their bar's range, repeated and
// backward times) against badBar.
func TestValidateQuickCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pool := []float64{1, 2, 3, 2.5, 0, math.Copysign(0, -1), -1, math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64,
		1e15, 1e15 * (1 + 1e-15), 1e-15, 1e-15 * (1 - 1e-15), 1e300, 1e-300, 5e-324}
	draw := func() float64 { return pool[rng.IntN(len(pool))] }
	refused := 0
	for trial := 0; trial < 20_000; trial++ {
		n := 1 + rng.IntN(12)
		s := Series{Rows: make([]int, n)}
		for k := 0; k < n; k++ {
			// A sound bar (low ≤ open, close ≤ high), then now and then
			// one of its values replaced by an edge value.
			l := float64(1 + rng.IntN(3))
			h := l + float64(rng.IntN(3))
			o, c := l+float64(rng.IntN(int(h-l)+1)), l+float64(rng.IntN(int(h-l)+1))
			if rng.IntN(60) == 0 {
				l = draw()
			}
			if rng.IntN(60) == 0 {
				o = draw()
			}
			if rng.IntN(60) == 0 {
				c = draw()
			}
			if rng.IntN(60) == 0 {
				h = draw()
			}
			adj := c
			if rng.IntN(60) == 0 {
				adj = draw()
			}
			v := float64(rng.IntN(1000))
			if rng.IntN(30) == 0 {
				v = draw()
			}
			dt := int64(NanosPerDay)
			if rng.IntN(80) == 0 {
				dt = -dt * int64(rng.IntN(2)) // the same day again, or the day before
			}
			tk := int64(0)
			if k > 0 {
				tk = s.Time[k-1] + dt
			}
			s.Time = append(s.Time, tk)
			s.Open, s.High, s.Low, s.Close = append(s.Open, o), append(s.High, h), append(s.Low, l), append(s.Close, c)
			s.AdjClose, s.Volume = append(s.AdjClose, adj), append(s.Volume, v)
			s.Rows[k] = 10 + k
		}
		first := -1
		for k := 0; k < n; k++ {
			if badBar(&s, k) {
				first = k
				break
			}
		}
		err := s.Validate("F.csv")
		var re *RowError
		switch {
		case first < 0 && err != nil:
			t.Fatalf("trial %d: sound series refused: %v\n%+v", trial, err, s)
		case first >= 0 && !errors.As(err, &re):
			t.Fatalf("trial %d: bar %d breaks a rule, Validate gave %v\n%+v", trial, first, err, s)
		case first >= 0 && re.Row != 10+first:
			t.Fatalf("trial %d: first bad bar %d (row %d), Validate named row %d: %v\n%+v", trial, first, 10+first, re.Row, err, s)
		}
		if first >= 0 {
			refused++
		}
	}
	// Both kinds of series must have been drawn often for the test to mean
	// anything.
	if refused < 2_000 || refused > 18_000 {
		t.Fatalf("%d of 20,000 series refused: the draw does not mix sound and bad series", refused)
	}
}

// A price beyond [MinPrice, MaxPrice] is refused naming its row, field
// and value (the 1e300 adj_close of a broken row; a 1e-300 close).
func TestValidatePriceRange(t *testing.T) {
	day := int64(NanosPerDay)
	s := Series{Time: []int64{0, day, 2 * day}, Open: []float64{10, 10, 10}, High: []float64{11, 11, 11}, Low: []float64{9, 9, 9},
		Close: []float64{10, 10, 10}, AdjClose: []float64{10, 1e300, 10}, Volume: []float64{1, 1, 1}, Rows: []int{2, 3, 4}}
	want := "F.csv:3: 1970-01-02 adj_close = 1e+300 is out of range: a price must lie between 1e-15 and 1e15"
	if err := s.Validate("F.csv"); err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	s.AdjClose[1] = 10
	s.Low[2], s.Close[2], s.Open[2] = 1e-300, 1e-300, 1e-300
	want = "F.csv:4: 1970-01-03 close = 1e-300 is out of range: a price must lie between 1e-15 and 1e15"
	if err := s.Validate("F.csv"); err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	// A bad close is named as such even when the open, high and low were
	// made of it (a file of closes alone): it named the open.
	s.Low[2], s.Close[2], s.Open[2], s.High[2] = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	want = "F.csv:4: 1970-01-03 close is NaN or empty"
	if err := s.Validate("F.csv"); err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	// A bad open beside a sound close is the open's.
	s.Low[2], s.Close[2], s.High[2] = 9, 10, 11
	want = "F.csv:4: 1970-01-03 open is NaN or empty"
	if err := s.Validate("F.csv"); err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// ParseDay tells a date that is not in the calendar from one not in the
// layout.
func TestParseDayMessages(t *testing.T) {
	for s, want := range map[string]string{
		"2021-02-30": `data: date "2021-02-30" is not a day of the calendar (day out of range)`,
		"2021-13-01": `data: date "2021-13-01" is not a day of the calendar (month out of range)`,
		"2021/02/03": `data: date "2021/02/03" is not YYYY-MM-DD`,
		"":           `data: date "" is not YYYY-MM-DD`,
	} {
		if _, err := ParseDay(s); err == nil || err.Error() != want {
			t.Errorf("ParseDay(%q): %v, want %s", s, err, want)
		}
	}
	if d, err := ParseDay("2024-02-29"); err != nil || FormatDay(d) != "2024-02-29" {
		t.Errorf("2024-02-29: %v", err)
	}
}

// CheckAdjClose refuses a one-row spike of adj_close against close and
// names its row; dividends (a few percent) and a split of raw closes
// beside adjusted ones (a lasting jump of the ratio) pass.
func TestCheckAdjClose(t *testing.T) {
	series := func(adj []float64) *Series {
		n := len(adj)
		s := &Series{Instrument: Instrument{Symbol: "X"}, AdjClose: adj, Rows: make([]int, n)}
		for k := range n {
			s.Time = append(s.Time, int64(k+1)*NanosPerDay)
			s.Close = append(s.Close, 100)
			s.Rows[k] = k + 2 // a CSV file's lines after the header
		}
		return s
	}
	// Row 3 (line 4): 98 × 1,000 = 98,000, a ratio of 980 against 0.98.
	err := series([]float64{98, 98, 98, 98000, 98, 98}).CheckAdjClose("X.csv")
	var re *RowError
	if !errors.As(err, &re) || re.Row != 5 || !strings.Contains(err.Error(), "adj_close 98000 is 980 × its close 100, against 0.98 × the row before and 0.98 × the row after") {
		t.Errorf("a spike on the 4th bar: %v, want line 5 named", err)
	}
	// Downwards too: ÷ 1,000.
	if err := series([]float64{98, 98, 0.098, 98, 98}).CheckAdjClose("X.csv"); err == nil {
		t.Error("a spike down: no error")
	}
	for name, adj := range map[string][]float64{
		"dividends":             {95, 95, 96, 96, 97, 97, 100},
		"a split of raw closes": {10, 10, 10, 100, 100, 100},
		"a spike at the last bar (no bar after to come back)": {98, 98, 98, 98000},
	} {
		if err := series(adj).CheckAdjClose("X.csv"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	s := series([]float64{98, 98000, 98})
	s.NoAdjClose = true
	if err := s.CheckAdjClose("X.csv"); err != nil {
		t.Errorf("without adj_close: %v", err)
	}
}
