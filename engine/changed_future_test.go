package engine

import (
	"math/rand/v2"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// futureTerms is allModels with the rates that step over time: A (a
// perpetual) settles funding at the times of a file, B (an equity)
// borrows at a file's rates, and cash earns and pays a pool's rates.
// Every row at or after cut is scaled by k.
func futureTerms(cash float64, start, cut int64, k float64) Config {
	cfg := allModels(cash)
	var ft, bt []int64
	var fr, br, sr, cr []float64
	for t := start; t < start+200*data.NanosPerDay; t += 8 * 3600 * 1e9 {
		r := 0.0001 * float64(1+len(ft)%5)
		if t >= cut {
			r *= k
		}
		ft, fr = append(ft, t), append(fr, r)
	}
	for t := start + 18*3600*1e9; t < start+200*data.NanosPerDay; t += data.NanosPerDay {
		b, s, c := 0.02+0.001*float64(len(bt)%7), 0.03, 0.06
		if t >= cut {
			b, s, c = b*k, s*k, c*k
		}
		bt, br, sr, cr = append(bt, t), append(br, b), append(sr, s), append(cr, c)
	}
	a := cfg.Crypto
	a.Funding = Funding{Times: ft, Rates: fr}
	b := cfg.Equity
	b.Borrow = Borrow{Rate: 0.01, Times: bt, Rates: br, YearDays: data.RateYearDays}
	cfg.Symbols = map[string]Terms{"A": a, "B": b}
	cfg.CashRate, cfg.BorrowRate = 0, 0
	cfg.InterestModel = CashInterest{Rate: 0.01, BorrowRate: 0.05, Times: bt, Rates: sr, BorrowRates: cr, YearDays: data.RateYearDays}
	return cfg
}

// A changed future changes nothing before it, with every cost, volume,
// financing and margin model on: random orders of every kind on a panel
// of tokens and equities, run again on the same panel with every bar from
// the cut on changed (prices up 40 %, ranges wider, volumes a third) and
// every funding, borrow and interest rate from the cut on five times
// larger, and a split of B two days after the cut. Every fill, ledger entry, event and curve point before the cut
// is identical; some after it differ (or the probe would prove nothing).
func TestChangedFutureAllModels(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 4))
	var before, differ int
	kinds := map[CostKind]int{}
	for trial := 0; trial < 40; trial++ {
		p := randomPanel(t, rng, 4, 120)
		for i := range p.Series {
			if i%2 == 1 {
				p.Series[i].Class = data.Equity
			}
			for k := range p.Series[i].Volume {
				p.Series[i].Volume[k] = 50 + 500*rng.Float64()
			}
			k := rng.IntN(len(p.Series[i].Low))
			p.Series[i].Low[k] *= 0.5
			p.Series[i].High[k] *= 1.6
		}
		start := data.Day(2024, 1, 1)
		cut := start + int64(30+rng.IntN(60))*data.NanosPerDay
		q := &data.Panel{Series: make([]data.Series, len(p.Series))}
		for i, s := range p.Series {
			c := s
			c.Open, c.High, c.Low, c.Close = append([]float64(nil), s.Open...), append([]float64(nil), s.High...), append([]float64(nil), s.Low...), append([]float64(nil), s.Close...)
			c.AdjClose, c.Volume = append([]float64(nil), s.AdjClose...), append([]float64(nil), s.Volume...)
			for k := range c.Time {
				if c.Time[k] < cut {
					continue
				}
				c.Open[k] *= 1.4
				c.Close[k] *= 1.4
				c.AdjClose[k] *= 1.4
				c.High[k] *= 1.5
				c.Low[k] *= 1.3
				c.Volume[k] /= 3
			}
			q.Series[i] = c
		}
		cash0 := 1e4 + 1e5*rng.Float64()
		seed := rng.Uint64()
		run := func(p *data.Panel, k float64) *Result {
			cfg := futureTerms(cash0, start, cut, k)
			cfg.Seed = seed
			cfg.Crypto.MarginMode = MarginMode(trial % 2)
			if k != 1 {
				// Raw prices: a 2-for-1 split of B after the cut.
				cfg.Splits = map[string][]Split{"B": {{Time: cut + 2*data.NanosPerDay, Ratio: 2}}}
			}
			res, err := Run(p, nil, randomTrader(cash0), cfg)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		a, b := run(p, 1), run(q, 5)
		fa, fb := fillsBefore(a.Fills, cut), fillsBefore(b.Fills, cut)
		if len(fa) != len(fb) {
			t.Fatalf("trial %d: %d fills before the cut, %d with the future changed", trial, len(fa), len(fb))
		}
		for j := range fa {
			if fa[j] != fb[j] {
				t.Fatalf("trial %d: fill %d before the cut differs: %+v vs %+v", trial, j, fa[j], fb[j])
			}
		}
		before += len(fa)
		la, lb := entriesBefore(a.Ledger, cut), entriesBefore(b.Ledger, cut)
		for _, e := range la {
			kinds[e.Kind]++
		}
		if len(la) != len(lb) {
			t.Fatalf("trial %d: %d ledger entries before the cut, %d with the future changed", trial, len(la), len(lb))
		}
		for j := range la {
			if la[j] != lb[j] {
				t.Fatalf("trial %d: ledger entry %d before the cut differs: %+v vs %+v", trial, j, la[j], lb[j])
			}
		}
		ea, eb := eventsBefore(a.Events, cut), eventsBefore(b.Events, cut)
		if len(ea) != len(eb) {
			t.Fatalf("trial %d: %d events before the cut, %d with the future changed", trial, len(ea), len(eb))
		}
		for j := range ea {
			if ea[j] != eb[j] {
				t.Fatalf("trial %d: event %d before the cut differs: %+v vs %+v", trial, j, ea[j], eb[j])
			}
		}
		for j, tm := range a.Curve.Time {
			if tm >= cut {
				break
			}
			if a.Curve.Equity[j] != b.Curve.Equity[j] || a.Curve.Cash[j] != b.Curve.Cash[j] || a.Curve.Gross[j] != b.Curve.Gross[j] {
				t.Fatalf("trial %d: curve point %d (%s) before the cut differs", trial, j, data.FormatDay(tm))
			}
		}
		if a.Curve.Equity[a.Curve.Len()-1] != b.Curve.Equity[b.Curve.Len()-1] {
			differ++
		}
	}
	if before < 200 || differ < 30 {
		t.Fatalf("%d fills before the cuts, %d runs changed by their future: the probe proves little", before, differ)
	}
	for _, k := range []CostKind{CostCommission, CostSlippage, CostSpread, CostImpact, CostBorrow, CostFunding, CostInterest, CostLiquidationFee} {
		if kinds[k] == 0 {
			t.Errorf("no %s entry before the cuts: the probe does not cover it", k)
		}
	}
	t.Logf("%d fills before the cuts; %d of 40 runs changed after them; entries before the cuts %v", before, differ, kinds)
}

func fillsBefore(fs []Fill, cut int64) []Fill {
	n := 0
	for n < len(fs) && fs[n].Time < cut {
		n++
	}
	return fs[:n]
}

func entriesBefore(es []Entry, cut int64) []Entry {
	n := 0
	for n < len(es) && es[n].Time < cut {
		n++
	}
	return es[:n]
}

func eventsBefore(es []Event, cut int64) []Event {
	n := 0
	for n < len(es) && es[n].Time < cut {
		n++
	}
	return es[:n]
}
