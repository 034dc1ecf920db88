package experiment

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/report"
)

// csvSweep is a pair-hedge sweep of n runs (rebalance_days 1..n) on the
// synthetic market, with the given [output] lines.
func csvSweep(t *testing.T, n int, output string) *File {
	t.Helper()
	days := make([]string, n)
	for i := range days {
		days[i] = strconv.Itoa(i + 1)
	}
	text := `name = "csv policy"
seed = 3
cash = 100_000.0
start = "2019-03-01"
end = "2019-06-01"
[data]
synthetic = true
synthetic_seed = 11
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA", "MSFT"]
short = ["TAO"]
gross = 1.0
[strategy.sweep]
rebalance_days = [` + strings.Join(days, ", ") + `]
` + output
	path := filepath.Join(t.TempDir(), "csv.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// countFiles counts runs/*/name in dir.
func countFiles(t *testing.T, dir, name string) int {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "runs", "*", name))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

// output.csv: "auto" writes each run's CSV copies up to CSVRunsMax runs
// and Parquet only beyond, saying so in a note; "always" and "never" (or
// Options.CSV, which wins over the file) as named. The Parquet files are
// there every time.
func TestPerRunCSV(t *testing.T) {
	cases := []struct {
		name    string
		runs    int
		output  string
		opt     string
		wantCSV bool
		note    bool
	}{
		{"auto, at the limit", CSVRunsMax, "", "", true, false},
		{"auto, past the limit", CSVRunsMax + 1, "", "", false, true},
		{"always", CSVRunsMax + 1, "[output]\ncsv = \"always\"\n", "", true, false},
		{"never", 3, "[output]\ncsv = \"never\"\n", "", false, false},
		{"the option wins", 3, "[output]\ncsv = \"always\"\n", "never", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := csvSweep(t, c.runs, c.output)
			opt := Options{Out: t.TempDir(), Workers: 2, Version: "test", CSV: c.opt}
			if !c.wantCSV {
				opt.Report, opt.Database = reportHTML, resultsDB
			}
			o, err := Run(context.Background(), f, opt)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			if c.wantCSV {
				want = c.runs
			}
			for _, name := range []string{"equity.csv", "fills.csv", "legs.csv"} {
				if got := countFiles(t, o.Dir, name); got != want {
					t.Errorf("%d %s files, want %d", got, name, want)
				}
			}
			for _, name := range []string{"equity.parquet", "fills.parquet", "legs.parquet", "metrics.json"} {
				if got := countFiles(t, o.Dir, name); got != c.runs {
					t.Errorf("%d %s files, want %d", got, name, c.runs)
				}
			}
			noted := false
			for _, n := range o.Notes {
				noted = noted || strings.Contains(n, "Parquet only")
			}
			if noted != c.note {
				t.Errorf("notes %q: note about Parquet only = %v, want %v", o.Notes, noted, c.note)
			}
			if c.wantCSV {
				return
			}
			// Without CSV copies, the report made again from the folder
			// (the Parquet files) is the one made from memory.
			reportFromFolderSame(t, o.Dir)
		})
	}
}

// A bad output.csv, or an unknown key under [output], is refused naming
// the key.
func TestOutputSpecErrors(t *testing.T) {
	for _, c := range []struct{ output, want string }{
		{"[output]\ncsv = \"sometimes\"\n", `output.csv = "sometimes"`},
		{"[output]\nparquet = false\n", "parquet"},
	} {
		path := filepath.Join(t.TempDir(), "bad.toml")
		text := "name = \"x\"\ncash = 1000.0\n[data]\nsynthetic = true\n[[strategy]]\nname = \"h\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"BTC\"]\n" + c.output
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Load(path)
		if err == nil {
			err = f.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want one naming %s", c.output, err, c.want)
		}
	}
	f := csvSweep(t, 2, "")
	if _, err := Run(context.Background(), f, Options{Out: t.TempDir(), CSV: "maybe"}); err == nil || !strings.Contains(err.Error(), `"maybe"`) {
		t.Errorf("Options.CSV = maybe: err = %v", err)
	}
}

// TestReportFromFolderScenarioNames: a scenario's runs are keyed by its
// slug ("nvda-30" for "NVDA @ -30%"), and metrics.json does not hold the
// name. The report made again from the folder (divergence report)
// labelled those runs "nvda-30" where the run's own said "NVDA @ -30%";
// the name now comes from runs.parquet, as results.duckdb's does.
func TestReportFromFolderScenarioNames(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(`name = "names"
seed = 3
start = "2024-01-01"
end = "2024-06-30"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "BTC"]
[[scenario]]
name = "NVDA @ -30%"
[[scenario.shock]]
type = "jump"
symbols = ["NVDA"]
day = 5
move = -0.3
`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 2, Report: reportHTML})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Release()
	recs, err := results.ReadRuns(o.Dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, r := range recs {
		if strings.Contains(r.Run, "@") {
			named++
			if r.Scenario != "NVDA @ -30%" {
				t.Errorf("run %s: scenario %q read from the folder, want %q", r.Run, r.Scenario, "NVDA @ -30%")
			}
		}
	}
	if named == 0 {
		t.Fatalf("no scenario run among %d", len(recs))
	}
	reportFromFolderSame(t, o.Dir)
}

// TestReportAfterNoReport: `divergence run --no-report`, then `divergence
// report` on the folder, gives the page the run would have written. The
// closes the page draws fills on (prices.parquet) were written only with
// the report, so the later page lacked every price chart.
func TestReportAfterNoReport(t *testing.T) {
	f, err := Load(filepath.Join("testdata", "small.toml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	with, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "with"), Workers: 2, Report: reportHTML})
	if err != nil {
		t.Fatal(err)
	}
	defer with.Release()
	without, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "without"), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer without.Release()
	if err := report.Write(context.Background(), without.Dir); err != nil {
		t.Fatal(err)
	}
	a, errA := os.ReadFile(filepath.Join(with.Dir, report.ReportFile))
	b, errB := os.ReadFile(filepath.Join(without.Dir, report.ReportFile))
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("report.html made after --no-report (%d bytes) differs from the run's own (%d bytes)", len(b), len(a))
	}
	if !bytes.Contains(a, []byte("prices")) {
		t.Error("the report draws no prices: the test compares nothing")
	}
}
