// Package downsample reduces a series to what a chart can show: the x
// range is cut into equal buckets, one per pixel column (or finer), and
// each bucket keeps only its first, last, minimum and maximum point, in x
// order (the "M4" reduction of time-series plotting: Jugel et al., VLDB
// 2014; uPlot and Grafana draw the same way). A line drawn through the
// kept points covers exactly the same pixels in every column as one drawn
// through all of them, so peaks, drawdown troughs and gaps stay where they
// are, while a chart costs O(buckets) to draw whatever the number of
// points. A kept point level with the kept points on both sides of it is
// dropped too: it lies on their horizontal segment, so a flat stretch
// (cash held between trades) is its two ends, not two points a column.
//
// Conventions:
//   - x is non-decreasing (times as float seconds, or indices). A point
//     whose x falls outside the reducer's range goes to the first or last
//     bucket.
//   - y NaN marks a missing point, a gap in the line. A bucket that holds
//     a NaN keeps its first NaN at its place, so that a gap wider than a
//     column stays a gap. ±Inf values are kept as ordinary (extreme)
//     values; callers that draw them as gaps should map them to NaN first.
//   - A series of no more points than buckets is returned unchanged (the
//     same slices): small charts draw every point.
package downsample

import (
	"fmt"
	"math"
	"slices"
)

// Reducer reduces a stream of points, given in x order, into buckets
// equal slices of [x0, x1]. It holds O(buckets) memory however many
// points it is given, so a caller can reduce a computed series (a
// drawdown, a growth of 1) without materialising it.
type Reducer struct {
	x0, scale float64
	buckets   int
	i         int // points seen
	cur       int // the current bucket, -1 before the first point
	// The current bucket's candidates, by point index (-1 = none).
	first, last, lo, hi, nan int
	fx, fy, lx, ly           float64
	lox, loy, hix, hiy       float64
	nanx                     float64
	x, y                     []float64
}

// NewReducer returns a reducer of buckets equal buckets over [x0, x1].
// It panics if buckets < 1 (a programmer error).
func NewReducer(x0, x1 float64, buckets int) *Reducer {
	if buckets < 1 {
		panic(fmt.Sprintf("downsample: %d buckets", buckets))
	}
	r := &Reducer{x0: x0, buckets: buckets, cur: -1}
	if x1 > x0 {
		r.scale = float64(buckets) / (x1 - x0)
	}
	r.reset()
	r.x = make([]float64, 0, 4*buckets+1)
	r.y = make([]float64, 0, 4*buckets+1)
	return r
}

func (r *Reducer) reset() { r.first, r.last, r.lo, r.hi, r.nan = -1, -1, -1, -1, -1 }

func (r *Reducer) bucket(x float64) int {
	b := int((x - r.x0) * r.scale)
	if !(x-r.x0 >= 0) || b < 0 { // also NaN x
		b = 0
	}
	return min(b, r.buckets-1)
}

// Add adds the next point. Points must come in non-decreasing x; a point
// whose bucket is before the current one joins the current one.
func (r *Reducer) Add(x, y float64) {
	b := max(r.bucket(x), r.cur)
	if b != r.cur {
		r.flush()
		r.cur = b
	}
	i := r.i
	r.i++
	if math.IsNaN(y) {
		if r.nan < 0 {
			r.nan, r.nanx = i, x
		}
		return
	}
	if r.first < 0 {
		r.first, r.fx, r.fy = i, x, y
		r.lo, r.lox, r.loy = i, x, y
		r.hi, r.hix, r.hiy = i, x, y
	}
	r.last, r.lx, r.ly = i, x, y
	if y < r.loy {
		r.lo, r.lox, r.loy = i, x, y
	}
	if y > r.hiy {
		r.hi, r.hix, r.hiy = i, x, y
	}
}

