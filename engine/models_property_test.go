package engine

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// shockEnv is a deterministic environment, as cheap as a scenario's
// window lookup: slippage, spread and volume shocked one day in four,
// funding and borrow shocked one day in eight, odd instruments slipping
// more.
type shockEnv struct{}

func (shockEnv) At(i int, t int64) EnvFactors {
	f := Neutral()
	day := t / data.NanosPerDay
	if day&3 == 0 {
		f.SlippageMult, f.SpreadMult, f.VolumeMult = 2, 1.5, 0.5
	}
	if day&7 == 3 {
		f.FundingSet, f.BorrowSet = -0.0005, 0.2
	}
	if i&1 == 1 {
		f.SlippageMult *= 1.5
	}
	return f
}

// allModels turns every model on, with Env and margin.
func allModels(cash float64) Config {
	return Config{
		Cash: cash, Commission: 3,
		Equity: Terms{
			Commission: Commission{PerShare: 0.005, Minimum: 1, Bps: 0.5},
			Slippage:   Slippage{Bps: 2, SpreadBps: 4, RangeFrac: 0.05, ImpactK: 0.5, MaxParticipation: 0.2},
			Borrow:     Borrow{Rate: 0.03},
			Margin:     Margin{Initial: 0.5, Maintenance: 0.25, LiquidationFee: 0.005},
		},
		Crypto: Terms{
			Commission: Commission{Maker: 2, Taker: 5},
			Slippage:   Slippage{Bps: 5, SpreadBps: 10, RangeFrac: 0.1, ImpactK: 1, MaxParticipation: 0.1},
			Funding:    Funding{Rate: 0.0001, Interval: DefaultFundingInterval},
			Margin:     Margin{Initial: 0.2, Maintenance: 0.05, LiquidationFee: 0.01},
		},
		CashRate: 0.04, BorrowRate: 0.07,
		Env: shockEnv{},
	}
}

