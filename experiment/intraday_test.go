package experiment

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/duckdb"
	"github.com/divergence-research/divergence/data/synth"
)

// hourlyCSV writes bars as "timestamp,open,high,low,close,volume" with
// open = high = low = close = px(t) (flat bars keep the hand arithmetic
// short). stamp formats each time as written in the file.
func hourlyCSV(t *testing.T, path string, times []time.Time, px func(time.Time) float64, stamp func(time.Time) string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("timestamp,open,high,low,close,volume\n")
	for _, tm := range times {
		p := px(tm)
		fmt.Fprintf(&b, "%s,%g,%g,%g,%g,1000\n", stamp(tm), p, p, p, p)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hours returns n instants an hour apart from t0.
func hours(t0 time.Time, n int) []time.Time {
	out := make([]time.Time, n)
	for k := range out {
		out[k] = t0.Add(time.Duration(k) * time.Hour)
	}
	return out
}

func nyTime(t *testing.T) *time.Location {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	return ny
}

// session returns a session's Yahoo-style hourly stamps, 09:30 … 15:30
// New York time, on the given date.
func session(ny *time.Location, y int, m time.Month, d int) []time.Time {
	return hours(time.Date(y, m, d, 9, 30, 0, 0, ny), 7)
}

// An hourly token (24/7, stamped on the hour, RFC 3339 UTC) against an
// hourly equity (its session, Yahoo-style 09:30 … 15:30 stamps written in
// New York time without an offset, read with timezone =
// "America/New_York"), long the equity and short the token, checked by
// hand: the fills' instants, the funding at 16:00, 00:00 and 08:00 UTC,
// the equity curve.
func TestIntradayHandComputed(t *testing.T) {
	ny := nyTime(t)
	dir := t.TempDir()
	// TAO: 2025-01-06 00:00Z … 2025-01-07 09:00Z, 34 hourly bars at 100
	// before 16:00Z on the 6th and 90 from then on.
	drop := time.Date(2025, 1, 6, 16, 0, 0, 0, time.UTC)
	hourlyCSV(t, filepath.Join(dir, "TAO-USD.csv"), hours(time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), 34),
		func(tm time.Time) float64 {
			if tm.Before(drop) {
				return 100
			}
			return 90
		}, func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) })
	// NVDA: the 2025-01-06 session (EST: 09:30 NY = 14:30Z), 50 on the
	// 14:30Z and 15:30Z bars, 55 from 16:30Z.
	hourlyCSV(t, filepath.Join(dir, "NVDA.csv"), session(ny, 2025, 1, 6),
		func(tm time.Time) float64 {
			if tm.UTC().Hour() < 16 {
				return 50
			}
			return 55
		}, func(tm time.Time) string { return tm.Format("2006-01-02 15:04:05") })
	o, err := runIn(t, dir, `name = "hand"
start = "2025-01-06"
end = "2025-01-08"
[data]
dir = "."
timezone = "America/New_York"
[costs.crypto]
funding_rate = 0.001
funding_interval_hours = 8
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA"]
short = ["TAO"]
gross = 1.0
rebalance_days = 30
`)
	if err != nil {
		t.Fatal(err)
	}
	res := o.Runs[0].Result
	// The decision: NVDA is first priced at its 14:30Z bar; TAO's 14:00Z
	// bar holds 14:30Z, and the legs' next bars (TAO 15:00Z, NVDA
	// 15:30Z) open within the hour, so 14:30Z is a sync point. The
	// decision has seen NVDA's 14:30Z bar, which closes at 15:30Z: an
	// order fills at each leg's first open at or after 15:30Z (TAO's
	// 15:00Z open comes before a close the strategy saw):
	//   15:30Z NVDA at 50: E = 1,000,000 (cash only), qty = 0.5 × E / 50 = 10,000;
	//            cash = 1,000,000 − 500,000 = 500,000;
	//   16:00Z TAO at 90: E = 500,000 + 10,000 × 50 (NVDA's 15:30Z bar, open
	//            until 16:30Z, at its open) = 1,000,000,
	//            qty = −0.5 × E / 90 = −5,555.5…; cash = 500,000 + 500,000 = 1,000,000.
	type fill struct {
		at, sym string
		qty, px float64
	}
	want := []fill{{"2025-01-06T15:30:00Z", "NVDA", 10000, 50}, {"2025-01-06T16:00:00Z", "TAO", -500_000.0 / 90, 90}}
	if len(res.Fills) != len(want) {
		t.Fatalf("%d fills, want %d: %+v", len(res.Fills), len(want), res.Fills)
	}
	for k, w := range want {
		f := res.Fills[k]
		if got := data.FormatTime(f.Time); got != w.at || o.Panel.Series[f.Instrument].Symbol != w.sym ||
			math.Abs(f.Qty-w.qty) > 1e-9 || math.Abs(f.Price-w.px) > 1e-12 {
			t.Errorf("fill %d: %s %s %g @ %g, want %+v", k, got, o.Panel.Series[f.Instrument].Symbol, f.Qty, f.Price, w)
		}
	}
	// Funding, 0.1% per event on the short's −5,555.5… × 90 = −500,000 at
	// the close of the bar that opens at the event (the position after
	// its open): 16:00Z, 00:00Z and 08:00Z each pay −500,000 × 0.001 =
	// −500 (the short receives 500): −1,500.
	if got := res.Costs.Funding; math.Abs(got-(-1500)) > 1e-9 {
		t.Errorf("funding %g, want -1500", got)
	}
	var at []string
	for _, e := range res.Ledger {
		at = append(at, data.FormatTime(e.Time))
	}
	if strings.Join(at, " ") != "2025-01-06T16:00:00Z 2025-01-07T00:00:00Z 2025-01-07T08:00:00Z" {
		t.Errorf("funding booked at %v", at)
	}
	// The curve: one point per instant of the union (TAO's 34 hours and
	// NVDA's 7 half-hours), equity
	//   at 15:30Z (NVDA bought at 50, TAO not yet sold): 500,000 + 10,000 × 50 = 1,000,000;
	//   at 20:30Z: 1,000,000 + 500 + 10,000 × 55 − 5,555.5… × 90 = 1,050,500;
	//   at the end, 09:00Z on the 7th: + 500 + 500 = 1,051,500.
	c := &res.Curve
	if c.Len() != 34+7 {
		t.Fatalf("%d curve points, want 41", c.Len())
	}
	eqAt := func(s string) float64 {
		for k, tm := range c.Time {
			if data.FormatTime(tm) == s {
				return c.Equity[k]
			}
		}
		t.Fatalf("no curve point at %s", s)
		return 0
	}
	for _, w := range []struct {
		at string
		eq float64
	}{{"2025-01-06T15:30:00Z", 1_000_000}, {"2025-01-06T20:30:00Z", 1_050_500}, {"2025-01-07T09:00:00Z", 1_051_500}} {
		if got := eqAt(w.at); math.Abs(got-w.eq) > 1e-6 {
			t.Errorf("equity at %s = %.6f, want %g", w.at, got, w.eq)
		}
	}
	// Hourly 24/7 bars and equities stamped off the hour: 8,760 + 252 × 7.
	if o.PeriodsPerYear != 8760+252*7 || !strings.Contains(o.PeriodsBasis, "365 days × 24 bars (1h, 24/7)") ||
		!strings.Contains(o.PeriodsBasis, "252 sessions × 7 bars") {
		t.Errorf("periods %g, basis %q", o.PeriodsPerYear, o.PeriodsBasis)
	}
	m, err := os.ReadFile(filepath.Join(o.Dir, "runs", "hedge", "metrics.json"))
	if err != nil || !bytes.Contains(m, []byte(`"periods_per_year_basis": "365 days × 24 bars (1h, 24/7) + 252 sessions × 7 bars`)) {
		t.Errorf("metrics.json does not state the basis: %v\n%s", err, m)
	}
}

