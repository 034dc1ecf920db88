package experiment

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/resultsdb"
)

// Under a scenario, a buy-and-hold run that bought before the shock holds
// the same quantities as its baseline twin, so the scenario's PnL is
// Σ quantity × (shocked last close − baseline last close), computed here
// from the views' panels: a second path to the stress table's number.
func TestStressPnLMatchesHoldingsRevaluation(t *testing.T) {
	o, files := execute(t, "testdata/stress.toml", 2)
	if o.Stress == nil {
		t.Fatal("no stress table")
	}
	byKey := map[string]*RunResult{}
	for i := range o.Runs {
		byKey[o.Runs[i].Key] = &o.Runs[i]
	}
	checked := 0
	for _, row := range o.Stress.Rows {
		if row.Run != "tech" || row.Scenario == "baseline" {
			continue
		}
		base := byKey["tech"]
		shocked := byKey["tech@"+results.Slug(row.Scenario)]
		for i, q := range base.Result.Portfolio.Qty {
			if q != shocked.Result.Portfolio.Qty[i] {
				t.Fatalf("%s: quantities differ, the shock came before the purchase", row.Scenario)
			}
		}
		want := 0.0
		for i, q := range base.Result.Portfolio.Qty {
			vb := o.Views[0].Panel.Series[i]
			vs := o.Views[shocked.View].Panel.Series[i]
			want += q * (vs.Close[vs.Len()-1] - vb.Close[vb.Len()-1])
		}
		if math.Abs(row.PnLVsBaseline-want) > 1e-6*math.Abs(want)+1e-6 {
			t.Errorf("%s: stress PnL %g, revaluation %g", row.Scenario, row.PnLVsBaseline, want)
		}
		if row.Scenario == "ai-crypto-selloff" && !(want < 0) {
			t.Errorf("the AI-crypto sell-off (MSFT −8%%, NVDA −10%%) should cost long AI tech money, got %g", want)
		}
		checked++
	}
	if checked != 3 {
		t.Fatalf("checked %d scenarios", checked)
	}
	// The probability-weighted expected PnL: only ai-bubble-burst carries
	// a probability (0.24).
	for _, e := range o.Stress.Expected {
		var bubble float64
		for _, row := range o.Stress.Rows {
			if row.Run == e.Run && row.Scenario == "ai-bubble-burst" {
				bubble = row.PnLVsBaseline
			}
		}
		if math.Abs(e.ExpectedPnL-0.24*bubble) > 1e-9*math.Abs(bubble) || e.ProbabilityTotal != 0.24 || e.Scenarios != 1 {
			t.Errorf("%s: expected %g (p %g, n %d), want 0.24 × %g", e.Run, e.ExpectedPnL, e.ProbabilityTotal, e.Scenarios, bubble)
		}
	}
	// Hedge effectiveness from the written equity files: 1 − (hedged
	// shocked − hedged baseline) / (long leg shocked − long leg baseline),
	// with the final equities read back from runs/*/equity.csv.
	lastEquity := func(key string) float64 {
		recs, err := csv.NewReader(bytes.NewReader(files["runs/"+key+"/equity.csv"])).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("runs/%s/equity.csv: %v", key, err)
		}
		v, err := strconv.ParseFloat(recs[len(recs)-1][1], 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	checkedHE := 0
	for _, row := range o.Stress.Rows {
		if row.Run != "hedge" || row.Scenario == "baseline" {
			continue
		}
		sc := "@" + results.Slug(row.Scenario)
		leg := lastEquity("hedge~long-leg"+sc) - lastEquity("hedge~long-leg")
		hedged := lastEquity("hedge"+sc) - lastEquity("hedge")
		if math.Abs(leg-row.LongLegPnLVsBaseline) > 1e-6 || math.Abs(hedged-row.PnLVsBaseline) > 1e-6 {
			t.Errorf("%s: files say hedged %g, long leg %g; table %g, %g", row.Scenario, hedged, leg, row.PnLVsBaseline, row.LongLegPnLVsBaseline)
		}
		// Each run's change relative to its own baseline's final equity.
		legRel := lastEquity("hedge~long-leg"+sc)/lastEquity("hedge~long-leg") - 1
		hedgedRel := lastEquity("hedge"+sc)/lastEquity("hedge") - 1
		if legRel <= -results.HedgeThreshold {
			if he := 1 - hedgedRel/legRel; math.Abs(he-row.HedgeEffectiveness) > 1e-9 {
				t.Errorf("%s: effectiveness %g, from the files %g", row.Scenario, row.HedgeEffectiveness, he)
			}
			checkedHE++
		} else if !math.IsNaN(row.HedgeEffectiveness) {
			t.Errorf("%s: the long leg lost %g of its baseline, under the threshold, yet effectiveness %g", row.Scenario, -legRel, row.HedgeEffectiveness)
		}
	}
	if checkedHE == 0 {
		t.Error("no scenario made the long leg lose: effectiveness never checked")
	}
	for _, name := range []string{"stress.csv", "stress.parquet", "stress_summary.csv", "stress_heatmap.png", "stress_heatmap.svg",
		"stress/ai-bubble-burst.png", "montecarlo.csv", "montecarlo_summary.csv", "montecarlo.png", "runs/hedge@ai-bubble-burst/metrics.json",
		"runs/hedge~long-leg@openai-miss/equity.csv"} {
		if len(files[name]) == 0 {
			t.Errorf("missing %s", name)
		}
	}
	if !strings.Contains(string(files["stress.csv"]), "ai-crypto-selloff") {
		t.Error("stress.csv lacks the scenarios")
	}
}

// Stress and Monte Carlo outputs are byte-identical on 1 and 3 workers,
// report.html too, and results.duckdb holds the same tables with their
// rows in the same order (resultsdb.Dump: a query without ORDER BY reads
// them alike; the file's bytes are DuckDB's own layout). The command
// gives DuckDB as many threads as workers (GOMAXPROCS): here too. On 3,
// the fills table listed its runs in another order than on 1.
func TestStressDeterministicAcrossWorkers(t *testing.T) {
	f, err := Load("testdata/stress.toml")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	out := map[int]map[string][]byte{}
	dump := map[int]string{}
	for _, workers := range []int{1, 3} {
		runtime.GOMAXPROCS(workers)
		o, err := Run(ctx, f, Options{Out: t.TempDir(), Workers: workers, Version: "test", Report: reportHTML, Database: resultsDB})
		if err != nil {
			t.Fatal(err)
		}
		out[workers] = files(t, o.Dir)
		if dump[workers], err = resultsdb.Dump(ctx, filepath.Join(o.Dir, resultsdb.File)); err != nil {
			t.Fatal(err)
		}
	}
	a, b := out[1], out[3]
	for _, want := range []string{"report.html", resultsdb.File, "stress.csv", "montecarlo.csv"} {
		if len(a[want]) == 0 {
			t.Errorf("no %s", want)
		}
	}
	for name, want := range a {
		if name == resultsdb.File {
			continue
		}
		if !bytes.Equal(b[name], want) {
			t.Errorf("%s differs between 1 and 3 workers", name)
		}
	}
	if len(a) != len(b) {
		t.Errorf("%d files on 1 worker, %d on 3", len(a), len(b))
	}
	if !strings.Contains(dump[1], "table fills\n") || strings.Count(dump[1], "\n") < 1000 {
		t.Fatalf("the database's dump lacks the fills:\n%.300s", dump[1])
	}
	if dump[1] != dump[3] {
		x, y := strings.Split(dump[1], "\n"), strings.Split(dump[3], "\n")
		for i := range min(len(x), len(y)) {
			if x[i] != y[i] {
				t.Fatalf("results.duckdb differs between 1 and 3 workers at line %d of its dump: %q on 3, %q on 1", i+1, y[i], x[i])
			}
		}
		t.Fatalf("results.duckdb: %d lines of dump on 1 worker, %d on 3", len(x), len(y))
	}
}

// Scenario errors name the key; a replay on synthetic data has no real
// history to transplant and is an error when listed explicitly.
func TestScenarioErrors(t *testing.T) {
	base := "name = \"x\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"h\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = \"BTC\"\n"
	for _, tc := range []struct{ extra, want string }{
		{"scenarios = [\"nope\"]\n", "scenarios[0]"},
		{"scenario_start = \"2020-13-01\"\n", "scenario_start"},
		{"[montecarlo]\npaths = -1\n", "montecarlo.paths = -1"},
		{"[montecarlo]\nshock_probability = 0.5\n", "montecarlo.shock is not"},
		// An explicit 0 beside a shock is refused: read as "not set", it
		// took ai-bubble-burst's own 0.24 without a word.
		{"[montecarlo]\nshock = \"ai-bubble-burst\"\nshock_probability = 0.0\n", "montecarlo.shock_probability = 0: want a fraction in (0, 1] (for unshocked paths, leave out montecarlo.shock)"},
		{"[montecarlo]\nshock = \"ai-bubble-burst\"\nshock_probability = 1.5\n", "montecarlo.shock_probability = 1.5: want a fraction in (0, 1]"},
		{"[[scenario]]\nname = \"s\"\n[[scenario.shock]]\ntype = \"jump\"\ngroups = [\"ai_tokens\"]\nday = 0\nmove = -1.2\n", "move = -1.2"},
	} {
		text := strings.Replace(base, "[data]", tc.extra+"[data]", 1)
		if strings.HasPrefix(tc.extra, "[") {
			text = base + tc.extra
		}
		_, err := Parse("x.toml", text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.extra, err, tc.want)
		}
	}
}

