// Package engine replays a data.Panel through a Strategy, one time slice of
// the merged timeline at a time, filling orders, marking the portfolio and
// recording the equity curve.
//
// The loop, per step k at time t (DESIGN.md):
//
//  1. advance: the instruments with a bar at t become current; the others
//     keep their last close and are stale; splits dated since the previous
//     step are applied (raw prices only, Config.Splits);
//  2. holding costs accrue for the calendar days since the previous step
//     (short borrow, interest on cash and on borrowed cash, ACT/360);
//     then the instruments with a bar at t are paid the dividends with
//     an ex-date since their previous bar on the positions held going in
//     (Config.Dividends), after the interest, which the balance before
//     them earned;
//  3. shorts whose borrow was recalled are covered at the open; market
//     orders submitted before t fill at the open of the instrument's bar
//     at t; then resting orders (limit, stop, stop-limit, trailing stop)
//     submitted before t fill where the bar's intrabar path reaches them;
//  4. the margin check (isolated positions each on their own margin,
//     then the account): equity at the bar's worst prices against the
//     maintenance requirement; below it, a margin call and liquidation at
//     the liquidation price, or at the open when the bar gapped through it;
//  5. the portfolio is marked to the closes at t; perpetual funding of the
//     bar's day settles; market-on-close orders left from earlier steps
//     (their instrument had no bar then) fill at this close;
//  6. the strategy's OnBar sees the slice (prices up to and including the
//     close at t, never later) and the events since its last OnBar, and
//     may submit orders;
//  7. market-on-close orders submitted in step 6 fill at the close at t;
//     market orders wait for step 3 of a later step; Day orders whose bar
//     has passed expire;
//  8. the recorder appends equity, cash, exposure and drawdown.
//
// Steps 1–5 and 7 are the broker's (broker.go and the files beside it:
// orders.go, intrabar.go, holding.go): it owns the pending orders, fills
// them, books their costs, checks margin, liquidates, accrues financing
// and applies splits and recalls. The strategy sees a Context
// (context.go), which shows it the market up to now and hands its orders
// to the broker. What each fill and position costs comes from the
// instrument's models, one small interface per kind (models.go: FeeModel,
// SlippageModel, VolumeModel, BorrowModel, FundingModel, InterestModel,
// MarginModel); the built-in models implement them and Terms plugs in
// others.
//
// docs/execution.md describes the order kinds, the intrabar path and
// every cost and margin model, and how to add one. With the zero Config beyond Cash and
// Commission, none of them acts and a run is what it was before they
// existed, bit for bit.
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
	"sort"

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
	// recorded before it. 0 = from the first bar, unless StartSet.
	Start int64
	// StartSet makes Start a bound even at 0 (1970-01-01T00:00Z): bars
	// before 1970 are then warm-up too.
	StartSet bool

	// Equity and Crypto are the trading terms (commission, slippage,
	// borrow, funding, margin) of each asset class. The zero Terms cost
	// nothing but Commission above and check no margin.
	Equity, Crypto Terms
	// Symbols replaces the class terms of single instruments, by symbol.
	// A symbol the panel does not have is an error.
	Symbols map[string]Terms
	// CashRate is the annual interest earned on a positive cash balance
	// and BorrowRate the annual interest paid on a negative one (ACT/360).
	// The balance leaves out short-sale proceeds and the notional of
	// perpetuals (see Funding).
	CashRate, BorrowRate float64
	// LimitFill says whether a resting limit needs the price to trade
	// through it (Through, the default) or only to touch it.
	LimitFill LimitRule
	// BarDuration is the span a bar covers, for funding events (0 = the
	// instrument's interval on intraday bars, one day on daily bars: the
	// daily bar of date D covers [D, D+1)).
	BarDuration int64
	// Splits, by symbol and in date order, adjust positions when the
	// panel holds raw (unadjusted) prices. Leave nil with adjusted prices.
	Splits map[string][]Split
	// Dividends, by symbol and in date order (ties allowed: a special
	// dividend beside the regular one), pay cash to the positions held
	// going into each ex-date (see Dividend) when the panel holds raw
	// prices, at the instrument's own first bar on or after it. Leave nil
	// with adjusted prices.
	Dividends map[string][]Dividend
	// Env, when not nil, supplies per-instrument, per-time multipliers of
	// slippage, spread, funding, borrow and volume (scenarios).
	Env Env
	// InterestModel, when not nil, replaces CashRate and BorrowRate: the
	// interest the account earns on cash and pays on borrowed cash.
	InterestModel InterestModel
	// Universe, when not nil, lists the symbols the strategy trades and
	// reads (strategies.Universe): the others of the panel are hidden from
	// it (Context.Lookup does not find them, their prices are NaN, they
	// have no bar in a Slice, an order for one is an error), and only its
	// own instruments' closes count as seen (the latest close an order
	// waits for, Context.FillTime): a run's fills do not depend on what
	// else the panel holds, such as another strategy's tokens beside its
	// equities. A symbol the panel does not have is an error. nil: every
	// instrument is the strategy's.
	Universe []string
	// Reuse, when not nil, lends the run the storage of an earlier run's
	// logs (see [Buffers]); nil allocates fresh ones. A Buffers is used
	// by one run at a time.
	Reuse *Buffers
}

