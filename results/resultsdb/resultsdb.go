// Package resultsdb builds a DuckDB database of an experiment's results,
// results.duckdb, from the files of its output folder, so that runs can be
// compared with SQL (docs/results.md has examples).
//
// DuckDB reads the files itself: read_json_objects over runs/*/metrics.json,
// read_parquet (or read_csv when a run has no Parquet file) over
// runs/*/equity.* and runs/*/fills.*, read_csv over runs.csv, and
// read_parquet or read_csv over the optional tables below. The run key of a
// row is the name of the folder its file sits in (runs/<key>/...).
//
// # Tables
//
//	manifest     one row: experiment, experiment_sha256, seed, program_version, synthetic
//	inputs       the market data: symbol, source, path, sha256, rows, first, last
//	runs         one row per run folder: key, scenario, base, experiment, strategy, type,
//	             synthetic, data, params (JSON), swept (JSON, when runs were swept), seed,
//	             start, end, initial_cash, commission_bps, periods_per_year, calendar, then
//	             every metric of metrics.json's "metrics" as a column (sharpe, max_drawdown,
//	             ...; benchmark metrics as benchmark_<name>), then the columns of runs.csv
//	             not already present (fills, commission_paid, final_equity, ...)
//	equity       run, time, equity, cash, gross, net, drawdown      (by run, then time)
//	fills        run, time, symbol, side, qty, price, notional, commission, kind, tag
//	                                                              (by run, then as in the file)
//
// A run under a stress scenario has the key <base>@<scenario> (package
// package experiment); runs.scenario is that scenario ("baseline" for
// the others, or metrics.json's "scenario" when it has one) and runs.base
// the key without it. runs holds every run folder, including scenario and
// companion runs that runs.csv may leave out.
//
// These tables are added when the folder has the file (Parquet preferred
// to CSV), with the file's own columns and types:
//
//	scenarios           stress.parquet or stress.csv                     the stress table
//	scenario_summary    stress_summary.parquet or .csv
//	montecarlo          montecarlo.parquet or .csv
//	montecarlo_summary  montecarlo_summary.parquet or .csv
//	attribution         attribution.parquet or .csv
//	walkforward_windows walkforward/<strategy>/windows.parquet (strategy = the folder)
//	walkforward_equity  walkforward/<strategy>/equity.parquet
//
// Metric columns hold DOUBLE (NULL where metrics.json has null: too few
// observations or a zero denominator), or BIGINT for counts. Rates are
// decimals (0.12 = 12 %), as in metrics.json. Times are TIMESTAMP WITH
// TIME ZONE (UTC) in equity and fills, as in the Parquet files.
//
// The database is built in a temporary file in the folder and renamed over
// results.duckdb only when complete: a failed build leaves an earlier
// database untouched and no partial file behind.
//
// The package uses DuckDB through database/sql (cgo). It does not need
// DuckDB's Arrow interface, but its tests run an experiment, which does:
//
//	go test -tags duckdb_arrow ./results/resultsdb/
package resultsdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/results"
)

// File is the name of the database in an experiment folder.
const File = "results.duckdb"

// Write builds dir/results.duckdb from the experiment folder dir,
// replacing an existing one atomically.
func Write(ctx context.Context, dir string) error {
	_, err := Build(ctx, dir, filepath.Join(dir, File))
	return err
}

// Build builds the database of the experiment folder dir at path (written to
// a temporary file beside path, then renamed) and returns the names of the
// tables it created, in creation order.
func Build(ctx context.Context, dir, path string) (tables []string, err error) {
	if strings.ContainsAny(dir, "*?[]{}") {
		return nil, fmt.Errorf("resultsdb: folder %q contains a glob character (* ? [ ] { }), which DuckDB would expand", dir)
	}
	if err := results.Finished(dir); err != nil {
		return nil, fmt.Errorf("resultsdb: %w", err)
	}
	metricsFiles, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "metrics.json"))
	if len(metricsFiles) == 0 {
		return nil, fmt.Errorf("resultsdb: %s: no runs/*/metrics.json", dir)
	}
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
	c, err := goduckdb.NewConnector(tmp, nil)
	if err != nil {
		return nil, fmt.Errorf("resultsdb: %w", err)
	}
	db := sql.OpenDB(c)
	db.SetMaxOpenConns(1)
	tables, err = build(ctx, db, dir)
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

