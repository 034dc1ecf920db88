package strategies

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/engine"
)

// ScaledEntryParams configures scaled-entry. Fractions are decimals
// (0.05 = 5 %), days are calendar days.
type ScaledEntryParams struct {
	// Symbol is the one instrument traded; or give Symbols for a basket
	// (the same rules per instrument, capital split equally). Exactly one
	// of the two is required.
	Symbol  string   `toml:"symbol"`
	Symbols []string `toml:"symbols"`
	// Mode says when a tranche is bought: "drawdown" (default) when the
	// close falls Levels[k] below the running peak close; "schedule" every
	// EveryDays (dollar-cost averaging, Tranches tranches); "pyramid" when
	// the close rises Step above the last tranche's fill price (Tranches
	// tranches; the first one at once).
	Mode EntryMode `toml:"mode"`
	// Capital is the fraction of equity set aside for the entries, split
	// equally between the instruments and fixed at the start of each cycle
	// (see ScaledEntry). Default 1.0; (0, 10].
	Capital float64 `toml:"capital"`
	// Tranche is the fraction of an instrument's capital bought per
	// tranche. Default 1 / number of tranches; [0.000001, 1].
	Tranche float64 `toml:"tranche"`
	// Levels are the drawdown levels from the running peak close, one per
	// tranche, strictly increasing, each in [0, 1). Mode "drawdown" only.
	// Default [0.05, 0.10, 0.15, 0.20].
	Levels []float64 `toml:"levels"`
	// PeakLookback, when > 0, seeds each cycle's running peak with the
	// highest close of the instrument's last PeakLookback bars (history
	// before the run's start included), so that a run starting below an
	// earlier top sees the drawdown it is already in. Mode "drawdown"
	// only. Default 0: the peak starts at the cycle's first close; 0 to
	// 100,000,000.
	PeakLookback int `toml:"peak_lookback"`
	// Tranches is the number of tranches in modes "schedule" and "pyramid".
	// Default 4; 1 to 1,000,000.
	Tranches int `toml:"tranches"`
	// EveryDays is the spacing of the tranches in mode "schedule", in
	// calendar days. Default 7; >= 1.
	EveryDays int `toml:"every_days"`
	// Step is the rise above the last tranche's fill price that buys the
	// next one in mode "pyramid". Default 0.05; (0, 10].
	Step float64 `toml:"step"`
	// TakeProfit are the profit levels over the average entry price at
	// which the position is scaled out, strictly increasing, each > 0.
	// Default [0.10, 0.20, 0.30]; [] = never take profit.
	TakeProfit []float64 `toml:"take_profit"`
	// ExitFraction is the fraction of the position held at the first exit
	// that each exit sells. Default 1 / len(TakeProfit) (the last exit
	// leaves the instrument flat); (0, 1]. Only with take_profit levels.
	ExitFraction float64 `toml:"exit_fraction"`
	// TrailingStop, when > 0, sells the remainder when the close falls this
	// fraction below the highest price since the cycle's first entry: the
	// first tranche's fill price, then every close above it. It
	// guards what the profit levels have not sold: it is armed after the
	// first exit, or from the first entry when TakeProfit is empty.
	// Default 0 (off); [0, 1).
	TrailingStop float64 `toml:"trailing_stop"`
	// MaxPosition caps the position value, as a fraction of equity split
	// equally between the instruments, checked at the close a tranche is
	// decided on; a tranche that would pass the cap is cut to fit it, and
	// a room under it no more than the commission on the position held
	// is none (the position is at full size).
	// Default 1.0; (0, 10].
	MaxPosition float64 `toml:"max_position"`
	// CooldownDays is the least number of calendar days between two
	// tranches of an instrument, and between the end of a cycle and the
	// next cycle's first tranche. Default 0; >= 0.
	CooldownDays int `toml:"cooldown_days"`
	// Fill is when the orders trade: "next-open" (default) or "close"
	// (market-on-close at the close the decision was made on).
	Fill Fill `toml:"fill"`
}

