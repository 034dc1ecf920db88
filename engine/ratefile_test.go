package engine

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// flat6 is a crypto series at 100 every day from 2024-01-01 to 01-06.
func flat6(t *testing.T, sym string) data.Series {
	t.Helper()
	var rows []row
	for _, d := range []string{"2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06"} {
		rows = append(rows, row{d, 100, 100, 100, 100, 1e6})
	}
	return series(t, sym, data.Crypto, rows)
}

// ledgerOf sums res's entries of kind by day.
func ledgerOf(res *Result, kind CostKind) map[string]float64 {
	out := map[string]float64{}
	for _, e := range res.Ledger {
		if e.Kind == kind {
			out[data.FormatDay(e.Time)] += e.Amount
		}
	}
	return out
}

// A short of 100 at 100 (10,000 of short value, flat prices) from the
// close of 2024-01-01, under a borrow rate that steps: 3.6 % a year
// (Rate, ACT/360) before the first row, 7.3 % from 2024-01-02 12:00 and
// 14.6 % from 2024-01-04 00:00 (the rows, ACT/365). Each step accrues the
// day before it:
//
//	01-02  01-01 → 01-02  before the rows        10,000 × 0.036 / 360          = 1.00
//	01-03  01-02 → 01-03  12 h at 3.6 %/360, 12 h at 7.3 %/365
//	                      10,000 × (0.036 × 0.5 / 360 + 0.073 × 0.5 / 365) = 0.50 + 1.00 = 1.50
//	01-04  01-03 → 01-04  7.3 % the whole day    10,000 × 0.073 / 365          = 2.00
//	                      (the 14.6 % row at 01-04 00:00 is not yet in force)
//	01-05, 01-06          14.6 %                 10,000 × 0.146 / 365          = 4.00 each
//
// 12.50 in all. Moving the second row an hour later (01-04 01:00) leaves
// 01-04's 2.00 and makes 01-05 1 h at 7.3 % and 23 h at 14.6 %: (2 + 4 ×
// 23) / 24 = 3.9167; an hour earlier (01-03 23:00) makes 01-04 (2 × 23 +
// 4) / 24 = 2.0833 and leaves 01-05 at 4.00: the rate changes at the
// row's time, not at the bar before it nor after.
func TestBorrowRateSteps(t *testing.T) {
	p := panel(flat6(t, "A"))
	d2, d4 := data.Day(2024, 1, 2), data.Day(2024, 1, 4)
	h := int64(3600e9)
	run := func(second int64, env Env) *Result {
		cfg := Config{Cash: 10000, Env: env, Crypto: Terms{Borrow: Borrow{Rate: 0.036,
			Times: []int64{d2 + 12*h, second}, Rates: []float64{0.073, 0.146}, YearDays: 365}}}
		return one(t, p, cfg, at(0, Order{Instrument: 0, Kind: MarketOnClose, Amount: -100}))
	}
	check := func(name string, res *Result, want map[string]float64, total float64) {
		t.Helper()
		got := ledgerOf(res, CostBorrow)
		for day, w := range want {
			if !near(got[day], w, 1e-9) {
				t.Errorf("%s: borrow on %s = %.6f, want %.6f", name, day, got[day], w)
			}
		}
		if len(got) != len(want) || !near(res.Costs.Borrow, total, 1e-9) {
			t.Errorf("%s: borrow %v, total %.6f, want %.2f", name, got, res.Costs.Borrow, total)
		}
	}
	check("rows", run(d4, nil), map[string]float64{"2024-01-02": 1, "2024-01-03": 1.5, "2024-01-04": 2, "2024-01-05": 4, "2024-01-06": 4}, 12.5)
	check("an hour later", run(d4+h, nil), map[string]float64{"2024-01-02": 1, "2024-01-03": 1.5, "2024-01-04": 2, "2024-01-05": (2 + 4*23) / 24.0, "2024-01-06": 4}, 12.5-4+(2+4*23)/24.0)
	check("an hour earlier", run(d4-h, nil), map[string]float64{"2024-01-02": 1, "2024-01-03": 1.5, "2024-01-04": (2*23 + 4) / 24.0, "2024-01-05": 4, "2024-01-06": 4}, 12.5-2+(2*23+4)/24.0)
	// A scenario's BorrowSet replaces the file's rates, ACT/360 as every
	// constant rate: 10,000 × 0.036 / 360 = 1.00 a day, × BorrowMult 2.
	set := envFunc(func(i int, t int64) EnvFactors { f := Neutral(); f.BorrowSet, f.BorrowMult = 0.036, 2; return f })
	check("BorrowSet", run(d4, set), map[string]float64{"2024-01-02": 2, "2024-01-03": 2, "2024-01-04": 2, "2024-01-05": 2, "2024-01-06": 2}, 10)
	// BorrowMult alone multiplies the file's rates: 12.50 × 3.
	mult := envFunc(func(i int, t int64) EnvFactors { f := Neutral(); f.BorrowMult = 3; return f })
	check("BorrowMult", run(d4, mult), map[string]float64{"2024-01-02": 3, "2024-01-03": 4.5, "2024-01-04": 6, "2024-01-05": 12, "2024-01-06": 12}, 37.5)
	// Without Rate, nothing before the first row.
	cfg := Config{Cash: 10000, Crypto: Terms{Borrow: Borrow{Times: []int64{d2 + 12*h, d4}, Rates: []float64{0.073, 0.146}, YearDays: 365}}}
	res := one(t, p, cfg, at(0, Order{Instrument: 0, Kind: MarketOnClose, Amount: -100}))
	check("no Rate", res, map[string]float64{"2024-01-03": 1, "2024-01-04": 2, "2024-01-05": 4, "2024-01-06": 4}, 11)
}

