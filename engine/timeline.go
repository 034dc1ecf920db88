package engine

import (
	"fmt"
	"sort"

	"github.com/divergence-research/divergence/data"
)

// Timeline is the merged timeline of a panel: the sorted union of every
// instrument's bar times, and for each step the instruments that have a bar
// at that time (with the bar's row in the instrument's columns). Nothing is
// dropped: a Saturday with only crypto bars is a step of its own, at which
// equities are stale.
//
// A Timeline is built once per panel and shared read-only by every run on
// that panel.
type Timeline struct {
	Times []int64 // strictly increasing, UTC Unix nanoseconds
	// step k's active instruments are inst[off[k]:off[k+1]] (ascending
	// instrument index), their rows row[off[k]:off[k+1]].
	off  []int32
	inst []int32
	row  []int32
	n    int // instruments
	// iv is each instrument's bar interval (Series.Interval, or detected
	// from its times when the series does not say).
	iv []data.Interval
	// seg is, per instrument, the stretches of its bars at another
	// interval (data.Series.Segments: daily bars, then hourly ones); nil
	// for an instrument at one interval throughout, as most are.
	seg [][]data.Segment
	// back, when not "", says where a series' times went back (unsorted,
	// or past 2262, where int64 nanoseconds wrap): Run refuses it.
	back string
}

// NewTimeline merges the panel's calendars. It walks the series with one
// cursor each (a k-way merge), O(total bars × instruments) at worst.
func NewTimeline(p *data.Panel) *Timeline {
	n := len(p.Series)
	total := 0
	for i := range p.Series {
		total += len(p.Series[i].Time)
	}
	tl := &Timeline{n: n, inst: make([]int32, 0, total), row: make([]int32, 0, total), iv: make([]data.Interval, n)}
	for i := range p.Series {
		tl.iv[i] = p.Series[i].BarInterval()
		if sg := p.Series[i].Segments(); sg != nil {
			if tl.seg == nil {
				tl.seg = make([][]data.Segment, n)
			}
			tl.seg[i] = sg
		}
	}
	cur := make([]int, n)
	tl.off = append(tl.off, 0)
	for {
		// The next time is the smallest head among the cursors.
		next, ok := int64(0), false
		for i := range p.Series {
			ts := p.Series[i].Time
			if cur[i] < len(ts) && (!ok || ts[cur[i]] < next) {
				next, ok = ts[cur[i]], true
			}
		}
		if !ok {
			break
		}
		if k := len(tl.Times); k > 0 && next <= tl.Times[k-1] && tl.back == "" {
			for i := range p.Series {
				if ts := p.Series[i].Time; cur[i] < len(ts) && ts[cur[i]] == next {
					tl.back = fmt.Sprintf("%s's bar %d is stamped %s, not after %s", p.Series[i].Symbol, cur[i]+1, data.FormatTime(next), data.FormatTime(tl.Times[k-1]))
					break
				}
			}
		}
		for i := range p.Series {
			ts := p.Series[i].Time
			if cur[i] < len(ts) && ts[cur[i]] == next {
				tl.inst = append(tl.inst, int32(i))
				tl.row = append(tl.row, int32(cur[i]))
				cur[i]++
			}
		}
		tl.Times = append(tl.Times, next)
		tl.off = append(tl.off, int32(len(tl.inst)))
	}
	return tl
}

// checkFor refuses a timeline that was not built from a panel of p's
// shape (its instruments and their bar counts): Run would read rows the
// panel does not have.
func (tl *Timeline) checkFor(p *data.Panel) error {
	total := 0
	for i := range p.Series {
		total += len(p.Series[i].Time)
	}
	if tl.n != len(p.Series) || len(tl.inst) != total {
		return fmt.Errorf("engine: the timeline was not built from this panel (%s, %s; the timeline has %s, %s): pass NewTimeline(p), or nil",
			count(len(p.Series), "instrument"), count(total, "bar"), count(tl.n, "instrument"), count(len(tl.inst), "bar"))
	}
	return nil
}

// count writes n and its noun, plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Len is the number of steps.
func (tl *Timeline) Len() int { return len(tl.Times) }

// Active returns the instruments with a bar at step k and those bars' rows.
// The slices alias the timeline: read them, never write. Their capacity
// ends with step k (full slice expressions): the instruments a Slice
// shows a strategy (Slice.Active) are these, and re-sliced to their
// capacity they showed every later step's, which instruments have bars
// when (a halt, a delisting) to the end of the data.
func (tl *Timeline) Active(k int) (inst, row []int32) {
	a, b := tl.off[k], tl.off[k+1]
	return tl.inst[a:b:b], tl.row[a:b:b]
}

// Interval returns instrument i's bar interval: its Series.Interval, or
// the median spacing of its times when the series does not record one (0
// for a series of fewer than two bars).
func (tl *Timeline) Interval(i int) data.Interval { return tl.iv[i] }

// Segments returns instrument i's stretches of bars at other intervals
// (data.Series.Segments), nil when its bars are at one interval.
func (tl *Timeline) Segments(i int) []data.Segment {
	if tl.seg == nil {
		return nil
	}
	return tl.seg[i]
}

// IntervalAt is the interval of instrument i's bar at row: its segment's
// (Segments) when its file changes interval, else Interval(i). A row
// before the first (−1) is in the first segment.
func (tl *Timeline) IntervalAt(i, row int) data.Interval {
	sg := tl.Segments(i)
	if sg == nil {
		return tl.iv[i]
	}
	return sg[segmentAt(sg, row)].Interval
}

// segmentAt is the index of the segment of sg holding row: the last one
// starting at or before it (a few segments), the first for a row before
// it.
func segmentAt(sg []data.Segment, row int) int {
	k := len(sg) - 1
	for k > 0 && sg[k].From > row {
		k--
	}
	return k
}

// StepAt returns the first step whose time is >= t (Len() if none).
func (tl *Timeline) StepAt(t int64) int {
	return sort.Search(len(tl.Times), func(k int) bool { return tl.Times[k] >= t })
}
