package strategies

import (
	"fmt"
	"math"
	"sort"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/engine"
)

// PairHedgeParams configures pair-hedge. Fractions are decimals, days are
// calendar days.
type PairHedgeParams struct {
	// Long is the long leg's basket, e.g. ["MSFT", "NVDA", "META"]. Required.
	Long []string `toml:"long"`
	// Short is the short leg's basket, e.g. ["TAO", "RENDER", "FET"]. Required.
	Short []string `toml:"short"`
	// Gross is the gross leverage, Σ|weights| as a multiple of equity,
	// split between the legs by the hedge mode: 1.0 dollar-neutral puts 50%
	// of equity long and 50% short. Default 1.0; (0, 10].
	Gross float64 `toml:"gross"`
	// RebalanceDays: the legs are brought back to their targets every so
	// many calendar days. Default 7 (0 when rebalance_bars is given); 1 to
	// 36,525, or 0 (no calendar) when drift_band or rebalance_bars is set.
	RebalanceDays int `toml:"rebalance_days"`
	// RebalanceBars, when > 0, brings the legs back to their targets every
	// so many sync points (steps at which every instrument of both legs
	// has a fresh bar: on an equity pair, trading sessions; 21 is a
	// month). Not with an explicit rebalance_days. Default 0; 1 to
	// 100,000,000, or 0 when drift_band or rebalance_days is set.
	RebalanceBars int `toml:"rebalance_bars"`
	// Hedge is how the legs are sized against each other: "dollar"
	// (default: equal notional), "beta" (beta-neutral to the long leg),
	// "vol" (inverse to each leg's volatility) or "minvar" (minimum
	// variance of long − h × short). See PairHedge for the formulas.
	Hedge HedgeMode `toml:"hedge"`
	// Lookback is the number of returns in the rolling window of the
	// "beta", "vol" and "minvar" modes, in sync points (see PairHedge).
	// Default 60; 5 to 100,000,000 (the window holds no more returns than
	// the data gives: one longer than the data never fills, and the hedge
	// never trades).
	Lookback int `toml:"lookback"`
	// MaxRatio bounds the hedge ratio |short weight| / long weight of the
	// estimated modes to [1/MaxRatio, MaxRatio]. Default 4; >= 1.
	MaxRatio float64 `toml:"max_ratio"`
	// DriftBand, when > 0, rebalances as soon as any instrument's weight
	// (value / equity at a close) is more than this far from its target.
	// Default 0 (off); [0, 10].
	DriftBand float64 `toml:"drift_band"`
	// StopLoss, when > 0, closes both legs when equity falls this fraction
	// below its peak since the legs were entered. Default 0 (off); [0, 1).
	StopLoss float64 `toml:"stop_loss"`
	// CooldownDays is the wait after a stop-loss before the legs are
	// entered again. Default 0; >= 0.
	CooldownDays int `toml:"cooldown_days"`
	// MaxGross, when > 0, rebalances as soon as gross exposure at a close is
	// more than MaxGross × equity (it must be >= Gross). Default 0 (off);
	// [Gross, 10].
	MaxGross float64 `toml:"max_gross"`
	// Fill is when the legs trade: "next-open" (default: market orders at
	// each instrument's next open) or "close" (market-on-close orders at
	// the closes of the sync point the decision was made on; on mixed
	// daily calendars the equities' at their next close, as their close
	// comes before the tokens' the decision saw). Decisions are made at
	// sync points only. With legs on different calendars, a decision due
	// at a sync point before a weekend (a Friday) or an exchange holiday
	// waits for the next sync point, so that one leg does not fill on
	// Friday or Saturday (or on the holiday) while the equity leg waits
	// for the next session.
	Fill Fill `toml:"fill"`
	// Execution is the older name of Fill: "open" is fill = "next-open",
	// "close" is fill = "close". Give one of the two keys.
	Execution Execution `toml:"execution"`
	// Legs is "both" (default) or "long": the long leg alone, sized as in
	// the hedge and rebalanced on the same calendar — the comparison a
	// stress test measures hedge effectiveness against. Its drift band,
	// gross cap and stop-loss see only the long leg, so with those set its
	// timing can differ from the hedge's.
	Legs LegSet `toml:"legs"`
}