// maxTranches bounds tranches: a tranche is at least a millionth of the
// capital. Each has a fill tag made up front (levelTags): 2^63 − 1
// panicked, 1e12 ran out of memory.
const maxTranches = 1_000_000

// minTranche is the least tranche, a fraction of the capital: a tranche
// under 1e-9 of it counts as none (the cycle is at full size), so the
// run made no trade.
const minTranche = 1e-6

// defaultsScaledEntry are the defaults before decoding (the zero Mode is
// "drawdown"); Tranche and ExitFraction are filled in by Validate (they
// depend on other keys).
func defaultsScaledEntry() ScaledEntryParams {
	return ScaledEntryParams{
		Capital:     1,
		Levels:      []float64{0.05, 0.10, 0.15, 0.20},
		Tranches:    4,
		EveryDays:   7,
		Step:        0.05,
		TakeProfit:  []float64{0.10, 0.20, 0.30},
		MaxPosition: 1,
	}
}

// Validate names the bad key and fills the defaults that depend on others.
func (p *ScaledEntryParams) Validate() error {
	switch {
	case p.Symbol == "" && len(p.Symbols) == 0:
		return fmt.Errorf("symbol: required (or symbols for a basket)")
	case p.Symbol != "" && len(p.Symbols) > 0:
		return fmt.Errorf("symbols: give symbol or symbols, not both")
	case p.Symbol != "":
		p.Symbols = []string{p.Symbol}
	}
	if err := checkSymbols(p.Symbols); err != nil {
		return err
	}
	n := 0
	switch p.Mode {
	case EntryDrawdown:
		if len(p.Levels) == 0 {
			return fmt.Errorf("levels: at least one drawdown level is required in mode %q", p.Mode)
		}
		for k, l := range p.Levels {
			if math.IsNaN(l) || l < 0 || l >= 1 {
				return fmt.Errorf("levels[%d] = %g: want a drawdown fraction in [0, 1)", k, l)
			}
			if k > 0 && l <= p.Levels[k-1] {
				return fmt.Errorf("levels[%d] = %g: levels must increase strictly", k, l)
			}
		}
		n = len(p.Levels)
		if n > maxTranches {
			// Each level buys a tranche: past a million, the default
			// tranche (1 / levels) fell under minTranche, refused as a
			// tranche the user never wrote.
			return fmt.Errorf("levels: %d levels, want at most %d (one tranche each)", n, maxTranches)
		}
		if err := checkBars("peak_lookback", p.PeakLookback); err != nil {
			return err
		}
	case EntrySchedule, EntryPyramid:
		if p.Tranches < 1 || p.Tranches > maxTranches {
			return fmt.Errorf("tranches = %d: want 1 to %d", p.Tranches, maxTranches)
		}
		n = p.Tranches
		if p.Mode == EntrySchedule && (p.EveryDays < 1 || p.EveryDays > maxDays) {
			return checkDays("every_days", p.EveryDays, 1)
		}
		if p.Mode == EntryPyramid && (!(p.Step > 0) || p.Step > 10) {
			return fmt.Errorf("step = %g: want a rise in (0, 10]", p.Step)
		}
	default:
		return fmt.Errorf("mode = %v: want %s", p.Mode, strict.OneOf(p.Mode.spellings()))
	}
	if !(p.Capital > 0 && p.Capital <= 10) {
		return fmt.Errorf("capital = %g: want a fraction of equity in (0, 10]", p.Capital)
	}
	if p.Tranche == 0 {
		p.Tranche = 1 / float64(n)
	}
	if !(p.Tranche >= minTranche && p.Tranche <= 1) {
		return fmt.Errorf("tranche = %g: want a fraction of the capital in [%g, 1]", p.Tranche, minTranche)
	}
	for k, l := range p.TakeProfit {
		if !(l > 0) || math.IsInf(l, 0) {
			return fmt.Errorf("take_profit[%d] = %g: want a profit fraction > 0", k, l)
		}
		if k > 0 && l <= p.TakeProfit[k-1] {
			return fmt.Errorf("take_profit[%d] = %g: levels must increase strictly", k, l)
		}
	}
	if p.ExitFraction == 0 && len(p.TakeProfit) > 0 {
		p.ExitFraction = 1 / float64(len(p.TakeProfit))
	}
	if p.ExitFraction != 0 && !(p.ExitFraction > 0 && p.ExitFraction <= 1) {
		return fmt.Errorf("exit_fraction = %g: want a fraction of the position in (0, 1]", p.ExitFraction)
	}
	if math.IsNaN(p.TrailingStop) || p.TrailingStop < 0 || p.TrailingStop >= 1 {
		return fmt.Errorf("trailing_stop = %g: want a fraction in [0, 1) (0 = off)", p.TrailingStop)
	}
	if !(p.MaxPosition > 0 && p.MaxPosition <= 10) {
		return fmt.Errorf("max_position = %g: want a fraction of equity in (0, 10]", p.MaxPosition)
	}
	if err := checkDays("cooldown_days", p.CooldownDays, 0); err != nil {
		return err
	}
	if !valid(p.Fill) {
		return fmt.Errorf("fill = %v: want %s", p.Fill, strict.OneOf(p.Fill.spellings()))
	}
	return nil
}

