package results

import (
	"slices"

	"github.com/divergence-research/divergence/engine"
)

// FillTextColumns returns the text columns of a fills file, in its
// order: the keys of FillText's values.
func FillTextColumns() []string { return []string{"symbol", "side", "kind", "tag"} }

// FillText returns the distinct values of fills' text columns as
// WriteFillsParquet writes them (symbol, side, kind, tag), by column
// name, each sorted as text; a column without a value (no fills) is left
// out. Symbols are found by instrument, and a kind or a tag is compared
// with the last fill's before it is looked up.
func FillText(fills []engine.Fill) map[string][]string {
	var symbol []string // by instrument, once seen
	var seen []bool
	other := map[string]bool{} // a symbol not its instrument's first (not made by the engine)
	kinds := map[engine.OrderKind]bool{}
	tags := map[string]bool{}
	var buy, sell bool
	for i := range fills {
		f := &fills[i]
		if n := f.Instrument + 1 - len(seen); n > 0 {
			seen, symbol = append(seen, make([]bool, n)...), append(symbol, make([]string, n)...)
		}
		switch {
		case !seen[f.Instrument]:
			seen[f.Instrument], symbol[f.Instrument] = true, f.Symbol
		case symbol[f.Instrument] != f.Symbol:
			other[f.Symbol] = true
		}
		if f.Qty < 0 {
			sell = true
		} else {
			buy = true
		}
		if i == 0 || f.Kind != fills[i-1].Kind {
			kinds[f.Kind] = true
		}
		if i == 0 || f.Tag != fills[i-1].Tag {
			tags[f.Tag] = true
		}
	}
	out := map[string][]string{}
	put := func(name string, vs []string) {
		if len(vs) > 0 {
			slices.Sort(vs)
			out[name] = slices.Compact(vs)
		}
	}
	var syms []string
	for k, ok := range seen {
		if ok {
			syms = append(syms, symbol[k])
		}
	}
	for s := range other {
		syms = append(syms, s)
	}
	put("symbol", syms)
	var sides []string
	if buy {
		sides = append(sides, Side(&engine.Fill{Qty: 1}))
	}
	if sell {
		sides = append(sides, Side(&engine.Fill{Qty: -1}))
	}
	put("side", sides)
	var ks []string
	for k := range kinds {
		ks = append(ks, k.String())
	}
	put("kind", ks)
	var ts []string
	for t := range tags {
		ts = append(ts, t)
	}
	put("tag", ts)
	return out
}

// MergeFillText returns the union of parts (FillText of several runs), by
// column, each sorted as text; nil parts are skipped.
func MergeFillText(parts []map[string][]string) map[string][]string {
	out := map[string][]string{}
	for _, name := range FillTextColumns() {
		var vs []string
		for _, p := range parts {
			vs = append(vs, p[name]...)
		}
		if len(vs) == 0 {
			continue
		}
		slices.Sort(vs)
		out[name] = slices.Compact(vs)
	}
	return out
}
