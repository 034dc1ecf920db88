package experiment

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// byDay sums a run's ledger entries of kind by day.
func byDay(r *engine.Result, kind engine.CostKind) map[string]float64 {
	out := map[string]float64{}
	for _, e := range r.Ledger {
		if e.Kind == kind {
			out[data.FormatDay(e.Time)] += e.Amount
		}
	}
	return out
}

// rateFixture writes BTC at 100 every day from 2024-01-01 to 01-06, a
// wbtc borrow rate file and a usdc cash rate file into dir. Both files
// step at 2024-01-02 12:00 and 2024-01-04 00:00: wbtc borrow 7.3 % then
// 14.6 % a year; usdc supply 3.65 % then 7.3 %, borrow 7.3 % then
// 14.6 % (0.0001, 0.0002 and 0.0004 a day over 365).
func rateFixture(t *testing.T, dir string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	for k := 0; k < 6; k++ {
		fmt.Fprintf(&b, "%s,100,100,100,100,100,1000000\n", data.FormatDay(data.Day(2024, 1, 1)+int64(k)*data.NanosPerDay))
	}
	for name, text := range map[string]string{
		"prices/BTC.csv": b.String(),
		"wbtc.csv":       "time_utc,asset,supply_rate,borrow_rate\n2024-01-04T00:00:00Z,wbtc,0.002,0.146\n2024-01-02T12:00:00Z,wbtc,0.001,0.073\n",
		"usdc.csv":       "time_utc,asset,supply_rate,borrow_rate\n2024-01-02T12:00:00Z,usdc,0.0365,0.073\n2024-01-04T00:00:00Z,usdc,0.073,0.146\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// borrow_rate_file and cash_rate_file, by hand. 20,000 of cash; BTC flat
// at 100; [costs.crypto] borrow_rate = 0.036 (ACT/360), which BTC pays
// before its file's first row. Rows hold from their time on, ACT/365.
//
// "short" (weights BTC = −0.5) sells 100 BTC at the 01-02 open: cash
// 30,000, short value 10,000, the balance that earns 20,000. Borrow on
// 10,000 and interest on the balance (each step's accrual is the day
// before it; the day's borrow does not reduce the balance it is on):
//
//	step   borrow                                    interest earned (balance × usdc supply)
//	01-02  no position                               before the rows: 0
//	01-03  12 h 3.6 %/360 + 12 h 7.3 %/365           20,000 × 0.0001 × 0.5          = 1.00
//	       10,000 × (0.00005 + 0.0001) = 1.50         cash 30,000 − 1.50 + 1.00 = 29,999.50
//	01-04  10,000 × 0.0002 = 2.00                     19,999.50 × 0.0001             = 1.99995
//	       (the 14.6 % row at 01-04 00:00 not yet)    cash 29,999.49995
//	01-05  10,000 × 0.0004 = 4.00                     19,999.49995 × 0.0002          = 3.99989999
//	                                                  cash 29,999.49995 − 4 + 3.99989999 = 29,999.49984999
//	01-06  4.00                                       19,999.49984999 × 0.0002       = 3.999899969998
//
// borrow 11.50; interest −10.999649959998 (income).
//
// "long" (weights BTC = 1.5, max_gross 1.5) buys 300 at the 01-02 open:
// cash −10,000, paying usdc's borrow_rate:
//
//	01-03  12 h at 7.3 %: 10,000 × 0.0002 × 0.5     = 1.00           cash −10,001
//	01-04  10,001 × 0.0002                           = 2.0002         cash −10,003.0002
//	01-05  10,003.0002 × 0.0004                      = 4.00120008     cash −10,007.00140008
//	01-06  10,007.00140008 × 0.0004                  = 4.002800560032
//
// interest 11.004200640032 paid, no borrow.
func TestRateFilesByHand(t *testing.T) {
	dir := t.TempDir()
	rateFixture(t, dir)
	out, err := runIn(t, dir, `
name = "rate files"
seed = 1
cash = 20_000.0
commission_bps = 0.0
[data]
dir = "prices"
[costs]
cash_rate_file = "usdc.csv"
[costs.crypto]
borrow_rate = 0.036
[costs.symbols.BTC]
borrow_rate_file = "wbtc.csv"
[[strategy]]
name = "short"
type = "weights"
[strategy.params]
weights = { BTC = -0.5 }
[[strategy]]
name = "long"
type = "weights"
[strategy.params]
weights = { BTC = 1.5 }
max_gross = 1.5
`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		borrow, interest map[string]float64
		bTotal, iTotal   float64
	}{
		"short": {
			map[string]float64{"2024-01-03": 1.5, "2024-01-04": 2, "2024-01-05": 4, "2024-01-06": 4},
			map[string]float64{"2024-01-03": -1, "2024-01-04": -1.99995, "2024-01-05": -3.99989999, "2024-01-06": -3.999899969998},
			11.5, -10.999649959998,
		},
		"long": {
			map[string]float64{},
			map[string]float64{"2024-01-03": 1, "2024-01-04": 2.0002, "2024-01-05": 4.00120008, "2024-01-06": 4.002800560032},
			0, 11.004200640032,
		},
	}
	if len(out.Runs) != 2 {
		t.Fatalf("%d runs", len(out.Runs))
	}
	for _, r := range out.Runs {
		w := want[r.Key]
		for kind, m := range map[engine.CostKind]map[string]float64{engine.CostBorrow: w.borrow, engine.CostInterest: w.interest} {
			got := byDay(r.Result, kind)
			if len(got) != len(m) {
				t.Errorf("%s: %v on %v, want %v", r.Key, kind, got, m)
			}
			for day, v := range m {
				if math.Abs(got[day]-v) > 1e-9 {
					t.Errorf("%s: %v on %s = %.12f, want %.12f", r.Key, kind, day, got[day], v)
				}
			}
		}
		c := r.Result.Costs
		if math.Abs(c.Borrow-w.bTotal) > 0.005 || math.Abs(c.Interest-w.iTotal) > 0.005 {
			t.Errorf("%s: borrow %.4f, interest %.4f; want %.2f and %.2f to the cent", r.Key, c.Borrow, c.Interest, w.bTotal, w.iTotal)
		}
	}
	// The notes: which stablecoin; neither file covers the run's first
	// step (2024-01-01), and what holds before each.
	var notes []string
	for _, n := range out.Notes {
		if strings.Contains(n, "rate_file") {
			notes = append(notes, n)
		}
	}
	for _, sub := range []string{
		`costs.cash_rate_file: cash earns USDC's supply_rate and pays its borrow_rate ("usdc" in usdc.csv), per year of 365 days`,
		"costs.cash_rate_file starts at 2024-01-02T12:00:00Z, after the run's first step (2024-01-01): before it cash earns and pays nothing",
		"costs.symbols.BTC.borrow_rate_file starts at 2024-01-02T12:00:00Z, after the run's first step (2024-01-01): before it a short of BTC pays its class's borrow_rate, 0.036 a year (ACT/360)",
	} {
		found := false
		for _, n := range notes {
			found = found || n == sub
		}
		if !found {
			t.Errorf("no note %q in %q", sub, notes)
		}
	}
	if len(notes) != 3 {
		t.Errorf("notes %q", notes)
	}
}

// What a rate file may not stand beside, or be: each refused, naming the
// key or the file and line.
func TestRateFilesRefused(t *testing.T) {
	dir := t.TempDir()
	rateFixture(t, dir)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("time_utc,asset,supply_rate,borrow_rate\n2024-01-02T00:00:00Z,wbtc,0.01,0.02\n2024-01-03T00:00:00Z,wbtc,0.01,NaN\n"), 0o644)
	base := "name = \"x\"\ncash = 20_000.0\n[data]\ndir = \"prices\"\n%s\n[[strategy]]\nname = \"s\"\ntype = \"weights\"\n[strategy.params]\nweights = { BTC = -0.5 }\n"
	for _, tc := range []struct{ costs, want string }{
		{"[costs.symbols.BTC]\nborrow_rate = 0.05\nborrow_rate_file = \"wbtc.csv\"", "costs.symbols.BTC: set borrow_rate or borrow_rate_file, not both"},
		{"[costs.symbols.BTC]\nborrow_rate_file = \"wbtc.csv\"\n[costs.symbols.BTC.borrow]\nmodel = \"borrow\"\nrate = 0.05", "costs.symbols.BTC: set borrow_rate_file or borrow.model, not both"},
		{"[costs.crypto]\nborrow_rate_file = \"wbtc.csv\"", "costs.crypto.borrow_rate_file: a borrow rate file belongs to one instrument"},
		{"[costs.symbols.BTC]\nborrow_rate_file = \"usdc.csv\"", "usdc.csv:2: the file's rates are for USDC (\"usdc\"), not BTC"},
		{"[costs.symbols.BTC]\nborrow_rate_file = \"bad.csv\"", "bad.csv:3: borrow_rate \"NaN\" is not a finite number"},
		{"[costs.symbols.BTC]\nborrow_rate_file = \"missing.csv\"", "costs.symbols.BTC.borrow_rate_file"},
		// A perpetual pays funding, not borrow: the file would never be charged.
		{"[costs.crypto]\nfunding_rate = 0.0001\n[costs.symbols.BTC]\nborrow_rate_file = \"wbtc.csv\"", "costs.symbols.BTC.borrow_rate_file: BTC is a perpetual here"},
		{"[costs]\ncash_rate = 0.04\ncash_rate_file = \"usdc.csv\"", "costs: set cash_rate_file or cash_rate and borrow_cash_rate, not both"},
		{"[costs]\nborrow_cash_rate = 0.07\ncash_rate_file = \"usdc.csv\"", "not both"},
		{"[costs]\ncash_rate_file = \"usdc.csv\"\n[costs.interest]\nmodel = \"cash_interest\"\nrate = 0.01", "costs: set cash_rate_file or interest.model, not both"},
		{"[costs]\ncash_rate_file = \"wbtc.csv\"", "wbtc.csv:2: the file's rates are for BTC (\"wbtc\"), not a dollar stablecoin"},
		{"[costs]\ncash_rate_file = \"bad.csv\"", "costs.cash_rate_file: " + bad + ":3: borrow_rate \"NaN\""},
	} {
		path := filepath.Join(dir, "x.toml")
		os.WriteFile(path, []byte(fmt.Sprintf(base, tc.costs)), 0o644)
		f, err := Load(path)
		if err == nil {
			_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, computeOnly: true})
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.costs, err, tc.want)
		}
	}
}

