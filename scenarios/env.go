package scenarios

import (
	"math"
	"slices"
	"sort"

	"github.com/divergence-research/divergence/data"
)

// Factors is the market environment of one instrument at one time, as the
// broker reads it. The zero value is not neutral; Neutral() is. The fields
// carry the names and meanings of engine.EnvFactors, plus Recall.
type Factors struct {
	// SlippageMult and SpreadMult multiply the broker's slippage and
	// bid-ask spread (1 = unchanged).
	SlippageMult, SpreadMult float64
	// FundingSet, when not NaN, replaces the perpetual funding rate (in the
	// broker's unit: a fraction per funding event, 8-hourly by default;
	// positive = longs pay); FundingMult then multiplies it. Use
	// Funding(base).
	FundingSet, FundingMult float64
	// BorrowSet, when not NaN, replaces the annual borrow rate of shorts;
	// BorrowMult then multiplies it. Use Borrow(base).
	BorrowSet, BorrowMult float64
	// VolumeMult is always 1: a liquidity shock's volume cut is applied to
	// the view's Volume column itself, so the broker must not apply it
	// again.
	VolumeMult float64
	// Recall is true at the bar where borrowed shares are recalled.
	Recall bool
}

// Neutral returns factors that change nothing.
func Neutral() Factors {
	return Factors{SlippageMult: 1, SpreadMult: 1, FundingSet: math.NaN(), FundingMult: 1, BorrowSet: math.NaN(), BorrowMult: 1, VolumeMult: 1}
}

// Funding returns the funding rate given the broker's base rate.
func (f Factors) Funding(base float64) float64 {
	if !math.IsNaN(f.FundingSet) {
		base = f.FundingSet
	}
	return base * f.FundingMult
}

// Borrow returns the borrow rate given the broker's base rate.
func (f Factors) Borrow(base float64) float64 {
	if !math.IsNaN(f.BorrowSet) {
		base = f.BorrowSet
	}
	return base * f.BorrowMult
}

// Env is the per-instrument, piecewise-constant environment a scenario
// sets: liquidity, funding and borrow windows and borrow recalls. It is
// read-only once built and safe for concurrent use. A nil *Env is neutral.
type Env struct {
	inst []envSeries
}

type envSeries struct {
	starts  []int64   // segment k covers [starts[k], starts[k+1]); before starts[0] neutral
	factors []Factors // factors[len-1] is neutral (after the last window)
	recalls []int64   // bar times of recalls, ascending
}

// At returns instrument i's factors at time t. It does not allocate.
func (e *Env) At(i int, t int64) Factors {
	if e == nil || i < 0 || i >= len(e.inst) {
		return Neutral()
	}
	s := &e.inst[i]
	f := Neutral()
	if n := segment(s.starts, t); n > 0 {
		f = s.factors[n-1]
	}
	_, f.Recall = slices.BinarySearch(s.recalls, t)
	return f
}

// segment returns how many of the ascending starts are at or before t:
// the factors at t are those of segment n-1 (neutral when n is 0).
func segment(starts []int64, t int64) int {
	lo, hi := 0, len(starts)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if starts[m] <= t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// AtUntil returns the factors of At(i, t) without the recall flag, and the
// first time after t at which they may change (math.MaxInt64: never), so
// that a caller can skip asking again until then.
func (e *Env) AtUntil(i int, t int64) (Factors, int64) {
	if e == nil || i < 0 || i >= len(e.inst) {
		return Neutral(), math.MaxInt64
	}
	s := &e.inst[i]
	n := segment(s.starts, t)
	f := Neutral()
	if n > 0 {
		f = s.factors[n-1]
		f.Recall = false
	}
	until := int64(math.MaxInt64)
	if n < len(s.starts) {
		until = s.starts[n]
	}
	return f, until
}

// Shocked reports whether the environment changes anything: a window or a
// recall on any instrument.
func (e *Env) Shocked() bool {
	if e == nil {
		return false
	}
	for i := range e.inst {
		if len(e.inst[i].starts) > 0 || len(e.inst[i].recalls) > 0 {
			return true
		}
	}
	return false
}

// ShocksInstrument reports whether the environment changes anything for
// instrument i: a window or a recall on it.
func (e *Env) ShocksInstrument(i int) bool {
	if e == nil || i < 0 || i >= len(e.inst) {
		return false
	}
	return len(e.inst[i].starts) > 0 || len(e.inst[i].recalls) > 0
}

// Recalls returns instrument i's recall times (bar times, ascending). The
// slice aliases the Env: do not modify it.
func (e *Env) Recalls(i int) []int64 {
	if e == nil || i < 0 || i >= len(e.inst) {
		return nil
	}
	return e.inst[i].recalls
}

// Windows returns the number of piecewise-constant segments of
// instrument i (0 when nothing is shocked), for tests and reports.
func (e *Env) Windows(i int) int {
	if e == nil || i < 0 || i >= len(e.inst) {
		return 0
	}
	return len(e.inst[i].starts)
}

type envField uint8

const (
	fSlippage envField = iota
	fSpread
	fFunding
	fBorrow
)

// envOp multiplies a field, or sets it (set, val) and resets its multiplier.
type envOp struct {
	field envField
	set   bool
	val   float64
	mult  float64
}

type envWin struct {
	from, to int64
	op       envOp
}

type envBuilder struct {
	wins    [][]envWin
	recalls [][]int64
}

func newEnvBuilder(p *data.Panel) *envBuilder {
	return &envBuilder{wins: make([][]envWin, len(p.Series)), recalls: make([][]int64, len(p.Series))}
}

func (b *envBuilder) add(i int, from, to int64, op envOp) {
	b.wins[i] = append(b.wins[i], envWin{from, to, op})
}

func (b *envBuilder) recall(i int, t int64) {
	b.recalls[i] = append(b.recalls[i], t)
}

func (op envOp) fold(f *Factors) {
	switch op.field {
	case fSlippage:
		f.SlippageMult *= op.mult
	case fSpread:
		f.SpreadMult *= op.mult
	case fFunding:
		if op.set {
			f.FundingSet, f.FundingMult = op.val, 1
		} else {
			f.FundingMult *= op.mult
		}
	case fBorrow:
		if op.set {
			f.BorrowSet, f.BorrowMult = op.val, 1
		} else {
			f.BorrowMult *= op.mult
		}
	}
}

// build folds the windows, in declared order, into segments between
// consecutive window endpoints.
func (b *envBuilder) build() *Env {
	e := &Env{inst: make([]envSeries, len(b.wins))}
	for i, ws := range b.wins {
		s := &e.inst[i]
		if len(ws) > 0 {
			var pts []int64
			for _, w := range ws {
				pts = append(pts, w.from, w.to)
			}
			sort.Slice(pts, func(a, c int) bool { return pts[a] < pts[c] })
			uniq := pts[:1]
			for _, p := range pts[1:] {
				if p != uniq[len(uniq)-1] {
					uniq = append(uniq, p)
				}
			}
			for _, start := range uniq {
				f := Neutral()
				for _, w := range ws {
					if w.from <= start && start < w.to {
						w.op.fold(&f)
					}
				}
				s.starts = append(s.starts, start)
				s.factors = append(s.factors, f)
			}
		}
		rs := append([]int64(nil), b.recalls[i]...)
		sort.Slice(rs, func(a, c int) bool { return rs[a] < rs[c] })
		s.recalls = rs
	}
	return e
}