// Cash earning and paying stepped rates (a stablecoin pool's file, ACT/365):
// supply 3.65 % from 2024-01-02 12:00 and 7.3 % from 01-04; borrow 7.3 %
// and 14.6 % from the same times; no rate before the first row. 10,000 of
// cash; 200 bought at 100 at the close of 01-03.
//
//	01-02  01-01 → 01-02  before the rows: nothing
//	01-03  12 h at 3.65 % on 10,000: 10,000 × 0.0365 × 0.5 / 365 = 0.50 earned
//	       cash 10,000.50; the buy of 20,000 at the close: −9,999.50
//	01-04  the whole day at 7.3 % on −9,999.50: 9,999.50 × 0.073 / 365 = 1.9999 paid
//	       (not 14.6 %: that row starts at 01-04 00:00, the end of the period)
//	       cash −10,001.4999
//	01-05  14.6 %: 10,001.4999 × 0.0004 = 4.00059996; cash −10,005.50049996
//	01-06  10,005.50049996 × 0.0004 = 4.002200199984
//
// Interest in all: −0.50 + 1.9999 + 4.00059996 + 4.002200199984 =
// 9.502700159984 ≈ 9.50 paid.
func TestCashRateSteps(t *testing.T) {
	p := panel(flat6(t, "B"))
	d2, d4 := data.Day(2024, 1, 2), data.Day(2024, 1, 4)
	ci := CashInterest{Times: []int64{d2 + 12*3600e9, d4}, Rates: []float64{0.0365, 0.073}, BorrowRates: []float64{0.073, 0.146}, YearDays: 365}
	res := one(t, p, Config{Cash: 10000, InterestModel: ci}, at(2, Order{Instrument: 0, Kind: MarketOnClose, Amount: 200}))
	got := ledgerOf(res, CostInterest)
	want := map[string]float64{"2024-01-03": -0.5, "2024-01-04": 1.9999, "2024-01-05": 4.00059996, "2024-01-06": 4.002200199984}
	for day, w := range want {
		if !near(got[day], w, 1e-9) {
			t.Errorf("interest on %s = %.9f, want %.9f", day, got[day], w)
		}
	}
	if len(got) != 4 || !near(res.Costs.Interest, 9.502700159984, 1e-9) || !near(res.Portfolio.Cash, -10009.502700159984, 1e-12) {
		t.Errorf("interest %v, total %.9f, cash %.9f", got, res.Costs.Interest, res.Portfolio.Cash)
	}
	if err := ci.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := ci
	bad.Times = []int64{d4, d2}
	if err := bad.Validate(); err == nil {
		t.Fatal("Times out of order accepted")
	}
	bad = ci
	bad.BorrowRates = []float64{0.073, 11}
	if err := bad.Validate(); err == nil {
		t.Fatal("a borrow rate of 1,100 % accepted")
	}
}

