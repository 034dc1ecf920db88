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
// step is liquidated at its worst price, paying LiquidationFee × notional
// (and no commission or slippage).
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