// Across the start of daylight saving time (Sunday 2025-03-09), naive New
// York stamps convert to 14:30Z on Friday and 13:30Z on Monday. A hedge
// whose equity data begins at Friday's last bar does not enter there (the
// token would fill an hour later, the equity on Monday) nor over the
// weekend (the equity's latest bar no longer holds the instant), but at
// Monday's first bar, and both legs fill within the hour of its close.
func TestIntradayDSTAndSessionEnd(t *testing.T) {
	ny := nyTime(t)
	dir := t.TempDir()
	hourlyCSV(t, filepath.Join(dir, "TAO-USD.csv"), hours(time.Date(2025, 3, 7, 0, 0, 0, 0, time.UTC), 24*5),
		func(time.Time) float64 { return 100 }, func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) })
	eqTimes := append(session(ny, 2025, 3, 7)[6:], session(ny, 2025, 3, 10)...)
	hourlyCSV(t, filepath.Join(dir, "NVDA.csv"), eqTimes, func(time.Time) float64 { return 50 },
		func(tm time.Time) string { return tm.Format("2006-01-02 15:04:05") })
	o, err := runIn(t, dir, `name = "dst"
start = "2025-03-07"
end = "2025-03-12"
[data]
dir = "."
timezone = "America/New_York"
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA"]
short = ["TAO"]
gross = 1.0
rebalance_days = 30
`)
	if err != nil {
		t.Fatal(err)
	}
	s := &o.Panel.Series[o.Panel.Index("NVDA")]
	if got := data.FormatTime(s.Time[0]); got != "2025-03-07T20:30:00Z" { // 15:30 EST
		t.Errorf("Friday's last bar at %s", got)
	}
	if got := data.FormatTime(s.Time[1]); got != "2025-03-10T13:30:00Z" { // 09:30 EDT
		t.Errorf("Monday's first bar at %s", got)
	}
	var got []string
	for _, f := range o.Runs[0].Result.Fills {
		got = append(got, o.Panel.Series[f.Instrument].Symbol+"@"+data.FormatTime(f.Time))
	}
	// Decided at 13:30Z Monday on NVDA's bar closing at 14:30Z: NVDA fills
	// at its 14:30Z open, TAO at its first open from then, 15:00Z (its
	// 14:00Z open comes before that close).
	if strings.Join(got, " ") != "NVDA@2025-03-10T14:30:00Z TAO@2025-03-10T15:00:00Z" {
		t.Errorf("fills %v", got)
	}
}

