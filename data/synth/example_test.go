package synth_test

import (
	"fmt"

	"github.com/divergence-research/divergence/data/synth"
)

func Example() {
	p, err := synth.Generate(synth.DefaultConfig(42))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("synthetic:", p.Synthetic)
	for _, s := range p.Series {
		fmt.Printf("%-6s %-6v %4d bars\n", s.Symbol, s.Class, s.Len())
	}
	// Output:
	// synthetic: true
	// MSFT   equity 1760 bars
	// NVDA   equity 1760 bars
	// META   equity 1760 bars
	// AMD    equity 1760 bars
	// ORCL   equity 1760 bars
	// QQQ    equity 1760 bars
	// BTC    crypto 2557 bars
	// ETH    crypto 2557 bars
	// TAO    crypto 2557 bars
	// RENDER crypto 2557 bars
	// FET    crypto 2557 bars
	// NEAR   crypto 2557 bars
}