// defaultsPairHedge are pair-hedge's defaults (the zero modes are
// hedge = "dollar", execution = "open", legs = "both").
func defaultsPairHedge() PairHedgeParams {
	return PairHedgeParams{Gross: 1, RebalanceDays: 7, Lookback: 60, MaxRatio: 4}
}

// Validate names the bad key.
func (p *PairHedgeParams) Validate() error {
	if len(p.Long) == 0 {
		return fmt.Errorf("long: at least one symbol is required")
	}
	if len(p.Short) == 0 {
		return fmt.Errorf("short: at least one symbol is required")
	}
	for _, leg := range []struct {
		key     string
		symbols []string
	}{{"long", p.Long}, {"short", p.Short}} {
		for j, s := range leg.symbols {
			if s == "" {
				return fmt.Errorf("%s[%d]: empty symbol", leg.key, j)
			}
		}
	}
	seen := map[string]string{}
	for _, s := range p.Long {
		if seen[s] == "long" {
			return fmt.Errorf("long: %q appears twice", s)
		}
		seen[s] = "long"
	}
	for _, s := range p.Short {
		switch seen[s] {
		case "long":
			return fmt.Errorf("short: %q is also in long", s)
		case "short":
			return fmt.Errorf("short: %q appears twice", s)
		}
		seen[s] = "short"
	}
	if !(p.Gross > 0 && p.Gross <= 10) || math.IsNaN(p.Gross) {
		return fmt.Errorf("gross = %g: want a leverage in (0, 10]", p.Gross)
	}
	if math.IsNaN(p.DriftBand) || p.DriftBand < 0 || p.DriftBand > 10 {
		return fmt.Errorf("drift_band = %g: want a weight deviation in [0, 10] (0 = off)", p.DriftBand)
	}
	// Its own ranges (docs/strategies.md): a pair hedge needs some
	// rebalance, so 0 is taken only with another (checkClock's "0 to"
	// would say 0 is always fine).
	if p.RebalanceDays < 0 || p.RebalanceDays > maxDays || p.RebalanceDays == 0 && p.RebalanceBars == 0 && p.DriftBand == 0 {
		return fmt.Errorf("rebalance_days = %d: want 1 to %d days (or 0 with a drift_band or rebalance_bars)", p.RebalanceDays, maxDays)
	}
	if p.RebalanceBars < 0 || p.RebalanceBars > maxWindow {
		return pairBarsRange(p.RebalanceBars)
	}
	if err := checkClock(p.RebalanceDays, p.RebalanceBars); err != nil {
		return err
	}
	if !valid(p.Hedge) {
		return fmt.Errorf("hedge = %v: want %s", p.Hedge, strict.OneOf(p.Hedge.spellings()))
	}
	if p.Lookback < 5 || p.Lookback > maxWindow {
		return fmt.Errorf("lookback = %d: want 5 to %d returns", p.Lookback, maxWindow)
	}
	if !(p.MaxRatio >= 1) || math.IsInf(p.MaxRatio, 0) {
		return fmt.Errorf("max_ratio = %g: want a finite hedge ratio bound >= 1", p.MaxRatio)
	}
	if math.IsNaN(p.StopLoss) || p.StopLoss < 0 || p.StopLoss >= 1 {
		return fmt.Errorf("stop_loss = %g: want a fraction in [0, 1) (0 = off)", p.StopLoss)
	}
	if err := checkDays("cooldown_days", p.CooldownDays, 0); err != nil {
		return err
	}
	if !valid(p.Execution) {
		return fmt.Errorf("execution = %v: want %s", p.Execution, strict.OneOf(p.Execution.spellings()))
	}
	if !valid(p.Fill) {
		return fmt.Errorf("fill = %v: want %s", p.Fill, strict.OneOf(p.Fill.spellings()))
	}
	if !valid(p.Legs) {
		return fmt.Errorf("legs = %v: want %s", p.Legs, strict.OneOf(p.Legs.spellings()))
	}
	if math.IsNaN(p.MaxGross) || p.MaxGross < 0 || (p.MaxGross > 0 && p.MaxGross < p.Gross) || p.MaxGross > 10 {
		return fmt.Errorf("max_gross = %g: want 0 (off) or a leverage >= gross (%g), at most 10", p.MaxGross, p.Gross)
	}
	return nil
}

