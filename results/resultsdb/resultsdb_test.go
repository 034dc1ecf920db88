//go:build duckdb_arrow

// The tests run an experiment with package experiment, which reads data
// through DuckDB's Arrow interface:
//
//	go test -tags duckdb_arrow ./results/resultsdb/

package resultsdb

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/experiment"
)

// smallFolder runs experiment/testdata/small.toml (three runs on
// the synthetic market) into a temporary folder, adds a stress matrix,
// Monte Carlo paths and an attribution in package report's layouts, and
// returns the folder.
func smallFolder(t testing.TB) string {
	t.Helper()
	dir := runFolder(t, filepath.Join("..", "..", "experiment", "testdata", "small.toml"))
	var stress, mc strings.Builder
	stress.WriteString("strategy,scenario,metric,value\n")
	for i, s := range []string{"hedge", "hold", "sma"} {
		for j, sc := range []string{"baseline", "ai-bubble-burst", "openai-revenue-miss"} {
			fmt.Fprintf(&stress, "%s,%s,sharpe,%g\n", s, sc, 1.1-0.6*float64(j)+0.2*float64((i+j)%3))
			fmt.Fprintf(&stress, "%s,%s,total_return,%g\n", s, sc, 0.05*float64(i)-0.1*float64(j))
		}
	}
	stress.WriteString("sma,miners-pivot,sharpe,NaN\n")
	mc.WriteString("strategy,path,time,equity\n")
	for _, s := range []string{"hedge", "hold"} {
		for p := range 20 {
			v := 1e5
			for k := range 30 {
				fmt.Fprintf(&mc, "%s,%d,%s,%g\n", s, p, time.Date(2019, 3, 1+k, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), v)
				v *= 1 + 0.003*math.Sin(float64(p*5+k*3+len(s)))
			}
		}
	}
	files := map[string]string{
		"stress.csv":      stress.String(),
		"montecarlo.csv":  mc.String(),
		"attribution.csv": "strategy,leg,pnl\nhedge,NVDA,5200\nhedge,TAO,-3100\nhedge,commission,-240\nhold,NVDA,9000\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		// The run's own Parquet copy would be read first.
		if err := os.Remove(filepath.Join(dir, strings.TrimSuffix(name, ".csv")+".parquet")); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	return dir
}

// runFolder runs the experiment file at path into a temporary folder and
// returns the experiment's output folder.
func runFolder(t testing.TB, path string) string {
	t.Helper()
	f, err := experiment.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Out: t.TempDir(), Workers: 2, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return o.Dir
}

// stressFolder runs experiment/testdata/stress.toml (two
// strategies, three scenarios, a long-leg companion run, Monte Carlo
// paths) and returns its output folder.
func stressFolder(t testing.TB) string {
	t.Helper()
	return runFolder(t, filepath.Join("..", "..", "experiment", "testdata", "stress.toml"))
}

func open(t *testing.T, path string) *sql.DB {
	t.Helper()
	c, err := goduckdb.NewConnector(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

// csvRows counts the data rows of CSV files.
func csvRows(t *testing.T, pattern string) int {
	t.Helper()
	paths, err := filepath.Glob(pattern)
	if err != nil || len(paths) == 0 {
		t.Fatalf("no files match %s", pattern)
	}
	n := 0
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bufio.NewReader(f)).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		n += len(recs) - 1
	}
	return n
}

func count(t *testing.T, db *sql.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestWrite(t *testing.T) {
	dir := smallFolder(t)
	tables, err := Build(context.Background(), dir, filepath.Join(dir, File))
	if err != nil {
		t.Fatal(err)
	}
	want := "manifest inputs runs equity fills scenarios montecarlo attribution attribution_detail"
	if got := strings.Join(tables, " "); got != want {
		t.Errorf("tables %q, want %q", got, want)
	}
	db := open(t, filepath.Join(dir, File))

	// Row counts equal the files'.
	for _, tc := range []struct {
		table, pattern string
	}{
		{"runs", filepath.Join(dir, "runs.csv")},
		{"equity", filepath.Join(dir, "runs", "*", "equity.csv")},
		{"fills", filepath.Join(dir, "runs", "*", "fills.csv")},
		{"scenarios", filepath.Join(dir, "stress.csv")},
		{"montecarlo", filepath.Join(dir, "montecarlo.csv")},
		{"attribution", filepath.Join(dir, "attribution.csv")},
	} {
		if got, want := count(t, db, "SELECT count(*) FROM "+tc.table), csvRows(t, tc.pattern); got != want {
			t.Errorf("%s has %d rows, the files %d", tc.table, got, want)
		}
	}
	// Per run too, keyed by folder.
	for _, key := range []string{"hedge", "hold", "sma"} {
		if got, want := count(t, db, "SELECT count(*) FROM equity WHERE run = '"+key+"'"), csvRows(t, filepath.Join(dir, "runs", key, "equity.csv")); got != want {
			t.Errorf("equity of %s: %d rows, want %d", key, got, want)
		}
		if got, want := count(t, db, "SELECT count(*) FROM fills WHERE run = '"+key+"'"), csvRows(t, filepath.Join(dir, "runs", key, "fills.csv")); got != want {
			t.Errorf("fills of %s: %d rows, want %d", key, got, want)
		}
	}

	// The best Sharpe run is the one with the largest sharpe in runs.csv.
	f, err := os.Open(filepath.Join(dir, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int {
		for i, h := range recs[0] {
			if h == name {
				return i
			}
		}
		t.Fatalf("runs.csv has no %s column", name)
		return -1
	}
	bestKey, best := "", math.Inf(-1)
	for _, r := range recs[1:] {
		if v, err := strconv.ParseFloat(r[col("sharpe")], 64); err == nil && v > best {
			bestKey, best = r[col("key")], v
		}
	}
	var key string
	var sharpe float64
	if err := db.QueryRow(`SELECT key, sharpe FROM runs ORDER BY sharpe DESC NULLS LAST LIMIT 1`).Scan(&key, &sharpe); err != nil {
		t.Fatal(err)
	}
	if key != bestKey || sharpe != best {
		t.Errorf("best Sharpe run %s (%g), runs.csv says %s (%g)", key, sharpe, bestKey, best)
	}

	// Columns and types.
	var synthetic bool
	var params, strategy string
	var seed uint64
	var fills int64
	var mdd float64
	if err := db.QueryRow(`SELECT r.synthetic, CAST(r.params AS VARCHAR), r.strategy, r.seed, r.fills, r.max_drawdown FROM runs r WHERE key = 'hedge'`).Scan(&synthetic, &params, &strategy, &seed, &fills, &mdd); err != nil {
		t.Fatal(err)
	}
	if !synthetic || !strings.Contains(params, `"gross":1.5`) || strategy != "hedge" || seed == 0 || fills == 0 || !(mdd < 0) {
		t.Errorf("hedge row: synthetic %v params %s strategy %q seed %d fills %d max_drawdown %g", synthetic, params, strategy, seed, fills, mdd)
	}
	var msyn bool
	var inputs int
	if err := db.QueryRow(`SELECT synthetic, (SELECT count(*) FROM inputs) FROM manifest`).Scan(&msyn, &inputs); err != nil {
		t.Fatal(err)
	}
	if !msyn || inputs != 4 {
		t.Errorf("manifest synthetic %v, %d inputs; want true, 4", msyn, inputs)
	}
	// Equity times are UTC instants, in order, and the last equity matches
	// runs.csv's final_equity.
	var first time.Time
	var last float64
	if err := db.QueryRow(`SELECT min(time), arg_max(equity, time) FROM equity WHERE run = 'hold'`).Scan(&first, &last); err != nil {
		t.Fatal(err)
	}
	if !first.Equal(time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first equity time %v, want 2019-03-01 UTC", first)
	}
	var final float64
	if err := db.QueryRow(`SELECT final_equity FROM runs WHERE key = 'hold'`).Scan(&final); err != nil {
		t.Fatal(err)
	}
	if last != final {
		t.Errorf("last equity %g, runs.final_equity %g", last, final)
	}

	// Nothing temporary is left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") || strings.HasSuffix(e.Name(), ".wal") {
			t.Errorf("%s left behind", e.Name())
		}
	}
}

// TestDocExamples runs every ```sql block of docs/results.md against the
// database of experiment/testdata/stress.toml, and expects rows
// from each.
func TestDocExamples(t *testing.T) {
	dir := stressFolder(t)
	tables, err := Build(context.Background(), dir, filepath.Join(dir, File))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"scenarios", "scenario_summary", "montecarlo", "montecarlo_summary", "montecarlo_bands", "attribution", "attribution_detail"} {
		if !strings.Contains(" "+strings.Join(tables, " ")+" ", " "+want+" ") {
			t.Errorf("no %s table (tables %v)", want, tables)
		}
	}
	db := open(t, filepath.Join(dir, File))
	// Every table of the folder's files is in the database, row for row.
	for _, tf := range [][2]string{{"montecarlo_bands", "montecarlo_bands.csv"}, {"attribution", "attribution.csv"}, {"attribution_detail", "attribution_detail.csv"}} {
		if got, want := count(t, db, "SELECT count(*) FROM "+tf[0]), csvRows(t, filepath.Join(dir, tf[1])); got != want || want == 0 {
			t.Errorf("%s has %d rows, %s %d", tf[0], got, tf[1], want)
		}
	}
	// Every run folder is a row, scenario runs included.
	dirs, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "metrics.json"))
	if got := count(t, db, "SELECT count(*) FROM runs"); got != len(dirs) {
		t.Errorf("runs has %d rows for %d run folders", got, len(dirs))
	}
	if got := count(t, db, "SELECT count(DISTINCT scenario) FROM runs"); got != 4 {
		t.Errorf("%d scenarios in runs, want 4 (baseline and three)", got)
	}
	if got, want := count(t, db, "SELECT count(*) FROM scenarios"), csvRows(t, filepath.Join(dir, "stress.csv")); got != want {
		t.Errorf("scenarios has %d rows, stress.csv %d", got, want)
	}
	if got, want := count(t, db, "SELECT count(*) FROM montecarlo"), csvRows(t, filepath.Join(dir, "montecarlo.csv")); got != want {
		t.Errorf("montecarlo has %d rows, montecarlo.csv %d", got, want)
	}

	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "results.md"))
	if err != nil {
		t.Fatal(err)
	}
	var queries []string
	for _, part := range strings.Split(string(doc), "```sql\n")[1:] {
		q, _, ok := strings.Cut(part, "```")
		if !ok {
			t.Fatal("unterminated ```sql block in docs/results.md")
		}
		queries = append(queries, q)
	}
	if len(queries) < 4 {
		t.Fatalf("%d SQL examples in docs/results.md, want at least 4", len(queries))
	}
	for i, q := range queries {
		rows, err := db.Query(q)
		if err != nil {
			t.Errorf("example %d: %v\n%s", i+1, err, q)
			continue
		}
		n := 0
		for rows.Next() {
			n++
		}
		if err := rows.Err(); err != nil {
			t.Errorf("example %d: %v", i+1, err)
		}
		rows.Close()
		if n == 0 {
			t.Errorf("example %d returned no rows:\n%s", i+1, q)
		}
	}

	// The Monte Carlo example's percentiles are montecarlo_summary's (the
	// ⌈p·n⌉-th smallest terminal return, scenarios.Quantile), rounded as
	// the example rounds them.
	for _, q := range queries {
		if !strings.Contains(q, "FROM montecarlo\n") {
			continue
		}
		rows, err := db.Query(`SELECT e.run, e.p5_pct, e.median_pct, s.terminal_p05, s.terminal_median
			FROM (` + strings.TrimRight(q, "; \n") + `) e JOIN montecarlo_summary s ON s.run = e.run`)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var run string
			var p5, med, sp5, smed float64
			if err := rows.Scan(&run, &p5, &med, &sp5, &smed); err != nil {
				t.Fatal(err)
			}
			// Within the example's rounding to 0.01 (percent).
			if math.Abs(p5-100*sp5) > 0.005+1e-9 || math.Abs(med-100*smed) > 0.005+1e-9 {
				t.Errorf("run %s: the example's 5th percentile and median %v%% and %v%%, montecarlo_summary's %v and %v", run, p5, med, sp5, smed)
			}
			n++
		}
		rows.Close()
		if n == 0 {
			t.Error("the Monte Carlo example and montecarlo_summary share no run")
		}
	}

	// Spot-check the second example: under baseline, the best Sharpe is the
	// largest of runs.csv's baseline rows that are not a companion run (a
	// pair hedge's long leg alone, long_leg_of set), which the example
	// leaves out.
	f, err := os.Open(filepath.Join(dir, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	sc, nc, scen, lc := -1, -1, -1, -1
	for i, h := range recs[0] {
		switch h {
		case "sharpe":
			sc = i
		case "strategy":
			nc = i
		case "scenario":
			scen = i
		case "long_leg_of":
			lc = i
		}
	}
	if sc < 0 || nc < 0 || scen < 0 || lc < 0 {
		t.Fatalf("runs.csv header %v lacks sharpe, strategy, scenario or long_leg_of", recs[0])
	}
	best, bestName := math.Inf(-1), ""
	for _, r := range recs[1:] {
		if r[scen] != "baseline" || r[lc] != "" {
			continue
		}
		if v, err := strconv.ParseFloat(r[sc], 64); err == nil && v > best {
			best, bestName = v, r[nc]
		}
	}
	rows, err := db.Query(queries[1])
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var scenario, strategy string
		var sharpe float64
		if err := rows.Scan(&scenario, &strategy, &sharpe); err != nil {
			t.Fatal(err)
		}
		if scenario == "baseline" {
			found = true
			if strategy != bestName || math.Abs(sharpe-best) > 5e-4 {
				t.Errorf("best Sharpe under baseline: %s %g, runs.csv says %s %g", strategy, sharpe, bestName, best)
			}
		}
	}
	if !found {
		t.Error("no baseline row")
	}
}

