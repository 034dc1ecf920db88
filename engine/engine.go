// Package engine replays a data.Panel through a Strategy, one time slice of
// the merged timeline at a time, filling orders, marking the portfolio and
// recording the equity curve.
//
// The loop, per step k at time t (DESIGN.md):
//
//  1. advance: the instruments with a bar at t become current; the others
//     keep their last close and are stale;
//  2. market orders submitted before t fill at the open of the
//     instrument's bar at t;
//  3. the portfolio is marked to the closes at t; market-on-close orders
//     left from earlier steps (their instrument had no bar then) fill at
//     this close;
//  4. the strategy's OnBar sees the slice (prices up to and including the
//     close at t, never later) and may submit orders;
//  5. market-on-close orders submitted in step 4 fill at the close at t;
//     market orders wait for step 2 of a later step;
//  6. the recorder appends equity, cash, exposure and drawdown.
//
// No look-ahead by construction: the Context a strategy receives holds no
// reference to the panel; its history windows end at the current step, and
// a market order can only fill at an open later than the bar it was decided
// on.
//
// The loop allocates nothing per bar in steady state: columns are read in
// place, pending orders live in a reused slice, the curve is preallocated.
package engine

import (
	"errors"
	"fmt"
	"math"

	"github.com/divergence-research/divergence/data"
)

// BasisPoints is a rate in hundredths of a percent: 5 bps = 0.0005.
type BasisPoints float64

// Fraction returns the rate as a fraction (bps / 10,000).
func (b BasisPoints) Fraction() float64 { return float64(b) / 1e4 }

// Config sets up one run.
type Config struct {
	// Cash is the starting cash, in the panel's currency. Must be > 0.
	Cash float64
	// Commission is charged on every fill's notional, in basis points.
	Commission BasisPoints
	// Seed seeds the run's random source (Context.Rand).
	Seed uint64
	// Start is the first step's time (UTC ns); bars before it are history
	// the strategy can read (warm-up) but no order fills and nothing is
	// recorded before it. 0 = from the first bar.
	Start int64
}

// Validate checks the configuration and names the bad field.
func (c Config) Validate() error {
	if !(c.Cash > 0) || math.IsInf(c.Cash, 0) {
		return fmt.Errorf("engine: Cash must be a positive finite amount, got %g", c.Cash)
	}
	if c.Commission < 0 || math.IsNaN(float64(c.Commission)) || c.Commission >= 1e4 {
		return fmt.Errorf("engine: Commission must be in [0, 10000) bps, got %g", float64(c.Commission))
	}
	return nil
}

// Strategy reacts to one time slice at a time. OnBar may read the context
// and submit orders through it; an error stops the run.
type Strategy interface {
	OnBar(ctx *Context, s *Slice) error
}

// Initializer is implemented by strategies that need to prepare before the
// first slice (resolve symbols, size buffers). Init runs once, before step
// one; the context's prices are all NaN then.
type Initializer interface {
	Init(ctx *Context) error
}

// Slice is the moment a strategy is shown: the step, its time and the
// instruments that have a fresh bar at it. Active aliases engine memory:
// read it during OnBar, do not keep it.
type Slice struct {
	Step   int
	Time   int64
	Active []int32
}

// Result is what a run leaves behind.
type Result struct {
	Curve      Curve
	Fills      []Fill
	Portfolio  Portfolio
	FinalPrice []float64 // the last marks
	Steps      int       // time slices replayed (bar-events = total bars)
	BarEvents  int       // bars seen across all instruments
}

// ErrNoData is returned when the panel (after Start) has no bars.
var ErrNoData = errors.New("engine: no bars to replay")

// Run replays the panel through the strategy. tl must be NewTimeline(p)
// (pass nil to build it here); sharing one timeline across runs of the same
// panel saves the merge.
func Run(p *data.Panel, tl *Timeline, strat Strategy, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if tl == nil {
		tl = NewTimeline(p)
	}
	first := 0
	if cfg.Start != 0 {
		first = tl.StepAt(cfg.Start)
	}
	if first >= tl.Len() {
		return nil, ErrNoData
	}
	ctx := newContext(p, tl, cfg)
	if in, ok := strat.(Initializer); ok {
		if err := in.Init(ctx); err != nil {
			return nil, fmt.Errorf("engine: strategy init: %w", err)
		}
	}
	steps := tl.Len() - first
	res := &Result{}
	c := &res.Curve
	c.Time = make([]int64, 0, steps)
	c.Equity = make([]float64, 0, steps)
	c.Cash = make([]float64, 0, steps)
	c.Gross = make([]float64, 0, steps)
	c.Net = make([]float64, 0, steps)
	c.Drawdown = make([]float64, 0, steps)
	peak := math.Inf(-1)
	var slice Slice

	// Warm-up: history before Start is visible, nothing trades.
	for k := 0; k < first; k++ {
		ctx.advance(k)
		ctx.markClose(k)
	}
	for k := first; k < tl.Len(); k++ {
		ctx.advance(k)
		ctx.fillAtOpen(k)
		ctx.markClose(k)
		ctx.fillAtClose(k)
		inst, _ := tl.Active(k)
		slice = Slice{Step: k, Time: tl.Times[k], Active: inst}
		if err := strat.OnBar(ctx, &slice); err != nil {
			return nil, fmt.Errorf("engine: strategy at %s: %w", data.FormatDay(tl.Times[k]), err)
		}
		ctx.fillAtClose(k)
		res.BarEvents += len(inst)

		eq := ctx.pf.Equity(ctx.price)
		gross, net := ctx.pf.Exposure(ctx.price)
		if eq > peak {
			peak = eq
		}
		dd := 0.0
		if peak > 0 {
			dd = eq/peak - 1
		}
		c.Time = append(c.Time, tl.Times[k])
		c.Equity = append(c.Equity, eq)
		c.Cash = append(c.Cash, ctx.pf.Cash)
		c.Gross = append(c.Gross, gross)
		c.Net = append(c.Net, net)
		c.Drawdown = append(c.Drawdown, dd)
	}
	res.Fills = ctx.fills
	res.Portfolio = ctx.pf
	res.FinalPrice = ctx.price
	res.Steps = steps
	return res, nil
}