// PairHedge holds a long basket against a short basket, equal weights
// inside each leg. It starts once every instrument of both legs has a
// price (and, in the estimated modes, once the rolling window is full).
//
// Leg sizes. With G = Gross, wL the long leg's total weight and wS ≥ 0 the
// short leg's (so wL + wS = G), the hedge ratio h = wS / wL is
//
//   - dollar: h = 1 (wL = wS = G/2);
//   - beta:   h = 1/β with β = Cov(S, L) / Var(L), the OLS slope of the
//     short leg's returns on the long leg's: the portfolio return
//     wL·L − wS·S then has beta wL − wS·β = 0 to the long leg;
//   - vol:    h = σL / σS (legs sized inversely to their volatility, so
//     wL·σL = wS·σS);
//   - minvar: h = Cov(L, S) / Var(S), which minimises Var(L − h·S);
//
// and wL = G / (1 + h), wS = G·h / (1 + h). In the estimated modes h is
// clamped to [1/MaxRatio, MaxRatio]; when it is undefined (β or the
// covariance ≤ 0, a zero variance) the strategy holds no position (fills
// tagged "no hedge") until it is defined again.
//
// Returns and calendars. L and S are the equal-weight means of the
// instruments' simple close-to-close returns, measured between sync
// points: the slices at which every instrument of both legs has a fresh
// bar (for equities against tokens: the equity sessions). An instrument's
// return over an interval is its close at the sync point over its close at
// the previous sync point, so a token's weekend move lands in Monday's
// return, on the same interval as the equities' Friday-to-Monday return
// (returns are synchronous; a stale price counting as a 0 return on the
// union timeline would split the weekend move from the equities' and bias
// β towards 0). The last Lookback returns are kept in ring buffers filled
// from ctx.Price at each OnBar: only closes already seen, allocation-free
// once the window is full (the buffers grow to Lookback as returns come).
// Variances and covariances are sample ones (n − 1); the ratios do not
// depend on the divisor.
//
// Rebalancing. The legs are brought to their targets (Market orders,
// filled at each instrument's next open) when they are first entered,
// every RebalanceDays, when any weight drifts more than DriftBand from its
// target, or when gross exposure passes MaxGross × equity; fresh estimates
// are taken at each rebalance. The drift and gross checks wait while orders
// are pending. With StopLoss, equity at or below (1 − StopLoss) × its peak
// since entry closes both legs ("stop loss"); they are entered again
// CooldownDays later.
type PairHedge struct {
	p           PairHedgeParams
	long, short []int
	idx         []int     // long then short
	target      []float64 // target weight per idx entry, from the last rebalance
	clock       clock     // the calendar: rebalance_days or rebalance_bars
	fillSet     bool      // params set fill or execution

	invested bool
	peak     float64 // equity peak since entry (stop-loss)
	stopped  int64   // time of the last stop-loss (when hasStop)
	hasStop  bool    // a stop-loss fired (stopped 0 is 1970-01-01)

	// Counters for Report.
	nReb, nDrift, nGross, nStop, nNoHedge int
	sumH, lastH                           float64

	// Sync-point returns (estimated modes).
	prev       []float64 // each instrument's close at the previous sync point, per idx entry
	synced     bool
	seeded     bool      // seed ran (once, at the first priced OnBar)
	rl, rs     []float64 // ring buffers of leg returns
	mixed      bool      // the legs trade on different calendars
	recAt      int64     // the last sync point recorded on intraday bars of two calendars (recordCurrent)
	kind       engine.OrderKind
	head, nret int
}

// pairBarsRange refuses rebalance_bars = n with pair-hedge's range.
func pairBarsRange(n int) error {
	return fmt.Errorf("rebalance_bars = %d: want 1 to %d bars (or 0 with a drift_band or rebalance_days)", n, maxWindow)
}

