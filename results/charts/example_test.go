package charts_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
)

func ExampleEquityDrawdown() {
	days := func(n int) []int64 {
		t := make([]int64, n)
		for k := range t {
			t[k] = time.Date(2024, 1, 1+k, 0, 0, 0, 0, time.UTC).UnixNano()
		}
		return t
	}
	curves := []charts.Series{
		{Name: "buy-and-hold", Time: days(5), Values: []float64{100, 104, 97, 99, 108}},
		{Name: "pair-hedge", Time: days(5), Values: []float64{50, 50.5, 50.2, 51, 51.4}},
	}
	opt := charts.Options{
		Title:     "Buy and hold vs pair hedge",
		Caption:   "synthetic market, seed 1",
		Synthetic: true,
		// One palette for the whole experiment keeps colours stable across charts.
		Palette: charts.NewPalette([]string{"pair-hedge", "buy-and-hold", "sma-cross"}),
	}
	dir, err := os.MkdirTemp("", "charts-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	for _, f := range []charts.Format{charts.PNG, charts.SVG} {
		path := filepath.Join(dir, "equity."+string(f))
		err := results.WriteFileAtomic(path, func(w io.Writer) error {
			return charts.EquityDrawdown(w, f, opt, curves)
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("wrote", filepath.Base(path))
	}
	// Output:
	// wrote equity.png
	// wrote equity.svg
}

func ExamplePalette() {
	p := charts.NewPalette([]string{"sma-cross", "buy-and-hold", "pair-hedge"})
	for _, name := range []string{"buy-and-hold", "pair-hedge", "sma-cross", "unknown"} {
		fmt.Println(name, p.Index(name), p.Color(name))
	}
	// Output:
	// buy-and-hold 0 {31 119 180 255}
	// pair-hedge 1 {255 127 14 255}
	// sma-cross 2 {44 160 44 255}
	// unknown -1 {0}
}
