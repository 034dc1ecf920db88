package strategies

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/engine"
)

// WeightsParams configures weights. Weights are signed fractions of
// equity (−0.2 = a short worth 20 % of equity).
type WeightsParams struct {
	// Symbols fixes the basket and its order, and gives the positions of
	// an array of Weights. Optional when Weights is a table or a Schedule
	// is given: the basket is then every symbol named, sorted.
	Symbols []string `toml:"symbols"`
	// Weights are the weights held from the start (until the first
	// Schedule date): a table { MARA = 0.1, RIOT = 0.1 } or an array
	// aligned with Symbols. A symbol left out has weight 0. Without
	// Weights the strategy holds nothing before the first Schedule date.
	Weights WeightSpec `toml:"weights"`
	// Schedule switches the weights on dates: [{ date = "2024-01-01",
	// weights = { BTC = 0.1, MSFT = 0.3 } }, ...], dates strictly
	// increasing (a string YYYY-MM-DD or a TOML date). From the first slice
	// at or after a date, its weights are the targets (symbols not named
	// are closed); the orders fill at the next open.
	Schedule []ScheduleEntry `toml:"schedule"`
	// RebalanceDays, when > 0, brings the positions back to the targets
	// every so many calendar days. Default 0 (only when the targets change).
	RebalanceDays int `toml:"rebalance_days"`
	// RebalanceBars, when > 0, brings the positions back to the targets
	// every so many of the basket's sync points (steps at which every
	// priced instrument of the basket has a fresh bar). Not with
	// RebalanceDays. Default 0; 0 to 100,000,000.
	RebalanceBars int `toml:"rebalance_bars"`
	// DriftBand, when > 0, rebalances as soon as any weight (value /
	// equity at a close) is more than this far from its target. Default 0
	// (off); [0, 10].
	DriftBand float64 `toml:"drift_band"`
	// MaxGross bounds Σ|weights| of every weight set, as a multiple of
	// equity: above 1 is leverage (borrowed cash). Default 1; (0, 10].
	MaxGross float64 `toml:"max_gross"`
	// Fill is when the orders trade: "next-open" (default) or "close"
	// (market-on-close at the decision bar's close; on mixed daily
	// calendars an equity's at its next close).
	Fill Fill `toml:"fill"`
}

// WeightSpec is a set of weights written either as a TOML table keyed by
// symbol or as an array aligned with the symbols key. It is interpreted by
// WeightsParams.Validate, which names the key of a bad value.
type WeightSpec struct {
	raw any
}

// UnmarshalTOML keeps the value for Validate.
func (w *WeightSpec) UnmarshalTOML(v any) error {
	w.raw = v
	return nil
}

// ScheduleEntry is one date of a weights schedule.
type ScheduleEntry struct {
	Date    Date               `toml:"date"`
	Weights map[string]float64 `toml:"weights"`
	// DateSet makes a Date of 0 a date, 1970-01-01, not none (which
	// Validate refuses): NewWeights sets it for an entry whose params give
	// date; a Go caller building the entry at 0 sets it.
	DateSet bool `toml:"-"`
}

// Date is a calendar date read from TOML (a "YYYY-MM-DD" string or a TOML
// date), held as UTC nanoseconds at 00:00; 0 when unset.
type Date = data.Date

// Validate names the bad key and resolves the weight sets.
func (p *WeightsParams) Validate() error {
	if math.IsNaN(p.MaxGross) || !(p.MaxGross > 0 && p.MaxGross <= 10) {
		return fmt.Errorf("max_gross = %g: want a leverage in (0, 10]", p.MaxGross)
	}
	if err := checkClock(p.RebalanceDays, p.RebalanceBars); err != nil {
		return err
	}
	if !valid(p.Fill) {
		return fmt.Errorf("fill = %v: want %s", p.Fill, strict.OneOf(p.Fill.spellings()))
	}
	if math.IsNaN(p.DriftBand) || p.DriftBand < 0 || p.DriftBand > 10 {
		return fmt.Errorf("drift_band = %g: want a weight deviation in [0, 10] (0 = off)", p.DriftBand)
	}
	if p.Weights.raw == nil && len(p.Schedule) == 0 {
		return fmt.Errorf("weights: required (a table { SYM = weight }, or an array with symbols), or a schedule")
	}
	switch p.Weights.raw.(type) {
	case nil, map[string]any, []any:
	default:
		return fmt.Errorf("weights: want a table { SYM = weight } or an array, got %v", p.Weights.raw)
	}
	if err := checkSymbols(p.Symbols); err != nil {
		return err
	}
	if _, ok := p.Weights.raw.([]any); ok && len(p.Symbols) == 0 {
		return fmt.Errorf("symbols: required with an array of weights (or write weights as a table)")
	}
	if len(p.Symbols) == 0 {
		// The basket is every symbol named, sorted.
		seen := map[string]bool{}
		if m, ok := p.Weights.raw.(map[string]any); ok {
			for s := range m {
				seen[s] = true
			}
		}
		for _, e := range p.Schedule {
			for s := range e.Weights {
				seen[s] = true
			}
		}
		for s := range seen {
			p.Symbols = append(p.Symbols, s)
		}
		sort.Strings(p.Symbols)
	}
	if len(p.Symbols) == 0 {
		return fmt.Errorf("symbols: no symbol is named")
	}
	for k, e := range p.Schedule {
		if e.Date == 0 && !e.DateSet {
			return fmt.Errorf("schedule[%d].date: required", k)
		}
		if k > 0 && e.Date <= p.Schedule[k-1].Date {
			return fmt.Errorf("schedule[%d].date = %s: dates must increase strictly", k, data.FormatDay(int64(e.Date)))
		}
	}
	return nil
}

