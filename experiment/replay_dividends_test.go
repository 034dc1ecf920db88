package experiment

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// finalEquity is the final equity of the run of scenario name ("" for
// the baseline).
func finalEquity(t *testing.T, o *Outcome, name string) float64 {
	t.Helper()
	for _, r := range o.Runs {
		if r.Scenario == name {
			return r.Metrics.FinalEquity
		}
	}
	t.Fatalf("no run of scenario %q", name)
	return 0
}

// A replay on raw prices with cash dividends (dividends_from =
// "adj_close") agrees with the same replay on adjusted prices up to the
// reinvestment, a source window before the runs start (in the history
// whose dividends the run is paid) or after their end (the replay's
// source reads its own).
//
// "before start": A's raw close is 100, 110, 108 from 2024-01-01, then
// 118.8 to 2024-02-06 and 117.612 from 2024-02-07: dividends of 2 on
// 2024-01-03 (the close before, 110, less 2 is 108) and 1.188 on
// 2024-02-07 (1 % of 118.8); its adj_close is the close times 108/110 ×
// 0.99 before 2024-01-03, 0.99 to 2024-02-06, 1 from 2024-02-07. The
// holder's returns of the source window [2024-01-02, 2024-01-05) are
// 1.1, (108 + 2)/110 = 1, 1.1, replayed from 2024-02-06, so that the
// run's own ex-date, 2024-02-07, takes the 1:
//
//	2024-02-06: 118.8 × 1.1           = 130.68
//	2024-02-07: 130.68 × 1 − 1.188    = 129.492  (1.188 paid a share)
//	2024-02-08: 129.492 × 1.1         = 142.4412, flat after
//
// Held from 2024-01-30's open, 118.8: N = 10,000 / 118.8 shares, ending
// with N × (142.4412 + 1.188) = 12,090. On adjusted prices the same
// returns compound to 10,000 × 1.1 × 1 × 1.1 = 12,100: 10 above, N ×
// 1.188 × (1.1 − 1), the dividend not reinvested in the last 10 %.
// The raw replay laid the source's fall (108/110) unpaid and the run's
// own dividend without its fall: N × (118.8 × 1.1 × 108/110 × 1.1 +
// 1.188) = 11,980.
//
// "after end": the close is 100 to 2024-01-09, 99 from 2024-01-10 (a
// dividend of 1), 108.9 on 2024-03-05, 106.9 on 2024-03-06 (a dividend
// of 2), 117.59 from 2024-03-07; adj_close the close times 0.99 ×
// 106.9/108.9, 106.9/108.9 and 1. The runs end on 2024-02-29, before
// the source window [2024-03-05, 2024-03-08) (holder's returns 1.1, 1,
// 1.1), replayed from 2024-01-09 onto the run's own ex-date 2024-01-10:
// 110, 110 − 1 = 109, 119.9; held from 2024-01-03's open, 100: N = 100,
// ending with 100 × (119.9 + 1) = 12,090 against 12,100 adjusted. The
// source's dividend is not among the run's (after its end): read as a
// fall, it ended at 100 × ((110 × 106.9/108.9 − 1) × 1.1 + 1) = 11,868.
func TestReplayOnRawPricesWithDividends(t *testing.T) {
	type bar struct{ c, f float64 }
	for _, c := range []struct {
		name     string
		bar      func(day string) bar
		span     string // start and end
		from, to string // the source window
		at       string // the replay's date
		n, last  float64
		closes   map[string]float64
	}{
		{"before start", func(day string) bar {
			switch {
			case day <= "2024-01-02":
				return bar{map[string]float64{"2024-01-01": 100, "2024-01-02": 110}[day], 108.0 / 110 * 0.99}
			case day == "2024-01-03":
				return bar{108, 0.99}
			case day >= "2024-02-07":
				return bar{118.8 - 1.188, 1}
			}
			return bar{118.8, 0.99}
		}, `start = "2024-01-29"`, "2024-01-02", "2024-01-05", "2024-02-06", 10_000 / 118.8, 142.4412 + 1.188,
			map[string]float64{"2024-02-05": 118.8, "2024-02-06": 130.68, "2024-02-07": 129.492, "2024-02-08": 142.4412, "2024-02-29": 142.4412}},
		{"after end", func(day string) bar {
			switch {
			case day < "2024-01-10":
				return bar{100, 0.99 * 106.9 / 108.9}
			case day < "2024-03-05":
				return bar{99, 106.9 / 108.9}
			case day == "2024-03-05":
				return bar{108.9, 106.9 / 108.9}
			case day == "2024-03-06":
				return bar{106.9, 1}
			}
			return bar{117.59, 1}
		}, "start = \"2024-01-02\"\nend = \"2024-02-29\"", "2024-03-05", "2024-03-08", "2024-01-09", 100, 119.9 + 1,
			map[string]float64{"2024-01-08": 100, "2024-01-09": 110, "2024-01-10": 109, "2024-01-11": 119.9, "2024-02-28": 119.9}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var b strings.Builder
			b.WriteString("date,open,high,low,close,adj_close,volume\n")
			for d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2024, 3, 30, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
				if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
					continue
				}
				x := c.bar(d.Format("2006-01-02"))
				fmt.Fprintf(&b, "%s,%.17g,%.17g,%.17g,%.17g,%.17g,1000000\n", d.Format("2006-01-02"), x.c, x.c, x.c, x.c, x.c*x.f)
			}
			if err := os.WriteFile(filepath.Join(dir, "A.csv"), []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			run := func(prices, extra string) *Outcome {
				sub := filepath.Join(dir, prices)
				if err := os.MkdirAll(sub, 0o755); err != nil {
					t.Fatal(err)
				}
				o, err := runIn(t, sub, fmt.Sprintf(`name = "replay"
cash = 10_000.0
commission_bps = 0.0
prices = %q
%s
%s
[data]
dir = %q
classes = { A = "equity" }
[[scenario]]
name = "replay"
[[scenario.shock]]
type = "transplant"
symbols = ["A"]
from = %s
to = %s
date = %s
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["A"]
`, prices, extra, c.span, dir, c.from, c.to, c.at))
				if err != nil {
					t.Fatal(err)
				}
				return o
			}
			raw := run("raw", `dividends_from = "adj_close"`)
			adj := run("adjusted", "")
			near := func(what string, got, want float64) {
				t.Helper()
				if math.Abs(got-want) > 1e-6 {
					t.Errorf("%s = %.9f, want %.9f", what, got, want)
				}
			}
			near("raw replay's final equity", finalEquity(t, raw, "replay"), c.n*c.last)
			near("adjusted replay's final equity", finalEquity(t, adj, "replay"), 12_100)
			near("raw baseline", finalEquity(t, raw, ""), 10_000) // the dividends paid make up the falls
			got := raw.Views[1].Panel.Series[0]
			for k, ts := range got.Time {
				day := time.Unix(0, ts).UTC().Format("2006-01-02")
				if want, ok := c.closes[day]; ok && math.Abs(got.Close[k]-want) > 1e-9 {
					t.Errorf("replayed close on %s = %.9f, want %.9f", day, got.Close[k], want)
				}
			}
		})
	}
}

