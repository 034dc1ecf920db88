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

// A jump on raw prices with a cash dividend (dividends_from =
// "adj_close") agrees with the same jump on adjusted prices up to the
// reinvestment. A's raw close (o = h = l = c) is 100 on weekdays to
// 2024-02-06 and 98 from 2024-02-07, a dividend of 2 (adj_close the
// close × 0.98 before it: adjusted prices flat at 98). Bought at
// 2024-01-03's open with 10,000: N = 100 shares raw, 10,000 / 98
// adjusted.
//
// "before the ex-date": −50 % on 2024-02-01. Raw: 50, then 2024-02-07
// 50 × (98 + 2)/100 − 2 = 48 with 2 a share paid: 100 × (48 + 2) =
// 5,000; adjusted 10,000 × 0.5 = 5,000 (nothing moves after the
// dividend: no reinvestment). Scaled with the prices the ex-date's
// close was 98 × 0.5 = 49: 5,100, 100 above.
//
// "spread over it": −19 % over 2024-02-07 and 02-08 (g = 0.9, 0.81).
// Raw: 100 × 0.9 − 2 = 88 on the ex-date, 88 × 0.9 = 79.2 the day after:
// 100 × (79.2 + 2) = 8,120; adjusted 10,000 × 0.81 = 8,100. 20 above,
// N × D × (1 − 0.9) = 100 × 2 × 0.1: the dividend paid in cash misses
// the second day's 10 % fall. Scaled: 98 × 0.81 = 79.38, 8,138.
func TestJumpOnRawPricesWithDividends(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	for d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		c, f := 100.0, 0.98
		if d.Format("2006-01-02") >= "2024-02-07" {
			c, f = 98, 1
		}
		fmt.Fprintf(&b, "%s,%.17g,%.17g,%.17g,%.17g,%.17g,1000000\n", d.Format("2006-01-02"), c, c, c, c, c*f)
	}
	if err := os.WriteFile(filepath.Join(dir, "A.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		shock    string
		raw, adj float64
	}{
		{"before the ex-date", "date = 2024-02-01\nmove = -0.5", 100 * (48 + 2), 5_000},
		{"spread over it", "date = 2024-02-07\nmove = -0.19\nspread_days = 2", 100 * (79.2 + 2), 8_100},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := func(prices, extra string) *Outcome {
				sub := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"), prices)
				if err := os.MkdirAll(sub, 0o755); err != nil {
					t.Fatal(err)
				}
				o, err := runIn(t, sub, fmt.Sprintf(`name = "jump"
cash = 10_000.0
commission_bps = 0.0
prices = %q
%s
start = "2024-01-02"
[data]
dir = %q
classes = { A = "equity" }
[[scenario]]
name = "jump"
[[scenario.shock]]
type = "jump"
symbols = ["A"]
%s
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["A"]
`, prices, extra, dir, c.shock))
				if err != nil {
					t.Fatal(err)
				}
				return o
			}
			raw := run("raw", `dividends_from = "adj_close"`)
			adj := run("adjusted", "")
			for _, x := range []struct {
				what      string
				got, want float64
			}{
				{"raw jump's final equity", finalEquity(t, raw, "jump"), c.raw},
				{"adjusted jump's final equity", finalEquity(t, adj, "jump"), c.adj},
				{"raw baseline", finalEquity(t, raw, ""), 10_000}, // 100 × (98 + 2)
			} {
				if math.Abs(x.got-x.want) > 1e-6 {
					t.Errorf("%s = %.9f, want %.9f", x.what, x.got, x.want)
				}
			}
		})
	}
}
