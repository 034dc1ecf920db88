package experiment

import (
	"context"
	"testing"
)

// Monte Carlo paths carry warm-up history: an SMA(20/100) cross can trade
// in a path's first days (its averages come from the bars before it);
// without warm-up it cannot trade before its 100th bar.
func TestMonteCarloWarmup(t *testing.T) {
	text := `name = "mc"
start = "2019-06-01"
end = "2021-06-01"
[data]
synthetic = true
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "BTC"
fast = 20
slow = 100
[montecarlo]
paths = 40
days = 120
`
	positioned := func(warmup int) int {
		f, err := Parse("mc.toml", text)
		if err != nil {
			t.Fatal(err)
		}
		f.MonteCarlo.WarmupDays = &warmup
		if err := f.MonteCarlo.validate(); err != nil {
			t.Fatal(err)
		}
		o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		mc := o.MonteCarlo[0]
		n := 0
		for _, c := range mc.Curves {
			if len(c) != 120 {
				t.Fatalf("a path curve has %d points, want 120", len(c))
			}
			if c[5] != c[0] {
				n++
			}
		}
		return n
	}
	if n := positioned(0); n != 0 {
		t.Errorf("without warm-up %d of 40 paths moved in their first days", n)
	}
	if n := positioned(365); n < 10 {
		t.Errorf("with warm-up only %d of 40 paths traded in their first days", n)
	}
}
