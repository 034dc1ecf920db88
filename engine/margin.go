package engine

import (
	"fmt"
	"math"
)

// Margin are an instrument's margin requirements, as fractions of the
// position's market value. Initial applies to every order that increases
// exposure: a fill is rejected (insufficient buying power) when
// Σ |value| × Initial over all positions after it would exceed equity.
// Maintenance applies at every step: when equity at the bar's worst prices
// (low for a long, high for a short) falls below Σ |value| × Maintenance,
// a margin call is raised and every margined position with a bar at that
// step is liquidated at its liquidation price (the open when the bar
// opened beyond it), paying LiquidationFee × notional (and no commission
// or slippage); see Terms.MarginMode and docs/execution.md, "Margin and
// liquidation".
// Equities on Reg T: 0.5 / 0.25; crypto at 5× maximum leverage: Initial
// 0.2, Maintenance e.g. 0.05. Zero Initial means no buying-power check.
// Margin is the built-in MarginModel.
type Margin struct {
	Initial        float64
	Maintenance    float64
	LiquidationFee float64
}

// Margin implements MarginModel: each fraction times |qty × price|.
func (m Margin) Margin(h Holding) Requirement {
	v := math.Abs(h.Qty * h.Price)
	return Requirement{Initial: v * m.Initial, Maintenance: v * m.Maintenance, LiquidationFee: v * m.LiquidationFee}
}

// Validate reports, by its key in an experiment file's margin table, a
// fraction outside [0, 1] (initial, maintenance, liquidationfee) and a
// maintenance above the initial margin: Config.Validate calls it for a
// Margin given as a MarginModel (a negative initial margin passed every
// buying-power check).
func (m Margin) Validate() error {
	for _, f := range []struct {
		n string
		v float64
	}{{"initial", m.Initial}, {"maintenance", m.Maintenance}, {"liquidationfee", m.LiquidationFee}} {
		if !(f.v >= 0 && f.v <= 1) {
			return fmt.Errorf("%s = %g: want a fraction in [0, 1]", f.n, f.v)
		}
	}
	if m.Initial > 0 && m.Maintenance > m.Initial {
		return fmt.Errorf("maintenance = %g is above initial = %g", m.Maintenance, m.Initial)
	}
	return nil
}

func (m *Margin) validate(where string) error {
	for _, f := range []struct {
		n string
		v float64
	}{{"Initial", m.Initial}, {"Maintenance", m.Maintenance}, {"LiquidationFee", m.LiquidationFee}} {
		if !(f.v >= 0 && f.v <= 1) {
			return fmt.Errorf("engine: %s.Margin.%s = %g: want a fraction in [0, 1]", where, f.n, f.v)
		}
	}
	if m.Initial > 0 && m.Maintenance > m.Initial {
		return fmt.Errorf("engine: %s.Margin.Maintenance = %g is above Initial = %g", where, m.Maintenance, m.Initial)
	}
	return nil
}

// MarginMode is what backs a margined position: the whole account (Cross)
// or the position's own margin (Isolated).
type MarginMode uint8

const (
	// Cross (default): the account's equity backs every position; the
	// maintenance check and the liquidation prices are the account's.
	Cross MarginMode = iota
	// Isolated: the position is backed by its own margin only, its
	// initial requirement at its average cost (Initial × |qty| × average
	// cost for the built-in Margin). It is liquidated when that margin
	// plus its unrealized PnL falls below its maintenance requirement, and
	// it can lose no more than its margin: a loss beyond it (a gap through
	// the bankruptcy price, or the liquidation fee) is the shortfall, given
	// back to the account as a ledger entry of kind CostShortfall.
	Isolated
)

// String is the mode's spelling: "cross" or "isolated".
func (m MarginMode) String() string {
	switch m {
	case Cross:
		return "cross"
	case Isolated:
		return "isolated"
	}
	return fmt.Sprintf("MarginMode(%d)", uint8(m))
}

// MarshalText writes the spelling.
func (m MarginMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads "cross" or "isolated".
func (m *MarginMode) UnmarshalText(b []byte) error {
	switch string(b) {
	case "cross":
		*m = Cross
	case "isolated":
		*m = Isolated
	default:
		return fmt.Errorf("want \"cross\" or \"isolated\"")
	}
	return nil
}