func TestWriteFailureKeepsOld(t *testing.T) {
	dir := smallFolder(t)
	if err := Write(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(dir, File))
	if err != nil {
		t.Fatal(err)
	}
	// A stress.parquet that is not Parquet fails the build.
	if err := os.WriteFile(filepath.Join(dir, "stress.parquet"), []byte("not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = Write(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "scenarios") {
		t.Fatalf("error %v, want one naming the scenarios table", err)
	}
	after, err := os.ReadFile(filepath.Join(dir, File))
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Error("the failed build changed results.duckdb")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("%s left behind", e.Name())
		}
	}
	if err := Write(context.Background(), t.TempDir()); err == nil || !strings.Contains(err.Error(), "not an experiment folder") {
		t.Errorf("error %v for an empty folder", err)
	}
}

// TestWriteRefusesAMissingRun: a run's folder deleted from an experiment
// folder gave a database whose runs table named the run and whose equity
// and fills had no row of it, without a word (report refuses the same
// folder). The build names the run.
func TestWriteRefusesAMissingRun(t *testing.T) {
	dir := smallFolder(t)
	runs, err := os.ReadDir(filepath.Join(dir, "runs"))
	if err != nil || len(runs) == 0 {
		t.Fatal(err)
	}
	gone := runs[0].Name()
	if err := os.RemoveAll(filepath.Join(dir, "runs", gone)); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "run "+gone+" has no") {
		t.Errorf("error %v, want one naming run %s", err, gone)
	}
	if _, err := os.Stat(filepath.Join(dir, File)); !os.IsNotExist(err) {
		t.Errorf("results.duckdb written (%v)", err)
	}
}

