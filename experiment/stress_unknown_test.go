package experiment

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/resultsdb"
)

// unknownExperiment is a stress test on AAA (bars from 2022-10-01, so
// through the replay's window 2022-11-06…15) and BBB (bars from
// 2022-12-01 only, none in that window) with three scenarios:
//
//	crash again (p 0.2): replays the pair's 2022-11-06…15 returns: AAA
//	                     replayed, BBB meant to be and not (no source bars)
//	hit-a (p 0.1):       AAA halves on day 5; aims at nothing else
//	lift-b (no p):       BBB rises 30% on day 5; aims at nothing else
//
// and three buy-and-hold runs: only-bbb, only-aaa, a-and-b.
func unknownExperiment() string {
	hold := func(name string, syms ...string) string {
		return "[[strategy]]\nname = \"" + name + "\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"" + strings.Join(syms, `", "`) + "\"]\n"
	}
	return `name = "unknown"
start = "2023-01-02"
[data]
dir = "prices"
classes = { AAA = "crypto", BBB = "crypto" }
[groups]
pair = ["AAA", "BBB"]
[[scenario]]
name = "crash again"
probability = 0.2
[[scenario.shock]]
type = "transplant"
groups = ["pair"]
from = 2022-11-06
to = 2022-11-15
day = 7
[[scenario]]
name = "hit-a"
probability = 0.1
[[scenario.shock]]
type = "jump"
symbols = ["AAA"]
day = 5
move = -0.5
[[scenario]]
name = "lift-b"
[[scenario.shock]]
type = "jump"
symbols = ["BBB"]
day = 5
move = 0.3
` + hold("only-bbb", "BBB") + hold("only-aaa", "AAA") + hold("a-and-b", "AAA", "BBB")
}