// weightSets resolves the weight sets over p.Symbols: the base set (nil
// without Weights) and one per schedule entry. Keys are named in errors.
func (p *WeightsParams) weightSets() (base []float64, sched [][]float64, err error) {
	pos := make(map[string]int, len(p.Symbols))
	for j, s := range p.Symbols {
		pos[s] = j
	}
	fromTable := func(key string, m map[string]float64) ([]float64, error) {
		w := make([]float64, len(p.Symbols))
		// The first symbol not in symbols by name, the same on every run.
		for _, s := range slices.Sorted(maps.Keys(m)) {
			j, ok := pos[s]
			if !ok {
				return nil, fmt.Errorf("%s.%s: %q is not in symbols", key, s, s)
			}
			w[j] = m[s]
		}
		return w, nil
	}
	switch x := p.Weights.raw.(type) {
	case nil:
	case map[string]any:
		m := make(map[string]float64, len(x))
		// The first bad weight in the order of its names, the same on every run.
		for _, s := range slices.Sorted(maps.Keys(x)) {
			v := x[s]
			f, ok := number(v)
			if !ok {
				return nil, nil, fmt.Errorf("weights.%s = %s: want a number%s", s, strict.Format(v), strict.NumberHint(v, false))
			}
			m[s] = f
		}
		if base, err = fromTable("weights", m); err != nil {
			return nil, nil, err
		}
	case []any:
		if len(x) != len(p.Symbols) {
			return nil, nil, fmt.Errorf("weights: %d weights for %d symbols", len(x), len(p.Symbols))
		}
		base = make([]float64, len(x))
		for j, v := range x {
			f, ok := number(v)
			if !ok {
				return nil, nil, fmt.Errorf("weights[%d] = %s: want a number%s", j, strict.Format(v), strict.NumberHint(v, false))
			}
			base[j] = f
		}
	default:
		return nil, nil, fmt.Errorf("weights: want a table { SYM = weight } or an array, got %v", x)
	}
	if base != nil {
		if err := p.checkSet("weights", base); err != nil {
			return nil, nil, err
		}
	}
	for k, e := range p.Schedule {
		key := fmt.Sprintf("schedule[%d].weights", k)
		w, err := fromTable(key, e.Weights)
		if err != nil {
			return nil, nil, err
		}
		if err := p.checkSet(key, w); err != nil {
			return nil, nil, err
		}
		sched = append(sched, w)
	}
	return base, sched, nil
}

// checkSet checks one weight set against MaxGross.
func (p *WeightsParams) checkSet(key string, w []float64) error {
	sum := 0.0
	for j, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > p.MaxGross {
			return fmt.Errorf("%s.%s = %g: want a weight in [-max_gross, max_gross] = [%g, %g]", key, p.Symbols[j], v, -p.MaxGross, p.MaxGross)
		}
		sum += math.Abs(v)
	}
	if sum > p.MaxGross+1e-9 {
		return fmt.Errorf("%s: absolute weights sum to %g, more than max_gross = %g", key, sum, p.MaxGross)
	}
	return nil
}

// number reads a TOML number as float64.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// Weights holds fixed or scheduled target weights over a basket. Targets
// are set (Market orders, filled at each instrument's next open, or with
// Fill "close" market-on-close orders at the decision's closes; tagged
// "rebalance", "schedule YYYY-MM-DD" or "drift") at the first slice, when
// a schedule date is reached, every RebalanceDays (or RebalanceBars sync
// points), when a weight drifts past DriftBand (checked at every slice
// while no order is pending), and when an instrument gets its first bar.
// Instruments without a price yet are left out (their weight stays in
// cash) until their first bar: a basket of miners listed at different
// dates is held as each one appears.
type Weights struct {
	p      WeightsParams
	idx    []int
	base   []float64   // nil: flat before the first schedule date
	sched  [][]float64 // one set per schedule entry
	tags   []string    // "schedule YYYY-MM-DD"
	zero   []float64
	cur    []float64 // the targets now
	next   int       // next schedule entry to reach
	priced []bool
	clock  clock // the calendar; not begun before the first rebalance

	fillSet bool // params set fill

	nReb, nSched, nDrift int // for Report
}

