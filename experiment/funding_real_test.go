package experiment

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// sharedData is the shared data folder ($DIVERGENCE_DATA: the folder
// holding prices/ and other/, or its prices/ folder itself; else
// ../shared/data beside the checkout); the test is skipped without it.
func sharedData(t *testing.T) string {
	t.Helper()
	d := os.Getenv("DIVERGENCE_DATA")
	if d == "" {
		d = "../../shared/data" // beside the checkout, as CI has it
	}
	d, _ = filepath.Abs(d) // the experiment file written elsewhere names it
	if filepath.Base(filepath.Clean(d)) == "prices" {
		d = filepath.Dir(filepath.Clean(d))
	}
	for _, p := range []string{"prices/BTC-USD.csv", "other/funding/binance_usdm_BTCUSDT_funding.csv"} {
		if _, err := os.Stat(filepath.Join(d, p)); err != nil {
			t.Skipf("real data not found under %s (DIVERGENCE_DATA): %v", d, err)
		}
	}
	return d
}

// A short and a long BTC perpetual on the real daily bars, with the real
// Binance BTCUSDT funding file: each day's funding is the file's three
// 8-hourly rates of that day times the position after the open times the
// day's close; shorts receive positive rates, longs pay them.
//
// Both legs fill 500,000 / 29,331.7 (the 2021-01-02 open) =
// 17.046403720207 BTC at the open of 2021-01-02 (weights ±0.5 of
// 1,000,000, no commission). The file's rates and the closes:
//
//	2021-01-02  0.0001     + 0.00020151 + 0.00115471 = 0.00145622  close 32,178.33
//	2021-01-03  0.00124058 + 0.00114744 + 0.00155006 = 0.00393808  close 33,000.05
//	2021-01-04  0.00164126 + 0.00236482 + 0.00056137 = 0.00456745  close 31,988.71
//
// so the long pays, and the short receives (a negative cost):
//
//	01-02  17.046403720207 × 32,178.33 = 548,524.80 × 0.00145622 =   798.77
//	01-03  17.046403720207 × 33,000.05 = 562,532.18 × 0.00393808 = 2,215.30
//	01-04  17.046403720207 × 31,988.71 = 545,292.47 × 0.00456745 = 2,490.60
//
// and nothing on 2021-01-01 (no position yet). The file covers the run:
// no coverage note.
func TestRealBTCFundingByHand(t *testing.T) {
	d := sharedData(t)
	dir := t.TempDir()
	out, err := runIn(t, dir, fmt.Sprintf(`
name = "btc perpetual funding"
seed = 1
cash = 1_000_000.0
commission_bps = 0.0
start = "2021-01-01"
end = "2021-01-05"
[data]
dir = %q
[costs.symbols.BTC]
funding_file = %q
[[strategy]]
name = "short"
type = "weights"
[strategy.params]
weights = { BTC = -0.5 }
[[strategy]]
name = "long"
type = "weights"
[strategy.params]
weights = { BTC = 0.5 }
`, filepath.Join(d, "prices"), filepath.Join(d, "other/funding/binance_usdm_BTCUSDT_funding.csv")))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range out.Notes {
		t.Errorf("note: %s", n)
	}
	q := 500000 / 29331.7
	want := map[int64]float64{
		data.Day(2021, 1, 2): q * 32178.33 * (0.0001 + 0.00020151 + 0.00115471),
		data.Day(2021, 1, 3): q * 33000.05 * (0.00124058 + 0.00114744 + 0.00155006),
		data.Day(2021, 1, 4): q * 31988.71 * (0.00164126 + 0.00236482 + 0.00056137),
	}
	hand := map[int64]float64{data.Day(2021, 1, 2): 798.77, data.Day(2021, 1, 3): 2215.30, data.Day(2021, 1, 4): 2490.60}
	for day, w := range want {
		if math.Abs(w-hand[day]) > 0.005 {
			t.Fatalf("%s: the formula gives %.4f, the hand sum %.2f", data.FormatDay(day), w, hand[day])
		}
	}
	for _, r := range out.Runs {
		sign := 1.0 // a cost: the long pays
		if r.Key == "short" {
			sign = -1
		}
		got := map[int64]float64{}
		total := 0.0
		for _, e := range r.Result.Ledger {
			if e.Kind == engine.CostFunding {
				got[e.Time] += e.Amount
				total += e.Amount
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: funding on %d days, want 3 (2021-01-02 to 04): %v", r.Key, len(got), got)
		}
		sum := 0.0
		for day, w := range want {
			sum += sign * w
			if g := got[day]; math.Abs(g-sign*w) > 1e-9*w {
				t.Errorf("%s: funding on %s = %.6f, want %.6f", r.Key, data.FormatDay(day), g, sign*w)
			}
		}
		if math.Abs(r.Result.Costs.Funding-sum) > 1e-9*math.Abs(sum) || math.Abs(total-sum) > 1e-9*math.Abs(sum) {
			t.Errorf("%s: funding total %.6f (ledger %.6f), want %.6f", r.Key, r.Result.Costs.Funding, total, sum)
		}
	}
}
