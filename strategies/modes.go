package strategies

import (
	"fmt"

	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/engine"
)

// Modes are typed constants read from their TOML spelling by
// UnmarshalText, so a bad value is a decode error naming the key and the
// spellings (`hedge = "delta": want "dollar", "beta", "vol" or
// "minvar"`). The zero value of each is its default.

// HedgeMode is how pair-hedge sizes its legs against each other.
type HedgeMode uint8

// The hedge modes (see PairHedge for the formulas).
const (
	HedgeDollar HedgeMode = iota // "dollar": equal notional (default)
	HedgeBeta                    // "beta": beta-neutral to the long leg
	HedgeVol                     // "vol": inverse to each leg's volatility
	HedgeMinVar                  // "minvar": minimum variance of long − h × short
)

func (HedgeMode) spellings() []string { return []string{"dollar", "beta", "vol", "minvar"} }

func (m HedgeMode) String() string { return spell(m) }

// MarshalText writes the TOML spelling.
func (m HedgeMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads the TOML spelling.
func (m *HedgeMode) UnmarshalText(b []byte) error { return read(b, m) }

// Fill is when every built-in strategy's orders trade, the fill key of
// its params (and of the experiment file, for every strategy that does not
// set its own).
//
// "next-open" (default) sends market orders, which fill at each
// instrument's next open: the decision uses the close, the trade happens
// at the first price after it. "close" sends market-on-close orders, which
// fill at the close of the bar the decision was made on: the convention of
// backtrader's cheat-on-close, vectorbt's default close fills and LEAN's
// market-on-close orders. It is not look-ahead as long as the decision
// uses that close only as the last price seen, which is all OnBar can
// see; but it assumes an order can be placed with knowledge of the close
// and still trade at it, which a real market-on-close order, submitted
// before the auction, cannot quite do (docs/strategies.md, "Fill"). On
// mixed daily calendars an equity's order decided at a step that shows a
// token's bar fills at the equity's next close: the equity closes at
// 16:00 New York, before the token's 24:00 UTC close the decision saw.
type Fill uint8

// The fills.
const (
	FillNextOpen Fill = iota // "next-open": market orders at each instrument's next open (default)
	FillClose                // "close": market-on-close orders at the decision bar's close (an equity beside tokens: its next close)
)

func (Fill) spellings() []string { return []string{"next-open", "close"} }

func (f Fill) String() string { return spell(f) }

// MarshalText writes the TOML spelling.
func (f Fill) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText reads the TOML spelling.
func (f *Fill) UnmarshalText(b []byte) error { return read(b, f) }

// Kind is the order kind of the fill: engine.Market or
// engine.MarketOnClose.
func (f Fill) Kind() engine.OrderKind {
	if f == FillClose {
		return engine.MarketOnClose
	}
	return engine.Market
}

// Execution is pair-hedge's older name of Fill, kept as the key
// execution: "open" is fill = "next-open", "close" is fill = "close".
type Execution uint8

// The executions.
const (
	AtNextOpen Execution = iota // "open": market orders at each instrument's next open (default)
	AtClose                     // "close": market-on-close orders at the closes the decision was made on (an equity beside tokens: its next close)
)

func (Execution) spellings() []string { return []string{"open", "close"} }

func (e Execution) String() string { return spell(e) }

// MarshalText writes the TOML spelling.
func (e Execution) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads the TOML spelling.
func (e *Execution) UnmarshalText(b []byte) error { return read(b, e) }

// fill is the Fill the execution names.
func (e Execution) fill() Fill {
	if e == AtClose {
		return FillClose
	}
	return FillNextOpen
}

// LegSet is which of pair-hedge's legs are held.
type LegSet uint8

// The leg sets.
const (
	BothLegs    LegSet = iota // "both": the hedge (default)
	LongLegOnly               // "long": the long leg alone, sized as in the hedge
)

func (LegSet) spellings() []string { return []string{"both", "long"} }

func (l LegSet) String() string { return spell(l) }

// MarshalText writes the TOML spelling.
func (l LegSet) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads the TOML spelling.
func (l *LegSet) UnmarshalText(b []byte) error { return read(b, l) }

// EntryMode is when scaled-entry buys a tranche.
type EntryMode uint8

// The entry modes (see ScaledEntry).
const (
	EntryDrawdown EntryMode = iota // "drawdown": at drawdown levels from the running peak (default)
	EntrySchedule                  // "schedule": every every_days (dollar-cost averaging)
	EntryPyramid                   // "pyramid": on each rise of step above the last fill
)

func (EntryMode) spellings() []string { return []string{"drawdown", "schedule", "pyramid"} }

func (m EntryMode) String() string { return spell(m) }

// MarshalText writes the TOML spelling.
func (m EntryMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads the TOML spelling.
func (m *EntryMode) UnmarshalText(b []byte) error { return read(b, m) }

// trigger is why a rebalance happens; it names the fills' tags.
type trigger uint8

const (
	onSchedule trigger = iota // the calendar, an entry or a first price
	onDrift                   // a weight drifted past drift_band
	onGrossCap                // gross exposure passed max_gross
)

// String is the fill tag: "rebalance", "drift" or "gross cap".
func (t trigger) String() string {
	switch t {
	case onDrift:
		return "drift"
	case onGrossCap:
		return "gross cap"
	}
	return "rebalance"
}

// legTags are the fill tags of a pair's legs: "drift long", "drift short".
func (t trigger) legTags() (long, short string) {
	switch t {
	case onDrift:
		return "drift long", "drift short"
	case onGrossCap:
		return "gross cap long", "gross cap short"
	}
	return "rebalance long", "rebalance short"
}

// mode is a typed constant with TOML spellings, indexed by its value.
type mode interface {
	~uint8
	spellings() []string
}

func spell[T mode](v T) string {
	if s := v.spellings(); int(v) < len(s) {
		return s[v]
	}
	return fmt.Sprintf("%d", uint8(v))
}

func read[T mode](b []byte, dst *T) error {
	i, err := strict.Enum((*dst).spellings(), string(b))
	if err != nil {
		return err
	}
	*dst = T(i)
	return nil
}

// valid reports whether v is one of its type's constants.
func valid[T mode](v T) bool { return int(v) < len(v.spellings()) }
