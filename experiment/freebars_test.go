package experiment

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"weak"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/resultsdb"
)

// With Options.FreeBars the outputs are those made with the bars in
// memory, byte for byte (results.duckdb table by table, DuckDB laying its
// file out anew each time), on the three paths the outputs take: beside
// the runs (small.toml), after a Monte Carlo with scenarios (stress.toml)
// and after a walk-forward (walkforward.toml). And the bars are gone: the
// outcome's panel and views keep their instruments, without bars.
func TestFreeBarsSameOutputs(t *testing.T) {
	for _, name := range []string{"small.toml", "stress.toml", "walkforward.toml"} {
		t.Run(name, func(t *testing.T) {
			f, err := Load("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			run := func(free bool) *Outcome {
				o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 2, Version: "test",
					Report: reportHTML, Database: resultsDB, FreeBars: free})
				if err != nil {
					t.Fatal(err)
				}
				return o
			}
			kept, freed := run(false), run(true)
			if kept.Panel.Series[0].Len() == 0 {
				t.Fatal("without FreeBars the outcome's panel has no bars")
			}
			for v, view := range freed.Views {
				for i := range view.Panel.Series {
					if s := &view.Panel.Series[i]; s.Len() != 0 || s.Close != nil || s.Symbol == "" {
						t.Errorf("view %d, series %d (%q): %d bars, closes %v after FreeBars, want none and its symbol", v, i, s.Symbol, s.Len(), s.Close != nil)
					}
				}
			}
			for v, view := range freed.Views {
				if view.Timeline != nil {
					t.Errorf("view %d keeps its timeline after FreeBars", v)
				}
			}
			if len(freed.Panel.Series) != len(kept.Panel.Series) {
				t.Errorf("%d instruments after FreeBars, want %d", len(freed.Panel.Series), len(kept.Panel.Series))
			}
			a, b := folderFiles(t, kept.Dir), folderFiles(t, freed.Dir)
			if !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))) {
				t.Fatalf("files differ:\n%v\n%v", slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b)))
			}
			for name, data := range a {
				if name != resultsdb.File && !bytes.Equal(data, b[name]) {
					t.Errorf("%s differs with FreeBars", name)
				}
			}
			ta, tb := dbTables(t, filepath.Join(kept.Dir, resultsdb.File)), dbTables(t, filepath.Join(freed.Dir, resultsdb.File))
			if len(ta) < 3 || !slices.Equal(slices.Sorted(maps.Keys(ta)), slices.Sorted(maps.Keys(tb))) {
				t.Fatalf("results.duckdb tables %v with FreeBars, want %v", slices.Sorted(maps.Keys(tb)), slices.Sorted(maps.Keys(ta)))
			}
			for table, rows := range ta {
				if rows != tb[table] {
					t.Errorf("results.duckdb table %s differs with FreeBars", table)
				}
			}
		})
	}
}

