package scenarios

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// Scenario is a named, ordered list of shocks with its provenance.
type Scenario struct {
	Name        string
	Description string
	// Source cites where the scenario's figures come from.
	Source string
	// Probability is the scenario's stated probability in (0, 1]; 0 when
	// none is given.
	Probability float64
	// Groups are the scenario's own groups, used for names the experiment's
	// groups do not define (the experiment's definition wins).
	Groups map[string][]string
	// Metadata carries figures that are not price moves (liquidation
	// totals, sentiment indices, ETF flows), as decoded from TOML.
	Metadata map[string]any
	// Shocks apply in this order.
	Shocks []Shock
}

// Shock is one primitive: *Jump, *Volatility, *Correlation, *Liquidity,
// *Funding, *Borrow, *Recall, *Wick, *Transplant or *Propagate.
type Shock interface {
	// Kind is the shock's type (its String is the TOML spelling).
	Kind() ShockKind
	validate() error
	apply(v *view, key string) error
}

// Target addresses instruments by group (defined by the experiment) and by
// symbol. Group members missing from the panel are skipped; a symbol named
// here must be in the panel.
type Target struct {
	Groups  []string
	Symbols []string
}

// When places a shock in time. Date wins when set (Dated: non-zero, or
// DateSet for 1970-01-01, Unix time 0); otherwise Random
// draws a calendar day (ApplyOptions.Rand); otherwise Day is an offset in
// calendar days from ApplyOptions.Start. A shock placed on a day hits
// each instrument's first bar at or after 00:00 UTC of that day (on
// intraday bars, the day's first bar); the `time` key of a scenario file
// sets Date to an exact instant instead: a gap hits each instrument's
// first bar that opens at or after it, a move during the bar its first
// bar that has not closed by then (view.hit). An instrument whose first
// bar comes after the shock (trading days after its date, or after its
// instant on that date) takes only the rest of a jump's path or a replay
// (docs/scenarios.md).
type When struct {
	Date   int64 // UTC ns of a calendar date (00:00), or of an exact instant
	Day    int   // offset in calendar days from the start
	Random bool
	// Time says Date came from the file's `time` key (an instant), not
	// `date`: errors name the key given.
	Time bool
	// DateSet makes Date a date even at 0 (1970-01-01T00:00Z), which
	// would otherwise read as no date. The parser sets it whenever the
	// file gives date or time.
	DateSet bool
}

// Dated reports whether Date places the shock: non-zero, or DateSet.
func (w When) Dated() bool { return w.Date != 0 || w.DateSet }

// timing is promoted to every shock type, which embeds When.
func (w When) timing() When { return w }

func (t Target) target() Target { return t }

// TargetOf returns the instruments a shock targets (groups and symbols);
// false for a shock type without targets.
func TargetOf(s Shock) (Target, bool) {
	t, ok := s.(interface{ target() Target })
	if !ok {
		return Target{}, false
	}
	return t.target(), true
}

// Timing returns a shock's placement; false for a shock type without one.
func Timing(s Shock) (When, bool) {
	t, ok := s.(interface{ timing() When })
	if !ok {
		return When{}, false
	}
	return t.timing(), true
}

// Window is the length of a regime: Until (exclusive, UTC ns) when set
// (HasUntil: non-zero, or UntilSet for 1970-01-01), else Days calendar
// days from the shock's date.
type Window struct {
	Days  int
	Until int64
	// UntilSet makes Until an end even at 0 (1970-01-01), which would
	// otherwise read as none. The parser sets it whenever the file gives
	// until.
	UntilSet bool
}

// HasUntil reports whether Until ends the window: non-zero, or UntilSet.
func (w Window) HasUntil() bool { return w.Until != 0 || w.UntilSet }

// window is promoted to every regime shock type, which embeds Window.
func (w Window) window() Window { return w }

// WindowOf returns a regime shock's window; false for a shock type
// without one (a jump, a recall, a wick, a transplant).
func WindowOf(s Shock) (Window, bool) {
	w, ok := s.(interface{ window() Window })
	if !ok {
		return Window{}, false
	}
	return w.window(), true
}

// JumpPath shapes a multiplicative move: spread over SpreadDays bars
// (default 1), as a gap at the open (Gap) or during the bar, with Recover
// of the move (a fraction in [0, 1]) given back over RecoverDays bars.
type JumpPath struct {
	Gap         bool
	SpreadDays  int
	Recover     float64
	RecoverDays int
}

// Jump moves its targets by Move (Overrides per symbol) from a date on.
type Jump struct {
	Target
	When
	JumpPath
	Move      float64
	Overrides map[string]float64
}

// Volatility scales log returns' deviations from their window mean by K.
type Volatility struct {
	Target
	When
	Window
	K float64
}

// Correlation pulls returns toward the group's cross-sectional mean by Rho.
type Correlation struct {
	Target
	When
	Window
	Rho float64
}

