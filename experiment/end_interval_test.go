package experiment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// TestBarsAfterEndChangeNothing: the truncation test on a file whose
// spacing changes after end (hourly bars, then 5-minute ones). Its
// interval was measured on the whole file, 5 minutes, which set how long
// its hourly bars lasted before end: a hedge against an instrument
// stamped at :30 traded on closes not yet known, and the runs differed
// from those on the file cut at end. Fills and curves must be the same
// bytes with the rows after end in the file or not.
func TestBarsAfterEndChangeNothing(t *testing.T) {
	h := int64(data.Hour)
	t0 := data.Day(2025, 1, 6)
	end := data.Day(2025, 1, 16)
	write := func(dir, sym string, times []int64) {
		var b strings.Builder
		b.WriteString("date,open,high,low,close,volume\n")
		for k, t := range times {
			c := 100 + 10*float64(k%7) - float64(k%3)
			fmt.Fprintf(&b, "%s,%g,%g,%g,%g,1000\n", time.Unix(0, t).UTC().Format(time.RFC3339), c, c+2, c-2, c+1)
		}
		if err := os.WriteFile(filepath.Join(dir, sym+".csv"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// AAA on the hour, BBB at :30, both every 5 minutes from end on.
	var a, b []int64
	for x := t0; x < end; x += h {
		a, b = append(a, x), append(b, x+h/2)
	}
	for x := end; x < end+3*24*h; x += h / 12 {
		a, b = append(a, x), append(b, x)
	}
	cut := func(ts []int64) []int64 {
		k := 0
		for k < len(ts) && ts[k] < end {
			k++
		}
		return ts[:k]
	}
	run := func(name string, a, b []int64) string {
		dir := filepath.Join(t.TempDir(), name)
		os.MkdirAll(filepath.Join(dir, "data"), 0o755)
		write(filepath.Join(dir, "data"), "AAA", a)
		write(filepath.Join(dir, "data"), "BBB", b)
		path := filepath.Join(dir, "x.toml")
		os.WriteFile(path, []byte(`name = "x"
end = "2025-01-16"
[data]
dir = "data"
[data.classes]
AAA = "crypto"
BBB = "crypto"
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["AAA"]
short = ["BBB"]
rebalance_bars = 6
`), 0o644)
		f, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 1, CSV: "always"})
		if err != nil {
			t.Fatal(err)
		}
		defer o.Release()
		var out strings.Builder
		for _, file := range []string{"fills.csv", "equity.csv"} {
			x, err := os.ReadFile(filepath.Join(o.Dir, "runs", "hedge", file))
			if err != nil {
				t.Fatal(err)
			}
			out.Write(x)
		}
		return out.String()
	}
	full, trunc := run("full", a, b), run("cut", cut(a), cut(b))
	if full != trunc {
		fl, tl := strings.Split(full, "\n"), strings.Split(trunc, "\n")
		for i := range min(len(fl), len(tl)) {
			if fl[i] != tl[i] {
				t.Fatalf("the rows after end change the run: line %d\n with them:    %s\n without them: %s", i+1, fl[i], tl[i])
			}
		}
		t.Fatalf("the rows after end change the run: %d lines against %d", len(fl), len(tl))
	}
	if !strings.Contains(full, "AAA") {
		t.Fatal("the hedge never traded: the test compares nothing")
	}
}
