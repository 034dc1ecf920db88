package engine

import (
	"fmt"
	"math"
)

// Tiered is a commission by bands of a fill's notional, as brokers'
// tiered schedules and income-tax brackets work: each tier's rate applies
// to the part of the notional from its From up to the next tier's From
// (the last tier's rate to all of the notional above it), plus Fixed per
// order:
//
//	f(notional) = Fixed + Σ_k Bps_k × (min(notional, From_{k+1}) − From_k)⁺
//
// Without tiers it is a fixed fee per order (a flat ticket charge). An
// order filled in parts (the participation cap splits it across bars)
// pays together what it would whole, as Commission does: part k pays
// f(N_k) − f(N_{k−1}), N_k the notional of its first k parts together,
// so Fixed is paid once, by the first part, and the bands are those of
// the order's notional. Fee, called alone, prices a fill as a whole
// order. A fill of no quantity pays nothing. Tiered is a built-in
// FeeModel, registered as "tiered" in Models; in an experiment file:
//
//	[costs.equity.fee]
//	model = "tiered"
//	fixed = 1.0
//	tiers = [{from = 0, bps = 10}, {from = 10000, bps = 5}]
//
// Its keys are its fields' names (fixed, tiers, from, bps).
type Tiered struct {
	Fixed float64 // money per order
	Tiers []Tier  // by From, ascending; the first starts at 0
}

// Tier is one band of a Tiered commission.
type Tier struct {
	From float64     // notional (money) where the band starts
	Bps  BasisPoints // on the notional within the band
}

// Fee implements FeeModel: the fill as a whole order.
func (m Tiered) Fee(t Trade) float64 { return m.part(t.Qty, t.Price, 0) }

// part is what a part of qty at price pays of an order whose earlier
// parts traded notional (Σ |qty × price|, 0: none).
func (m *Tiered) part(qty, price, notional float64) float64 {
	n := math.Abs(qty * price)
	if n == 0 {
		return 0
	}
	if notional == 0 {
		return m.order(n)
	}
	return math.Max(0, m.order(notional+n)-m.order(notional))
}

// order is the fee of an order of notional n > 0.
func (m *Tiered) order(n float64) float64 {
	fee := m.Fixed
	for k, tier := range m.Tiers {
		if n <= tier.From {
			break
		}
		hi := n
		if k+1 < len(m.Tiers) {
			hi = math.Min(hi, m.Tiers[k+1].From)
		}
		fee += tier.Bps.Fraction() * (hi - tier.From)
	}
	return fee
}

// Validate checks the schedule: a finite fixed fee ≥ 0, tiers from 0 in
// ascending order, rates finite and ≥ 0. Errors name the keys.
func (m Tiered) Validate() error {
	if !(m.Fixed >= 0) || math.IsInf(m.Fixed, 0) {
		return fmt.Errorf("fixed = %g: want a finite fee >= 0", m.Fixed)
	}
	for k, tier := range m.Tiers {
		switch {
		case k == 0 && tier.From != 0:
			return fmt.Errorf("tiers[0].from = %g: the first tier starts at 0", tier.From)
		case k > 0 && !(tier.From > m.Tiers[k-1].From) || math.IsInf(tier.From, 0):
			return fmt.Errorf("tiers[%d].from = %g: want a finite amount above tiers[%d].from = %g", k, tier.From, k-1, m.Tiers[k-1].From)
		case !(tier.Bps >= 0) || math.IsInf(float64(tier.Bps), 0):
			return fmt.Errorf("tiers[%d].bps = %g: want a finite rate >= 0", k, float64(tier.Bps))
		}
	}
	return nil
}
