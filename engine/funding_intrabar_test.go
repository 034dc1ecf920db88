package engine

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A daily bar's funding events settle on the position held after the
// bar's open (docs/execution.md, "Perpetual funding"): a position that an
// intrabar fill (a liquidation, a stop, a limit) opens or closes later in
// the bar does not change what that day's events are owed on. Funding is
// 0.0001 per 8 h, three events a day (00:00, 08:00, 16:00), each paid at
// the bar's close.
func TestFundingOnThePositionAfterTheOpen(t *testing.T) {
	fund := Funding{Rate: 0.0001, Interval: DefaultFundingInterval}
	funding := func(res *Result) map[string]float64 {
		m := map[string]float64{}
		for _, e := range res.Ledger {
			if e.Kind == CostFunding {
				m[data.FormatDay(e.Time)] += e.Amount
			}
		}
		return m
	}

	t.Run("liquidated intrabar", func(t *testing.T) {
		// TestLeveragedLongLiquidated's account: 500 BTC bought at the
		// close of 2024-08-04 (100) on 10,000; liquidated on 2024-08-05 at
		// 84.21 after an open at 100. The long held at that open owes the
		// day's three events at its close, 84:
		// 500 × 3 × 0.0001 × 84 = 12.60. Nothing on 2024-08-06 (flat).
		p := panel(series(t, "BTC", data.Crypto, []row{
			{"2024-08-04", 100, 100, 100, 100, 1e6},
			{"2024-08-05", 100, 100, 82, 84, 1e6},
			{"2024-08-06", 84, 90, 80, 88, 1e6},
		}))
		cfg := Config{Cash: 10000, Crypto: Terms{Funding: fund, Margin: Margin{Initial: 0.2, Maintenance: 0.05, LiquidationFee: 0.01}}}
		res := one(t, p, cfg, at(0, Order{Instrument: 0, Kind: MarketOnClose, Amount: 500}))
		if res.Liquidations != 1 {
			t.Fatalf("liquidations %d, fills %+v", res.Liquidations, res.Fills)
		}
		got := funding(res)
		if len(got) != 1 || !near(got["2024-08-05"], 12.6, 1e-12) {
			t.Fatalf("funding %v, want 12.60 on 2024-08-05 alone", got)
		}
	})

	t.Run("stopped out and bought on a limit", func(t *testing.T) {
		// A long of 10 bought at the close of day 0 (100), with a sell
		// stop at 95 that day 1 (open 100, low 90) reaches: the long held
		// at day 1's open owes day 1's events, 10 × 3 × 0.0001 × 98 =
		// 0.294. A buy limit of 10 at 85, submitted on day 0 too, fills on
		// day 2 (open 90, low 84): flat at day 2's open, so nothing on day
		// 2; day 3 (close 91) holds it from the open: 10 × 3 × 0.0001 ×
		// 91 = 0.273.
		p := panel(series(t, "BTC", data.Crypto, []row{
			{"2024-08-04", 100, 100, 100, 100, 1e6},
			{"2024-08-05", 100, 101, 90, 98, 1e6},
			{"2024-08-06", 90, 95, 84, 93, 1e6},
			{"2024-08-07", 93, 94, 89, 91, 1e6},
		}))
		cfg := Config{Crypto: Terms{Funding: fund}}
		res := one(t, p, cfg, at(0,
			Order{Instrument: 0, Kind: MarketOnClose, Amount: 10},
			Order{Instrument: 0, Kind: Stop, Amount: -10, StopPrice: 95},
			Order{Instrument: 0, Kind: Limit, Amount: 10, Price: 85},
		))
		if len(res.Fills) != 3 {
			t.Fatalf("fills %+v", res.Fills)
		}
		got := funding(res)
		if len(got) != 2 || !near(got["2024-08-05"], 0.294, 1e-12) || !near(got["2024-08-07"], 0.273, 1e-12) {
			t.Fatalf("funding %v, want 0.294 on 2024-08-05 and 0.273 on 2024-08-07", got)
		}
	})
}
