// Package strategies holds the built-in strategies and the registry that
// builds them from an experiment file's parameters.
//
// A strategy is an engine.Strategy (OnBar) that may also be an
// engine.Initializer (Init). Each built-in lives in a file of its own with
// a params struct whose field comments give default, unit and meaning, a
// Validate method whose errors name the key, and a constructor. The
// registry is one explicit map, wired in Builtins: no init() side effects.
//
// Parameters arrive as Params, a map, not as TOML: a sweep builds one
// parameter set per grid point as values (the base params with some keys
// replaced), and a Go program builds them without a file. Decode turns
// the map into the strategy's typed params struct by the module's one
// strict path (data/strict, the same as scenario and experiment
// files): an unknown key is an error that lists the known ones, a value
// of the wrong type or a mode spelled wrong names its key. Modes are typed
// constants (Fill, HedgeMode, Execution, LegSet, EntryMode) read from their TOML
// spelling.
package strategies

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/engine"
)

// Params are a strategy's parameters as read from TOML (a table), before
// they are decoded into the strategy's typed params struct.
type Params map[string]any

// Factory builds a strategy from its parameters.
type Factory struct {
	Name string
	Doc  string // one line for --help and listings
	New  func(p Params) (engine.Strategy, error)
	// LongLeg, when set, makes the type a hedge whose long leg can run
	// alone: it returns the parameters of that run (p with the long leg
	// selected), which a stress test runs beside every run of the type to
	// measure how much of the long leg's loss the hedge removed. nil: the
	// type has no long leg.
	LongLeg func(p Params) Params
}

// Registry maps a strategy type name to its factory.
type Registry map[string]Factory

// Builtins returns the registry of built-in strategies.
func Builtins() Registry {
	r := Registry{}
	for _, f := range []Factory{
		{Name: "buy-and-hold", Doc: "fixed weights over a basket, bought once (optionally rebalanced): the benchmark", New: NewBuyAndHold},
		{Name: "pair-hedge", Doc: "long one basket, short another, equal weights in each leg, hedged dollar-, beta-, volatility- or minimum-variance-neutral, rebalanced on a calendar or a drift band", New: NewPairHedge, LongLeg: PairHedgeLongLeg},
		{Name: "scaled-entry", Doc: "enter in tranches (at drawdown levels, on a schedule or pyramiding on strength), scale out at profit levels, trailing stop", New: NewScaledEntry},
		{Name: "sma-cross", Doc: "long-only SMA(fast)/SMA(slow) crossover on one instrument: the reference strategy", New: NewSMACross},
		{Name: "weights", Doc: "fixed or scheduled weights over a basket (leverage up to max_gross), rebalanced on a calendar or a drift band", New: NewWeights},
	} {
		r[f.Name] = f
	}
	return r
}

// Names lists the registered strategy types, sorted.
func (r Registry) Names() []string { return slices.Sorted(maps.Keys(r)) }

// New builds the strategy of the given type. A factory without New, or
// whose New returns neither a strategy nor an error (nil, or a nil
// pointer), is an error naming the type.
func (r Registry) New(typ string, p Params) (engine.Strategy, error) {
	f, ok := r[typ]
	if !ok {
		meant := ""
		if m := strict.Closest(typ, r.Names()); m != "" {
			meant = "did you mean " + m + "? "
		}
		return nil, fmt.Errorf("strategies: unknown strategy type %q (%sknown: %s)", typ, meant, strings.Join(r.Names(), ", "))
	}
	if f.New == nil {
		return nil, fmt.Errorf("strategies: type %q has no constructor (Factory.New is nil)", typ)
	}
	s, err := f.New(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", typ, err)
	}
	if s == nil || isNilPointer(s) {
		return nil, fmt.Errorf("strategies: type %q: its constructor returned no strategy and no error", typ)
	}
	return s, nil
}