// flush emits the current bucket's kept points in index order.
func (r *Reducer) flush() {
	type pt struct {
		i    int
		x, y float64
	}
	var buf [5]pt
	pts := buf[:0]
	for _, p := range [...]pt{{r.first, r.fx, r.fy}, {r.lo, r.lox, r.loy}, {r.hi, r.hix, r.hiy}, {r.last, r.lx, r.ly}, {r.nan, r.nanx, math.NaN()}} {
		if p.i < 0 || slices.ContainsFunc(pts, func(q pt) bool { return q.i == p.i }) {
			continue
		}
		pts = append(pts, p)
	}
	// Insertion sort by index: at most five points.
	for a := 1; a < len(pts); a++ {
		for b := a; b > 0 && pts[b].i < pts[b-1].i; b-- {
			pts[b], pts[b-1] = pts[b-1], pts[b]
		}
	}
	for _, p := range pts {
		// A point level with the two before it extends their
		// horizontal segment: the middle one is dropped (a flat
		// stretch, cash held for years, is two points, not four a
		// column). NaN is level with nothing.
		if n := len(r.y); n >= 2 && r.y[n-1] == p.y && r.y[n-2] == p.y {
			r.x[n-1] = p.x
			continue
		}
		r.x = append(r.x, p.x)
		r.y = append(r.y, p.y)
	}
	r.reset()
}

// Result returns the kept points, in x order. The reducer must not be
// used afterwards.
func (r *Reducer) Result() (x, y []float64) {
	r.flush()
	return r.x, r.y
}

// MinMax reduces the series (x, y) to the first, last, minimum and
// maximum point of each of buckets equal buckets of [x[0], x[len-1]], in
// x order (see the package documentation). It returns x and y themselves
// when len(x) ≤ buckets. It panics if x and y differ in length or
// buckets < 1.
func MinMax(x, y []float64, buckets int) (xs, ys []float64) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("downsample: %d x values and %d y values", len(x), len(y)))
	}
	if buckets < 1 {
		panic(fmt.Sprintf("downsample: %d buckets", buckets))
	}
	if len(x) <= buckets {
		return x, y
	}
	r := NewReducer(x[0], x[len(x)-1], buckets)
	for i := range x {
		r.Add(x[i], y[i])
	}
	return r.Result()
}

// Envelope reduces a band (the area between lo and hi over x) to two
// points per bucket, at the bucket's first and last x, each holding the
// bucket's smallest lo and largest hi: a fill between the reduced curves
// covers, in every column, at least what the full band covers there. A
// point where lo or hi is NaN is missing; a bucket with no complete point
// becomes one NaN point (a gap). It returns the inputs themselves when
// len(x) ≤ buckets, and panics on a length mismatch or buckets < 1.
func Envelope(x, lo, hi []float64, buckets int) (xs, los, his []float64) {
	if len(x) != len(lo) || len(x) != len(hi) {
		panic(fmt.Sprintf("downsample: %d x values, %d lo and %d hi", len(x), len(lo), len(hi)))
	}
	if buckets < 1 {
		panic(fmt.Sprintf("downsample: %d buckets", buckets))
	}
	if len(x) <= buckets {
		return x, lo, hi
	}
	r := NewReducer(x[0], x[len(x)-1], buckets) // for its bucket arithmetic only
	xs = make([]float64, 0, 2*buckets)
	los = make([]float64, 0, 2*buckets)
	his = make([]float64, 0, 2*buckets)
	cur, start := -1, 0
	flush := func(end int) { // points [start, end) of bucket cur
		bx0, bx1 := math.NaN(), math.NaN()
		l, h := math.Inf(1), math.Inf(-1)
		for k := start; k < end; k++ {
			if math.IsNaN(lo[k]) || math.IsNaN(hi[k]) {
				continue
			}
			if math.IsNaN(bx0) {
				bx0 = x[k]
			}
			bx1 = x[k]
			l, h = math.Min(l, lo[k]), math.Max(h, hi[k])
		}
		if math.IsNaN(bx0) {
			xs, los, his = append(xs, x[start]), append(los, math.NaN()), append(his, math.NaN())
			return
		}
		xs, los, his = append(xs, bx0), append(los, l), append(his, h)
		if bx1 != bx0 {
			xs, los, his = append(xs, bx1), append(los, l), append(his, h)
		}
	}
	for k := range x {
		b := max(r.bucket(x[k]), cur)
		if b != cur {
			if cur >= 0 {
				flush(k)
			}
			cur, start = b, k
		}
	}
	flush(len(x))
	return xs, los, his
}