// Liquidity multiplies slippage and spread (in the Env) and volume (in
// the panel) over a window. A zero multiplier means "unchanged" except for
// VolumeMult, where NaN means unchanged.
type Liquidity struct {
	Target
	When
	Window
	SlippageMult, SpreadMult float64 // 0 = unchanged
	VolumeMult               float64 // NaN = unchanged
}

// Funding sets (Rate, when SetRate) or multiplies (Mult) the perpetual
// funding rate over a window. Rate is a fraction per funding event (the
// broker's unit, 8-hourly by default); positive means longs pay shorts.
type Funding struct {
	Target
	When
	Window
	SetRate bool
	Rate    float64
	Mult    float64
}

// Borrow sets (Rate, when SetRate) or multiplies (Mult) the borrow rate of
// short positions over a window. Rate is an annual fraction.
type Borrow struct {
	Target
	When
	Window
	SetRate bool
	Rate    float64
	Mult    float64
}

// Recall recalls borrowed shares of its targets at their first bar on or
// after the date: the broker closes short positions there.
type Recall struct {
	Target
	When
}

// Wick pushes the low (Move < 0) or the high (Move > 0) of the bar at the
// date beyond by Move: low' = low·(1+Move), high' = high·(1+Move). When
// Close is non-zero the bar's close first moves by Close (during the bar;
// later bars carry the level).
type Wick struct {
	Target
	When
	Move  float64
	Close float64
}

// Transplant splices the real returns of its targets over [From, To) of a
// source panel (ApplyOptions.Source, or the panel itself when Self) into
// the path at the date. SourceSymbols maps a target symbol to the source's
// symbol when they differ (RENDER → RNDR). From and To are UTC ns of
// dates, 0 being 1970-01-01 (a date, not none: a file must give both).
type Transplant struct {
	Target
	When
	From, To      int64
	Self          bool
	SourceSymbols map[string]string
}

// Propagate moves Drivers (symbol → move) and spreads the move to the
// targets by their OLS betas to the drivers, estimated on the log returns
// between the dates where a target and all drivers have bars, over
// LookbackDays calendar days before the shock date (past data only).
type Propagate struct {
	Target
	When
	JumpPath
	Drivers      map[string]float64
	LookbackDays int // default 365
	MinObs       int // default 30
}

func (*Jump) Kind() ShockKind        { return KindJump }
func (*Volatility) Kind() ShockKind  { return KindVolatility }
func (*Correlation) Kind() ShockKind { return KindCorrelation }
func (*Liquidity) Kind() ShockKind   { return KindLiquidity }
func (*Funding) Kind() ShockKind     { return KindFunding }
func (*Borrow) Kind() ShockKind      { return KindBorrow }
func (*Recall) Kind() ShockKind      { return KindRecall }
func (*Wick) Kind() ShockKind        { return KindWick }
func (*Transplant) Kind() ShockKind  { return KindTransplant }
func (*Propagate) Kind() ShockKind   { return KindPropagate }

// ApplyOptions are what a scenario needs beyond the panel.
type ApplyOptions struct {
	// Source holds real returns for transplants (a historical panel).
	Source *data.Panel
	// Rand draws random dates; required only by shocks with Random.
	Rand *rand.Rand
	// Start is day 0 of Day offsets and the first candidate random date;
	// 0 = the panel's first bar, unless StartSet.
	Start int64
	// StartSet makes Start a date even at 0 (1970-01-01): with a panel
	// from before 1970, 0 would be its first bar.
	StartSet bool
	// Note, when set, hears what a shock left undone that the caller
	// should say: a group member a historical replay has no bars for
	// (symbol, the instrument left unshocked, and text, why).
	Note func(symbol, text string)
	// Said, when set, hears what a shock did that the caller should say
	// and that Note does not cover: an instrument that first trades after
	// a jump or a replay began takes only the rest of it.
	Said func(symbol, text string)
	// Drawn, when set, hears each date a Random shock drew: the shock's
	// index in the scenario and the date.
	Drawn func(shock int, at int64)
	// Splits, by symbol, are the stock splits of raw (unadjusted) prices
	// (an experiment's [[splits]]): at an instrument's first bar at or
	// after a split's Time its close falls by the ratio without a loss
	// to the holder, whose shares the engine multiplies by it. A regime
	// (volatility, correlation), a replay (its source and its target)
	// and a propagation's betas read the holder's return across it, the
	// close times the ratio, and rebuild raw closes that still fall by
	// it there; a jump or a wick scales prices and needs none.
	Splits map[string][]engine.Split
	// SourceSplits, when not nil, are the splits of Source's prices in
	// place of Splits (a replay from the panel itself, self = true, reads
	// Splits): a Monte Carlo path carries no split of its own while the
	// source it replays holds every one, past the history's end too
	// (MonteCarlo.HistorySplits).
	SourceSplits map[string][]engine.Split
	// Dividends, by symbol, are the cash dividends of raw prices (an
	// experiment's [[dividends]] or dividends_from), as the engine pays
	// them (engine.Dividend): at an instrument's first bar at or after a
	// dividend's Time its close falls by the amount, which the engine
	// pays the holder in cash. As for a split, a regime, a replay (its
	// source and its target) and a propagation's betas read the holder's
	// return across it, the close plus the dividend over the close
	// before (times a split's ratio there; the amount is per share after
	// a split of its date), and rebuild raw closes that still fall by the
	// amount there: the close before times the holder's return, less the
	// dividend; a jump (and a wick's close move) multiplies the holder's
	// return by its step, so a later ex-date's close still falls by the
	// amount, not by the amount scaled with the prices. Without them a replay laid the source's ex-date fall as
	// a loss nothing paid, and a bar it rebuilt on the run's own ex-date
	// had no fall while the engine paid the dividend.
	Dividends map[string][]engine.Dividend
	// SourceDividends, when not nil, are the cash dividends of Source's
	// prices in place of Dividends (a replay from the panel itself, self
	// = true, reads Dividends): the replay's source runs past the
	// history whose dividends the run is paid, and a Monte Carlo path's
	// dividends are those of the dates it draws.
	SourceDividends map[string][]engine.Dividend
}

