package experiment

import (
	"fmt"
	"strings"
	"testing"
)

// A run that made no trade is said to have made none: its row (0%
// return, no volatility) is cash held, not a result of its parameters.
// Of a sweep of slow = 20, 3000, 4000 and 5000 days on the synthetic
// market's BTC (about 2,700 bars to the end), the last three never see
// their slow average and are named in one note; the first trades and is
// not named. A run alone that never trades gets a note of its own.
func TestNoTradeNote(t *testing.T) {
	text := func(slow string) string {
		return `name = "no trade"
seed = 3
start = "2024-01-01"
end = "2024-06-01"
[data]
synthetic = true
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "BTC"
fast = 5
[strategy.sweep]
slow = ` + slow + "\n"
	}
	o, err := runIn(t, t.TempDir(), text("[20, 3000, 4000, 5000]"))
	if err != nil {
		t.Fatal(err)
	}
	fills := map[string]int{}
	for _, r := range o.Runs {
		fills[r.Key] = r.Metrics.Fills
	}
	if fills["sma--slow=20"] == 0 || fills["sma--slow=3000"]+fills["sma--slow=4000"]+fills["sma--slow=5000"] != 0 {
		t.Fatalf("fills by run %v: want slow = 20 alone to trade", fills)
	}
	notes := strings.Join(o.Notes, "\n")
	if want := "3 runs made no trade: sma--slow=3000, sma--slow=4000, sma--slow=5000; their metrics are those of cash held"; !strings.Contains(notes, want) {
		t.Errorf("notes:\n%s\nwant …%s…", notes, want)
	}
	if strings.Contains(notes, "slow=20,") || strings.Contains(notes, "slow=20 ") {
		t.Errorf("notes name the run that traded:\n%s", notes)
	}
	o, err = runIn(t, t.TempDir(), text("[20, 4000]"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "run sma--slow=4000 made no trade: its metrics are those of cash held"; !strings.Contains(strings.Join(o.Notes, "\n"), want) {
		t.Errorf("notes:\n%s\nwant …%s…", strings.Join(o.Notes, "\n"), want)
	}
}

// A run whose orders are rejected is named with its count: a pair hedge
// long BTC, short NVDA with borrow unavailable for equities never opens
// its short (every rebalance's short order is rejected) and runs
// long-only; the same hedge with borrow runs both legs and is not named.
func TestRejectedNote(t *testing.T) {
	text := func(unavailable bool) string {
		return `name = "rejected"
seed = 3
start = "2024-01-01"
end = "2024-06-01"
[data]
synthetic = true
[costs.equity]
borrow_unavailable = ` + map[bool]string{true: "true", false: "false"}[unavailable] + `
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["BTC"]
short = ["NVDA"]
rebalance_days = 30
`
	}
	o, err := runIn(t, t.TempDir(), text(true))
	if err != nil {
		t.Fatal(err)
	}
	r := o.Runs[0]
	if r.Metrics.Rejections == 0 {
		t.Fatalf("no rejection with borrow unavailable (%d fills)", r.Metrics.Fills)
	}
	want := fmt.Sprintf("1 run had orders rejected: %s (%d); a rejected order is not retried", r.Key, r.Metrics.Rejections)
	if notes := strings.Join(o.Notes, "\n"); !strings.Contains(notes, want) {
		t.Errorf("notes:\n%s\nwant …%s…", notes, want)
	}
	o, err = runIn(t, t.TempDir(), text(false))
	if err != nil {
		t.Fatal(err)
	}
	if o.Runs[0].Metrics.Rejections != 0 || strings.Contains(strings.Join(o.Notes, "\n"), "rejected") {
		t.Errorf("with borrow: %d rejections, notes %q", o.Runs[0].Metrics.Rejections, o.Notes)
	}
}

// A Monte Carlo history cut to nothing by its from date names the key,
// the date and where the data end (it said "montecarlo source panel
// needs at least two dates"): end = 2024-06-01 is exclusive, so the
// synthetic market's daily bars end on 2024-05-31.
func TestMonteCarloFromAfterTheData(t *testing.T) {
	_, err := runIn(t, t.TempDir(), `name = "mc"
seed = 3
end = "2024-06-01"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
[montecarlo]
paths = 10
days = 30
from = "2030-01-01"
`)
	if err == nil || !strings.Contains(err.Error(), "montecarlo.from = 2030-01-01: the history the paths draw from has 0 date(s) on or after it, want at least 2 (its data end on 2024-05-31)") {
		t.Errorf("error %v", err)
	}
}
