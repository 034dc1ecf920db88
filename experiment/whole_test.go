package experiment

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/results/report"
	"github.com/divergence-research/divergence/results/resultsdb"
	"github.com/divergence-research/divergence/scenarios"
)

// reportHTML and resultsDB are Options.Report and Options.Database as
// cmd/divergence sets them.
func reportHTML(ctx context.Context, in ReportInput) error {
	legs := make([]*report.LegSeries, len(in.Legs))
	for i, l := range in.Legs {
		legs[i] = (*report.LegSeries)(l)
	}
	return report.WriteInput(ctx, report.Input{Dir: in.Dir, Manifest: in.Manifest, Runs: in.Runs, Equity: in.Equity, Gross: in.Gross, Net: in.Net, Prices: in.Prices, Legs: legs})
}

func resultsDB(ctx context.Context, dir string, runs []results.RunRecord, equity []*engine.Curve, fillText map[string][]string) error {
	_, err := resultsdb.BuildRuns(ctx, dir, filepath.Join(dir, resultsdb.File), runs, equity, fillText)
	return err
}

const mcText = `name = "mc stream"
seed = 9
start = "2019-06-01"
end = "2021-06-01"
[data]
synthetic = true
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "BTC"
fast = 10
slow = 40
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "TAO"]
[montecarlo]
paths = %d
days = %d
warmup_days = 60
`

// mcRun runs the Monte Carlo experiment and returns the outcome with
// every path's equity curve, as the runner hands them out (curves[run]
// [path]).
func mcRun(t *testing.T, paths, days, workers int) (*Outcome, [][][]float64) {
	t.Helper()
	f, err := Parse("mc.toml", fmt.Sprintf(mcText, paths, days))
	if err != nil {
		t.Fatal(err)
	}
	curves := [][][]float64{make([][]float64, paths), make([][]float64, paths)}
	var mu sync.Mutex
	opt := Options{Out: t.TempDir(), Workers: workers, onPath: func(run, path int, eq []float64) {
		mu.Lock()
		curves[run][path] = append([]float64(nil), eq...)
		mu.Unlock()
	}}
	o, err := Run(context.Background(), f, opt)
	if err != nil {
		t.Fatal(err)
	}
	return o, curves
}

