package results_test

import (
	"fmt"
	"os"
	"time"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
)

func ExampleWriteCurveCSV() {
	d := func(day int) int64 { return time.Date(2024, time.January, day, 0, 0, 0, 0, time.UTC).UnixNano() }
	equity := []float64{100, 110, 99}
	c := &engine.Curve{
		Time:     []int64{d(1), d(2), d(3)},
		Equity:   equity,
		Cash:     []float64{100, 0, 0},
		Gross:    []float64{0, 110, 99},
		Net:      []float64{0, 110, 99},
		Drawdown: []float64{0, 0, equity[2]/equity[1] - 1}, // shortest form that reads back exactly
	}
	if err := results.WriteCurveCSV(os.Stdout, c); err != nil {
		fmt.Println(err)
	}
	// Output:
	// time,equity,cash,gross,net,drawdown
	// 2024-01-01,100,100,0,0,0
	// 2024-01-02,110,0,110,110,0
	// 2024-01-03,99,0,99,99,-0.09999999999999998
}

func ExampleWriteFillsCSV() {
	fills := []engine.Fill{
		{Time: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC).UnixNano(), Symbol: "NVDA", Qty: 10, Price: 495.5, Commission: 1, Kind: engine.Market, Tag: "tranche 1"},
		{Time: time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC).UnixNano(), Symbol: "TAO-USD", Qty: -2.5, Price: 300, Kind: engine.MarketOnClose, Tag: "hedge, short"},
	}
	if err := results.WriteFillsCSV(os.Stdout, fills); err != nil {
		fmt.Println(err)
	}
	// Output:
	// time,symbol,side,qty,price,notional,commission,kind,tag,slippage,fee
	// 2024-01-02,NVDA,buy,10,495.5,4955,1,market,tranche 1,0,0
	// 2024-01-03,TAO-USD,sell,-2.5,300,-750,0,market-on-close,"hedge, short",0,0
}

func ExampleWriteManifest() {
	m := &results.Manifest{
		Experiment:       "examples/ai-bubble.toml",
		ExperimentSHA256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		Inputs: []results.Input{{
			Symbol: "NVDA", Source: "synthetic", SHA256: results.Synthetic,
			Rows: 504, First: "2023-01-02", Last: "2024-12-31",
		}},
		Seed:           42,
		ProgramVersion: "v0.1.0",
		Synthetic:      true,
		Runs:           []string{"sma-cross/base/0"},
	}
	if err := results.WriteManifest(os.Stdout, m); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {
	//   "experiment": "examples/ai-bubble.toml",
	//   "experiment_sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	//   "inputs": [
	//     {
	//       "symbol": "NVDA",
	//       "source": "synthetic",
	//       "sha256": "synthetic",
	//       "rows": 504,
	//       "first": "2023-01-02",
	//       "last": "2024-12-31"
	//     }
	//   ],
	//   "seed": 42,
	//   "program_version": "v0.1.0",
	//   "synthetic": true,
	//   "runs": [
	//     "sma-cross/base/0"
	//   ]
	// }
}

func ExampleFormatTime() {
	fmt.Println(results.FormatTime(time.Date(2024, 3, 9, 0, 0, 0, 0, time.UTC).UnixNano()))
	fmt.Println(results.FormatTime(time.Date(2024, 3, 9, 14, 30, 0, 0, time.UTC).UnixNano()))
	// Output:
	// 2024-03-09
	// 2024-03-09T14:30:00Z
}
