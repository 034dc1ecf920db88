package strategies

import (
	"math"
	"math/rand/v2"
	"testing"

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
		wd := (t/nsPerDay + 4) % 7 // 1970-01-01 was a Thursday: 0 = Sunday
		t += nsPerDay
		if class == data.Equity && (wd == 0 || wd == 6) {
			continue
		}
		o := px * math.Exp(0.005*rng.NormFloat64())
		c := o * math.Exp(0.02*rng.NormFloat64())
		s.Time = append(s.Time, t-nsPerDay)
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

// BenchmarkSMACross1M: the engine loop with sma-cross on 1,000,000 bars of
// one instrument. Reports bar-events/s and allocations per bar.
func BenchmarkSMACross1M(b *testing.B) {
	p := &data.Panel{Series: []data.Series{walk("X", data.Crypto, 1_000_000, 1)}}
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

func hedgePanel(years int) (*data.Panel, []string, []string) {
	p := &data.Panel{}
	var long, short []string
	for i := 0; i < 10; i++ {
		sym := string(rune('A'+i)) + "EQ"
		p.Series = append(p.Series, walk(sym, data.Equity, 252*years, uint64(i)))
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
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		res, err := engine.Run(p, tl, mk(), engine.Config{Cash: 1e6, Commission: 5})
		if err != nil {
			b.Fatal(err)
		}
		bars = res.BarEvents
	}
	b.StopTimer()
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(bars)*float64(b.N)/sec, "bar-events/s")
	b.ReportMetric(0, "ns/op")
}
