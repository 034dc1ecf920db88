package engine

import (
	"fmt"
	"math"
)

// Slippage moves a taker fill's price against the order, by the sum of:
//
//	Bps × price                          fixed
//	SpreadBps / 2 × price                paying half the quoted spread
//	RangeFrac × (high − low)             volatility-scaled, the fill bar's range
//	ImpactK × σ × sqrt(|qty| / volume) × price   square-root market impact
//
// where σ is the sample standard deviation of the instrument's daily simple returns
// over the ImpactWindow returns before the fill bar (ImpactWindow + 1
// closes; no look-ahead) and
// volume is the fill bar's volume. The executed price is clamped to the
// fill bar's [low, high]: slippage never produces a price the bar did not
// trade. Maker fills (a limit resting in the book) and liquidations have
// no slippage; a limit marketable on arrival pays it, up to its limit.
// The range, the volume and the clamp are the whole bar's, for a fill at
// its open too: a stated assumption of bar-level execution (docs/execution.md,
// "What a fill knows of its own bar").
//
// MaxParticipation, when > 0, caps what fills on one bar at that fraction
// of the bar's volume (summed over all orders of the instrument); the rest
// stays pending and is carried to the next bar. A NaN volume (unknown)
// disables the cap and the impact term for that bar.
//
// Slippage is the built-in SlippageModel (its first five fields); its
// MaxParticipation is the built-in VolumeModel ParticipationCap.
type Slippage struct {
	Bps              BasisPoints
	SpreadBps        BasisPoints
	RangeFrac        float64
	ImpactK          float64
	ImpactWindow     int // returns in σ's estimate (one more close); 0 = 20
	MaxParticipation float64
}

func (s *Slippage) set() bool {
	return s.Bps != 0 || s.SpreadBps != 0 || s.RangeFrac != 0 || s.ImpactK != 0
}

// Slip implements SlippageModel: fixed and range slippage in Fixed, half
// the spread in Spread, square-root impact (on m.Volume) in Impact.
func (s Slippage) Slip(t Trade, m MarketData) Slip { return s.slip(&t, &m) }

func (s *Slippage) slip(t *Trade, m *MarketData) Slip {
	p := Slip{
		Fixed:  t.Price*s.Bps.Fraction() + s.RangeFrac*(m.Bar.High-m.Bar.Low),
		Spread: t.Price * s.SpreadBps.Fraction() / 2,
	}
	if s.ImpactK > 0 && m.Volume > 0 {
		p.Impact = t.Price * s.ImpactK * m.Volatility(s.ImpactWindow) * math.Sqrt(math.Abs(t.Qty)/m.Volume)
	}
	return p
}

// RefusedFields lists the fields Validate refuses on a Slippage given as
// a SlippageModel (MaxParticipation: the cap is a VolumeModel), so that a
// configuration decoder lists only the fields the model takes. It is
// found by type assertion, as Validate is.
func (Slippage) RefusedFields() []string { return []string{"MaxParticipation"} }

// Validate reports, by its key in an experiment file's slippage table, a
// rate that is not finite and >= 0 (bps, spreadbps, rangefrac, impactk),
// an impact window of 1 or below 0, and a MaxParticipation: as a
// SlippageModel, Slippage moves prices only, and a cap given here would
// be ignored (the cap is a VolumeModel, ParticipationCap).
func (s Slippage) Validate() error {
	for _, f := range []struct {
		n string
		v float64
	}{{"bps", float64(s.Bps)}, {"spreadbps", float64(s.SpreadBps)}, {"rangefrac", s.RangeFrac}, {"impactk", s.ImpactK}} {
		if !(f.v >= 0) || math.IsInf(f.v, 0) {
			return fmt.Errorf("%s = %g: want a finite value >= 0", f.n, f.v)
		}
	}
	if s.ImpactWindow < 0 || s.ImpactWindow == 1 {
		return fmt.Errorf("impactwindow = %d: want 0 (the default, 20) or at least 2 returns", s.ImpactWindow)
	}
	if s.MaxParticipation != 0 {
		return fmt.Errorf("maxparticipation = %g: the slippage model moves prices only; a cap on the bar's volume is a volume model (model = \"participation\", max = %g)", s.MaxParticipation, s.MaxParticipation)
	}
	return nil
}

// sigma is the sample standard deviation of the daily simple returns
// (close / previous close − 1) over the last w closes of closes (w = 0:
// 20), 0 with fewer than two returns.
func sigma(closes []float64, w int) float64 {
	if w <= 0 {
		w = 20
	}
	r := len(closes)
	lo := r - w
	if lo < 1 {
		lo = 1
	}
	n := r - lo // returns cl[t]/cl[t−1] − 1 for t in [lo, r)
	if n < 2 {
		return 0
	}
	// One pass, shifted by the first return for accuracy: daily returns
	// are small and the window short.
	k := closes[lo]/closes[lo-1] - 1
	sum, ss := 0.0, 0.0
	for t := lo; t < r; t++ {
		d := closes[t]/closes[t-1] - 1 - k
		sum += d
		ss += d * d
	}
	fn := float64(n)
	return math.Sqrt(math.Max(0, (ss-sum*sum/fn)/(fn-1)))
}

// ParticipationCap is the built-in VolumeModel: the fills of one bar may
// take at most Max of its volume (Slippage.MaxParticipation). Max ≤ 0
// means no cap.
type ParticipationCap struct {
	Max float64 // fraction of the bar's volume, e.g. 0.1
}

// Participation implements VolumeModel.
func (p ParticipationCap) Participation(Trade, MarketData) float64 {
	if p.Max > 0 {
		return p.Max
	}
	return math.Inf(1)
}

// Validate reports a cap that is not a fraction in [0, 1] (as
// max_participation: a bar's fills cannot take more than its volume).
func (p ParticipationCap) Validate() error {
	if !(p.Max >= 0 && p.Max <= 1) {
		return fmt.Errorf("ParticipationCap.Max = %g: want a fraction in [0, 1]", p.Max)
	}
	return nil
}
