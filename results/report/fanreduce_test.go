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
