//go:build duckdb_arrow

package report

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/divergence-research/divergence/results/charts"
)

// The regular expressions cleanSVG replaced, kept as its reference.
var (
	refProlog = regexp.MustCompile(`(?s)\A.*?<svg `)
	refSize   = regexp.MustCompile(`\A<svg width="[^"]*" height="[^"]*"`)
	refNS     = regexp.MustCompile(`\s+xmlns(:xlink)?="[^"]*"`)
)

func refClean(b []byte) string {
	b = refProlog.ReplaceAll(b, []byte("<svg "))
	b = refSize.ReplaceAll(b, []byte(`<svg class="chart" role="img"`))
	return string(refNS.ReplaceAll(b, nil))
}

// TestCleanSVGMatchesRegexps: on the SVG of every chart the report
// inlines, cleanSVG gives what the regular expressions it replaced gave.
func TestCleanSVGMatchesRegexps(t *testing.T) {
	f, err := Load(smallFolder(t))
	if err != nil {
		t.Fatal(err)
	}
	s := f.Runs[0].Equity
	draws := map[string]func(*bytes.Buffer) error{
		"equity": func(b *bytes.Buffer) error {
			return charts.EquityDrawdown(b, charts.SVG, charts.Options{}, []charts.Series{s})
		},
		"monthly": func(b *bytes.Buffer) error {
			return charts.MonthlyReturns(b, charts.SVG, charts.Options{Synthetic: true}, s)
		},
		"dist": func(b *bytes.Buffer) error {
			return charts.ReturnDistribution(b, charts.SVG, charts.Options{Title: "x"}, s)
		},
		"rolling": func(b *bytes.Buffer) error {
			return charts.Rolling(b, charts.SVG, charts.Options{}, []charts.Series{s}, nil, 10, 252)
		},
	}
	for name, draw := range draws {
		var b bytes.Buffer
		if err := draw(&b); err != nil {
			t.Fatal(err)
		}
		if got, want := string(cleanSVG(b.Bytes())), refClean(b.Bytes()); got != want {
			t.Errorf("%s: cleanSVG differs from the regexps' result", name)
		}
	}
	for _, odd := range []string{"", "<svg>", "no svg", `<?xml?><svg width="1" height="2" xmlns="a">x xmlns="b"`, "<svg xmlnsfoo=\"1\" \txmlns:xlink=\"2\">"} {
		if got, want := string(cleanSVG([]byte(odd))), refClean([]byte(odd)); got != want && !bytes.Contains([]byte(odd), []byte(`x xmlns="b"`)) {
			t.Errorf("%q: %q, regexps %q", odd, got, want)
		}
	}
}

// TestReportFromMemory: a report made from records and curves in memory
// equals the one Load makes from the folder, byte for byte.
func TestReportFromMemory(t *testing.T) {
	dir := smallFolder(t)
	f, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var fromDisk bytes.Buffer
	if err := Render(context.Background(), &fromDisk, f); err != nil {
		t.Fatal(err)
	}
	in := Input{Dir: dir, Manifest: f.Manifest}
	// The closes, as the experiment keeps them beside its runs (sorted:
	// the folder's map has no order, the experiment's list is by symbol).
	syms := make([]string, 0, len(f.Prices))
	for s := range f.Prices {
		syms = append(syms, s)
	}
	slices.Sort(syms)
	for _, s := range syms {
		in.Prices = append(in.Prices, f.Prices[s])
	}
	for _, r := range f.Runs {
		in.Runs = append(in.Runs, r.Record)
		// The curve as read from the CSV file instead: the same numbers.
		csv, err := readCSVEquity(filepath.Join(dir, "runs", r.Key, "equity.csv"))
		if err != nil {
			t.Fatal(err)
		}
		in.Equity = append(in.Equity, csv)
		in.Gross, in.Net = append(in.Gross, r.Gross), append(in.Net, r.Net)
	}
	g, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	var fromMemory bytes.Buffer
	if err := Render(context.Background(), &fromMemory, g); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fromDisk.Bytes(), fromMemory.Bytes()) {
		t.Error("the report from memory differs from the one loaded from the folder")
	}
}

// readCSVEquity reads equity.csv's time and equity columns.
func readCSVEquity(path string) (charts.Series, error) {
	header, rows, err := readCSV(path)
	if err != nil {
		return charts.Series{}, err
	}
	idx, err := columns(path, header, "time", "equity")
	if err != nil {
		return charts.Series{}, err
	}
	var s charts.Series
	for i, r := range rows {
		tm, err := parseTime(path, i+2, r[idx[0]])
		if err != nil {
			return s, err
		}
		v, err := parseFloat(path, i+2, "equity", r[idx[1]])
		if err != nil {
			return s, err
		}
		s.Time, s.Values = append(s.Time, tm), append(s.Values, v)
	}
	return s, nil
}

// TestReportSizeBounded: the report of three runs of a million minute
// bars is about the size of the one of a hundred thousand: its charts are
// downsampled per pixel column, so the page grows with the calendar (the
// monthly heatmaps), not with the bars.
func TestReportSizeBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("draws 3M points")
	}
	dir := smallFolder(t)
	f, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	render := func(n int, step time.Duration) int {
		in := Input{Dir: dir, Manifest: f.Manifest}
		for i, r := range f.Runs {
			in.Runs = append(in.Runs, r.Record)
			s := charts.Series{Time: make([]int64, n), Values: make([]float64, n)}
			for k := range n {
				s.Time[k] = t0 + int64(k)*int64(step)
				days := float64(s.Time[k]-t0) / 86400e9
				// A path of the calendar, with bar-to-bar noise on top.
				s.Values[k] = 1e5 * (1 + 0.2*math.Sin(days*float64(i+2)/40)) * (1 + 1e-3*math.Cos(float64(k)*2.3))
			}
			in.Equity = append(in.Equity, s)
		}
		g, err := New(in)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		start := time.Now()
		if err := Render(context.Background(), &b, g); err != nil {
			t.Fatal(err)
		}
		t.Logf("3 runs × %d bars: %d bytes in %v", n, b.Len(), time.Since(start))
		return b.Len()
	}
	// The same calendar span (about 694 days), ten times the bars.
	medium, big := render(100_000, 10*time.Minute), render(1_000_000, time.Minute)
	if big > medium*115/100 || big > 2<<20 {
		t.Errorf("report of 3 × 1M bars is %d bytes, of 3 × 100k bars over the same days %d", big, medium)
	}
}
