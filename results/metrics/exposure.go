package metrics

// ExposureTime is the fraction of the points at which the portfolio held
// a position: the share of gross[i] > 0 among the non-NaN points (NaN for
// none). gross is the gross exposure series of an equity curve.
func ExposureTime(gross []float64) float64 {
	n, in := 0, 0
	for _, g := range gross {
		if g != g {
			continue
		}
		n++
		if g > 0 {
			in++
		}
	}
	if n == 0 {
		return nan()
	}
	return float64(in) / float64(n)
}

// Turnover is the annual turnover: the money traded (Σ |quantity × price|
// over the fills) divided by the mean equity and by the years the curve
// spans, len(equity) / ppy (each point a bar of one period). A buy of
// the whole book and its sale a year later is a turnover of about 2 (2 ×
// 365/366 on daily points: the year's first point and the 365 after it).
// NaN for an empty curve or a non-positive mean equity.
func Turnover(traded float64, equity []float64, ppy float64) float64 {
	checkPPY(ppy)
	n, sum := 0, 0.0
	for _, e := range equity {
		if e == e {
			n++
			sum += e
		}
	}
	if n == 0 || !(sum > 0) {
		return nan()
	}
	return traded / (sum / float64(n)) / (float64(n) / ppy)
}