// noOutput checks that a failed run left no results folder behind (only
// the lock file may remain in out).
func noOutput(t *testing.T, out string) {
	t.Helper()
	ents, _ := os.ReadDir(out)
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".lock") {
			t.Errorf("left %s in %s", e.Name(), out)
		}
	}
}

// Bad intraday input: each a clear error naming what is wrong, and no
// results written.
func TestIntradayBadInput(t *testing.T) {
	ny := nyTime(t)
	exp := func(data string) string {
		return `name = "bad"
[data]
` + data + `
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA"]
short = ["TAO"]
`
	}
	flat := func(time.Time) float64 { return 100 }
	utc := func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) }
	cases := []struct {
		name  string
		setup func(dir string)
		data  string
		want  []string
	}{
		{"mixed intervals", func(dir string) {
			hourlyCSV(t, filepath.Join(dir, "TAO-USD.csv"), hours(time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), 48), flat, utc)
			fine := make([]time.Time, 60)
			for k := range fine {
				fine[k] = time.Date(2025, 1, 6, 9, 30, 0, 0, ny).Add(time.Duration(k) * 5 * time.Minute)
			}
			hourlyCSV(t, filepath.Join(dir, "NVDA.csv"), fine, flat, utc)
		}, `dir = "."`, []string{"NVDA has 5m bars but TAO has 1h bars", `bar = "1h"`}},
		{"monte carlo on hourly bars", func(dir string) {
			hourlyCSV(t, filepath.Join(dir, "TAO-USD.csv"), hours(time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), 48), flat, utc)
			hourlyCSV(t, filepath.Join(dir, "NVDA.csv"), append(session(ny, 2025, 1, 6), session(ny, 2025, 1, 7)...), flat, utc)
		}, "dir = \".\"\n[montecarlo]\npaths = 10\ndays = 30", []string{"montecarlo", "NVDA has 1h bars", "does not take intraday bars", `bar = "1d"`}},
		{"unknown timezone", nil, `dir = "."` + "\ntimezone = \"America/Nowhere\"", []string{"data.timezone", "America/Nowhere"}},
		{"duplicate symbol and time in a table", func(dir string) {
			os.WriteFile(filepath.Join(dir, "bars.csv"), []byte("symbol,ts,open,high,low,close,volume\n"+
				"NVDA,2025-01-06T14:30:00Z,1,1,1,1,1\nNVDA,2025-01-06T15:30:00Z,1,1,1,1,1\nNVDA,2025-01-06T15:30:00Z,1,1,1,1,1\n"+
				"TAO,2025-01-06T14:00:00Z,1,1,1,1,1\nTAO,2025-01-06T15:00:00Z,1,1,1,1,1\n"), 0o644)
		}, `table = "bars.csv"`, []string{"data.table", "NVDA", "2025-01-06T15:30:00Z", "duplicate"}},
		{"query with no rows", func(dir string) {
			os.WriteFile(filepath.Join(dir, "bars.csv"), []byte("symbol,ts,open,high,low,close,volume\nNVDA,2025-01-06T14:30:00Z,1,1,1,1,1\n"), 0o644)
		}, `query = "SELECT * FROM read_csv('bars.csv') WHERE close > 5"`, []string{"data.query", "no rows"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.setup != nil {
				tc.setup(dir)
			}
			text := exp(tc.data)
			// The query reads a path relative to the process: make it absolute.
			text = strings.ReplaceAll(text, "read_csv('bars.csv')", "read_csv('"+filepath.Join(dir, "bars.csv")+"')")
			_, err := runIn(t, dir, text)
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			noOutput(t, filepath.Join(dir, "out"))
		})
	}
}