// NewWeights builds weights from its parameters.
func NewWeights(params Params) (engine.Strategy, error) {
	p := WeightsParams{MaxGross: 1}
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	for k := range p.Schedule {
		p.Schedule[k].DateSet = scheduleDated(params["schedule"], k)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	base, sched, err := p.weightSets()
	if err != nil {
		return nil, err
	}
	s := &Weights{p: p, base: base, sched: sched, zero: make([]float64, len(p.Symbols))}
	for _, e := range p.Schedule {
		s.tags = append(s.tags, "schedule "+data.FormatDay(int64(e.Date)))
	}
	_, s.fillSet = params["fill"]
	return s, nil
}

// scheduleDated reports whether entry k of a schedule as written in
// params (a list of tables: []any from a TOML file, []map[string]any from
// Go) gives its date: 1970-01-01 decodes to 0, as a date left out does.
func scheduleDated(v any, k int) bool {
	var m map[string]any
	switch l := v.(type) {
	case []map[string]any:
		if k < len(l) {
			m = l[k]
		}
	case []any:
		if k < len(l) {
			m, _ = l[k].(map[string]any)
		}
	}
	_, ok := m["date"]
	return ok
}

// FillSet reports whether the params set fill (Filler).
func (s *Weights) FillSet() bool { return s.fillSet }

// Init resolves the basket and resets the state.
func (s *Weights) Init(ctx *engine.Context) error {
	idx, err := resolve(ctx, "symbols", s.p.Symbols)
	if err != nil {
		return err
	}
	s.idx = idx
	s.priced = make([]bool, len(idx))
	s.cur = s.base
	if s.cur == nil {
		s.cur = s.zero
	}
	s.next = 0
	s.clock = clock{days: s.p.RebalanceDays, bars: s.p.RebalanceBars}
	s.nReb, s.nSched, s.nDrift = 0, 0, 0
	return nil
}

// OnBar rebalances when due.
func (s *Weights) OnBar(ctx *engine.Context, _ *engine.Slice) error {
	dropGone(ctx, s.idx)
	s.clock.tick(ctx, s.idx)
	kind := s.p.Fill.Kind()
	if !syncPoint(ctx, s.idx, mixedCalendars(ctx, s.idx), kind == engine.Market) {
		return nil
	}
	now := ctx.Time()
	why, tag := onSchedule, ""
	live := false
	for j, i := range s.idx {
		if !s.priced[j] && ctx.Bars(i) > 0 {
			s.priced[j] = true
			tag = onSchedule.String()
		}
		live = live || s.priced[j]
	}
	if !live {
		return nil
	}
	for s.next < len(s.sched) && now >= int64(s.p.Schedule[s.next].Date) {
		s.cur = s.sched[s.next]
		tag = s.tags[s.next]
		s.next++
		s.nSched++
	}
	switch {
	case tag != "":
	case !s.clock.begun:
		tag = onSchedule.String()
	case s.clock.due(now):
		tag = onSchedule.String()
	case s.p.DriftBand > 0 && ctx.Pending() == 0 && past(s.drift(ctx), s.p.DriftBand):
		why, tag = onDrift, onDrift.String()
	default:
		return nil
	}
	s.clock.reset(now)
	s.nReb++
	if why == onDrift {
		s.nDrift++
	}
	for j, i := range s.idx {
		if !s.priced[j] || gone(ctx, i) {
			continue // not listed yet, or its data ended: no order can fill
		}
		if _, err := ctx.TargetWeight(i, s.cur[j], kind, tag); err != nil {
			return err
		}
	}
	return nil
}

// drift is the largest |weight − target| over the priced instruments.
func (s *Weights) drift(ctx *engine.Context) float64 {
	eq := ctx.Equity()
	m := 0.0
	for j, i := range s.idx {
		if !s.priced[j] || gone(ctx, i) {
			continue
		}
		w := ctx.Position(i) * ctx.Price(i) / eq
		if d := math.Abs(w - s.cur[j]); d > m {
			m = d
		}
	}
	return m
}

// Report gives rebalances (every time the targets were set),
// drift_rebalances (triggered by drift_band) and schedule_switches
// (schedule dates reached).
func (s *Weights) Report() map[string]float64 {
	return map[string]float64{
		"rebalances":        float64(s.nReb),
		"drift_rebalances":  float64(s.nDrift),
		"schedule_switches": float64(s.nSched),
	}
}

// Symbols is the basket.
func (s *Weights) Symbols() []string { return s.p.Symbols }

// FillRate bounds the run's fills (FillBounder): an order per symbol at
// each decision; a decision at the first step, at a step that reaches
// schedule dates, at a symbol's first price and, with rebalance_days or
// rebalance_bars, once a period (a decision of any kind starts the next
// period); with a drift band, at any step.
func (s *Weights) FillRate() FillRate {
	r := FillRate{Orders: len(s.p.Symbols)}
	if s.p.DriftBand > 0 {
		return r
	}
	r.Extra = len(s.p.Schedule) + len(s.p.Symbols)
	if s.p.RebalanceDays > 0 || s.p.RebalanceBars > 0 {
		// The first decision is the first period's.
		r.Decisions, r.Days, r.Bars = 1, s.p.RebalanceDays, s.p.RebalanceBars
		return r
	}
	r.Extra++ // the first step's
	return r
}
