package experiment

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
)

var update = flag.Bool("update", false, "update golden files")

// folderBytes is the size of every file under dir, read back.
func folderBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	for _, b := range files(t, dir) {
		n += int64(len(b))
	}
	return n
}

// files returns every file under dir with its bytes, keyed by relative path.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func execute(t *testing.T, path string, workers int) (*Outcome, map[string][]byte) {
	t.Helper()
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: workers, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return o, files(t, o.Dir)
}

// The same experiment twice, and with 1 and 4 workers, writes the same
// bytes in every file (CSV, Parquet, JSON, PNG, SVG).
func TestDeterministicBytes(t *testing.T) {
	_, a := execute(t, "testdata/small.toml", 1)
	_, b := execute(t, "testdata/small.toml", 1)
	_, c := execute(t, "testdata/small.toml", 4)
	if len(a) < 10 {
		t.Fatalf("only %d files written", len(a))
	}
	for name, want := range a {
		for i, other := range []map[string][]byte{b, c} {
			if !bytes.Equal(other[name], want) {
				t.Errorf("%s differs between runs (comparison %d)", name, i)
			}
		}
	}
	for _, want := range []string{"manifest.json", "runs.csv", "equity.png", "equity.svg",
		"runs/hedge/equity.csv", "runs/hedge/equity.parquet", "runs/hedge/fills.csv", "runs/hedge/fills.parquet", "runs/hedge/metrics.json"} {
		if _, ok := a[want]; !ok {
			t.Errorf("missing %s", want)
		}
	}
}

// Golden files for the small experiment's metrics and equity curve. They
// pin today's numbers so that any change to them is seen and reviewed;
// the numbers themselves are checked by hand-computed tests in engine and
// results/metrics. Regenerate with `go test ./experiment -update`.
func TestGolden(t *testing.T) {
	_, got := execute(t, "testdata/small.toml", 2)
	for _, name := range []string{"runs/hedge/metrics.json", "runs/hedge/equity.csv", "runs/hold/metrics.json", "runs/sma/fills.csv", "runs.csv"} {
		golden := filepath.Join("testdata", "golden", strings.ReplaceAll(name, "/", "_"))
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got[name], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create)", err)
		}
		if !bytes.Equal(got[name], want) {
			t.Errorf("%s differs from %s; if the change is intended, run with -update and review the diff", name, golden)
		}
	}
}

// Every output of a synthetic experiment says so.
func TestSyntheticIsLabelled(t *testing.T) {
	_, got := execute(t, "testdata/small.toml", 2)
	for _, name := range []string{"manifest.json", "runs/hedge/metrics.json", "runs.csv", "equity.svg"} {
		if !bytes.Contains(bytes.ToLower(got[name]), []byte("synthetic")) {
			t.Errorf("%s does not say synthetic", name)
		}
	}
}

// A second bookkeeping from the fills log alone: cash is the initial cash
// minus Σ (qty × price + commission + fee) over the fills, positions are
// Σ qty per instrument, and equity is that cash plus positions at the last
// closes of the panel; it must match the curve's last point.
func TestEquityFromFillsLog(t *testing.T) {
	o, files := execute(t, "testdata/small.toml", 2)
	for _, r := range o.Runs {
		res := r.Result
		cash := 100_000.0
		qty := map[string]float64{}
		recs, err := csv.NewReader(bytes.NewReader(files["runs/"+r.Key+"/fills.csv"])).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("%s: fills.csv: %v (%d rows)", r.Key, err, len(recs))
		}
		col := map[string]int{}
		for j, h := range recs[0] {
			col[h] = j
		}
		num := func(rec []string, name string) float64 {
			v, err := strconv.ParseFloat(rec[col[name]], 64)
			if err != nil {
				t.Fatalf("%s: %s %q: %v", r.Key, name, rec[col[name]], err)
			}
			return v
		}
		for _, rec := range recs[1:] {
			q := num(rec, "qty")
			cash -= q*num(rec, "price") + num(rec, "commission") + num(rec, "fee")
			qty[rec[col["symbol"]]] += q
		}
		eq := cash
		for sym, q := range qty {
			s := o.Panel.Series[o.Panel.Index(sym)]
			eq += q * s.Close[s.Len()-1]
		}
		last := res.Curve.Len() - 1
		if d := res.Curve.Cash[last] - cash; d*d > 1e-18*cash*cash {
			t.Errorf("%s: curve cash %g, fills log %g", r.Key, res.Curve.Cash[last], cash)
		}
		if d := res.Curve.Equity[last] - eq; d*d > 1e-18*eq*eq {
			t.Errorf("%s: curve equity %g, fills log %g", r.Key, res.Curve.Equity[last], eq)
		}
		if res.Curve.Cash[last] < -1e-9 {
			t.Errorf("%s: cash %g went below zero (every strategy here is unlevered)", r.Key, res.Curve.Cash[last])
		}
	}
}

// A rerun into the same folder replaces it whole: nothing of an earlier
// run with other outputs stays behind.
func TestRerunLeavesNoStaleFiles(t *testing.T) {
	out := t.TempDir()
	// First with scenarios and Monte Carlo, then without.
	f, err := Load("testdata/stress.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), f, Options{Out: out, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	f, err = Load("testdata/stress.toml")
	if err != nil {
		t.Fatal(err)
	}
	f.Scenarios, f.MonteCarlo = nil, nil
	o, err := Run(context.Background(), f, Options{Out: out, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := files(t, o.Dir)
	for name := range got {
		if strings.HasPrefix(name, "stress") || strings.HasPrefix(name, "montecarlo") || strings.Contains(name, "@") || strings.Contains(name, "~") {
			t.Errorf("%s survived a rerun without scenarios", name)
		}
	}
	// The folder and its lock file, which stays (see lock.go).
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"." + results.Slug(f.Name) + ".lock", results.Slug(f.Name)}; !slices.Equal(names, want) {
		t.Errorf("output folder holds %q, want %q", names, want)
	}
}