// NewPairHedge builds pair-hedge from its parameters.
func NewPairHedge(params Params) (engine.Strategy, error) {
	p := defaultsPairHedge()
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	_, days := params["rebalance_days"]
	if _, bars := params["rebalance_bars"]; bars && !days {
		p.RebalanceDays = 0 // the bars replace the default calendar
		if p.RebalanceBars == 0 && p.DriftBand == 0 {
			// No calendar at all: name the key the file set, not
			// the rebalance_days = 0 it did not.
			return nil, pairBarsRange(0)
		}
	}
	_, fill := params["fill"]
	_, exec := params["execution"]
	if fill && exec {
		return nil, fmt.Errorf("fill = %q and execution = %q: give one (execution is the older name of fill)", p.Fill, p.Execution)
	}
	if exec {
		p.Fill = p.Execution.fill()
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &PairHedge{p: p, fillSet: fill || exec}, nil
}

// FillSet reports whether the params set fill or execution (Filler).
func (s *PairHedge) FillSet() bool { return s.fillSet }

// FillRate bounds the run's fills (FillBounder): an order per instrument
// of the legs traded at each decision; with a drift band, a gross cap or
// a stop-loss a decision may come at any step, else at most one a
// rebalancing period, or two in the estimated hedge modes (an exit when
// the hedge ratio cannot be estimated, and the entry at the next step,
// which starts the next period).
func (s *PairHedge) FillRate() FillRate {
	r := FillRate{Orders: len(s.p.Long) + len(s.p.Short)}
	if s.p.Legs == LongLegOnly {
		r.Orders = len(s.p.Long)
	}
	if s.p.DriftBand > 0 || s.p.MaxGross > 0 || s.p.StopLoss > 0 {
		return r
	}
	r.Days, r.Bars, r.Decisions = s.p.RebalanceDays, s.p.RebalanceBars, 1
	if s.p.Hedge != HedgeDollar {
		r.Decisions = 2
	}
	return r
}

// Init resolves both legs and sizes the buffers.
func (s *PairHedge) Init(ctx *engine.Context) error {
	var err error
	if s.long, err = resolve(ctx, "long", s.p.Long); err != nil {
		return err
	}
	if s.short, err = resolve(ctx, "short", s.p.Short); err != nil {
		return err
	}
	s.idx = append(append(make([]int, 0, len(s.long)+len(s.short)), s.long...), s.short...)
	s.mixed = false
	for _, i := range s.idx {
		if ctx.Class(i) != ctx.Class(s.idx[0]) {
			s.mixed = true
		}
	}
	s.kind = s.p.Fill.Kind()
	s.clock = clock{days: s.p.RebalanceDays, bars: s.p.RebalanceBars}
	s.target = make([]float64, len(s.idx))
	s.prev = make([]float64, len(s.idx))
	s.rl, s.rs = s.rl[:0], s.rs[:0] // grown by push up to Lookback
	s.invested, s.peak, s.stopped, s.hasStop, s.synced, s.head, s.nret = false, 0, 0, false, false, 0, 0
	s.seeded, s.recAt = false, 0
	s.nReb, s.nDrift, s.nGross, s.nStop, s.nNoHedge, s.sumH, s.lastH = 0, 0, 0, 0, 0, 0, 0
	return nil
}

// OnBar records the sync-point returns, applies the stop-loss and
// rebalances when due.
func (s *PairHedge) OnBar(ctx *engine.Context, _ *engine.Slice) error {
	if !pricedAll(ctx, s.idx) {
		return nil
	}
	dropGone(ctx, s.idx)
	s.clock.tick(ctx, s.idx)
	if s.p.Hedge != HedgeDollar {
		if !s.seeded {
			s.seeded = true
			s.seed(ctx)
		}
		s.record(ctx)
	}
	now := ctx.Time()
	if s.invested && s.p.StopLoss > 0 {
		eq := ctx.Equity()
		if eq > s.peak {
			s.peak = eq
		}
		if fallen(eq, s.peak, s.p.StopLoss) {
			s.invested = false
			s.stopped, s.hasStop = now, true
			s.nStop++
			return s.flatten(ctx, "stop loss")
		}
	}
	if !s.invested && s.hasStop && now-s.stopped < int64(s.p.CooldownDays)*data.NanosPerDay {
		return nil
	}
	// A leg whose every instrument's data ended cannot be hedged: hold,
	// never trade the other leg alone.
	if allGone(ctx, s.long) || allGone(ctx, s.short) {
		return nil
	}
	// Decisions at sync points only (every leg has a fresh bar), and on
	// mixed calendars not before a weekend.
	if !syncPoint(ctx, s.idx, s.mixed, s.kind == engine.Market) {
		return nil
	}
	why := onSchedule
	due := !s.invested || s.clock.due(now)
	if !due && ctx.Pending() == 0 && (s.p.DriftBand > 0 || s.p.MaxGross > 0) {
		eq := ctx.Equity()
		if s.p.DriftBand > 0 && past(maxAbsDrift(ctx, s.idx, s.target, eq), s.p.DriftBand) {
			due, why = true, onDrift
		} else if s.p.MaxGross > 0 {
			if g, _ := ctx.Exposure(); past(g, s.p.MaxGross*eq) {
				due, why = true, onGrossCap
			}
		}
	}
	if !due {
		return nil
	}
	h, ok := s.ratio()
	if !ok {
		if s.invested {
			s.invested = false
			s.nNoHedge++
			return s.flatten(ctx, "no hedge")
		}
		return nil
	}
	if !s.invested {
		s.invested = true
		s.peak = ctx.Equity()
	}
	s.clock.reset(now)
	s.nReb++
	switch why {
	case onDrift:
		s.nDrift++
	case onGrossCap:
		s.nGross++
	}
	s.sumH += h
	s.lastH = h
	wL := s.p.Gross / (1 + h)
	wS := s.p.Gross * h / (1 + h)
	if s.p.Hedge == HedgeDollar {
		wL, wS = s.p.Gross/2, s.p.Gross/2
	}
	tagL, tagS := why.legTags()
	nl := len(s.long)
	for j, i := range s.idx {
		w, tag := wL/float64(nl), tagL
		if j >= nl {
			w, tag = -wS/float64(len(s.short)), tagS
		}
		if j >= nl && s.p.Legs == LongLegOnly {
			w = 0 // the long leg alone
		}
		s.target[j] = w
		if (w == 0 && ctx.Position(i) == 0) || gone(ctx, i) {
			continue // nothing to do, or no market left to do it in
		}
		if _, err := ctx.TargetWeight(i, w, s.kind, tag); err != nil {
			return err
		}
	}
	return nil
}

// flatten targets zero in every instrument.
func (s *PairHedge) flatten(ctx *engine.Context, tag string) error {
	for j, i := range s.idx {
		s.target[j] = 0
		// Always submitted, even when flat: a zero target replaces an entry
		// order still pending. A leg without a bar now exits at its next
		// open, not at a close a session later.
		if gone(ctx, i) {
			continue // no bar will come to fill it; it would stay pending
		}
		kind := s.kind
		if ctx.Stale(i) && kind != engine.Market {
			// A zero target replaces a pending target of its own kind
			// only: the close-fill entry of an equity leg decided the
			// session before a holiday would still fill at the next
			// close, after this exit, and hold the leg alone.
			ctx.CancelAll(i)
			kind = engine.Market
		}
		if _, err := ctx.TargetWeight(i, 0, kind, tag); err != nil {
			return err
		}
	}
	return nil
}

// seed fills the return windows from the history before the first OnBar
// (the bars before the experiment's start, which the strategy was not
// shown one by one): the sync points are the dates on which every
// instrument of both legs has a bar, found by intersecting their bar
// times; the last Lookback+1 of them before now give Lookback returns.
// Only past bars are read (History ends at the current bar, which is
// left to record).
func (s *PairHedge) seed(ctx *engine.Context) {
	if s.mixed && intraday(ctx, s.idx) {
		s.seedCurrent(ctx)
		return
	}
	now := ctx.Time()
	var common []int64
	for j, i := range s.idx {
		ts := ctx.HistoryTime(i, ctx.Bars(i))
		if j == 0 {
			for _, t := range ts {
				if t < now {
					common = append(common, t)
				}
			}
			continue
		}
		// Intersect the sorted lists.
		out := common[:0]
		k := 0
		for _, t := range common {
			for k < len(ts) && ts[k] < t {
				k++
			}
			if k < len(ts) && ts[k] == t {
				out = append(out, t)
			}
		}
		common = out
	}
	if len(common)-1 > s.p.Lookback {
		common = common[len(common)-1-s.p.Lookback:]
	}
	if len(common) < 2 {
		return
	}
	s.seedAt(ctx, common)
}

// seedAt pushes the legs' returns between consecutive sync points (at
// least two, before now) and keeps the closes at the last: each
// instrument's latest close at or before each (its close there, at the
// dates every instrument has a bar).
func (s *PairHedge) seedAt(ctx *engine.Context, syncs []int64) {
	closeAt := func(i int, t int64) float64 {
		ts := ctx.HistoryTime(i, ctx.Bars(i))
		k := sort.Search(len(ts), func(k int) bool { return ts[k] > t })
		return ctx.History(i, engine.Close, ctx.Bars(i))[k-1]
	}
	nl := len(s.long)
	for m := 1; m < len(syncs); m++ {
		l, sh := 0.0, 0.0
		for j, i := range s.idx {
			r := closeAt(i, syncs[m])/closeAt(i, syncs[m-1]) - 1
			if j < nl {
				l += r
			} else {
				sh += r
			}
		}
		s.push(l/float64(nl), sh/float64(len(s.idx)-nl))
	}
	for j, i := range s.idx {
		s.prev[j] = closeAt(i, syncs[len(syncs)-1])
	}
	s.synced = true
}

// seedCurrent is seed on intraday bars of two calendars (recordCurrent's
// sync points): walking the bars before now in time order, a sync point
// is an instant at which every instrument has had a bar and is current
// (its latest bar opened less than one of its intervals before), at most
// one in each span of the largest interval; each instrument's value there
// is its latest close. (Live, recordCurrent's allCurrent passes over a
// leg with no bar yet, but OnBar records nothing before every leg has
// one, pricedAll: neither counts an instant before a leg's first bar.)
func (s *PairHedge) seedCurrent(ctx *engine.Context) {
	now := ctx.Time()
	n := len(s.idx)
	ts := make([][]int64, n)
	iv := make([]int64, n)
	span := int64(0)
	for j, i := range s.idx {
		ts[j] = ctx.HistoryTime(i, ctx.Bars(i))
		iv[j] = int64(ctx.Interval(i))
		if iv[j] <= 0 {
			iv[j] = data.NanosPerDay
		}
		span = max(span, iv[j])
	}
	cur := make([]int, n) // per instrument: bars at or before the instant walked
	var syncs []int64
	for {
		t, ok := int64(0), false
		for j := range ts {
			if c := cur[j]; c < len(ts[j]) && ts[j][c] < now && (!ok || ts[j][c] < t) {
				t, ok = ts[j][c], true
			}
		}
		if !ok {
			break
		}
		for j := range ts {
			for cur[j] < len(ts[j]) && ts[j][cur[j]] <= t {
				cur[j]++
			}
		}
		all := true
		for j := range ts {
			if cur[j] == 0 || t-ts[j][cur[j]-1] >= iv[j] {
				all = false
				break
			}
		}
		if all && (len(syncs) == 0 || t-syncs[len(syncs)-1] >= span) {
			syncs = append(syncs, t)
		}
	}
	if len(syncs)-1 > s.p.Lookback {
		syncs = syncs[len(syncs)-1-s.p.Lookback:]
	}
	if len(syncs) < 2 {
		return
	}
	s.seedAt(ctx, syncs)
	s.recAt = syncs[len(syncs)-1]
}

// recordCurrent is record on intraday bars of two calendars, where the
// legs stamped off each other's grid (equities at :30, tokens at :00)
// never all have a fresh bar at one instant, so that record found no
// sync point and a hedge of estimated ratio never traded: a sync point is
// a step at which every live leg is current (allCurrent: its latest bar
// opened less than one of its intervals ago), at most one in each span of
// the legs' largest interval (rebalance_bars counts the same steps), and
// the returns are taken between the instruments' latest closes at
// consecutive sync points.
func (s *PairHedge) recordCurrent(ctx *engine.Context) {
	span, ok := allCurrent(ctx, s.idx)
	now := ctx.Time()
	if !ok || (s.synced && now-s.recAt < span) {
		return
	}
	if s.synced {
		s.pushSince(ctx, true)
	}
	s.markPrev(ctx, true)
	s.recAt = now
}

// out reports whether instrument i is out of a sync point's returns:
// stale (gone, on the record rule) or, on recordCurrent's, without a bar
// yet or gone.
func (s *PairHedge) out(ctx *engine.Context, i int, current bool) bool {
	if current {
		return ctx.Bars(i) == 0 || gone(ctx, i)
	}
	return ctx.Stale(i)
}

// pushSince pushes the legs' mean returns since the previous sync point,
// over the instruments in both (out: not now; prev 0: not then); false,
// pushing nothing, when a leg has none left.
func (s *PairHedge) pushSince(ctx *engine.Context, current bool) bool {
	nl := len(s.long)
	l, sh := 0.0, 0.0
	cl, cs := 0, 0
	for j, i := range s.idx {
		if s.out(ctx, i, current) || !(s.prev[j] > 0) {
			continue // gone, or not in the previous sync point
		}
		r := ctx.Price(i)/s.prev[j] - 1
		if j < nl {
			l, cl = l+r, cl+1
		} else {
			sh, cs = sh+r, cs+1
		}
	}
	if cl == 0 || cs == 0 {
		return false // a leg has no instrument left: no return to record
	}
	s.push(l/float64(cl), sh/float64(cs))
	return true
}

// markPrev keeps each instrument's close at this sync point (0 for one
// out of it: gone, out of the next sync point's returns).
func (s *PairHedge) markPrev(ctx *engine.Context, current bool) {
	for j, i := range s.idx {
		if s.out(ctx, i, current) {
			s.prev[j] = 0
			continue
		}
		s.prev[j] = ctx.Price(i)
	}
	s.synced = true
}

// record appends the legs' returns since the previous sync point when
// every instrument has a fresh bar now (recordCurrent's sync points on
// intraday bars of two calendars).
func (s *PairHedge) record(ctx *engine.Context) {
	if s.mixed && intraday(ctx, s.idx) {
		s.recordCurrent(ctx)
		return
	}
	for _, i := range s.idx {
		if ctx.Stale(i) && !gone(ctx, i) {
			return
		}
	}
	// An instrument whose data ended is left out of the legs' returns
	// from then on: the estimate goes on with the others (it froze at
	// its last value when MARA's file ended beside RIOT and CLSK).
	// The first sync point after one turned gone comes a week or more
	// after the last: its returns span that wait, not one period, and
	// are not recorded.
	spansWait := false
	for j, i := range s.idx {
		if ctx.Stale(i) && s.prev[j] > 0 {
			spansWait = true
		}
	}
	if s.synced && !spansWait {
		s.pushSince(ctx, false) // nothing when a leg had no instrument in the previous sync point
	}
	// Always: a leg back from a hole of more than a week is measured
	// again from here (returning before this left its previous close 0,
	// and the estimate froze for the rest of the run).
	s.markPrev(ctx, false)
}

// push appends one sync-point return of each leg to the ring buffers:
// l and sh, the mean returns of its instruments (equal weights).
// The buffers grow to Lookback as the returns come, so a window longer
// than the data takes only what the data fills (made at full length,
// lookback = 1e12 asked for 16 TB); full, they are rings, oldest at head.
func (s *PairHedge) push(l, sh float64) {
	if len(s.rl) < s.p.Lookback {
		s.rl = append(s.rl, l)
		s.rs = append(s.rs, sh)
		s.nret = len(s.rl)
		s.head = s.nret % s.p.Lookback
		return
	}
	s.rl[s.head] = l
	s.rs[s.head] = sh
	s.head = (s.head + 1) % len(s.rl)
}

// ratio is the hedge ratio h = wS / wL of the mode, from the full window;
// ok is false while the window fills or when h is undefined.
func (s *PairHedge) ratio() (h float64, ok bool) {
	if s.p.Hedge == HedgeDollar {
		return 1, true
	}
	if s.nret < s.p.Lookback {
		return 0, false
	}
	vl, vs, cov := windowMoments(s.rl, s.rs, s.head)
	switch s.p.Hedge {
	case HedgeBeta:
		h = vl / cov // 1/β, β = cov / vl
		if !(cov > 0) {
			return 0, false
		}
	case HedgeVol:
		h = math.Sqrt(vl / vs)
	case HedgeMinVar:
		h = cov / vs
		if !(cov > 0) {
			return 0, false
		}
	}
	if !(h > 0) || math.IsInf(h, 0) || math.IsNaN(h) {
		return 0, false
	}
	return math.Min(math.Max(h, 1/s.p.MaxRatio), s.p.MaxRatio), true
}

// windowMoments returns the sample variances of x and y and their sample
// covariance (divisor n − 1), by two passes over the ring buffers in
// chronological order (oldest at head).
func windowMoments(x, y []float64, head int) (vx, vy, cov float64) {
	n := len(x)
	mx, my := 0.0, 0.0
	for k := 0; k < n; k++ {
		j := (head + k) % n
		mx += x[j]
		my += y[j]
	}
	mx /= float64(n)
	my /= float64(n)
	for k := 0; k < n; k++ {
		j := (head + k) % n
		dx, dy := x[j]-mx, y[j]-my
		vx += dx * dx
		vy += dy * dy
		cov += dx * dy
	}
	d := float64(n - 1)
	return vx / d, vy / d, cov / d
}

// Report gives the run's rebalancing statistics: rebalances (every time
// the targets were set, entries included), drift_rebalances and
// gross_cap_rebalances (those triggered by drift_band and max_gross),
// stop_losses, no_hedge (times the legs were closed because the hedge
// ratio was undefined), and hedge_ratio_mean and hedge_ratio_last (h =
// short weight / long weight over the rebalances; absent without one).
func (s *PairHedge) Report() map[string]float64 {
	out := map[string]float64{
		"rebalances":           float64(s.nReb),
		"drift_rebalances":     float64(s.nDrift),
		"gross_cap_rebalances": float64(s.nGross),
		"stop_losses":          float64(s.nStop),
		"no_hedge":             float64(s.nNoHedge),
	}
	if s.nReb > 0 {
		out["hedge_ratio_mean"] = s.sumH / float64(s.nReb)
		out["hedge_ratio_last"] = s.lastH
	}
	return out
}

// Symbols is the long leg, then the short leg.
func (s *PairHedge) Symbols() []string {
	return append(append([]string{}, s.p.Long...), s.p.Short...)
}

// PairHedgeLongLeg is pair-hedge's Factory.LongLeg: p with legs = "long",
// so the long leg is sized as inside the hedge and rebalanced on the same
// calendar (with a drift band, gross cap or stop-loss its own triggers
// decide, see PairHedgeParams.Legs).
func PairHedgeLongLeg(p Params) Params {
	out := make(Params, len(p)+1)
	for k, v := range p {
		out[k] = v
	}
	out["legs"] = LongLegOnly.String()
	return out
}

// Legs names the hedge's two legs, for PnL attribution.
func (s *PairHedge) Legs() map[string][]string {
	return map[string][]string{"long leg": s.p.Long, "short leg": s.p.Short}
}

// allGone reports whether every instrument of a leg has stopped trading.
func allGone(ctx *engine.Context, idx []int) bool {
	for _, i := range idx {
		if !gone(ctx, i) {
			return false
		}
	}
	return true
}
