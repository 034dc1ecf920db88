package engine

import (
	"math"

	"github.com/divergence-research/divergence/data"
)

// market is the run's clock and what it has revealed: the current step
// and, per instrument, the last bar seen and its close. The broker fills
// against it and the Context shows it to the strategy; neither reads the
// panel past a cursor.
type market struct {
	series []data.Series // the panel's columns, read only up to cursor
	tl     *Timeline
	step   int
	now    int64
	prev   int64 // the previous step's time (0 before the first)

	cursor []int     // last row seen per instrument, −1 before its first bar
	last   []int     // step at which each instrument last had a bar, −1 never
	price  []float64 // last close per instrument (NaN before its first bar)
}

func newMarket(p *data.Panel, tl *Timeline) market {
	n := len(p.Series)
	m := market{
		series: p.Series,
		tl:     tl,
		step:   -1,
		cursor: make([]int, n),
		last:   make([]int, n),
		price:  make([]float64, n),
	}
	for i := range m.cursor {
		m.cursor[i] = -1
		m.last[i] = -1
		m.price[i] = math.NaN()
	}
	return m
}

// advance makes step k current: instruments with a bar at k move their
// cursor onto it.
func (m *market) advance(k int) {
	m.step = k
	m.now = m.tl.Times[k]
	inst, row := m.tl.Active(k)
	for j, i := range inst {
		m.cursor[i] = int(row[j])
		m.last[i] = k
	}
}

// markClose marks every fresh instrument to its close at step k.
func (m *market) markClose(k int) {
	inst, row := m.tl.Active(k)
	for j, i := range inst {
		m.price[i] = m.series[i].Close[row[j]]
	}
}

// bar is instrument i's bar at its cursor (its current bar when it has
// one at this step).
func (m *market) bar(i int) Bar {
	s, r := &m.series[i], m.cursor[i]
	return Bar{Time: s.Time[r], Open: s.Open[r], High: s.High[r], Low: s.Low[r], Close: s.Close[r], Volume: s.Volume[r]}
}
