package main

import (
	"math"
	"testing"
)

// The table's numbers: two decimals, a dash for none, and no sign on a
// number that prints as zero (a Sharpe ratio of -0.0004 printed -0.00).
func TestTableNumbers(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{num(-0.0004), "0.00"},
		{num(-0.004999), "0.00"},
		{num(-0.005), "-0.01"},
		{num(0.17), "0.17"},
		{num(-1.5), "-1.50"},
		{num(math.NaN()), "—"},
		{pct(-0.00004), "0.00%"},
		{pct(-0.0001), "-0.01%"},
		{pct(-0.9984), "-99.84%"},
		{pct(math.Inf(1)), "—"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