// isNilPointer reports whether s holds a nil pointer (a typed nil, which
// is not == nil as an interface).
func isNilPointer(s engine.Strategy) bool {
	v := reflect.ValueOf(s)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Decode decodes params into dst, a pointer to a params struct holding the
// defaults, strictly: a key the struct does not have is an error naming it
// (the first five, then how many more) and the keys that exist; a value
// of the wrong type, or a mode spelled wrong, names its key and what it
// takes. The map is written as TOML and decoded with its metadata, the
// path scenario and experiment files take.
func Decode(p Params, dst any) error {
	if err := strict.DecodeMap(p, dst, ""); err != nil {
		return fmt.Errorf("params: %w", err)
	}
	return nil
}

// resolve maps symbols to instrument indices, naming any the panel lacks.
func resolve(ctx *engine.Context, key string, symbols []string) ([]int, error) {
	out := make([]int, len(symbols))
	for j, s := range symbols {
		i := ctx.Lookup(s)
		if i < 0 {
			return nil, fmt.Errorf("%s: unknown symbol %q (the experiment's data has no such instrument)", key, s)
		}
		out[j] = i
	}
	return out, nil
}

// pricedAll reports whether every instrument has had a bar.
func pricedAll(ctx *engine.Context, idx []int) bool {
	for _, i := range idx {
		if ctx.Bars(i) == 0 {
			return false
		}
	}
	return true
}

// Reporter is implemented by strategies that keep per-run statistics of
// their own (scaled-entry: average entry price, tranches filled, days to
// full size). Report is called once, after engine.Run returns; the keys are
// snake_case metric names, and a statistic that does not exist for the run
// (no full size ever reached) is left out rather than set to NaN, so the
// map always encodes as JSON. The experiment runner merges it into
// metrics.json.
type Reporter interface {
	Report() map[string]float64
}

// Universe is implemented by strategies that know which instruments they
// trade; the experiment runner loads the union of their symbols, and
// each run sees its strategy's alone (engine.Config.Universe). engine.Run
// does not look for it: a program that calls engine.Run itself passes the
// symbols as Config.Universe, or the strategy sees the whole panel.
type Universe interface {
	Symbols() []string
}

// checkSymbols checks a basket given under the key symbols: no empty
// symbol, none twice.
func checkSymbols(symbols []string) error {
	seen := make(map[string]bool, len(symbols))
	for j, s := range symbols {
		if s == "" {
			return fmt.Errorf("symbols[%d]: empty symbol", j)
		}
		if seen[s] {
			return fmt.Errorf("symbols: %q appears twice", s)
		}
		seen[s] = true
	}
	return nil
}

// maxAbsDrift is the largest |current weight − target| over idx, current
// weights at the last prices against the equity eq.
func maxAbsDrift(ctx *engine.Context, idx []int, target []float64, eq float64) float64 {
	m := 0.0
	for j, i := range idx {
		if gone(ctx, i) {
			continue // no market left to bring it back to target
		}
		w := 0.0
		if q := ctx.Position(i); q != 0 {
			w = q * ctx.Price(i) / eq
		}
		if d := math.Abs(w - target[j]); d > m {
			m = d
		}
	}
	return m
}

// Legged is implemented by strategies whose instruments form named legs
// (a pair hedge's long and short leg); PnL attribution sums by leg with it.
type Legged interface {
	Legs() map[string][]string
}

// syncPoint reports whether a rebalance may be decided now: every leg at
// the same moment with next-open fills; with close fills on mixed daily
// calendars, the tokens at the decision's close and the equities at their
// next one (never across a weekend).
//
// Daily bars: every instrument of idx that has had a bar (and whose data
// has not ended) has a fresh one now, and, when they trade on different
// calendars (mixed: equities on sessions, tokens every day), the bars
// the legs' orders fill on (ctx.FillTime) open within a day of each
// other (fillTogether): not on a Friday, nor on the session before an
// exchange holiday. Otherwise a decision on Friday would fill the tokens
// on Saturday and the equities on Monday, sized against different
// equity, and leave the book half-built over the weekend (over a
// holiday, the tokens on the holiday and the equities a session later).
// Market-on-close orders too: the tokens fill at the sync point's close,
// and the equities at their next session's close, as their close of the
// day came before the tokens' the decision saw (the engine's equity
// close). The fill bars' times come from the legs' calendars, never
// their prices.
//
// Intraday bars (any leg's interval under a day): see intradaySync.
func syncPoint(ctx *engine.Context, idx []int, mixed, nextOpen bool) bool {
	if intraday(ctx, idx) {
		return intradaySync(ctx, idx, nextOpen)
	}
	if !allFresh(ctx, idx) {
		return false
	}
	if !mixed {
		return true
	}
	// With close fills the tokens fill at this close even when no bar
	// follows, the equities at their next one: at the last bar of a leg's
	// data, the tokens would fill alone.
	together, ended := fillTogether(ctx, idx, data.NanosPerDay)
	return together && (nextOpen || !ended)
}

// allFresh reports whether every instrument of idx that has had a bar
// (and whose data has not ended) has a fresh one now: the strategy's own
// sync points, the steps rebalance_bars counts. Unlike syncPoint it does
// not look at the weekend: a due rebalance still waits for syncPoint.
func allFresh(ctx *engine.Context, idx []int) bool {
	for _, i := range idx {
		if ctx.Bars(i) > 0 && ctx.Stale(i) && !gone(ctx, i) {
			return false
		}
	}
	return true
}

// Filler is implemented by the strategies that take the fill key (every
// built-in). An experiment file's top-level fill applies to each of them
// whose own params set none; FillSet reports whether they did (pair-hedge's
// execution counts).
type Filler interface {
	FillSet() bool
}

// FillBounder is a strategy that bounds, from its parameters, the fills
// its runs can make: the memory an experiment needs grows with them (a
// run's fills while it runs, every run's while results.duckdb is built),
// and the experiment's estimate counts them before any run. A strategy
// without it is counted as one that trades now and then.
type FillBounder interface {
	FillRate() FillRate
}

// FillRate bounds the fills of a run: at most Orders fills at a decision
// (one per order: an order that a participation cap splits over bars
// fills in parts, past the bound, and forced fills, liquidations and
// recalls, come on top), at most one decision a step, and, when Days or
// Bars is set, at most Decisions decisions in every Days calendar days
// or every Bars steps, counted from the first, and Extra more (a
// schedule's dates, a symbol's first price). With neither Days nor Bars,
// Extra > 0 is every decision the run can take; Extra = 0 is a decision
// at any step.
type FillRate struct {
	Orders    int
	Decisions int // per period of Days or Bars (when either is set)
	Days      int // calendar days of a period; 0: none
	Bars      int // steps of a period; 0: none (Days wins when both are set)
	Extra     int // decisions besides the periods'
}

// Fills is the bound over a run of steps steps spanning days calendar
// days (the first bar's day to the last's, both counted). The zero
// FillRate gives 0 (no bound known).
func (r FillRate) Fills(steps, days int64) int64 {
	decisions := steps
	switch {
	case r.Days > 0:
		decisions = min(steps, int64(r.Decisions)*(days/int64(r.Days)+1)+int64(r.Extra))
	case r.Bars > 0:
		decisions = min(steps, int64(r.Decisions)*(steps/int64(r.Bars)+1)+int64(r.Extra))
	case r.Extra > 0:
		decisions = min(steps, int64(r.Extra))
	}
	return decisions * int64(r.Orders)
}

// AnyStep reports whether the bound is a decision at any step: neither a
// period nor a count of decisions.
func (r FillRate) AnyStep() bool { return r.Days == 0 && r.Bars == 0 && r.Extra == 0 }

// clock is a rebalancing calendar: a rebalance is due every days
// calendar days (rebalance_days) or every bars of the strategy's own sync
// points (rebalance_bars) since the last rebalance, whatever triggered
// it; at most one of the two is set (checkClock), neither = no calendar.
type clock struct {
	days, bars int
	last       int64 // time of the last rebalance (begun: there was one)
	count      int   // sync points since the last rebalance
	counted    int64 // time of the last step counted on intraday bars (when countedSet)
	// begun and countedSet say that last and counted are times: 0 is
	// 1970-01-01, which a rebalance or a count can fall on
	// (TestRebalanceAtTheEpoch).
	begun, countedSet bool
}

// tick counts the step when it is one of the strategy's own bars: on
// daily bars a step at which every leg has a fresh bar (allFresh); on
// intraday bars, where legs stamped off each other's grid (equities at
// :30, tokens at :00) never have a bar at one instant, a step at which
// every leg is current (allCurrent), at most one in each span of the
// legs' largest interval: an hourly book counts its hours, 7 in an
// equity session, 24 a day for tokens alone. Call it once per OnBar,
// before due.
func (c *clock) tick(ctx *engine.Context, idx []int) {
	if c.bars == 0 {
		return
	}
	if !intraday(ctx, idx) {
		if allFresh(ctx, idx) {
			c.count++
		}
		return
	}
	now := ctx.Time()
	if span, ok := allCurrent(ctx, idx); ok && (!c.countedSet || now-c.counted >= span) {
		c.count++
		c.counted, c.countedSet = now, true
	}
}

// due reports whether the calendar asks for a rebalance now.
func (c *clock) due(now int64) bool {
	switch {
	case c.days > 0:
		return now-c.last >= int64(c.days)*data.NanosPerDay
	case c.bars > 0:
		return c.count >= c.bars
	}
	return false
}

// reset starts the calendar again from a rebalance at now.
func (c *clock) reset(now int64) { c.last, c.count, c.begun = now, 0, true }

// maxDays bounds the parameters counted in calendar days (100 years):
// past about 106,751 days, days × nanoseconds a day overflows int64 and
// the wait turns negative (a rebalance every bar).
const maxDays = 36_525

// levelTol is the relative tolerance of a price against a level: prices
// on a tick grid hit levels exactly, and in floats they fell a hair short
// (1 − 90/100 is 0.09999999999999998 < 0.10; (1 + 0.1) × 100 is
// 110.00000000000001 > 110). A few ulps of a double; far below any
// level's meaning.
const levelTol = 1e-12

// fallen reports whether close c is at least frac below ref: c ≤ (1 −
// frac) × ref, up to levelTol (scaled-entry's drawdown level from the
// peak and trailing stop from the high, pair-hedge's stop-loss from the
// equity's peak).
func fallen(c, ref, frac float64) bool { return c <= (1-frac)*ref*(1+levelTol) }

// risen reports whether close c is at least frac above ref: c ≥ (1 +
// frac) × ref, up to levelTol (a profit level over the average entry
// price, the pyramid's step over the last tranche's fill).
func risen(c, ref, frac float64) bool { return c >= (1+frac)*ref*(1-levelTol) }

// past reports whether x is more than level, past levelTol (pair-hedge's
// drift from a target weight against drift_band, its gross exposure
// against max_gross × equity): a value that has only reached its level,
// computed a hair over it, is not past it.
func past(x, level float64) bool { return x > level+levelTol*math.Abs(level) }

// maxWindow bounds the windows counted in bars or returns (sma-cross's
// fast and slow, pair-hedge's lookback, scaled-entry's peak_lookback,
// rebalance_bars): a century of minute bars is
// 52.6 million. Past 2^63 − 1 a window plus one wrapped negative, and a
// window's buffers made at full length asked for terabytes.
const maxWindow = 100_000_000

// checkDays checks a parameter counted in calendar days: from min to
// maxDays.
func checkDays(key string, days, min int) error {
	if days < min || days > maxDays {
		return fmt.Errorf("%s = %d: want %d to %d (100 years)", key, days, min, maxDays)
	}
	return nil
}

// checkBars checks a parameter counted in bars where 0 means none (off,
// or the cycle's own first close): from 0 to maxWindow.
func checkBars(key string, bars int) error {
	if bars < 0 || bars > maxWindow {
		return fmt.Errorf("%s = %d: want 0 to %d bars", key, bars, maxWindow)
	}
	return nil
}

// checkClock checks rebalance_days and rebalance_bars: each >= 0 (days at
// most maxDays, bars at most maxWindow), not both set.
func checkClock(days, bars int) error {
	if err := checkDays("rebalance_days", days, 0); err != nil {
		return err
	}
	if err := checkBars("rebalance_bars", bars); err != nil {
		return err
	}
	if days > 0 && bars > 0 {
		return fmt.Errorf("rebalance_days = %d and rebalance_bars = %d: set one of the two (calendar days or the strategy's own bars)", days, bars)
	}
	return nil
}

// intraday reports whether any instrument of idx that trades has bars
// finer than a day.
func intraday(ctx *engine.Context, idx []int) bool {
	for _, i := range idx {
		if ctx.Bars(i) > 0 && ctx.Interval(i).Intraday() {
			return true
		}
	}
	return false
}

// intradaySync is the sync-point rule on intraday bars, the weekend rule
// generalised to any pair of calendars. Over the live legs (those that
// have had a bar and whose data has not ended, see gone):
//
//   - with market-on-close orders (nextOpen false), every leg has a bar
//     at this instant: the orders fill at these closes, together;
//   - with next-open orders, every leg is current, its latest bar holding
//     this instant (opened less than one of its intervals ago: an equity's
//     hourly bar stamped 14:30 holds a token's 15:00 step), and the bars
//     the legs' orders would fill on (ctx.FillTime: each leg's first open
//     at or after the latest close the decision has seen) all open within
//     one interval of each other (the largest of the legs' intervals): the
//     orders then complete the book within one bar. At a session's last
//     bar the equities fill at the next session's open, the tokens an hour
//     away, so no decision is taken there: no entry into a book that
//     cannot be completed before the other calendar closes. Nor on the
//     token's step before it (20:00Z, beside the equity's 20:30Z last
//     bar): that decision has seen the token's 21:00Z close, so the
//     equities would fill the next morning too, though their next bar
//     opens at 20:30Z. Nor when some legs have a bar left to fill on and
//     others none (the run's last session: the tokens would fill alone).
//     A book on one calendar (equities only) still decides at a session's
//     last bar, since every leg fills at the next session's open.
//
// The fill bars' times come from the legs' calendars, never their prices.
func intradaySync(ctx *engine.Context, idx []int, nextOpen bool) bool {
	if !nextOpen {
		return allFresh(ctx, idx)
	}
	span, ok := allCurrent(ctx, idx)
	if !ok {
		return false
	}
	together, _ := fillTogether(ctx, idx, span)
	return together
}

// fillTogether reports whether the bars the live legs' orders would fill
// on (ctx.FillTime) all open less than span apart, and none lacks one
// while others have one (the run's last session: the tokens would fill
// alone); true when no leg has a bar left (no market order fills: nothing
// is split). ended reports whether some live leg has no bar left.
func fillTogether(ctx *engine.Context, idx []int, span int64) (together, ended bool) {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, i := range idx {
		if ctx.Bars(i) == 0 || gone(ctx, i) {
			continue
		}
		t := ctx.FillTime(i)
		if t == math.MaxInt64 {
			ended = true // no bar left to fill on: the run's end, or its data's
			continue
		}
		lo, hi = min(lo, t), max(hi, t)
	}
	if lo > hi {
		return true, ended // no leg can fill: nothing is split
	}
	// A leg that cannot fill while others can would leave the book
	// one-legged: at the run's last session, the tokens filling after the
	// equities' last bar.
	return !ended && hi-lo < span, ended
}

// allCurrent reports whether every live leg of idx (one that has had a
// bar and whose data has not ended) is current: its latest bar holds this
// instant, having opened less than one of its intervals ago. span is the
// largest of the live legs' intervals.
func allCurrent(ctx *engine.Context, idx []int) (span int64, ok bool) {
	now := ctx.Time()
	for _, i := range idx {
		if ctx.Bars(i) == 0 || gone(ctx, i) {
			continue
		}
		iv := int64(ctx.Interval(i))
		if iv <= 0 {
			iv = data.NanosPerDay
		}
		if now-ctx.HistoryTime(i, 1)[0] >= iv {
			return 0, false // its latest bar no longer holds now: a gap, or the market is closed
		}
		span = max(span, iv)
	}
	return span, true
}

// mixedCalendars reports whether the instruments of idx that have had a
// bar and still trade belong to more than one class (and so calendar).
func mixedCalendars(ctx *engine.Context, idx []int) bool {
	first := data.Class(0)
	for _, i := range idx {
		if ctx.Bars(i) == 0 || gone(ctx, i) {
			continue
		}
		if first == 0 {
			first = ctx.Class(i)
		} else if ctx.Class(i) != first {
			return true
		}
	}
	return false
}

// staleLimit is how long an instrument may go without a bar before sync
// points stop waiting for it: longer than any weekend or exchange holiday.
const staleLimit = 7 * data.NanosPerDay

// gone reports whether instrument i has had no bar for more than
// staleLimit: its data ended (a delisting, a file that stops). Sync points
// then no longer wait for it, so the rest of the book keeps rebalancing;
// its position stays marked at its last close.
func gone(ctx *engine.Context, i int) bool {
	if ctx.Bars(i) == 0 {
		return false
	}
	return ctx.Time()-ctx.HistoryTime(i, 1)[0] > staleLimit
}

// dropGone cancels the pending orders of instruments whose data ended: no
// bar will come to fill them, and a strategy that waits for its orders to
// clear (a drift band) would wait forever.
func dropGone(ctx *engine.Context, idx []int) {
	if ctx.Pending() == 0 {
		return
	}
	for _, i := range idx {
		if gone(ctx, i) {
			ctx.CancelAll(i)
		}
	}
}