// ScaledEntry builds a long position in tranches and scales out of it in
// tranches, per instrument, in cycles:
//
//   - A cycle starts at the instrument's first bar (and again after the
//     position has been sold out): its capital is Capital × equity / n
//     (n instruments) at that close, and its running peak is that close
//     (or the highest of the last PeakLookback closes). A cycle that
//     follows a sale starts its peak at the close the sale was decided
//     on, not at the bar it filled on.
//   - Entries, decided on the close and filled at the next open (or, with
//     Fill "close", at that close), as a quantity order of Tranche ×
//     capital / close per tranche (cut to the MaxPosition cap), less its
//     commission (Context.Commission): the money pays for both. In mode
//     "drawdown" tranche k (1-based) is due when 1 − close/peak ≥
//     Levels[k−1] (peak = highest close of the cycle so far), and a bar
//     whose close has reached several levels buys all their tranches in
//     one order, as resting orders at each level would have; in mode
//     "schedule" one tranche at the cycle's first bar and then every
//     EveryDays; in mode "pyramid" one at the cycle's first bar and then
//     when the close is at least (1 + Step) × the previous tranche's fill
//     price (one per bar: the next level depends on a fill price not known
//     yet). CooldownDays must have passed since the previous entry order.
//   - Exits. Exit k is due when the close is at least (1 + TakeProfit[k−1])
//     × the average entry price (the portfolio's average cost); each sells
//     ExitFraction × the position held when exit 1 was decided (the rest
//     if less remains; the last level sells the rest, whatever the
//     fractions sum to), and a close that has reached several levels
//     sells all of them in one order. Once exit 1 is decided, the cycle buys no
//     more.
//   - Trailing stop: when armed (see TrailingStop), a close at or below
//     (1 − TrailingStop) × the highest price since the cycle's first entry
//     (its fill price, then every close above it) sells the whole remainder.
//   - When the position is sold out, a new cycle starts at the next bar.
//
// Fills carry the tag "tranche k" ("tranches j-k" for several at once),
// "exit k" ("exits j-k") or "trailing stop". Decisions are taken only on
// the instrument's own bars (a stale slice changes nothing), so each
// order has filled by the instrument's next decision.
type ScaledEntry struct {
	p  ScaledEntryParams
	n  int // tranches per cycle
	st []scaledState

	// Fill tags of one level, built once: tagEntry[a] is "tranche a+1",
	// tagExit[a] "exit a+1"; an order of several levels is named when it
	// is made (rangeTag).
	tagEntry, tagExit []string
	fillSet           bool // params set fill
}