// A stress test over the whole library skips, with a note, the scenarios
// that cannot apply to the data: replays on a synthetic market (no real
// history to transplant) and scenarios none of whose instruments is here.
func TestStressLibrarySkipsWithNotes(t *testing.T) {
	f, err := Parse("tech.toml", "name = \"tech\"\nstart = \"2019-03-01\"\nend = \"2019-09-01\"\n[data]\nsynthetic = true\n"+
		"[[strategy]]\nname = \"tech\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"MSFT\", \"NVDA\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 2, Stress: true})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(o.Notes, "\n")
	for _, want := range []string{"replay-deepseek-2025-01-27 skipped: scenario replay-deepseek-2025-01-27 replays real prices (a transplant), which the synthetic market has not: run it on real data", "miner-ai-pivot changes nothing"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	names := map[string]bool{}
	for _, v := range o.Views {
		names[v.Name()] = true
	}
	if names["miner-ai-pivot"] || !names["ai-crypto-selloff"] || !names["baseline"] {
		t.Errorf("views %v", names)
	}
}

// A stress test (Options.Stress, `divergence stress`) over a window too
// short for any library scenario (each starts 30 days in) fails naming
// the scenarios skipped, rather than writing a stress test of nothing.
func TestStressNothingApplies(t *testing.T) {
	f, err := Parse("short.toml", "name = \"short\"\nstart = \"2024-03-01\"\nend = \"2024-03-12\"\n[data]\nsynthetic = true\n"+
		"[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"NVDA\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	_, err = Run(context.Background(), f, Options{Out: out, Workers: 1, Stress: true})
	if err == nil || !strings.Contains(err.Error(), "stress: none of the") || !strings.Contains(err.Error(), "scenario ai-bubble-burst skipped") {
		t.Fatalf("%v, want none applies", err)
	}
	if _, err := os.Stat(filepath.Join(out, "short")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a results folder was written: %v", err)
	}
	// Without Stress (a plain run naming no scenario) the run goes on.
	if _, err := Run(context.Background(), f, Options{Out: out, Workers: 1}); err != nil {
		t.Fatal(err)
	}
}

// A scenario_start before the runs start is noted: its early shocks touch
// only the warm-up history.
func TestScenarioStartBeforeRuns(t *testing.T) {
	f, err := Parse("early.toml", "name = \"early\"\nstart = \"2024-03-01\"\nend = \"2024-09-01\"\nscenario_start = \"2023-06-01\"\nscenarios = [\"openai-miss\"]\n[data]\nsynthetic = true\n"+
		"[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"NVDA\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := "scenario_start = 2023-06-01 is before the runs start (2024-03-01): shocks before that change only the warm-up history"
	if all := strings.Join(o.Notes, "\n"); !strings.Contains(all, want) {
		t.Errorf("notes lack %q:\n%s", want, all)
	}
}

// replayExperiment is the head of an experiment on AAA and BBB (in
// "prices", both crypto) from 2023-01-02 with one scenario, named name,
// that replays the group's 2022-11-06 to 2022-11-15 returns on day 7.
func replayExperiment(name string) string {
	return `name = "replay"
start = "2023-01-02"
[data]
dir = "prices"
classes = { AAA = "crypto", BBB = "crypto" }
[groups]
pair = ["AAA", "BBB"]
[[scenario]]
name = "` + name + `"
[[scenario.shock]]
type = "transplant"
groups = ["pair"]
from = 2022-11-06
to = 2022-11-15
day = 7
`
}

// dailyCSV writes dir/prices/<sym>.csv: days daily bars from the date
// from, each closing at px(k) on its k-th day (high close + 1, low
// close − 1), for replayExperiment's data folder.
func dailyCSV(t *testing.T, dir, sym, from string, days int, px func(k int) float64) {
	t.Helper()
	prices := filepath.Join(dir, "prices")
	if err := os.MkdirAll(prices, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	d0, _ := time.Parse("2006-01-02", from)
	for k := 0; k < days; k++ {
		c := px(k)
		fmt.Fprintf(&b, "%s,%g,%g,%g,%g,100\n", d0.AddDate(0, 0, k).Format("2006-01-02"), c, c+1, c-1, c)
	}
	if err := os.WriteFile(filepath.Join(prices, sym+".csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A historical replay over a group notes each member it cannot replay
// (no bars in the source's window): that member's runs see it unshocked.
func TestReplayNotesUnreplayed(t *testing.T) {
	dir := t.TempDir()
	write := func(sym, from string, days int) {
		dailyCSV(t, dir, sym, from, days, func(k int) float64 { return 100 + float64(k%7) })
	}
	write("AAA", "2022-10-01", 200) // covers the replayed window, 2022-11-06 to 2022-11-15
	write("BBB", "2022-12-01", 140) // starts after it
	o, err := runIn(t, dir, replayExperiment("ftx again")+`[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA", "BBB"]
`)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(o.Notes, "\n")
	if !strings.Contains(all, "scenario ftx again: BBB is not replayed: its source has no bars from 2022-11-06 to 2022-11-15 (its runs see that instrument unshocked)") {
		t.Errorf("no note for BBB:\n%s", all)
	}
	if strings.Contains(all, "AAA is not replayed") {
		t.Errorf("AAA noted, though replayed:\n%s", all)
	}
}

// On hourly bars the stress table's worst_day is the worst UTC calendar
// day, its bars compounded, not the worst bar. An hourly token over 6
// days loses 2% every hour of day 3 (2024-05-03): its worst bar loses 2%,
// its worst day 1 − 0.98^24 = 38.4% (a crash of small bars, which a worst
// bar understates). The scenario adds a −20% jump on day 5 (one bar,
// 00:00 UTC). The test groups the run's equity curve by its dates as
// time.Format writes them (a second way to split days) and compares.
func TestStressWorstDayIntraday(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "prices"), 0o755); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	times := hours(t0, 6*24)
	px := func(tm time.Time) float64 {
		p := 100.0
		for h := t0; h.Before(tm) || h.Equal(tm); h = h.Add(time.Hour) {
			if h.Day() == 3 {
				p *= 0.98
			}
		}
		return p
	}
	hourlyCSV(t, filepath.Join(dir, "prices", "TOK.csv"), times, px, func(tm time.Time) string { return tm.Format(time.RFC3339) })
	o, err := runIn(t, dir, `name = "worstday"
scenario_start = "2024-05-01"
[data]
dir = "prices"
classes = { TOK = "crypto" }
[[scenario]]
name = "drop"
[[scenario.shock]]
type = "jump"
symbols = ["TOK"]
day = 4
move = -0.2
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["TOK"]
`)
	if err != nil {
		t.Fatal(err)
	}
	if o.Stress == nil || len(o.Stress.Rows) != 2 {
		t.Fatalf("stress table: %+v", o.Stress)
	}
	for _, row := range o.Stress.Rows {
		var r *RunResult
		for i := range o.Runs {
			if o.Runs[i].Base == row.Run && o.Views[o.Runs[i].View].Name() == row.Scenario {
				r = &o.Runs[i]
			}
		}
		if r == nil {
			t.Fatalf("no run for row %s/%s", row.Run, row.Scenario)
		}
		c := &r.Result.Curve
		// Each day's last equity, in order, by the date time.Format gives.
		var days []string
		last := map[string]float64{}
		for k, ns := range c.Time {
			d := time.Unix(0, ns).UTC().Format("2006-01-02")
			if len(days) == 0 || days[len(days)-1] != d {
				days = append(days, d)
			}
			last[d] = c.Equity[k]
		}
		want := last[days[0]]/c.Equity[0] - 1
		for k := 1; k < len(days); k++ {
			want = math.Min(want, last[days[k]]/last[days[k-1]]-1)
		}
		if math.Abs(row.WorstDay-want) > 1e-12 {
			t.Errorf("%s: worst_day = %.12g, want %.12g (days %v)", row.Scenario, row.WorstDay, want, days)
		}
		// The premise: day 3's 24 bars of −2% make a day near −38.4%
		// (the run holds some cash), far below the worst bar.
		if !(row.WorstDay < -0.3 && row.WorstDay < r.Metrics.WorstPeriod-0.1) {
			t.Errorf("%s: worst day %.6g, worst bar %.6g: want a day near -0.384 far below the bar", row.Scenario, row.WorstDay, r.Metrics.WorstPeriod)
		}
	}
}

// A pair hedge under a historical replay that could not replay its short
// leg (BBB has no bars in the source's window) gets no hedge
// effectiveness: the short leg did not see the scenario, so the ratio
// would measure the missing data, not the hedge. The cell is empty in the
// stress table and a note says why. With BBB's bars in the window, the
// same run has one (the control).
func TestHedgeEffectivenessNeedsReplayedLegs(t *testing.T) {
	for _, c := range []struct {
		name     string
		bbbFrom  string
		wantCell bool
	}{{"short leg not replayed", "2022-12-01", false}, {"both legs replayed", "2022-10-01", true}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			prices := filepath.Join(dir, "prices")
			if err := os.Mkdir(prices, 0o755); err != nil {
				t.Fatal(err)
			}
			// AAA falls 4% a day from 2022-11-07 to 2022-11-15 (its replayed
			// window's returns); BBB wobbles. Both are flat-ish otherwise.
			write := func(sym, from string, days int, crash bool) {
				var b strings.Builder
				b.WriteString("date,open,high,low,close,volume\n")
				d0, _ := time.Parse("2006-01-02", from)
				c := 100.0
				for k := 0; k < days; k++ {
					d := d0.AddDate(0, 0, k)
					if crash && d.After(time.Date(2022, 11, 6, 0, 0, 0, 0, time.UTC)) && !d.After(time.Date(2022, 11, 15, 0, 0, 0, 0, time.UTC)) {
						c *= 0.96
					} else {
						c *= 1 + 0.002*float64(k%5-2)
					}
					fmt.Fprintf(&b, "%s,%.4f,%.4f,%.4f,%.4f,100\n", d.Format("2006-01-02"), c, c*1.01, c*0.99, c)
				}
				if err := os.WriteFile(filepath.Join(prices, sym+".csv"), []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write("AAA", "2022-10-01", 250, true)
			d0, _ := time.Parse("2006-01-02", c.bbbFrom)
			write("BBB", c.bbbFrom, int(time.Date(2023, 6, 8, 0, 0, 0, 0, time.UTC).Sub(d0).Hours()/24), false)
			path := filepath.Join(dir, "x.toml")
			if err := os.WriteFile(path, []byte(replayExperiment("crash again")+`[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["AAA"]
short = ["BBB"]
`), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			// As the command runs it (fills recycled once measured, two
			// workers), then keeping every run's fills on one worker: the
			// same table, byte for byte.
			var stress [2][]byte
			for k, opt := range []Options{{Workers: 2}, {Workers: 1, Keep: true}} {
				opt.Out, opt.Version = filepath.Join(dir, fmt.Sprintf("out%d", k)), "test"
				o, err := Run(context.Background(), f, opt)
				if err != nil {
					t.Fatal(err)
				}
				stress[k] = checkHedgeCell(t, o, c.wantCell)
			}
			if !bytes.Equal(stress[0], stress[1]) {
				t.Errorf("stress.csv differs between 2 workers (fills recycled) and 1 (kept):\n%s\n%s", stress[0], stress[1])
			}
		})
	}
}

// checkHedgeCell checks the "crash again" row of o's stress table: its
// long leg lost over 5% of the cash (the premise), its hedge
// effectiveness has a value if and only if wantCell, a note says why when
// it has none, and stress.csv (returned) agrees.
func checkHedgeCell(t *testing.T, o *Outcome, wantCell bool) []byte {
	t.Helper()
	var row *StressRow
	for i := range o.Stress.Rows {
		if o.Stress.Rows[i].Scenario == "crash again" {
			row = &o.Stress.Rows[i]
		}
	}
	if row == nil {
		t.Fatalf("no scenario row: %+v", o.Stress.Rows)
	}
	// The premise: the long leg alone lost well over the 1% threshold.
	if !(row.LongLegPnLVsBaseline < -0.05*o.Cash) {
		t.Fatalf("long leg's scenario PnL %.2f: want a loss over 5%% of %.0f", row.LongLegPnLVsBaseline, o.Cash)
	}
	all := strings.Join(o.Notes, "\n")
	note := "run hedge, scenario crash again: hedge effectiveness left empty: the scenario did not shock BBB, which the run trades"
	if got := !math.IsNaN(row.HedgeEffectiveness); got != wantCell {
		t.Errorf("hedge effectiveness %g: want a value %v", row.HedgeEffectiveness, wantCell)
	}
	if strings.Contains(all, note) == wantCell {
		t.Errorf("note %q present = %v, want %v:\n%s", note, wantCell, !wantCell, all)
	}
	// stress.csv says the same: an empty cell, or a number.
	b, err := os.ReadFile(filepath.Join(o.Dir, "stress.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(recs[0], "hedge_effectiveness")
	for _, rec := range recs[1:] {
		if rec[2] == "crash again" && (rec[col] != "") != wantCell {
			t.Errorf("stress.csv hedge_effectiveness %q: want a value %v", rec[col], wantCell)
		}
	}
	return b
}

// varianceReduction by hand on daily equities: a = 100, 110, 99 (returns
// +0.1, −0.1: sample variance (0.01 + 0.01) / 1 = 0.02), b = 100, 120, 96
// (+0.2, −0.2: 0.08): 1 − 0.02 / 0.08 = 0.75. On hourly curves the stress
// table takes each UTC day's last point (results.DayEnds) first: the
// hourly wiggles inside a day do not count.
func TestVarianceReductionDaily(t *testing.T) {
	if got := varianceReduction([]float64{100, 110, 99}, []float64{100, 120, 96}); math.Abs(got-0.75) > 1e-12 {
		t.Errorf("varianceReduction = %.15g, want 0.75", got)
	}
	h := int64(time.Hour)
	d0 := data.Day(2024, 3, 4)
	var ts []int64
	var a, b []float64
	for d := int64(0); d < 3; d++ {
		for k := int64(0); k < 24; k++ {
			ts = append(ts, d0+d*data.NanosPerDay+k*h)
			// Inside a day: a zigzag; at 23:00 the day's value above.
			a = append(a, []float64{100, 110, 99}[d]*(1+0.05*float64(k%2)*float64(min(23-k, 1))))
			b = append(b, []float64{100, 120, 96}[d]*(1+0.07*float64(k%2)*float64(min(23-k, 1))))
		}
	}
	got := varianceReduction(results.DayEnds(ts, a), results.DayEnds(ts, b))
	if math.Abs(got-0.75) > 1e-12 {
		t.Errorf("on hourly curves: %.15g, want 0.75", got)
	}
}

// Each run's metrics.json carries its scenario (by name), base and
// long_leg_of: read back without runs.parquet (lost, or cut short), the
// records are the ones the run held. metrics.json left them out, and a
// folder without its runs.parquet read the hedge's long-leg companions
// as runs of their own and its scenarios by their keys' slugs
// ("nvda-30" for "NVDA -30%"), in results.duckdb and the report alike.
func TestRecordsReadBackWithoutRunsParquet(t *testing.T) {
	dir := t.TempDir()
	o, err := runIn(t, dir, `name = "companions"
start = "2024-01-02"
end = "2024-04-01"
[data]
synthetic = true
[[scenario]]
name = "NVDA -30%"
[[scenario.shock]]
type = "jump"
symbols = ["NVDA"]
day = 10
move = -0.3
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA"]
short = ["TAO"]
`)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	companions := 0
	for _, r := range o.Records {
		keys = append(keys, r.Run)
		if r.LongLegOf != "" {
			companions++
		}
	}
	if companions != 2 || len(keys) != 4 {
		t.Fatalf("runs %v with %d long-leg companions, want 4 runs with 2 (the hedge and its companion, each under the baseline and the scenario)", keys, companions)
	}
	if err := os.Remove(filepath.Join(o.Dir, results.RunsParquet)); err != nil {
		t.Fatal(err)
	}
	got, err := results.ReadRuns(o.Dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range o.Records {
		g := got[i]
		if g.Run != r.Run || g.Scenario != r.Scenario || g.Base != r.Base || g.LongLegOf != r.LongLegOf {
			t.Errorf("run %s read back as run %s, scenario %q, base %q, long_leg_of %q; want scenario %q, base %q, long_leg_of %q",
				r.Run, g.Run, g.Scenario, g.Base, g.LongLegOf, r.Scenario, r.Base, r.LongLegOf)
		}
	}
}

// A replay that takes an instrument's returns under another symbol
// (source_symbols = { BBB = "OLD" }: a token's history under its old
// ticker) loads that file for the replay alone when the experiment does
// not: BBB's scenario path gets OLD's 2022-11 returns, OLD is an input of
// the manifest, and the runs' timeline does not change. It was "BBB is
// not replayed: the source has no OLD", though OLD's file was there. By
// hand: OLD closes at 50 + k on its k-th day from 2022-10-01, so its
// return on 2022-11-06 (k = 36) is 86/85; the replay puts it on BBB's
// first bar on or after day 7 of the scenarios (which start 30 days after
// the runs, 2023-02-01): 2023-02-08.
func TestReplayLoadsItsSourceSymbols(t *testing.T) {
	dir := t.TempDir()
	flat := func(int) float64 { return 100 }
	dailyCSV(t, dir, "AAA", "2022-12-01", 140, flat)
	dailyCSV(t, dir, "BBB", "2022-12-01", 140, flat)
	dailyCSV(t, dir, "OLD", "2022-10-01", 90, func(k int) float64 { return 50 + float64(k) })
	text := replayExperiment("renamed") +
		"source_symbols = { BBB = \"OLD\" }\n" + `[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA", "BBB"]
`
	o, err := runIn(t, dir, text)
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(o.Notes, "\n"); strings.Contains(all, "BBB is not replayed") {
		t.Errorf("BBB not replayed:\n%s", all)
	}
	p := o.Views[1].Panel
	b := &p.Series[p.Index("BBB")]
	k := slices.IndexFunc(b.Time, func(t int64) bool { return t >= data.Day(2023, 2, 8) })
	if got, want := b.Close[k]/b.Close[k-1], 86.0/85; math.Abs(got-want) > 1e-12 {
		t.Errorf("BBB's replayed return on %s: %g, want OLD's of 2022-11-06, 86/85 = %g", data.FormatDay(b.Time[k]), got, want)
	}
	if p.Index("OLD") >= 0 || o.Panel.Index("OLD") >= 0 {
		t.Error("OLD joined the runs' panel")
	}
	man, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(man), `"symbol": "OLD"`) {
		t.Errorf("manifest.json's inputs lack OLD:\n%s", man)
	}
}

// A replay of an event after the experiment's end takes its returns from
// the bars the files hold past end, which the runs never see: a 2024
// book under a 2025 event was left unshocked, with a note that the
// source had no bars in the window, though the file had them. AAA closes
// at 100 throughout but for 83, 90 and 95 on 2025-01-27 to 29; the
// window [2025-01-27, 2025-01-30) has three bars with a predecessor, so
// the replayed closes go 100 → 83 → 90 → 95 and the level carries: the
// scenario run's AAA ends at 95 where the baseline's ends at 100. Held
// from the first bar in both, its final equity is 5 × the quantity less.
func TestReplayAfterEnd(t *testing.T) {
	dir := t.TempDir()
	d0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	dailyCSV(t, dir, "AAA", "2024-01-01", 500, func(k int) float64 {
		switch d0.AddDate(0, 0, k).Format(time.DateOnly) {
		case "2025-01-27":
			return 83
		case "2025-01-28":
			return 90
		case "2025-01-29":
			return 95
		}
		return 100
	})
	o, err := runIn(t, dir, `name = "after end"
start = "2024-02-01"
end = "2024-06-01"
scenario_start = "2024-03-01"
[data]
dir = "prices"
classes = { AAA = "crypto" }
[[scenario]]
name = "later"
[[scenario.shock]]
type = "transplant"
symbols = ["AAA"]
from = 2025-01-27
to = 2025-01-30
day = 0
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA"]
`)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(o.Notes, "\n")
	if strings.Contains(all, "not replayed") {
		t.Errorf("AAA noted as not replayed:\n%s", all)
	}
	var base, shocked *RunResult
	for i := range o.Runs {
		switch o.Runs[i].Key {
		case "hold":
			base = &o.Runs[i]
		case "hold@later":
			shocked = &o.Runs[i]
		}
	}
	if base == nil || shocked == nil {
		t.Fatalf("runs %v: want hold and hold@later", len(o.Runs))
	}
	if len(base.Result.Fills) != 1 {
		t.Fatalf("baseline fills %d, want the one purchase", len(base.Result.Fills))
	}
	q := base.Result.Fills[0].Qty
	eb, es := base.Result.Curve.Equity, shocked.Result.Curve.Equity
	if got, want := es[len(es)-1]-eb[len(eb)-1], -5*q; math.Abs(got-want) > 1e-6 {
		t.Errorf("scenario's final equity less the baseline's: %.6f, want −5 × %g = %.6f", got, q, want)
	}
}

// A replay listed explicitly on the synthetic market is an error that says
// what to do (run on real data), not the scenario API's ApplyOptions.
func TestReplayOnSyntheticSaysWhy(t *testing.T) {
	f, err := Parse("r.toml", "name = \"r\"\nstart = \"2019-03-01\"\nend = \"2019-09-01\"\nscenarios = [\"replay-deepseek-2025-01-27\"]\n[data]\nsynthetic = true\n"+
		"[[strategy]]\nname = \"tech\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"NVDA\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if want := "scenario replay-deepseek-2025-01-27 replays real prices (a transplant), which the synthetic market has not: run it on real data (data.dir"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to contain %q", err, want)
	}
}

// A shock on a pair hedge's long leg alone, which its short leg cannot
// offset: the hedge's effectiveness is about 0. The hedge (dollar-neutral,
// gross 1: half its equity long) and its long leg alone (half of its own
// equity long) each lose about 0.5 × 30 % = 15 % of their size, so
// 1 − 15 %/15 % ≈ 0 on the day; −0.08 at the runs' end, the rest being
// what their books did differently in the shocked path before they
// rebalanced (the hedge net short by the long leg's fall for up to a
// week). Measured in money, the companion's size (it grew apart from the
// hedge over four years, to 3.86 times it) made it 0.85 on this market.
func TestHedgeEffectivenessLongLegOnlyShock(t *testing.T) {
	dir := t.TempDir()
	o, err := runIn(t, dir, `name = "long leg only"
seed = 42
cash = 1_000_000.0
commission_bps = 5.0
start = "2020-01-01"
scenario_start = "2024-03-01"
[[scenario]]
name = "long leg only"
[[scenario.shock]]
type = "jump"
symbols = ["MSFT", "NVDA", "META"]
day = 0
move = -0.3
[data]
synthetic = true
synthetic_seed = 7
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["MSFT", "NVDA", "META"]
short = ["TAO", "RENDER", "FET"]
gross = 1.0
rebalance_days = 7
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range o.Stress.Rows {
		if row.Scenario != "long leg only" {
			continue
		}
		if !(math.Abs(row.HedgeEffectiveness) < 0.1) {
			t.Errorf("effectiveness %g (long leg alone %+.4f of its baseline), want about 0", row.HedgeEffectiveness, row.LongLegChangeVsBaseline)
		}
		if !(row.LongLegChangeVsBaseline < -0.1 && row.LongLegChangeVsBaseline > -0.2) {
			t.Errorf("long leg alone changed %+.4f of its baseline, want about −15 %%", row.LongLegChangeVsBaseline)
		}
		return
	}
	t.Fatal("no stress row for the scenario")
}

// A replay whose window the data cover for one instrument only shocks
// that one: a run trading only the other gets a row that is its baseline
// (PnL vs baseline 0), which a note says is not a measure of the
// scenario, one note for the scenario whatever the number of such runs;
// a run trading the replayed instrument gets none.
func TestStressRowOfARunTheScenarioDidNotReach(t *testing.T) {
	hold := func(name, sym string) string {
		return "[[strategy]]\nname = \"" + name + "\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"" + sym + "\"]\n"
	}
	for _, tc := range []struct {
		name, strategies, want string
		bbbRuns                []string
	}{
		{"one run", hold("only-bbb", "BBB") + hold("only-aaa", "AAA"),
			"scenario crash again shocked none of the instruments run only-bbb trades (BBB not replayed): its row is what the run does without it, not a measure of the scenario; stress_summary.csv leaves it out of expected_pnl_vs_baseline and worst_scenario",
			[]string{"only-bbb"}},
		{"two runs", hold("only-bbb", "BBB") + hold("only-aaa", "AAA") + hold("bbb-again", "BBB"),
			"scenario crash again shocked none of the instruments 2 runs (only-bbb, bbb-again) trade (BBB not replayed): their rows are what the runs do without it, not a measure of the scenario; stress_summary.csv leaves them out of expected_pnl_vs_baseline and worst_scenario",
			[]string{"only-bbb", "bbb-again"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// AAA from 2022-10-01, through the window (2022-11-06 to
			// 11-15); BBB only from 2022-12-01: its source has no bars
			// in the window.
			dailyCSV(t, dir, "AAA", "2022-10-01", 250, func(k int) float64 { return 100 + float64(k%7) })
			dailyCSV(t, dir, "BBB", "2022-12-01", 190, func(k int) float64 { return 50 + float64(k%5) })
			path := filepath.Join(dir, "x.toml")
			if err := os.WriteFile(path, []byte(replayExperiment("crash again")+tc.strategies), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 2, Version: "test"})
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range o.Stress.Rows {
				if slices.Contains(tc.bbbRuns, row.Run) && row.Scenario == "crash again" && row.PnLVsBaseline != 0 {
					t.Errorf("%s under the replay: PnL vs baseline %g, want 0 (BBB is not replayed)", row.Run, row.PnLVsBaseline)
				}
			}
			all := strings.Join(o.Notes, "\n")
			if !strings.Contains(all, tc.want) {
				t.Errorf("no note %q in:\n%s", tc.want, all)
			}
			if strings.Count(all, "shocked none of the instruments") != 1 || strings.Contains(all, "only-aaa") {
				t.Errorf("want one such note, none naming only-aaa (AAA is replayed):\n%s", all)
			}
		})
	}
}