// A stress row's 0 is either a true 0 (the scenario aims at other
// instruments: the run is untouched) or unknown (the scenario meant to
// shock what the run trades and its source has no bars for it):
// instruments_unreplayed tells them apart, in stress.csv, stress.parquet
// and results.duckdb alike, and stress_summary.csv leaves the unknown
// rows out of expected_pnl_vs_baseline and worst_scenario (counting them
// in scenarios_left_out) while a true 0 stays in. By hand:
//
//	row                    traded shocked unreplayed
//	only-bbb crash again     1      0       1   BBB not replayed: unknown
//	only-bbb hit-a           1      0       0   aims at AAA: a true 0
//	only-bbb lift-b          1      1       0
//	only-aaa crash again     1      1       0
//	only-aaa hit-a           1      1       0
//	only-aaa lift-b          1      0       0   a true 0
//	a-and-b  crash again     2      1       1   AAA replayed, BBB not
//	a-and-b  hit-a, lift-b   2      1       0
//	baselines                n      0       0
//
// only-bbb's summary: crash again is left out (1), hit-a's 0 stays in:
// expected = 0.1 × 0 = 0, probability_total = 0.1 (not 0.2 + 0.1 =
// 0.3), scenarios_with_probability = 1 (not 2), and the worst is hit-a,
// 0 (lift-b gains), not crash again's unknown 0, which came first.
// only-aaa's and a-and-b's leave none out: expected = 0.2 × crash again's
// pnl_vs_baseline + 0.1 × hit-a's, summed here from stress.csv's rows.
// Files byte-identical on 1 and 2 workers and from two shards merged.
func TestStressUnknownRowsLeftOutOfSummary(t *testing.T) {
	dir := t.TempDir()
	dailyCSV(t, dir, "AAA", "2022-10-01", 250, func(k int) float64 { return 100 + float64(k%7) })
	dailyCSV(t, dir, "BBB", "2022-12-01", 190, func(k int) float64 { return 50 + float64(k%5) })
	path := filepath.Join(dir, "x.toml")
	writeText(t, path, unknownExperiment())
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"a-and-b baseline 2 0 0", "a-and-b crash again 2 1 1", "a-and-b hit-a 2 1 0", "a-and-b lift-b 2 1 0",
		"only-aaa baseline 1 0 0", "only-aaa crash again 1 1 0", "only-aaa hit-a 1 1 0", "only-aaa lift-b 1 0 0",
		"only-bbb baseline 1 0 0", "only-bbb crash again 1 0 1", "only-bbb hit-a 1 0 0", "only-bbb lift-b 1 1 0",
	}
	ctx := context.Background()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	out := map[int]map[string][]byte{}
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			runtime.GOMAXPROCS(workers)
			o, err := Run(ctx, f, Options{Out: t.TempDir(), Workers: workers, Version: "test", Database: resultsDB})
			if err != nil {
				t.Fatal(err)
			}
			out[workers] = files(t, o.Dir)
			for _, tc := range []struct {
				name string
				rows func() ([]string, error)
			}{
				{"stress.csv", func() ([]string, error) { return unreplayedCSV(out[workers]["stress.csv"]) }},
				{"stress.parquet", func() ([]string, error) { return unreplayedParquet(filepath.Join(o.Dir, "stress.parquet")) }},
				{"results.duckdb", func() ([]string, error) { return unreplayedDB(ctx, filepath.Join(o.Dir, resultsdb.File)) }},
			} {
				t.Run(tc.name, func(t *testing.T) {
					got, err := tc.rows()
					if err != nil {
						t.Fatal(err)
					}
					slices.Sort(got)
					if !slices.Equal(got, want) {
						t.Errorf("run scenario traded shocked unreplayed:\n got %q\nwant %q", got, want)
					}
				})
			}
			checkUnknownSummary(t, out[workers]["stress.csv"], out[workers]["stress_summary.csv"])
			for _, s := range []string{"unknown (not replayed)", "untouched", "part of it shocked"} {
				if !bytes.Contains(out[workers]["stress_heatmap.svg"], []byte(s)) {
					t.Errorf("stress_heatmap.svg lacks the legend %q", s)
				}
			}
			if !slices.ContainsFunc(o.Notes, func(n string) bool {
				return strings.HasPrefix(n, "scenario crash again shocked none of the instruments run only-bbb trades (BBB not replayed)") &&
					strings.HasSuffix(n, "stress_summary.csv leaves it out of expected_pnl_vs_baseline and worst_scenario")
			}) {
				t.Errorf("no note that crash again shocked nothing of only-bbb and the summary leaves it out:\n%s", strings.Join(o.Notes, "\n"))
			}
			if slices.ContainsFunc(o.Notes, func(n string) bool { return strings.Contains(n, "hit-a shocked none") }) {
				t.Errorf("a note calls hit-a, a true 0 for only-bbb (it aims at AAA), unmeasured:\n%s", strings.Join(o.Notes, "\n"))
			}
		})
	}
	for _, name := range []string{"stress.csv", "stress.parquet", "stress_summary.csv"} {
		if a, b := out[1][name], out[2][name]; len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: %d bytes on 1 worker, %d on 2, or they differ", name, len(a), len(b))
		}
	}
	t.Run("merged shards", func(t *testing.T) {
		shards := filepath.Join(dir, "shards")
		for i := range 2 {
			if _, err := Run(ctx, f, Options{Out: shards, Workers: 1, Version: "test", Shard: &Shard{Index: i, Count: 2, Source: "test"}}); err != nil {
				t.Fatalf("shard %d: %v", i, err)
			}
		}
		dirs, err := ShardDirs([]string{shards})
		if err != nil {
			t.Fatal(err)
		}
		o, err := Merge(ctx, f, dirs, Options{Out: filepath.Join(dir, "merged"), Workers: 1, Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		merged := files(t, o.Dir)
		for _, name := range []string{"stress.csv", "stress.parquet", "stress_summary.csv"} {
			if !bytes.Equal(merged[name], out[1][name]) {
				t.Errorf("%s differs between the merge and the whole run", name)
			}
		}
	})
}

// checkUnknownSummary checks stress_summary.csv against the hand numbers
// of TestStressUnknownRowsLeftOutOfSummary, and only-aaa's and a-and-b's
// expected PnL against a sum over stress.csv's rows.
func checkUnknownSummary(t *testing.T, stress, summary []byte) {
	t.Helper()
	rows := csvMaps(t, stress)
	sum := csvMaps(t, summary)
	pnl := map[string]float64{}
	for _, r := range rows {
		pnl[r["run"]+" "+r["scenario"]] = csvNum(t, r["pnl_vs_baseline"])
	}
	if len(sum) != 3 {
		t.Fatalf("stress_summary.csv: %d rows, want 3", len(sum))
	}
	for _, s := range sum {
		run := s["run"]
		var exp, ptot float64
		var n, left int
		var worst string
		switch run {
		case "only-bbb":
			exp, ptot, n, left, worst = 0.1*0, 0.1, 1, 1, "hit-a"
		default:
			exp, ptot, n, left = 0.2*pnl[run+" crash again"]+0.1*pnl[run+" hit-a"], 0.2+0.1, 2, 0
			worst = "crash again"
			for _, sc := range []string{"hit-a", "lift-b"} {
				if pnl[run+" "+sc] < pnl[run+" "+worst] {
					worst = sc
				}
			}
		}
		if got := csvNum(t, s["expected_pnl_vs_baseline"]); math.Abs(got-exp) > 1e-6*max(1, math.Abs(exp)) {
			t.Errorf("%s: expected_pnl_vs_baseline %v, want %v", run, got, exp)
		}
		if got := csvNum(t, s["probability_total"]); math.Abs(got-ptot) > 1e-12 {
			t.Errorf("%s: probability_total %v, want %v", run, got, ptot)
		}
		if s["scenarios_with_probability"] != strconv.Itoa(n) {
			t.Errorf("%s: scenarios_with_probability %s, want %d", run, s["scenarios_with_probability"], n)
		}
		if s["scenarios_left_out"] != strconv.Itoa(left) {
			t.Errorf("%s: scenarios_left_out %q, want %d", run, s["scenarios_left_out"], left)
		}
		if s["worst_scenario"] != worst {
			t.Errorf("%s: worst_scenario %q, want %q", run, s["worst_scenario"], worst)
		}
		if got := csvNum(t, s["worst_pnl_vs_baseline"]); got != pnl[run+" "+worst] {
			t.Errorf("%s: worst_pnl_vs_baseline %v, want %s's %v", run, got, worst, pnl[run+" "+worst])
		}
	}
	// The true 0 and the unknown 0 are both exactly 0 here: what tells
	// them apart is instruments_unreplayed, not the value.
	for _, k := range []string{"only-bbb hit-a", "only-bbb crash again", "only-aaa lift-b"} {
		if pnl[k] != 0 {
			t.Errorf("%s: pnl_vs_baseline %v, want 0 (nothing it trades shocked)", k, pnl[k])
		}
	}
	if !(pnl["only-bbb lift-b"] > 0) {
		t.Errorf("only-bbb lift-b: pnl_vs_baseline %v, want a gain", pnl["only-bbb lift-b"])
	}
}

func csvMaps(t *testing.T, b []byte) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("csv: %v (%d records)", err, len(recs))
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for j, h := range recs[0] {
			m[h] = r[j]
		}
		out = append(out, m)
	}
	return out
}

