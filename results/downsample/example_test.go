package downsample_test

import (
	"fmt"

	"github.com/divergence-research/divergence/results/downsample"
)

// ExampleMinMax reduces twelve points to two buckets, x in [0, 5.5) and
// [5.5, 11]: each keeps its first, highest, lowest and last point, in
// order.
func ExampleMinMax() {
	x := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	y := []float64{5, 9, 1, 4, 4, 6, 4, 8, 3, 6, 5, 5}
	xs, ys := downsample.MinMax(x, y, 2)
	fmt.Println(xs)
	fmt.Println(ys)
	// Output:
	// [0 1 2 5 6 7 8 11]
	// [5 9 1 6 4 8 3 5]
}

// ExampleReducer reduces a computed series without storing it: the
// drawdown of a price path, into 3 buckets over [0, 9).
func ExampleReducer() {
	prices := []float64{10, 12, 11, 8, 9, 13, 12, 12.5, 7}
	r := downsample.NewReducer(0, 9, 3)
	peak := prices[0]
	for i, p := range prices {
		peak = max(peak, p)
		r.Add(float64(i), p/peak-1)
	}
	x, y := r.Result()
	for k := range x {
		fmt.Printf("%g %.3f\n", x[k], y[k])
	}
	// Output:
	// 0 0.000
	// 2 -0.083
	// 3 -0.333
	// 5 0.000
	// 6 -0.077
	// 7 -0.038
	// 8 -0.462
}