// The database is built without the market in memory: the live heap when
// it starts (after a collection) is smaller with FreeBars by at least the
// bars and the timeline. The experiment: 8 instruments × 20,000 daily bars
// read from CSV, from 1700-01-01 to 1754-10-04, the runs from 1710 to
// 1750 without warm-up: the replayed panel is a cut of the history before
// 1750, a cut of the files' bars, and each must go. The files' bars hold
// 8 bytes each for their time, open, high, low, close and volume: 8 ×
// 20,000 × 6 × 8 = 7,680,000 bytes. The timeline holds 8 bytes (an
// instrument and a row, 4 bytes each) per bar replayed, 14,610 days from
// 1710 to 1750: 8 × 14,610 × 8 = 935,040 bytes. Together 8,615,040 bytes,
// not counting the adjusted closes, the source rows and the timeline's
// times, which go too.
func TestFreeBarsDatabaseWithoutMarket(t *testing.T) {
	path := wholeExperiment(t, t.TempDir(), 20_000)
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text = bytes.Replace(text, []byte("seed = 1\n"), []byte("seed = 1\nstart = \"1710-01-01\"\nend = \"1750-01-01\"\nwarmup = false\n"), 1)
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	live := func(free bool) uint64 {
		var heap uint64
		db := func(ctx context.Context, dir string, runs []results.RunRecord, equity []*engine.Curve, fillText map[string][]string) error {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heap = ms.HeapAlloc
			return resultsDB(ctx, dir, runs, equity, fillText)
		}
		// One worker: the database is the only task running when it starts.
		if _, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, Version: "test",
			Report: reportHTML, Database: db, FreeBars: free}); err != nil {
			t.Fatal(err)
		}
		return heap
	}
	kept, freed := live(false), live(true)
	const bars = 8*20_000*6*8 + 8*14_610*8
	t.Logf("live heap at the database: %.2f MB without FreeBars, %.2f MB with", float64(kept)/1e6, float64(freed)/1e6)
	if kept < freed+bars {
		t.Errorf("live heap at the database %.2f MB with FreeBars, %.2f MB without: %.2f MB less, want at least the bars' and the timeline's %.2f MB",
			float64(freed)/1e6, float64(kept)/1e6, (float64(kept)-float64(freed))/1e6, bars/1e6)
	}
}

