package scenarios_test

import (
	"fmt"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/scenarios"
)

// flatPanel is one crypto instrument at 100 for n days from 2025-01-06.
func flatPanel(sym string, n int) *data.Panel {
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: data.Crypto, Source: "example"}}
	for k := 0; k < n; k++ {
		s.Time = append(s.Time, data.Day(2025, 1, 6+k))
		s.Open = append(s.Open, 100)
		s.High = append(s.High, 101)
		s.Low = append(s.Low, 99)
		s.Close = append(s.Close, 100)
		s.Volume = append(s.Volume, 1000)
	}
	s.AdjClose = s.Close
	return &data.Panel{Series: []data.Series{s}, Description: "example"}
}

func ExampleParse() {
	s, err := scenarios.Parse("tao-crash.toml", `
name = "tao-crash"
source = "seeds/003: TAO -23% in a day"

[[shock]]
type = "jump"
groups = ["ai_tokens"]
date = 2025-01-08
move = -0.23

[[shock]]
type = "wick"
groups = ["ai_tokens"]
date = 2025-01-08
move = -0.10

[[shock]]
type = "liquidity"
groups = ["ai_tokens"]
date = 2025-01-08
days = 2
spread_mult = 3
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := flatPanel("TAO", 4)
	view, env, err := s.Apply(p, scenarios.DefaultGroups(), scenarios.ApplyOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	tao := view.Series[0]
	for k := range tao.Time {
		fmt.Printf("%s close %.2f low %.4f spread x%g\n", data.FormatDay(tao.Time[k]), tao.Close[k], tao.Low[k], env.At(0, tao.Time[k]).SpreadMult)
	}
	fmt.Println("original close:", p.Series[0].Close[3])
	// Output:
	// 2025-01-06 close 100.00 low 99.0000 spread x1
	// 2025-01-07 close 100.00 low 99.0000 spread x1
	// 2025-01-08 close 77.00 low 68.6070 spread x3
	// 2025-01-09 close 77.00 low 76.2300 spread x3
	// original close: 100
}

func ExampleParse_error() {
	_, err := scenarios.Parse("bad.toml", `
name = "bad"
[[shock]]
type = "jump"
groups = ["ai_tokens"]
day = 0
move = -1.2
`)
	fmt.Println(err)
	// Output:
	// bad.toml: shock[0].move = -1.2: a move below -100%
}

func ExampleMonteCarlo() {
	src := flatPanel("BTC", 30)
	// a wiggle so that the returns are not all zero
	for k := range src.Series[0].Close {
		c := 100 + float64(k%5)
		src.Series[0].Open[k], src.Series[0].High[k], src.Series[0].Low[k], src.Series[0].Close[k] = c, c+1, c-1, c
	}
	mc, err := scenarios.NewMonteCarlo(src, scenarios.MonteCarloConfig{Paths: 200, Length: 60, MeanBlock: 5, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	curves := make([][]float64, 200)
	for i := range curves { // paths are independent: any order, any number of goroutines
		p, err := mc.Path(i)
		if err != nil {
			fmt.Println(err)
			return
		}
		curves[p.Index] = p.Panel.Series[0].Close // results stored by path index
	}
	d, _ := scenarios.Summarize(curves)
	fmt.Printf("paths %d, VaR95 %.4f <= CVaR95 %.4f: %v\n", d.Paths, d.VaR95, d.CVaR95, d.VaR95 <= d.CVaR95)
	// Output:
	// paths 200, VaR95 0.0103 <= CVaR95 0.0564: true
}

// A scenario built in Go, from the same shock types a scenario file
// declares (a program adds it to an experiment through
// experiment.File.Inline). The panel passed in is never written: Apply
// returns a view.
//
// By hand, on a flat TAO at 100: the jump of −20 % as a gap on
// 2025-01-08 opens that day at 100 × 0.8 = 80, and every later bar keeps
// its return, so the closes from then on are 80. Validate names a Go
// field by its file key, as a scenario file's error does.
func ExampleScenario_Apply() {
	s := &scenarios.Scenario{
		Name:   "tao-gap",
		Source: "a program's own",
		Shocks: []scenarios.Shock{
			&scenarios.Jump{
				Target:   scenarios.Target{Symbols: []string{"TAO"}},
				When:     scenarios.When{Date: data.Day(2025, 1, 8)},
				JumpPath: scenarios.JumpPath{Gap: true},
				Move:     -0.2,
			},
		},
	}
	if err := s.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	p := flatPanel("TAO", 4)
	view, _, err := s.Apply(p, nil, scenarios.ApplyOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	v := view.Series[0]
	for k := range v.Time {
		fmt.Printf("%s open %g close %g (was %g)\n", data.FormatDay(v.Time[k]), v.Open[k], v.Close[k], p.Series[0].Close[k])
	}

	s.Shocks[0].(*scenarios.Jump).Move = -1.5
	fmt.Println(s.Validate())
	// Output:
	// 2025-01-06 open 100 close 100 (was 100)
	// 2025-01-07 open 100 close 100 (was 100)
	// 2025-01-08 open 80 close 80 (was 100)
	// 2025-01-09 open 80 close 80 (was 100)
	// shock[0].move = -1.5: a move below -100%
}
