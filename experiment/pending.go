package experiment

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// The orders a run left pending at its end (engine.Result.Pending) never
// filled and no event reported them: a market order decided at the last
// close, an order on an instrument whose data ended, an entry whose limit
// the price never came to. A note names them per run, the runs of one
// strategy (a sweep's) in one line. Orders resting at the end by design —
// a protective stop or take-profit on a position still open, a bracket
// leg on a flat position — are the normal state of a strategy that keeps
// its stops: they are counted in a note that is written for the others,
// and give none of their own.

// pendingNotes notes, per strategy, the baseline runs that ended with
// orders that never filled and were not resting by design.
func pendingNotes(runs []RunResult) []string {
	var notes []string
	var strategies []string
	byStrategy := map[string][]int{}
	total := map[string]int{}
	for i := range runs {
		r := &runs[i]
		if !r.Baseline() {
			continue
		}
		if _, ok := total[r.Strategy]; !ok {
			strategies = append(strategies, r.Strategy)
		}
		total[r.Strategy]++
		if r.Result != nil && pendingSummary(r.Result.Pending) != "" {
			byStrategy[r.Strategy] = append(byStrategy[r.Strategy], i)
		}
	}
	for _, s := range strategies {
		idx := byStrategy[s]
		if len(idx) == 0 {
			continue
		}
		if total[s] == 1 {
			r := &runs[idx[0]]
			notes = append(notes, fmt.Sprintf("run %s: %s", r.Key, pendingSummary(r.Result.Pending)))
			continue
		}
		// The runs by summary, each group in run order, the groups in
		// order of their first run.
		at := map[string]int{}
		var texts []string
		var groups [][]string
		for _, i := range idx {
			text := pendingSummary(runs[i].Result.Pending)
			g, ok := at[text]
			if !ok {
				g = len(groups)
				at[text] = g
				texts, groups = append(texts, text), append(groups, nil)
			}
			groups[g] = append(groups[g], runs[i].Key)
		}
		var shown []string
		for g := range groups {
			if g == 3 {
				shown = append(shown, fmt.Sprintf("and %d more run(s) with other such orders", countFrom(groups[3:])))
				break
			}
			who := "run " + groups[g][0]
			if len(groups[g]) > 1 {
				who = "runs " + firstN(groups[g], 3)
			}
			shown = append(shown, who+": "+texts[g])
		}
		what := "sweep"
		if len(runs[idx[0]].Swept) == 0 {
			what = "strategy"
		}
		notes = append(notes, fmt.Sprintf("%s %s: %d of its %d runs end with orders still pending that never filled; %s",
			what, s, len(idx), total[s], strings.Join(shown, "; ")))
	}
	return notes
}

// countFrom counts the runs of groups.
func countFrom(groups [][]string) int {
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	return n
}

