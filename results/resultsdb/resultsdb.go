// Package resultsdb builds a DuckDB database of an experiment's results,
// results.duckdb, from the files of its output folder, so that runs can be
// compared with SQL (docs/results.md has examples).
//
// DuckDB makes every table itself from the files (CREATE TABLE … AS
// SELECT … FROM read_parquet(…)), inside one transaction: no row is
// inserted through Go. Parquet is read wherever the folder has it
// (runs/*/equity.parquet, fills.parquet, the optional tables), CSV only
// when it has no Parquet file. The one exception is the equity table of
// an experiment that hands its curves over ([BuildRuns]): DuckDB makes
// it from them, through its Arrow interface, in batches of a row group
// (the same rows as the files', which a test checks). The whole build
// takes 1.4–1.8 s instead of 1.8–2.3 s for 200 daily runs (730,200
// equity rows), and 0.20–0.24 s instead of 0.46–0.57 s for 8 runs of
// 125,000. The run key of an equity or fills row is the name of the
// folder its file sits in (runs/<key>/...), which is the run's key by
// construction.
//
// # Tables
//
//	manifest     one row: experiment, experiment_sha256, seed, program_version, synthetic
//	inputs       the market data: symbol, source, path, sha256, rows, first, last
//	runs         one row per run (scenario and companion runs included), ordered by key,
//	             with the columns of results.RunsTable(records, results.All): key,
//	             strategy, type, data, params (JSON text), scenario ("baseline" or the
//	             scenario's name), base (the key without the scenario), long_leg_of,
//	             param_<name> per swept parameter, the headline metrics, counts and
//	             costs (total_return … liquidations), experiment, synthetic, seed,
//	             start, end, initial_cash, commission_bps, periods_per_year,
//	             calendar, the other metrics of metrics.json (var_95, …, turnover,
//	             max_drawdown_peak/trough/recovery), costs_<kind>, stat_<name> per
//	             statistic of the strategy's own (strategy_stats), and per benchmark
//	             symbol <metric>_<symbol> (beta_qqq, alpha_qqq, correlation_qqq,
//	             tracking_error_qqq, information_ratio_qqq, up_capture_qqq,
//	             down_capture_qqq)
//	equity       run, time, equity, cash, gross, net, drawdown      (each run's rows together, in time order)
//	fills        run, time, symbol, side, qty, price, notional, commission, kind, tag, slippage, fee
//	                                                              (each run's rows together, as in its file;
//	                                                              slippage and fee NULL from files without them)
//
// The runs come from runs.parquet when it holds every column of the
// records (results.RunColumns(records, results.All), read from their
// metrics.json); otherwise from the runs' metrics.json files
// (results.ReadRuns), written to a temporary Parquet file that DuckDB
// reads the same way, or from the records a caller passes ([BuildRuns]).
//
// These tables are added when the folder has the file (Parquet preferred
// to CSV), with the file's own columns and types:
//
//	scenarios           stress.parquet or stress.csv                     the stress table
//	scenario_summary    stress_summary.parquet or .csv
//	montecarlo          montecarlo.parquet or .csv
//	montecarlo_summary  montecarlo_summary.parquet or .csv
//	montecarlo_bands    montecarlo_bands.parquet or .csv
//	attribution         attribution.parquet or .csv
//	attribution_detail  attribution_detail.parquet or .csv
//	benchmarks          benchmarks.parquet or .csv (symbol, time, close)
//	walkforward_windows walkforward/<strategy>/windows.parquet (strategy = the folder)
//	walkforward_equity  walkforward/<strategy>/equity.parquet
//
// Undefined values are NULL, never NaN: a NaN in a DOUBLE column of any
// file (too few observations, a zero denominator) becomes NULL, and so
// does an empty date, and an empty text in the tables above from
// scenarios to benchmarks (stress_summary's worst_scenario when every
// scenario is left out), from either file. Counts are BIGINT (seed
// UBIGINT), dates (start, end, max_drawdown_peak, …) DATE, synthetic
// BOOLEAN. Rates are decimals
// (0.12 = 12 %), as in metrics.json. Times are TIMESTAMP WITH TIME ZONE
// (UTC) in equity and fills, as in the Parquet files.
//
// The database is built in a temporary file in the folder and renamed over
// results.duckdb only when complete: a failed build leaves an earlier
// database untouched and no partial file behind.
//
// The package uses DuckDB through database/sql (cgo), and its Arrow
// interface for the equity curves a caller holds in memory ([BuildRuns]),
// which duckdb-go compiles only with a build tag:
//
//	go test -tags duckdb_arrow ./results/resultsdb/
package resultsdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/parquet/file"
	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
)

// File is the name of the database in an experiment folder.
const File = "results.duckdb"

// GlobChars are the characters DuckDB expands in the paths the database
// is built from: a folder whose path has one cannot hold it (Build and
// BuildRuns refuse it; divergence run refuses such an --out up front).
const GlobChars = "*?[]{}"

// Write builds dir/results.duckdb from the experiment folder dir,
// replacing an existing one atomically.
func Write(ctx context.Context, dir string) error {
	_, err := Build(ctx, dir, filepath.Join(dir, File))
	return err
}

