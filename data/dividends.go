package data

import (
	"fmt"
	"math"
)

// CashDividend is a cash dividend read from a series: Amount per share,
// in the series' price unit, whose ex-date is the bar at Time.
type CashDividend struct {
	Time   int64
	Amount float64
}

// Thresholds of InferDividends, as fractions of the close before the
// ex-date (the dividend's yield).
const (
	// DividendMinYield: a step of the adjustment factor smaller than this
	// is the vendor's rounding, not a dividend. On the shared yfinance
	// files (QQQ, SOXX, SMH, 9984.T, RIOT) the rounding moves the factor
	// by at most 7e-7 from a bar to the next, and the smallest real
	// dividend is 2.8e-4 of the close (SOXX's 0.0517 of 2021-12-30): 1e-5
	// sits 14× above the one and 28× below the other.
	DividendMinYield = 1e-5
	// DividendMaxYield: a step of this size or more (a dividend of 15 %
	// of the price) is taken for a split of a close that is not
	// split-adjusted beside an adj_close that is (a 2-for-1 split steps
	// the factor by 50 %, a 5-for-4 by 20 %) and refused; a [[splits]]
	// entry on its date divides the split out first.
	DividendMaxYield = 0.15
)

// InferDividends reads the cash dividends of s from its adjustment
// factor f = AdjClose/Close: an ex-date e (the bar at which f changes)
// has f[e−1]/f[e] = 1 − D/Close[e−1], so D = Close[e−1] × (1 −
// f[e−1]/f[e]). A split given in splits (Time → ratio, new shares per
// old; for a close that is not split-adjusted) steps the factor by its
// ratio on its bar, which is divided out, and a dividend on that bar is
// per share after the split, as the engine pays it. Steps under DividendMinYield of
// the close are dropped (rounding); a backward step beyond it, or one of
// DividendMaxYield or more, is a *RowError naming the file, the row and
// the factors. A series without adj_close (NoAdjClose), or whose adj_close is
// its close, has none. The amounts carry the vendor's rounding of
// adj_close: 9984.T's ¥10.00 come out 9.9998 to 10.0005.
func (s *Series) InferDividends(splits map[int64]float64) ([]CashDividend, error) {
	if s.NoAdjClose {
		return nil, nil
	}
	n := min(len(s.Close), len(s.AdjClose))
	var out []CashDividend
	for k := 1; k < n; k++ {
		c0, c1 := s.Close[k-1], s.Close[k]
		if !(c0 > 0) || !(c1 > 0) || s.AdjClose[k-1] == c0 && s.AdjClose[k] == c1 {
			continue
		}
		f0, f1 := s.AdjClose[k-1]/c0, s.AdjClose[k]/c1
		r, split := splits[s.Time[k]]
		if split {
			f0 *= r
		}
		y := 1 - f0/f1
		if math.IsNaN(y) || math.IsInf(y, 0) {
			continue
		}
		if math.Abs(y) < DividendMinYield {
			continue
		}
		if y < 0 || y >= DividendMaxYield {
			what := "a dividend does not lower the factor's past"
			if y > 0 {
				what = fmt.Sprintf("a dividend of %.3g %% of the close: a split of a close that is not split-adjusted? give it in [[splits]], or the dividend in [[dividends]]", 100*y)
			}
			row := k + 1
			if s.Rows != nil && k < len(s.Rows) {
				row = s.Rows[k]
			}
			return nil, &RowError{File: s.Source, Row: row, Msg: fmt.Sprintf("%s adj_close/close goes from %.6g to %.6g, read as a dividend: %s",
				FormatStamp(s.Time[k]), s.AdjClose[k-1]/c0, s.AdjClose[k]/c1, what)}
		}
		// c0 × y is per share of c0, an old share on a split's bar: the
		// engine pays per share after the split (engine.Dividend).
		d := c0 * y
		if split {
			d /= r
		}
		out = append(out, CashDividend{Time: s.Time[k], Amount: d})
	}
	return out, nil
}
