package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/results"
)

// pythonWith returns a Python 3 interpreter that imports module, or "".
// Debian's python3-pandas installs into /usr/bin/python3, which another
// python3 first on PATH (pyenv, a virtualenv) does not see.
func pythonWith(module string) string {
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import "+module).Run() == nil {
			return p
		}
	}
	return ""
}

// pythonBlocks returns the ```python blocks of a Markdown file by their
// tag: "" for the plain ones, "plot", "parquet", … for ```python TAG.
func pythonBlocks(t *testing.T, path string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		tag, ok := strings.CutPrefix(lines[i], "```python")
		if !ok {
			continue
		}
		var block []string
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			block = append(block, lines[i])
		}
		out[strings.TrimSpace(tag)] = append(out[strings.TrimSpace(tag)], strings.Join(block, "\n"))
	}
	return out
}

// TestPythonDoc runs the CSV blocks of docs/python.md with pandas on the
// demo's folder, in order, as one notebook would, then checks the types
// pandas got: times datetime64[ns, UTC], numbers float64 (counts int64),
// text the string dtype, no object column; and that the runs table's best
// run and its equity are the folder's. The Parquet, polars, DuckDB and
// plotting blocks run too where their module is installed.
func TestPythonDoc(t *testing.T) {
	py := pythonWith("pandas")
	if py == "" {
		t.Skip("no python3 with pandas: apt-get install python3-pandas (Debian's package; .ci/run installs it)")
	}
	if testing.Short() {
		t.Skip("runs the demo and Python")
	}
	blocks := pythonBlocks(t, filepath.Join("..", "..", "docs", "python.md"))
	if len(blocks[""]) < 4 {
		t.Fatalf("%d plain python blocks in docs/python.md, want the runs table, equity and fills, the join and the comparison", len(blocks[""]))
	}
	tmp := t.TempDir()
	if _, _, err := cli(t, "run", "../../examples/synthetic-ai-hedge.toml", "--out", filepath.Join(tmp, "out"), "--workers", "2", "--quiet"); err != nil {
		t.Fatal(err)
	}
	script := strings.Join(blocks[""], "\n\n")
	for tag, module := range map[string]string{"plot": "matplotlib", "parquet": "pyarrow", "polars": "polars", "duckdb": "duckdb"} {
		if exec.Command(py, "-c", "import "+module).Run() != nil {
			t.Logf("docs/python.md %q blocks not run: %s has no %s", tag, py, module)
			continue
		}
		script += "\n\n" + strings.Join(blocks[tag], "\n\n")
	}
	script += `

import json as _json
_types = {name: {str(c): str(t) for c, t in df.dtypes.items()} for name, df in
          [("runs", runs), ("eq", eq), ("fl", fl), ("joined", joined), ("growth", growth)]}
_types["growth_index"] = {"time": str(growth.index.dtype)}
print("@@" + _json.dumps({"types": _types, "key": key, "sharpe": float(main["sharpe"].iloc[0]),
                          "points": len(eq), "fills": len(fl), "joined": len(joined)}))
`
	cmd := exec.Command(py, "-")
	cmd.Dir = tmp
	cmd.Stdin = strings.NewReader(script)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s\n%s", py, err, stderr.String(), stdout.String())
	}
	_, line, ok := strings.Cut(stdout.String(), "@@")
	if !ok {
		t.Fatalf("no result line:\n%s", stdout.String())
	}
	var got struct {
		Types                 map[string]map[string]string
		Key                   string
		Sharpe                float64
		Points, Fills, Joined int
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(line)), &got); err != nil {
		t.Fatal(err)
	}
	for name, cols := range got.Types {
		for c, typ := range cols {
			if typ == "object" {
				t.Errorf("%s.%s is an object column", name, c)
			}
		}
	}
	want := map[string]map[string]string{
		"runs":         {"key": "string", "strategy": "string", "params": "string", "total_return": "float64", "sharpe": "float64", "max_drawdown": "float64", "fills": "int64", "total_costs": "float64"},
		"eq":           {"time": "datetime64[ns, UTC]", "equity": "float64", "cash": "float64", "gross": "float64", "net": "float64", "drawdown": "float64"},
		"fl":           {"time": "datetime64[ns, UTC]", "symbol": "string", "side": "string", "qty": "float64", "price": "float64", "commission": "float64", "tag": "string"},
		"joined":       {"time": "datetime64[ns, UTC]", "key": "string", "equity": "float64", "notional_share": "float64"},
		"growth_index": {"time": "datetime64[ns, UTC]"},
	}
	for name, cols := range want {
		for c, typ := range cols {
			if g := got.Types[name][c]; g != typ {
				t.Errorf("%s.%s: dtype %q, want %q", name, c, g, typ)
			}
		}
	}
	for c, typ := range got.Types["growth"] {
		if typ != "float64" {
			t.Errorf("growth.%s: dtype %q, want float64", c, typ)
		}
	}
	// The best main run by Sharpe, from the records, and its curve.
	dir := filepath.Join(tmp, "out", "ai-hedge-on-the-synthetic-market")
	recs, err := results.ReadRuns(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	best, bestSharpe := "", math.Inf(-1)
	for _, r := range recs {
		if r.Scenario == "" && r.LongLegOf == "" && r.Metrics.Sharpe > bestSharpe {
			best, bestSharpe = r.Run, r.Metrics.Sharpe
		}
	}
	if got.Key != best || math.Abs(got.Sharpe-bestSharpe) > 1e-12*math.Abs(bestSharpe) {
		t.Errorf("pandas' best run %s (Sharpe %g), the records' %s (%g)", got.Key, got.Sharpe, best, bestSharpe)
	}
	tab, err := results.ReadTableParquet(filepath.Join(dir, "runs", best, "equity.parquet"), "time")
	if err != nil {
		t.Fatal(err)
	}
	if got.Points != tab.Rows() {
		t.Errorf("pandas read %d equity points, equity.parquet has %d", got.Points, tab.Rows())
	}
}