// Build builds the database of the experiment folder dir at path (written to
// a temporary file beside path, then renamed) and returns the names of the
// tables it created, in creation order. dir must be a finished experiment
// folder (results.Finished): not a run's working folder.
func Build(ctx context.Context, dir, path string) (tables []string, err error) {
	if err := results.Finished(dir); err != nil {
		return nil, fmt.Errorf("resultsdb: %w", err)
	}
	return BuildRuns(ctx, dir, path, nil, nil, nil)
}

// BuildRuns is [Build] with the runs' records given (as the experiment
// holds them in memory) instead of read from the folder; nil reads them.
// Unlike Build it takes a run's working folder too: the experiment builds
// the database inside the folder it is writing, before the folder is
// renamed into place. Given records also say that one program wrote
// every run's files: their columns are first read from the first file of
// each kind, where Build reads every file's (a folder may hold runs
// written by different versions; 200 files' footers, read at each of the
// three statements over them, cost about a tenth of the build). Files
// that differ after all are then read as Build reads them.
//
// equity, when not nil, holds each run's equity curve (equity[i] of
// runs[i], as written to runs/<key>/equity.parquet): the equity table is
// then made from them, handed to DuckDB in batches of a row group
// across runs and inserted in their order, instead of from the files.
//
// fillText, when not nil (and runs are given), holds the distinct values
// of the text columns of the runs' fills files (symbol, side, kind, tag),
// as results.FillText gives them, across every run: the fills table's ENUM
// types are made of them instead of from a scan of every file (70–150
// ms of a 200-run sweep's 1.9M fills). A value the files hold and
// fillText lacks fails the insert, which is then made again from a scan
// (with the files read as Build reads them).
func BuildRuns(ctx context.Context, dir, path string, runs []results.RunRecord, equity []*engine.Curve, fillText map[string][]string) (tables []string, err error) {
	if equity != nil && len(equity) != len(runs) {
		return nil, fmt.Errorf("resultsdb: %d equity curves for %d runs", len(equity), len(runs))
	}
	if runs == nil {
		fillText = nil // no retry from a scan without the records
	}
	for i, c := range equity {
		// DuckDB reads them from C (curveBatches): a short column would be
		// read past its end.
		n := c.Len()
		if len(c.Equity) != n || len(c.Cash) != n || len(c.Gross) != n || len(c.Net) != n || len(c.Drawdown) != n {
			return nil, fmt.Errorf("resultsdb: run %s: equity curve of %d times with columns of %d, %d, %d, %d and %d values",
				runs[i].Run, n, len(c.Equity), len(c.Cash), len(c.Gross), len(c.Net), len(c.Drawdown))
		}
	}
	if strings.ContainsAny(dir, GlobChars) {
		return nil, fmt.Errorf("resultsdb: folder %q contains a glob character (* ? [ ] { }), which DuckDB would expand", dir)
	}
	var m results.Manifest
	if b, err := os.ReadFile(filepath.Join(dir, "manifest.json")); err != nil {
		return nil, fmt.Errorf("resultsdb: %s is not an experiment folder: %w", dir, err)
	} else if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("resultsdb: %s: %w", filepath.Join(dir, "manifest.json"), err)
	}
	if runs == nil {
		// Every run the manifest lists has its curve: a run's folder
		// lost (deleted, not copied) left the runs table naming a run
		// with no rows in equity and fills, without a word.
		// Every run writes its fills file too, without a row when it
		// never traded.
		for _, k := range m.Runs {
			for _, name := range []string{"equity", "fills"} {
				pq, csv := filepath.Join(dir, "runs", k, name+".parquet"), filepath.Join(dir, "runs", k, name+".csv")
				if _, err := os.Stat(pq); err != nil {
					if _, err := os.Stat(csv); err != nil {
						return nil, fmt.Errorf("resultsdb: %s: run %s has no %s (nor %s.csv): the folder is incomplete", dir, k, pq, name)
					}
				}
			}
		}
	}
	removeLeftovers(path)
	tmpf, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("resultsdb: %w", err)
	}
	tmp := tmpf.Name()
	tmpf.Close()
	os.Remove(tmp) // DuckDB creates the file itself; an empty file is not a database
	defer func() {
		if err != nil {
			os.Remove(tmp)
			os.Remove(tmp + ".wal")
		}
	}()
	runsFile, cleanup, err := runsParquet(dir, tmp, m.Runs, runs)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	// DuckDB gets as many threads as the Go runtime has processors: a
	// program limited to N cores (divergence run --workers N) limits the
	// database's build too.
	c, err := goduckdb.NewConnector(tmp+"?threads="+strconv.Itoa(runtime.GOMAXPROCS(0)), nil)
	if err != nil {
		return nil, fmt.Errorf("resultsdb: %w", err)
	}
	db := sql.OpenDB(c)
	db.SetMaxOpenConns(1)
	var mem *curvesIn
	if equity != nil {
		mem = &curvesIn{keys: make([]string, len(runs)), curves: equity}
		for i := range runs {
			mem.keys[i] = runs[i].Run
		}
	}
	tables, err = buildTx(ctx, db, dir, runsFile, runs != nil, mem, fillText)
	if err != nil && runs != nil && ctx.Err() == nil {
		// The transaction was rolled back: the database is empty.
		tables, err = buildTx(ctx, db, dir, runsFile, false, mem, nil)
	}
	if err == nil {
		_, err = db.ExecContext(ctx, "CHECKPOINT")
	}
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("resultsdb: %w", cerr)
	}
	if err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("resultsdb: %w", err)
	}
	os.Remove(tmp + ".wal") // empty after the checkpoint, if DuckDB left it
	return tables, nil
}