// scaledState is one instrument's cycle and statistics.
type scaledState struct {
	i       int
	started bool

	// cycle
	capital   float64 // money set aside for this instrument's cycle
	peak      float64 // highest close of the cycle
	high      float64 // highest price since the cycle's first entry: its fill price, then the closes above it
	entries   int     // tranches decided this cycle
	exits     int     // exits decided this cycle
	exitBase  float64 // position when exit 1 was decided
	lastEntry int64   // time of the last tranche decision, or of the cycle start
	entered   bool    // lastEntry is set (0 is 1970-01-01, a time like any other)
	lastPrice float64 // fill price of the last tranche
	capped    bool    // the last tranche was cut to the MaxPosition cap
	first     int64   // time of the cycle's first tranche fill (when bought)
	bought    bool    // a tranche of the cycle filled
	lastFill  int64   // time of the cycle's last tranche fill

	pending  pendingKind // the order decided at the instrument's previous bar
	order    engine.OrderID
	live     bool    // the order is still filling: the participation cap held part of it back
	filledAt int64   // when the order last filled (when filled)
	filled   bool    // the order filled, some of it
	levels   int     // how many tranches or exit levels it is for
	decided  int64   // when it was decided (with fill = "close", when it filled)
	closeAt  float64 // the close it was decided on: a new cycle's first peak
	prevPos  float64 // the position when it was decided
	prevCost float64 // and its cost, position × average cost

	// run statistics
	boughtQty, boughtCost float64 // Σ qty and Σ qty × price over tranche fills
	tranches, exitFills   int
	stops                 int
	fullDays              float64 // days from first fill to full size, first cycle that got there
	full                  bool
}

type pendingKind uint8

const (
	pendNone pendingKind = iota
	pendEntry
	pendExit
	pendStop
)

