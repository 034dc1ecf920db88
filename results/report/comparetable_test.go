package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results"
)

// holdFolder runs a buy-and-hold of BTC on the synthetic market, named
// name, and replaces its run's equity with values, one a day from
// first: a folder whose curve is known by hand. metrics.json keeps the
// run's own figures, which the comparison of an aligned window does not
// read.
func holdFolder(t *testing.T, name string, first int64, values []float64) string {
	t.Helper()
	return holdFolderEvery(t, name, first, data.NanosPerDay, values)
}

// holdFolderEvery is holdFolder with the values step apart.
func holdFolderEvery(t *testing.T, name string, first, step int64, values []float64) string {
	t.Helper()
	text := "name = \"" + name + "\"\ncash = 100_000.0\nstart = \"2024-01-01\"\nend = \"2024-03-31\"\n[data]\nsynthetic = true\n" +
		"[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"BTC\"]\n"
	o := runText(t, text, experiment.Options{Workers: 1, CSV: "never"})
	c := &engine.Curve{}
	for k, v := range values {
		c.Time = append(c.Time, first+int64(k)*step)
		c.Equity, c.Cash, c.Gross, c.Net, c.Drawdown = append(c.Equity, v), append(c.Cash, v), append(c.Gross, 0), append(c.Net, 0), append(c.Drawdown, 0)
	}
	eq := filepath.Join(o.Dir, "runs", "hold", "equity.parquet")
	if err := results.WriteFileAtomic(eq, func(w io.Writer) error { return results.WriteCurveParquet(w, c) }); err != nil {
		t.Fatal(err)
	}
	// metrics.json ends where the curve now does (report.Load refuses a
	// curve cut short of it): its periods, the returns from the cash of
	// 100,000 (one fewer when the first point is that cash), and its
	// final equity.
	mj := filepath.Join(o.Dir, "runs", "hold", "metrics.json")
	b, err := os.ReadFile(mj)
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // the seed, a uint64, kept whole
	if err := dec.Decode(&rec); err != nil {
		t.Fatal(err)
	}
	periods := len(values)
	if values[0] == 100_000 {
		periods--
	}
	m := rec["metrics"].(map[string]any)
	m["periods"], m["final_equity"] = periods, values[len(values)-1]
	if b, err = json.Marshal(rec); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mj, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return o.Dir
}