// pendingSummary says what a run's pending orders at its end were, or ""
// when none is to tell (none, or only orders resting by design):
// "3 orders still pending at the end (never filled): 2 market orders
// with no bar after their placement, on 2024-01-05 (AAA, CCC); 1 limit
// buy on NVDA at 90, below the lowest low after it (95.2)".
func pendingSummary(ps []engine.PendingOrder) string {
	resting := 0
	var told []engine.PendingOrder
	for _, p := range ps {
		if p.Why == engine.PendingResting {
			resting++
			continue
		}
		told = append(told, p)
	}
	if len(told) == 0 {
		return ""
	}
	// Parts in a fixed order of reasons, then of kinds, then of symbols:
	// no bar after placement, data ended, level never reached, held back.
	type group struct {
		why    engine.PendingWhy
		kind   engine.OrderKind
		symbol string // data ended: one part per instrument
		n      int
		syms   []string
		last   int64 // the latest placement (no bar), the data's end (data ended)
	}
	var groups []*group
	find := func(why engine.PendingWhy, kind engine.OrderKind, sym string) *group {
		for _, g := range groups {
			if g.why == why && g.kind == kind && g.symbol == sym {
				return g
			}
		}
		g := &group{why: why, kind: kind, symbol: sym, last: math.MinInt64} // 0 is 1970-01-01, after placements before it
		groups = append(groups, g)
		return g
	}
	var notReached []string
	for _, p := range told {
		switch p.Why {
		case engine.PendingNoBar, engine.PendingHeldBack:
			g := find(p.Why, p.Kind, "")
			g.n++
			g.last = max(g.last, p.Placed)
			if !slices.Contains(g.syms, p.Symbol) {
				g.syms = append(g.syms, p.Symbol)
			}
		case engine.PendingDataEnded:
			g := find(p.Why, p.Kind, p.Symbol)
			g.n++
			g.last = p.DataEnd
		case engine.PendingNotReached:
			notReached = append(notReached, notReachedText(p))
		}
	}
	rank := map[engine.PendingWhy]int{engine.PendingNoBar: 0, engine.PendingDataEnded: 1, engine.PendingHeldBack: 3}
	sort.SliceStable(groups, func(a, b int) bool {
		x, y := groups[a], groups[b]
		if x.why != y.why {
			return rank[x.why] < rank[y.why]
		}
		if x.kind != y.kind {
			return x.kind < y.kind
		}
		return x.symbol < y.symbol
	})
	var parts []string
	for _, g := range groups {
		sort.Strings(g.syms)
		kind := orders(g.n, g.kind)
		switch g.why {
		case engine.PendingNoBar:
			if g.n == 1 {
				parts = append(parts, fmt.Sprintf("%s with no bar after its placement, on %s (%s)", kind, data.FormatStamp(g.last), g.syms[0]))
			} else {
				parts = append(parts, fmt.Sprintf("%s with no bar after their placement, the last on %s (%s)", kind, data.FormatStamp(g.last), firstN(g.syms, 10)))
			}
		case engine.PendingDataEnded:
			parts = append(parts, fmt.Sprintf("%s on %s, whose data ends on %s, before the run's end", kind, g.symbol, data.FormatStamp(g.last)))
		case engine.PendingHeldBack:
			parts = append(parts, fmt.Sprintf("%s held back by the fill-volume cap (%s)", kind, firstN(g.syms, 10)))
		}
	}
	// The groups of no bar and data ended, then the levels, then held back.
	cut := len(parts)
	for k, g := range groups {
		if g.why == engine.PendingHeldBack {
			cut = k
			break
		}
	}
	if len(notReached) > 3 {
		notReached = append(notReached[:3], fmt.Sprintf("and %d more whose level was never reached", len(notReached)-3))
	}
	parts = append(parts[:cut], append(notReached, parts[cut:]...)...)
	never := "never filled"
	for _, p := range told {
		if p.Partly {
			never = "never filled, or only in part"
			break
		}
	}
	text := fmt.Sprintf("%s still pending at the end (%s): %s", plural(len(told), "order"), never, strings.Join(parts, "; "))
	if resting > 0 {
		text += fmt.Sprintf("; besides, %s resting by design (protective stops or take-profits on open positions, bracket legs with nothing to do)", plural(resting, "order"))
	}
	return text
}

// notReachedText describes a resting order whose level was never reached:
// "1 limit buy on NVDA at 90, below the lowest low after it (95.2)".
func notReachedText(p engine.PendingOrder) string {
	side := "buy"
	if p.Side < 0 {
		side = "sell"
	}
	level, reach := apart(p.Level, p.Reach)
	s := fmt.Sprintf("1 %s %s on %s at %s", p.Kind, side, p.Symbol, level)
	if p.Reach != p.Reach {
		return s + ", never reached"
	}
	// The level was not reached: the bars stayed on one side of it,
	// above it (Reach is their lowest low) or below it (their highest
	// high); a limit's level may have been touched, not traded through.
	low, high := "the lowest low after it", "the highest high after it"
	if p.Kind == engine.TrailingStop {
		// Its reach counts from where its level last moved
		// (engine.PendingOrder.Reach): a low, an open or a close.
		low, high = "the lowest price since it last moved", "the highest price since it last moved"
	}
	switch {
	case p.Reach > p.Level:
		return s + ", below " + low + " (" + reach + ")"
	case p.Reach < p.Level:
		return s + ", above " + high + " (" + reach + ")"
	}
	return s + ", touched but never traded through"
}

// apart formats a level and its reach with the fewest significant
// digits, 6 at least, that tell two different values apart (%.6g printed
// a BTC limit at 65432.12 and a low of 65432.14 both as 65432.1).
func apart(a, b float64) (string, string) {
	for prec := 6; ; prec++ {
		x, y := strconv.FormatFloat(a, 'g', prec, 64), strconv.FormatFloat(b, 'g', prec, 64)
		if x != y || a == b || b != b || prec == 17 {
			return x, y
		}
	}
}

// orders is "1 market order", "2 limit orders".
func orders(n int, kind engine.OrderKind) string {
	if n == 1 {
		return fmt.Sprintf("1 %s order", kind)
	}
	return fmt.Sprintf("%d %s orders", n, kind)
}

// plural is "1 order", "3 orders".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
