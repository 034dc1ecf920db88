package engine

import (
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// Every cost of three taker fills on a five-bar market, by hand. Terms:
// commission max(5, 0.01 × qty + 10 bps × notional) + 2 bps taker;
// slippage 20 bps + 0.1 × (high − low), spread 10 bps (half paid).
//
//	01-03 buy 50 at the open 101 (bar 101/105/100/104):
//	  fixed 101 × 0.002 + 0.1 × 5 = 0.702, spread 101 × 0.0005 = 0.0505,
//	  price 101.7525, notional 5,087.625, commission
//	  max(5, 0.5 + 5.087625) + 1.017525 = 6.60515
//	01-04 sell 80 at the gap open 110 (bar 110/111/106/108), 30 short:
//	  fixed 0.22 + 0.5 = 0.72, spread 0.055, price 109.225 (above the
//	  low 106), notional 8,738, commission 0.8 + 8.738 + 1.7476 = 11.2856
//	01-05 buy 1 at the open 108 (bar 108/109/100/102, volume 0):
//	  fixed 0.216 + 0.9 = 1.116, spread 0.054, 109.17 clamped to the
//	  high 109: the parts scaled by 1 / 1.17 (fixed 0.953846…, spread
//	  0.046153…); commission max(5, 0.01 + 0.109) + 0.0218 = 5.0218
//
// Cash 100,000 − 5,087.625 − 6.60515 + 8,738 − 11.2856 − 109 − 5.0218
// = 103,518.46245; 29 short at the last close 103: equity 100,531.46245.
func TestCostsThreeFillsByHand(t *testing.T) {
	a := series(t, "A", data.Equity, []row{
		{"2024-01-02", 100, 102, 98, 101, 1000},
		{"2024-01-03", 101, 105, 100, 104, 1000},
		{"2024-01-04", 110, 111, 106, 108, 500},
		{"2024-01-05", 108, 109, 100, 102, 0},
		{"2024-01-08", 102, 104, 101, 103, math.NaN()},
	})
	cfg := Config{Cash: 100000, Equity: Terms{
		Commission: Commission{Bps: 10, PerShare: 0.01, Minimum: 5, Taker: 2},
		Slippage:   Slippage{Bps: 20, SpreadBps: 10, RangeFrac: 0.1},
	}}
	res := one(t, panel(a), cfg, func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			ctx.Buy(0, 50)
		case 1:
			ctx.Sell(0, 80)
		case 2:
			ctx.Buy(0, 1)
		}
		return nil
	})
	want := []struct{ qty, price, com float64 }{{50, 101.7525, 6.60515}, {-80, 109.225, 11.2856}, {1, 109, 5.0218}}
	if len(res.Fills) != len(want) {
		t.Fatalf("%d fills, want %d: %+v", len(res.Fills), len(want), res.Fills)
	}
	for k, w := range want {
		f := res.Fills[k]
		if f.Qty != w.qty || !near(f.Price, w.price, 1e-12) || !near(f.Commission, w.com, 1e-12) {
			t.Errorf("fill %d: %g at %g paying %g, want %g at %g paying %g", k, f.Qty, f.Price, f.Commission, w.qty, w.price, w.com)
		}
	}
	// Slippage 50 × 0.702 + 80 × 0.72 + 1.116 / 1.17; spread 50 × 0.0505
	// + 80 × 0.055 + 0.054 / 1.17.
	c := res.Costs
	for _, g := range []struct {
		what      string
		got, want float64
	}{
		{"commission", c.Commission, 6.60515 + 11.2856 + 5.0218},
		{"slippage", c.Slippage, 35.1 + 57.6 + 1.116/1.17},
		{"spread", c.Spread, 2.525 + 4.4 + 0.054/1.17},
		{"cash", res.Portfolio.Cash, 103518.46245},
		{"equity", res.Curve.Equity[len(res.Curve.Equity)-1], 100531.46245},
	} {
		if math.Abs(g.got-g.want) > 1e-9 {
			t.Errorf("%s %.12f, want %.12f", g.what, g.got, g.want)
		}
	}
}