// A file that stops before the run's end holds its last rates, said in
// a note, as is a rate over 100 % a year within the run; a file wholly
// after the run charges none of its rates.
func TestRateFileCoverageNotes(t *testing.T) {
	dir := t.TempDir()
	rateFixture(t, dir)
	os.WriteFile(filepath.Join(dir, "early.csv"), []byte("time_utc,asset,supply_rate,borrow_rate\n2023-12-30T23:00:00Z,wbtc,0.01,0.05\n2023-12-31T23:00:00Z,wbtc,0.01,1.4999999500631385\n2024-01-01T23:00:00Z,wbtc,0.01,0.05\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "late.csv"), []byte("date,asset,supply_rate,borrow_rate\n2024-02-01,usdc,0.01,0.05\n"), 0o644)
	path := filepath.Join(dir, "x.toml")
	os.WriteFile(path, []byte("name = \"x\"\n[data]\ndir = \"prices\"\n[costs]\ncash_rate_file = \"late.csv\"\n[costs.symbols.BTC]\nborrow_rate_file = \"early.csv\"\n[[strategy]]\nname = \"s\"\ntype = \"weights\"\n[strategy.params]\nweights = { BTC = -0.5 }\n"), 0o644)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for sub, want := range map[string]string{
		// Last row 2024-01-01 23:00, a day's spacing; the last step
		// 2024-01-06 is 4.042 days on (over 1.5 days).
		"borrow_rate_file ends": "costs.symbols.BTC.borrow_rate_file ends at 2024-01-01T23:00:00Z, 4.042 days before the run's last step (2024-01-06): its last row's borrow_rate 0.05 a year are held to the end",
		// The 150 % row is in force at the run's first step; its rate,
		// 1.4999999500631385 in the file (written to 17 digits, as
		// the real pool exports are), is given to 6 digits.
		"borrow_rate of 1.5": "costs.symbols.BTC.borrow_rate_file has a borrow_rate of 1.5 a year (line 3, 2023-12-31T23:00:00Z), 150 %: real pools reach this past their utilisation kink, but check the file is not written in percent",
		// 2024-02-01's rate holds from 02-02.
		"cash_rate_file starts": "costs.cash_rate_file starts at 2024-02-02T00:00:00Z, after the run's last step (2024-01-06): none of its rates falls within the run: cash earns and pays nothing",
	} {
		got := notesWith(t, f, sub)
		if len(got) != 1 || got[0] != want {
			t.Errorf("notes with %q: %q, want %q", sub, got, want)
		}
	}
}

// The real Aave v2 files with a short BTC on the real daily bars: the
// borrow fee follows aave_v2_wbtc.csv's borrow_rate and the cash earns
// aave_v2_usdc.csv's supply_rate, each row from its own second, over a
// year of 365 days (31,536,000 s).
//
// Interest at the step of 01-02, on 1,000,000 of cash: usdc's row of
// 2020-12-31T23:52:42Z (0.04427876309980293) until
// 2021-01-01T23:51:32Z (85,892 s), then 0.04786147941820138 (508 s):
//
//	1,000,000 × (0.04427876309980293 × 85,892 + 0.04786147941820138 × 508) / 31,536,000 = 121.37 earned
//
// The short is sized on the equity at its fill, the 2021-01-02 open:
// 0.5 × 1,000,121.37 / 29,331.7 = 17.048472631865 BTC (proceeds
// 500,060.68). The step of 01-03 accrues 01-02 00:00 → 01-03 00:00 on the
// short at 01-02's close (32,178.33: 548,591.38); wbtc's row of
// 2021-01-01T23:57:58Z (0.003203594101845823) holds until
// 2021-01-02T23:59:21Z (86,361 s), whose rate (0.004574077224140577)
// holds the last 39 s:
//
//	548,591.38 × (0.003203594101845823 × 86,361 + 0.004574077224140577 × 39) / 31,536,000 = 4.82
//
// The step of 01-04, on 01-03's close (33,000.05: 562,600.45): 86,293 s
// at 0.004574077224140577, then 107 s from 2021-01-03T23:58:13Z at
// 0.0046633645754409515:
//
//	562,600.45 × (0.004574077224140577 × 86,293 + 0.0046633645754409515 × 107) / 31,536,000 = 7.05
//
// Interest at 01-03, on cash 1,000,121.37 + 500,060.68 less the short's
// 548,591.38 = 951,590.68: 0.04786147941820138 until
// 2021-01-02T23:59:22Z (86,362 s), then 0.047263948089706694 (38 s):
//
//	951,590.68 × (0.04786147941820138 × 86,362 + 0.047263948089706694 × 38) / 31,536,000 = 124.78 earned
func TestRealBTCRateFilesByHand(t *testing.T) {
	d := sharedData(t)
	wbtc, usdc := filepath.Join(d, "other/borrow_rates/aave_v2_wbtc.csv"), filepath.Join(d, "other/borrow_rates/aave_v2_usdc.csv")
	for _, p := range []string{wbtc, usdc} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("no real rate file: %v", err)
		}
	}
	out, err := runIn(t, t.TempDir(), fmt.Sprintf(`
name = "btc short on aave rates"
seed = 1
cash = 1_000_000.0
commission_bps = 0.0
start = "2021-01-01"
end = "2021-01-05"
[data]
dir = %q
[costs]
cash_rate_file = %q
[costs.symbols.BTC]
borrow_rate_file = %q
[[strategy]]
name = "short"
type = "weights"
[strategy.params]
weights = { BTC = -0.5 }
`, filepath.Join(d, "prices"), usdc, wbtc))
	if err != nil {
		t.Fatal(err)
	}
	const year = 365 * 86400.0
	i2 := 1e6 * (0.04427876309980293*85892 + 0.04786147941820138*508) / year
	q := 0.5 * (1e6 + i2) / 29331.7
	b3 := q * 32178.33 * (0.003203594101845823*86361 + 0.004574077224140577*39) / year
	b4 := q * 33000.05 * (0.004574077224140577*86293 + 0.0046633645754409515*107) / year
	i3 := (1e6 + i2 + q*29331.7 - q*32178.33) * (0.04786147941820138*86362 + 0.047263948089706694*38) / year
	for _, c := range []struct {
		name      string
		got, hand float64
	}{{"b3", b3, 4.82}, {"b4", b4, 7.05}, {"i2", i2, 121.37}, {"i3", i3, 124.78}} {
		if math.Abs(c.got-c.hand) > 0.005 {
			t.Fatalf("%s: the formula gives %.4f, the hand sum %.2f", c.name, c.got, c.hand)
		}
	}
	r := out.Runs[0].Result
	borrow, interest := byDay(r, engine.CostBorrow), byDay(r, engine.CostInterest)
	for _, c := range []struct {
		what      string
		got, want float64
	}{{"borrow 01-03", borrow["2021-01-03"], b3}, {"borrow 01-04", borrow["2021-01-04"], b4},
		{"interest 01-02", interest["2021-01-02"], -i2}, {"interest 01-03", interest["2021-01-03"], -i3}} {
		if math.Abs(c.got-c.want) > 1e-9*math.Abs(c.want) {
			t.Errorf("%s = %.9f, want %.9f", c.what, c.got, c.want)
		}
	}
	// The files cover the run: only the note naming the stablecoin.
	if len(out.Notes) != 1 || !strings.Contains(out.Notes[0], `cash earns USDC's supply_rate and pays its borrow_rate ("usdc" in aave_v2_usdc.csv)`) {
		t.Errorf("notes %q", out.Notes)
	}
}