// The stepped models allocate nothing when asked, however many rows
// (the engine asks them once per short and per step).
func TestStepRatesAllocationFree(t *testing.T) {
	n := 800
	times, rates := make([]int64, n), make([]float64, n)
	for k := range times {
		times[k], rates[k] = data.Day(2021, 1, 1)+int64(k)*data.NanosPerDay+23*3600e9, 0.01+float64(k%7)/100
	}
	b := &Borrow{Times: times, Rates: rates, YearDays: 365}
	ci := CashInterest{Times: times, Rates: rates, BorrowRates: rates, YearDays: 365}
	var m InterestModel = ci
	var bm BorrowModel = b
	from := data.Day(2021, 6, 1)
	a := Accrual{From: from, To: from + data.NanosPerDay, Days: 1}
	var sink float64
	allocs := testing.AllocsPerRun(100, func() {
		sink += bm.BorrowFee(Holding{Qty: -1, Price: 100}, a, Neutral())
		sink += m.Interest(1000, a) + m.Interest(-1000, a)
	})
	if allocs != 0 || sink == 0 {
		t.Fatalf("%v allocations a call (sink %g)", allocs, sink)
	}
}

// rateFiles is allModels with the tokens spot, not perpetuals (the
// hedger shorts them), their borrow and the account's interest read from
// daily rate rows (a snapshot at 23:00 every day over the years, as a
// DeFi pool's file has them), ACT/365.
func rateFiles(cash float64, years int) Config {
	n := 366*years + 1
	times, borrow, supply := make([]int64, n), make([]float64, n), make([]float64, n)
	for k := range times {
		times[k] = data.Day(2000, 1, 1) + int64(k)*data.NanosPerDay + 23*3600e9
		borrow[k], supply[k] = 0.02+float64(k%11)/200, 0.01+float64(k%5)/200
	}
	cfg := allModels(cash)
	cfg.Crypto.Funding = Funding{}
	cfg.Crypto.Borrow = Borrow{Rate: 0.03, Times: times, Rates: borrow, YearDays: 365}
	cfg.CashRate, cfg.BorrowRate = 0, 0
	cfg.InterestModel = CashInterest{Times: times, Rates: supply, BorrowRates: borrow, YearDays: 365}
	return cfg
}

// BenchmarkEngineRateFiles20x10y: every model on (as
// BenchmarkEngineAllModels20x10y), the borrow and interest rates from
// daily rows.
func BenchmarkEngineRateFiles20x10y(b *testing.B) {
	cfg := rateFiles(1e6, 10)
	cfg.Env = windowEnv{}
	benchEngine(b, cfg)
}

// With borrow and interest from rate rows, a run over 20 years allocates
// no more than one over 10 years plus the logs' doublings: the stepped
// rates allocate nothing per bar.
func TestRateFilesLoopAllocationFree(t *testing.T) {
	allocs := func(years int) (float64, int) {
		p := hedge20(years)
		tl := NewTimeline(p)
		cfg := rateFiles(1e6, years)
		var entries int
		a := testing.AllocsPerRun(1, func() {
			res, err := Run(p, tl, &hedger{}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if res.Costs.Borrow <= 0 || res.Costs.Interest == 0 {
				t.Fatalf("borrow %g, interest %g: the rates did not act", res.Costs.Borrow, res.Costs.Interest)
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