// Buffers are the storage of a run's growing logs (fills, cost ledger,
// events), handed from a finished run to the next: Run appends to
// Fills[:0], Ledger[:0] and Events[:0] instead of growing new slices by
// doubling, so that a sweep or a Monte Carlo of many runs stops
// allocating, copying and collecting them run after run. The Result of
// the earlier run must no longer be used once its buffers are lent.
type Buffers struct {
	Fills  []Fill
	Ledger []Entry
	Events []Event
}

// Take returns the logs of res as Buffers for a next run (and clears
// them from res), or nil for a nil res.
func Take(res *Result) *Buffers {
	if res == nil {
		return nil
	}
	b := &Buffers{Fills: res.Fills[:0], Ledger: res.Ledger[:0], Events: res.Events[:0]}
	res.Fills, res.Ledger, res.Events = nil, nil, nil
	return b
}

// Validate checks the configuration and names the bad field.
func (c Config) Validate() error {
	if !(c.Cash > 0) || math.IsInf(c.Cash, 0) {
		return fmt.Errorf("engine: Cash must be a positive finite amount, got %g", c.Cash)
	}
	if c.Commission < 0 || math.IsNaN(float64(c.Commission)) || c.Commission >= 1e4 {
		return fmt.Errorf("engine: Commission must be in [0, 10000) bps, got %g", float64(c.Commission))
	}
	if err := validRates(c.CashRate, c.BorrowRate, "CashRate", "BorrowRate"); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if err := validateModel("InterestModel", c.InterestModel); err != nil {
		return err
	}
	if c.LimitFill > Touch {
		return fmt.Errorf("engine: LimitFill = %d: want Through or Touch", c.LimitFill)
	}
	if c.BarDuration < 0 {
		return fmt.Errorf("engine: BarDuration = %d: want >= 0", c.BarDuration)
	}
	if err := c.Equity.validate("Equity"); err != nil {
		return err
	}
	if err := c.Crypto.validate("Crypto"); err != nil {
		return err
	}
	for _, sym := range sortedKeys(c.Symbols) {
		t := c.Symbols[sym]
		if err := t.validate("Symbols[" + sym + "]"); err != nil {
			return err
		}
	}
	for _, sym := range sortedKeys(c.Splits) {
		for k, sp := range c.Splits[sym] {
			if !(sp.Ratio > 0) || math.IsInf(sp.Ratio, 0) {
				return fmt.Errorf("engine: Splits[%s][%d]: ratio %g: want > 0", sym, k, sp.Ratio)
			}
			if k > 0 && sp.Time <= c.Splits[sym][k-1].Time {
				return fmt.Errorf("engine: Splits[%s][%d]: not after the split before it", sym, k)
			}
		}
	}
	for _, sym := range sortedKeys(c.Dividends) {
		for k, d := range c.Dividends[sym] {
			if !(d.Amount > 0) || math.IsInf(d.Amount, 0) {
				return fmt.Errorf("engine: Dividends[%s][%d]: amount %g: want a finite amount > 0 per share", sym, k, d.Amount)
			}
			if k > 0 && d.Time < c.Dividends[sym][k-1].Time {
				return fmt.Errorf("engine: Dividends[%s][%d]: before the dividend before it (sort them by time)", sym, k)
			}
		}
	}
	return nil
}

// validateFor checks the names in the configuration against the panel.
func (c Config) validateFor(p *data.Panel) error {
	for _, m := range []struct {
		key  string
		syms []string
	}{{"Symbols", sortedKeys(c.Symbols)}, {"Splits", sortedKeys(c.Splits)}, {"Dividends", sortedKeys(c.Dividends)}, {"Universe", c.Universe}} {
		for _, s := range m.syms {
			if p.Index(s) < 0 {
				return fmt.Errorf("engine: %s: unknown symbol %q (the panel has %v)", m.key, s, p.Symbols())
			}
		}
	}
	return nil
}

