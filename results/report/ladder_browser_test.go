//go:build duckdb_arrow

package report

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/strategies"
)

// TestLadderAverageInBrowser: on a run's fills chart the average entry
// price is a step that holds from one fill to the next, and has no value
// while no position is held. A weights run holds BTC long from the start,
// flips it short on 2020-04-01's schedule, goes flat on 2020-08-01's and
// long again on 2020-10-01's, and sells half on 2020-11-15's (one fill
// each, next open): an exit that keeps the average, which the page's JSON
// leaves out (a point only where the average changes). The chart read
// nothing between two fills (the line a slope from one fill to the next,
// undefined at the closes' days), drew that slope across the flat months
// August and September (a hole one day wide at the exit), and its read-out
// there gave the last average before the exit, "(at …)".
func TestLadderAverageInBrowser(t *testing.T) {
	if chromium() == "" {
		t.Skip("chromium not installed: apt-get install chromium (Debian's package); .ci/run installs it")
	}
	if testing.Short() {
		t.Skip("runs an experiment and a browser")
	}
	f, err := experiment.Parse("flip.toml", `name = "flip"
seed = 3
cash = 100_000.0
commission_bps = 5.0
start = "2020-01-01"
end = "2020-12-31"
[data]
synthetic = true
[[strategy]]
name = "flip"
type = "weights"
[strategy.params]
weights = { BTC = 0.5 }
schedule = [ { date = "2020-04-01", weights = { BTC = -0.5 } }, { date = "2020-08-01", weights = { BTC = 0.0 } }, { date = "2020-10-01", weights = { BTC = 0.5 } }, { date = "2020-11-15", weights = { BTC = 0.25 } } ]
`)
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Strategies: strategies.Builtins(), Out: t.TempDir(), Workers: 1, Version: "test",
		Report: func(ctx context.Context, in experiment.ReportInput) error {
			return WriteInput(ctx, Input{Dir: in.Dir, Manifest: in.Manifest, Runs: in.Runs, Equity: in.Equity, Gross: in.Gross, Net: in.Net, Prices: in.Prices})
		}})
	if err != nil {
		t.Fatal(err)
	}
	fills, err := readFills(filepath.Join(o.Dir, "runs", "flip"))
	if err != nil {
		t.Fatal(err)
	}
	// The fills: buy (long), sell through zero (short), buy back (flat),
	// buy (long again), sell half.
	if len(fills) != 5 || !(fills[0].Qty > 0 && fills[1].Qty < -fills[0].Qty && fills[2].Qty > 0 && fills[3].Qty > 0 && fills[4].Qty < 0 && -fills[4].Qty < fills[3].Qty) {
		t.Fatalf("fills %+v: want long, a flip to short, flat, long, half sold", fills)
	}
	day := func(s string) int64 {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Unix()
	}
	// The average entry price at a day and the read-out there: the
	// long's entry price between the first fill and the flip, the flip's
	// price (the short's entry) until the cover, none while flat, the
	// long's price after it, at the half sold (an exit, no point of
	// the average in the JSON) and after it.
	cases := []struct {
		day  string
		want float64 // NaN: no position
	}{
		{"2020-03-01", fills[0].Price},
		{"2020-06-01", fills[1].Price},
		{"2020-09-01", math.NaN()},
		{"2020-12-01", fills[3].Price},
		{time.Unix(0, fills[4].Time).UTC().Format(time.DateOnly), fills[3].Price},
	}
	page, _ := filepath.Abs(filepath.Join(o.Dir, ReportFile))
	ctx, url, problems, requests := openReport(t, page)
	drawRunCharts(t, ctx)
	for _, c := range cases {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`(async () => {
			const u = window.divergence.charts['ladder-0'];
			if (!u) return ['no chart', ''];
			const si = u.series.findIndex(s => s.label === 'average entry price'), i = u.data[0].indexOf(`+strconv.FormatInt(day(c.day), 10)+`);
			if (i < 0) return ['no such day', ''];
			u.setCursor({ left: u.valToPos(u.data[0][i], 'x'), top: 10 });
			await new Promise(r => setTimeout(r, 30));
			const v = u.data[si][i];
			return [v === undefined ? 'undefined' : v, u.root.querySelectorAll('.u-legend .u-series')[si].querySelector('.u-value').textContent];
		})()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if math.IsNaN(c.want) {
			if got[0] != nil || got[1] != "—" {
				t.Errorf("%s (flat): average entry price %v, read-out %q; want none and \"—\"", c.day, got[0], got[1])
			}
			continue
		}
		v, ok := got[0].(float64)
		if !ok || math.Abs(v-c.want) > 1e-4*c.want {
			t.Errorf("%s: average entry price %v (read-out %q), want %.4f", c.day, got[0], got[1], c.want)
		}
		// The read-out is the value at the cursor's day, without an
		// "(at …)" of an earlier one.
		r, _ := got[1].(string)
		if x, err := strconv.ParseFloat(r, 64); err != nil || math.Abs(x-c.want) > 1e-4*c.want {
			t.Errorf("%s: read-out %q, want %.4f", c.day, r, c.want)
		}
	}
	// At each fill's time the entries' or exits' read-out names the
	// fill's price and its tag (the page's tags table, by index).
	for i, fl := range fills {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(async () => {
			const u = window.divergence.charts['ladder-0'];
			const i = u.data[0].indexOf(`+strconv.FormatInt(fl.Time/1e9, 10)+`);
			if (i < 0) return ['no such time'];
			u.setCursor({ left: u.valToPos(u.data[0][i], 'x'), top: 10 });
			await new Promise(r => setTimeout(r, 30));
			const rows = Array.from(u.root.querySelectorAll('.u-legend .u-series'));
			return ['entries', 'exits'].map(n => rows[u.series.findIndex(s => s.label === n)].querySelector('.u-value').textContent);
		})()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		// The price as the page holds it (8 significant digits), to 4 decimals.
		price, _ := strconv.ParseFloat(strconv.FormatFloat(fl.Price, 'g', 8, 64), 64)
		want := strconv.FormatFloat(price, 'f', 4, 64) + " (" + fl.Tag + ")"
		if fl.Tag == "" || !slices.Contains(got, want) {
			t.Errorf("fill %d (%s): entries, exits read %q; want one %q", i, time.Unix(0, fl.Time).UTC().Format(time.DateOnly), got, want)
		}
	}
	checkQuiet(t, url, problems, requests)
}