// randomTrader submits random orders of every kind, sizing and time in
// force, brackets, replaces and cancels.
func randomTrader(cash0 float64) script {
	var ids []OrderID
	return func(ctx *Context, s *Slice) error {
		r := ctx.Rand()
		for n := r.IntN(4); n > 0; n-- {
			i := r.IntN(ctx.NumInstruments())
			px := ctx.Price(i)
			if px != px {
				continue
			}
			o := Order{Instrument: i, Kind: OrderKind(1 + r.IntN(6)), TIF: TimeInForce(r.IntN(2))}
			switch r.IntN(3) {
			case 0:
				o.Amount = 50 * r.NormFloat64()
			case 1:
				o.Sizing, o.Amount = TargetWeight, 4*r.Float64()-2
			default:
				o.Sizing, o.Amount = TargetValue, 3*cash0*(r.Float64()-0.5)
			}
			o.Price = px * (1 + 0.05*r.NormFloat64())
			o.StopPrice = px * (1 + 0.05*r.NormFloat64())
			if r.IntN(2) == 0 {
				o.Trail = px * 0.03 * r.Float64()
			} else {
				o.TrailPct = 0.1 * r.Float64()
			}
			if o.Kind == TrailingStop && o.Trail > 0 && o.TrailPct > 0 {
				o.TrailPct = 0
			}
			id, err := ctx.Submit(o)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		if r.IntN(5) == 0 {
			i := r.IntN(ctx.NumInstruments())
			if px := ctx.Price(i); px == px && ctx.Position(i) != 0 {
				if _, _, err := ctx.Bracket(i, px*0.95, px*1.05, "bracket"); err != nil {
					return err
				}
			}
		}
		if len(ids) > 0 && r.IntN(4) == 0 {
			id := ids[r.IntN(len(ids))]
			if r.IntN(2) == 0 {
				ctx.Cancel(id)
			} else {
				ctx.Replace(id, 0, ctx.Price(0)*(1+0.02*r.NormFloat64()), 0)
			}
		}
		return nil
	}
}

// Random orders of every kind with every model on, on random panels:
//   - no fill price lies outside its bar's [low, high] (slippage is
//     clamped; gapped stops and limits fill at the open, which is in the
//     bar);
//   - the equity identity holds at the end: recorded equity = cash +
//     Σ quantity × price = initial + realized + unrealized − commission −
//     charges, to 1e-9 relative;
//   - the ledger sums to the PnL the costs took: replaying the same fills
//     at their reference prices with no costs gives an equity higher by
//     exactly Σ ledger (1e-9 relative);
//   - a second run gives identical fills and curve (determinism).
func TestRandomOrdersAllModels(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	kinds := map[OrderKind]int{}
	var liqs, rejects, shortfalls int
	dividends := map[bool]int{} // dividend entries, paid (true) and received
	for trial := 0; trial < 150; trial++ {
		p := randomPanel(t, rng, 1+rng.IntN(5), 20+rng.IntN(60))
		for i := range p.Series {
			if i%2 == 1 {
				p.Series[i].Class = data.Equity
			}
			for k := range p.Series[i].Volume {
				p.Series[i].Volume[k] = 50 + 500*rng.Float64()
			}
			// A flash crash (or squeeze) on one bar, for margin calls.
			k := rng.IntN(len(p.Series[i].Low))
			p.Series[i].Low[k] *= 0.5
			p.Series[i].High[k] *= 1.6
		}
		cash0 := 1e4 + 1e5*rng.Float64()
		cfg := allModels(cash0)
		cfg.Seed = rng.Uint64()
		if trial%3 == 0 {
			cfg.LimitFill = Touch
		}
		if trial%2 == 1 {
			cfg.Crypto.MarginMode = Isolated // losses capped at the margin: the identities still hold
		}
		// Cash dividends every 7th bar, 1 % of the close before (drawn
		// from no random number: the panels and orders stay the ones
		// of the trials before dividends were paid).
		cfg.Dividends = map[string][]Dividend{}
		for i := range p.Series {
			s := &p.Series[i]
			for k := 7; k < len(s.Time); k += 7 {
				cfg.Dividends[s.Symbol] = append(cfg.Dividends[s.Symbol], Dividend{Time: s.Time[k], Amount: 0.01 * s.Close[k-1]})
			}
		}
		res, err := Run(p, nil, randomTrader(cash0), cfg)
		if err != nil {
			t.Fatal(err)
		}
		liqs += res.Liquidations
		rejects += res.Rejections
		for _, e := range res.Ledger {
			switch e.Kind {
			case CostShortfall:
				shortfalls++
			case CostDividend:
				dividends[e.Amount > 0]++
			}
		}
		for _, f := range res.Fills {
			kinds[f.Kind]++
			s := &p.Series[f.Instrument]
			r := sort.Search(len(s.Time), func(k int) bool { return s.Time[k] >= f.Time })
			if r == len(s.Time) || s.Time[r] != f.Time {
				t.Fatalf("trial %d: fill %+v on a day without a bar", trial, f)
			}
			if f.Price < s.Low[r] || f.Price > s.High[r] {
				t.Fatalf("trial %d: fill %+v outside [%g, %g]", trial, f, s.Low[r], s.High[r])
			}
		}
		pf := res.Portfolio
		last := res.Curve.Len() - 1
		eq := res.Curve.Equity[last]
		direct, realized := pf.Cash, 0.0
		for i, q := range pf.Qty {
			direct += q * res.FinalPrice[i]
			realized += pf.Realized[i]
		}
		viaPnL := cash0 + realized + pf.Unrealized(res.FinalPrice) - pf.Commission - pf.Charges
		if !near(eq, direct, 1e-9) || !near(eq, viaPnL, 1e-9) {
			t.Fatalf("trial %d: equity %g, cash+Σq·p %g, initial+PnL %g", trial, eq, direct, viaPnL)
		}
		replay := NewPortfolio(len(p.Series), cash0)
		for _, f := range res.Fills {
			replay.apply(f.Instrument, f.Qty, f.Price-f.Slippage/f.Qty, 0)
		}
		costFree := replay.Equity(res.FinalPrice)
		total := 0.0
		for _, e := range res.Ledger {
			total += e.Amount
		}
		if d := costFree - eq; math.Abs(d-total) > 1e-9*math.Max(1, math.Abs(costFree)) {
			t.Fatalf("trial %d: cost-free replay − run = %g, ledger says %g", trial, d, total)
		}
		if !near(total, res.Costs.Total(), 1e-9) {
			t.Fatalf("trial %d: ledger %g, breakdown %g", trial, total, res.Costs.Total())
		}
		again, err := Run(p, nil, randomTrader(cash0), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Fills) != len(res.Fills) || again.Curve.Equity[last] != eq {
			t.Fatalf("trial %d: a second run differs", trial)
		}
		for k := range res.Fills {
			if again.Fills[k] != res.Fills[k] {
				t.Fatalf("trial %d: fill %d differs: %+v vs %+v", trial, k, res.Fills[k], again.Fills[k])
			}
		}
	}
	t.Logf("fills by kind %v; %d liquidations, %d rejections, %d isolated shortfalls, %d dividends received, %d paid", kinds, liqs, rejects, shortfalls, dividends[false], dividends[true])
	if dividends[false] == 0 || dividends[true] == 0 {
		t.Errorf("dividends received %d, paid %d: the property covers neither side of one", dividends[false], dividends[true])
	}
	for k := Market; k <= Liquidation; k++ {
		if kinds[k] == 0 {
			t.Errorf("no %s fill in the random runs: the property does not cover it", k)
		}
	}
}

// The cost-free configuration is untouched by the models: the same fills
// as a run that names every model at zero, and nothing in the ledger but
// the commission.
func TestZeroModelsAreCostFree(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	p := randomPanel(t, rng, 4, 60)
	strat := func() Strategy {
		return script(func(ctx *Context, s *Slice) error {
			for i := 0; i < ctx.NumInstruments(); i++ {
				if _, err := ctx.TargetWeight(i, 0.2*math.Sin(float64(s.Step+i)), Market, ""); err != nil {
					return err
				}
			}
			return nil
		})
	}
	a, err := Run(p, nil, strat(), Config{Cash: 1e5, Commission: 7})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(p, nil, strat(), Config{Cash: 1e5, Commission: 7, Equity: Terms{}, Crypto: Terms{Funding: Funding{Rate: 0}}, Env: nil})
	if err != nil {
		t.Fatal(err)
	}
	for k := range a.Curve.Equity {
		if a.Curve.Equity[k] != b.Curve.Equity[k] {
			t.Fatalf("step %d differs", k)
		}
	}
	if !near(a.Costs.Total(), a.Portfolio.Commission, 1e-12) || a.Costs.Commission != a.Costs.Total() {
		t.Fatalf("costs %+v vs commission %g", a.Costs, a.Portfolio.Commission)
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	p := abc(t)
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Cash: 1, Crypto: Terms{Margin: Margin{Initial: 0.1, Maintenance: 0.2}}}, "Crypto.Margin.Maintenance"},
		{Config{Cash: 1, Equity: Terms{Slippage: Slippage{Bps: -1}}}, "Equity.Slippage.Bps"},
		{Config{Cash: 1, Symbols: map[string]Terms{"NOPE": {}}}, `unknown symbol "NOPE"`},
		{Config{Cash: 1, Symbols: map[string]Terms{"A": {Borrow: Borrow{Rate: math.NaN()}}}}, "Symbols[A].Borrow.Rate"},
		{Config{Cash: 1, Splits: map[string][]Split{"A": {{Time: 1, Ratio: 0}}}}, "Splits[A][0]"},
		{Config{Cash: 1, CashRate: math.Inf(1)}, "CashRate"},
		{Config{Cash: 1, Crypto: Terms{Funding: Funding{Times: []int64{1}, Rates: nil}}}, "Crypto.Funding"},
	} {
		_, err := Run(p, nil, script(func(*Context, *Slice) error { return nil }), tc.cfg)
		if err == nil || !contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one naming %s", err, tc.want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