// The same synthetic hourly market as per-instrument Parquet files, as one
// Parquet table, as a table of a DuckDB database and through a query gives
// the same bytes in every run's files and the runs table.
func TestIntradaySourcesSameBytes(t *testing.T) {
	nyTime(t)
	dir := t.TempDir()
	c := synth.DefaultIntradayConfig(3, data.Hour, 20, 4) // BTC, MSFT, ETH, NVDA
	p, err := synth.GenerateIntraday(c)
	if err != nil {
		t.Fatal(err)
	}
	// The generator's Parquet table says "synthetic" in its metadata;
	// DuckDB copies of it do not, so every source below is read alike
	// (as real data) and only the layout differs.
	gen, err := duckdb.WriteParquetTable(context.Background(), filepath.Join(dir, "gen"), p)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := goduckdb.NewConnector(filepath.Join(dir, "market.duckdb"), nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	os.MkdirAll(filepath.Join(dir, "files"), 0o755)
	os.MkdirAll(filepath.Join(dir, "table"), 0o755)
	table := filepath.Join(dir, "table", "bars.parquet")
	stmts := []string{
		"CREATE TABLE bars AS SELECT symbol AS ticker, ts AS open_time, open, high, low, close AS px_last, volume FROM read_parquet('" + gen + "')",
		"COPY (SELECT * FROM read_parquet('" + gen + "') ORDER BY ts DESC, symbol) TO '" + table + "' (FORMAT parquet)", // unsorted: the reader sorts
	}
	for _, s := range p.Series {
		stmts = append(stmts, "COPY (SELECT ts, open, high, low, close, volume FROM read_parquet('"+gen+"') WHERE symbol = '"+s.Symbol+
			"' ORDER BY ts) TO '"+filepath.Join(dir, "files", s.Symbol+".parquet")+"' (FORMAT parquet)")
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err, q)
		}
	}
	db.Close()
	body := `
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["MSFT", "NVDA"]
short = ["BTC", "ETH"]
gross = 1.0
rebalance_days = 0
drift_band = 0.01
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "ETH"
fast = 5
slow = 20
`
	sources := map[string]string{
		"files":  `dir = "files"`,
		"table":  `table = "table/bars.parquet"`,
		"duckdb": "duckdb = \"market.duckdb\"\ntable = \"bars\"\ncolumns = { time = \"open_time\", symbol = \"ticker\", close = \"px_last\" }",
		"query":  `query = "SELECT * FROM read_parquet('` + table + `') WHERE volume >= 0"`,
	}
	outs := map[string]map[string][]byte{}
	for name, src := range sources {
		sub := filepath.Join(dir, "out-"+name)
		text := "name = \"same\"\nstart = \"2025-01-06\"\n[data]\n" + src + "\n" + body
		path := filepath.Join(dir, name+".toml")
		os.WriteFile(path, []byte(text), 0o644)
		f, err := Load(path)
		if err != nil {
			t.Fatal(name, err)
		}
		o, err := Run(context.Background(), f, Options{Out: sub, Workers: 2, Version: "test", Keep: true})
		if err != nil {
			t.Fatal(name, err)
		}
		if len(o.Runs[0].Result.Fills) == 0 {
			t.Fatalf("%s: the hedge never traded", name)
		}
		all := files(t, o.Dir)
		keep := map[string][]byte{}
		for k, v := range all {
			if strings.HasPrefix(k, "runs"+string(filepath.Separator)) || k == "runs.csv" {
				keep[k] = v
			}
		}
		outs[name] = keep
	}
	want := outs["files"]
	if len(want) < 10 {
		t.Fatalf("only %d run files", len(want))
	}
	for name, got := range outs {
		if len(got) != len(want) {
			t.Errorf("%s: %d files, want %d", name, len(got), len(want))
		}
		for k, b := range want {
			if !bytes.Equal(got[k], b) {
				t.Errorf("%s: %s differs from the per-instrument files' run", name, k)
			}
		}
	}
}