// NewScaledEntry builds scaled-entry from its parameters.
func NewScaledEntry(params Params) (engine.Strategy, error) {
	p := defaultsScaledEntry()
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	// tranche = 0 would read as the default (1 / tranches): given, it is
	// outside its range like any other. So is exit_fraction = 0 (read as
	// 1 / len(take_profit)).
	if _, ok := params["tranche"]; ok && p.Tranche == 0 {
		return nil, fmt.Errorf("tranche = 0: want a fraction of the capital in [%g, 1], or leave it out for 1 / the number of tranches", minTranche)
	}
	if _, ok := params["exit_fraction"]; ok && p.ExitFraction == 0 {
		return nil, fmt.Errorf("exit_fraction = 0: want a fraction of the position in (0, 1], or leave it out for 1 / len(take_profit)")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	// A key of another mode would be ignored: a sweep over it made runs
	// identical to the cent.
	for _, km := range []struct {
		key   string
		modes []EntryMode
	}{
		{"levels", []EntryMode{EntryDrawdown}}, {"peak_lookback", []EntryMode{EntryDrawdown}},
		{"tranches", []EntryMode{EntrySchedule, EntryPyramid}}, {"every_days", []EntryMode{EntrySchedule}}, {"step", []EntryMode{EntryPyramid}},
	} {
		key, modes := km.key, km.modes
		if _, ok := params[key]; ok && !slices.Contains(modes, p.Mode) {
			names := make([]string, len(modes))
			for k, m := range modes {
				names[k] = strconv.Quote(m.String())
			}
			return nil, fmt.Errorf("%s: applies to mode = %s, not %q (it would be ignored)", key, strings.Join(names, " or "), p.Mode.String())
		}
	}
	// Without profit levels nothing reads exit_fraction (the trailing
	// stop sells the whole remainder).
	if _, ok := params["exit_fraction"]; ok && len(p.TakeProfit) == 0 {
		return nil, fmt.Errorf("exit_fraction: applies with take_profit levels, and take_profit = [] has none (it would be ignored)")
	}
	n := len(p.Levels)
	if p.Mode != EntryDrawdown {
		n = p.Tranches
	}
	s := &ScaledEntry{p: p, n: n}
	_, s.fillSet = params["fill"]
	s.tagEntry = levelTags("tranche", n)
	s.tagExit = levelTags("exit", len(p.TakeProfit))
	return s, nil
}

// levelTags names n levels one by one: "word 1" … "word n".
func levelTags(word string, n int) []string {
	tags := make([]string, n)
	for a := range tags {
		tags[a] = word + " " + strconv.Itoa(a+1)
	}
	return tags
}

// rangeTag names the k consecutive levels from level a (0-based) of
// tags, made by levelTags from word: tags[a] for one level, else "words
// a+1-a+k" (made per order of several levels, not per bar; all the
// ranges of n levels built ahead would be n²/2 strings).
func rangeTag(tags []string, word string, a, k int) string {
	if k == 1 {
		return tags[a]
	}
	return word + "s " + strconv.Itoa(a+1) + "-" + strconv.Itoa(a+k)
}

// FillSet reports whether the params set fill (Filler).
func (s *ScaledEntry) FillSet() bool { return s.fillSet }

// Init resolves the instruments and resets the state.
func (s *ScaledEntry) Init(ctx *engine.Context) error {
	idx, err := resolve(ctx, "symbols", s.p.Symbols)
	if err != nil {
		return err
	}
	s.st = make([]scaledState, len(idx))
	for j, i := range idx {
		s.st[j] = scaledState{i: i}
	}
	return nil
}

// OnBar updates every instrument with a bar now.
func (s *ScaledEntry) OnBar(ctx *engine.Context, _ *engine.Slice) error {
	// An order is done when it has filled whole (a fill with nothing
	// remaining) or was refused; until then (a fill-volume cap holds part
	// of it back for later bars, or lets none through) it is still
	// filling. Read here, at every step, since a market-on-close fill is
	// reported at the next step, which may not be the instrument's bar.
	for _, ev := range ctx.Events() {
		for j := range s.st {
			st := &s.st[j]
			if !st.live || ev.Order != st.order {
				continue
			}
			switch ev.Kind {
			case engine.EventFill:
				st.live, st.filledAt, st.filled = ev.Remaining != 0, ev.Time, true
			case engine.EventRejected, engine.EventExpired, engine.EventCancelled:
				st.live = false
			}
		}
	}
	for j := range s.st {
		if ctx.Stale(s.st[j].i) {
			continue
		}
		if err := s.step(ctx, &s.st[j]); err != nil {
			return err
		}
	}
	return nil
}

// step is one instrument's decision at its bar.
func (s *ScaledEntry) step(ctx *engine.Context, st *scaledState) error {
	i := st.i
	now := ctx.Time()
	c := ctx.Price(i) // the close: the instrument has a bar now
	pos := ctx.Position(i)

	// The order decided earlier is still filling (the participation cap
	// spreads it over bars): decide nothing until it is done. Deciding on
	// the part filled so far sent a second trailing stop for the whole
	// remainder while the first still sold it, and a long-only book ended
	// short.
	if st.pending != pendNone && st.live {
		if c > st.peak {
			st.peak = c
		}
		if st.bought && c > st.high {
			st.high = c
		}
		return nil
	}

	// The order decided at the instrument's previous bar filled at this
	// bar's open. What filled is read off the portfolio, not assumed: the
	// quantity is the change of position, the cost the change of
	// position × average cost (so slippage, a partial fill or a rejection
	// by the broker are counted as they happened). An entry that did not
	// fill at all is not counted and may be decided again.
	switch st.pending {
	case pendEntry:
		dq := pos - st.prevPos
		if dq <= 0 {
			st.entries -= st.levels
			st.capped = false
			break
		}
		cost := pos*ctx.AvgCost(i) - st.prevCost
		filled := now // at this bar's open
		if s.p.Fill == FillClose {
			filled = st.decided // at the decision bar's close
		}
		st.boughtQty += dq
		st.boughtCost += cost
		st.tranches += st.levels
		st.lastPrice = cost / dq
		st.lastFill = filled
		if !st.bought {
			st.first, st.bought = filled, true
			st.high = st.lastPrice
		}
		if !st.full && (st.entries == s.n || st.capped) {
			st.full = true
			st.fullDays = float64(filled-st.first) / float64(data.NanosPerDay)
		}
	case pendExit:
		if pos < st.prevPos {
			st.exitFills += st.levels
		}
	case pendStop:
		if pos < st.prevPos {
			st.stops++
		}
	}
	soldOut := (st.pending == pendExit || st.pending == pendStop) && pos == 0
	st.pending = pendNone

	switch {
	case !st.started:
		s.newCycle(ctx, st, c)
	case soldOut:
		// The new cycle's reference peak is the close the sale was
		// decided on (then the running maximum from there).
		s.newCycle(ctx, st, st.closeAt)
	}
	if c > st.peak {
		st.peak = c
	}
	if st.bought && c > st.high {
		st.high = c
	}

	if pos > 0 {
		// Trailing stop on the remainder.
		armed := st.exits > 0 || len(s.p.TakeProfit) == 0
		if s.p.TrailingStop > 0 && armed && st.bought && fallen(c, st.high, s.p.TrailingStop) {
			return s.submit(ctx, st, pendStop, 0, -pos, "trailing stop")
		}
		// Scale out at every profit level the close has reached: one
		// order for the sum of their sizes.
		k, avg := 0, ctx.AvgCost(i)
		for st.exits+k < len(s.p.TakeProfit) && risen(c, avg, s.p.TakeProfit[st.exits+k]) {
			k++
		}
		if k > 0 {
			if st.exits == 0 {
				st.exitBase = pos
			}
			q := math.Min(float64(k)*s.p.ExitFraction*st.exitBase, pos)
			// The last level sells what is left, whatever the fractions
			// sum to: a remainder past it could never exit (no level is
			// left) nor let a new cycle start.
			last := st.exits+k == len(s.p.TakeProfit)
			if lot := ctx.LotSize(i); lot > 0 && q < lot*(1-1e-9) {
				// An exit smaller than a lot sells one: rounded to none,
				// it spent its level (and armed the trailing stop) on
				// nothing, and exits_filled did not count it.
				q = math.Min(lot, pos)
			}
			if lot := ctx.LotSize(i); pos-q <= 1e-9*st.exitBase || last || (lot > 0 && pos-q < lot*(1-1e-9)) {
				q = pos // the last exit, or a remainder smaller than a lot: sell out
			}
			tag := rangeTag(s.tagExit, "exit", st.exits, k)
			st.exits += k
			return s.submit(ctx, st, pendExit, k, -q, tag)
		}
	}
	if st.exits > 0 || st.entries >= s.n {
		return nil
	}
	if st.entries > 0 || st.entered {
		if now-st.lastEntry < int64(s.p.CooldownDays)*data.NanosPerDay {
			return nil
		}
	}
	k := 0 // tranches due now
	switch s.p.Mode {
	case EntryDrawdown:
		// Every level the drawdown has reached: one order for them all.
		for st.entries+k < s.n && fallen(c, st.peak, s.p.Levels[st.entries+k]) {
			k++
		}
	case EntrySchedule:
		if st.entries == 0 || now-st.lastEntry >= int64(s.p.EveryDays)*data.NanosPerDay {
			k = 1
		}
	case EntryPyramid:
		if st.entries == 0 || risen(c, st.lastPrice, s.p.Step) {
			k = 1
		}
	}
	if k == 0 {
		return nil
	}
	money := float64(k) * s.p.Tranche * st.capital
	room := s.p.MaxPosition*ctx.Equity()/float64(len(s.st)) - pos*c
	st.capped = false
	if money >= room {
		money, st.capped = room, true
	}
	// The tranche's money pays its commission too (as a target weight
	// does): with capital 1 the tranches spend the capital, not the
	// capital and their commissions on borrowed cash. Two steps: the
	// first is exact for a commission proportional to the notional, the
	// second for a fixed one (a minimum) too.
	qty := money / c
	if com := ctx.Commission(st.i, qty, c); com > 0 {
		qty *= money / (money + com)
		qty = (money - ctx.Commission(st.i, qty, c)) / c
	}
	// At the cap up to rounding, or up to the commission on the position
	// held (the room the commissions of earlier tranches leave under the
	// cap, which a top-up would pay a whole commission to fill): the
	// cycle is at full size.
	if money <= 1e-9*st.capital || qty <= 0 || (st.capped && money <= ctx.Commission(st.i, pos, c)) {
		st.entries = s.n
		if !st.full && st.bought {
			st.full = true
			st.fullDays = float64(st.lastFill-st.first) / float64(data.NanosPerDay)
		}
		return nil
	}
	tag := rangeTag(s.tagEntry, "tranche", st.entries, k)
	st.entries += k
	st.lastEntry, st.entered = now, true
	return s.submit(ctx, st, pendEntry, k, qty, tag)
}

// newCycle starts a cycle with reference peak c (the first bar's close, or
// the close the previous cycle's last sale was decided on): capital fixed
// at today's equity.
func (s *ScaledEntry) newCycle(ctx *engine.Context, st *scaledState, c float64) {
	restart := st.started
	st.started = true
	st.capital = s.p.Capital * ctx.Equity() / float64(len(s.st))
	st.peak = c
	for _, v := range ctx.History(st.i, engine.Close, s.p.PeakLookback) {
		st.peak = math.Max(st.peak, v)
	}
	st.high = 0
	st.entries, st.exits = 0, 0
	st.exitBase = 0
	st.first, st.bought = 0, false
	st.capped = false
	st.lastEntry, st.entered = 0, false
	if restart {
		// The cooldown runs from the end of the previous cycle: its sale's
		// last fill, at this bar's open, or with fill = "close" at a
		// close before this bar (counted from this bar, it lasted a bar
		// longer).
		st.lastEntry, st.entered = ctx.Time(), true
		if st.filled {
			st.lastEntry = st.filledAt
		}
	}
}

// submit sends a quantity order for levels tranches or exit levels (0 for
// a stop), decided on the current close.
func (s *ScaledEntry) submit(ctx *engine.Context, st *scaledState, kind pendingKind, levels int, qty float64, tag string) error {
	id, err := ctx.Submit(engine.Order{Instrument: st.i, Kind: s.p.Fill.Kind(), Amount: qty, Tag: tag})
	if err != nil {
		return err
	}
	// id 0: the lot size rounded the order to nothing and none was sent;
	// there is nothing to wait for (the next bar sees no change).
	st.order, st.live, st.filledAt, st.filled = id, id != 0, 0, false
	st.pending = kind
	st.levels = levels
	st.decided = ctx.Time()
	st.closeAt = ctx.Price(st.i)
	st.prevPos = ctx.Position(st.i)
	st.prevCost = st.prevPos * ctx.AvgCost(st.i)
	return nil
}

// Symbols is the instrument or the basket.
func (s *ScaledEntry) Symbols() []string {
	if len(s.p.Symbols) > 0 {
		return s.p.Symbols
	}
	return []string{s.p.Symbol}
}

// Report gives the run's entry statistics. For one instrument:
// avg_entry_price (Σ qty × fill price / Σ qty over every tranche fill of
// the run), tranches_filled, exits_filled, trailing_stops and
// days_to_full_size (calendar days from the first tranche fill to the fill
// of the tranche that completed the first cycle that reached full size:
// every tranche filled or the MaxPosition cap reached; absent if none did).
// For a basket, the same keys prefixed with "SYMBOL." per instrument,
// plus the totals tranches_filled, exits_filled and trailing_stops.
func (s *ScaledEntry) Report() map[string]float64 {
	out := map[string]float64{}
	prefix := func(j int) string {
		if len(s.st) == 1 {
			return ""
		}
		return s.p.Symbols[j] + "."
	}
	total := [3]float64{}
	for j := range s.st {
		st := &s.st[j]
		pre := prefix(j)
		if st.boughtQty > 0 {
			out[pre+"avg_entry_price"] = st.boughtCost / st.boughtQty
		}
		if st.full {
			out[pre+"days_to_full_size"] = st.fullDays
		}
		total[0] += float64(st.tranches)
		total[1] += float64(st.exitFills)
		total[2] += float64(st.stops)
		if pre != "" {
			out[pre+"tranches_filled"] = float64(st.tranches)
			out[pre+"exits_filled"] = float64(st.exitFills)
			out[pre+"trailing_stops"] = float64(st.stops)
		}
	}
	out["tranches_filled"] = total[0]
	out["exits_filled"] = total[1]
	out["trailing_stops"] = total[2]
	return out
}