// checkColumns refuses a series whose columns the loop reads (open, high,
// low, close, volume) are not one value per time: the loop would index
// past their end.
func checkColumns(p *data.Panel) error {
	for i := range p.Series {
		s := &p.Series[i]
		n := len(s.Time)
		for _, c := range []struct {
			name string
			col  []float64
		}{{"open", s.Open}, {"high", s.High}, {"low", s.Low}, {"close", s.Close}, {"volume", s.Volume}} {
			if len(c.col) != n {
				return fmt.Errorf("engine: series %s has %d times but %d %s values (every column needs one value per time)", s.Symbol, n, len(c.col), c.name)
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
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
	// Initial is the cash the run started with (Config.Cash). The curve's
	// first point may be below it: a fill at the first step's close has
	// paid its costs by then.
	Initial    float64
	Curve      Curve
	Fills      []Fill
	Portfolio  Portfolio
	FinalPrice []float64 // the last marks
	Steps      int       // time slices replayed (bar-events = total bars)
	BarEvents  int       // bars seen across all instruments

	// Ledger holds every cost booked, in the order booked.
	Ledger []Entry
	// Costs sums the ledger by kind.
	Costs CostBreakdown
	// Events holds the run's events but fills (rejections, expiries,
	// cancellations, margin calls, liquidations, recalls).
	Events []Event
	// Rejections, MarginCalls and Liquidations count those events.
	Rejections, MarginCalls, Liquidations int
	// Pending lists the orders still pending when the run ended, in
	// submission order, each with why it is left (PendingWhy): no bar
	// after its placement, its instrument's data ended, its level never
	// reached, resting by design (a protective stop), held back by the
	// fill-volume cap. nil when none is. They never fill and no event
	// reports them (docs/execution.md).
	Pending []PendingOrder
}

// ErrNoData is returned when the panel (after Start) has no bars.
var ErrNoData = errors.New("engine: no bars to replay")

// Run replays the panel through the strategy. tl must be NewTimeline(p)
// (pass nil to build it here); sharing one timeline across runs of the same
// panel saves the merge.
//
// The panel is read as it is: its bars must be sound (data.Panel.Validate,
// which the readers and the synthetic market apply; a panel built by hand
// should pass it too). Run checks its shape only, which costs nothing per
// bar: a nil panel or strategy, a series whose open, high, low, close or
// volume column is not as long as its times, a timeline built from
// another panel and times that go back are errors; a NaN or negative price
// is not looked for.
func Run(p *data.Panel, tl *Timeline, strat Strategy, cfg Config) (*Result, error) {
	if p == nil {
		return nil, errors.New("engine: nil panel")
	}
	if strat == nil {
		return nil, errors.New("engine: nil strategy")
	}
	if err := checkColumns(p); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.validateFor(p); err != nil {
		return nil, err
	}
	if tl == nil {
		tl = NewTimeline(p)
	} else if err := tl.checkFor(p); err != nil {
		return nil, err
	}
	if tl.back != "" {
		return nil, fmt.Errorf("engine: the panel's times go back: %s (times must increase, and stay before 2262, where int64 nanoseconds end)", tl.back)
	}
	first := 0
	if cfg.Start != 0 || cfg.StartSet {
		first = tl.StepAt(cfg.Start)
	}
	if first >= tl.Len() {
		return nil, ErrNoData
	}
	ctx := newContext(newBroker(p, tl, cfg), cfg.Seed)
	b := &ctx.broker
	if in, ok := strat.(Initializer); ok {
		if err := in.Init(ctx); err != nil {
			return nil, fmt.Errorf("engine: strategy init: %w", err)
		}
	}
	steps := tl.Len() - first
	res := &Result{Initial: cfg.Cash}
	c := &res.Curve
	c.Time = make([]int64, 0, steps)
	c.Equity = make([]float64, 0, steps)
	c.Cash = make([]float64, 0, steps)
	c.Gross = make([]float64, 0, steps)
	c.Net = make([]float64, 0, steps)
	c.Drawdown = make([]float64, 0, steps)
	// The initial cash is the first peak: a fill at the first bar's
	// close pays its costs before the first point, a drawdown from the
	// cash (as max_drawdown measures it from the returns).
	peak := cfg.Cash
	var slice Slice

	// Warm-up: history before Start is visible, nothing trades.
	for k := 0; k < first; k++ {
		b.advance(k)
		b.markClose(k)
		b.prev = b.now
	}
	for k := first; k < tl.Len(); k++ {
		b.advance(k)
		b.settleCancels()
		b.applySplits()
		if k > first {
			b.accrue()
		}
		b.payDividends()
		b.recall(k)
		b.fillAtOpen(k)
		b.noteOpenPositions(k)
		b.fillResting(k)
		b.checkMaintenance(k)
		b.markClose(k)
		b.settleFunding(k)
		b.fillAtClose(k)
		inst, _ := tl.Active(k)
		slice = Slice{Step: k, Time: tl.Times[k], Active: b.visible(inst)}
		if err := strat.OnBar(ctx, &slice); err != nil {
			return nil, fmt.Errorf("engine: strategy at %s: %w", data.FormatDay(tl.Times[k]), err)
		}
		b.events = b.events[:0]
		b.fillAtClose(k)
		b.expire(k)
		b.prev = b.now
		res.BarEvents += len(inst)

		eq := b.pf.Equity(b.price)
		gross, net := b.pf.Exposure(b.price)
		if eq > peak {
			peak = eq
		}
		dd := 0.0
		if peak > 0 {
			dd = eq/peak - 1
		}
		c.Time = append(c.Time, tl.Times[k])
		c.Equity = append(c.Equity, eq)
		c.Cash = append(c.Cash, b.pf.Cash)
		c.Gross = append(c.Gross, gross)
		c.Net = append(c.Net, net)
		c.Drawdown = append(c.Drawdown, dd)
	}
	res.Fills = b.fills
	res.Portfolio = b.pf
	res.FinalPrice = b.price
	res.Steps = steps
	res.Ledger = b.ledger
	res.Costs = b.costs
	res.Events = b.log
	res.Rejections, res.MarginCalls, res.Liquidations = b.rejects, b.calls, b.liqs
	res.Pending = b.unfilled()
	return res, nil
}