// bar = "1h" resamples a 5-minute equity file beside an hourly token
// file (which would otherwise be refused as mixed intervals): the
// equity's hourly buckets are aligned to 00:00 UTC, so its first bar is
// stamped 14:00Z (09:00 New York, EST) and holds 09:30–10:00.
func TestIntradayBarResamples(t *testing.T) {
	ny := nyTime(t)
	dir := t.TempDir()
	hourlyCSV(t, filepath.Join(dir, "TAO-USD.csv"), hours(time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), 48),
		func(time.Time) float64 { return 100 }, func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) })
	// NVDA: 5-minute bars 09:30 … 15:55 New York, price 100 + k (the
	// k-th bar of the day).
	fine := make([]time.Time, 78)
	for k := range fine {
		fine[k] = time.Date(2025, 1, 6, 9, 30, 0, 0, ny).Add(time.Duration(k) * 5 * time.Minute)
	}
	hourlyCSV(t, filepath.Join(dir, "NVDA.csv"), fine, func(tm time.Time) float64 {
		return 100 + float64(tm.Sub(fine[0])/(5*time.Minute))
	}, func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) })
	o, err := runIn(t, dir, `name = "bar"
bar = "1h"
[data]
dir = "."
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "TAO"]
`)
	if err != nil {
		t.Fatal(err)
	}
	s := &o.Panel.Series[o.Panel.Index("NVDA")]
	// Seven buckets: 14:00Z (bars 0–5, 09:30–09:55), 15:00Z (6–17), …,
	// 20:00Z (bars 66–77, 15:00–15:55).
	if s.Len() != 7 || s.Interval != data.Hour {
		t.Fatalf("%d bars of %s", s.Len(), s.Interval)
	}
	if got := data.FormatTime(s.Time[0]); got != "2025-01-06T14:00:00Z" || s.Open[0] != 100 || s.Close[0] != 105 || s.High[0] != 105 || s.Volume[0] != 6000 {
		t.Errorf("first hour %s O %g C %g H %g V %g, want 14:00Z 100 105 105 6000", got, s.Open[0], s.Close[0], s.High[0], s.Volume[0])
	}
	if got := data.FormatTime(s.Time[6]); got != "2025-01-06T20:00:00Z" || s.Open[6] != 166 || s.Close[6] != 177 {
		t.Errorf("last hour %s O %g C %g, want 20:00Z 166 177", got, s.Open[6], s.Close[6])
	}
	if o.PeriodsPerYear != 8760 {
		t.Errorf("periods %g, want 8760 (equity hours on the 24/7 grid)", o.PeriodsPerYear)
	}
}

