package strategies

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// walk makes a random-walk daily series of n bars starting 2000-01-01,
// every calendar day (crypto) or weekdays only (equity).
func walk(sym string, class data.Class, n int, seed uint64) data.Series {
	rng := rand.New(rand.NewPCG(seed, 99))
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class}}
	s.Time = make([]int64, 0, n)
	for _, c := range []*[]float64{&s.Open, &s.High, &s.Low, &s.Close, &s.Volume} {
		*c = make([]float64, 0, n)
	}
	px := 100.0
	t := data.Day(2000, 1, 1)
	for len(s.Time) < n {
		wd := (t/data.NanosPerDay + 4) % 7 // 1970-01-01 was a Thursday: 0 = Sunday
		t += data.NanosPerDay
		if class == data.Equity && (wd == 0 || wd == 6) {
			continue
		}
		o := px * math.Exp(0.005*rng.NormFloat64())
		c := o * math.Exp(0.02*rng.NormFloat64())
		s.Time = append(s.Time, t-data.NanosPerDay)
		s.Open = append(s.Open, o)
		s.High = append(s.High, math.Max(o, c)*1.01)
		s.Low = append(s.Low, math.Min(o, c)*0.99)
		s.Close = append(s.Close, c)
		s.Volume = append(s.Volume, 1e6)
		px = c
	}
	s.AdjClose = s.Close
	return s
}

