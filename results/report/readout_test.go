//go:build duckdb_arrow

package report

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/divergence-research/divergence/experiment"
)

// The equity chart's read-out on intraday bars is each run's equity at
// the cursor's time, or, where a run's line (thinned per pixel column)
// has no point there, its last point before it, with that point's time:
// it showed a nearby point of another hour as the cursor's (6 % off on
// the real intraday example, found by a browser probe). Every
// read-out over the chart, one every 3 pixels, is checked against the
// run's equity.csv at the time it names. The synthetic hourly example:
// equities at :30 in sessions, tokens at :00 around the clock.
func TestIntradayReadOutsInBrowser(t *testing.T) {
	if chromium() == "" {
		t.Skip("chromium not installed: apt-get install chromium (Debian's package); .ci/run installs it")
	}
	if testing.Short() {
		t.Skip("runs an experiment and a browser")
	}
	f, err := experiment.Load(filepath.Join("..", "..", "examples", "intraday-hedge.toml"))
	if err != nil {
		t.Fatal(err)
	}
	// 200 days of hourly bars: 4,800 points a line, past the 4,000 a
	// line keeps whole, so each run's line is thinned on its own.
	f.MonteCarlo, f.WalkForward, f.Data.Days = nil, nil, 200
	o, err := experiment.Run(context.Background(), f, experiment.Options{Out: t.TempDir(), Workers: 2, Version: "test", CSV: "always"})
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), o.Dir); err != nil {
		t.Fatal(err)
	}
	dir := o.Dir
	eq := map[string]map[string]float64{}
	names := map[string]string{}
	rows := csvRows(t, filepath.Join(dir, "runs.csv"))
	for _, r := range rows[1:] {
		names[r[1]] = r[0]
		m := map[string]float64{}
		fh, _ := os.Open(filepath.Join(dir, "runs", r[0], "equity.csv"))
		rr, _ := csv.NewReader(fh).ReadAll()
		fh.Close()
		for _, e := range rr[1:] {
			v, _ := strconv.ParseFloat(e[1], 64)
			m[strings.TrimSuffix(strings.Replace(e[0], "T", " ", 1), ":00Z")] = v
		}
		eq[r[0]] = m
	}
	page, _ := filepath.Abs(filepath.Join(dir, ReportFile))
	ctx, _, _, _ := openReport(t, page)
	chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS("#chart-equity")))
	box, _ := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.querySelector('#chart-equity .u-over').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`))
	bad, n, at := 0, 0, 0
	for px := 0.0; px < box[2]; px += 3 {
		chromedp.Do(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, box[0]+px, box[1]+0.5*box[3]), chromedp.Sleep(2*time.Millisecond))
		ro, _ := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll('#chart-equity .u-legend .u-series')).map(r => [r.querySelector('.u-label').textContent, r.querySelector('.u-value').textContent])`))
		if len(ro) < 2 {
			continue
		}
		date := ro[0][1]
		for _, row := range ro[1:] {
			key := names[row[0]]
			v := row[1]
			when := date
			if i := strings.Index(v, " (at "); i >= 0 {
				when = strings.TrimSuffix(v[i+5:], ")")
				v = v[:i]
				at++
			}
			_, m, ok := strings.Cut(v, "(")
			if !ok {
				continue
			}
			m = strings.NewReplacer("\u202f", "", ")", "", "\u2212", "-").Replace(m)
			got, _ := strconv.ParseFloat(m, 64)
			want, ok := eq[key][when]
			n++
			if !ok || math.Abs(got-want) > 0.006 {
				bad++
				if bad < 6 {
					t.Logf("%s at %s (%s): %q, equity.csv %v %v", key, date, when, row[1], want, ok)
				}
			}
		}
	}
	t.Logf("%d read-outs, %d off, %d of another time", n, bad, at)
	if bad > 0 || n < 300 || at == 0 {
		t.Errorf("%d of %d read-outs differ from equity.csv at the time they name (%d of another time: none means no line was thinned, and the test checked nothing of it)", bad, n, at)
	}
}
