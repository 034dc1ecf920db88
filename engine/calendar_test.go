package engine

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// An equity trading Friday and Monday, a token trading every day and
// crashing on Saturday: the timeline keeps the weekend, the equity is stale
// (at Friday's close) on Saturday and Sunday, and the token's crash shows in
// the portfolio's equity on Saturday.
func TestWeekendCrashHitsOnSaturday(t *testing.T) {
	eq := series(t, "MSFT", data.Equity, []row{
		{"2024-03-01", 100, 100, 100, 100, 1}, // Friday
		{"2024-03-04", 101, 101, 101, 101, 1}, // Monday
	})
	tok := series(t, "TAO", data.Crypto, []row{
		{"2024-03-01", 50, 50, 50, 50, 1},
		{"2024-03-02", 50, 50, 35, 35, 1}, // Saturday: −30%
		{"2024-03-03", 35, 36, 34, 36, 1},
		{"2024-03-04", 36, 37, 35, 37, 1},
	})
	p := panel(eq, tok)
	tl := NewTimeline(p)
	if tl.Len() != 4 {
		t.Fatalf("timeline has %d steps, want 4 (Fri, Sat, Sun, Mon)", tl.Len())
	}
	var staleSat bool
	var satPrice float64
	strat := script(func(ctx *Context, s *Slice) error {
		if s.Step == 0 {
			// Market-on-close: 10 MSFT long, 20 TAO long.
			if _, err := ctx.Submit(Order{Instrument: 0, Kind: MarketOnClose, Amount: 10}); err != nil {
				return err
			}
			_, err := ctx.Submit(Order{Instrument: 1, Kind: MarketOnClose, Amount: 20})
			return err
		}
		if s.Step == 1 {
			staleSat = ctx.Stale(0)
			satPrice = ctx.Price(0)
			if len(s.Active) != 1 || s.Active[0] != 1 {
				t.Errorf("Saturday's active set %v, want [1]", s.Active)
			}
			if _, ok := ctx.Bar(0); ok {
				t.Errorf("MSFT has no bar on Saturday")
			}
		}
		return nil
	})
	res, err := Run(p, tl, strat, Config{Cash: 10000})
	if err != nil {
		t.Fatal(err)
	}
	if !staleSat || satPrice != 100 {
		t.Errorf("Saturday: MSFT stale=%v price=%g, want stale at Friday's 100", staleSat, satPrice)
	}
	// Friday: TAO fills at its close, cash 10,000 − 1,000 = 9,000;
	// equity 10,000. MSFT's order was decided at a step that showed
	// TAO's Friday close (24:00 UTC), after MSFT's (21:00 UTC): it fills
	// at MSFT's next close, Monday's 101.
	// Saturday: 9,000 + 20×35 = 9,700 (the crash lands on Saturday).
	// Sunday: 9,000 + 20×36 = 9,720. Monday: 9,000 − 10×101 + 10×101 +
	// 20×37 = 9,740.
	want := []float64{10000, 9700, 9720, 9740}
	for k, w := range want {
		if res.Curve.Equity[k] != w {
			t.Errorf("%s: equity %g, want %g", data.FormatDay(res.Curve.Time[k]), res.Curve.Equity[k], w)
		}
	}
	if res.BarEvents != 6 {
		t.Errorf("bar events %d, want 6", res.BarEvents)
	}
}

// A market order for an equity placed on Saturday fills at Monday's open,
// not at a stale price on Sunday.
func TestStaleInstrumentWaitsForItsNextBar(t *testing.T) {
	eq := series(t, "MSFT", data.Equity, []row{{"2024-03-01", 100, 100, 100, 100, 1}, {"2024-03-04", 101, 102, 100, 102, 1}})
	tok := series(t, "TAO", data.Crypto, []row{{"2024-03-01", 5, 5, 5, 5, 1}, {"2024-03-02", 5, 5, 5, 5, 1}, {"2024-03-03", 5, 5, 5, 5, 1}, {"2024-03-04", 5, 5, 5, 5, 1}})
	strat := script(func(ctx *Context, s *Slice) error {
		if s.Step == 1 {
			_, err := ctx.Buy(0, 1)
			return err
		}
		return nil
	})
	res, err := Run(panel(eq, tok), nil, strat, Config{Cash: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fills) != 1 || res.Fills[0].Price != 101 || data.FormatDay(res.Fills[0].Time) != "2024-03-04" {
		t.Fatalf("fills %+v", res.Fills)
	}
}

// The merged timeline equals the sorted, de-duplicated union of all bar
// times (a naive reference), and each step lists exactly the instruments
// with a bar at it.
func TestTimelineMatchesNaiveUnion(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		p := randomPanel(t, rng, 1+rng.IntN(6), 5+rng.IntN(60))
		tl := NewTimeline(p)
		set := map[int64]bool{}
		for _, s := range p.Series {
			for _, ts := range s.Time {
				set[ts] = true
			}
		}
		var naive []int64
		for ts := range set {
			naive = append(naive, ts)
		}
		sort.Slice(naive, func(a, b int) bool { return naive[a] < naive[b] })
		if len(naive) != tl.Len() {
			t.Fatalf("trial %d: %d steps, naive %d", trial, tl.Len(), len(naive))
		}
		for k, ts := range naive {
			if tl.Times[k] != ts {
				t.Fatalf("step %d time differs", k)
			}
			inst, row := tl.Active(k)
			j := 0
			for i, s := range p.Series {
				r := sort.Search(len(s.Time), func(x int) bool { return s.Time[x] >= ts })
				has := r < len(s.Time) && s.Time[r] == ts
				if has {
					if j >= len(inst) || int(inst[j]) != i || int(row[j]) != r {
						t.Fatalf("step %d: active %v rows %v, instrument %d row %d missing", k, inst, row, i, r)
					}
					j++
				}
			}
			if j != len(inst) {
				t.Fatalf("step %d: extra active instruments %v", k, inst)
			}
		}
	}
}

