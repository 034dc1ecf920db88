package engine

import "math"

// Portfolio holds cash and positions. Quantities are signed (a short is
// negative) and fractional. Sums over instruments always run in instrument
// index order, so results do not depend on map order or worker count.
type Portfolio struct {
	Cash     float64
	Qty      []float64 // signed quantity per instrument
	AvgCost  []float64 // average entry price of the open position (0 when flat)
	Realized []float64 // realized PnL per instrument, before commissions
	// Commission is the total commission paid.
	Commission float64
	// Charges is the total of the other costs taken from cash: borrow
	// fees, funding, interest and dividends (income counts negative) and
	// liquidation fees. Equity = initial cash + Σ realized + unrealized − Commission −
	// Charges (slippage is in the fill prices, hence in the PnL).
	Charges float64
	// CostBasis of the open positions is Σ Qty × AvgCost.
}

// NewPortfolio returns a portfolio of n instruments holding cash only.
func NewPortfolio(n int, cash float64) Portfolio {
	return Portfolio{
		Cash:     cash,
		Qty:      make([]float64, n),
		AvgCost:  make([]float64, n),
		Realized: make([]float64, n),
	}
}

// apply books a fill of qty (signed) at price with a commission: cash moves
// by −qty×price − commission (a short sale credits cash), and the average
// cost and realized PnL follow the position:
//   - adding to a position (or opening one) averages the entry price;
//   - reducing realizes (price − avg) × closed quantity × side;
//   - crossing through zero realizes the closed part and opens the rest at
//     the fill price.
//
// It returns the quantity booked: qty, or −(the position) when qty
// closes all of it but for float dust (within 1e-12 of it, either side).
// Cash moves by the booked quantity, so that dust is sold at the price,
// not dropped: a sale of 1e12 − 0.5 units of a 1e12 position used to
// leave it flat with the 0.5 units' value gone from equity.
func (p *Portfolio) apply(i int, qty, price, commission float64) float64 {
	q0 := p.Qty[i]
	q1 := q0 + qty
	if q0 != 0 && (q0 > 0) != (qty > 0) && math.Abs(q1) < 1e-12*math.Abs(q0) {
		// A sale of the whole position that float error put a hair
		// short of or past it (a lot-rounded 14.4 against a held
		// 14.399999999999999): flat, not a short of 1e-15.
		qty, q1 = -q0, 0
	}
	p.Cash -= qty*price + commission
	p.Commission += commission
	switch {
	case q0 == 0 || (q0 > 0) == (qty > 0):
		// Opening or adding on the same side.
		p.AvgCost[i] = (q0*p.AvgCost[i] + qty*price) / q1
	case math.Abs(qty) <= math.Abs(q0):
		// Reducing (possibly to flat).
		p.Realized[i] += (price - p.AvgCost[i]) * (-qty)
		if q1 == 0 {
			p.AvgCost[i] = 0
		}
	default:
		// Crossing through zero: close q0, open the remainder at price.
		p.Realized[i] += (price - p.AvgCost[i]) * q0
		p.AvgCost[i] = price
	}
	p.Qty[i] = q1
	return qty
}

// charge takes amount (> 0 a cost, < 0 income) from cash.
func (p *Portfolio) charge(amount float64) {
	p.Cash -= amount
	p.Charges += amount
}

// Equity is cash + Σ quantity × price, summed in instrument order.
func (p *Portfolio) Equity(price []float64) float64 {
	e := p.Cash
	for i, q := range p.Qty {
		if q != 0 {
			e += q * price[i]
		}
	}
	return e
}

// Exposure returns gross (Σ |quantity × price|) and net (Σ quantity × price)
// exposure.
func (p *Portfolio) Exposure(price []float64) (gross, net float64) {
	for i, q := range p.Qty {
		if q != 0 {
			v := q * price[i]
			net += v
			gross += math.Abs(v)
		}
	}
	return gross, net
}

// Unrealized is Σ quantity × (price − average cost).
func (p *Portfolio) Unrealized(price []float64) float64 {
	u := 0.0
	for i, q := range p.Qty {
		if q != 0 {
			u += q * (price[i] - p.AvgCost[i])
		}
	}
	return u
}
