package experiment

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/engine"
)

// barsCSV writes hourly-or-other bars "timestamp,open,high,low,close,volume"
// stamped in RFC 3339 UTC, bar k opening at open(k) and closing at
// close(k), its high 1 above the higher of the two and its low 1 below
// the lower.
func barsCSV(t *testing.T, path string, times []time.Time, open, close func(k int) float64) {
	t.Helper()
	var b strings.Builder
	b.WriteString("timestamp,open,high,low,close,volume\n")
	for k, tm := range times {
		o, c := open(k), close(k)
		fmt.Fprintf(&b, "%s,%g,%g,%g,%g,1000\n", tm.UTC().Format(time.RFC3339), o, max(o, c)+1, min(o, c)-1, c)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// curvePoint is one row of a run's equity.csv.
type curvePoint struct {
	at           time.Time
	equity, cash float64
}

// readCurve reads runs/<key>/equity.csv of the experiment written in dir.
func readCurve(t *testing.T, dir, key string) []curvePoint {
	t.Helper()
	rows, err := readCSV(filepath.Join(dir, "runs", key, "equity.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0][:3], ",") != "time,equity,cash" {
		t.Fatalf("%s/equity.csv header %v", key, rows[0])
	}
	var out []curvePoint
	for _, r := range rows[1:] {
		at, err := time.Parse(time.RFC3339, r[0])
		if err != nil {
			t.Fatalf("%s/equity.csv: %v", key, err)
		}
		out = append(out, curvePoint{at, num(t, r[1]), num(t, r[2])})
	}
	return out
}

// readFills reads runs/<key>/fills.csv as (time, symbol, qty, price).
func readFills(t *testing.T, dir, key string) [][4]string {
	t.Helper()
	rows, err := readCSV(filepath.Join(dir, "runs", key, "fills.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0][:5], ",") != "time,symbol,side,qty,price" {
		t.Fatalf("%s/fills.csv header %v", key, rows[0])
	}
	var out [][4]string
	for _, r := range rows[1:] {
		out = append(out, [4]string{r[0], r[1], r[3], r[4]})
	}
	return out
}

// readStress returns stress.csv's pnl_vs_baseline by scenario.
func readStress(t *testing.T, dir string) map[string]float64 {
	t.Helper()
	rows, err := readCSV(filepath.Join(dir, "stress.csv"))
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for j, h := range rows[0] {
		col[h] = j
	}
	out := map[string]float64{}
	for _, r := range rows[1:] {
		out[r[col["scenario"]]] = num(t, r[col["pnl_vs_baseline"]])
	}
	return out
}

// A buy-and-hold of one token on hourly bars under jumps placed at a day
// offset and at an instant, checked by hand at every bar: the equity is
// cash + qty × the shocked close, and stress.csv's pnl_vs_baseline is
// qty × (shocked last close − baseline last close).
func TestIntradayShockJumpBuyAndHoldByHand(t *testing.T) {
	dir := t.TempDir()
	// TAO: 72 hourly bars from Monday 2025-01-06 00:00Z (k = 0 … 71, to
	// 2025-01-08 23:00Z), bar k opening at 99.5 + k and closing at 100 + k.
	t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	const n = 72
	barsCSV(t, filepath.Join(dir, "TAO-USD.csv"), hours(t0, n),
		func(k int) float64 { return 99.5 + float64(k) },
		func(k int) float64 { return 100 + float64(k) })
	o, err := runIn(t, dir, `name = "jump audit"
cash = 1_000_000.0
start = "2025-01-06"
scenario_start = "2025-01-06"
[data]
dir = "."
[output]
csv = "always"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["TAO"]
[[scenario]]
name = "day"
[[scenario.shock]]
type = "jump"
symbols = ["TAO"]
day = 1
move = -0.25
[[scenario]]
name = "during"
[[scenario.shock]]
type = "jump"
symbols = ["TAO"]
time = "2025-01-07T10:30:00Z"
gap = false
move = -0.5
[[scenario]]
name = "gap"
[[scenario.shock]]
type = "jump"
symbols = ["TAO"]
time = "2025-01-07T10:30:00Z"
move = 0.25
[[scenario]]
name = "spread"
[[scenario.shock]]
type = "jump"
symbols = ["TAO"]
day = 1
move = -0.36
spread_days = 2
`)
	if err != nil {
		t.Fatal(err)
	}
	// The decision at the first bar's close (00:00Z bar, closing at
	// 01:00Z) fills at the 01:00Z open, 100.5, before every shock:
	// qty = 1,000,000 / 100.5 = 9,950.2487…, cash 0 after it, in every run.
	q := 1_000_000 / 100.5
	// g(k): the factor each scenario puts on bar k's close.
	//   day:    day 1 from 2025-01-06 is 2025-01-07, its first bar 00:00Z
	//           (k = 24): × 0.75 from k = 24 on;
	//   during: 10:30Z falls in the 10:00Z bar of the 7th (k = 34), a
	//           move during the bar: its close and every later one × 0.5;
	//   gap:    a gap lands on the first bar opening at or after 10:30Z,
	//           11:00Z (k = 35): × 1.25 from k = 35 on;
	//   spread: −36 % over the bars of two trading dates from k = 24, 48
	//           bars: g(j) = 0.64^((j+1)/48) = 0.8^((j+1)/24), j = k − 24,
	//           0.8 at 23:00Z of the 7th (k = 47), 0.64 at k = 71.
	g := map[string]func(k int) float64{
		"hold": func(int) float64 { return 1 },
		"day": func(k int) float64 {
			if k >= 24 {
				return 0.75
			}
			return 1
		},
		"during": func(k int) float64 {
			if k >= 34 {
				return 0.5
			}
			return 1
		},
		"gap": func(k int) float64 {
			if k >= 35 {
				return 1.25
			}
			return 1
		},
		"spread": func(k int) float64 {
			if k >= 24 {
				return math.Pow(0.8, float64(k-24+1)/24)
			}
			return 1
		},
	}
	for _, sc := range []string{"hold", "day", "during", "gap", "spread"} {
		key := "hold"
		if sc != "hold" {
			key = "hold@" + sc
		}
		t.Run(sc, func(t *testing.T) {
			fills := readFills(t, o.Dir, key)
			if len(fills) != 1 || fills[0][0] != "2025-01-06T01:00:00Z" || fills[0][1] != "TAO" ||
				math.Abs(num(t, fills[0][2])-q) > 1e-9 || num(t, fills[0][3]) != 100.5 {
				t.Fatalf("fills %v, want one buy of %.6f TAO at 100.5 at 01:00Z", fills, q)
			}
			c := readCurve(t, o.Dir, key)
			if len(c) != n {
				t.Fatalf("%d curve points, want %d", len(c), n)
			}
			for k, p := range c {
				want, cash := q*(100+float64(k))*g[sc](k), 0.0
				if k == 0 {
					want, cash = 1_000_000, 1_000_000
				}
				if !p.at.Equal(t0.Add(time.Duration(k)*time.Hour)) || math.Abs(p.equity-want) > 1e-6 || math.Abs(p.cash-cash) > 1e-6 {
					t.Errorf("bar %d: %s equity %.6f cash %.6f, want %.6f, %.2f", k, p.at.Format(time.RFC3339), p.equity, p.cash, want, cash)
				}
			}
		})
	}
	// pnl_vs_baseline = q × 171 × (g(71) − 1), the last close 171:
	//   day −42.75 q = −425,373.13; during −85.5 q = −850,746.27;
	//   gap +42.75 q = +425,373.13; spread −61.56 q = −612,537.31.
	pnl := readStress(t, o.Dir)
	for sc, want := range map[string]float64{"day": -42.75 * q, "during": -85.5 * q, "gap": 42.75 * q, "spread": -61.56 * q} {
		if got, ok := pnl[sc]; !ok || math.Abs(got-want) > 1e-6 {
			t.Errorf("stress %s: pnl_vs_baseline %.6f, want %.6f", sc, got, want)
		}
	}
}

// runLedger returns the ledger of the run with the given key.
func runLedger(t *testing.T, o *Outcome, key string) []engine.Entry {
	t.Helper()
	for _, r := range o.Runs {
		if r.Key == key {
			return r.Result.Ledger
		}
	}
	t.Fatalf("no run %s", key)
	return nil
}

// A short of an hourly equity over a weekend, with a token's hourly bars
// in the timeline, borrow and cash interest at 3.6 % (ACT/360, 0.0001 a
// day), checked by hand: the borrow accrues by calendar time at every
// hourly step, Friday's last close carrying over the weekend (three days
// from Friday's first bar to Monday's), each step's cash move is the
// interest on the previous step's cash less short proceeds minus the
// borrow on the previous step's short value; and under jumps that change
// the price the borrow is charged on, from Friday's first bar (a day
// offset) or from Monday's (a Saturday date: the equity takes it at its
// next session).
func TestIntradayShockShortBorrowOverWeekendByHand(t *testing.T) {
	dir := t.TempDir()
	// TAO: flat 10, hourly from Thursday 2025-01-23 00:00Z, 120 bars (to
	// Monday 2025-01-27 23:00Z); only widens the timeline (data.symbols).
	t0 := time.Date(2025, 1, 23, 0, 0, 0, 0, time.UTC)
	barsCSV(t, filepath.Join(dir, "TAO-USD.csv"), hours(t0, 120),
		func(int) float64 { return 10 }, func(int) float64 { return 10 })
	// NVDA: Yahoo-style hourly sessions (09:30 … 15:30 New York, EST:
	// 14:30Z … 20:30Z) on Thursday 23rd, Friday 24th and Monday 27th, flat
	// at 50, 40 and 45 (open = close on every bar).
	price := map[int]float64{23: 50, 24: 40, 27: 45}
	var eqT []time.Time
	for _, d := range []int{23, 24, 27} {
		eqT = append(eqT, hours(time.Date(2025, 1, d, 14, 30, 0, 0, time.UTC), 7)...)
	}
	eqPx := func(k int) float64 { return price[eqT[k].Day()] }
	barsCSV(t, filepath.Join(dir, "NVDA.csv"), eqT, eqPx, eqPx)
	o, err := runIn(t, dir, `name = "borrow audit"
cash = 1_000_000.0
start = "2025-01-23T14:30:00Z"
scenario_start = "2025-01-23"
[data]
dir = "."
symbols = ["TAO"]
[output]
csv = "always"
[costs]
cash_rate = 0.036
[costs.equity]
borrow_rate = 0.036
[[strategy]]
name = "short"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
weights = [-0.5]
[[scenario]]
name = "fri"
[[scenario.shock]]
type = "jump"
symbols = ["NVDA"]
day = 1
move = -0.2
[[scenario]]
name = "sat"
[[scenario.shock]]
type = "jump"
symbols = ["NVDA"]
date = "2025-01-25"
move = -0.2
`)
	if err != nil {
		t.Fatal(err)
	}
	const r = 0.036 / 360 // a day's rate, borrow and interest alike
	// NVDA's price after each scenario's shock, by UTC date of the bar
	// (every bar of a date at one price):
	//   fri: day 1 from 2025-01-23 is Friday: × 0.8 from Friday's 14:30Z
	//        bar: Friday 32, Monday 36;
	//   sat: 2025-01-25 is a Saturday: NVDA's first bar on or after it is
	//        Monday's 14:30Z: Friday 40, Monday 36.
	pxs := map[string]map[int]float64{
		"short":     {23: 50, 24: 40, 27: 45},
		"short@fri": {23: 50, 24: 32, 27: 36},
		"short@sat": {23: 50, 24: 40, 27: 36},
	}
	for _, key := range []string{"short", "short@fri", "short@sat"} {
		t.Run(key, func(t *testing.T) {
			px := pxs[key]
			// The decision at NVDA's first bar (14:30Z, seen at its close,
			// 15:30Z) fills at the 15:30Z open, 50, before any shock. The
			// order is sized at the fill on equity 1,000,000 plus an hour
			// of interest (14:30Z → 15:30Z on 1,000,000: 1e6 × 0.0001 / 24
			// = 4.1667, and 0.0002 of compounding): qty ≈ −0.5 × 1,000,004.17
			// / 50 = −10,000.0417. The checks below take the fill's qty as
			// given (a position, not the cost under audit).
			fills := readFills(t, o.Dir, key)
			if len(fills) != 1 || fills[0][0] != "2025-01-23T15:30:00Z" || fills[0][1] != "NVDA" || num(t, fills[0][3]) != 50 {
				t.Fatalf("fills %v, want one sale of NVDA at 50 at 15:30Z", fills)
			}
			q := -num(t, fills[0][2])
			if math.Abs(q-10_000.0417) > 1e-4 {
				t.Fatalf("short %.6f, want ≈ 10,000.0417", q)
			}
			fill := time.Date(2025, 1, 23, 15, 30, 0, 0, time.UTC)
			// The short's value at step time: the close of NVDA's latest
			// bar at or before it (a token step between two NVDA bars, and
			// every step of the weekend, carries NVDA's last close).
			short := func(at time.Time) float64 {
				if at.Before(fill) {
					return 0
				}
				last := 0
				for k, tm := range eqT {
					if !tm.After(at) {
						last = k
					}
				}
				return q * px[eqT[last].Day()]
			}
			// Every step's cash move against the previous step's cash and
			// short value, over dt days since it: interest (cash − short
			// value) × r × dt earned, borrow short value × r × dt paid
			// (plus the sale's proceeds at the fill step).
			c := readCurve(t, o.Dir, key)
			for k := 1; k < len(c); k++ {
				dt := c[k].at.Sub(c[k-1].at).Hours() / 24
				v := short(c[k-1].at)
				want := c[k-1].cash + (c[k-1].cash-v)*r*dt - v*r*dt
				if c[k].at.Equal(fill) {
					want += q * 50
				}
				if math.Abs(c[k].cash-want) > 1e-6 {
					t.Errorf("%s: cash %.6f, want %.6f (previous %.6f, short value %.2f, %.4f days)",
						c[k].at.Format(time.RFC3339), c[k].cash, want, c[k-1].cash, v, dt)
				}
				if eq := c[k].cash - short(c[k].at); math.Abs(c[k].equity-eq) > 1e-6 {
					t.Errorf("%s: equity %.6f, want cash − short value = %.6f", c[k].at.Format(time.RFC3339), c[k].equity, eq)
				}
			}
			// The borrow by hand, on q = 10,000.0417 at r = 0.0001 a day:
			//   Thursday 15:30Z → Friday 14:30Z, 23 h at 50: q × 50 × r × 23/24;
			//   Friday 14:30Z → Monday 14:30Z, 3 days at Friday's close F:
			//     q × F × r × 3 (120.0005 at 40, 96.0004 at 32);
			//   Monday 14:30Z → 20:30Z, the last step (the time after it is
			//     not accrued), 6 h at Monday's close M: q × M × r × 6/24.
			// The run's end is 21:30Z, the end of NVDA's last bar, so
			// TAO's bars from 21:00Z are left out.
			friMon := q * px[24] * r * 3
			wantTotal := q * r * (50*23.0/24 + px[24]*3 + px[27]*6.0/24)
			var window, total float64
			from, to := time.Date(2025, 1, 24, 14, 30, 0, 0, time.UTC), time.Date(2025, 1, 27, 14, 30, 0, 0, time.UTC)
			for _, e := range runLedger(t, o, key) {
				if e.Kind != engine.CostBorrow {
					continue
				}
				total += e.Amount
				if at := time.Unix(0, e.Time).UTC(); at.After(from) && !at.After(to) {
					window += e.Amount
				}
			}
			if math.Abs(window-friMon) > 1e-9 || math.Abs(total-wantTotal) > 1e-9 {
				t.Errorf("borrow Friday 14:30Z → Monday 14:30Z %.9f, want %.9f; in all %.9f, want %.9f", window, friMon, total, wantTotal)
			}
			m := metricsCosts(t, o.Dir, key)
			if math.Abs(m["borrow"]-wantTotal) > 1e-9 {
				t.Errorf("metrics.json borrow %.9f, want %.9f", m["borrow"], wantTotal)
			}
		})
	}
}

// metricsCosts reads runs/<key>/metrics.json's metrics.costs.
func metricsCosts(t *testing.T, dir, key string) map[string]float64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "runs", key, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Metrics struct {
			Costs map[string]float64 `json:"costs"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m.Metrics.Costs
}

// A short perpetual on hourly bars paying a constant funding rate every 8
// hours, checked by hand under jumps placed between two settlements: each
// settlement (00:00, 08:00, 16:00 UTC) pays rate × qty × the mark, the
// mark being the close of the hourly bar that opens at the settlement
// (docs/execution.md, "Perpetual funding": the possibly shocked panel's
// price). A gap at 12:00Z moves the 16:00Z settlement on, not the 08:00Z
// one; a move during the 08:00Z bar (08:30Z, gap = false) is in that
// bar's close, so the 08:00Z settlement pays on it, though the move came
// half an hour after the settlement's instant.
func TestIntradayShockPerpetualFundingByHand(t *testing.T) {
	dir := t.TempDir()
	// TAO: 48 hourly bars from Monday 2025-01-06 00:00Z (k = 0 … 47),
	// bar k opening at 200.5 − k and closing at 200 − k.
	t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	const n = 48
	barsCSV(t, filepath.Join(dir, "TAO-USD.csv"), hours(t0, n),
		func(k int) float64 { return 200.5 - float64(k) },
		func(k int) float64 { return 200 - float64(k) })
	o, err := runIn(t, dir, `name = "funding audit"
cash = 1_000_000.0
start = "2025-01-06"
[data]
dir = "."
[output]
csv = "always"
[costs.crypto]
funding_rate = 0.001
funding_interval_hours = 8
[[strategy]]
name = "perp"
type = "buy-and-hold"
[strategy.params]
symbols = ["TAO"]
weights = [-1.0]
[[scenario]]
name = "between"
[[scenario.shock]]
type = "jump"
symbols = ["TAO"]
time = "2025-01-06T12:00:00Z"
move = -0.25
[[scenario]]
name = "inbar"
[[scenario.shock]]
type = "jump"
symbols = ["TAO"]
time = "2025-01-06T08:30:00Z"
gap = false
move = -0.25
`)
	if err != nil {
		t.Fatal(err)
	}
	// The short fills at the 01:00Z open, 199.5 (after the 00:00Z
	// settlement, which finds no position): qty = −1,000,000 / 199.5 =
	// −5,012.5313…; cash 2,000,000 after the sale.
	q := -1_000_000 / 199.5
	// Shocked closes: between: a gap at 12:00Z, × 0.75 from k = 12; inbar:
	// a move during the 08:00Z bar, × 0.75 from its close (k = 8) on.
	g := map[string]func(k int) float64{
		"perp": func(int) float64 { return 1 },
		"perp@between": func(k int) float64 {
			if k >= 12 {
				return 0.75
			}
			return 1
		},
		"perp@inbar": func(k int) float64 {
			if k >= 8 {
				return 0.75
			}
			return 1
		},
	}
	// Settlements at k = 8, 16, 24, 32, 40 (08:00Z, 16:00Z, 00:00Z of the
	// 7th, 08:00Z, 16:00Z), each paying q × C'(k) × 0.001 (the short
	// receives it); the closes there are 192, 184, 176, 168, 160:
	//   perp:    Σ C' = 880            → funding 0.88 q  = −4,411.0276
	//   between: 192 + 0.75 × 688 = 708 → funding 0.708 q = −3,548.8722
	//   inbar:   0.75 × 880 = 660      → funding 0.66 q  = −3,308.2707
	wantTotal := map[string]float64{"perp": 0.88 * q, "perp@between": 0.708 * q, "perp@inbar": 0.66 * q}
	for _, key := range []string{"perp", "perp@between", "perp@inbar"} {
		t.Run(key, func(t *testing.T) {
			fills := readFills(t, o.Dir, key)
			if len(fills) != 1 || fills[0][0] != "2025-01-06T01:00:00Z" || math.Abs(num(t, fills[0][2])-q) > 1e-9 || num(t, fills[0][3]) != 199.5 {
				t.Fatalf("fills %v, want one sale of %.6f TAO at 199.5 at 01:00Z", fills, q)
			}
			closeAt := func(k int) float64 { return (200 - float64(k)) * g[key](k) }
			var want []engine.Entry
			for _, k := range []int{8, 16, 24, 32, 40} {
				want = append(want, engine.Entry{Time: t0.Add(time.Duration(k) * time.Hour).UnixNano(), Kind: engine.CostFunding, Amount: q * closeAt(k) * 0.001})
			}
			var got []engine.Entry
			for _, e := range runLedger(t, o, key) {
				if e.Kind == engine.CostFunding {
					got = append(got, e)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%d settlements %+v, want %d", len(got), got, len(want))
			}
			for j := range want {
				if got[j].Time != want[j].Time || math.Abs(got[j].Amount-want[j].Amount) > 1e-9 {
					t.Errorf("settlement %d: %s %.9f, want %s %.9f", j, time.Unix(0, got[j].Time).UTC().Format(time.RFC3339), got[j].Amount,
						time.Unix(0, want[j].Time).UTC().Format(time.RFC3339), want[j].Amount)
				}
			}
			if m := metricsCosts(t, o.Dir, key); math.Abs(m["funding"]-wantTotal[key]) > 1e-9 {
				t.Errorf("metrics.json funding %.9f, want %.9f", m["funding"], wantTotal[key])
			}
			// The curve: cash 2,000,000 after the sale, up by −q × C' ×
			// 0.001 at each settlement; equity = cash + q × C'(k).
			c := readCurve(t, o.Dir, key)
			if len(c) != n {
				t.Fatalf("%d curve points, want %d", len(c), n)
			}
			cash := 2_000_000.0
			for k := 1; k < n; k++ {
				if k%8 == 0 {
					cash -= q * closeAt(k) * 0.001
				}
				if eq := cash + q*closeAt(k); math.Abs(c[k].cash-cash) > 1e-6 || math.Abs(c[k].equity-eq) > 1e-6 {
					t.Errorf("bar %d: cash %.6f equity %.6f, want %.6f, %.6f", k, c[k].cash, c[k].equity, cash, eq)
				}
			}
		})
	}
}