// QQQ bought and held from 2024-09-10 through the COVID replay
// (replay-covid-2020-03, from 2024-09-17: source 2020-03-05 lands on
// 2024-09-17, 2020-03-11 on 2024-09-23, 2020-03-23 on 2024-10-07). The
// source's ex-date 2020-03-23 (D_s = 170.70 × (1 − f[03-20]/f[03-23]),
// 0.363, f = adj_close/close) and the run's own 2024-09-23 (0.677 a
// share) both lie in the replay. Raw prices with dividends_from =
// "adj_close" end where adjusted prices do but for the reinvestment:
// N = 1,000,000 / 459.91 (2024-09-11's open) shares are paid N × D on
// 2024-09-23, cash that does not follow the replay after it, R =
// (170.46 + D_s) / 195.22 (the holder's return of 2020-03-12 to
// 2020-03-23), so adjusted − raw = N × D × (R − 1) = −184 (the cash
// held out of the fall). It holds to 3 (4e-6 of the equity: the
// vendor's rounding of adj_close, and the adjusted return across the
// source's ex-date, close / (close before − D), beside the holder's,
// (close + D) / close before, 1.5e-6 apart). The replay of raw returns
// ended at 805,250.90, 424 below that (the source's fall unpaid, the
// run's own dividend paid without its fall).
func TestRealQQQReplayWithDividends(t *testing.T) {
	d := sharedData(t)
	run := func(prices, extra string) *Outcome {
		o, err := runIn(t, t.TempDir(), fmt.Sprintf(`
name = "qqq"
cash = 1_000_000.0
start = "2024-09-10"
end = "2024-10-08"
prices = %q
%s
scenarios = ["replay-covid-2020-03"]
scenario_start = "2024-09-10"
[data]
dir = %q
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["QQQ"]
`, prices, extra, filepath.Join(d, "prices")))
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	raw := run("raw", `dividends_from = "adj_close"`)
	adj := run("adjusted", "")
	const name = "replay-covid-2020-03"
	// 2024-09-23's dividend: the close before, 482.44, times 1 − f[09-20]/f[09-23].
	f := func(adj, c float64) float64 { return adj / c }
	dOwn := 482.44000244140625 * (1 - f(477.9576416015625, 482.44000244140625)/f(479.224609375, 483.0400085449219))
	dSrc := 170.6999969482422 * (1 - f(164.50685119628906, 170.6999969482422)/f(164.62562561035156, 170.4600067138672))
	n := 1_000_000 / 459.9100036621094
	r := (170.4600067138672 + dSrc) / 195.22000122070312
	want := finalEquity(t, adj, name) - n*dOwn*(r-1)
	if got := finalEquity(t, raw, name); math.Abs(got-want) > 3 {
		t.Errorf("raw replay ends at %.2f, want the adjusted %.2f less N × D × (R − 1) = %.2f: %.2f within 3",
			got, finalEquity(t, adj, name), n*dOwn*(r-1), want)
	}
}
