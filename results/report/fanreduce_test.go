package report

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// TestFanKeepsEveryBandsExtremes: a fan of more than 4 × chartBuckets
// dates is reduced so that every band keeps its lowest and highest point,
// not the median's only (the other bands were taken at the median's kept
// dates: a 6,000-day Monte Carlo's 5 % band bottomed at 0.00283 on the
// page, 0.00277 in montecarlo_bands.csv); a fan of fewer dates is kept
// whole; every point drawn is a point of the bands.
func TestFanKeepsEveryBandsExtremes(t *testing.T) {
	for _, n := range []int{4 * chartBuckets, 10_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var b Band
			for i := range n {
				b.Time = append(b.Time, int64(i)*86400e9)
			}
			// Each band a straight line q+1 + i/n, but for the 5 %
			// band's dip to 0.001 at date 4321 % n and the 95 % band's
			// spike to 99 at date 7777 % n: dates where the other bands
			// have no extreme of their column (a line's kept points are
			// its column's first, last, lowest and highest).
			dip, spike := 4321%n, 7777%n
			for q := range b.Q {
				for i := range n {
					b.Q[q] = append(b.Q[q], float64(q+1)+float64(i)/float64(n))
				}
			}
			b.Q[0][dip], b.Q[4][spike] = 0.001, 99
			ts, qs := fanLines(b)
			if n <= 4*chartBuckets && len(ts) != n {
				t.Errorf("%d dates kept of %d, want them all", len(ts), n)
			}
			if n > 4*chartBuckets && len(ts) > n/2 {
				t.Errorf("%d dates kept of %d: not reduced", len(ts), n)
			}
			for q, v := range qs {
				if len(v) != len(ts) {
					t.Fatalf("band %d: %d values, %d dates", q, len(v), len(ts))
				}
				for i, x := range v {
					k, ok := slices.BinarySearch(b.Time, ts[i])
					if !ok || b.Q[q][k] != x {
						t.Fatalf("band %d, point %d: %v at %d is no point of the band", q, i, x, ts[i])
					}
				}
			}
			if got := slices.Min(qs[0]); got != 0.001 {
				t.Errorf("5%% band's lowest point %v, want the dip 0.001", got)
			}
			if got := slices.Max(qs[4]); got != 99 {
				t.Errorf("95%% band's highest point %v, want the spike 99", got)
			}
			// Every band's last point is its last date's: q+1 + (n-1)/n.
			for q, v := range qs {
				if want := float64(q+1) + float64(n-1)/float64(n); math.Abs(v[len(v)-1]-want) > 1e-15 {
					t.Errorf("band %d ends at %v, want %v", q, v[len(v)-1], want)
				}
			}
		})
	}
}

// TestLegsKeepBothExtremes: a pair hedge's legs of more than 4 ×
// chartBuckets bars are drawn at the dates either leg's growth keeps, so
// the short leg keeps its extremes too (it was taken at the long leg's
// kept dates only).
func TestLegsKeepBothExtremes(t *testing.T) {
	const n = 10_000
	l := LegSeries{}
	for i := range n {
		l.Time = append(l.Time, int64(i)*60e9)
		l.LongReturn = append(l.LongReturn, 1e-5) // growth rises steadily: each column keeps its first and last
		l.ShortReturn = append(l.ShortReturn, 0)
		l.BetaShortOnLong = append(l.BetaShortOnLong, math.NaN())
		l.Correl = append(l.Correl, math.NaN())
	}
	// The short leg halves at bar 4321 and doubles back at the next: its
	// growth is 1 but for 0.5 at bar 4321 (by hand: 1 × (1 − 0.5) = 0.5,
	// then 0.5 × (1 + 1) = 1).
	l.ShortReturn[4321], l.ShortReturn[4322] = -0.5, 1
	d := legData(&l)
	if len(d.T) >= n/2 {
		t.Errorf("%d bars kept of %d: not reduced", len(d.T), n)
	}
	if len(d.Long) != len(d.T) || len(d.ShortG) != len(d.T) {
		t.Fatalf("%d dates, %d long, %d short", len(d.T), len(d.Long), len(d.ShortG))
	}
	if got := slices.Min(d.ShortG); got != 0.5 {
		t.Errorf("short leg's lowest growth %v, want 0.5", got)
	}
	// The long leg ends at (1 + 1e-5)^(n) (growth from the first bar's
	// return on), kept as its last point.
	if got, want := d.Long[len(d.Long)-1], math.Pow(1+1e-5, n); math.Abs(got-want) > 1e-9 {
		t.Errorf("long leg ends at %v, want %v", got, want)
	}
}