// removeLeftovers removes the temporary databases of builds of path
// that were killed before they could (.<name>.tmp-*, and a .wal beside
// one): a SIGKILL or a power cut mid-build left a hidden file of up to
// the database's size in the folder for good. A file that a process
// still holds open (a build running now) is left alone (results.InUse), as
// is every file on a system without POSIX record locks.
func removeLeftovers(path string) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmps, _ := filepath.Glob(filepath.Join(results.GlobEscape(dir), "."+results.GlobEscape(base)+".tmp-*"))
	for _, t := range tmps {
		if strings.HasSuffix(t, ".wal") {
			continue // removed with its database, or by a later build
		}
		if results.InUse(t) { // DuckDB locks a database it has open
			continue
		}
		os.Remove(t)
		os.Remove(t + ".wal")
	}
}

// runsParquet returns a Parquet file with every column of the runs'
// records: runs.parquet when it has them all, else a temporary file
// (beside tmp, removed by cleanup) of the given records, or of those read
// from the folder. The records are read to know their columns: the
// dynamic ones (stat_<name> of a strategy's own statistics) depend on
// them, and a runs.parquet written before such a column existed has
// every fixed column and lacks it.
func runsParquet(dir, tmp string, keys []string, recs []results.RunRecord) (file string, cleanup func(), err error) {
	cleanup = func() {}
	if recs == nil {
		if recs, err = results.ReadRuns(dir, keys); err != nil {
			return "", cleanup, fmt.Errorf("resultsdb: %w", err)
		}
		pq := filepath.Join(dir, results.RunsParquet)
		if names, err := parquetColumns(pq); err == nil && hasAll(names, results.RunColumns(recs, results.All)) {
			return pq, cleanup, nil
		}
	}
	file = tmp + ".runs.parquet"
	t := results.RunsTable(recs, results.All)
	if err := results.WriteFileAtomic(file, func(w io.Writer) error { return results.WriteTableParquet(w, t) }); err != nil {
		return "", cleanup, fmt.Errorf("resultsdb: %w", err)
	}
	return file, func() { os.Remove(file) }, nil
}

// parquetColumns returns the column names of a Parquet file.
func parquetColumns(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := file.NewParquetReader(f)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	sc := r.MetaData().Schema
	names := make([]string, sc.NumColumns())
	for i := range names {
		names[i] = sc.Column(i).Name()
	}
	return names, nil
}

func hasAll(names []string, cols []results.RunColumn) bool {
	for _, c := range cols {
		if !slices.Contains(names, c.Name) {
			return false
		}
	}
	return true
}

// columnComments are the comments (COMMENT ON COLUMN, read back from
// duckdb_columns()) of the columns whose name alone would mislead: the
// runs' VaR and CVaR are per-period returns, negative for a loss, and the
// Monte Carlo summary's are losses of terminal return, positive; the
// summary's terminal percentiles are by nearest rank (a path's value,
// the one var_95 negates) and the bands' by interpolation (a smooth fan,
// and what the streamed sketch, metrics.Bands, approximates beyond
// 1,000 paths), so terminal_median and the last date's p50 − 1 differ
// by up to the spacing of two paths.
var columnComments = map[string][][2]string{
	"runs": {
		{"var_95", "historical value at risk at 95% of the run's per-period returns: their 5th percentile (linear interpolation), a return, negative for a loss (montecarlo_summary.var_95 is a loss of terminal return, positive)"},
		{"cvar_95", "expected shortfall at 95% of the run's per-period returns: the mean of their ⌊(n−1)·0.05⌋+1 smallest, a return, negative for a loss (montecarlo_summary.cvar_95 is a loss, positive)"},
	},
	"montecarlo_summary": {
		{"var_95", "value at risk at 95% of the paths' terminal returns, as a positive loss: minus the 5th percentile terminal return (runs.var_95 is a per-period return, negative for a loss)"},
		{"var_99", "value at risk at 99% of the paths' terminal returns, as a positive loss: minus the 1st percentile terminal return"},
		{"cvar_95", "expected shortfall at 95% of the paths' terminal returns, as a positive loss: minus the mean of the terminal returns at or below the 5th percentile (runs.cvar_95 is a per-period return, negative for a loss)"},
		{"cvar_99", "expected shortfall at 99% of the paths' terminal returns, as a positive loss: minus the mean of the terminal returns at or below the 1st percentile"},
		{"prob_ruin", "the share of paths whose equity fell to 0 or below at some date (their max_drawdown is -1 or less)"},
		{"terminal_p05", "the 5th percentile of the paths' terminal returns by nearest rank: the ⌈p·n⌉-th smallest path's (R type 1, quantile_disc; var and cvar read the same path), not interpolated as montecarlo_bands' are"},
		{"terminal_p25", "the 25th percentile of the paths' terminal returns by nearest rank: the ⌈p·n⌉-th smallest path's (R type 1, quantile_disc; var and cvar read the same path), not interpolated as montecarlo_bands' are"},
		{"terminal_median", "the 50th percentile of the paths' terminal returns by nearest rank: the ⌈p·n⌉-th smallest path's (R type 1, quantile_disc; var and cvar read the same path), not interpolated as montecarlo_bands' are"},
		{"terminal_p75", "the 75th percentile of the paths' terminal returns by nearest rank: the ⌈p·n⌉-th smallest path's (R type 1, quantile_disc; var and cvar read the same path), not interpolated as montecarlo_bands' are"},
		{"terminal_p95", "the 95th percentile of the paths' terminal returns by nearest rank: the ⌈p·n⌉-th smallest path's (R type 1, quantile_disc; var and cvar read the same path), not interpolated as montecarlo_bands' are"},
	},
	"montecarlo_bands": {
		{"p05", "the 5th percentile across the paths of their growth of 1 on this date by linear interpolation between paths (R type 7, quantile_cont): exact up to 1,000 paths, within 0.1% beyond; montecarlo_summary's terminal percentiles are by nearest rank"},
		{"p25", "the 25th percentile across the paths of their growth of 1 on this date by linear interpolation between paths (R type 7, quantile_cont): exact up to 1,000 paths, within 0.1% beyond; montecarlo_summary's terminal percentiles are by nearest rank"},
		{"p50", "the 50th percentile across the paths of their growth of 1 on this date by linear interpolation between paths (R type 7, quantile_cont): exact up to 1,000 paths, within 0.1% beyond; montecarlo_summary's terminal percentiles are by nearest rank"},
		{"p75", "the 75th percentile across the paths of their growth of 1 on this date by linear interpolation between paths (R type 7, quantile_cont): exact up to 1,000 paths, within 0.1% beyond; montecarlo_summary's terminal percentiles are by nearest rank"},
		{"p95", "the 95th percentile across the paths of their growth of 1 on this date by linear interpolation between paths (R type 7, quantile_cont): exact up to 1,000 paths, within 0.1% beyond; montecarlo_summary's terminal percentiles are by nearest rank"},
	},
}