// Validate checks the scenario without a panel: names, ranges and dates.
// Errors name the key: `shock[2].move = -1.2: a move below -100%`.
func (s *Scenario) Validate() error {
	if strings.TrimSpace(s.Name) == "" {
		return fmt.Errorf("name: required")
	}
	if s.Probability < 0 || s.Probability > 1 || math.IsNaN(s.Probability) {
		return fmt.Errorf("probability = %g: want a fraction in (0, 1]", s.Probability)
	}
	for _, g := range slices.Sorted(maps.Keys(s.Groups)) {
		if len(s.Groups[g]) == 0 {
			return fmt.Errorf("groups.%s: an empty group", g)
		}
		if err := CheckGroup(g, s.Groups[g]); err != nil {
			return err
		}
	}
	if len(s.Shocks) == 0 {
		return fmt.Errorf("shock: at least one [[shock]] is required")
	}
	for i, sh := range s.Shocks {
		if sh == nil {
			return fmt.Errorf("shock[%d]: nil", i)
		}
		if err := sh.validate(); err != nil {
			return fmt.Errorf("shock[%d]%s", i, err.Error())
		}
	}
	return nil
}

// CheckGroup checks the members of group name (a scenario's or an
// experiment's [groups]): each spelt as the data name instruments (upper
// case, without a quote currency: data.CanonicalSymbol), since another
// spelling ("btc", "BTC-USD") matches none and the shocks on the group
// would leave it out without a word. Errors name groups.NAME[i].
func CheckGroup(name string, members []string) error {
	for i, sym := range members {
		switch c := data.CanonicalSymbol(sym); {
		case strings.TrimSpace(sym) == "":
			return fmt.Errorf("groups.%s[%d] = %q: an empty symbol", name, i, sym)
		case strings.TrimSpace(sym) != sym:
			return fmt.Errorf("groups.%s[%d] = %q: white space around the symbol (want %q)", name, i, sym, strings.TrimSpace(sym))
		case c != sym:
			return fmt.Errorf("groups.%s[%d] = %q: the data name it %q (upper case, without a quote currency): write %q", name, i, sym, c, c)
		}
	}
	return nil
}

// Apply returns a shocked view of p and the environment the broker reads.
// p is never written: columns of instruments no shock touches are shared
// with p, the others are copies. Groups resolve in three layers: the
// built-in DefaultGroups(), the scenario's own [groups] over them, and
// groups (the experiment's) over both; nil adds nothing.
// Errors name the scenario and the shock's key.
func (s *Scenario) Apply(p *data.Panel, groups map[string][]string, opt ApplyOptions) (*data.Panel, *Env, error) {
	if err := s.Validate(); err != nil {
		return nil, nil, fmt.Errorf("scenario %q: %w", s.Name, err)
	}
	// Groups: the built-in ones, then the scenario's own [groups] over
	// them, then the caller's (the experiment's) over both.
	merged := DefaultGroups()
	for k, g := range s.Groups {
		merged[k] = g
	}
	for k, g := range groups {
		merged[k] = g
	}
	groups = merged
	v := newView(p, groups, opt)
	for i, sh := range s.Shocks {
		key := fmt.Sprintf("shock[%d]", i)
		v.shock = i
		if err := sh.apply(v, key); err != nil {
			return nil, nil, fmt.Errorf("scenario %q: %w", s.Name, err)
		}
		if err := v.enforceOHLC(key); err != nil {
			return nil, nil, fmt.Errorf("scenario %q: %w", s.Name, err)
		}
	}
	v.out.Description = strings.TrimSpace(p.Description + " + scenario " + s.Name)
	return v.out, v.env.build(), nil
}

// MetadataKeys lists the metadata keys in sorted order.
func (s *Scenario) MetadataKeys() []string {
	return slices.Sorted(maps.Keys(s.Metadata))
}