// optional lists the files, other than the runs', that become tables when
// the folder has them (as <file>.parquet or <file>.csv).
var optional = []struct{ table, file string }{
	{"scenarios", "stress"},
	{"scenario_summary", "stress_summary"},
	{"montecarlo", "montecarlo"},
	{"montecarlo_summary", "montecarlo_summary"},
	{"attribution", "attribution"},
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sqlIdent quotes s as an SQL identifier.
func sqlIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// keyOf extracts the run key (the parent folder's name) from a filename
// column.
const keyOf = `regexp_extract(filename, '([^/\\]+)[/\\][^/\\]+$', 1)`

// plainKey is a metrics.json key usable in a JSON path and as a column name.
var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func build(ctx context.Context, db *sql.DB, dir string) ([]string, error) {
	var tables []string
	exec := func(table, q string) error {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("resultsdb: table %s: %w", table, err)
		}
		tables = append(tables, table)
		return nil
	}
	glob := func(parts ...string) string { return sqlString(filepath.Join(append([]string{dir}, parts...)...)) }
	manifest := glob("manifest.json")

	if err := exec("manifest", `CREATE TABLE manifest AS
		SELECT json->>'experiment' AS experiment, json->>'experiment_sha256' AS experiment_sha256,
			CAST(json->>'seed' AS UBIGINT) AS seed, json->>'program_version' AS program_version,
			CAST(json->>'synthetic' AS BOOLEAN) AS synthetic
		FROM read_json_objects(`+manifest+`, format = 'auto')`); err != nil {
		return nil, err
	}
	if err := exec("inputs", `CREATE TABLE inputs AS
		SELECT i->>'symbol' AS symbol, i->>'source' AS source, i->>'path' AS path, i->>'sha256' AS sha256,
			CAST(i->>'rows' AS BIGINT) AS rows, i->>'first' AS first, i->>'last' AS last
		FROM (SELECT unnest(CAST(json->'inputs' AS JSON[])) AS i FROM read_json_objects(`+manifest+`, format = 'auto'))`); err != nil {
		return nil, err
	}

	// runs: the fields of metrics.json, its metrics as typed columns, and the
	// columns of runs.csv that metrics.json lacks.
	if _, err := db.ExecContext(ctx, `CREATE TEMP TABLE run_json AS
		SELECT `+keyOf+` AS key, json FROM read_json_objects(`+glob("runs", "*", "metrics.json")+`, filename = true, format = 'auto')
		ORDER BY key`); err != nil {
		return nil, fmt.Errorf("resultsdb: reading runs/*/metrics.json: %w", err)
	}
	cols := []string{
		"key",
		// A run under a scenario has the key <base>@<scenario> (package
		// experiment); its scenario is "baseline" otherwise.
		"coalesce(json->>'scenario', CASE WHEN contains(key, '@') THEN split_part(key, '@', 2) ELSE 'baseline' END) AS scenario",
		"split_part(key, '@', 1) AS base",
		"json->>'experiment' AS experiment",
		"json->>'strategy' AS strategy",
		"json->>'type' AS type",
		"CAST(json->>'synthetic' AS BOOLEAN) AS synthetic",
		"json->>'data' AS data",
		"json->'params' AS params",
	}
	names := map[string]bool{"key": true, "scenario": true, "base": true, "experiment": true, "strategy": true, "type": true, "synthetic": true, "data": true, "params": true}
	var hasSwept bool
	if err := db.QueryRowContext(ctx, `SELECT bool_or(json_exists(json, '$.swept')) FROM run_json`).Scan(&hasSwept); err != nil {
		return nil, fmt.Errorf("resultsdb: %w", err)
	}
	if hasSwept {
		cols = append(cols, "json->'swept' AS swept")
		names["swept"] = true
	}
	for _, c := range []struct{ name, typ string }{
		{"seed", "UBIGINT"}, {"start", "DATE"}, {"end", "DATE"}, {"initial_cash", "DOUBLE"},
		{"commission_bps", "DOUBLE"}, {"periods_per_year", "DOUBLE"}, {"calendar", "VARCHAR"},
	} {
		cols = append(cols, fmt.Sprintf("TRY_CAST(json->>'%s' AS %s) AS %s", c.name, c.typ, sqlIdent(c.name)))
		names[c.name] = true
	}
	metricCols, err := metricColumns(ctx, db, names)
	if err != nil {
		return nil, err
	}
	cols = append(cols, metricCols...)
	from := "run_json"
	if _, err := os.Stat(filepath.Join(dir, "runs.csv")); err == nil {
		extra, err := csvExtras(ctx, db, glob("runs.csv"), names)
		if err != nil {
			return nil, err
		}
		if len(extra) > 0 {
			cols = append(cols, extra...)
			from = "run_json LEFT JOIN (SELECT * FROM read_csv(" + glob("runs.csv") + ", header = true)) AS c USING (key)"
		}
	}
	if err := exec("runs", "CREATE TABLE runs AS SELECT "+strings.Join(cols, ",\n\t")+"\nFROM "+from+" ORDER BY key"); err != nil {
		return nil, err
	}

	// equity and fills: Parquet when every run has it, else CSV.
	for _, t := range []struct {
		table, file string
		cols        string
		csvTypes    string
	}{
		{"equity", "equity", "time, equity, cash, gross, net, drawdown",
			"{'time': 'TIMESTAMPTZ', 'equity': 'DOUBLE', 'cash': 'DOUBLE', 'gross': 'DOUBLE', 'net': 'DOUBLE', 'drawdown': 'DOUBLE'}"},
		{"fills", "fills", "time, symbol, side, qty, price, notional, commission, kind, tag",
			"{'time': 'TIMESTAMPTZ', 'symbol': 'VARCHAR', 'side': 'VARCHAR', 'qty': 'DOUBLE', 'price': 'DOUBLE', 'notional': 'DOUBLE', 'commission': 'DOUBLE', 'kind': 'VARCHAR', 'tag': 'VARCHAR'}"},
	} {
		pq, _ := filepath.Glob(filepath.Join(dir, "runs", "*", t.file+".parquet"))
		csvs, _ := filepath.Glob(filepath.Join(dir, "runs", "*", t.file+".csv"))
		var src, order string
		switch {
		case len(pq) > 0 && len(pq) >= len(csvs):
			// file_row_number keeps fills at one time in the order of the file.
			src = "read_parquet(" + glob("runs", "*", t.file+".parquet") + ", filename = true, union_by_name = true, file_row_number = true)"
			order = "run, file_row_number"
		case len(csvs) > 0:
			src = "read_csv(" + glob("runs", "*", t.file+".csv") + ", filename = true, header = true, union_by_name = true, types = " + t.csvTypes + ")"
			order = "run, time"
		default:
			continue
		}
		q := fmt.Sprintf(`CREATE TABLE %s AS SELECT %s FROM (SELECT %s AS run, * FROM %s) ORDER BY %s`, t.table, "run, "+t.cols, keyOf, src, order)
		if err := exec(t.table, q); err != nil {
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
		if err := exec(t.table, "CREATE TABLE "+t.table+" AS SELECT * FROM "+src); err != nil {
			return nil, err
		}
	}

	// Walk-forward: walkforward/<strategy>/windows.parquet and equity.parquet,
	// with the strategy's folder name as a column.
	for _, t := range []struct{ table, file string }{{"walkforward_windows", "windows"}, {"walkforward_equity", "equity"}} {
		if m, _ := filepath.Glob(filepath.Join(dir, "walkforward", "*", t.file+".parquet")); len(m) == 0 {
			continue
		}
		q := fmt.Sprintf(`CREATE TABLE %s AS SELECT %s AS strategy, * EXCLUDE (filename) FROM read_parquet(%s, filename = true) ORDER BY ALL`,
			t.table, keyOf, glob("walkforward", "*", t.file+".parquet"))
		if err := exec(t.table, q); err != nil {
			return nil, err
		}
	}
	return tables, nil
}

// metricColumns returns the select expressions of the metrics of
// metrics.json, in the order of the first run's keys (then keys only later
// runs have): BIGINT when every value is an integer, else DOUBLE; a nested
// object (benchmark) gives one column per key, prefixed with its name.
func metricColumns(ctx context.Context, db *sql.DB, names map[string]bool) ([]string, error) {
	type key struct {
		name     string
		ints, ob bool
	}
	var keys []key
	seen := map[string]bool{}
	rows, err := db.QueryContext(ctx, `SELECT coalesce(json_keys(json, '$.metrics'), []) FROM run_json ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("resultsdb: reading the metrics of runs/*/metrics.json: %w", err)
	}
	for rows.Next() {
		var ks []string
		if err := rows.Scan(goduckdbList(&ks)); err != nil {
			rows.Close()
			return nil, fmt.Errorf("resultsdb: %w", err)
		}
		for _, k := range ks {
			if !seen[k] && plainKey.MatchString(k) {
				seen[k] = true
				keys = append(keys, key{name: k})
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("resultsdb: %w", err)
	}
	for i := range keys {
		path := sqlString("$.metrics." + keys[i].name)
		err := db.QueryRowContext(ctx, `SELECT
				coalesce(bool_and(coalesce(json_type(json, `+path+`) IN ('BIGINT', 'UBIGINT', 'NULL'), true)), false),
				coalesce(bool_or(json_type(json, `+path+`) = 'OBJECT'), false)
			FROM run_json`).Scan(&keys[i].ints, &keys[i].ob)
		if err != nil {
			return nil, fmt.Errorf("resultsdb: reading metrics.%s: %w", keys[i].name, err)
		}
	}
	var cols []string
	add := func(path, col string, ints bool) {
		if names[col] {
			return // periods_per_year is both a run field and a metric
		}
		names[col] = true
		typ := "DOUBLE"
		if ints {
			typ = "BIGINT"
		}
		cols = append(cols, fmt.Sprintf("TRY_CAST(json->>'%s' AS %s) AS %s", path, typ, sqlIdent(col)))
	}
	for _, k := range keys {
		if !plainKey.MatchString(k.name) {
			continue
		}
		if !k.ob {
			add("$.metrics."+k.name, k.name, k.ints)
			continue
		}
		var subs []string
		err := db.QueryRowContext(ctx, `SELECT list_sort(list_distinct(flatten(list(json_keys(json, '$.metrics.`+k.name+`'))))) FROM run_json WHERE json_type(json, '$.metrics.`+k.name+`') = 'OBJECT'`).Scan(goduckdbList(&subs))
		if err != nil {
			return nil, fmt.Errorf("resultsdb: reading metrics.%s: %w", k.name, err)
		}
		for _, s := range subs {
			if plainKey.MatchString(s) {
				add("$.metrics."+k.name+"."+s, k.name+"_"+s, false)
			}
		}
	}
	return cols, nil
}

// csvExtras returns the columns of runs.csv (as c.<name>) whose names are
// not taken yet.
func csvExtras(ctx context.Context, db *sql.DB, path string, names map[string]bool) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT column_name FROM (DESCRIBE SELECT * FROM read_csv(`+path+`, header = true))`)
	if err != nil {
		return nil, fmt.Errorf("resultsdb: reading runs.csv: %w", err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("resultsdb: %w", err)
		}
		if names[n] {
			continue
		}
		names[n] = true
		cols = append(cols, "c."+sqlIdent(n))
	}
	return cols, rows.Err()
}

// listScanner scans a DuckDB LIST of VARCHAR into a []string.
type listScanner struct{ dst *[]string }

func goduckdbList(dst *[]string) *listScanner { return &listScanner{dst} }

func (l *listScanner) Scan(src any) error {
	*l.dst = nil
	switch v := src.(type) {
	case nil:
		return nil
	case []any:
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return fmt.Errorf("resultsdb: list element %v (%T) is not a string", x, x)
			}
			*l.dst = append(*l.dst, s)
		}
		return nil
	}
	return fmt.Errorf("resultsdb: cannot scan %T into a list of strings", src)
}
