//go:build duckdb_arrow

package report

import (
	"html"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestWalkForwardHeadline: each walk-forward's section opens with the
// stitched out-of-sample result that divergence run prints (windows,
// first and last dates, total return, CAGR, Sharpe, max drawdown),
// checked against figures worked here from the folder's files alone:
// experiment/testdata/walkforward.toml's cash of 100,000 and 365
// periods a year (BTC, a token, is in the panel: a calendar of every
// day), its walkforward/<strategy>/equity.csv and windows.csv. The
// returns start from the cash (r_0 = e_0/cash − 1, none when e_0 is the
// cash, then e_k/e_{k−1} − 1);
// total return = e_last/cash − 1; CAGR = (1 + total)^(365/n) − 1 over
// the n returns; Sharpe = mean/sd (n − 1) × √365; max drawdown the
// deepest fall of the equity below its running peak, the cash the first
// peak.
func TestWalkForwardHeadline(t *testing.T) {
	o := runTestdata(t, "walkforward.toml")
	page := readReport(t, o.Dir)
	const cash, ppy = 100_000.0, 365.0
	for _, strategy := range []string{"hedge", "sma"} {
		dir := filepath.Join(o.Dir, "walkforward", strategy)
		rows := csvRows(t, filepath.Join(dir, "equity.csv"))
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		var eq []float64
		for _, r := range rows[1:] {
			v, err := strconv.ParseFloat(r[col["equity"]], 64)
			if err != nil {
				t.Fatal(err)
			}
			eq = append(eq, v)
		}
		windows := len(csvRows(t, filepath.Join(dir, "windows.csv"))) - 1
		prev, peak, dd := cash, cash, 0.0
		var rets []float64
		for i, v := range eq {
			if i == 0 && v == cash {
				continue // a curve that starts at the cash: no return to it
			}
			rets = append(rets, v/prev-1)
			prev, peak = v, math.Max(peak, v)
			dd = math.Min(dd, v/peak-1)
		}
		n := float64(len(rets))
		mean := 0.0
		for _, r := range rets {
			mean += r / n
		}
		ss := 0.0
		for _, r := range rets {
			ss += (r - mean) * (r - mean)
		}
		total := eq[len(eq)-1]/cash - 1
		want := []float64{float64(windows), total, math.Pow(1+total, ppy/n) - 1, mean / math.Sqrt(ss/(n-1)) * math.Sqrt(ppy), dd}
		first, last := rows[1][col["time"]], rows[len(rows)-1][col["time"]]

		// The section's first table: the headline row.
		at := strings.Index(page, "<h3>"+strategy+"</h3>")
		if at < 0 {
			t.Fatalf("no walk-forward section for %s", strategy)
		}
		sec := page[at:]
		sec = sec[:strings.Index(sec, `<div class="uchart"`)]
		cells := regexp.MustCompile(`<td[^>]*>([^<]*)</td>`).FindAllStringSubmatch(sec, -1)
		if len(cells) != 7 {
			t.Fatalf("%s: %d headline cells before the chart, want 7 (windows, from, to, 4 metrics)", strategy, len(cells))
		}
		text := make([]string, len(cells))
		for i, c := range cells {
			text[i] = strings.ReplaceAll(html.UnescapeString(c[1]), "−", "-")
		}
		if !strings.HasPrefix(first, text[1]) || !strings.HasPrefix(last, text[2]) {
			t.Errorf("%s: from %s to %s, want the curve's %s to %s", strategy, text[1], text[2], first, last)
		}
		// Percentages to their 2 decimals (±0.005 %), the count exactly,
		// the Sharpe ratio to its 4 significant digits.
		for i, k := range []int{0, 3, 4, 5, 6} {
			s, scale, tol := text[k], 1.0, 0.0
			switch i {
			case 1, 2, 4:
				s, scale, tol = strings.TrimSuffix(s, "%"), 100, 0.005
			case 3:
				tol = 5e-4 * math.Abs(want[3])
			}
			got, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: headline cell %q: %v", strategy, text[k], err)
			}
			if math.Abs(got-scale*want[i]) > tol+1e-12 {
				t.Errorf("%s: headline cell %d = %s, want %.6g", strategy, k, text[k], scale*want[i])
			}
		}
	}
}