// Every chart's caption names the bars' interval on real intraday data
// (the equity, attribution, stress and walk-forward charts said "real
// daily bars"), and the synthetic market loudly whatever its bars.
func TestDataCaptionInterval(t *testing.T) {
	hourly := &data.Panel{Series: []data.Series{{Interval: data.Hour}, {Interval: data.Hour}}}
	daily := &data.Panel{Series: []data.Series{{Interval: data.Daily}}}
	synth := &data.Panel{Synthetic: true, Series: []data.Series{{Interval: data.Hour}}}
	for _, c := range []struct {
		p    *data.Panel
		want string
	}{{hourly, "real 1h bars"}, {daily, "real daily bars"}, {synth, "SYNTHETIC market (seeded, not real prices)"}} {
		if got := dataCaption(c.p); got != c.want {
			t.Errorf("dataCaption = %q, want %q", got, c.want)
		}
	}
}

// A strategy filling at the close on bars stamped off each other's grid
// (an equity's session at :30, a token at :00) never has every
// instrument's bar at one instant, so it never trades: the run says so.
// On one grid (the token alone) the same strategy trades and nothing is
// said.
func TestIdleAtCloseOffGrid(t *testing.T) {
	dir := t.TempDir()
	hourlyCSV(t, filepath.Join(dir, "TAO-USD.csv"), hours(time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), 72),
		func(time.Time) float64 { return 100 }, func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) })
	var eqT []time.Time
	for d := 6; d <= 8; d++ {
		eqT = append(eqT, hours(time.Date(2025, 1, d, 14, 30, 0, 0, time.UTC), 7)...)
	}
	hourlyCSV(t, filepath.Join(dir, "NVDA.csv"), eqT, func(time.Time) float64 { return 50 },
		func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) })
	run := func(symbols string) *Outcome {
		o, err := runIn(t, dir, `name = "idle"
fill = "close"
[data]
dir = "."
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = `+symbols+"\n")
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	o := run(`["NVDA", "TAO"]`)
	want := `run hold made no trade: with fill = "close" it decides only at an instant where every instrument it holds has a bar, and TAO's bars are stamped 30 minutes off NVDA's, so they never share one; use fill = "next-open"`
	if o.Runs[0].Metrics.Fills != 0 {
		t.Fatalf("%d fills on bars off each other's grid: the test's premise", o.Runs[0].Metrics.Fills)
	}
	if all := strings.Join(o.Notes, "\n"); !strings.Contains(all, want) {
		t.Errorf("notes lack %q:\n%s", want, all)
	}
	o = run(`["TAO"]`)
	if o.Runs[0].Metrics.Fills == 0 {
		t.Error("no fill on one grid")
	}
	if all := strings.Join(o.Notes, "\n"); strings.Contains(all, "made no trade") {
		t.Errorf("a note on one grid:\n%s", all)
	}
}

