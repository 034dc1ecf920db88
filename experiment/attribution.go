package experiment

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
)

// InstrumentPnL is one instrument's share of a run's PnL, in money:
// Realized + Unrealized (both from fill prices, so slippage, spread and
// impact are inside them) − Commission − Carry (borrow, funding and cash
// dividends, those received negative) −
// Fees (liquidation fees). Interest is account-level and has its own row
// (Instrument "interest"). The rows of a run sum to its final equity minus
// its initial cash.
type InstrumentPnL struct {
	Run, Instrument, Leg         string
	Realized, Unrealized         float64
	Commission, Carry, Fees, PnL float64
}

// Attribution splits a run's PnL by instrument. Leg is the strategy's own
// leg name when legs (a strategies.Legged's Legs: a pair hedge's "long
// leg" and "short leg") name the instrument, otherwise "long" or "short"
// by the sign of the instrument's final position (flat: "closed").
func Attribution(r *RunResult, legs map[string][]string) []InstrumentPnL {
	res := r.Result
	pf := &res.Portfolio
	n := len(pf.Qty)
	com, carry, fees := make([]float64, n), make([]float64, n), make([]float64, n)
	interest := 0.0
	for _, e := range res.Ledger {
		if e.Instrument < 0 {
			if e.Kind == engine.CostInterest {
				interest += e.Amount
			}
			continue
		}
		switch e.Kind {
		case engine.CostCommission:
			com[e.Instrument] += e.Amount
		case engine.CostBorrow, engine.CostFunding, engine.CostDividend:
			carry[e.Instrument] += e.Amount
		case engine.CostLiquidationFee, engine.CostShortfall:
			fees[e.Instrument] += e.Amount // a shortfall is < 0: given back
		case engine.CostInterest:
			interest += e.Amount
		}
	}
	legOf := map[string]string{}
	for leg, syms := range legs {
		for _, s := range syms {
			legOf[s] = leg
		}
	}
	traded := make([]bool, n)
	symbol := make([]string, n)
	for _, f := range res.Fills {
		traded[f.Instrument] = true
		symbol[f.Instrument] = f.Symbol
	}
	var out []InstrumentPnL
	for i := 0; i < n; i++ {
		if !traded[i] {
			continue
		}
		row := InstrumentPnL{Run: r.Key, Instrument: symbol[i], Realized: pf.Realized[i],
			Commission: com[i], Carry: carry[i], Fees: fees[i]}
		if pf.Qty[i] != 0 {
			row.Unrealized = pf.Qty[i] * (res.FinalPrice[i] - pf.AvgCost[i])
		}
		row.PnL = row.Realized + row.Unrealized - row.Commission - row.Carry - row.Fees
		row.Leg = legOf[row.Instrument]
		if row.Leg == "" {
			switch {
			case pf.Qty[i] > 0:
				row.Leg = "long"
			case pf.Qty[i] < 0:
				row.Leg = "short"
			default:
				row.Leg = "closed"
			}
		}
		out = append(out, row)
	}
	if interest != 0 {
		out = append(out, InstrumentPnL{Run: r.Key, Instrument: "interest", Leg: "interest", PnL: -interest})
	}
	return out
}

// writeAttribution writes, for the baseline runs, attribution.csv/.parquet (run,
// instrument, leg, pnl — the report reads it),
// attribution_detail.csv/.parquet (every column of InstrumentPnL) and
// attribution.png/.svg (PnL by leg: long leg, short leg, interest, of
// the runs equity.png shows).
func writeAttribution(f *File, o *Outcome, sortBy string) error {
	var rows []InstrumentPnL
	for i := range o.Runs {
		r := &o.Runs[i]
		if r.Baseline() {
			rows = append(rows, r.Attribution...)
		}
	}
	n := len(rows)
	run, inst, leg := make([]string, n), make([]string, n), make([]string, n)
	cols := make([][]float64, 6)
	for j := range cols {
		cols[j] = make([]float64, n)
	}
	for k, r := range rows {
		run[k], inst[k], leg[k] = r.Run, r.Instrument, r.Leg
		for j, v := range []float64{r.Realized, r.Unrealized, r.Commission, r.Carry, r.Fees, r.PnL} {
			cols[j][k] = v
		}
	}
	simple := &results.Table{Columns: []results.Column{{Name: "run", Strings: run}, {Name: "instrument", Strings: inst}, {Name: "leg", Strings: leg}, {Name: "pnl", Floats: cols[5]}}}
	detail := &results.Table{Columns: []results.Column{{Name: "run", Strings: run}, {Name: "instrument", Strings: inst}, {Name: "leg", Strings: leg}}}
	for j, name := range []string{"realized", "unrealized", "commission", "carry", "fees", "pnl"} {
		detail.Columns = append(detail.Columns, results.Column{Name: name, Floats: cols[j]})
	}
	if err := results.WriteOutputs(o.Dir, append(results.TableOutputs("attribution", simple), results.TableOutputs("attribution_detail", detail)...)...); err != nil {
		return err
	}
	// The chart: PnL by leg of the runs equity.png shows (o.Shown), in
	// its order, names and colours; attribution.csv holds every run's.
	names, pal, note := shownNames(o, sortBy)
	var legs []charts.Legs
	for j, i := range o.Shown {
		l := charts.Legs{Run: names[j]}
		for _, r := range o.Runs[i].Attribution {
			k := slices.Index(l.Names, r.Leg)
			if k < 0 {
				k = len(l.Names)
				l.Names = append(l.Names, r.Leg)
				l.PnL = append(l.PnL, 0)
			}
			l.PnL[k] += r.PnL
		}
		if len(l.Names) > 0 {
			legs = append(legs, l)
		}
	}
	if len(legs) == 0 {
		return nil
	}
	kind := dataCaption(o.Panel)
	opt := charts.Options{Title: f.Name + ": PnL by leg", Synthetic: o.Panel.Synthetic, Palette: pal,
		Caption: fmt.Sprintf("%s; realized + unrealized − commission − borrow and funding − fees; interest apart%s", kind, note)}
	return charts.WriteFiles(filepath.Join(o.Dir, "attribution"), func(w io.Writer, ft charts.Format) error { return charts.LegAttribution(w, ft, opt, legs) })
}