// A rate file missing days within the run is noted: rows at 2023-12-31,
// 2024-01-01, 01-02 and 01-05, 23:00Z, a day apart but for the 3 days
// from 01-02 23:00 to 01-05 23:00 (01-03 and 01-04 have no row), inside
// the run (2024-01-01 to 01-06): 01-02's rate is held across the gap. A
// file a day apart throughout gets no such note. In a daily file a gap
// is a UTC day without a row, so that one missing day is noted whatever
// the times of the rows beside it.
func TestRateFileGapNote(t *testing.T) {
	dir := t.TempDir()
	rateFixture(t, dir)
	os.WriteFile(filepath.Join(dir, "gap.csv"), []byte("time_utc,asset,supply_rate,borrow_rate\n2023-12-31T23:00:00Z,wbtc,0.01,0.05\n2024-01-01T23:00:00Z,wbtc,0.01,0.06\n2024-01-02T23:00:00Z,wbtc,0.01,0.07\n2024-01-05T23:00:00Z,wbtc,0.01,0.08\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "oneday.csv"), []byte("time_utc,asset,supply_rate,borrow_rate\n2023-12-31T23:00:00Z,wbtc,0.01,0.05\n2024-01-01T23:00:00Z,wbtc,0.01,0.06\n2024-01-02T23:00:00Z,wbtc,0.01,0.07\n2024-01-04T23:00:00Z,wbtc,0.01,0.08\n2024-01-05T23:00:00Z,wbtc,0.01,0.08\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "aave.csv"), []byte("time_utc,asset,supply_rate,borrow_rate\n2023-12-31T23:59:47Z,wbtc,0.01,0.05\n2024-01-01T23:58:11Z,wbtc,0.01,0.06\n2024-01-02T23:59:23Z,wbtc,0.01,0.07\n2024-01-04T23:54:35Z,wbtc,0.01,0.08\n2024-01-05T23:59:00Z,wbtc,0.01,0.08\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "jitter.csv"), []byte("time_utc,asset,supply_rate,borrow_rate\n2023-12-31T23:00:00Z,wbtc,0.01,0.05\n2024-01-01T11:27:12Z,wbtc,0.01,0.06\n2024-01-02T23:28:24Z,wbtc,0.01,0.07\n2024-01-03T23:00:00Z,wbtc,0.01,0.08\n2024-01-04T23:00:00Z,wbtc,0.01,0.08\n2024-01-05T23:00:00Z,wbtc,0.01,0.08\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "dated.csv"), []byte("date,asset,supply_rate,borrow_rate\n2023-12-30,wbtc,0.01,0.05\n2023-12-31,wbtc,0.01,0.05\n2024-01-01,wbtc,0.01,0.06\n2024-01-03,wbtc,0.01,0.07\n2024-01-04,wbtc,0.01,0.08\n2024-01-05,wbtc,0.01,0.08\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "full.csv"), []byte("time_utc,asset,supply_rate,borrow_rate\n2023-12-31T23:00:00Z,wbtc,0.01,0.05\n2024-01-01T23:00:00Z,wbtc,0.01,0.06\n2024-01-02T23:00:00Z,wbtc,0.01,0.07\n2024-01-03T23:00:00Z,wbtc,0.01,0.07\n2024-01-04T23:00:00Z,wbtc,0.01,0.07\n2024-01-05T23:00:00Z,wbtc,0.01,0.08\n"), 0o644)
	for file, want := range map[string][]string{
		"gap.csv":  {"costs.symbols.BTC.borrow_rate_file has 1 gap(s) within the run, 2 day(s) without a row (it has a row a day), the first from 2024-01-02T23:00:00Z to 2024-01-05T23:00:00Z: the rate before a gap is held across it"},
		"full.csv": nil,
		// One day missing, 48 h between rows at 23:00: exactly twice the
		// day, which the rule "over twice the usual spacing" let pass.
		"oneday.csv": {"costs.symbols.BTC.borrow_rate_file has 1 gap(s) within the run, 1 day(s) without a row (it has a row a day), the first from 2024-01-02T23:00:00Z to 2024-01-04T23:00:00Z: the rate before a gap is held across it"},
		// Aave's snapshots near the end of each day, 2024-01-03's missing:
		// 01-02 23:59:23 to 01-04 23:54:35 is 47.92 h (the shared
		// aave_v2_usdc.csv's 2022-09-24 to 09-26), under twice the day.
		"aave.csv": {"costs.symbols.BTC.borrow_rate_file has 1 gap(s) within the run, 1 day(s) without a row (it has a row a day), the first from 2024-01-02T23:59:23Z to 2024-01-04T23:54:35Z: the rate before a gap is held across it"},
		// A row every day at times that wander (Aave v2 UNI's 2021-08-31
		// 11:27:12 then 09-01 23:28:24, 36 h): no day without a row.
		"jitter.csv": nil,
		// Compound's dates, 2024-01-02 missing: its rows hold from the
		// ends of 01-01 and 01-03, exactly two days apart.
		"dated.csv": {"costs.symbols.BTC.borrow_rate_file has 1 gap(s) within the run, 1 day(s) without a row (it has a row a day), the first from 2024-01-01 to 2024-01-03: the rate before a gap is held across it"},
	} {
		path := filepath.Join(dir, "x.toml")
		os.WriteFile(path, []byte("name = \"x\"\n[data]\ndir = \"prices\"\n[costs.symbols.BTC]\nborrow_rate_file = \""+file+"\"\n[[strategy]]\nname = \"s\"\ntype = \"weights\"\n[strategy.params]\nweights = { BTC = -0.5 }\n"), 0o644)
		f, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := notesWith(t, f, "gap(s)"); !slices.Equal(got, want) {
			t.Errorf("%s: notes %q, want %q", file, got, want)
		}
	}
}

// The shared Aave v2 files have no row for 2022-09-18 and 2022-09-25
// (nor 2022-11-10): USDC's snapshots 2022-09-17T23:59:47Z →
// 09-19T23:58:11Z (47.97 h) and 09-24T23:59:23Z → 09-26T23:54:35Z
// (47.92 h), WBTC's 09-17T23:49:11Z → 09-19T23:00:47Z (47.19 h) and
// 09-24T23:12:35Z → 09-26T23:24:11Z (48.19 h). Over September 2022 each
// file is noted with its 2 missing days; the rule "over twice the usual
// spacing" noted WBTC's second gap alone, and USDC's none.
func TestRealAaveMissingDaysNoted(t *testing.T) {
	d := sharedData(t)
	wbtc, usdc := filepath.Join(d, "other/borrow_rates/aave_v2_wbtc.csv"), filepath.Join(d, "other/borrow_rates/aave_v2_usdc.csv")
	for _, p := range []string{wbtc, usdc} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("no real rate file: %v", err)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "x.toml")
	os.WriteFile(path, []byte(fmt.Sprintf(`
name = "btc short on aave rates, september 2022"
start = "2022-09-01"
end = "2022-10-01"
[data]
dir = %q
[costs]
cash_rate_file = %q
[costs.symbols.BTC]
borrow_rate_file = %q
[[strategy]]
name = "short"
type = "weights"
[strategy.params]
weights = { BTC = -0.5 }
`, filepath.Join(d, "prices"), usdc, wbtc)), 0o644)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"costs.cash_rate_file has 2 gap(s) within the run, 2 day(s) without a row (it has a row a day), the first from 2022-09-17T23:59:47Z to 2022-09-19T23:58:11Z: the rate before a gap is held across it",
		"costs.symbols.BTC.borrow_rate_file has 2 gap(s) within the run, 2 day(s) without a row (it has a row a day), the first from 2022-09-17T23:49:11Z to 2022-09-19T23:00:47Z: the rate before a gap is held across it",
	}
	if got := notesWith(t, f, "gap(s)"); !slices.Equal(got, want) {
		t.Errorf("notes %q, want %q", got, want)
	}
}

