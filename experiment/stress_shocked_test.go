package experiment

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/resultsdb"
)

// shockedExperiment is a stress test on AAA and BBB (daily bars,
// crypto, so every calendar day is a bar) whose one scenario, hit-a,
// halves AAA on its day 5 and touches nothing else. Its runs hold:
// only-bbb BBB, a-and-b AAA and BBB, only-aaa AAA.
func shockedExperiment(t *testing.T, dir string) string {
	t.Helper()
	for _, sym := range []string{"AAA", "BBB"} {
		dailyCSV(t, dir, sym, "2023-01-01", 60, func(k int) float64 { return 100 + float64(k%5) })
	}
	hold := func(name string, syms ...string) string {
		return "[[strategy]]\nname = \"" + name + "\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"" + strings.Join(syms, `", "`) + "\"]\n"
	}
	text := `name = "shocked"
start = "2023-01-02"
[data]
dir = "prices"
classes = { AAA = "crypto", BBB = "crypto" }
[[scenario]]
name = "hit-a"
[[scenario.shock]]
type = "jump"
symbols = ["AAA"]
day = 5
move = -0.5
` + hold("only-bbb", "BBB") + hold("a-and-b", "AAA", "BBB") + hold("only-aaa", "AAA")
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Each stress row says how many instruments the run trades
// (instruments_traded: with fills under the scenario or in its
// baseline) and how many of them the scenario changed
// (instruments_shocked), alike in stress.csv, stress.parquet and
// results.duckdb's scenarios table, and the files are byte-identical on
// 1 and 2 workers and from two shards merged. By hand: hit-a changes AAA only, so
//
//	only-bbb: trades BBB        → 1 traded, 0 shocked (none)
//	a-and-b:  trades AAA and BBB → 2 traded, 1 shocked (partly)
//	only-aaa: trades AAA        → 1 traded, 1 shocked (all)
//
// and every baseline row has 0 shocked (no scenario) of what it trades.
// only-bbb under hit-a is a true 0 (hit-a aims at AAA only; its
// instruments_unreplayed is 0: TestStressUnknownRowsLeftOutOfSummary).
func TestStressInstrumentsShocked(t *testing.T) {
	want := []string{
		"a-and-b baseline 2 0", "a-and-b hit-a 2 1",
		"only-aaa baseline 1 0", "only-aaa hit-a 1 1",
		"only-bbb baseline 1 0", "only-bbb hit-a 1 0",
	}
	dir := t.TempDir()
	path := shockedExperiment(t, dir)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
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
			// The heatmap marks only-bbb's cell (untouched: hit-a aims
			// at AAA only) and a-and-b's (part), and names both marks
			// in its legend.
			for _, s := range []string{"untouched", "part of it shocked"} {
				if !bytes.Contains(out[workers]["stress_heatmap.svg"], []byte(s)) {
					t.Errorf("stress_heatmap.svg lacks the legend %q", s)
				}
			}
			for _, tc := range []struct {
				name string
				rows func() ([]string, error)
			}{
				{"stress.csv", func() ([]string, error) { return shockedCSV(out[workers]["stress.csv"]) }},
				{"stress.parquet", func() ([]string, error) { return shockedParquet(filepath.Join(o.Dir, "stress.parquet")) }},
				{"results.duckdb", func() ([]string, error) { return shockedDB(ctx, filepath.Join(o.Dir, resultsdb.File)) }},
			} {
				t.Run(tc.name, func(t *testing.T) {
					got, err := tc.rows()
					if err != nil {
						t.Fatal(err)
					}
					slices.Sort(got)
					if !slices.Equal(got, want) {
						t.Errorf("run scenario traded shocked:\n got %q\nwant %q", got, want)
					}
				})
			}
		})
	}
	for _, name := range []string{"stress.csv", "stress.parquet"} {
		if a, b := out[1][name], out[2][name]; len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: %d bytes on 1 worker, %d on 2, or they differ", name, len(a), len(b))
		}
	}
	// Two shards merged: the merge measures the runs from the shards'
	// fills, and writes the same counts, the same bytes.
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
		got, err := shockedCSV(merged["stress.csv"])
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("merged: run scenario traded shocked:\n got %q\nwant %q", got, want)
		}
		for _, name := range []string{"stress.csv", "stress.parquet"} {
			if !bytes.Equal(merged[name], out[1][name]) {
				t.Errorf("%s differs between the merge and the whole run", name)
			}
		}
	})
}