// With bar = "4h" and an end inside a bucket, the runs see no price from
// the end on: TAO's hourly bars go on past the end (kept for replays),
// and its 20:00 bucket, which the end at 22:30 cuts, would close at
// 23:00's price. The bucket is left out with a note, so the run ends on
// the 16:00 bucket's close (19:00's price). Checked twice over: the last
// equity point is worth 1,000,000 × (the 16:00 bucket's close / the first
// bar's open), by hand below; and the run is identical when every bar
// from the end on is doubled in the file. The same from one table (data
// table), whose read stopped at the end: the bucket was kept there, a 4h
// bar holding two hours (the read now goes on to the bucket's end, and
// sees that the data do).
func TestIntradayBarEndCutsNoLookAhead(t *testing.T) {
	for _, table := range []bool{false, true} {
		t.Run(map[bool]string{false: "files", true: "table"}[table], func(t *testing.T) { barEndCuts(t, table) })
	}
}

func barEndCuts(t *testing.T, table bool) {
	run := func(after float64) *Outcome {
		dir := t.TempDir()
		// 48 hourly bars from 6 January 00:00Z, price 100 + hour index;
		// from 22:30 on 6 January (hour 23 on) × after.
		t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
		end := time.Date(2025, 1, 6, 22, 30, 0, 0, time.UTC)
		hourlyCSV(t, filepath.Join(dir, "TAO-USD.csv"), hours(t0, 48), func(tm time.Time) float64 {
			p := 100 + tm.Sub(t0).Hours()
			if !tm.Before(end) {
				p *= after
			}
			return p
		}, func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) })
		source := `dir = "."`
		if table {
			raw, err := os.ReadFile(filepath.Join(dir, "TAO-USD.csv"))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
			for k := range lines {
				lines[k] = map[bool]string{true: "symbol,", false: "TAO,"}[k == 0] + lines[k]
			}
			if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(dir, "TAO-USD.csv")); err != nil {
				t.Fatal(err)
			}
			source = `table = "t.csv"`
		}
		o, err := runIn(t, dir, `name = "cut"
bar = "4h"
end = "2025-01-06T22:30:00Z"
[data]
`+source+`
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["TAO"]
fill = "close"
`)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	a, b := run(1), run(2)
	ca, cb := a.Runs[0].Result.Curve, b.Runs[0].Result.Curve
	if !slices.Equal(ca.Time, cb.Time) || !slices.Equal(ca.Equity, cb.Equity) {
		t.Errorf("the run changed with the bars after the end:\n%v %v\n%v %v", ca.Time, ca.Equity, cb.Time, cb.Equity)
	}
	// Buckets 00:00 … 16:00 (closes 103, 107, 111, 115, 119); bought at
	// the first bucket's close, 103, with all the cash: the last point is
	// worth 1e6 × 119 / 103 = 1,155,339.805…
	n := len(ca.Time)
	if got := data.FormatTime(ca.Time[n-1]); got != "2025-01-06T16:00:00Z" {
		t.Errorf("last point %s, want 2025-01-06T16:00:00Z", got)
	}
	if want := 1e6 * 119 / 103; math.Abs(ca.Equity[n-1]-want) > 1e-6 {
		t.Errorf("last equity %.6f, want %.6f", ca.Equity[n-1], want)
	}
	if !strings.Contains(strings.Join(a.Notes, "\n"), "the last 4h bar before the end, 2025-01-06T20:00:00Z, was left out") {
		t.Errorf("notes lack the left-out bucket:\n%s", strings.Join(a.Notes, "\n"))
	}
}
