package report

import (
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results"
)

// TestCompareFailsWritingNothing: a comparison whose last output cannot
// be written (its folder does not exist) fails, and writes none of the
// outputs before it either (c.png was written, then the table failed:
// half the outputs of a comparison that said it failed).
func TestCompareFailsWritingNothing(t *testing.T) {
	d1 := data.Day(2024, 1, 1)
	a := holdFolder(t, "a", d1, []float64{100, 110, 99, 108.9})
	dir := t.TempDir()
	for _, outs := range [][]string{
		{filepath.Join(dir, "c.png"), filepath.Join(dir, "c.svg"), filepath.Join(dir, "nosuch", "c.csv")},
		{filepath.Join(dir, "c.csv"), filepath.Join(dir, "c.svg", "c.png")},
	} {
		t.Run(filepath.Base(outs[len(outs)-1]), func(t *testing.T) {
			if _, err := CompareWith(context.Background(), []string{a}, CompareOptions{Outs: outs}); err == nil || !strings.Contains(err.Error(), outs[len(outs)-1]) {
				t.Fatalf("err = %v, want one naming %s", err, outs[len(outs)-1])
			}
			left, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range left {
				t.Errorf("%s written by a comparison that failed", e.Name())
			}
		})
	}
}

// TestCompareTiesWhateverTheOrder: runs of equal metrics are ranked by
// their labels, not by the order of their folders on the command line:
// the table's rows, and which of them --top keeps, are the same for
// "compare A B" and "compare B A". Folders x and y hold the same curve
// (every metric ties); by label "x: hold" < "y: hold", so x's run heads
// the table and is the one run kept by Top 1.
func TestCompareTiesWhateverTheOrder(t *testing.T) {
	d1 := data.Day(2024, 1, 1)
	values := []float64{100_000, 110_000, 99_000, 108_900}
	x := holdFolder(t, "x", d1, values)
	y := holdFolder(t, "y", d1, values)
	for _, tc := range []struct {
		name string
		dirs []string
	}{{"x first", []string{x, y}}, {"y first", []string{y, x}}} {
		t.Run(tc.name, func(t *testing.T) {
			for _, by := range []string{"sharpe", "annual_volatility", "max_drawdown"} {
				c, err := CompareWith(context.Background(), tc.dirs, CompareOptions{Top: -1, By: by, Outs: []string{filepath.Join(t.TempDir(), "c.csv")}})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range c.Rows {
					got = append(got, r.Name)
				}
				if want := []string{"x: hold", "y: hold"}; !slices.Equal(got, want) {
					t.Errorf("by %s: rows %v, want %v", by, got, want)
				}
				c, err = CompareWith(context.Background(), tc.dirs, CompareOptions{Top: 1, By: by, Outs: []string{filepath.Join(t.TempDir(), "c.csv")}})
				if err != nil {
					t.Fatal(err)
				}
				if len(c.Rows) != 1 || c.Rows[0].Folder != x {
					var kept []string
					for _, r := range c.Rows {
						kept = append(kept, r.Name)
					}
					t.Errorf("by %s, top 1: kept %v, want x's run", by, kept)
				}
			}
		})
	}
}

// TestCompareCurveCutShort: an equity file cut at a row's end (a copy
// interrupted, a CSV trimmed by hand) still reads, and was drawn and
// measured as if the run had ended there: aligned, every run of the
// comparison was cut to it without a word; over each run's own period,
// its row said it ended there and gave the whole run's metrics.json.
// The curve must end where the run's metrics.json measured it: the
// number of returns (Periods) and the final equity. The run here is
// the synthetic BTC held 2024-01-01 to 03-31; its curve is cut to its
// first 40 points.
func TestCompareCurveCutShort(t *testing.T) {
	text := "name = \"cut\"\ncash = 100_000.0\nstart = \"2024-01-01\"\nend = \"2024-03-31\"\n[data]\nsynthetic = true\n" +
		"[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"BTC\"]\n"
	for _, format := range []string{"equity.parquet", "equity.csv"} {
		t.Run(format, func(t *testing.T) {
			dir := runText(t, text, experiment.Options{Workers: 1, CSV: "always"}).Dir
			run := filepath.Join(dir, "runs", "hold")
			tab, err := results.ReadTableParquet(filepath.Join(run, "equity.parquet"), "time", "equity")
			if err != nil {
				t.Fatal(err)
			}
			c := &engine.Curve{}
			for k := range 40 {
				v := tab.Columns[1].Floats[k]
				c.Time = append(c.Time, tab.Columns[0].Times[k])
				c.Equity, c.Cash, c.Gross, c.Net, c.Drawdown = append(c.Equity, v), append(c.Cash, v), append(c.Gross, 0), append(c.Net, 0), append(c.Drawdown, 0)
			}
			if len(tab.Columns[0].Times) <= 40 {
				t.Fatalf("the run has %d points: nothing cut", len(tab.Columns[0].Times))
			}
			if format == "equity.csv" {
				// Without the Parquet file, the CSV is the one read.
				if err := os.Remove(filepath.Join(run, "equity.parquet")); err != nil {
					t.Fatal(err)
				}
			}
			err = results.WriteFileAtomic(filepath.Join(run, format), func(w io.Writer) error {
				if format == "equity.csv" {
					return results.WriteCurveCSV(w, c)
				}
				return results.WriteCurveParquet(w, c)
			})
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "c.csv")
			for _, align := range []Align{AlignCommon, AlignNone} {
				_, err := CompareWith(context.Background(), []string{dir}, CompareOptions{Align: align, Outs: []string{out}})
				if err == nil || !strings.Contains(err.Error(), filepath.Join(run, format)) || !strings.Contains(err.Error(), "metrics.json") {
					t.Errorf("align %d: err = %v, want one naming %s and its metrics.json", align, err, filepath.Join(run, format))
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("the table was written")
			}
		})
	}
}

// TestWindowMetricsRuinedDrawdown: a ruined window keeps its drawdown
// when it is worse than −100 % (equity below 0), as the run's own
// metrics.json does, instead of −100 % flat: a run alone over its whole
// period read −356.87 % in its run table and −100 % in its comparison.
// From 100 to 200 then −100: the drop from the peak of 200 is
// (−100 − 200) / 200 = −1.5. A window that only touches 0 is −1.
func TestWindowMetricsRuinedDrawdown(t *testing.T) {
	for _, c := range []struct {
		name string
		eq   []float64
		want float64
	}{
		{"below 0", []float64{100, 200, -100}, -1.5},
		{"at 0", []float64{100, 200, 0}, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := windowMetrics(c.eq, 365, 0)
			if math.Abs(m.MaxDrawdown-c.want) > 1e-12 || !m.Ruined() {
				t.Errorf("max drawdown %v (ruined %v), want %v", m.MaxDrawdown, m.Ruined(), c.want)
			}
		})
	}
}