// Up to 1,000 paths the streamed Monte Carlo equals, bit for bit, what the
// whole paths give: the fan's bands and terminal returns (charts.Fan, the
// chart's own computation from every path) and the distribution
// (scenarios.Summarize); its files do not depend on the worker count.
func TestMonteCarloStreamedEqualsWholePaths(t *testing.T) {
	o, curves := mcRun(t, 150, 60, 3)
	for i, mc := range o.MonteCarlo {
		fan := charts.Fan{Name: mc.Run, Time: mc.Time, Paths: curves[i]}
		want := fan.Bands()
		for q := range want {
			for d := range want[q] {
				if math.Float64bits(want[q][d]) != math.Float64bits(mc.Bands[q][d]) {
					t.Fatalf("%s: band %d day %d: streamed %v, whole paths %v", mc.Run, q, d, mc.Bands[q][d], want[q][d])
				}
			}
		}
		if !slices.Equal(fan.Terminal(), mc.Terminal) {
			t.Errorf("%s: terminal returns differ from the fan's", mc.Run)
		}
		d, err := scenarios.Summarize(curves[i])
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.TerminalReturns, mc.Dist.TerminalReturns) || !slices.Equal(d.MaxDrawdowns, mc.Dist.MaxDrawdowns) ||
			d.VaR95 != mc.Dist.VaR95 || d.VaR99 != mc.Dist.VaR99 || d.CVaR95 != mc.Dist.CVaR95 || d.CVaR99 != mc.Dist.CVaR99 {
			t.Errorf("%s: distribution differs from scenarios.Summarize of the whole paths", mc.Run)
		}
	}
	o1, _ := mcRun(t, 150, 60, 1)
	a, b := files(t, o.Dir), files(t, o1.Dir)
	// prob_loss: the share of the whole paths that end below their start.
	rows, err := csv.NewReader(bytes.NewReader(a["montecarlo_summary.csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "prob_loss")
	if col < 0 || len(rows) != len(o.MonteCarlo)+1 {
		t.Fatalf("montecarlo_summary.csv: header %v, %d rows", rows[0], len(rows))
	}
	for i := range o.MonteCarlo {
		d, err := scenarios.Summarize(curves[i])
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, v := range d.TerminalReturns {
			if v < 0 {
				n++
			}
		}
		got, err := strconv.ParseFloat(rows[i+1][col], 64)
		if want := float64(n) / float64(len(d.TerminalReturns)); err != nil || math.Abs(got-want) > 1e-15 || n == 0 {
			t.Errorf("%s: prob_loss %q, want %g (%d of %d paths)", rows[i+1][0], rows[i+1][col], want, n, len(d.TerminalReturns))
		}
	}
	for _, name := range []string{"montecarlo.csv", "montecarlo.parquet", "montecarlo_summary.csv", "montecarlo.svg", "montecarlo.png"} {
		if len(a[name]) == 0 || !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between 3 workers and 1 (or is missing)", name)
		}
	}
}

// Beyond 1,000 paths the bands come from per-day sketches: each is within
// the sketch's relative error (0.1 %) of the exact type-7 quantile of the
// whole paths (up to the rounding of the bin edges, 1e-12), and the
// result still does not depend on the worker count.
func TestMonteCarloSketchedBands(t *testing.T) {
	if testing.Short() {
		t.Skip("1,100 paths")
	}
	o, curves := mcRun(t, 1100, 20, 2)
	o1, _ := mcRun(t, 1100, 20, 1)
	for i, mc := range o.MonteCarlo {
		want := charts.Fan{Name: mc.Run, Time: mc.Time, Paths: curves[i]}.Bands()
		for q := range want {
			for d := range want[q] {
				if got := mc.Bands[q][d]; math.Abs(got-want[q][d]) > (1e-3+1e-12)*math.Abs(want[q][d]) {
					t.Errorf("%s: band %d day %d: sketched %v, exact %v", mc.Run, q, d, got, want[q][d])
				}
				if o1.MonteCarlo[i].Bands[q][d] != mc.Bands[q][d] {
					t.Errorf("%s: band %d day %d differs between 2 workers and 1", mc.Run, q, d)
				}
			}
		}
	}
}

// With Options.Report the run writes results.duckdb and report.html from
// what it holds in memory: the report is byte for byte the one `divergence
// report` renders from the folder's files, and the same with 1 and 3
// workers; the database has every run, with the scenario, base and
// long-leg columns of the records.
func TestReportAndDatabaseFromMemory(t *testing.T) {
	// small.toml has no Monte Carlo: its report is drawn beside the runs'
	// files; stress.toml's after its Monte Carlo.
	for _, name := range []string{"small.toml", "stress.toml"} {
		t.Run(name, func(t *testing.T) { testReportFromMemory(t, name) })
	}
}

func testReportFromMemory(t *testing.T, name string) {
	run := func(workers int) *Outcome {
		f, err := Load("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: workers, Version: "test", Report: reportHTML, Database: resultsDB})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	o := run(3)
	mem := reportFromFolderSame(t, o.Dir)
	one, err := os.ReadFile(filepath.Join(run(1).Dir, report.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mem, one) {
		t.Error("report.html differs between 3 workers and 1")
	}

	db, err := sql.Open("duckdb", filepath.Join(o.Dir, resultsdb.File)+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT key, scenario, base, coalesce(long_leg_of, '') FROM runs ORDER BY key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type row struct{ key, scenario, base, legOf string }
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.key, &r.scenario, &r.base, &r.legOf); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	var want []row
	for _, r := range o.Runs {
		sc := r.Scenario
		if sc == "" {
			sc = "baseline"
		}
		want = append(want, row{r.Key, sc, r.Base, r.LongLegOf})
	}
	sort.Slice(want, func(a, b int) bool { return want[a].key < want[b].key })
	if !slices.Equal(got, want) {
		t.Errorf("results.duckdb runs:\n%v\nwant\n%v", got, want)
	}
}

// runs.parquet holds every column of the run record (results.All), runs.csv
// the headline ones; the scenario and companion columns agree with the runs.
func TestRunsParquetHasEveryColumn(t *testing.T) {
	o, _ := execute(t, "testdata/stress.toml", 2)
	tab, err := results.ReadTableParquet(filepath.Join(o.Dir, results.RunsParquet), "key", "scenario", "base", "long_leg_of", "seed", "var_95")
	if err != nil {
		t.Fatal(err)
	}
	keys, scen, base, legOf, seed := tab.Columns[0].Strings, tab.Columns[1].Strings, tab.Columns[2].Strings, tab.Columns[3].Strings, tab.Columns[4].Uints
	if len(keys) != len(o.Runs) {
		t.Fatalf("runs.parquet has %d rows, want %d", len(keys), len(o.Runs))
	}
	for i, r := range o.Runs {
		sc := r.Scenario
		if sc == "" {
			sc = "baseline"
		}
		if keys[i] != r.Key || scen[i] != sc || base[i] != r.Base || legOf[i] != r.LongLegOf || seed[i] != r.Seed {
			t.Errorf("row %d: %s %s %s %s %d, want %s %s %s %s %d", i, keys[i], scen[i], base[i], legOf[i], seed[i], r.Key, sc, r.Base, r.LongLegOf, r.Seed)
		}
	}
	if got := len(results.RunColumns(o.Records, results.All)); got <= len(results.RunColumns(o.Records, results.Headline)) {
		t.Errorf("All has %d columns, no more than Headline", got)
	}
}

// The legs charts are drawn for the runs the equity chart shows (the best
// 10 baseline runs by Sharpe, ranked here from runs.csv), or every run
// with AllCharts; legs.csv is written for every run with legs either way,
// with the same bytes.
func TestLegsChartsOnlyForShownRuns(t *testing.T) {
	f, err := Load("testdata/sweep.toml")
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := readCSV(filepath.Join(o.Dir, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for j, h := range recs[0] {
		col[h] = j
	}
	type kv struct {
		key    string
		sharpe float64
	}
	var all []kv
	for _, r := range recs[1:] {
		all = append(all, kv{r[col["key"]], num(t, r[col["sharpe"]])})
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].sharpe > all[b].sharpe })
	if len(all) != 18 {
		t.Fatalf("%d runs, want 18", len(all))
	}
	best := map[string]bool{}
	for _, r := range all[:10] {
		best[r.key] = true
	}
	fAll, err := Load("testdata/sweep.toml")
	if err != nil {
		t.Fatal(err)
	}
	oAll, err := Run(context.Background(), fAll, Options{Out: t.TempDir(), Workers: 2, AllCharts: true})
	if err != nil {
		t.Fatal(err)
	}
	drawn := 0
	for _, r := range o.Runs {
		hedge := r.Strategy == "hedge"
		exists := func(dir, name string) bool {
			_, err := os.Stat(filepath.Join(dir, "runs", r.Key, name))
			return err == nil
		}
		if got := exists(o.Dir, "legs.png"); got != (hedge && best[r.Key]) {
			t.Errorf("%s: legs.png written %v, want %v (hedge %v, among the best 10 %v)", r.Key, got, hedge && best[r.Key], hedge, best[r.Key])
		} else if got {
			drawn++
		}
		if got := exists(oAll.Dir, "legs.svg"); got != hedge {
			t.Errorf("%s: with AllCharts legs.svg written %v, want %v", r.Key, got, hedge)
		}
		a, errA := os.ReadFile(filepath.Join(o.Dir, "runs", r.Key, "legs.csv"))
		b, errB := os.ReadFile(filepath.Join(oAll.Dir, "runs", r.Key, "legs.csv"))
		if hedge && (errA != nil || errB != nil || !bytes.Equal(a, b)) {
			t.Errorf("%s: legs.csv missing or differs with AllCharts (%v, %v)", r.Key, errA, errB)
		}
	}
	if drawn == 0 {
		t.Error("no legs chart drawn: the best 10 hold no hedge run, the test checks nothing")
	}
}

// reportFromFolderSame renders dir's report.html again from the folder's
// files (report.Write) and fails t unless it is byte for byte the one
// the experiment made from memory; it returns those bytes.
func reportFromFolderSame(t *testing.T, dir string) []byte {
	t.Helper()
	mem, err := os.ReadFile(filepath.Join(dir, report.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := report.Write(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	disk, err := os.ReadFile(filepath.Join(dir, report.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mem, disk) {
		t.Errorf("report.html from memory (%d bytes) differs from the one rendered from the folder (%d bytes)", len(mem), len(disk))
	}
	return mem
}

// The fills' values the experiment hands to its database (Options.Database's
// fillText, results.FillText of each run's fills as written) are those
// DuckDB finds in the folder's fills files, and the database made with
// them is the one `divergence db` makes from the files (resultsdb.Build):
// stress.toml, with scenario runs and a pair hedge's long-leg runs, run
// whole and merged from two shards.
func TestDatabaseFillText(t *testing.T) {
	f, err := Load("testdata/stress.toml")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// db checks the values given against DuckDB's scan of the folder's
	// files, then builds the database with them.
	var given map[string][]string
	db := func(ctx context.Context, dir string, runs []results.RunRecord, equity []*engine.Curve, fillText map[string][]string) error {
		if fillText == nil {
			t.Error("no fills' values given to the database")
		}
		given = fillText
		conn, err := sql.Open("duckdb", "")
		if err != nil {
			return err
		}
		defer conn.Close()
		for _, c := range []string{"symbol", "side", "kind", "tag"} {
			var raw string
			if err := conn.QueryRow(`SELECT CAST(to_json(list(DISTINCT `+c+` ORDER BY `+c+`)) AS VARCHAR) FROM read_parquet(?)`,
				filepath.Join(dir, "runs", "*", "fills.parquet")).Scan(&raw); err != nil {
				return err
			}
			var want []string
			if err := json.Unmarshal([]byte(raw), &want); err != nil {
				return err
			}
			if !slices.Equal(fillText[c], want) {
				t.Errorf("%s: given %q, the files hold %q", c, fillText[c], want)
			}
		}
		return resultsDB(ctx, dir, runs, equity, fillText)
	}
	// same checks that the folder's database is the one built again from
	// its files.
	same := func(dir string) {
		t.Helper()
		rebuilt := filepath.Join(t.TempDir(), resultsdb.File)
		if _, err := resultsdb.Build(ctx, dir, rebuilt); err != nil {
			t.Fatal(err)
		}
		a, err := resultsdb.Dump(ctx, filepath.Join(dir, resultsdb.File))
		if err != nil {
			t.Fatal(err)
		}
		b, err := resultsdb.Dump(ctx, rebuilt)
		if err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("%s: the run's database differs from the one built again from its files", dir)
		}
	}
	o, err := Run(ctx, f, Options{Out: t.TempDir(), Version: "test", Database: db})
	if err != nil {
		t.Fatal(err)
	}
	if given == nil {
		t.Fatal("the database was not built")
	}
	same(o.Dir)

	shards := filepath.Join(t.TempDir(), "shards")
	for i := range 2 {
		if _, err := Run(ctx, f, Options{Out: shards, Version: "test", Shard: &Shard{Index: i, Count: 2, Source: "test"}}); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
	}
	dirs, err := ShardDirs([]string{shards})
	if err != nil {
		t.Fatal(err)
	}
	given = nil
	m, err := Merge(ctx, f, dirs, Options{Out: t.TempDir(), Version: "test", Database: db})
	if err != nil {
		t.Fatal(err)
	}
	if given == nil {
		t.Fatal("the merge built no database")
	}
	same(m.Dir)
}