// folderFiles returns every file under dir by its path from dir.
func folderFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		b, err := os.ReadFile(path)
		files[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// dbTables returns each table of the database at path as text, its rows
// in order of all their columns.
func dbTables(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var names []string
	rows, err := db.Query(`SELECT table_name FROM duckdb_tables() ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	out := map[string]string{}
	for _, n := range names {
		rows, err := db.Query(`SELECT * FROM "` + n + `" ORDER BY ALL`)
		if err != nil {
			t.Fatalf("table %s: %v", n, err)
		}
		cols, _ := rows.Columns()
		var b strings.Builder
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("table %s: %v", n, err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
		out[n] = b.String()
	}
	return out
}

// dropBars leaves no bar and no timeline reachable from the market and
// its views, whichever panel held them: the replayed panel, its history
// before the cut at start, the files' bars past end (Uncut), the
// replays' source with a symbol loaded for them alone (ReplaySource),
// the benchmarks, and each view's panel, benchmarks and timeline. Each
// column's array and each timeline is watched through a weak pointer,
// which the collection after the drop clears once nothing reaches it.
// TestFreeBarsDatabaseWithoutMarket measures the heap against a lower
// bound that the market's timeline (about 1.2 MB there) fits under: it
// passed with m.Timeline kept; this test fails.
func TestFreeBarsReleasesEveryPanel(t *testing.T) {
	dir := t.TempDir()
	px := func(k int) float64 { return 100 + float64(k%11) }
	// AAA and IDX run past end (2023-05-01): Uncut holds bars History
	// does not; both start before start (2023-01-02): History holds
	// bars Panel does not (warmup = false).
	dailyCSV(t, dir, "AAA", "2022-10-01", 300, px)
	dailyCSV(t, dir, "BBB", "2022-12-01", 200, px)
	dailyCSV(t, dir, "IDX", "2022-10-01", 300, px)
	dailyCSV(t, dir, "OLD", "2022-10-01", 90, func(k int) float64 { return 50 + float64(k) })
	text := `name = "drop"
start = "2023-01-02"
end = "2023-05-01"
warmup = false
benchmarks = ["IDX"]
[data]
dir = "prices"
classes = { AAA = "crypto", BBB = "crypto", IDX = "crypto" }
[groups]
pair = ["AAA", "BBB"]
[[scenario]]
name = "renamed"
[[scenario.shock]]
type = "transplant"
groups = ["pair"]
from = 2022-11-06
to = 2022-11-15
day = 7
source_symbols = { BBB = "OLD" }
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA", "BBB"]
`
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	// The steps of Run up to the runs.
	ctx := context.Background()
	opt := Options{Out: filepath.Join(dir, "out"), Workers: 1, Version: "test"}.withDefaults()
	specs, _, err := f.RunsNoted(opt.Strategies)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.prepare(ctx, specs, opt)
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.scenarioList(false)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.loadReplaySources(ctx, m, list, opt); err != nil {
		t.Fatal(err)
	}
	views, _, err := f.Views(m, list, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 2 {
		t.Fatalf("%d views, want the baseline and the scenario", len(views))
	}
	panels := []struct {
		name string
		p    *data.Panel
	}{{"Panel", m.Panel}, {"History", m.History}, {"Uncut", m.Uncut}, {"ReplaySource", m.ReplaySource}, {"Bench", m.Bench}}
	for v := range views {
		panels = append(panels, struct {
			name string
			p    *data.Panel
		}{fmt.Sprintf("view %d's panel", v), views[v].Panel}, struct {
			name string
			p    *data.Panel
		}{fmt.Sprintf("view %d's benchmarks", v), views[v].Bench})
	}
	// The bars each panel holds, by hand from the files above (end is
	// exclusive): the replayed panel from start, 2023-01-02, to
	// 2023-04-30, 30 + 28 + 31 + 30 = 119 days; the history from each
	// file's first day, AAA's 2022-10-01 (92 days to 2022-12-31 more,
	// 31 + 30 + 31) and BBB's 2022-12-01 (31 more); the uncut bars and
	// the benchmark whole, as the files hold them; the replays' source,
	// the uncut bars with OLD's file.
	want := map[string]int{"AAA": 119, "BBB": 119, "History AAA": 212, "History BBB": 151, "Uncut AAA": 300, "Uncut BBB": 200,
		"ReplaySource AAA": 300, "ReplaySource BBB": 200, "ReplaySource OLD": 90, "IDX": 300}
	watched := map[string]weak.Pointer[int64]{}
	floats := map[string]weak.Pointer[float64]{}
	for _, np := range panels {
		if np.p == nil {
			t.Fatalf("%s is nil: the test does not exercise it", np.name)
		}
		for i := range np.p.Series {
			s := &np.p.Series[i]
			key := np.name + " " + s.Symbol
			n, ok := want[key]
			if !ok {
				n = want[s.Symbol]
			}
			if s.Len() != n {
				t.Fatalf("%s: %d bars, want %d", key, s.Len(), n)
			}
			watched[key+" time"] = weak.Make(&s.Time[0])
			for c, col := range map[string][]float64{"open": s.Open, "high": s.High, "low": s.Low, "close": s.Close, "volume": s.Volume, "adj_close": s.AdjClose} {
				floats[key+" "+c] = weak.Make(&col[0])
			}
		}
	}
	timelines := map[string]weak.Pointer[engine.Timeline]{"the market's timeline": weak.Make(m.Timeline)}
	for v := range views {
		timelines[fmt.Sprintf("view %d's timeline", v)] = weak.Make(views[v].Timeline)
	}
	m.dropBars(views)
	runtime.GC()
	for _, k := range slices.Sorted(maps.Keys(watched)) {
		if watched[k].Value() != nil {
			t.Errorf("%s: still reachable after dropBars", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(floats)) {
		if floats[k].Value() != nil {
			t.Errorf("%s: still reachable after dropBars", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(timelines)) {
		if timelines[k].Value() != nil {
			t.Errorf("%s: still reachable after dropBars", k)
		}
	}
	for _, np := range panels {
		for i := range np.p.Series {
			if s := &np.p.Series[i]; s.Symbol == "" || s.Len() != 0 {
				t.Errorf("%s, series %d: symbol %q, %d bars after dropBars: want its symbol and none", np.name, i, s.Symbol, s.Len())
			}
		}
	}
	runtime.KeepAlive(m)
	runtime.KeepAlive(views)
}
