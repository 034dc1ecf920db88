//go:build duckdb_arrow

package experiment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The bars' source rows (data.Series.Rows, 8 bytes a bar) serve the
// readers' and validation's messages, which name a file's row: the
// market kept for the runs (its panel, its history and the benchmarks')
// holds none. A bad row still gets its line in the message, made while
// the rows were there.
func TestMarketHoldsNoSourceRows(t *testing.T) {
	dir := t.TempDir()
	for k, sym := range []string{"AAA", "BBB", "QQQ"} {
		if err := writeBars(filepath.Join(dir, sym+".csv"), 400, uint64(k+1)); err != nil {
			t.Fatal(err)
		}
	}
	exp := func(start string) string {
		path := filepath.Join(dir, "x.toml")
		text := fmt.Sprintf(`name = "rows"
start = %q
benchmarks = ["QQQ"]
[data]
dir = %q
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "AAA"
fast = 5
slow = 20
`, start, dir)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	f, err := Load(exp("1700-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Out: t.TempDir()}.withDefaults()
	specs, err := f.Runs(opt.Strategies)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.prepare(context.Background(), specs, opt)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, series int, rows []int) {
		if rows != nil {
			t.Errorf("%s series %d holds %d source rows", what, series, len(rows))
		}
	}
	for i := range m.Panel.Series {
		check("panel", i, m.Panel.Series[i].Rows)
	}
	for i := range m.History.Series {
		check("history", i, m.History.Series[i].Rows)
	}
	if m.Bench == nil || len(m.Bench.Series) != 1 {
		t.Fatalf("benchmarks: %v", m.Bench)
	}
	check("benchmarks", 0, m.Bench.Series[0].Rows)

	// A bad row is named by its line all the same.
	b, err := os.ReadFile(filepath.Join(dir, "BBB.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "AAA.csv"), append(b, "2042-01-01,1,1,1,-5,100\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = f.prepare(context.Background(), specs, opt)
	if want := "AAA.csv:402:"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want one naming line 402", err)
	}
}