func shockedCSV(b []byte) ([]string, error) {
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) == 0 {
		return nil, fmt.Errorf("stress.csv: %v (%d records)", err, len(recs))
	}
	idx := map[string]int{}
	for j, h := range recs[0] {
		idx[h] = j
	}
	for _, c := range []string{"run", "scenario", "instruments_traded", "instruments_shocked"} {
		if _, ok := idx[c]; !ok {
			return nil, fmt.Errorf("stress.csv has no column %s (header %v)", c, recs[0])
		}
	}
	var out []string
	for _, r := range recs[1:] {
		out = append(out, strings.Join([]string{r[idx["run"]], r[idx["scenario"]], r[idx["instruments_traded"]], r[idx["instruments_shocked"]]}, " "))
	}
	return out, nil
}

func shockedParquet(path string) ([]string, error) {
	tab, err := results.ReadTableParquet(path, "run", "scenario", "instruments_traded", "instruments_shocked")
	if err != nil {
		return nil, err
	}
	run, sc, tr, sh := tab.Column("run"), tab.Column("scenario"), tab.Column("instruments_traded"), tab.Column("instruments_shocked")
	if run == nil || sc == nil || tr == nil || sh == nil || tr.Ints == nil || sh.Ints == nil {
		return nil, fmt.Errorf("%s: want run, scenario and the integer columns instruments_traded, instruments_shocked", path)
	}
	var out []string
	for i := range run.Strings {
		out = append(out, fmt.Sprintf("%s %s %d %d", run.Strings[i], sc.Strings[i], tr.Ints[i], sh.Ints[i]))
	}
	return out, nil
}

func shockedDB(ctx context.Context, path string) ([]string, error) {
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT CAST(run AS VARCHAR), CAST(scenario AS VARCHAR), instruments_traded, instruments_shocked FROM scenarios")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var run, sc string
		var tr, sh int64
		if err := rows.Scan(&run, &sc, &tr, &sh); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("%s %s %d %d", run, sc, tr, sh))
	}
	return out, rows.Err()
}

// A scenario that changes no price but an instrument's trading
// environment (here a liquidity window on BBB, on a spread of 10 bps)
// shocks that instrument,
// and a historical replay shocks only the members its source has bars
// for in its window. By hand, on AAA (bars from 2022-10-01, through the
// replay's window 2022-11-06…15) and BBB (bars from 2022-12-01 only):
//
//	thin-b (liquidity on BBB): only-bbb 1 of 1, a-and-b 1 of 2, only-aaa 0 of 1
//	crash again (replay of AAA and BBB): BBB is not replayed, so
//	                           only-bbb 0 of 1, a-and-b 1 of 2, only-aaa 1 of 1
func TestStressInstrumentsShockedByKind(t *testing.T) {
	dir := t.TempDir()
	dailyCSV(t, dir, "AAA", "2022-10-01", 250, func(k int) float64 { return 100 + float64(k%7) })
	dailyCSV(t, dir, "BBB", "2022-12-01", 190, func(k int) float64 { return 50 + float64(k%5) })
	hold := func(name string, syms ...string) string {
		return "[[strategy]]\nname = \"" + name + "\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"" + strings.Join(syms, `", "`) + "\"]\n"
	}
	// A spread to multiply: without one, thin-b changes nothing
	// (TestStressIdleEnvironmentShocksNotCounted).
	text := replayExperiment("crash again") + `[costs.crypto]
spread_bps = 10.0
[[scenario]]
name = "thin-b"
[[scenario.shock]]
type = "liquidity"
symbols = ["BBB"]
day = 0
days = 60
spread_mult = 4.0
` + hold("only-bbb", "BBB") + hold("a-and-b", "AAA", "BBB") + hold("only-aaa", "AAA")
	o, err := runIn(t, dir, text)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{
		"only-bbb thin-b": {1, 1}, "a-and-b thin-b": {2, 1}, "only-aaa thin-b": {1, 0},
		"only-bbb crash again": {1, 0}, "a-and-b crash again": {2, 1}, "only-aaa crash again": {1, 1},
		"only-bbb baseline": {1, 0}, "a-and-b baseline": {2, 0}, "only-aaa baseline": {1, 0},
	}
	seen := 0
	for _, row := range o.Stress.Rows {
		k := row.Run + " " + row.Scenario
		w, ok := want[k]
		if !ok {
			t.Errorf("unexpected row %s", k)
			continue
		}
		seen++
		if got := [2]int{row.InstrumentsTraded, row.InstrumentsShocked}; got != w {
			t.Errorf("%s: traded, shocked %v, want %v", k, got, w)
		}
	}
	if seen != len(want) {
		t.Errorf("%d rows checked, want %d", seen, len(want))
	}
}