// TestPythonDocSQL runs the SQL of docs/python.md's DuckDB block on the
// demo's results.duckdb through Go's driver (the Python client need not be
// installed): the main runs, each with its beta and alpha against QQQ
// (NULL in none).
func TestPythonDocSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo")
	}
	blocks := pythonBlocks(t, filepath.Join("..", "..", "docs", "python.md"))
	if len(blocks["duckdb"]) != 1 {
		t.Fatalf("%d duckdb blocks, want 1", len(blocks["duckdb"]))
	}
	parts := strings.Split(blocks["duckdb"][0], `"""`)
	if len(parts) < 3 {
		t.Fatal("no triple-quoted SQL in the duckdb block")
	}
	query := parts[1]
	tmp := t.TempDir()
	if _, _, err := cli(t, "run", "../../examples/synthetic-ai-hedge.toml", "--out", tmp, "--workers", "2", "--quiet"); err != nil {
		t.Fatal(err)
	}
	c, err := goduckdb.NewConnector(filepath.Join(tmp, "ai-hedge-on-the-synthetic-market", "results.duckdb")+"?access_mode=read_only", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%v\n%s", err, query)
	}
	defer rows.Close()
	n := 0
	prev := math.Inf(1)
	for rows.Next() {
		var key, strategy string
		var sharpe, dd float64
		var beta, alpha sql.NullFloat64
		if err := rows.Scan(&key, &strategy, &sharpe, &beta, &alpha, &dd); err != nil {
			t.Fatal(err)
		}
		if !beta.Valid || !alpha.Valid {
			t.Errorf("%s: beta_qqq or alpha_qqq is NULL", key)
		}
		if sharpe > prev || strings.ContainsAny(key, "@~") {
			t.Errorf("%s (Sharpe %g): not a main run in Sharpe order", key, sharpe)
		}
		prev = sharpe
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("%d main runs, want the demo's 4", n)
	}
	var nulls int
	if err := db.QueryRow("SELECT count(*) FROM runs WHERE beta_qqq IS NULL OR isnan(sharpe) OR isnan(total_return)").Scan(&nulls); err != nil {
		t.Fatal(err)
	}
	if nulls != 0 {
		t.Errorf("%d runs without beta_qqq (or with a NaN), want 0", nulls)
	}
}