// randomPanel makes n instruments, each trading on a random subset of
// `days` consecutive days, with a random walk of valid OHLC bars.
func randomPanel(t testing.TB, rng *rand.Rand, n, days int) *data.Panel {
	p := &data.Panel{}
	start := data.Day(2024, 1, 1)
	for i := 0; i < n; i++ {
		s := data.Series{Instrument: data.Instrument{Symbol: string(rune('A' + i)), Class: data.Crypto}}
		px := 10 + 90*rng.Float64()
		for d := 0; d < days; d++ {
			if rng.Float64() < 0.3 {
				continue
			}
			o := px * math.Exp(0.02*rng.NormFloat64())
			c := o * math.Exp(0.03*rng.NormFloat64())
			h := math.Max(o, c) * (1 + 0.01*rng.Float64())
			l := math.Min(o, c) * (1 - 0.01*rng.Float64())
			s.Time = append(s.Time, start+int64(d)*data.NanosPerDay)
			s.Open, s.High, s.Low, s.Close = append(s.Open, o), append(s.High, h), append(s.Low, l), append(s.Close, c)
			s.AdjClose, s.Volume = append(s.AdjClose, c), append(s.Volume, 1e6)
			px = c
		}
		if len(s.Time) == 0 {
			s.Time = append(s.Time, start)
			s.Open, s.High, s.Low, s.Close, s.AdjClose, s.Volume = []float64{px}, []float64{px}, []float64{px}, []float64{px}, []float64{px}, []float64{1}
		}
		if err := s.Validate(s.Symbol); err != nil {
			t.Fatal(err)
		}
		p.Series = append(p.Series, s)
	}
	return p
}

// Random order sequences (market, market-on-close, quantity and target
// orders, longs and shorts) on random panels. After every run:
//   - cash conservation: cash = initial − Σ qty × price − Σ commission over
//     the fills log (a second bookkeeping, independent of the portfolio);
//   - the equity identity: recorded equity = cash + Σ qty × mark, and also
//     = initial + realized + unrealized − commission, to 1e-9 relative.
func TestRandomOrdersConserveCash(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := 0; trial < 200; trial++ {
		p := randomPanel(t, rng, 1+rng.IntN(5), 10+rng.IntN(40))
		cash0 := 1e4 + 1e6*rng.Float64()
		bps := BasisPoints(50 * rng.Float64())
		seed := rng.Uint64()
		strat := script(func(ctx *Context, s *Slice) error {
			r := ctx.Rand()
			for n := r.IntN(4); n > 0; n-- {
				o := Order{Instrument: r.IntN(ctx.NumInstruments()), Kind: Market}
				if r.IntN(3) == 0 {
					o.Kind = MarketOnClose
				}
				switch r.IntN(3) {
				case 0:
					o.Amount = 100 * r.NormFloat64()
				case 1:
					o.Sizing, o.Amount = TargetWeight, 2*r.Float64()-1
				default:
					o.Sizing, o.Amount = TargetValue, cash0*(r.Float64()-0.5)
				}
				if _, err := ctx.Submit(o); err != nil {
					return err
				}
			}
			return nil
		})
		res, err := Run(p, nil, strat, Config{Cash: cash0, Commission: bps, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		cash := cash0
		com := 0.0
		for _, f := range res.Fills {
			cash -= f.Qty*f.Price + f.Commission
			com += f.Commission
			if f.Commission < 0 || !near(f.Commission, math.Abs(f.Qty*f.Price)*bps.Fraction(), 1e-12) {
				t.Fatalf("trial %d: commission %g on %g×%g at %g bps", trial, f.Commission, f.Qty, f.Price, float64(bps))
			}
		}
		pf := res.Portfolio
		if !near(pf.Cash, cash, 1e-9) {
			t.Fatalf("trial %d: cash %g, fills log says %g", trial, pf.Cash, cash)
		}
		last := res.Curve.Len() - 1
		eq := res.Curve.Equity[last]
		direct := pf.Cash
		realized := 0.0
		for i, q := range pf.Qty {
			direct += q * res.FinalPrice[i]
			realized += pf.Realized[i]
		}
		viaPnL := cash0 + realized + pf.Unrealized(res.FinalPrice) - com
		if !near(eq, direct, 1e-9) || !near(eq, viaPnL, 1e-9) {
			t.Fatalf("trial %d: equity %g, cash+Σq·p %g, initial+PnL %g", trial, eq, direct, viaPnL)
		}
	}
}
