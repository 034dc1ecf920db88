package experiment

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/divergence-research/divergence/results"
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