// TestWriteRefusesAMissingFillsFile: a run's fills file deleted (both
// Parquet and CSV) gave a fills table without that run's rows, and exit
// 0. Every run writes one, empty when it never traded: the build names
// the run and the file, and writes nothing.
func TestWriteRefusesAMissingFillsFile(t *testing.T) {
	dir := smallFolder(t)
	runs, err := os.ReadDir(filepath.Join(dir, "runs"))
	if err != nil || len(runs) == 0 {
		t.Fatal(err)
	}
	k := runs[0].Name()
	for _, f := range []string{"fills.parquet", "fills.csv"} {
		if err := os.Remove(filepath.Join(dir, "runs", k, f)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	want := "run " + k + " has no " + filepath.Join(dir, "runs", k, "fills.parquet") + " (nor fills.csv)"
	if err := Write(context.Background(), dir); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, File)); !os.IsNotExist(err) {
		t.Errorf("results.duckdb written (%v)", err)
	}
}

// TestWriteFromCSV builds the database of a folder without Parquet files:
// equity and fills then come from the CSV files.
func TestWriteFromCSV(t *testing.T) {
	dir := smallFolder(t)
	pq, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "*.parquet"))
	for _, p := range pq {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	db := open(t, filepath.Join(dir, File))
	if got, want := count(t, db, "SELECT count(*) FROM equity"), csvRows(t, filepath.Join(dir, "runs", "*", "equity.csv")); got != want {
		t.Errorf("equity has %d rows, the CSV files %d", got, want)
	}
	if got, want := count(t, db, "SELECT count(*) FROM fills"), csvRows(t, filepath.Join(dir, "runs", "*", "fills.csv")); got != want {
		t.Errorf("fills has %d rows, the CSV files %d", got, want)
	}
	var first time.Time
	if err := db.QueryRow(`SELECT min(time) FROM equity WHERE run = 'sma'`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if !first.Equal(time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first equity time %v, want 2019-03-01 UTC", first)
	}
}

// The walk-forward outputs become two tables, one row per window and per
// stitched equity point, keyed by the strategy's folder.
func TestWalkForwardTables(t *testing.T) {
	dir := runFolder(t, filepath.Join("..", "..", "experiment", "testdata", "walkforward.toml"))
	if err := Write(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	db := open(t, filepath.Join(dir, "results.duckdb"))
	defer db.Close()
	for _, s := range []string{"sma", "hedge"} {
		want := csvRows(t, filepath.Join(dir, "walkforward", s, "windows.csv"))
		if got := count(t, db, "SELECT count(*) FROM walkforward_windows WHERE strategy = '"+s+"'"); got != want || want == 0 {
			t.Errorf("%s: %d windows in the database, %d in windows.csv", s, got, want)
		}
		want = csvRows(t, filepath.Join(dir, "walkforward", s, "equity.csv"))
		if got := count(t, db, "SELECT count(*) FROM walkforward_equity WHERE strategy = '"+s+"'"); got != want || want == 0 {
			t.Errorf("%s: %d equity rows in the database, %d in equity.csv", s, got, want)
		}
	}
}

// The two var_95 columns (runs: a per-period return, negative for a
// loss; montecarlo_summary: a loss of terminal return, positive) carry
// comments that say which, and the numbers agree with them: each Monte
// Carlo row's var_95 is minus its terminal_p05 and its cvar_95 at least
// its var_95; each run's var_95 is the 5th percentile of its per-period
// returns (from the equity table), negative where a run lost on more than
// 5% of its periods.
func TestVaRColumnComments(t *testing.T) {
	dir := stressFolder(t)
	if _, err := Build(context.Background(), dir, filepath.Join(dir, File)); err != nil {
		t.Fatal(err)
	}
	db := open(t, filepath.Join(dir, File))
	for _, c := range []struct{ table, column, says string }{
		{"runs", "var_95", "negative for a loss"},
		{"runs", "cvar_95", "negative for a loss"},
		{"montecarlo_summary", "var_95", "as a positive loss"},
		{"montecarlo_summary", "var_99", "as a positive loss"},
		{"montecarlo_summary", "cvar_95", "as a positive loss"},
		{"montecarlo_summary", "cvar_99", "as a positive loss"},
	} {
		var text sql.NullString
		if err := db.QueryRow("SELECT comment FROM duckdb_columns() WHERE table_name = ? AND column_name = ?", c.table, c.column).Scan(&text); err != nil {
			t.Fatalf("%s.%s: %v", c.table, c.column, err)
		}
		if !strings.Contains(text.String, c.says) {
			t.Errorf("%s.%s comment %q does not say %q", c.table, c.column, text.String, c.says)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM montecarlo_summary"); n == 0 {
		t.Fatal("no Monte Carlo rows: the test's premise")
	}
	if n := count(t, db, "SELECT count(*) FROM montecarlo_summary WHERE abs(var_95 + terminal_p05) > 1e-12 OR cvar_95 < var_95 - 1e-12"); n != 0 {
		t.Errorf("%d Monte Carlo rows where var_95 is not −terminal_p05 or cvar_95 < var_95", n)
	}
	// Each run's var_95 is the 5th percentile of its per-period returns,
	// by linear interpolation: DuckDB's quantile_cont over the equity
	// table's returns computes it a second way.
	q := `WITH r AS (SELECT run, equity / lag(equity) OVER (PARTITION BY run ORDER BY time) - 1 AS ret FROM equity),
		p AS (SELECT run, quantile_cont(ret, 0.05) AS p05 FROM r WHERE ret IS NOT NULL GROUP BY run)
		SELECT count(*) FROM runs JOIN p ON runs.key = p.run
		WHERE runs.var_95 IS NOT NULL AND abs(runs.var_95 - p.p05) > 1e-12`
	if n := count(t, db, q); n != 0 {
		t.Errorf("%d runs whose var_95 is not the 5th percentile of their returns", n)
	}
	if n := count(t, db, "SELECT count(*) FROM runs WHERE var_95 IS NOT NULL"); n == 0 {
		t.Error("no run with a var_95: the test's premise")
	}
}

// docs/results.md's monthly returns compound to each run's total return
// (the same query unrounded, multiplied out in SQL, against runs.total_return).
func TestMonthlyReturnsCompound(t *testing.T) {
	dir := stressFolder(t)
	if _, err := Build(context.Background(), dir, filepath.Join(dir, File)); err != nil {
		t.Fatal(err)
	}
	db := open(t, filepath.Join(dir, File))
	q := `WITH month_end AS (
		  SELECT e.run, date_trunc('month', e.time) AS month, arg_max(e.equity, e.time) AS equity
		  FROM equity e JOIN runs r ON r.key = e.run WHERE r.scenario = 'baseline' GROUP BY e.run, month),
		m AS (SELECT m.run, m.equity / coalesce(lag(m.equity) OVER (PARTITION BY m.run ORDER BY m.month), r.initial_cash) AS g
		  FROM month_end m JOIN runs r ON r.key = m.run),
		c AS (SELECT run, exp(sum(ln(g))) - 1 AS compounded FROM m GROUP BY run)
		SELECT count(*), count(*) FILTER (WHERE abs(c.compounded - r.total_return) > 1e-9) FROM c JOIN runs r ON r.key = c.run`
	var n, bad int
	if err := db.QueryRow(q).Scan(&n, &bad); err != nil {
		t.Fatal(err)
	}
	if n == 0 || bad != 0 {
		t.Errorf("%d of %d runs' months do not compound to their total return", bad, n)
	}
}

// The notes the program printed (manifest.json's notes) are a list in
// the manifest table, each as written: a quote, a comma and a line of
// the manifest itself survive the JSON and the cast.
func TestManifestNotes(t *testing.T) {
	dir := smallFolder(t)
	path := filepath.Join(dir, "manifest.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := []string{`run "x": equity fell to -1.00, then rose`, "2 runs made no trade: a, b"}
	m["notes"] = want
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), dir, filepath.Join(dir, File)); err != nil {
		t.Fatal(err)
	}
	db := open(t, filepath.Join(dir, File))
	var n int
	var first, second string
	if err := db.QueryRow(`SELECT len(notes), notes[1], notes[2] FROM manifest`).Scan(&n, &first, &second); err != nil {
		t.Fatal(err)
	}
	if n != 2 || first != want[0] || second != want[1] {
		t.Errorf("manifest.notes: %d notes %q, %q; want %q", n, first, second, want)
	}
}

// The Monte Carlo's two percentile rules, named in their columns'
// comments and checked by DuckDB's own quantiles over the per-path
// table: montecarlo_summary's terminal_p05 … terminal_p95 are nearest
// rank (the ⌈p·n⌉-th smallest path, R type 1: quantile_disc), and
// montecarlo_bands' p05 … p95 interpolate (R type 7: quantile_cont);
// on the last path date a band is the growth of 1, so its p50 − 1 is
// quantile_cont of the terminal returns (the stress experiment's paths
// are under the 1,000 the bands keep exactly, and start at the cash).
func TestMonteCarloPercentileRules(t *testing.T) {
	dir := stressFolder(t)
	if _, err := Build(context.Background(), dir, filepath.Join(dir, File)); err != nil {
		t.Fatal(err)
	}
	db := open(t, filepath.Join(dir, File))
	for _, c := range []struct{ table, column, says string }{
		{"montecarlo_summary", "terminal_p05", "nearest rank"},
		{"montecarlo_summary", "terminal_median", "nearest rank"},
		{"montecarlo_bands", "p05", "linear interpolation"},
		{"montecarlo_bands", "p50", "linear interpolation"},
	} {
		var text sql.NullString
		if err := db.QueryRow("SELECT comment FROM duckdb_columns() WHERE table_name = ? AND column_name = ?", c.table, c.column).Scan(&text); err != nil {
			t.Fatalf("%s.%s: %v", c.table, c.column, err)
		}
		if !strings.Contains(text.String, c.says) {
			t.Errorf("%s.%s comment %q does not say %q", c.table, c.column, text.String, c.says)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM montecarlo_summary"); n == 0 {
		t.Fatal("no Monte Carlo rows: the test's premise")
	}
	for _, p := range []struct {
		col string
		q   float64
	}{{"terminal_p05", 0.05}, {"terminal_p25", 0.25}, {"terminal_median", 0.5}, {"terminal_p75", 0.75}, {"terminal_p95", 0.95}} {
		q := fmt.Sprintf(`WITH d AS (SELECT run, quantile_disc(terminal_return, %g) AS v FROM montecarlo GROUP BY run)
			SELECT count(*) FROM montecarlo_summary s JOIN d ON s.run = d.run WHERE abs(s.%s - d.v) > 1e-12`, p.q, p.col)
		if n := count(t, db, q); n != 0 {
			t.Errorf("%s: %d runs differ from quantile_disc", p.col, n)
		}
	}
	for _, p := range []struct {
		col string
		q   float64
	}{{"p05", 0.05}, {"p25", 0.25}, {"p50", 0.5}, {"p75", 0.75}, {"p95", 0.95}} {
		q := fmt.Sprintf(`WITH c AS (SELECT run, quantile_cont(terminal_return, %g) AS v FROM montecarlo GROUP BY run),
			b AS (SELECT run, arg_max(%s, time) AS v FROM montecarlo_bands GROUP BY run)
			SELECT count(*) FROM b JOIN c ON b.run = c.run WHERE abs(b.v - 1 - c.v) > 1e-9`, p.q, p.col)
		if n := count(t, db, q); n != 0 {
			t.Errorf("bands %s on the last date: %d runs differ from quantile_cont of the terminal returns", p.col, n)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM montecarlo_bands"); n == 0 {
		t.Fatal("no bands: the test's premise")
	}
}