// A [costs.symbols.SYM] table for an instrument no strategy trades is
// refused (a typo, or a table left from another experiment), and the
// error says why: SOL.csv lies in the data folder beside BTC.csv, but the
// experiment loads only the instruments its strategies name, so "the
// experiment's data has no such instrument" sent one looking for a file
// that is there.
func TestCostsForAnInstrumentNotTraded(t *testing.T) {
	dir := t.TempDir()
	rateFixture(t, dir)
	b, err := os.ReadFile(filepath.Join(dir, "prices/BTC.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "prices/SOL.csv"), b, 0o644)
	os.WriteFile(filepath.Join(dir, "sol.csv"), []byte("funding_time_utc,symbol,funding_rate\n2024-01-01T00:00:00Z,SOLUSDT,0.0001\n"), 0o644)
	_, err = runIn(t, dir, "name = \"x\"\n[data]\ndir = \"prices\"\n[costs.symbols.SOL]\nfunding_file = \"sol.csv\"\n[[strategy]]\nname = \"s\"\ntype = \"weights\"\n[strategy.params]\nweights = { BTC = -0.5 }\n")
	want := "costs.symbols.SOL: no strategy of the experiment trades SOL (the runs' instruments: BTC): the table applies to none"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}

// A lending rate file whose asset is not the table's instrument (or, for
// cash, not a dollar stablecoin) is refused naming the key, the file and
// line, and the mapping key: borrow_rate_asset beside borrow_rate_file,
// cash_rate_asset beside cash_rate_file, the asset as written (any case),
// as funding_symbol maps a funding file's symbol. Other tools' spellings
// data.RateAsset reads (aEthWBTC, cUSDC) need no key. BTC is flat at 100
// and shorted 0.5 × 20,000 = 100 BTC.
func TestRateFileAssetMapping(t *testing.T) {
	dir := t.TempDir()
	rateFixture(t, dir)
	for name, asset := range map[string]string{"aeth.csv": "aEthWBTC", "cusdc.csv": "cUSDC", "xbt.csv": "xbt", "usdbc.csv": "USDbC"} {
		text := "time_utc,asset,supply_rate,borrow_rate\n2024-01-02T12:00:00Z," + asset + ",0.0365,0.073\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := "name = \"x\"\ncash = 20_000.0\n[data]\ndir = \"prices\"\n%s\n[[strategy]]\nname = \"s\"\ntype = \"weights\"\n[strategy.params]\nweights = { BTC = -0.5 }\n"
	for _, tc := range []struct{ name, costs, want string }{
		{"aave v3 token", "[costs.symbols.BTC]\nborrow_rate_file = \"aeth.csv\"", ""},
		{"compound token, cash", "[costs]\ncash_rate_file = \"cusdc.csv\"", ""},
		{"unknown asset", "[costs.symbols.BTC]\nborrow_rate_file = \"xbt.csv\"",
			"costs.symbols.BTC.borrow_rate_file: " + filepath.Join(dir, "xbt.csv") + ":2: the file's rates are for XBT (\"xbt\"), not BTC: if it is BTC's pool, add borrow_rate_asset = \"xbt\" to [costs.symbols.BTC]"},
		{"mapped", "[costs.symbols.BTC]\nborrow_rate_file = \"xbt.csv\"\nborrow_rate_asset = \"XBT\"", ""},
		{"mapped to another", "[costs.symbols.BTC]\nborrow_rate_file = \"xbt.csv\"\nborrow_rate_asset = \"wbtc\"",
			"costs.symbols.BTC.borrow_rate_asset = \"wbtc\": the file " + filepath.Join(dir, "xbt.csv") + " writes \"xbt\" (line 2)"},
		{"asset without a file", "[costs.symbols.BTC]\nborrow_rate_asset = \"xbt\"", "costs.symbols.BTC.borrow_rate_asset: names the asset a borrow_rate_file writes; set one beside it"},
		{"cash, unknown stablecoin", "[costs]\ncash_rate_file = \"usdbc.csv\"",
			"costs.cash_rate_file: " + filepath.Join(dir, "usdbc.csv") + ":2: the file's rates are for USDBC (\"USDbC\"), not a dollar stablecoin"},
		{"cash, unknown stablecoin, the key", "[costs]\ncash_rate_file = \"usdbc.csv\"", "if \"USDbC\" is a dollar stablecoin's pool, add cash_rate_asset = \"USDbC\" to [costs]"},
		{"cash mapped", "[costs]\ncash_rate_file = \"usdbc.csv\"\ncash_rate_asset = \"usdbc\"", ""},
		{"cash mapped to another", "[costs]\ncash_rate_file = \"usdbc.csv\"\ncash_rate_asset = \"USDC\"",
			"costs.cash_rate_asset = \"USDC\": the file " + filepath.Join(dir, "usdbc.csv") + " writes \"USDbC\" (line 2)"},
		{"cash asset without a file", "[costs]\ncash_rate_asset = \"USDbC\"", "costs.cash_rate_asset: names the asset a cash_rate_file writes; set one beside it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "x.toml")
			if err := os.WriteFile(path, []byte(fmt.Sprintf(base, tc.costs)), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Load(path)
			if err == nil {
				_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, computeOnly: true})
			}
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// A rate file whose rates in force within the run are all 0 charges
// nothing, as one wholly after the run does, and says so: a pool that
// did not lend the asset writes 0s (the shared aave_v1_uni.csv is 0 on
// every row), and a short on it was free without a word. The rows in
// force from the first step (2024-01-01) to the last (2024-01-06) are
// those of 2023-12-31T23:00 (at the first step) and after: zero.csv's
// three are 0 (the 0.09 of 2023-12-30 is replaced before the run
// starts); usdc0.csv's supply and borrow are 0 on both rows. A file with
// one rate above 0 in force (wbtc.csv, borrow 0.073 and 0.146) has no
// such note, nor a borrow file whose supply_rate alone is 0 (only its
// borrow_rate is charged).
func TestRateFileZeroRatesNoted(t *testing.T) {
	dir := t.TempDir()
	rateFixture(t, dir)
	for name, text := range map[string]string{
		"zero.csv":       "time_utc,asset,supply_rate,borrow_rate\n2023-12-30T23:00:00Z,wbtc,0.01,0.09\n2023-12-31T23:00:00Z,wbtc,0,0\n2024-01-02T23:00:00Z,wbtc,0,0.0\n2024-01-04T23:00:00Z,wbtc,0.0,0\n",
		"usdc0.csv":      "date,asset,supply_rate,borrow_rate\n2023-12-30,usdc,0,0\n2024-01-02,usdc,0.0,0.0\n",
		"supply0.csv":    "time_utc,asset,supply_rate,borrow_rate\n2023-12-31T23:00:00Z,wbtc,0,0.05\n",
		"prices/ETH.csv": "date,open,high,low,close,adj_close,volume\n2024-01-01,10,10,10,10,10,1\n2024-01-02,10,10,10,10,10,1\n2024-01-03,10,10,10,10,10,1\n2024-01-04,10,10,10,10,10,1\n2024-01-05,10,10,10,10,10,1\n2024-01-06,10,10,10,10,10,1\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, costs string
		want        []string
	}{
		{"borrow and cash all zero", "[costs]\ncash_rate_file = \"usdc0.csv\"\n[costs.symbols.BTC]\nborrow_rate_file = \"zero.csv\"\n", []string{
			"costs.cash_rate_file: every supply_rate and borrow_rate in force within the run is 0 (2 row(s)): cash earns and pays nothing at the file's rates; a pool that did not lend the asset writes 0s",
			"costs.symbols.BTC.borrow_rate_file: every borrow_rate in force within the run is 0 (3 row(s)): a short of BTC pays no borrow fee at the file's rates; a pool that did not lend the asset writes 0s",
		}},
		{"rates above zero", "[costs]\ncash_rate_file = \"usdc.csv\"\n[costs.symbols.BTC]\nborrow_rate_file = \"wbtc.csv\"\n", nil},
		{"supply zero alone", "[costs.symbols.BTC]\nborrow_rate_file = \"supply0.csv\"\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "x.toml")
			os.WriteFile(path, []byte("name = \"x\"\n[data]\ndir = \"prices\"\n"+tc.costs+"[[strategy]]\nname = \"s\"\ntype = \"weights\"\n[strategy.params]\nweights = { BTC = -0.5, ETH = 0.5 }\n"), 0o644)
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			got := notesWith(t, f, "in force within the run is 0")
			if !slices.Equal(got, tc.want) {
				t.Errorf("notes:\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

// A rate file whose supply_rate is above its borrow_rate on most of its
// rows is noted when it is in force within the run: the columns may be
// swapped, and a short would pay the supply rate. Real Aave v2
// stablecoin pools have it on some days, in runs of days, so it is
// judged over the file, not the run's window (a two-day run of the shared
// aave_v2_usdc.csv from 2021-01-01 has it on 3 of the 4 rows in force,
// the file on 50 of 709), and the file is never refused. The run's steps
// are 2024-01-01 to 01-06 (rateFixture):
//
//	swapped.csv   rows 01-02 12:00 (0.073 > 0.001), 01-04 (0.146 > 0.002):
//	              2 of 2 → noted, the first at line 2
//	some.csv      rows 01-02 (0.05 > 0.04), 01-03 and 01-04 (0.01 < 0.05):
//	              1 of 3 → not noted
//	usdcswap.csv  dates 2023-12-30 (0.01 < 0.02), 2024-01-01 (0.08 >
//	              0.03) and 01-03 (0.09 > 0.04): 2 of 3 → noted, the
//	              first at line 3, the date 2024-01-01
//	old.csv       the same as swapped.csv in 2023, all before the run
//	              (its last row held on, in force) → noted
//	late.csv      swapped rows from 2024-02-01, none in force within the
//	              run → not noted (the file is said to start after it)
//	wbtc.csv, usdc.csv (supply below borrow throughout) → not noted
func TestRateFileSupplyAboveBorrowNoted(t *testing.T) {
	dir := t.TempDir()
	rateFixture(t, dir)
	for name, text := range map[string]string{
		"swapped.csv":  "time_utc,asset,supply_rate,borrow_rate\n2024-01-02T12:00:00Z,wbtc,0.073,0.001\n2024-01-04T00:00:00Z,wbtc,0.146,0.002\n",
		"some.csv":     "time_utc,asset,supply_rate,borrow_rate\n2024-01-02T00:00:00Z,wbtc,0.05,0.04\n2024-01-03T00:00:00Z,wbtc,0.01,0.05\n2024-01-04T00:00:00Z,wbtc,0.01,0.05\n",
		"usdcswap.csv": "date,asset,supply_rate,borrow_rate\n2023-12-30,usdc,0.01,0.02\n2024-01-01,usdc,0.08,0.03\n2024-01-03,usdc,0.09,0.04\n",
		"old.csv":      "time_utc,asset,supply_rate,borrow_rate\n2023-01-02T12:00:00Z,wbtc,0.073,0.001\n2023-01-04T00:00:00Z,wbtc,0.146,0.002\n",
		"late.csv":     "time_utc,asset,supply_rate,borrow_rate\n2024-02-01T00:00:00Z,wbtc,0.073,0.001\n2024-02-02T00:00:00Z,wbtc,0.146,0.002\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, costs string
		want        []string
	}{
		{"borrow file swapped", "[costs.symbols.BTC]\nborrow_rate_file = \"swapped.csv\"\n", []string{
			"costs.symbols.BTC.borrow_rate_file has a supply_rate above its borrow_rate on 2 of its 2 row(s) (the first at line 2, 2024-01-02T12:00:00Z: 0.073 > 0.001): check that the columns are not swapped (a short of BTC pays the borrow_rate); a pool pays suppliers less than borrowers pay, save days of an Aave v2 pool whose stable-rate borrows pay more",
		}},
		{"cash file mostly above", "[costs]\ncash_rate_file = \"usdcswap.csv\"\n", []string{
			"costs.cash_rate_file has a supply_rate above its borrow_rate on 2 of its 3 row(s) (the first at line 3, 2024-01-01: 0.08 > 0.03): check that the columns are not swapped (a negative cash balance pays the borrow_rate); a pool pays suppliers less than borrowers pay, save days of an Aave v2 pool whose stable-rate borrows pay more",
		}},
		{"a minority of rows", "[costs.symbols.BTC]\nborrow_rate_file = \"some.csv\"\n", nil},
		{"before the run, held on", "[costs.symbols.BTC]\nborrow_rate_file = \"old.csv\"\n", []string{
			"costs.symbols.BTC.borrow_rate_file has a supply_rate above its borrow_rate on 2 of its 2 row(s) (the first at line 2, 2023-01-02T12:00:00Z: 0.073 > 0.001): check that the columns are not swapped (a short of BTC pays the borrow_rate); a pool pays suppliers less than borrowers pay, save days of an Aave v2 pool whose stable-rate borrows pay more",
		}},
		{"after the run", "[costs.symbols.BTC]\nborrow_rate_file = \"late.csv\"\n", nil},
		{"supply below borrow", "[costs]\ncash_rate_file = \"usdc.csv\"\n[costs.symbols.BTC]\nborrow_rate_file = \"wbtc.csv\"\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "x.toml")
			if err := os.WriteFile(path, []byte("name = \"x\"\n[data]\ndir = \"prices\"\n"+tc.costs+"[[strategy]]\nname = \"s\"\ntype = \"weights\"\n[strategy.params]\nweights = { BTC = -0.5 }\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			got := notesWith(t, f, "supply_rate above its borrow_rate")
			if !slices.Equal(got, tc.want) {
				t.Errorf("notes:\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
