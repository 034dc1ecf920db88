package duckdb_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/duckdb"
)

// exampleDir writes a Yahoo Finance export and a file in the project's own
// layout into a temporary directory.
func exampleDir() (string, func()) {
	dir, err := os.MkdirTemp("", "duckdb-example")
	if err != nil {
		panic(err)
	}
	files := map[string]string{
		"NVDA.csv": "Date,Open,High,Low,Close,Adj Close,Volume\n" +
			"2024-01-02,49.24,49.30,47.60,48.17,48.15,411254000\n" +
			"2024-01-03,47.49,48.18,47.32,47.57,47.55,320896000\n",
		"TAO-USD.csv": "date,open,high,low,close,adj_close,volume\n" +
			"2024-01-02,270.1,290.5,265.0,283.2,283.2,1520.5\n" +
			"2024-01-03,283.2,284.0,240.7,251.3,251.3,2210.25\n" +
			"2024-01-04,251.3,262.9,249.9,260.0,260.0,1873.0\n",
		"bad.csv": "date,open,high,low,close,adj_close,volume\n" +
			"2024-01-02,1,1,1,abc,1,1\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			panic(err)
		}
	}
	return dir, func() { os.RemoveAll(dir) }
}

func ExampleReadFile() {
	dir, cleanup := exampleDir()
	defer cleanup()
	ctx := context.Background()

	s, err := duckdb.ReadFile(ctx, filepath.Join(dir, "TAO-USD.csv"), duckdb.ReadOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Symbol, s.Class, s.Len(), "bars")
	for k := range s.Time {
		fmt.Println(data.FormatDay(s.Time[k]), s.Close[k], "line", s.Rows[k])
	}

	_, err = duckdb.ReadFile(ctx, filepath.Join(dir, "bad.csv"), duckdb.ReadOptions{})
	fmt.Println(filepath.Base(err.Error()))
	// Output:
	// TAO crypto 3 bars
	// 2024-01-02 283.2 line 2
	// 2024-01-03 251.3 line 3
	// 2024-01-04 260 line 4
	// bad.csv:2: close "abc" is not a number
}

func ExampleCatalog() {
	dir, cleanup := exampleDir()
	defer cleanup()
	ctx := context.Background()

	cat, err := duckdb.OpenCatalog(filepath.Join(dir, "catalog.duckdb"))
	if err != nil {
		panic(err)
	}
	defer cat.Close()
	_, err = cat.Import(ctx, []string{filepath.Join(dir, "NVDA.csv"), filepath.Join(dir, "TAO-USD.csv")}, duckdb.ImportOptions{})
	if err != nil {
		panic(err)
	}
	// A failed import writes nothing.
	_, err = cat.Import(ctx, []string{filepath.Join(dir, "bad.csv")}, duckdb.ImportOptions{})
	fmt.Println("import failed:", err != nil)

	entries, err := cat.List(ctx)
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		fmt.Println(e.Symbol, e.Class, data.FormatDay(e.First), data.FormatDay(e.Last), e.Rows, filepath.Base(e.Source))
	}
	p, err := cat.Load(ctx, []string{"TAO", "NVDA"})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Symbols(), p.Series[1].AdjClose)
	// Output:
	// import failed: true
	// NVDA equity 2024-01-02 2024-01-03 2 NVDA.csv
	// TAO crypto 2024-01-02 2024-01-04 3 TAO-USD.csv
	// [TAO NVDA] [48.15 47.55]
}
