package engine

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// walk makes a random-walk daily series of n bars from 2000-01-01, every
// calendar day (crypto) or weekdays only (equity), as the strategies'
// benchmarks do.
func walk(sym string, class data.Class, n int, seed uint64) data.Series {
	rng := rand.New(rand.NewPCG(seed, 99))
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class}}
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

// hedge20 is 10 equities and 10 tokens over the given years.
func hedge20(years int) *data.Panel {
	p := &data.Panel{}
	for i := 0; i < 10; i++ {
		p.Series = append(p.Series, walk(string(rune('A'+i))+"EQ", data.Equity, 252*years, uint64(i)))
	}
	for i := 0; i < 10; i++ {
		p.Series = append(p.Series, walk(string(rune('A'+i))+"TOK", data.Crypto, 365*years, uint64(100+i)))
	}
	return p
}

// hedger is a pair hedge: the first half of the instruments long, the
// second half short, each leg half the equity, rebalanced weekly at the
// next open, with a protective 10% trailing stop on the longs renewed at
// every rebalance (so resting orders are in the loop too).
type hedger struct {
	last  int64
	stops []OrderID
}

func (h *hedger) OnBar(ctx *Context, _ *Slice) error {
	n := ctx.NumInstruments()
	for i := 0; i < n; i++ {
		if ctx.Price(i) != ctx.Price(i) {
			return nil
		}
	}
	if h.last != 0 && ctx.Time()-h.last < 7*data.NanosPerDay {
		return nil
	}
	h.last = ctx.Time()
	for _, id := range h.stops {
		ctx.Cancel(id)
	}
	h.stops = h.stops[:0]
	half := n / 2
	for i := 0; i < n; i++ {
		w := 0.5 / float64(half)
		if i >= half {
			w = -0.5 / float64(n-half)
		}
		if _, err := ctx.TargetWeight(i, w, Market, "rebalance"); err != nil {
			return err
		}
		if i < half {
			id, err := ctx.Submit(Order{Instrument: i, Kind: TrailingStop, Sizing: TargetValue, TrailPct: 0.1, Tag: "trail"})
			if err != nil {
				return err
			}
			h.stops = append(h.stops, id)
		}
	}
	return nil
}

func benchEngine(b *testing.B, cfg Config) {
	p := hedge20(10)
	tl := NewTimeline(p)
	b.ReportAllocs()
	bars := 0
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		res, err := Run(p, tl, &hedger{}, cfg)
		if err != nil {
			b.Fatal(err)
		}
		bars = res.BarEvents
	}
	b.StopTimer()
	b.ReportMetric(float64(bars)*float64(b.N)/b.Elapsed().Seconds(), "bar-events/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkEngineCostFree20x10y: the hedger on 20 instruments × 10 years,
// commission only.
func BenchmarkEngineCostFree20x10y(b *testing.B) {
	benchEngine(b, Config{Cash: 1e6, Commission: 5})
}

// BenchmarkEngineAllModels20x10y: the same with every model on: commission
// models, fixed + spread + range slippage, square-root impact,
// participation caps, borrow, funding, interest, margin and a scenario
// environment shocking liquidity, funding and borrow in windows (a
// SpanEnv, as scenario files describe shocks).
func BenchmarkEngineAllModels20x10y(b *testing.B) {
	cfg := allModels(1e6)
	cfg.Env = windowEnv{}
	benchEngine(b, cfg)
}

// BenchmarkEngineAllModelsDailyEnv20x10y: every model on, with an Env
// whose factors change every day (asked once per instrument and step).
func BenchmarkEngineAllModelsDailyEnv20x10y(b *testing.B) {
	benchEngine(b, allModels(1e6))
}

// windowEnv shocks every instrument for 30 days out of every 90: spreads
// ×3, slippage ×2, volume ×0.3, funding set to −0.0005, borrow ×4.
type windowEnv struct{}

func (w windowEnv) At(i int, t int64) EnvFactors {
	f, _ := w.AtUntil(i, t)
	return f
}

func (windowEnv) AtUntil(i int, t int64) (EnvFactors, int64) {
	const period, shock = 90 * data.NanosPerDay, 30 * data.NanosPerDay
	f := Neutral()
	start := t - t%period
	if t-start < shock {
		f.SpreadMult, f.SlippageMult, f.VolumeMult = 3, 2, 0.3
		f.FundingSet, f.BorrowMult = -0.0005, 4
		return f, start + shock
	}
	return f, start + period
}

// plainEnv hides an Env's AtUntil: the engine asks it every step.
type plainEnv struct{ Env }

// A SpanEnv gives the same run as the same Env asked every step.
func TestSpanEnvMatchesPlainEnv(t *testing.T) {
	p := hedge20(2)
	a, err := Run(p, nil, &hedger{}, withEnv(allModels(1e6), windowEnv{}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(p, nil, &hedger{}, withEnv(allModels(1e6), plainEnv{windowEnv{}}))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Fills) != len(b.Fills) || len(a.Ledger) != len(b.Ledger) || a.Costs != b.Costs {
		t.Fatalf("span %d fills %+v, plain %d fills %+v", len(a.Fills), a.Costs, len(b.Fills), b.Costs)
	}
	for k := range a.Curve.Equity {
		if a.Curve.Equity[k] != b.Curve.Equity[k] {
			t.Fatalf("step %d: %g vs %g", k, a.Curve.Equity[k], b.Curve.Equity[k])
		}
	}
	if a.Costs.Funding == 0 || a.Costs.Spread == 0 {
		t.Fatalf("costs %+v", a.Costs)
	}
}

func withEnv(c Config, e Env) Config {
	c.Env = e
	return c
}

// With every model on, a run over 20 years allocates no more than one over
// 10 years plus the logs' doublings (fills, ledger, events): the loop
// allocates nothing per bar.
func TestAllModelsLoopAllocationFree(t *testing.T) {
	allocs := func(years int) (float64, int) {
		p := hedge20(years)
		tl := NewTimeline(p)
		var entries int
		a := testing.AllocsPerRun(1, func() {
			res, err := Run(p, tl, &hedger{}, allModels(1e6))
			if err != nil {
				t.Fatal(err)
			}
			entries = len(res.Ledger)
		})
		return a, entries
	}
	a10, e10 := allocs(10)
	a20, e20 := allocs(20)
	t.Logf("allocs %v (10y, %d ledger entries), %v (20y, %d)", a10, e10, a20, e20)
	if e20 <= e10 || a20-a10 > 8 {
		t.Fatalf("allocations grow with the run's length: %v over 10 years, %v over 20", a10, a20)
	}
}