func csvNum(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

func unreplayedCSV(b []byte) ([]string, error) {
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) == 0 {
		return nil, fmt.Errorf("stress.csv: %v (%d records)", err, len(recs))
	}
	idx := map[string]int{}
	for j, h := range recs[0] {
		idx[h] = j
	}
	cols := []string{"run", "scenario", "instruments_traded", "instruments_shocked", "instruments_unreplayed"}
	for _, c := range cols {
		if _, ok := idx[c]; !ok {
			return nil, fmt.Errorf("stress.csv has no column %s (header %v)", c, recs[0])
		}
	}
	var out []string
	for _, r := range recs[1:] {
		var f []string
		for _, c := range cols {
			f = append(f, r[idx[c]])
		}
		out = append(out, strings.Join(f, " "))
	}
	return out, nil
}

func unreplayedParquet(path string) ([]string, error) {
	tab, err := results.ReadTableParquet(path, "run", "scenario", "instruments_traded", "instruments_shocked", "instruments_unreplayed")
	if err != nil {
		return nil, err
	}
	run, sc := tab.Column("run"), tab.Column("scenario")
	tr, sh, un := tab.Column("instruments_traded"), tab.Column("instruments_shocked"), tab.Column("instruments_unreplayed")
	if run == nil || sc == nil || tr == nil || sh == nil || un == nil || tr.Ints == nil || sh.Ints == nil || un.Ints == nil {
		return nil, fmt.Errorf("%s: want run, scenario and the integer columns instruments_traded, instruments_shocked, instruments_unreplayed", path)
	}
	var out []string
	for i := range run.Strings {
		out = append(out, fmt.Sprintf("%s %s %d %d %d", run.Strings[i], sc.Strings[i], tr.Ints[i], sh.Ints[i], un.Ints[i]))
	}
	return out, nil
}

func unreplayedDB(ctx context.Context, path string) ([]string, error) {
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT CAST(run AS VARCHAR), CAST(scenario AS VARCHAR), instruments_traded, instruments_shocked, instruments_unreplayed FROM scenarios")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var run, sc string
		var tr, sh, un int64
		if err := rows.Scan(&run, &sc, &tr, &sh, &un); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("%s %s %d %d %d", run, sc, tr, sh, un))
	}
	return out, rows.Err()
}

// A run whose every scenario is unknown has no worst scenario: the
// summary's worst_scenario and worst_pnl_vs_baseline are empty (not the
// +Inf the search starts from), its expected PnL 0 over 0 scenarios and
// scenarios_left_out 1. By hand: only-bbb trades BBB, which crash again
// cannot replay (no source bars from 2022-11-06 to 2022-11-15); only-aaa
// is there for AAA to be traded.
func TestStressSummaryEveryScenarioUnknown(t *testing.T) {
	dir := t.TempDir()
	dailyCSV(t, dir, "AAA", "2022-10-01", 250, func(k int) float64 { return 100 + float64(k%7) })
	dailyCSV(t, dir, "BBB", "2022-12-01", 190, func(k int) float64 { return 50 + float64(k%5) })
	text := replayExperiment("crash again") + "[[strategy]]\nname = \"only-bbb\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"BBB\"]\n" +
		"[[strategy]]\nname = \"only-aaa\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"AAA\"]\n"
	o, err := runIn(t, dir, text)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(o.Dir, "stress_summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	sum := csvMaps(t, b)
	if len(sum) != 2 || sum[0]["run"] != "only-bbb" {
		t.Fatalf("stress_summary.csv: %v, want only-bbb's row first of 2", sum)
	}
	s := sum[0]
	for col, want := range map[string]string{"worst_scenario": "", "worst_pnl_vs_baseline": "", "scenarios_with_probability": "0", "scenarios_left_out": "1"} {
		if s[col] != want {
			t.Errorf("%s = %q, want %q", col, s[col], want)
		}
	}
}
