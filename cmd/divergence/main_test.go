package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	goduckdb "github.com/duckdb/duckdb-go/v2"
)

func cli(t testing.TB, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestHelp(t *testing.T) {
	out, _, err := cli(t, "--help")
	if err != nil || !strings.Contains(out, "divergence run EXPERIMENT.toml") {
		t.Fatalf("help: %v\n%s", err, out)
	}
	// A help asked for is the output: on stdout (divergence run --help |
	// less showed nothing), nothing on stderr; divergence help run is
	// run's help.
	for _, args := range [][]string{{"run", "--help"}, {"data", "import", "--help"}, {"data", "list", "--help"}, {"data", "synth", "--help"},
		{"help", "run"}, {"run", "x.toml", "-h"}} {
		stdout, stderr, err := cli(t, args...)
		if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stdout, "Usage: divergence") || stderr != "" {
			t.Errorf("%v: err %v, stdout %q, stderr %q", args, err, stdout, stderr)
		}
	}
	if out, _, err := cli(t, "help", "run"); err == nil && !strings.Contains(out, "Usage: divergence run EXPERIMENT.toml") {
		t.Errorf("help run: %q", out)
	}
	// help help (and --help --help) looped for ever: the top-level help.
	for _, args := range [][]string{{"help", "help"}, {"--help", "--help"}, {"help", "-h"}} {
		if out, _, err := cli(t, args...); err != nil || !strings.Contains(out, "Run 'divergence COMMAND --help'") {
			t.Errorf("%v: %v %q", args, err, out)
		}
	}
	// help data import is import's help; scenarios list --help the
	// scenarios' (it was "takes no argument").
	if out, _, err := cli(t, "help", "data", "import"); !errors.Is(err, flag.ErrHelp) || !strings.Contains(out, "Usage: divergence data import") {
		t.Errorf("help data import: %v %q", err, out)
	}
	if out, _, err := cli(t, "scenarios", "list", "--help"); err != nil || !strings.Contains(out, "divergence scenarios show") {
		t.Errorf("scenarios list --help: %v %q", err, out)
	}
	// -h as a flag's value asks for no help: the error is the unknown
	// flag, and nothing goes to stdout.
	if out, stderr, err := cli(t, "metrics", "r.csv", "--column", "-h", "--bogus"); err == nil || out != "" || !strings.Contains(err.Error(), "--bogus") {
		t.Errorf("metrics --column -h --bogus: %v, stdout %q, stderr %q", err, out, stderr)
	}
	for _, args := range [][]string{{"data", "--help"}, {"scenarios", "--help"}} {
		if out, _, err := cli(t, args...); err != nil || !strings.Contains(out, "Usage") {
			t.Errorf("%v: %v %q", args, err, out)
		}
	}
	// scenarios show takes a scenario file as an experiment does.
	file := filepath.Join(t.TempDir(), "mine.toml")
	os.WriteFile(file, []byte("name = \"mine\"\nprobability = 0.5\n[[shock]]\ntype = \"jump\"\nsymbols = [\"NVDA\"]\ndate = \"2025-01-20\"\nmove = -0.2\n"), 0o644)
	if out, _, err := cli(t, "scenarios", "show", file); err != nil || !strings.Contains(out, "probability: 0.5") || !strings.Contains(out, "1. jump") || strings.Contains(out, "source:") {
		t.Errorf("scenarios show FILE: %v\n%s", err, out)
	}
	// Zeros the file says are shown: day = 0 (no date: the start day),
	// move = 0, k = 0, a funding rate set to 0; zeros it leaves out (a
	// recover of 0, no spread) are not.
	os.WriteFile(file, []byte("name = \"zeros\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"NVDA\"]\nday = 0\nmove = 0\n"+
		"[[shock]]\ntype = \"volatility\"\nsymbols = [\"NVDA\"]\ndate = \"2025-01-20\"\ndays = 5\nk = 0\n"+
		"[[shock]]\ntype = \"funding\"\nsymbols = [\"BTC\"]\nday = 2\ndays = 5\nrate = 0\n"+
		"[[shock]]\ntype = \"jump\"\nsymbols = [\"NVDA\"]\ntime = \"2025-01-20T15:30:00Z\"\nmove = -0.1\n"), 0o644)
	zout, _, zerr := cli(t, "scenarios", "show", file)
	for _, want := range []string{"1. jump symbols=[NVDA] day=0 gap=true spread_days=1 move=0\n",
		"2. volatility symbols=[NVDA] date=2025-01-20 days=5 k=0\n", "3. funding symbols=[BTC] day=2 days=5 rate=0\n",
		"4. jump symbols=[NVDA] time=2025-01-20T15:30:00Z gap=true spread_days=1 move=-0.1\n"} {
		if zerr != nil || !strings.Contains(zout, want) {
			t.Errorf("scenarios show (zeros): %v: want %q in\n%s", zerr, want, zout)
		}
	}
	// An argument that a command would ignore is refused.
	if _, _, err := cli(t, "scenarios", "list", "extra"); err == nil || !strings.Contains(err.Error(), `scenarios list: takes no argument, got "extra"`) {
		t.Errorf("scenarios list extra: %v", err)
	}
	// Every command's --help says what it does and lists its flags (or
	// says it has none).
	for _, tc := range []struct {
		args  []string
		flags []string
	}{
		{[]string{"run", "--help"}, []string{"-out", "-workers", "-sort", "-top", "-no-report"}},
		{[]string{"stress", "--help"}, []string{"-out", "-workers"}},
		{[]string{"report", "--help"}, []string{"-out FILE", "-wait"}},
		{[]string{"db", "--help"}, []string{"-wait"}},
		{[]string{"compare", "--help"}, []string{"-runs", "-top", "-by", "-align", "-out"}},
		{[]string{"strategies", "--help"}, []string{"Flags: none"}},
		{[]string{"version", "--help"}, []string{"Flags: none"}},
		{[]string{"data", "synth", "--help"}, []string{"-seed", "-out"}},
		{[]string{"metrics", "--help"}, []string{"-benchmark", "-periods-per-year"}},
	} {
		help, _, err := cli(t, tc.args...) // on stdout
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%v: err %v", tc.args, err)
		}
		if !strings.Contains(help, "Usage: divergence") {
			t.Errorf("%v: no usage line in %q", tc.args, help)
		}
		for _, f := range tc.flags {
			if !strings.Contains(help, f) {
				t.Errorf("%v: help lacks %q:\n%s", tc.args, f, help)
			}
		}
		if strings.Contains(help, "Flags:\n\n") || strings.HasSuffix(help, "Flags:\n") {
			t.Errorf("%v: an empty flag list", tc.args)
		}
	}
	if _, _, err := cli(t, "bogus"); err == nil || !strings.Contains(err.Error(), `unknown command "bogus"`) {
		t.Errorf("bogus command: %v", err)
	}
}