// TestCompareTable: the table of a comparison measures each run drawn
// over the dates drawn, by hand. A's equity runs 2024-01-01 to 01-06,
// B's 01-03 to 01-08: aligned, both are measured from 01-03 to 01-06.
//
//	A on 01-03..06: 99, 108.9, 130.68, 120  returns 0.1, 0.2, 120/130.68 − 1 = −0.08172635445
//	  total 120/99 − 1 = 0.21212121; max drawdown 120/130.68 − 1 = −0.08172635
//	  mean 0.07275788185, sample sd √(((0.02724212)² + (0.12724212)² + (−0.15448424)²)/2)
//	  = √(0.04079806/2) = 0.14282519; Sharpe 0.50941912·19.10497317 = 9.73244
//	B on 01-03..06: 100,000, 110,000, 121,000, 108,900  returns 0.1, 0.1, −0.1
//	  (its first point is its initial cash, as a run's is)
//	  total 108,900/100,000 − 1 = 0.089; max drawdown 108,900/121,000 − 1 = −0.1
//	  mean 0.1/3, sd √((2·(0.2/3)² + (0.4/3)²)/2) = √(0.02666667/2) = 0.11547005;
//	  Sharpe 0.03333333/0.11547005·√365 = 5.51513; volatility 0.11547005·√365 = 2.20605
//
// By Sharpe, A comes first; by volatility (lowest first), B. Over each
// run's own period (--align none), the rows are the runs' metrics.json.
func TestCompareTable(t *testing.T) {
	d1 := data.Day(2024, 1, 1)
	a := holdFolder(t, "a", d1, []float64{100, 110, 99, 108.9, 130.68, 120})
	b := holdFolder(t, "b", d1+2*data.NanosPerDay, []float64{100_000, 110_000, 121_000, 108_900, 119_790, 140_000})
	out := filepath.Join(t.TempDir(), "c.csv")
	cmp, err := CompareWith(context.Background(), []string{a, b}, CompareOptions{Top: -1, Outs: []string{out}})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		folder                 string
		total, dd, sharpe, vol float64
		final                  float64
	}{
		{a, 0.21212121212, -0.08172635445, 9.73244, 0.14282519 * math.Sqrt(365), 120},
		{b, 0.089, -0.1, 5.51513, 2.20605, 108_900},
	}
	if len(cmp.Rows) != 2 {
		t.Fatalf("%d rows, want 2", len(cmp.Rows))
	}
	near := func(what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s = %.10g, want %.10g", what, got, want)
		}
	}
	for i, w := range want {
		r := cmp.Rows[i]
		if r.Folder != w.folder || r.Key != "hold" {
			t.Fatalf("row %d is %s of %s, want hold of %s", i, r.Key, r.Folder, w.folder)
		}
		if r.Start != d1+2*data.NanosPerDay || r.End != d1+5*data.NanosPerDay {
			t.Errorf("row %d measured %s to %s, want 2024-01-03 to 2024-01-06", i, data.FormatStamp(r.Start), data.FormatStamp(r.End))
		}
		m := r.Metrics
		near(w.folder+" total return", m.TotalReturn, w.total, 1e-9)
		near(w.folder+" max drawdown", m.MaxDrawdown, w.dd, 1e-9)
		near(w.folder+" Sharpe", m.Sharpe, w.sharpe, 1e-4)
		near(w.folder+" volatility", m.AnnualVolatility, w.vol, 1e-4)
		near(w.folder+" CAGR", m.CAGR, math.Pow(1+w.total, 365.0/3)-1, 1e-9*math.Pow(1+w.total, 365.0/3))
		near(w.folder+" final equity", m.FinalEquity, w.final, 1e-9)
		if m.Periods != 3 {
			t.Errorf("%s: %d periods, want 3", w.folder, m.Periods)
		}
	}
	if cmp.Over != "the dates they all share (2024-01-03 to 2024-01-06)" {
		t.Errorf("over %q", cmp.Over)
	}

	// The CSV holds the same rows, in the same order.
	fh, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	if len(recs) != 3 {
		t.Fatalf("%d CSV lines, want a header and 2 rows", len(recs))
	}
	for i, w := range want {
		row := recs[i+1]
		if row[col["folder"]] != w.folder || row[col["start"]] != "2024-01-03" || row[col["end"]] != "2024-01-06" || row[col["ruined"]] != "false" {
			t.Errorf("CSV row %d: %v", i+1, row)
		}
		v, err := strconv.ParseFloat(row[col["total_return"]], 64)
		if err != nil || math.Abs(v-w.total) > 1e-9 {
			t.Errorf("CSV row %d total_return %q, want %g", i+1, row[col["total_return"]], w.total)
		}
	}

	// By volatility, lowest first: B, then A.
	cmp, err = CompareWith(context.Background(), []string{a, b}, CompareOptions{Top: -1, By: "annual_volatility", Outs: []string{out}})
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Rows[0].Folder != b || cmp.Rows[1].Folder != a {
		t.Errorf("by volatility: %s then %s, want b then a", cmp.Rows[0].Folder, cmp.Rows[1].Folder)
	}

	// Each over its own period: the runs' metrics.json, their own dates.
	cmp, err = CompareWith(context.Background(), []string{a, b}, CompareOptions{Top: -1, Align: AlignNone, Outs: []string{out}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range cmp.Rows {
		recs, err := results.ReadRuns(r.Folder, []string{"hold"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Metrics.Sharpe != recs[0].Metrics.Sharpe || r.Metrics.TotalReturn != recs[0].Metrics.TotalReturn {
			t.Errorf("%s unaligned: Sharpe %g, total %g; metrics.json says %g, %g", r.Folder, r.Metrics.Sharpe, r.Metrics.TotalReturn, recs[0].Metrics.Sharpe, recs[0].Metrics.TotalReturn)
		}
	}
	if first := cmp.Rows[0]; first.Folder == a && first.Start != d1 || first.Folder == b && first.End != d1+7*data.NanosPerDay {
		t.Errorf("unaligned %s measured %s to %s, want its own dates", first.Folder, data.FormatStamp(first.Start), data.FormatStamp(first.End))
	}
	if cmp.Over != "each run's own period (its metrics.json)" {
		t.Errorf("over %q", cmp.Over)
	}
}

// An intraday run's start and end are both instants in the comparison's
// table, its start at 00:00 UTC too (it read 2024-01-01 beside an end of
// 2024-01-01T05:00:00Z): hourly points from 2024-01-01T00:00Z, 6 of them,
// the last at 05:00Z. A daily run's are dates (TestCompareTable); beside
// an intraday one, instants, one format a column.
func TestCompareTableIntraday(t *testing.T) {
	d1, h := data.Day(2024, 1, 1), int64(time.Hour)
	hourly := holdFolderEvery(t, "hourly", d1, h, []float64{100_000, 101_000, 99_000, 100_500, 102_000, 101_500})
	daily := holdFolder(t, "daily", d1, []float64{100_000, 101_000, 99_000})
	// Both, each over its own period (they share no dates), are drawn at
	// their bars' ends (barEnds): the hourly points an hour later, 01:00Z
	// to 06:00Z, the daily ones a day later, 2024-01-02 to 2024-01-04.
	for _, c := range []struct {
		name       string
		dirs       []string
		start, end map[string]string // by folder
	}{
		{"hourly", []string{hourly}, map[string]string{hourly: "2024-01-01T00:00:00Z"}, map[string]string{hourly: "2024-01-01T05:00:00Z"}},
		{"daily", []string{daily}, map[string]string{daily: "2024-01-01"}, map[string]string{daily: "2024-01-03"}},
		{"both", []string{hourly, daily},
			map[string]string{hourly: "2024-01-01T01:00:00Z", daily: "2024-01-02T00:00:00Z"},
			map[string]string{hourly: "2024-01-01T06:00:00Z", daily: "2024-01-04T00:00:00Z"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "c.csv")
			if _, err := CompareWith(context.Background(), c.dirs, CompareOptions{Top: -1, Align: AlignNone, Outs: []string{out}}); err != nil {
				t.Fatal(err)
			}
			fh, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			recs, err := csv.NewReader(fh).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != len(c.start)+1 || recs[0][3] != "start" || recs[0][4] != "end" {
				t.Fatalf("CSV %v", recs)
			}
			for _, r := range recs[1:] {
				if dir := r[1]; r[3] != c.start[dir] || r[4] != c.end[dir] {
					t.Errorf("%s: start, end %v, want %s, %s", dir, r[3:5], c.start[dir], c.end[dir])
				}
			}
		})
	}
}

// A window that starts with a run is measured from the run's initial
// cash, as its metrics.json is: C's first point, 99,000, is below its
// 100,000 of cash (a fill at the first close paid its costs). From
// 2024-01-03, which C starts on and A (from 01-01) shares:
//
//	C: 100,000 → 99,000, 108,900, 119,790, 107,811  returns −0.01, 0.1, 0.1, −0.1
//	  4 periods; total 107,811/100,000 − 1 = 0.07811 (from its first point
//	  it would be 107,811/99,000 − 1 = 0.089, over 3)
//	A: from its value on 01-03, 99: total 120/99 − 1 = 0.21212121, 3 periods
func TestCompareWindowFromInitialCash(t *testing.T) {
	d1 := data.Day(2024, 1, 1)
	a := holdFolder(t, "a", d1, []float64{100, 110, 99, 108.9, 130.68, 120})
	c := holdFolder(t, "c", d1+2*data.NanosPerDay, []float64{99_000, 108_900, 119_790, 107_811})
	cmp, err := CompareWith(context.Background(), []string{a, c}, CompareOptions{Top: -1, Outs: []string{filepath.Join(t.TempDir(), "c.csv")}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		total   float64
		periods int
	}{a: {0.21212121212, 3}, c: {0.07811, 4}}
	for _, r := range cmp.Rows {
		w := want[r.Folder]
		if math.Abs(r.Metrics.TotalReturn-w.total) > 1e-9 || r.Metrics.Periods != w.periods {
			t.Errorf("%s: total %.10g over %d periods, want %.10g over %d", r.Folder, r.Metrics.TotalReturn, r.Metrics.Periods, w.total, w.periods)
		}
	}
}

// The "over the dates they all share" line writes instants when a run
// is intraday, as the table's start and end do (CompareStamp), though the
// common span lies at 00:00 UTC: hourly A from 2023-12-31T22:00Z (27
// bars, the last 22:00 + 26 h = 2024-01-02T00:00Z) and hourly B from
// 2024-01-01T00:00Z (30 bars, to 2024-01-02T05:00Z) share 2024-01-01T00:00Z
// (B's first) to 2024-01-02T00:00Z (A's last). It read as two dates.
func TestCompareOverIntraday(t *testing.T) {
	h := int64(time.Hour)
	d1 := data.Day(2024, 1, 1)
	values := func(n int) []float64 {
		v := make([]float64, n)
		for k := range v {
			v[k] = 100_000 + float64(k%3)*1_000
		}
		return v
	}
	a := holdFolderEvery(t, "a", d1-2*h, h, values(27))
	b := holdFolderEvery(t, "b", d1, h, values(30))
	both := filepath.Join(t.TempDir(), "both.svg")
	cmp, err := CompareWith(context.Background(), []string{a, b}, CompareOptions{Top: -1, Outs: []string{filepath.Join(t.TempDir(), "c.csv"), both}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "the dates they all share (2024-01-01T00:00:00Z to 2024-01-02T00:00:00Z)"; cmp.Over != want {
		t.Errorf("over %q, want %q", cmp.Over, want)
	}
	// The caption's note of the rebasing names the common start the same
	// way (it read "rebased to 1 at 2024-01-01", a day, for hourly runs).
	drawn, err := os.ReadFile(both)
	if err != nil {
		t.Fatal(err)
	}
	if want := "rebased to 1 at 2024-01-01T00:00:00Z"; !strings.Contains(svgText(drawn), want) {
		t.Errorf("the chart does not say %q:\n%s", want, svgText(drawn))
	}
	// The best one of the two (--top 1) is chosen over the same span, and
	// the chart's caption says so in the same instants.
	svg := filepath.Join(t.TempDir(), "c.svg")
	if _, err := CompareWith(context.Background(), []string{a, b}, CompareOptions{Top: 1, Outs: []string{svg}}); err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	if want := "the dates all 2 share (2024-01-01T00:00:00Z to 2024-01-02T00:00:00Z)"; !strings.Contains(string(text), want) {
		t.Errorf("the chart does not say %q:\n%s", want, text)
	}
}