// comment sets the columnComments of table on the columns it has.
func comment(ctx context.Context, tx *sql.Tx, table string) error {
	for _, c := range columnComments[table] {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = ?", table, c[0]).Scan(&n); err != nil {
			return fmt.Errorf("resultsdb: table %s: %w", table, err)
		}
		if n == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, "COMMENT ON COLUMN "+sqlIdent(table)+"."+sqlIdent(c[0])+" IS "+sqlString(c[1])); err != nil {
			return fmt.Errorf("resultsdb: table %s, column %s: %w", table, c[0], err)
		}
	}
	return nil
}

// optional lists the files, other than the runs', that become tables when
// the folder has them (as <file>.parquet or <file>.csv).
var optional = []struct{ table, file string }{
	{"scenarios", "stress"},
	{"scenario_summary", "stress_summary"},
	{"montecarlo", "montecarlo"},
	{"montecarlo_summary", "montecarlo_summary"},
	{"montecarlo_bands", "montecarlo_bands"},
	{"attribution", "attribution"},
	{"attribution_detail", "attribution_detail"},
	{"benchmarks", "benchmarks"},
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sqlIdent quotes s as an SQL identifier.
func sqlIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// enumCasts makes an ENUM type of each text column of table (for "run",
// of runExpr: the run key of the file's path, keyOf, or a column of run
// keys) and returns, by column, the expression that casts it. The text
// columns (run keys, symbols, sides, kinds, tags) repeat a few values
// over millions of rows: stored as ENUM types of their distinct values
// (in sorted order, so that they sort as text), they cost a fraction of
// VARCHAR to store and to scan, and compare with text as text does. The
// run keys are the folders of the files (or the runs' keys), given in
// runs (sorted; a run whose file has no row is among them); one scan of
// files finds the other columns' distinct values (as JSON lists), unless
// known gives them (by column, sorted), and none is made when there is
// no other column. A column without a value (symbol, side, kind or tag
// of a table without a row) stays VARCHAR, as an ENUM needs one.
func enumCasts(ctx context.Context, tx *sql.Tx, table, from, runExpr string, runs, text []string, known map[string][]string) (map[string]string, error) {
	expr := func(c string) string {
		if c == "run" {
			return runExpr
		}
		return c
	}
	values := map[string][]string{"run": runs}
	if known != nil {
		for _, c := range text {
			values[c] = known[c]
		}
	} else if len(text) > 0 {
		lists := make([]string, len(text))
		raw := make([]sql.NullString, len(text))
		dest := make([]any, len(text))
		for i, c := range text {
			lists[i] = fmt.Sprintf("CAST(to_json(list(DISTINCT %s ORDER BY %s) FILTER (WHERE %s IS NOT NULL)) AS VARCHAR)", c, c, c)
			dest[i] = &raw[i]
		}
		if err := tx.QueryRowContext(ctx, "SELECT "+strings.Join(lists, ", ")+" FROM "+from).Scan(dest...); err != nil {
			return nil, fmt.Errorf("resultsdb: table %s: %w", table, err)
		}
		for i, c := range text {
			var v []string
			if raw[i].Valid {
				if err := json.Unmarshal([]byte(raw[i].String), &v); err != nil {
					return nil, fmt.Errorf("resultsdb: table %s, column %s: %w", table, c, err)
				}
			}
			values[c] = v
		}
	}
	cast := map[string]string{}
	for _, c := range append([]string{"run"}, text...) {
		if len(values[c]) == 0 {
			cast[c] = expr(c)
			continue
		}
		quoted := make([]string, len(values[c]))
		for k, v := range values[c] {
			quoted[k] = sqlString(v)
		}
		typ := sqlIdent(table + "_" + c)
		if _, err := tx.ExecContext(ctx, "CREATE TYPE "+typ+" AS ENUM ("+strings.Join(quoted, ", ")+")"); err != nil {
			return nil, fmt.Errorf("resultsdb: table %s, column %s: %w", table, c, err)
		}
		cast[c] = "CAST(" + expr(c) + " AS " + typ + ")"
	}
	return cast, nil
}

// laterColumns are the columns of the runs' files that an older layout
// lacks (fills' slippage and fee): [absent] finds them missing, and the
// table then holds NULL in them.
var laterColumns = map[string][]string{"fills": {"slippage", "fee"}}

// absent reports which of table's laterColumns the files of src (a
// read_parquet or read_csv call) do not have.
func absent(ctx context.Context, tx *sql.Tx, table, src string) (map[string]bool, error) {
	later := laterColumns[table]
	if len(later) == 0 {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT column_name FROM (DESCRIBE SELECT * FROM "+src+")")
	if err != nil {
		return nil, fmt.Errorf("resultsdb: table %s: %w", table, err)
	}
	defer rows.Close()
	has := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("resultsdb: table %s: %w", table, err)
		}
		has[c] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("resultsdb: table %s: %w", table, err)
	}
	missing := map[string]bool{}
	for _, c := range later {
		if !has[c] {
			missing[c] = true
		}
	}
	return missing, nil
}