// The demo experiment runs from the CLI and writes the plot and metrics.
func TestRunDemo(t *testing.T) {
	dir := t.TempDir()
	out, _, err := cli(t, "run", "../../examples/synthetic-ai-hedge.toml", "--out", dir, "--workers", "2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "SYNTHETIC") || !strings.Contains(out, "long-ai-tech-short-ai-tokens") {
		t.Errorf("output:\n%s", out)
	}
	// 4 strategies × (the baseline and 3 scenarios) = 16 runs in the
	// table; the pair hedge's long leg alone under each of the 4 views
	// are the companions, counted apart.
	if want := "16 runs (and 4 long-leg companions"; !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	for _, f := range []string{"equity.png", "equity.svg", "manifest.json", "runs.csv", "runs/long-ai-tech-short-ai-tokens/metrics.json", "report.html", "results.duckdb"} {
		if st, err := os.Stat(filepath.Join(dir, "ai-hedge-on-the-synthetic-market", f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// One run of one instrument is counted in the singular.
func TestRunHeaderSingular(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "one.toml")
	text := "name = \"one\"\nstart = \"2024-01-01\"\nend = \"2024-03-01\"\n[data]\nsynthetic = true\n" +
		"[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"BTC\"]\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := cli(t, "run", path, "--out", dir, "--no-report")
	if err != nil {
		t.Fatal(err)
	}
	if want := "one — SYNTHETIC data, 1 run, 1 instrument, periods/year 365"; !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}

// Synthetic market to CSV, imported into a catalog, listed; a bad file
// makes the whole import fail and the catalog stays as it was.
func TestSynthImportList(t *testing.T) {
	dir := t.TempDir()
	mkt := filepath.Join(dir, "mkt")
	cat := filepath.Join(dir, "cat.duckdb")
	if _, _, err := cli(t, "data", "synth", "--seed", "3", "--out", mkt); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t, "data", "import", filepath.Join(mkt, "NVDA.csv"), filepath.Join(mkt, "TAO.csv"), "--catalog", cat); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "BAD.csv")
	os.WriteFile(bad, []byte("date,open,high,low,close,adj_close,volume\n2024-01-02,1,2,0.5,1.5,1.5,10\n2024-01-02,1,2,0.5,1.5,1.5,10\n"), 0o644)
	_, _, err := cli(t, "data", "import", filepath.Join(mkt, "BTC.csv"), bad, "--catalog", cat)
	if err == nil || !strings.Contains(err.Error(), "BAD.csv:3") || !strings.Contains(err.Error(), "duplicate") {
		t.Fatalf("bad import: %v", err)
	}
	out, _, err := cli(t, "data", "list", "--catalog", cat)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "NVDA") || !strings.Contains(out, "TAO") || strings.Contains(out, "BTC") {
		t.Fatalf("list after failed import:\n%s", out)
	}
	if !strings.Contains(out, "crypto") || !strings.Contains(out, "equity") || !strings.Contains(out, "(SYNTHETIC)") {
		t.Fatalf("classes or synthetic label missing:\n%s", out)
	}
	// An experiment reads the catalog; its bars are the CSVs' bars.
	exp := filepath.Join(dir, "cat.toml")
	os.WriteFile(exp, []byte("name = \"from the catalog\"\nstart = \"2020-01-01\"\n[data]\ncatalog = \"cat.duckdb\"\n"+
		"[[strategy]]\nname = \"hedge\"\ntype = \"pair-hedge\"\n[strategy.params]\nlong = [\"NVDA\"]\nshort = [\"TAO\"]\n"), 0o644)
	out, _, err = cli(t, "run", exp, "--out", filepath.Join(dir, "out"), "--no-report")
	if err != nil {
		t.Fatal(err)
	}
	// The bars came from `data synth`: the catalog remembers it, and the
	// run says synthetic.
	if !strings.Contains(out, "SYNTHETIC") {
		t.Errorf("catalog run of synthetic bars does not say so:\n%s", out)
	}
	man, err := os.ReadFile(filepath.Join(dir, "out", "from-the-catalog", "manifest.json"))
	if err != nil || !strings.Contains(string(man), "catalog") {
		t.Errorf("manifest: %v\n%s", err, man)
	}
}

