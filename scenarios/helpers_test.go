package scenarios

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// d0 is a Monday.
var d0 = data.Day(2025, time.January, 6)

func day(k int) int64 { return d0 + int64(k)*data.NanosPerDay }

// series builds an instrument with bars on the given calendar-day offsets
// from d0; each bar is (open, high, low, close) = (c, c·1.01, c·0.99, c)
// unless ohlc gives them.
func series(sym string, class data.Class, days []int, closes []float64) data.Series {
	n := len(days)
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class, Source: "test"}}
	s.Time = make([]int64, n)
	s.Open, s.High, s.Low, s.Close = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	s.Volume = make([]float64, n)
	for k := range days {
		c := closes[k]
		s.Time[k] = day(days[k])
		s.Open[k], s.High[k], s.Low[k], s.Close[k] = c, c*1.01, c*0.99, c
		s.Volume[k] = 1000
	}
	s.AdjClose = s.Close
	return s
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// weekdays returns the offsets of the first n weekdays from d0 (a Monday).
func weekdays(n int) []int {
	var out []int
	for k := 0; len(out) < n; k++ {
		if wd := time.Unix(0, day(k)).UTC().Weekday(); wd != time.Saturday && wd != time.Sunday {
			out = append(out, k)
		}
	}
	return out
}

func flat(n int, c float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = c
	}
	return out
}

func panelOf(s ...data.Series) *data.Panel { return &data.Panel{Series: s, Description: "test"} }

// randomPanel makes a panel of random walks with consistent random OHLC:
// crypto every day, equities on weekdays, over n calendar days.
func randomPanel(r *rand.Rand, syms []string, n int) *data.Panel {
	p := &data.Panel{Description: "random"}
	for _, sym := range syms {
		class := data.GuessClass(sym)
		days := seq(n)
		if class == data.Equity {
			days = weekdays(n * 5 / 7)
		}
		m := len(days)
		s := series(sym, class, days, flat(m, 1))
		c := 50 + 100*r.Float64()
		for k := 0; k < m; k++ {
			o := c * math.Exp(0.01*r.NormFloat64())
			c = o * math.Exp(0.03*r.NormFloat64())
			s.Open[k], s.Close[k] = o, c
			s.High[k] = max(o, c) * (1 + 0.02*r.Float64())
			s.Low[k] = min(o, c) * (1 - 0.02*r.Float64())
			s.Volume[k] = 1e6 * r.Float64()
			if k%7 == 3 {
				s.Volume[k] = math.NaN()
			}
		}
		s.AdjClose = s.Close
		p.Series = append(p.Series, s)
	}
	return p
}

// deepCopy copies every column of a panel.
func deepCopy(p *data.Panel) *data.Panel {
	out := &data.Panel{Synthetic: p.Synthetic, Description: p.Description, Series: make([]data.Series, len(p.Series))}
	for i, s := range p.Series {
		c := s
		c.Time = append([]int64(nil), s.Time...)
		c.Open = append([]float64(nil), s.Open...)
		c.High = append([]float64(nil), s.High...)
		c.Low = append([]float64(nil), s.Low...)
		c.Close = append([]float64(nil), s.Close...)
		c.AdjClose = append([]float64(nil), s.AdjClose...)
		c.Volume = append([]float64(nil), s.Volume...)
		out.Series[i] = c
	}
	return out
}

// samePanel compares two panels bit for bit (NaN volumes compare equal).
func samePanel(t *testing.T, a, b *data.Panel) {
	t.Helper()
	if a.Description != b.Description || a.Synthetic != b.Synthetic || len(a.Series) != len(b.Series) {
		t.Fatalf("panel headers differ")
	}
	for i := range a.Series {
		x, y := a.Series[i], b.Series[i]
		if x.Instrument != y.Instrument || len(x.Time) != len(y.Time) {
			t.Fatalf("%s: instrument or length differs", x.Symbol)
		}
		for k := range x.Time {
			if x.Time[k] != y.Time[k] {
				t.Fatalf("%s: time %d differs", x.Symbol, k)
			}
		}
		cols := [][2][]float64{{x.Open, y.Open}, {x.High, y.High}, {x.Low, y.Low}, {x.Close, y.Close}, {x.AdjClose, y.AdjClose}, {x.Volume, y.Volume}}
		for c, pair := range cols {
			for k := range pair[0] {
				if math.Float64bits(pair[0][k]) != math.Float64bits(pair[1][k]) {
					t.Fatalf("%s: column %d bar %d: %v != %v", x.Symbol, c, k, pair[0][k], pair[1][k])
				}
			}
		}
	}
}

// checkOHLC asserts 0 < low <= open, close <= high on every bar.
func checkOHLC(t *testing.T, p *data.Panel, what string) {
	t.Helper()
	for _, s := range p.Series {
		for k := range s.Time {
			o, h, l, c := s.Open[k], s.High[k], s.Low[k], s.Close[k]
			if !(l > 0 && l <= o && l <= c && o <= h && c <= h) || math.IsInf(h, 0) {
				t.Fatalf("%s: %s bar %d (%s): o=%g h=%g l=%g c=%g", what, s.Symbol, k, data.FormatDay(s.Time[k]), o, h, l, c)
			}
		}
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) || math.IsNaN(got) {
		t.Errorf("%s = %.12g, want %.12g (tol %g)", what, got, want, tol)
	}
}

func mustParse(t *testing.T, text string) *Scenario {
	t.Helper()
	s, err := Parse("test.toml", text)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustApply(t *testing.T, s *Scenario, p *data.Panel, opt ApplyOptions) (*data.Panel, *Env) {
	t.Helper()
	out, env, err := s.Apply(p, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	checkOHLC(t, out, s.Name)
	return out, env
}

func wantErr(t *testing.T, err error, sub string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", sub)
	}
	if !strings.Contains(err.Error(), sub) {
		t.Fatalf("error %q does not contain %q", err.Error(), sub)
	}
}