// sameHeader reports whether the CSV files all begin with the same header
// line (bytes up to the first newline).
func sameHeader(files []string) (bool, error) {
	var first []byte
	buf := make([]byte, 4096)
	for i, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return false, err
		}
		n, err := io.ReadFull(f, buf)
		f.Close()
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return false, fmt.Errorf("%s: %w", p, err)
		}
		line := buf[:n]
		end := slices.Index(line, '\n')
		if end < 0 {
			return false, nil // a header past 4 KiB, or none: read by name
		}
		line = line[:end]
		if i == 0 {
			first = slices.Clone(line)
		} else if string(line) != string(first) {
			return false, nil
		}
	}
	return true, nil
}

// folderOf is the name of the folder of a run's file, split as keyOf
// splits it in SQL (on / and \ whatever the system).
func folderOf(path string) string {
	dir := path[:max(strings.LastIndexAny(path, `/\`), 0)]
	return dir[strings.LastIndexAny(dir, `/\`)+1:]
}

// keyOf extracts the run key (the parent folder's name) from a filename
// column.
const keyOf = `regexp_extract(filename, '([^/\\]+)[/\\][^/\\]+$', 1)`

// curvesIn are the runs' equity curves in memory (curves[i] of the run
// keyed keys[i]).
type curvesIn struct {
	keys   []string
	curves []*engine.Curve
}

// buildTx creates every table inside one transaction, with the curves
// in memory shown as curvesView when given.
func buildTx(ctx context.Context, db *sql.DB, dir, runsFile string, oneLayout bool, mem *curvesIn, fillText map[string][]string) ([]string, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("resultsdb: %w", err)
	}
	defer conn.Close()
	// Every table's row order is DuckDB's insertion order (its default),
	// and a setting is the connection's, not the transaction's: reset,
	// whatever the connection was left with, or the equity curves'
	// batches (which cross runs) would split the runs.
	if _, err := conn.ExecContext(ctx, "RESET preserve_insertion_order"); err != nil {
		return nil, fmt.Errorf("resultsdb: %w", err)
	}
	// Times are UTC. DuckDB's session time zone is the machine's: the
	// CSV files' dates (2019-03-01, read as TIMESTAMPTZ) were that zone's
	// midnight, 9 hours early in Tokyo, and the rows' days one early.
	if _, err := conn.ExecContext(ctx, "SET TimeZone = 'UTC'"); err != nil {
		return nil, fmt.Errorf("resultsdb: %w", err)
	}
	if mem != nil {
		// A view reads its reader once: a fresh one for each build.
		drop, err := showCurves(conn, mem.keys, mem.curves)
		if err != nil {
			return nil, fmt.Errorf("resultsdb: equity curves: %w", err)
		}
		defer func() {
			drop()
			conn.ExecContext(context.Background(), "DROP VIEW IF EXISTS "+curvesView)
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("resultsdb: %w", err)
	}
	tables, err := build(ctx, tx, dir, runsFile, oneLayout, mem, fillText)
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("resultsdb: %w", err)
	}
	return tables, nil
}

// columns returns a select list of src's columns that turns NaN into NULL
// in floating-point columns (and, with emptyNull, an empty text into
// NULL in text columns) and casts the dates columns (text, 2006-01-02, ""
// for none) to DATE; skip names columns left out.
func columns(ctx context.Context, tx *sql.Tx, src string, dates map[string]bool, emptyNull bool, skip ...string) (string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM `+src+`)`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return "", err
		}
		if slices.Contains(skip, name) {
			continue
		}
		id := sqlIdent(name)
		switch {
		case dates[name]:
			out = append(out, "TRY_CAST(nullif("+id+", '') AS DATE) AS "+id)
		case typ == "DOUBLE" || typ == "FLOAT":
			out = append(out, "CASE WHEN isnan("+id+") THEN NULL ELSE "+id+" END AS "+id)
		case emptyNull && typ == "VARCHAR":
			out = append(out, "nullif("+id+", '') AS "+id)
		default:
			out = append(out, id)
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	return strings.Join(out, ", "), nil
}

// build creates the tables; oneLayout says that every run's files of a
// kind have the same columns (see [BuildRuns]); mem, when given, holds
// the equity curves, shown as curvesView; fillText, when given, the
// values of the fills' text columns (see [BuildRuns]).
func build(ctx context.Context, tx *sql.Tx, dir, runsFile string, oneLayout bool, mem *curvesIn, fillText map[string][]string) ([]string, error) {
	var tables []string
	exec := func(table, q string) error {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("resultsdb: table %s: %w", table, err)
		}
		tables = append(tables, table)
		return nil
	}
	// create makes table from src, NaN as NULL (and an empty text with
	// emptyNull), then extra clauses.
	create := func(table, src, prefix, tail string, dates map[string]bool, emptyNull bool, skip ...string) error {
		cols, err := columns(ctx, tx, src, dates, emptyNull, skip...)
		if err != nil {
			return fmt.Errorf("resultsdb: table %s: %w", table, err)
		}
		return exec(table, "CREATE TABLE "+table+" AS SELECT "+prefix+cols+" FROM "+src+" "+tail)
	}
	glob := func(parts ...string) string { return sqlString(filepath.Join(append([]string{dir}, parts...)...)) }
	manifest := glob("manifest.json")

	if err := exec("manifest", `CREATE TABLE manifest AS
		SELECT json->>'experiment' AS experiment, json->>'experiment_sha256' AS experiment_sha256,
			CAST(json->>'seed' AS UBIGINT) AS seed, json->>'program_version' AS program_version,
			CAST(json->>'synthetic' AS BOOLEAN) AS synthetic,
			CAST(json->'notes' AS VARCHAR[]) AS notes
		FROM read_json_objects(`+manifest+`, format = 'auto')`); err != nil {
		return nil, err
	}
	if err := exec("inputs", `CREATE TABLE inputs AS
		SELECT i->>'symbol' AS symbol, i->>'source' AS source, i->>'path' AS path, i->>'sha256' AS sha256,
			CAST(i->>'rows' AS BIGINT) AS rows, i->>'first' AS first, i->>'last' AS last
		FROM (SELECT unnest(CAST(json->'inputs' AS JSON[])) AS i FROM read_json_objects(`+manifest+`, format = 'auto'))`); err != nil {
		return nil, err
	}

	// runs: the records' columns, as results.RunsTable lays them out.
	dates := map[string]bool{}
	for _, c := range results.RunColumns(nil, results.All) {
		if c.Kind == results.Date {
			dates[c.Name] = true
		}
	}
	if err := create("runs", "read_parquet("+sqlString(runsFile)+")", "", "ORDER BY key", dates, false); err != nil {
		return nil, err
	}
	if err := comment(ctx, tx, "runs"); err != nil {
		return nil, err
	}

	// equity and fills: Parquet when every run has it, else CSV. read
	// names the kind of file each table was made from.
	read := map[string]string{}
	for _, t := range []struct {
		table, file string
		cols        string
	}{
		{"equity", "equity", "time, equity, cash, gross, net, drawdown"},
		{"fills", "fills", "time, symbol, side, qty, price, notional, commission, kind, tag, slippage, fee"},
	} {
		pq, _ := filepath.Glob(filepath.Join(dir, "runs", "*", t.file+".parquet"))
		csvs, _ := filepath.Glob(filepath.Join(dir, "runs", "*", t.file+".csv"))
		var src, tail string
		switch {
		case t.table == "equity" && mem != nil:
			read[t.table] = "memory"
			// The curves in memory, in run order (curveBatches): the run
			// column comes as each key's index in the sorted keys.
			runs := slices.Clone(mem.keys)
			slices.Sort(runs)
			runs = slices.Compact(runs)
			cast, err := enumCasts(ctx, tx, t.table, "", "run", runs, nil, nil)
			if err != nil {
				return nil, err
			}
			src = fmt.Sprintf("(SELECT %s AS run, %s FROM %s)", cast["run"], t.cols, curvesView)
		case len(pq) > 0 && len(pq) >= len(csvs):
			// The files are listed in the order of their run keys and
			// inserted in DuckDB's insertion order: each run's rows
			// together in its file's order, the runs in key order, which
			// is what a query without ORDER BY sees, the same on any
			// number of threads. Without the insertion order (each
			// thread appending the files it read) the build was a tenth
			// quicker (0.50–0.63 s against 0.76–0.92 s for a 200-run
			// sweep's 1.9M fills on two threads, 20–45 MB less at the
			// peak), but the runs came in another order at each build,
			// so the same experiment on 1 and 2 workers, or run and
			// rebuilt by divergence db, gave the tables in other orders.
			read[t.table] = "parquet"
			slices.SortFunc(pq, func(a, b string) int { return strings.Compare(folderOf(a), folderOf(b)) })
			quoted := make([]string, len(pq))
			var runs []string // the files' folders, distinct and sorted
			for i, p := range pq {
				quoted[i] = sqlString(p)
				if k := folderOf(p); len(runs) == 0 || runs[len(runs)-1] != k {
					runs = append(runs, k)
				}
			}
			files := "[" + strings.Join(quoted, ", ") + "]"
			var text []string
			if t.table == "fills" {
				text = results.FillTextColumns()
			}
			// union_by_name (columns matched by name across files that
			// may differ) reads every file's footer when the statement
			// is bound; one layout needs only the first file's.
			union := ", union_by_name = true"
			if oneLayout {
				union = ""
			}
			var known map[string][]string
			if t.table == "fills" {
				known = fillText
			}
			cast, err := enumCasts(ctx, tx, t.table, "read_parquet("+files+union+")", keyOf, runs, text, known)
			if err != nil {
				return nil, err
			}
			missing, err := absent(ctx, tx, t.table, "read_parquet("+files+union+")")
			if err != nil {
				return nil, err
			}
			var sel []string
			for _, c := range strings.Split(t.cols, ", ") {
				if e, ok := cast[c]; ok {
					c = e + " AS " + c
				} else if missing[c] {
					c = "CAST(NULL AS DOUBLE) AS " + c
				}
				sel = append(sel, c)
			}
			src = fmt.Sprintf("(SELECT %s AS run, %s FROM read_parquet(%s, filename = true%s))",
				cast["run"], strings.Join(sel, ", "), files, union)
		case len(csvs) > 0:
			// The files listed in the order of their run keys, as the
			// Parquet files are, and inserted in that order: sorted by
			// run and time instead, a run's fills of one time (a hedge's
			// legs) came in another order than from Parquet.
			slices.SortFunc(csvs, func(a, b string) int { return strings.Compare(folderOf(a), folderOf(b)) })
			quoted := make([]string, len(csvs))
			for i, p := range csvs {
				quoted[i] = sqlString(p)
			}
			files := "[" + strings.Join(quoted, ", ") + "]"
			// union_by_name (columns matched by name across files of
			// different layouts) sniffs every file, each time the files
			// are read (three times): 0.9 s against 0.08 s for the fills
			// of 28 runs. Files of one header need only the first's.
			union := ", union_by_name = true"
			if same, err := sameHeader(csvs); err != nil {
				return nil, fmt.Errorf("resultsdb: table %s: %w", t.table, err)
			} else if same {
				union = ""
			}
			missing, err := absent(ctx, tx, t.table, "read_csv("+files+", header = true"+union+")")
			if err != nil {
				return nil, err
			}
			// Each column's type (time TIMESTAMPTZ, the text columns
			// VARCHAR, the rest DOUBLE); a column a file of an older
			// layout lacks is NULL, and read_csv is not told its type.
			cols := strings.Split(t.cols, ", ")
			var types []string
			for i, c := range cols {
				typ := "DOUBLE"
				switch {
				case missing[c]:
					cols[i] = "CAST(NULL AS DOUBLE) AS " + c
					continue
				case c == "time":
					typ = "TIMESTAMPTZ"
				case slices.Contains(results.FillTextColumns(), c):
					typ = "VARCHAR"
				}
				types = append(types, sqlString(c)+": "+sqlString(typ))
			}
			from := fmt.Sprintf("read_csv(%s, filename = true, header = true%s, types = %s)", files, union, "{"+strings.Join(types, ", ")+"}")
			// The text columns as ENUM types, as from Parquet: the
			// database's types do not depend on which files it was made
			// from (they were VARCHAR, a run's Parquet file missing
			// beside its CSV copy).
			runs := make([]string, 0, len(csvs))
			for _, p := range csvs {
				runs = append(runs, folderOf(p))
			}
			slices.Sort(runs)
			runs = slices.Compact(runs)
			var text []string
			if t.table == "fills" {
				for _, c := range results.FillTextColumns() {
					if !missing[c] {
						text = append(text, c)
					}
				}
			}
			cast, err := enumCasts(ctx, tx, t.table, from, keyOf, runs, text, nil)
			if err != nil {
				return nil, err
			}
			for i, c := range cols {
				if e, ok := cast[c]; ok {
					cols[i] = e + " AS " + c
				}
			}
			src = fmt.Sprintf("(SELECT %s AS run, %s FROM %s)", cast["run"], strings.Join(cols, ", "), from)
			read[t.table] = "csv"
		default:
			continue
		}
		if err := create(t.table, src, "", tail, nil, false); err != nil {
			return nil, err
		}
	}

	if read["equity"] != "memory" {
		if err := checkRows(ctx, tx, dir, read); err != nil {
			return nil, err
		}
	}

	// The optional tables, as written: Parquet when present, else CSV with
	// DuckDB's type detection.
	for _, t := range optional {
		var src string
		if _, err := os.Stat(filepath.Join(dir, t.file+".parquet")); err == nil {
			src = "read_parquet(" + glob(t.file+".parquet") + ")"
		} else if _, err := os.Stat(filepath.Join(dir, t.file+".csv")); err == nil {
			src = "read_csv(" + glob(t.file+".csv") + ", header = true)"
		} else {
			continue
		}
		// An empty text is NULL, as DuckDB reads an empty field of a CSV
		// file (stress_summary's worst_scenario when every scenario is
		// left out), whichever of the two files the table comes from.
		if err := create(t.table, src, "", "", nil, true); err != nil {
			return nil, err
		}
		if err := comment(ctx, tx, t.table); err != nil {
			return nil, err
		}
	}

	// Walk-forward: walkforward/<strategy>/windows.parquet and equity.parquet,
	// with the strategy's folder name as a column.
	for _, t := range []struct{ table, file string }{{"walkforward_windows", "windows"}, {"walkforward_equity", "equity"}} {
		if m, _ := filepath.Glob(filepath.Join(dir, "walkforward", "*", t.file+".parquet")); len(m) == 0 {
			continue
		}
		src := "read_parquet(" + glob("walkforward", "*", t.file+".parquet") + ", filename = true)"
		if err := create(t.table, src, keyOf+" AS strategy, ", "ORDER BY ALL", nil, false, "filename"); err != nil {
			return nil, err
		}
	}
	return tables, nil
}

// checkRows compares each run's rows in the equity and fills tables, made
// from its files (read names the kind, "parquet" or "csv", of each
// table), with its record: the number of fills, the date of the last
// curve point and the final equity. A file cut short at a line's end (a
// copy interrupted, a disk filled) reads as a shorter run without an
// error, and a run whose Parquet file is missing while the others' are
// there has no rows at all: either is an error naming the file, before
// anything is kept.
func checkRows(ctx context.Context, tx *sql.Tx, dir string, read map[string]string) error {
	if read["equity"] == "" {
		return nil // no equity files: no run to check
	}
	fills := "fills"
	if read["fills"] == "" {
		// No fills file at all: each run that traded is missing its own.
		fills = "(SELECT CAST(NULL AS VARCHAR) AS run WHERE false)"
	}
	// Dates as days since 1970-01-01 in UTC (the records' dates are the
	// UTC days of the curve's points), free of the session's time zone.
	row := tx.QueryRowContext(ctx, `
		SELECT r.key, coalesce(e.n, 0), e.last_day, e.eq, coalesce(f.n, 0), r.fills,
			datediff('day', DATE '1970-01-01', r."end"), r.final_equity
		FROM runs r
		LEFT JOIN (SELECT CAST(run AS VARCHAR) AS run, count(*) AS n,
				CAST(floor(epoch_ms(max(time)) / 86400000.0) AS BIGINT) AS last_day,
				arg_max(equity, time) AS eq FROM equity GROUP BY ALL) e ON e.run = r.key
		LEFT JOIN (SELECT CAST(run AS VARCHAR) AS run, count(*) AS n FROM `+fills+` GROUP BY ALL) f ON f.run = r.key
		WHERE e.n IS NULL OR coalesce(f.n, 0) <> r.fills
			OR e.last_day <> datediff('day', DATE '1970-01-01', r."end")
			OR abs(e.eq - r.final_equity) > 1e-9 * greatest(abs(r.final_equity), 1)
		ORDER BY r.key LIMIT 1`)
	var (
		key         string
		n, nf, want int64
		last, end   sql.NullInt64
		eq, final   sql.NullFloat64
	)
	switch err := row.Scan(&key, &n, &last, &eq, &nf, &want, &end, &final); {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("resultsdb: checking the runs' rows against their records: %w", err)
	}
	file := func(table string) string {
		return filepath.Join(dir, "runs", key, table+"."+read[table])
	}
	day := func(d sql.NullInt64) string {
		if !d.Valid {
			return "no date"
		}
		return time.Unix(d.Int64*86400, 0).UTC().Format(time.DateOnly)
	}
	const cut = "cut short, or not this run's"
	for _, t := range []string{"equity", "fills"} {
		if read[t] == "" {
			return fmt.Errorf("resultsdb: run %s has no %s (nor %s.csv): the folder is incomplete", key, filepath.Join(dir, "runs", key, t+".parquet"), t)
		}
		if _, err := os.Stat(file(t)); err != nil {
			why := "the other runs have theirs"
			if read[t] == "csv" {
				why = "most runs have no Parquet file"
			}
			return fmt.Errorf("resultsdb: run %s has no %s: the %s table is made from the runs' %s files, as %s", key, file(t), t, map[string]string{"parquet": "Parquet", "csv": "CSV"}[read[t]], why)
		}
	}
	switch {
	case n == 0:
		return fmt.Errorf("resultsdb: %s holds no rows, the run's record ends on %s: the file is %s", file("equity"), day(end), cut)
	case nf != want:
		return fmt.Errorf("resultsdb: %s holds %d fills, the run's record %d: the file is %s", file("fills"), nf, want, cut)
	case last != end:
		return fmt.Errorf("resultsdb: %s ends on %s, the run's record on %s: the file is %s", file("equity"), day(last), day(end), cut)
	default:
		return fmt.Errorf("resultsdb: %s ends at equity %v, the run's record at %v: the file is %s", file("equity"), eq.Float64, final.Float64, cut)
	}
}
