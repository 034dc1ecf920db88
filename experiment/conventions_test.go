package experiment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// conventionsData writes AAA, five sessions (open = close − 1):
//
//	date        open  close
//	2024-01-02     9    10
//	2024-01-03     7     8
//	2024-01-04    11    12
//	2024-01-05    12    13
//	2024-01-08    13    14
func conventionsData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	csv := "date,open,high,low,close,adj_close,volume\n" +
		"2024-01-02,9,10,9,10,10,100\n2024-01-03,7,8,7,8,8,100\n2024-01-04,11,12,11,12,12,100\n" +
		"2024-01-05,12,13,12,13,13,100\n2024-01-08,13,14,13,14,14,100\n"
	if err := os.WriteFile(filepath.Join(dir, "AAA.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runConv(t *testing.T, dir, text string) *Outcome {
	t.Helper()
	f, err := Parse(filepath.Join(dir, "e.toml"), text)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{DataDir: dir, Out: t.TempDir(), Workers: 1, Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// warmup = false cuts the data at start. sma-cross fast 1, slow 2, start
// 2024-01-04, cash 1,000:
//
//   - warm (default): at the first step, 01-04, the strategy sees three
//     bars: SMA1 = 12 > SMA2 = (8 + 12)/2 = 10 → long, filled at 01-05's
//     open, 12: 1,000/12 units.
//   - cold: at 01-04 it sees one bar (< slow: no signal); at 01-05, two:
//     SMA1 = 13 > SMA2 = (12 + 13)/2 = 12.5 → long, filled at 01-08's
//     open, 13: 1,000/13 units. Bar 0 of AAA is 01-04.
func TestWarmupFalseStartsCold(t *testing.T) {
	dir := conventionsData(t)
	text := func(warm string) string {
		return "name = \"warm\"\ncash = 1000.0\nstart = \"2024-01-04\"\n" + warm +
			"[data]\ndir = \".\"\n[[strategy]]\nname = \"sma\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = \"AAA\"\nfast = 1\nslow = 2\n"
	}
	for _, tc := range []struct {
		warm      string
		day       string
		price     float64
		firstBar  string
		panelBars int
	}{
		{"", "2024-01-05", 12, "2024-01-02", 5},
		{"warmup = true\n", "2024-01-05", 12, "2024-01-02", 5},
		{"warmup = false\n", "2024-01-08", 13, "2024-01-04", 3},
	} {
		o := runConv(t, dir, text(tc.warm))
		fills := o.Runs[0].Result.Fills
		if len(fills) != 1 || data.FormatDay(fills[0].Time) != tc.day || fills[0].Price != tc.price || !near(fills[0].Qty, 1000/tc.price) {
			t.Errorf("%q: fills %+v, want one buy of 1000/%g at %g on %s", tc.warm, fills, tc.price, tc.price, tc.day)
		}
		s := o.Panel.Series[0]
		if data.FormatDay(s.Time[0]) != tc.firstBar || s.Len() != tc.panelBars {
			t.Errorf("%q: the runs' panel starts %s with %d bars, want %s with %d", tc.warm, data.FormatDay(s.Time[0]), s.Len(), tc.firstBar, tc.panelBars)
		}
		if c := o.Runs[0].Result.Curve; data.FormatDay(c.Time[0]) != "2024-01-04" || len(c.Time) != 3 {
			t.Errorf("%q: the curve starts %s with %d points, want 2024-01-04 with 3", tc.warm, data.FormatDay(c.Time[0]), len(c.Time))
		}
	}
	// A start on a weekend: bar 0 is the first bar after it.
	o := runConv(t, dir, strings.Replace(text("warmup = false\n"), "2024-01-04", "2024-01-06", 1))
	if s := o.Panel.Series[0]; data.FormatDay(s.Time[0]) != "2024-01-08" || s.Len() != 1 {
		t.Errorf("start on a Saturday: bar 0 %s of %d, want 2024-01-08 of 1", data.FormatDay(s.Time[0]), s.Len())
	}
}

// The experiment's fill applies to the strategies that set none; a
// strategy's own fill wins. fill = "close", warm, start 2024-01-04, the
// same signal as above (long on 01-04's close):
//
//   - "top": no fill of its own → market-on-close at 01-04's close, 12;
//   - "own": fill = "next-open" → 01-05's open, 12 as well, but a day
//     later;
//   - "hold": buy-and-hold, decided at the first step 01-04 → at its close.
func TestExperimentFillAndStrategyFill(t *testing.T) {
	dir := conventionsData(t)
	o := runConv(t, dir, `name = "fill"
cash = 1000.0
start = "2024-01-04"
fill = "close"
[data]
dir = "."
[[strategy]]
name = "top"
type = "sma-cross"
[strategy.params]
symbol = "AAA"
fast = 1
slow = 2
[[strategy]]
name = "own"
type = "sma-cross"
[strategy.params]
symbol = "AAA"
fast = 1
slow = 2
fill = "next-open"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA"]
`)
	want := map[string]string{"top": "2024-01-04", "own": "2024-01-05", "hold": "2024-01-04"}
	for _, r := range o.Runs {
		fills := r.Result.Fills
		if len(fills) != 1 || data.FormatDay(fills[0].Time) != want[r.Strategy] || fills[0].Price != 12 || !near(fills[0].Qty, 1000.0/12) {
			t.Errorf("%s: fills %+v, want 1000/12 at 12 on %s", r.Strategy, fills, want[r.Strategy])
		}
		if got := r.Params["fill"]; (r.Strategy == "own") != (got == "next-open") || (r.Strategy != "own" && got != "close") {
			t.Errorf("%s: effective fill %v", r.Strategy, got)
		}
	}
	if _, err := Parse("e.toml", "name = \"x\"\nfill = \"open\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"a\"\ntype = \"sma-cross\"\n"); err == nil ||
		!strings.Contains(err.Error(), `fill = "open": want "next-open" or "close"`) {
		t.Errorf("fill = open: %v", err)
	}
}

func near(a, b float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= 1e-12*max(a, b, -a, -b)
}

// margin_mode per class and per symbol: a typed value whose spelling is
// checked with its key; isolated needs an initial margin.
func TestMarginModeKey(t *testing.T) {
	base := "name = \"m\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"a\"\ntype = \"sma-cross\"\n"
	classes := map[string]data.Class{"BTC": data.Crypto, "TAO": data.Crypto, "NVDA": data.Equity}
	classOf := func(s string) (data.Class, bool) { c, ok := classes[s]; return c, ok }
	f, err := Parse("m.toml", base+"[costs.crypto]\ninitial_margin = 0.2\nmargin_mode = \"isolated\"\n[costs.symbols.TAO]\nmargin_mode = \"cross\"\n")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := f.engineBase(engine.Registry{}, classOf)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Crypto.MarginMode != engine.Isolated || cfg.Symbols["TAO"].MarginMode != engine.Cross || cfg.Equity.MarginMode != engine.Cross {
		t.Errorf("modes: crypto %v, TAO %v, equity %v", cfg.Crypto.MarginMode, cfg.Symbols["TAO"].MarginMode, cfg.Equity.MarginMode)
	}
	if _, err := Parse("m.toml", base+"[costs.crypto]\nmargin_mode = \"portfolio\"\n"); err == nil ||
		!strings.Contains(err.Error(), `costs.crypto.margin_mode = "portfolio": want "cross" or "isolated"`) {
		t.Errorf("bad spelling: %v", err)
	}
	f, err = Parse("m.toml", base+"[costs.symbols.BTC]\nmargin_mode = \"isolated\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.engineBase(engine.Registry{}, classOf); err == nil || !strings.Contains(err.Error(), `costs.symbols.BTC.margin_mode = "isolated": an isolated position's margin is its initial margin; set initial_margin > 0`) {
		t.Errorf("isolated without initial margin: %v", err)
	}
}

// warmup = false with benchmarks, a library scenario and a walk-forward:
// every part runs, every run starts at start with nothing before it, and
// buy-and-hold (which reads no history) is the same run either way.
func TestWarmupFalseWithBenchmarksScenariosWalkForward(t *testing.T) {
	text := `name = "cold"
start = "2020-03-02"
end = "2021-09-01"
benchmarks = ["QQQ"]
scenarios = ["ai-crypto-selloff"]
%s
[data]
synthetic = true
[[strategy]]
name = "btc"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC", "NVDA"]
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "BTC"
fast = 5
slow = 20
[walkforward]
in_sample_days = 180
out_of_sample_days = 90
`
	run := func(extra string) *Outcome {
		f, err := Parse("c.toml", fmt.Sprintf(text, extra))
		if err != nil {
			t.Fatal(err)
		}
		o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 2, Keep: true})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	warm, cold := run(""), run("warmup = false")
	start := data.Day(2020, 3, 2)
	for i := range cold.Panel.Series {
		if s := cold.Panel.Series[i]; s.Time[0] < start {
			t.Errorf("%s: bar 0 is %s, before start", s.Symbol, data.FormatDay(s.Time[0]))
		}
	}
	if len(cold.Views) != 2 || cold.Stress == nil || len(cold.WalkForward) != 2 {
		t.Fatalf("cold: %d views, stress %v, %d walk-forwards", len(cold.Views), cold.Stress != nil, len(cold.WalkForward))
	}
	byKey := func(o *Outcome) map[string]*RunResult {
		m := map[string]*RunResult{}
		for i := range o.Runs {
			m[o.Runs[i].Key] = &o.Runs[i]
		}
		return m
	}
	w, c := byKey(warm), byKey(cold)
	if a, b := w["btc"].Metrics.FinalEquity, c["btc"].Metrics.FinalEquity; a != b || len(c["btc"].Metrics.Benchmarks) == 0 {
		t.Errorf("buy-and-hold: warm %g, cold %g (want equal), benchmarks %v", a, b, c["btc"].Metrics.Benchmarks)
	}
	// Cold, SMA(20) of BTC (a bar every day) has its first signal at the
	// close of bar 19 (start + 19 days) at the earliest, filled at the
	// next open: no fill before start + 20 days.
	if f := c["sma"].Result.Fills; len(f) == 0 || f[0].Time < start+20*data.NanosPerDay {
		t.Errorf("cold sma: first fill %v, want none before %s", f, data.FormatDay(start+20*data.NanosPerDay))
	}
	if c["sma"].Metrics.FinalEquity == w["sma"].Metrics.FinalEquity {
		t.Errorf("sma: the same final equity warm and cold; the cold start should delay its first signal")
	}
}

// A funding or rate file that is not there, written relative to the
// experiment file: the error says which folder it was read from and that
// $DIVERGENCE_DATA does not move it (the financing example run from a
// checkout not beside ../shared found its prices through the variable
// and failed on its funding file, naming only the joined path). An
// absolute path, or another error, has no such hint.
func TestMissingRateFileSaysWhereItWasRead(t *testing.T) {
	base := "name = \"m\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"a\"\ntype = \"sma-cross\"\n"
	classOf := classesOf(map[string]data.Class{"BTC": data.Crypto, "ETH": data.Crypto})
	dir := t.TempDir()
	exp := filepath.Join(dir, "examples", "m.toml")
	abs := filepath.Join(dir, "nofile.csv")
	const hint = `is read relative to the experiment file's folder, `
	for _, tc := range []struct{ name, costs, want string }{
		{"funding", "[costs.symbols.BTC]\nfunding_file = \"../other/f.csv\"\n",
			`costs.symbols.BTC.funding_file: data: ` + filepath.Join(dir, "other", "f.csv") + `: no such file or directory ("../other/f.csv" ` + hint + filepath.Join(dir, "examples") + `; $DIVERGENCE_DATA replaces data.dir only: write the path from that folder, or an absolute one)`},
		{"borrow", "[costs.symbols.ETH]\nborrow_rate_file = \"r.csv\"\n", `costs.symbols.ETH.borrow_rate_file: data: ` + filepath.Join(dir, "examples", "r.csv") + `: no such file or directory ("r.csv" ` + hint},
		{"cash", "[costs]\ncash_rate_file = \"c.csv\"\n", `costs.cash_rate_file: data: ` + filepath.Join(dir, "examples", "c.csv") + `: no such file or directory ("c.csv" ` + hint},
		{"absolute", "[costs]\ncash_rate_file = \"" + abs + "\"\n", `costs.cash_rate_file: data: ` + abs + `: no such file or directory`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(exp, base+tc.costs)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.engineBase(engine.Registry{}, classOf)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant it to contain %q", err, tc.want)
			}
			if tc.name == "absolute" && strings.Contains(err.Error(), hint) {
				t.Errorf("absolute path: %v: want no hint", err)
			}
		})
	}
}