// BenchmarkSMACross1M: the engine loop with sma-cross on 1,000,000 hourly
// bars of one instrument (a million daily bars would run past 2262, where
// int64 nanoseconds end: their times wrapped and went back, a timeline no
// reader accepts). Reports bar-events/s and allocations per bar.
func BenchmarkSMACross1M(b *testing.B) {
	x := walk("X", data.Crypto, 1_000_000, 1)
	for k := range x.Time {
		x.Time[k] = data.Day(2000, 1, 1) + int64(k)*int64(time.Hour)
	}
	p := &data.Panel{Series: []data.Series{x}}
	tl := engine.NewTimeline(p)
	benchRun(b, p, tl, func() engine.Strategy {
		s, err := NewSMACross(Params{"symbol": "X", "fast": 20, "slow": 50})
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}

// BenchmarkPairHedge20x10y: pair-hedge, 10 equities long against 10 tokens
// short, 10 years of daily bars on the union calendar, weekly rebalance.
func BenchmarkPairHedge20x10y(b *testing.B) {
	p, long, short := hedgePanel(10)
	tl := engine.NewTimeline(p)
	benchRun(b, p, tl, func() engine.Strategy {
		s, err := NewPairHedge(Params{"long": long, "short": short, "gross": 1.0, "rebalance_days": 7})
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}

// BenchmarkPairHedgeBeta20x10y: pair-hedge in beta mode on the same
// panel: 60-return rolling OLS beta on the sync points, weekly calendar,
// 5 % drift band, 15 % stop-loss.
func BenchmarkPairHedgeBeta20x10y(b *testing.B) {
	p, long, short := hedgePanel(10)
	tl := engine.NewTimeline(p)
	benchRun(b, p, tl, func() engine.Strategy {
		s, err := NewPairHedge(Params{"long": long, "short": short, "hedge": "beta", "lookback": 60,
			"rebalance_days": 7, "drift_band": 0.05, "stop_loss": 0.15, "cooldown_days": 5})
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}

// BenchmarkScaledEntry20x10y: scaled-entry in drawdown mode over the 20
// instruments (4 levels, 3 profit levels, 10 % trailing stop): cycles of
// entries and exits all along.
func BenchmarkScaledEntry20x10y(b *testing.B) {
	p, long, short := hedgePanel(10)
	tl := engine.NewTimeline(p)
	syms := append(append([]string{}, long...), short...)
	benchRun(b, p, tl, func() engine.Strategy {
		s, err := NewScaledEntry(Params{"symbols": syms, "trailing_stop": 0.1})
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}

// BenchmarkWeights20x10y: weights over the 20 instruments (leverage 1.5,
// 10 long, 10 short), monthly calendar and a 2 % drift band.
func BenchmarkWeights20x10y(b *testing.B) {
	p, long, short := hedgePanel(10)
	tl := engine.NewTimeline(p)
	w := map[string]any{}
	for _, s := range long {
		w[s] = 0.1
	}
	for _, s := range short {
		w[s] = -0.05
	}
	benchRun(b, p, tl, func() engine.Strategy {
		s, err := NewWeights(Params{"weights": w, "max_gross": 1.5, "rebalance_days": 30, "drift_band": 0.02})
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}

// OnBar allocates nothing in steady state: a run over 20 years allocates
// no more than a run over 10 years plus the fills log's growth (appends
// double its capacity: a handful of allocations).
func TestOnBarAllocationFree(t *testing.T) {
	p10, long, short := hedgePanel(10)
	p20, _, _ := hedgePanel(20)
	syms := append(append([]string{}, long...), short...)
	w := map[string]any{}
	for _, s := range syms {
		w[s] = 0.05
	}
	for name, mk := range map[string]func() (engine.Strategy, error){
		"pair-hedge dollar": func() (engine.Strategy, error) {
			return NewPairHedge(Params{"long": long, "short": short, "drift_band": 0.05, "stop_loss": 0.1})
		},
		"pair-hedge beta": func() (engine.Strategy, error) {
			return NewPairHedge(Params{"long": long, "short": short, "hedge": "beta", "drift_band": 0.05, "max_gross": 1.5})
		},
		"pair-hedge minvar": func() (engine.Strategy, error) {
			return NewPairHedge(Params{"long": long, "short": short, "hedge": "minvar"})
		},
		"pair-hedge vol": func() (engine.Strategy, error) {
			return NewPairHedge(Params{"long": long, "short": short, "hedge": "vol"})
		},
		"scaled-entry": func() (engine.Strategy, error) {
			return NewScaledEntry(Params{"symbols": syms, "trailing_stop": 0.1})
		},
		"weights": func() (engine.Strategy, error) {
			return NewWeights(Params{"weights": w, "rebalance_days": 30, "drift_band": 0.02})
		},
	} {
		allocs := func(p *data.Panel) (float64, int) {
			tl := engine.NewTimeline(p)
			fills := 0
			a := testing.AllocsPerRun(1, func() {
				s, err := mk()
				if err != nil {
					t.Fatal(err)
				}
				res, err := engine.Run(p, tl, s, engine.Config{Cash: 1e6, Commission: 5})
				if err != nil {
					t.Fatal(err)
				}
				fills = len(res.Fills)
			})
			return a, fills
		}
		a10, f10 := allocs(p10)
		a20, f20 := allocs(p20)
		t.Logf("%s: allocs %v (10y, %d fills) %v (20y, %d fills)", name, a10, f10, a20, f20)
		if f20 <= f10 || f10 < 20 {
			t.Errorf("%s: %d fills in 10 years, %d in 20: the check needs trading", name, f10, f20)
		}
		if a20-a10 > 8 {
			t.Errorf("%s: %v allocations over 10 years, %v over 20: OnBar allocates", name, a10, a20)
		}
	}
}

func hedgePanel(years int) (*data.Panel, []string, []string) {
	p := &data.Panel{}
	var long, short []string
	for i := 0; i < 10; i++ {
		sym := string(rune('A'+i)) + "EQ"
		// 261 weekdays a year: the equities span the same ten years as the
		// tokens (walk skips weekends, not holidays).
		p.Series = append(p.Series, walk(sym, data.Equity, 261*years, uint64(i)))
		long = append(long, sym)
	}
	for i := 0; i < 10; i++ {
		sym := string(rune('A'+i)) + "TOK"
		p.Series = append(p.Series, walk(sym, data.Crypto, 365*years, uint64(100+i)))
		short = append(short, sym)
	}
	return p, long, short
}

func benchRun(b *testing.B, p *data.Panel, tl *engine.Timeline, mk func() engine.Strategy) {
	b.ReportAllocs()
	bars := 0
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		res, err := engine.Run(p, tl, mk(), engine.Config{Cash: 1e6, Commission: 5})
		if err != nil {
			b.Fatal(err)
		}
		bars = res.BarEvents
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(bars)*float64(b.N)/sec, "bar-events/s")
	// Allocations per bar over whole runs: the per-run setup (curve
	// columns, the fills log growing) divided by the bars; the loop itself
	// allocates nothing per bar (TestOnBarAllocationFree).
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(bars*b.N), "allocs/bar")
	b.ReportMetric(0, "ns/op")
}