// A target order whose position is already there trades nothing and
// reserves no commission: the minimum of 5 a fill is the fee of a fill,
// not of an order of no quantity. A at 100 targeted at weight 1 beside a
// flat B targeted at 0: the batch's costs are A's minimum alone, so A
// takes (10,000 − 5) / 100 = 99.95 and cash ends at 0 (it bought 99.9,
// leaving 5, while B's empty order reserved a second minimum).
func TestZeroDeltaTargetReservesNoMinimum(t *testing.T) {
	flat := func(sym string, p float64) data.Series {
		return series(t, sym, data.Equity, []row{
			{"2024-01-02", p, p, p, p, 1000}, {"2024-01-03", p, p, p, p, 1000}, {"2024-01-04", p, p, p, p, 1000},
		})
	}
	for _, tc := range []struct {
		name string
		eq   Terms
	}{
		{"built-in", Terms{Commission: Commission{Minimum: 5}}},
		{"model", Terms{FeeModel: &Commission{Minimum: 5}}},
		{"through its interface", Terms{FeeModel: feeVia{Commission{Minimum: 5}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := one(t, panel(flat("A", 100), flat("B", 50)), Config{Cash: 10000, Equity: tc.eq}, func(ctx *Context, s *Slice) error {
				if s.Step == 0 {
					ctx.TargetWeight(0, 1, Market, "")
					ctx.TargetValue(1, 0, Market, "")
				}
				return nil
			})
			if len(res.Fills) != 1 || !near(res.Fills[0].Qty, 99.95, 1e-12) || math.Abs(res.Portfolio.Cash) > 1e-9 {
				t.Errorf("fills %+v, cash %g: want 99.95 of A and cash 0", res.Fills, res.Portfolio.Cash)
			}
		})
	}
	if got := (Commission{Minimum: 5}).Fee(Trade{Qty: 0, Price: 100}); got != 0 {
		t.Errorf("a fill of no quantity pays %g, want 0", got)
	}
}

// Config.Validate checks the built-in models given as models, as it
// checks the Terms' own fields, naming the terms and the key.
func TestBuiltinModelsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    Terms
		want string // "" = valid
	}{
		{"commission", Terms{FeeModel: &Commission{Bps: 1, Minimum: 1}}, ""},
		{"negative commission", Terms{FeeModel: &Commission{Bps: -5}}, "Equity.FeeModel: bps = -5"},
		{"NaN minimum", Terms{FeeModel: Commission{Minimum: math.NaN()}}, "Equity.FeeModel: minimum = NaN"},
		{"slippage", Terms{SlippageModel: &Slippage{Bps: 1, ImpactK: 0.1, ImpactWindow: 2}}, ""},
		{"negative spread", Terms{SlippageModel: &Slippage{SpreadBps: -1}}, "Equity.SlippageModel: spreadbps = -1"},
		{"window of one", Terms{SlippageModel: &Slippage{ImpactWindow: 1}}, "Equity.SlippageModel: impactwindow = 1"},
		{"ignored cap", Terms{SlippageModel: &Slippage{Bps: 1, MaxParticipation: 0.1}}, "Equity.SlippageModel: maxparticipation = 0.1"},
		{"cap of the whole volume", Terms{VolumeModel: ParticipationCap{Max: 1}}, ""},
		{"cap over the volume", Terms{VolumeModel: ParticipationCap{Max: 1.5}}, "Equity.VolumeModel: ParticipationCap.Max = 1.5"},
		{"margin", Terms{MarginModel: &Margin{Initial: 0.5, Maintenance: 0.25}}, ""},
		{"negative margin", Terms{MarginModel: &Margin{Initial: -1}}, "Equity.MarginModel: initial = -1"},
		{"maintenance over initial", Terms{MarginModel: Margin{Initial: 0.2, Maintenance: 0.3}}, "Equity.MarginModel: maintenance = 0.3 is above initial = 0.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Config{Cash: 1, Equity: tc.t}.Validate()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("%v, want %q", err, tc.want)
			}
		})
	}
}

