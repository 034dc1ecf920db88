package experiment

import (
	"math"
	"slices"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results/downsample"
)

// priceLines reduces each instrument's closes as downsample.MinMax does
// on the times as float64 (the second method here), and keeps a series of
// at most priceBuckets bars whole.
func TestPriceLinesAsMinMax(t *testing.T) {
	long := data.Series{Instrument: data.Instrument{Symbol: "BTC"}}
	short := data.Series{Instrument: data.Instrument{Symbol: "NVDA"}}
	t0 := data.Day(2024, 1, 1)
	for k := range 5000 {
		long.Time = append(long.Time, t0+int64(k)*60e9)
		long.Close = append(long.Close, 100+10*math.Sin(float64(k)/37)+float64(k%7))
	}
	for k := range 300 {
		short.Time = append(short.Time, t0+int64(k)*3600e9)
		short.Close = append(short.Close, 50+float64(k%11))
	}
	lines := priceLines(&data.Panel{Series: []data.Series{long, short}})
	if len(lines) != 2 || lines[0].Name != "BTC" || lines[1].Name != "NVDA" {
		t.Fatalf("lines %d", len(lines))
	}
	x := make([]float64, long.Len())
	for k, v := range long.Time {
		x[k] = float64(v)
	}
	xs, ys := downsample.MinMax(x, long.Close, priceBuckets)
	if len(xs) >= long.Len() || len(xs) < priceBuckets {
		t.Fatalf("MinMax kept %d of %d points", len(xs), long.Len())
	}
	want := make([]int64, len(xs))
	for k, v := range xs {
		want[k] = int64(v)
	}
	if !slices.Equal(lines[0].Time, want) || !slices.Equal(lines[0].Values, ys) {
		t.Errorf("BTC: %d points, want MinMax's %d", len(lines[0].Time), len(want))
	}
	if !slices.Equal(lines[1].Time, short.Time) || !slices.Equal(lines[1].Values, short.Close) {
		t.Errorf("NVDA (300 bars): not kept whole")
	}
}