// The real-data examples, when ../shared/data/prices is there.
func TestRealDataExamples(t *testing.T) {
	dir := os.Getenv("DIVERGENCE_DATA")
	if dir == "" {
		dir = "../../../shared/data/prices"
	}
	if _, err := os.Stat(filepath.Join(dir, "NVDA.csv")); err != nil {
		t.Skipf("real price data not found at %s (set DIVERGENCE_DATA): %v", dir, err)
	}
	for _, ex := range []string{"real-ai-hedge.toml", "real-qqq-btc.toml", "real-miners-btc.toml", "real-hedge-sweep.toml"} {
		out, _, err := cli(t, "run", filepath.Join("../../examples", ex), "--out", t.TempDir())
		if err != nil {
			t.Fatalf("%s: %v", ex, err)
		}
		if !strings.Contains(out, "real data") {
			t.Errorf("%s output:\n%s", ex, out)
		}
	}
	// The financing example reads the funding and rate files of
	// ../shared/data/other beside the checkout (named in the file, not
	// under $DIVERGENCE_DATA).
	if _, err := os.Stat("../../../shared/data/other/funding/binance_usdm_BTCUSDT_funding.csv"); err != nil {
		t.Skipf("real funding and rate files not beside the checkout: %v", err)
	}
	out := t.TempDir()
	if _, _, err := cli(t, "run", "../../examples/real-btc-financing.toml", "--out", out, "--no-report"); err != nil {
		t.Fatal(err)
	}
	// Over 2021-01-04..2022-10-31 Binance's BTCUSDT funding averaged
	// +0.017 % per 8 hours (86 % of its 1,998 events positive: longs paid
	// shorts), 0.339 of the notional in all: the short perpetual, about
	// half of equity (gross 1.0 over two sides, rebalanced monthly, about
	// 500,000), received about 0.339 × 500,000 = 170,000, within
	// 0.339 × 350,000..650,000; the ETH spot short paid Aave's WETH
	// borrow rate; cash
	// earned Aave's USDC supply rate in both hedged runs, which hold
	// about half their capital in cash (the perpetual short needs none,
	// the spot short's proceeds stay).
	costs := func(run string) map[string]float64 {
		matches, _ := filepath.Glob(filepath.Join(out, "*", "runs", run, "metrics.json"))
		if len(matches) != 1 {
			t.Fatalf("run %s: %v", run, matches)
		}
		b, err := os.ReadFile(matches[0])
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Metrics struct{ Costs map[string]float64 } `json:"metrics"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m.Metrics.Costs
	}
	perp, spot := costs("ai-tech-short-btc-perpetual"), costs("ai-tech-short-eth-spot")
	if f := -perp["funding"]; f < 0.339*350_000 || f > 0.339*650_000 {
		t.Errorf("BTC perpetual short received %g of funding, want 0.339 × 350,000..650,000", f)
	}
	if !(perp["funding"] < 0 && perp["borrow"] == 0 && perp["interest"] < 0) {
		t.Errorf("BTC perpetual short: funding %g (want received, < 0), borrow %g (want 0), interest %g (want earned, < 0)", perp["funding"], perp["borrow"], perp["interest"])
	}
	if !(spot["borrow"] > 0 && spot["funding"] == 0 && spot["interest"] < 0) {
		t.Errorf("ETH spot short: borrow %g (want paid, > 0), funding %g (want 0), interest %g (want earned, < 0)", spot["borrow"], spot["funding"], spot["interest"])
	}
}

// report, db and compare on two experiment folders.
func TestReportDBCompare(t *testing.T) {
	dir := t.TempDir()
	for _, ex := range []string{"../../experiment/testdata/small.toml", "../../experiment/testdata/sweep.toml"} {
		if _, _, err := cli(t, "run", ex, "--out", dir, "--no-report"); err != nil {
			t.Fatal(err)
		}
	}
	a, b := filepath.Join(dir, "small-synthetic"), filepath.Join(dir, "sweep-synthetic")
	if _, err := os.Stat(filepath.Join(a, "report.html")); err == nil {
		t.Fatal("--no-report wrote a report")
	}
	if out, _, err := cli(t, "report", a); err != nil || !strings.Contains(out, "report.html") {
		t.Fatalf("report: %v %s", err, out)
	}
	html, err := os.ReadFile(filepath.Join(a, "report.html"))
	if err != nil || !strings.Contains(string(html), "SYNTHETIC") {
		t.Fatalf("report.html: %v", err)
	}
	if _, _, err := cli(t, "db", a); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(a, "results.duckdb")); err != nil || st.Size() == 0 {
		t.Fatalf("results.duckdb: %v", err)
	}
	out, table := filepath.Join(dir, "cmp.png"), filepath.Join(dir, "cmp.csv")
	printed, _, err := cli(t, "compare", a, b, "--runs", "hedge,sma--fast=5--slow=30", "--out", out+","+table)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(out); err != nil || st.Size() < 1000 {
		t.Fatalf("compare chart: %v", err)
	}
	// The runs drawn are printed and written as a table, one line each,
	// measured over the dates they share.
	if !strings.Contains(printed, "2 runs drawn, by sharpe, over the dates they all share (") || !strings.Contains(printed, "total return") ||
		!strings.Contains(printed, ": hedge ") || !strings.Contains(printed, ": sma--fast=5--slow=30 ") {
		t.Errorf("compare printed no table of the 2 runs:\n%s", printed)
	}
	if b, err := os.ReadFile(table); err != nil || strings.Count(string(b), "\n") != 3 || !strings.HasPrefix(string(b), "run,folder,key,start,end,") {
		t.Errorf("compare table: %v\n%s", err, b)
	}
	// One folder given twice (once with a trailing slash) is refused, not
	// drawn as two experiments.
	if _, _, err := cli(t, "compare", a, a+"/", "--out", filepath.Join(dir, "twice.png")); err == nil || !strings.Contains(err.Error(), "are the same folder") {
		t.Errorf("compare a folder twice: %v", err)
	}
	if _, _, err := cli(t, "report", filepath.Join(dir, "nope")); err == nil {
		t.Error("report of a missing folder succeeded")
	}
	// An --out inside a results folder would write over its files (the
	// page over manifest.json, a chart over equity.png): refused, the
	// file untouched. The command's own file there, and paths outside,
	// are fine.
	manifest, _ := os.ReadFile(filepath.Join(a, "manifest.json"))
	for _, args := range [][]string{
		{"report", a, "--out", filepath.Join(a, "manifest.json")},
		{"report", a, "--out", filepath.Join(a, "runs", "page.html")},
		{"compare", a, "--out", filepath.Join(a, "equity.png")},
	} {
		if _, _, err := cli(t, args...); err == nil || !strings.Contains(err.Error(), "inside the results folder") && !strings.Contains(err.Error(), "want an .html file") {
			t.Errorf("%v: %v, want a refusal", args, err)
		}
	}
	if after, _ := os.ReadFile(filepath.Join(a, "manifest.json")); !bytes.Equal(after, manifest) {
		t.Error("manifest.json changed")
	}
	if _, _, err := cli(t, "report", a, "--out", filepath.Join(a, "report.html")); err != nil {
		t.Errorf("report --out the folder's own report.html: %v", err)
	}
	if _, _, err := cli(t, "report", a, "--out", filepath.Join(dir, "elsewhere.html")); err != nil {
		t.Errorf("report --out outside the folder: %v", err)
	}
}

// --no-db writes report.html without results.duckdb, says how to make
// it, and divergence db makes it afterwards, with the runs' fills.
func TestNoDB(t *testing.T) {
	dir := t.TempDir()
	out, _, err := cli(t, "run", "../../experiment/testdata/sweep.toml", "--out", dir, "--no-db")
	if err != nil {
		t.Fatal(err)
	}
	exp := filepath.Join(dir, "sweep-synthetic")
	if _, err := os.Stat(filepath.Join(exp, "report.html")); err != nil {
		t.Fatalf("--no-db wrote no report: %v", err)
	}
	if _, err := os.Stat(filepath.Join(exp, "results.duckdb")); !os.IsNotExist(err) {
		t.Fatalf("--no-db wrote results.duckdb (stat: %v)", err)
	}
	if want := "divergence db " + exp; !strings.Contains(out, want) {
		t.Errorf("output does not say %q:\n%s", want, out)
	}
	if _, _, err := cli(t, "db", exp); err != nil {
		t.Fatal(err)
	}
	c, err := goduckdb.NewConnector(filepath.Join(exp, "results.duckdb")+"?access_mode=read_only", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	var runs, fills int
	if err := db.QueryRow("SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM fills)").Scan(&runs, &fills); err != nil {
		t.Fatal(err)
	}
	if runs < 2 || fills == 0 {
		t.Errorf("the database made afterwards has %d runs and %d fills", runs, fills)
	}
}

// The progress bar draws runs done, runs/s and time left on one line, and
// is off when the output is not a terminal.
func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, start: time.Now().Add(-2 * time.Second)}
	p.update(50, 200)
	line := buf.String()
	for _, want := range []string{"\r[", "50/200 runs", "runs/s", "left"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress line %q lacks %q", line, want)
		}
	}
	if strings.Count(line, "=") < 5 {
		t.Errorf("a quarter done should fill a quarter of the bar: %q", line)
	}
	p.finish()
	if !strings.HasSuffix(buf.String(), "\n") {
		t.Error("finish does not end the line")
	}
	if isTerminal(&buf) {
		t.Error("a buffer is not a terminal")
	}
	quiet := &progress{w: &bytes.Buffer{}, start: time.Now()}
	quiet.update(1, 200) // a moment in: nothing drawn yet
	if quiet.drawn {
		t.Error("drew before the run took a moment")
	}
}

// Catalog mistakes: listing a catalog that does not exist, giving a price
// file as the catalog, a failed first import (it leaves no catalog), and a
// reimport (it says what it replaced, or that the file is unchanged).
func TestCatalogMistakes(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := cli(t, "data", "list", "--catalog", filepath.Join(dir, "none.duckdb")); err == nil {
		t.Error("listing a missing catalog succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "none.duckdb")); err == nil {
		t.Error("listing created the catalog")
	}
	good := filepath.Join(dir, "GOOD.csv")
	os.WriteFile(good, []byte("date,open,high,low,close,adj_close,volume\n2024-01-02,1,2,0.5,1.5,1.5,10\n2024-01-03,1,2,0.5,1.5,1.5,10\n"), 0o644)
	if _, _, err := cli(t, "data", "import", good, "--catalog", good); err == nil || !strings.Contains(err.Error(), "not a DuckDB catalog") {
		t.Errorf("a CSV as the catalog: %v", err)
	}
	bad := filepath.Join(dir, "BAD.csv")
	os.WriteFile(bad, []byte("date,open,high,low,close\n2024-01-02,1,2,3,1.5\n"), 0o644)
	cat := filepath.Join(dir, "new.duckdb")
	if _, _, err := cli(t, "data", "import", bad, "--catalog", cat); err == nil {
		t.Fatal("bad import succeeded")
	}
	if _, err := os.Stat(cat); err == nil {
		t.Error("a failed first import left a catalog behind")
	}
	if _, _, err := cli(t, "data", "import", good, "--catalog", cat); err != nil {
		t.Fatal(err)
	}
	out, _, err := cli(t, "data", "import", good, "--catalog", cat)
	if err != nil || !strings.Contains(out, "unchanged GOOD: the catalog holds these 2 bars already") {
		t.Errorf("reimport of the same file: %v\n%s", err, out)
	}
	os.WriteFile(good, []byte("date,open,high,low,close,adj_close,volume\n2024-01-02,1,2,0.5,1.5,1.5,10\n2024-01-03,1,2,0.5,1.6,1.6,10\n"), 0o644)
	out, _, err = cli(t, "data", "import", good, "--catalog", cat)
	if err != nil || !strings.Contains(out, "replaced GOOD") {
		t.Errorf("reimport of a corrected file: %v\n%s", err, out)
	}
}

// $DIVERGENCE_DATA replaces an experiment's data.dir: the command reads
// the variable and passes it to the experiment (experiment.Options.DataDir).
func TestDataEnvReplacesDir(t *testing.T) {
	dir := t.TempDir()
	mkt := filepath.Join(dir, "mkt")
	if _, _, err := cli(t, "data", "synth", "--seed", "3", "--out", mkt); err != nil {
		t.Fatal(err)
	}
	exp := filepath.Join(dir, "e.toml")
	os.WriteFile(exp, []byte("name = \"env\"\nstart = \"2020-01-01\"\n[data]\ndir = \"no-such-folder\"\n"+
		"[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"NVDA\"]\n"), 0o644)
	t.Setenv("DIVERGENCE_DATA", "")
	if _, _, err := cli(t, "run", exp, "--out", filepath.Join(dir, "out"), "--no-report"); err == nil || !strings.Contains(err.Error(), "no-such-folder") {
		t.Fatalf("without DIVERGENCE_DATA: %v, want an error naming data.dir's folder", err)
	}
	t.Setenv("DIVERGENCE_DATA", mkt)
	out, _, err := cli(t, "run", exp, "--out", filepath.Join(dir, "out"), "--no-report")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "hold") {
		t.Errorf("output:\n%s", out)
	}
	man, err := os.ReadFile(filepath.Join(dir, "out", "env", "manifest.json"))
	if err != nil || !strings.Contains(string(man), filepath.Join(mkt, "NVDA.csv")) {
		t.Errorf("manifest does not name the file under $DIVERGENCE_DATA: %v\n%s", err, man)
	}
	// A folder of $DIVERGENCE_DATA's that does not exist is named as the
	// variable's, not as data.dir's (which the file sets to another).
	t.Setenv("DIVERGENCE_DATA", filepath.Join(dir, "nonexistent"))
	_, _, err = cli(t, "run", exp, "--out", filepath.Join(dir, "out"), "--no-report")
	if err == nil || !strings.Contains(err.Error(), "$DIVERGENCE_DATA (which replaces data.dir): no price file for symbol \"NVDA\": folder "+filepath.Join(dir, "nonexistent")+" does not exist (point $DIVERGENCE_DATA at the folder of price files, or unset it to read data.dir)") {
		t.Errorf("$DIVERGENCE_DATA missing: %v, want the variable named", err)
	}
}

// An intraday synthetic market written as one Parquet table, imported
// from it with a symbol filter and resampling, and listed.
func TestDataSynthIntradayAndImportTable(t *testing.T) {
	dir := t.TempDir()
	mkt, cat := filepath.Join(dir, "mkt"), filepath.Join(dir, "cat.duckdb")
	out, _, err := cli(t, "data", "synth", "--interval", "1h", "--days", "5", "--instruments", "2", "--out", mkt)
	if err != nil || !strings.Contains(out, "SYNTHETIC intraday market (seed 7, 1h bars, 5 days)") {
		t.Fatalf("synth: %v\n%s", err, out)
	}
	out, _, err = cli(t, "data", "import", "--table", filepath.Join(mkt, "bars.parquet"), "--symbols", "BTC", "--bar", "4h",
		"--start", "2025-01-02", "--catalog", cat)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	// 2025-01-02 .. 01-05 (the market ends with 01-05): 4 days × 6 buckets.
	for _, want := range []string{"imported 1 instrument", "BTC: resampled from 1h to 4h bars", "2025-01-02T00:00:00Z  2025-01-05T20:00:00Z  24", "(SYNTHETIC)"} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	if _, _, err := cli(t, "data", "import", "--table", filepath.Join(mkt, "bars.parquet"), "--symbols", "XYZ", "--catalog", cat); err == nil ||
		!strings.Contains(err.Error(), `has no symbol "XYZ" (it has BTC, MSFT)`) {
		t.Errorf("unknown symbol: %v", err)
	}
	if _, _, err := cli(t, "data", "import", "x.csv", "--date-format", "YYYY/MM", "--catalog", cat); err == nil || !strings.Contains(err.Error(), "--date-format") {
		t.Errorf("bad date format: %v", err)
	}
	// --start takes what an experiment's start takes (data.ParseInstant):
	// an instant without a zone is refused, asking for Z or an offset.
	if _, _, err := cli(t, "data", "import", "--table", filepath.Join(mkt, "bars.parquet"), "--start", "2025-01-02T14:30:00", "--catalog", cat); err == nil ||
		!strings.Contains(err.Error(), `--start "2025-01-02T14:30:00": an instant needs its zone: add Z (UTC) or an offset`) {
		t.Errorf("--start without a zone: %v", err)
	}
	// --class without --symbols sets the class of every symbol of the
	// table: BTC, guessed crypto without it, is imported as equity.
	out, _, err = cli(t, "data", "import", "--table", filepath.Join(mkt, "bars.parquet"), "--class", "equity", "--catalog", cat)
	if err != nil {
		t.Fatalf("import --class: %v\n%s", err, out)
	}
	for _, sym := range []string{"BTC", "MSFT"} {
		if !regexp.MustCompile(`(?m)^` + sym + ` +equity `).MatchString(out) {
			t.Errorf("--class equity: %s is not listed as equity:\n%s", sym, out)
		}
	}
	// --symbol names one file's instrument: refused with a table.
	if _, _, err := cli(t, "data", "import", "--table", filepath.Join(mkt, "bars.parquet"), "--symbol", "BTC", "--catalog", cat); err == nil ||
		!strings.Contains(err.Error(), "--symbols") {
		t.Errorf("--symbol with --table: %v, want an error pointing to --symbols", err)
	}
}

// TestStrategiesCommand: the list names every built-in strategy; with a
// name, its parameters with their defaults and meaning.
func TestStrategiesCommand(t *testing.T) {
	out, _, err := cli(t, "strategies")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"buy-and-hold", "pair-hedge", "scaled-entry", "sma-cross", "weights"} {
		if !strings.Contains(out, n) {
			t.Errorf("list lacks %s", n)
		}
	}
	out, _, err = cli(t, "strategies", "pair-hedge")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"key", "default", "gross", "float64", "rebalance_days", "hedge", "HedgeMode", "dollar", "lookback", "60",
		"Gross is the gross leverage", "minimum variance"} {
		if !strings.Contains(out, s) {
			t.Errorf("pair-hedge parameters lack %q:\n%s", s, out)
		}
	}
	if _, _, err := cli(t, "strategies", "nope"); err == nil || !strings.Contains(err.Error(), "unknown strategy type") {
		t.Errorf("unknown name: %v", err)
	}
	// A misspelt name: the one likely meant (two letters swapped: one edit).
	if _, _, err := cli(t, "strategies", "scaled-entyr"); err == nil || !strings.Contains(err.Error(), `strategies: unknown strategy type "scaled-entyr" (did you mean scaled-entry? known: buy-and-hold, `) {
		t.Errorf("misspelt name: %v", err)
	}
}

// TestRunWalkForwardFirst: with a walk-forward, run prints its
// out-of-sample result before the in-sample table; the total return is
// the stitched curve's last equity over its first (by hand, from
// walkforward/sma/equity.csv).
func TestRunWalkForwardFirst(t *testing.T) {
	dir := t.TempDir()
	out, _, err := cli(t, "run", "../../experiment/testdata/walkforward.toml", "--out", dir, "--workers", "2", "--no-report")
	if err != nil {
		t.Fatal(err)
	}
	oos, ins := strings.Index(out, "walk-forward, out of sample"), strings.Index(out, "in sample (every run")
	if oos < 0 || ins < oos || strings.Index(out, "sma--fast=") < ins {
		t.Fatalf("out-of-sample result not printed first:\n%s", out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "walk-forward-synthetic", "walkforward", "sma", "equity.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	equity := func(line string) float64 {
		v, err := strconv.ParseFloat(strings.Split(line, ",")[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	want := fmt.Sprintf("%.2f%%", 100*(equity(lines[len(lines)-1])/equity(lines[1])-1))
	var row string
	for _, l := range strings.Split(out[oos:ins], "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == "sma" {
			row = l
		}
	}
	if f := strings.Fields(row); len(f) < 5 || f[4] != want {
		t.Errorf("sma out-of-sample row %q, want total return %s", row, want)
	}
	// CAGR, Sharpe ratio and max drawdown by hand from equity.csv: the
	// file's first point is the cash (100,000, the baseline), the returns
	// are those after it; CAGR over their count at 365 periods a year (a
	// token is in the panel), Sharpe = mean / sample sd × √365, the
	// drawdown from the running peak.
	first := equity(lines[1])
	if first != 100_000 {
		t.Fatalf("the stitched curve starts at %g, not the cash", first)
	}
	var rets []float64
	prev, peak, dd := first, first, 0.0
	for _, l := range lines[2:] {
		v := equity(l)
		rets = append(rets, v/prev-1)
		prev, peak = v, max(peak, v)
		dd = min(dd, v/peak-1)
	}
	mean, ss := 0.0, 0.0
	for _, r := range rets {
		mean += r
	}
	mean /= float64(len(rets))
	for _, r := range rets {
		ss += (r - mean) * (r - mean)
	}
	n := float64(len(rets))
	cagr := math.Pow(prev/first, 365/n) - 1
	sharpe := mean / math.Sqrt(ss/(n-1)) * math.Sqrt(365)
	wantRest := []string{fmt.Sprintf("%.2f%%", 100*cagr), fmt.Sprintf("%.2f", sharpe), fmt.Sprintf("%.2f%%", 100*dd)}
	if f := strings.Fields(row); len(f) < 8 || !slices.Equal(f[5:8], wantRest) {
		t.Errorf("sma out-of-sample row %q, want CAGR, Sharpe, max DD %v", row, wantRest)
	}
}

// --charts takes report or all; --timings prints each phase's wall time
// (the phases experiment.Run reports) and their total to stderr; --charts
// all draws every run's legs chart.
func TestRunChartsAndTimings(t *testing.T) {
	dir := t.TempDir()
	exp := "../../experiment/testdata/sweep.toml"
	if _, _, err := cli(t, "run", exp, "--out", dir, "--charts", "some"); err == nil || !strings.Contains(err.Error(), "--charts") {
		t.Errorf("--charts some: %v", err)
	}
	_, stderr, err := cli(t, "run", exp, "--out", dir, "--no-report", "--charts", "all", "--timings")
	if err != nil {
		t.Fatal(err)
	}
	for _, phase := range []string{"load", "runs", "total"} {
		if !strings.Contains(stderr, phase+" ") {
			t.Errorf("--timings: no %q line in\n%s", phase, stderr)
		}
	}
	legs, _ := filepath.Glob(filepath.Join(dir, "sweep-synthetic", "runs", "*", "legs.png"))
	if len(legs) != 12 { // every pair-hedge run of the sweep (3 gross × 4 rebalance periods)
		t.Errorf("--charts all drew %d legs charts, want 12", len(legs))
	}
}

// merge refuses an unknown --sort metric before reading any shard, as run
// does (a typo would rank every run NaN and chart the first ten).
func TestMergeSortChecked(t *testing.T) {
	dir := t.TempDir()
	_, _, err := cli(t, "merge", filepath.Join(dir, "out"), dir, "--sort", "sharp")
	if err == nil || !strings.Contains(err.Error(), "--sort") || !strings.Contains(err.Error(), "sharp") {
		t.Fatalf("merge --sort sharp: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("merge wrote %s", filepath.Join(dir, "out"))
	}
}

// data synth does not write into a folder that holds files: a folder of
// real prices had its QQQ.csv replaced by synthetic bars and a synthetic
// BTC.csv put beside the real BTC-USD.csv, without a word. --force
// writes into it.
func TestSynthRefusesAFolderWithFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "prices")
	os.MkdirAll(dir, 0o755)
	real := []byte("date,open,high,low,close,adj_close,volume\n2020-01-02,1,1,1,1,1,1\n")
	if err := os.WriteFile(filepath.Join(dir, "QQQ.csv"), real, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := cli(t, "data", "synth", "--out", dir)
	if err == nil || !strings.Contains(err.Error(), dir+" already holds files (QQQ.csv)") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("synth into a folder of prices: %v, want a refusal naming the folder, its file and --force", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "QQQ.csv")); !bytes.Equal(got, real) {
		t.Fatal("QQQ.csv was changed")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("%d files in the folder after the refusal, want 1", len(ents))
	}
	if _, _, err := cli(t, "data", "synth", "--out", dir, "--force"); err != nil {
		t.Fatalf("--force: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "QQQ.csv")); bytes.Equal(got, real) {
		t.Fatal("--force: QQQ.csv not written")
	}
	// Its own market written before (marked synthetic) is written again,
	// as is a folder of hidden files only.
	again := filepath.Join(t.TempDir(), "mkt")
	for range 2 {
		if _, _, err := cli(t, "data", "synth", "--out", again); err != nil {
			t.Fatalf("synth into its own market: %v", err)
		}
	}
	hidden := filepath.Join(t.TempDir(), "hidden")
	os.MkdirAll(hidden, 0o755)
	os.WriteFile(filepath.Join(hidden, ".DS_Store"), nil, 0o644)
	if _, _, err := cli(t, "data", "synth", "--out", hidden); err != nil {
		t.Fatalf("synth into a folder of hidden files only: %v", err)
	}
}

// compare's --runs help gave its default as "every run", while
// report.CompareOptions.Runs draws only the main runs by default: the
// demo folder's 20 runs gave 4 lines, its baselines (TestReportDBCompare
// draws the folder and names a scenario run with --runs to get it).
func TestCompareHelpRunsDefault(t *testing.T) {
	help, _, err := cli(t, "compare", "--help")
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("compare --help: %v", err)
	}
	if strings.Contains(help, "(default: every run)") {
		t.Errorf("compare --help still says --runs draws every run by default:\n%s", help)
	}
	for _, want := range []string{"every main run", "KEY@SCENARIO", "KEY~long-leg", "only when named"} {
		if !strings.Contains(help, want) {
			t.Errorf("compare --help lacks %q:\n%s", want, help)
		}
	}
}