// Config.Validate checks a Borrow or Funding given as a model, as it
// checks the other built-ins (TestBuiltinModelsValidate): a negative or
// NaN borrow rate, the Terms' own shorting fields set on the model (where
// they were ignored), a funding interval under a minute (8 ns taken for
// 8 hours), a rate no settlement pays, and steps out of order.
func TestFinancingModelsValidate(t *testing.T) {
	const h8 = 8 * 3600 * int64(1e9)
	for _, tc := range []struct {
		name string
		t    Terms
		want string // "" = valid
	}{
		{"borrow", Terms{BorrowModel: Borrow{Rate: 0.05}}, ""},
		{"borrow steps", Terms{BorrowModel: &Borrow{Rate: 0.05, Times: []int64{1, 2}, Rates: []float64{0.01, 0}, YearDays: 365}}, ""},
		{"negative borrow", Terms{BorrowModel: &Borrow{Rate: -1}}, "Equity.BorrowModel: rate = -1: want a finite value >= 0"},
		{"NaN borrow", Terms{BorrowModel: Borrow{Rate: math.NaN()}}, "Equity.BorrowModel: rate = NaN"},
		{"unavailable on the model", Terms{BorrowModel: Borrow{Unavailable: true}}, "Equity.BorrowModel: unavailable = true"},
		{"recall on the model", Terms{BorrowModel: Borrow{RecallAt: 5}}, "Equity.BorrowModel: recallat = 5"},
		{"recall at 1970-01-01 on the model", Terms{BorrowModel: Borrow{RecallSet: true}}, "Equity.BorrowModel: recallat = 0"},
		{"borrow steps unmatched", Terms{BorrowModel: Borrow{Times: []int64{1}}}, "Equity.BorrowModel: 1 times but 0 rates"},
		{"borrow step above 10", Terms{BorrowModel: Borrow{Times: []int64{1}, Rates: []float64{11}}}, "Equity.BorrowModel: rates[0] = 11"},
		{"funding", Terms{FundingModel: Funding{Rate: 0.0001, Interval: h8}}, ""},
		{"funding at times", Terms{FundingModel: &Funding{Times: []int64{1, 2}, Rates: []float64{0.1, -0.1}}}, ""},
		{"no funding", Terms{FundingModel: Funding{}}, ""},
		{"funding in percent", Terms{FundingModel: Funding{Rate: 0.5, Interval: h8}}, "Equity.FundingModel: rate = 0.5"},
		{"infinite funding", Terms{FundingModel: Funding{Rate: math.Inf(-1), Interval: h8}}, "Equity.FundingModel: rate = -Inf"},
		{"interval of 8 ns", Terms{FundingModel: Funding{Rate: 0.0001, Interval: 8}}, "Equity.FundingModel: interval = 8"},
		{"interval over a year", Terms{FundingModel: Funding{Interval: 366 * 24 * 3600 * int64(1e9)}}, "Equity.FundingModel: interval = 31622400000000000"},
		{"rate with no events", Terms{FundingModel: Funding{Rate: 0.0001}}, "Equity.FundingModel: rate = 0.0001 with no interval or times"},
		{"funding steps out of order", Terms{FundingModel: Funding{Times: []int64{3, 1}, Rates: []float64{0, 0}}}, "Equity.FundingModel: times[1] = 1 is not after times[0] = 3"},
		{"NaN funding step", Terms{FundingModel: Funding{Times: []int64{1}, Rates: []float64{math.NaN()}}}, "Equity.FundingModel: rates[0] = NaN"},
		{"times and interval", Terms{FundingModel: Funding{Interval: h8, Times: []int64{1}, Rates: []float64{0}}}, "Equity.FundingModel: set times and rates, or rate and interval, not both"},
		// The terms' own funding (not a model), held to the same ranges:
		// an interval of 8 ns and a rate of 50 % a settlement were taken.
		{"terms funding", Terms{Funding: Funding{Rate: 0.0001}}, ""},
		{"terms interval of 8 ns", Terms{Funding: Funding{Rate: 0.0001, Interval: 8}}, "Equity.Funding.Interval = 8"},
		{"terms funding in percent", Terms{Funding: Funding{Rate: 0.5, Interval: h8}}, "Equity.Funding.Rate = 0.5"},
		{"terms funding step of 5", Terms{Funding: Funding{Times: []int64{1}, Rates: []float64{5}}}, "Equity.Funding.Rates[0] = 5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Config{Cash: 1, Equity: tc.t}.Validate()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("%v, want %q", err, tc.want)
			}
		})
	}
}
