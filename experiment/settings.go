package experiment

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/scenarios"
)

// settings lists, for the manifest and the report, what the experiment
// file sets beyond the strategies: prices, period, benchmarks, costs and
// margin (every key given), financing, lot sizes, scenarios, Monte Carlo
// and walk-forward. Keys are the file's own; the order is fixed.
func (f *File) settings() []results.Setting {
	var out []results.Setting
	add := func(k string, v any) { out = append(out, results.Setting{Key: k, Value: fmt.Sprint(v)}) }
	add("prices", f.Prices)
	if f.Bar != 0 {
		add("bar", f.Bar.String())
	}
	if f.Data.Interval != 0 {
		add("data.interval", fmt.Sprintf("%s, %d days", f.Data.Interval, f.Data.days()))
	}
	if f.Data.Timezone != "" {
		add("data.timezone", f.Data.Timezone)
	}
	if f.Start != "" {
		add("start", boundText(f.Start))
	}
	if f.End != "" {
		add("end", boundText(f.End))
	}
	if f.Warmup != nil {
		add("warmup", *f.Warmup)
	}
	if f.Fill != nil {
		add("fill", f.Fill.String())
	}
	if len(f.Benchmarks) > 0 {
		add("benchmarks", strings.Join(f.Benchmarks, ", "))
	}
	costs := func(prefix string, c *CostSpec) {
		v := reflect.ValueOf(c).Elem()
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			fv := v.Field(i)
			if fv.Kind() == reflect.Pointer && !fv.IsNil() {
				add(prefix+"."+t.Field(i).Tag.Get("toml"), fv.Elem().Interface())
			}
		}
	}
	costs("costs.equity", &f.Costs.Equity)
	costs("costs.crypto", &f.Costs.Crypto)
	syms := make([]string, 0, len(f.Costs.Symbols))
	for s := range f.Costs.Symbols {
		syms = append(syms, s)
	}
	sort.Strings(syms)
	for _, s := range syms {
		c := f.Costs.Symbols[s]
		costs("costs.symbols."+s, &c)
	}
	if f.Costs.CashRate != 0 {
		add("costs.cash_rate", f.Costs.CashRate)
	}
	if f.Costs.BorrowCashRate != 0 {
		add("costs.borrow_cash_rate", f.Costs.BorrowCashRate)
	}
	if f.Costs.CashRateFile != "" {
		add("costs.cash_rate_file", f.Costs.CashRateFile)
	}
	if f.Costs.LimitFill != "" {
		add("costs.limit_fill", f.Costs.LimitFill)
	}
	lots := make([]string, 0, len(f.Data.LotSizes))
	for s := range f.Data.LotSizes {
		lots = append(lots, s)
	}
	sort.Strings(lots)
	for _, s := range lots {
		add("data.lot_sizes."+s, f.Data.LotSizes[s])
	}
	for _, sp := range f.Splits {
		add("splits."+sp.Symbol, fmt.Sprintf("%s ratio %g", sp.Date, sp.Ratio))
	}
	for _, d := range f.Dividends {
		add("dividends."+d.Symbol, fmt.Sprintf("%s amount %g", d.Date, d.Amount))
	}
	if f.DividendsFrom != "" {
		add("dividends_from", f.DividendsFrom)
	}
	if len(f.Scenarios) > 0 {
		add("scenarios", strings.Join(f.Scenarios, ", "))
	}
	for _, s := range f.Inline {
		add("scenario (inline)", s.Name)
	}
	if f.ScenarioStart != "" {
		add("scenario_start", f.ScenarioStart)
	}
	if mc := f.MonteCarlo; mc != nil {
		s := fmt.Sprintf("%d paths × %d days, mean block %g, warm-up %d days", mc.Paths, mc.Days, mc.MeanBlock, mc.warmup())
		if mc.Shock != "" {
			s += ", shock " + mc.Shock
		}
		add("montecarlo", s)
	}
	if w := f.WalkForward; w != nil {
		add("walkforward", fmt.Sprintf("%s, %d days in sample, %d out of sample, best by %s", w.Mode, w.InSampleDays, w.OutOfSampleDays, w.Metric))
	}
	return out
}

// scenarioSetups describes, for manifest.json, the scenarios of the
// shocked views (views[0] is the baseline), in the views' order: where
// each comes from (origin, from scenarioOrigins), its description and
// probability, day 0, and its shocks with their dates.
func scenarioSetups(views []View, origin map[*scenarios.Scenario]string) []results.ScenarioSetup {
	var out []results.ScenarioSetup
	for _, v := range views {
		s := v.Scenario
		if s == nil {
			continue
		}
		o := origin[s]
		if o == "" {
			o = "library"
		}
		st := results.ScenarioSetup{Name: s.Name, Origin: o, Description: strings.Join(strings.Fields(s.Description), " "),
			Probability: s.Probability, Start: data.FormatStamp(v.Start), Shocks: make([]string, len(s.Shocks))}
		for k, sh := range s.Shocks {
			at, drawn := v.Drawn[k]
			st.Shocks[k] = shockText(sh, v.Start, at, drawn)
		}
		out = append(out, st)
	}
	return out
}

// shockText is a shock as scenarios.Describe writes it, and the dates it
// acts on with day 0 at start: "…: from 2024-03-01" (a jump's spread and
// recovery run on over the bars its fields say), "…: 2024-03-01 to
// 2024-05-31, the end excluded" for a regime; a random shock's date is
// the one it drew (drawn, when isDrawn: 1970-01-01 is 0), said so.
func shockText(sh scenarios.Shock, start, drawn int64, isDrawn bool) string {
	text := scenarios.Describe(sh)
	w, ok := scenarios.Timing(sh)
	if !ok {
		return text
	}
	at, how := w.Date, ""
	switch {
	case w.Random && !isDrawn:
		return text + ": on a date drawn at random"
	case w.Random:
		at, how = drawn, " (drawn at random)"
	case !w.Dated():
		at = start + int64(w.Day)*data.NanosPerDay
	}
	win, ok := scenarios.WindowOf(sh)
	if !ok {
		return text + ": from " + data.FormatStamp(at) + how
	}
	end := win.Until
	if !win.HasUntil() {
		end = at + int64(win.Days)*data.NanosPerDay
	}
	return text + ": " + data.FormatStamp(at) + " to " + data.FormatStamp(end) + ", the end excluded" + how
}

// monteCarloSetup is the [montecarlo] table as the paths are made, for
// manifest.json: its defaults filled in, the history's first date (the
// runs' start without montecarlo.from) and the shock's probability
// (shock_probability, else the scenario's own); nil without one.
func (f *File) monteCarloSetup(m *Market) *results.MonteCarloSetup {
	mc := f.MonteCarlo
	if mc == nil {
		return nil
	}
	out := &results.MonteCarloSetup{Paths: mc.Paths, Days: mc.Days, MeanBlock: mc.MeanBlock, WarmupDays: mc.warmup(), Seed: mc.seed(f.Seed)}
	from, set := m.Start, m.Start != 0 || m.StartSet
	if mc.From != "" {
		from, _ = parseDay(string(mc.From))
		set = true
	}
	if set {
		out.From = data.FormatDay(from)
	}
	if mc.Shock != "" {
		if s, p, err := f.monteCarloShock(); err == nil {
			out.Shock, out.ShockProbability = s.Name, p
		}
	}
	return out
}
