package experiment

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/scenarios"
)

// View is the market one group of runs replays: the baseline (the data as
// loaded) or a scenario's shocked view of it, with the scenario's
// environment (liquidity, funding and borrow windows).
type View struct {
	Scenario *scenarios.Scenario // nil for the baseline
	Panel    *data.Panel
	Timeline *engine.Timeline
	Env      *scenarios.Env
	// Unshocked lists, sorted, the instruments the scenario meant to
	// shock and could not (a historical replay's group member without
	// source bars in its window): runs trading them see a partial
	// scenario.
	Unshocked []string
	// Shocked lists, sorted, the instruments the scenario changed: their
	// bars differ from the data as loaded, or its environment sets a
	// recall on them, or a liquidity, funding or borrow window that
	// changes a cost they can pay (shockedSymbols; nil for the baseline).
	Shocked []string
	// Bench is the benchmarks as the view's runs are measured against
	// them: a benchmark that is one of the view's instruments as the
	// scenario shocked it, the others as loaded (nil without benchmarks).
	Bench *data.Panel
	// Start is day 0 of the scenario, the day its shocks placed by a
	// day offset count from (scenario_start, or its default); 0 for the
	// baseline.
	Start int64
	// Drawn are the dates its random shocks drew, by shock index.
	Drawn map[int]int64
}

// Name is the scenario's name, or "baseline".
func (v *View) Name() string {
	if v.Scenario == nil {
		return "baseline"
	}
	return v.Scenario.Name
}

// scenarioFile reports whether a scenario name is a file's path (it ends
// in .toml), not a library name.
func scenarioFile(name string) bool { return strings.HasSuffix(name, ".toml") }

// scenario is the library scenario of that name, or the scenario file's
// (relative to the experiment file).
func (f *File) scenario(name string) (*scenarios.Scenario, error) {
	if scenarioFile(name) {
		return scenarios.Load(f.resolve(name))
	}
	return scenarios.Lookup(name)
}

// scenarioList resolves the experiment's scenarios: names from the
// built-in library, paths of scenario files (relative to the experiment
// file), and inline [[scenario]] tables, in that order. With all = true
// and none given, every library scenario is used.
func (f *File) scenarioList(all bool) ([]*scenarios.Scenario, error) {
	out, _, err := f.scenarioOrigins(all)
	return out, err
}

// scenarioOrigins is scenarioList with where each scenario comes from:
// "library", the scenario file's path as the experiment names it, or
// "inline".
func (f *File) scenarioOrigins(all bool) ([]*scenarios.Scenario, map[*scenarios.Scenario]string, error) {
	var out []*scenarios.Scenario
	origin := map[*scenarios.Scenario]string{}
	for i, name := range f.Scenarios {
		s, err := f.scenario(name)
		if err != nil {
			// An inline [[scenario]] runs without being listed: its name
			// here is not a scenario of the library.
			for _, in := range f.Inline {
				if in.Name == name {
					return nil, nil, fmt.Errorf("scenarios[%d] = %q: that is the name of an inline [[scenario]] table, which runs without being listed: leave it out of scenarios (which names the library's scenarios and scenario files)", i, name)
				}
			}
			return nil, nil, fmt.Errorf("scenarios[%d]: %w", i, err)
		}
		out = append(out, s)
		origin[s] = "library"
		if scenarioFile(name) {
			origin[s] = name
		}
	}
	if len(f.Scenario) > len(f.Inline) {
		return nil, nil, fmt.Errorf("scenario: %d inline [[scenario]] tables but %d decoded: read the file with Parse or Load", len(f.Scenario), len(f.Inline))
	}
	for _, s := range f.Inline {
		out = append(out, s)
		origin[s] = "inline"
	}
	if len(out) == 0 && all {
		lib, err := scenarios.Library()
		for _, s := range lib {
			origin[s] = "library"
		}
		return lib, origin, err
	}
	seen := map[string]string{}
	for i, s := range out {
		slug := results.Slug(s.Name)
		if len(slug) > maxScenarioSlug {
			key := fmt.Sprintf("scenario[%d].name", i-len(f.Scenarios))
			if i < len(f.Scenarios) {
				key = fmt.Sprintf("scenarios[%d] = %q: its name", i, f.Scenarios[i])
			}
			return nil, nil, fmt.Errorf("%s: its runs' folder names would end with %d characters, want at most %d: shorten it", key, len(slug), maxScenarioSlug)
		}
		if slug == "baseline" {
			return nil, nil, fmt.Errorf("scenario %q: the name is reserved for the unshocked runs", s.Name)
		}
		if prev, ok := seen[slug]; ok {
			if prev == s.Name {
				return nil, nil, fmt.Errorf("scenario %q is listed twice", s.Name)
			}
			return nil, nil, fmt.Errorf("scenarios %q and %q would share the folder name %q: rename one", prev, s.Name, slug)
		}
		seen[slug] = s.Name
	}
	return out, origin, nil
}

// Views builds the baseline view and one shocked view per scenario. Shocks
// placed by a day offset count from scenario_start (default: 30 days after
// the experiment's start, or its first bar when later).
// A historical replay transplants real returns from the loaded data; on a
// synthetic market it has no real history to take them from. When
// optional is true (every library scenario by default), a scenario that
// cannot apply to this data is skipped and named in the returned notes;
// otherwise it is an error.
func (f *File) Views(m *Market, list []*scenarios.Scenario, optional bool) ([]View, []string, error) {
	return f.views(m, list, optional, nil)
}

// views is Views; admit, when set, is asked before each shocked view is
// kept with the count of views it makes (the baseline's included), and
// its error stops the building: [Run] checks the estimate of the views
// that apply, one at a time, as it goes.
func (f *File) views(m *Market, list []*scenarios.Scenario, optional bool, admit func(views int) error) ([]View, []string, error) {
	views := []View{{Panel: m.Panel, Timeline: m.Timeline, Bench: m.Bench}}
	var notes []string
	// 30 days after the runs start: after start, or after the first bar
	// when start is before the data (30 days after such a start could
	// fall before every bar, and a shock there would move the whole
	// history alike: no change to any run).
	start := m.runsStart()
	start += 30 * data.NanosPerDay
	if f.ScenarioStart != "" {
		start, _ = parseBound("scenario_start", f.ScenarioStart)
		if first := m.Timeline.Times[0]; start < first {
			return nil, nil, fmt.Errorf("scenario_start = %s is before the data (first bar %s)", f.ScenarioStart, data.FormatStamp(first))
		}
		if last := m.Timeline.Times[m.Timeline.Len()-1]; start > last && len(list) > 0 {
			return nil, nil, fmt.Errorf("scenario_start = %s is after the data (last bar %s)", f.ScenarioStart, data.FormatStamp(last))
		}
		if (m.Start != 0 || m.StartSet) && start < m.Start && len(list) > 0 {
			notes = append(notes, fmt.Sprintf("scenario_start = %s is before the runs start (%s): shocks before that change only the warm-up history the strategies read, not a trade",
				f.ScenarioStart, data.FormatStamp(m.Start)))
		}
		if len(list) == 0 {
			notes = append(notes, fmt.Sprintf("scenario_start = %s: the experiment has no scenario for it to place (scenarios, [[scenario]]); divergence stress places the library's from it", f.ScenarioStart))
		}
	}
	var source *data.Panel
	var sourceDivs map[string][]engine.Dividend
	if !m.Panel.Synthetic {
		source = m.replaySource() // transplants read real returns from before start and after end too
		// The source's own dividends, read only for a scenario that
		// replays it: its data past the runs' end (an adj_close no
		// dividend explains) stop no other.
		if slices.ContainsFunc(list, replays) {
			var err error
			if sourceDivs, err = f.replayDividends(m, source); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, s := range list {
		rng := rand.New(rand.NewPCG(engine.SeedFor(f.Seed, "scenario:"+s.Name), 1))
		var undone, unshocked []string
		note := func(sym, n string) {
			undone = append(undone, n)
			if !slices.Contains(unshocked, sym) {
				unshocked = append(unshocked, sym)
			}
		}
		var said []string
		drawn := map[int]int64{}
		// Splits and cash dividends: on raw prices a regime, a replay or
		// a propagation reads the holder's return across them, not their
		// fall in the close; a replay's source reads its own dividends.
		p, env, err := s.Apply(m.Panel, f.Groups, scenarios.ApplyOptions{Source: source, Rand: rng, Start: start, StartSet: true, Note: note,
			Said:   func(_, n string) { said = append(said, n) },
			Drawn:  func(k int, at int64) { drawn[k] = at },
			Splits: m.Base.Splits, Dividends: m.Base.Dividends, SourceDividends: sourceDivs})
		if err != nil && source == nil && replays(s) {
			// scenarios' own words name its Go API (ApplyOptions.Source).
			err = fmt.Errorf("scenario %s replays real prices (a transplant), which the synthetic market has not: run it on real data (data.dir, a catalog, a table or a query)", s.Name)
		}
		if err != nil {
			if optional {
				notes = append(notes, fmt.Sprintf("scenario %s skipped: %v", s.Name, err))
				continue
			}
			return nil, nil, err
		}
		for _, n := range undone {
			notes = append(notes, fmt.Sprintf("scenario %s: %s (its runs see that instrument unshocked)", s.Name, n))
		}
		for _, n := range said {
			notes = append(notes, fmt.Sprintf("scenario %s: %s", s.Name, n))
		}
		// A shock dated before the runs start moves only the history the
		// strategies warm up on, as an early scenario_start does.
		for k, sh := range s.Shocks {
			if w, ok := scenarios.Timing(sh); ok && w.Dated() && (m.Start != 0 || m.StartSet) && w.Date < m.Start {
				notes = append(notes, fmt.Sprintf("scenario %s: shock[%d] (%s) is dated %s, before the runs start (%s): it moves the warm-up history the strategies read, and a regime through the start what follows, not the prices the runs trade at before it",
					s.Name, k, sh.Kind(), data.FormatStamp(w.Date), data.FormatStamp(m.Start)))
			}
		}
		for _, n := range idleCosts(env, m.Panel, m.Base) {
			notes = append(notes, fmt.Sprintf("scenario %s: %s", s.Name, n))
		}
		if !touched(m.Panel, p) && !env.Shocked() {
			note := fmt.Sprintf("scenario %s changes nothing in this data (the instruments it shocks are not here, or have no bars where it shocks them)", s.Name)
			notes = append(notes, note)
			if optional {
				continue
			}
		}
		if admit != nil {
			if err := admit(len(views) + 1); err != nil {
				return nil, nil, err
			}
		}
		slices.Sort(unshocked)
		views = append(views, View{Scenario: s, Panel: p, Timeline: engine.NewTimeline(p), Env: env, Unshocked: unshocked, Shocked: shockedSymbols(m.Panel, p, env, m.Base), Bench: shockedBench(m.Bench, p), Start: start, Drawn: drawn})
	}
	notes = append(notes, f.groupNotes(m.Panel, list)...)
	if n := benchScenarioNote(m.Bench, m.Panel, len(views) > 1); n != "" {
		notes = append(notes, n)
	}
	return views, notes, nil
}

// envEffect is what a scenario's environment sets on one instrument and
// whether it acts under the experiment's terms (envEffectOn).
type envEffect struct {
	// fund, borrow and liq: a funding, borrow or liquidity (spread or
	// slippage multiplier) window is set on it.
	fund, borrow, liq bool
	// perp: it pays funding (funding_rate, funding_interval_hours,
	// funding_file or a funding model).
	perp bool
	// fundActs, borrowActs and liqActs: the window changes a cost it can
	// pay: funding on a perpetual whose rates are not 0 or are set to
	// another; borrow rates not 0 or set to another; a multiplier of a
	// spread or slippage that is not 0.
	fundActs, borrowActs, liqActs bool
}

// acts reports whether any of the windows changes a cost the instrument
// can pay.
func (e envEffect) acts() bool { return e.fundActs || e.borrowActs || e.liqActs }

// envEffectOn is what env sets on instrument i of p (series s) and
// whether it acts under the experiment's terms (base).
func envEffectOn(env *scenarios.Env, i int, s *data.Series, base engine.Config) envEffect {
	var e envEffect
	var fundSet, borrowSet, slipMult, spreadMult bool
	for t := int64(math.MinInt64); ; {
		f, until := env.AtUntil(i, t)
		slipMult = slipMult || f.SlippageMult != 1
		spreadMult = spreadMult || f.SpreadMult != 1
		e.fund = e.fund || f.FundingMult != 1 || !math.IsNaN(f.FundingSet)
		// A rate set to 0 (or set, then multiplied by 0) leaves rates
		// of 0 as they are.
		fundSet = fundSet || !math.IsNaN(f.FundingSet) && f.FundingSet*f.FundingMult != 0
		e.borrow = e.borrow || f.BorrowMult != 1 || !math.IsNaN(f.BorrowSet)
		borrowSet = borrowSet || !math.IsNaN(f.BorrowSet) && f.BorrowSet*f.BorrowMult != 0
		if until == math.MaxInt64 {
			break
		}
		t = until
	}
	terms := termsOf(base, s)
	fd := &terms.Funding
	e.perp = terms.FundingModel != nil || fd.On()
	fundRate := terms.FundingModel != nil || fd.Rate != 0 || slices.ContainsFunc(fd.Rates, func(r float64) bool { return r != 0 })
	borrowRate := terms.BorrowModel != nil || terms.Borrow.Rate != 0
	e.fundActs = e.fund && e.perp && (fundSet || fundRate)
	e.borrowActs = e.borrow && (borrowSet || borrowRate)
	e.liq = slipMult || spreadMult
	sl := &terms.Slippage
	e.liqActs = e.liq && (terms.SlippageModel != nil ||
		slipMult && (sl.Bps != 0 || sl.RangeFrac != 0 || sl.ImpactK != 0) || spreadMult && sl.SpreadBps != 0)
	return e
}

// idleCosts says which of a scenario's funding and borrow shocks change
// nothing under the experiment's terms (base): a funding shock applies
// to perpetuals (an instrument with funding_rate, funding_interval_hours,
// funding_file or a funding model) and changes nothing where none of the
// instruments it targets is one, or where their rates are 0 and it
// leaves them 0 (a multiplier, or a rate set to 0); a borrow shock
// changes nothing where the borrow rates it acts on are 0 and stay 0.
func idleCosts(env *scenarios.Env, p *data.Panel, base engine.Config) []string {
	var fundShocked, fundActs, borrowShocked, borrowActs, liqShocked, liqActs bool
	var perps int
	for i := range p.Series {
		e := envEffectOn(env, i, &p.Series[i], base)
		if e.fund {
			fundShocked = true
			if e.perp {
				perps++
			}
			fundActs = fundActs || e.fundActs
		}
		if e.borrow {
			borrowShocked = true
			borrowActs = borrowActs || e.borrowActs
		}
		if e.liq {
			liqShocked = true
			liqActs = liqActs || e.liqActs
		}
	}
	var notes []string
	switch {
	case fundShocked && perps == 0:
		notes = append(notes, "its funding shock changes nothing: funding is paid on perpetuals, and none of the instruments it targets is one here (set funding_rate in [costs.crypto], or a funding_file under [costs.symbols.<symbol>])")
	case fundShocked && !fundActs:
		notes = append(notes, "its funding shock changes nothing: the funding rates it acts on are 0 and stay 0 (set funding_rate or funding_file, or give the shock a rate other than 0)")
	}
	if borrowShocked && !borrowActs {
		notes = append(notes, "its borrow shock changes nothing: the borrow rates it acts on are 0 and stay 0 (set borrow_rate in [costs.equity] or [costs.crypto], or give the shock a rate other than 0)")
	}
	if liqShocked && !liqActs {
		notes = append(notes, "its liquidity shock's spread and slippage multipliers change nothing: the spread and slippage they multiply are 0 here (set spread_bps, slippage_bps or impact_k in [costs.equity] or [costs.crypto])")
	}
	return notes
}

// shockedBench is bench with each benchmark that is an instrument of
// view replaced by the view's series (the scenario's prices): a run that
// holds the shocked QQQ is measured against the shocked QQQ, not the
// real one (beta 1.30 and correlation 0.66 for a plain holding). A
// benchmark outside the runs' data is not replayed under scenarios: its
// loaded series stays (see benchScenarioNote).
func shockedBench(bench, view *data.Panel) *data.Panel {
	if bench == nil {
		return nil
	}
	out := &data.Panel{Synthetic: bench.Synthetic, Description: bench.Description, Series: slices.Clone(bench.Series)}
	for i := range out.Series {
		if j := view.Index(out.Series[i].Symbol); j >= 0 {
			out.Series[i] = view.Series[j]
		}
	}
	return out
}

// benchScenarioNote names the benchmarks the scenario runs are measured
// against unshocked: those outside the runs' data ("" when none).
func benchScenarioNote(bench, p *data.Panel, scenarioRuns bool) string {
	if bench == nil || !scenarioRuns {
		return ""
	}
	var out []string
	for i := range bench.Series {
		if p.Index(bench.Series[i].Symbol) < 0 {
			out = append(out, bench.Series[i].Symbol)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return fmt.Sprintf("benchmark %s is not among the runs' instruments, so it is not replayed under the scenarios: the scenario runs' beta, correlation and capture are measured against its unshocked prices (name it in data.symbols to shock it with the runs)",
		strings.Join(out, ", "))
}

// touched reports whether a view differs from the panel it was made from:
// views share the columns of every instrument no shock touched.
func touched(base, view *data.Panel) bool {
	for i := range base.Series {
		a, b := &base.Series[i], &view.Series[i]
		if a.Len() == 0 {
			continue
		}
		if &a.Close[0] != &b.Close[0] || &a.Open[0] != &b.Open[0] || &a.High[0] != &b.High[0] ||
			&a.Low[0] != &b.Low[0] || &a.Volume[0] != &b.Volume[0] {
			return true
		}
	}
	return false
}

// shockedSymbols lists, sorted, the instruments of base that view (a
// scenario's shocked copy of it) changes: a series whose bars are not
// base's (another length or another value in time, open, high, low,
// close or volume), one env sets a recall on, or one env sets a window
// on that changes a cost it can pay under the experiment's terms (cfg;
// envEffectOn): a funding window on an instrument that pays no funding,
// or a spread multiplier of a spread of 0, changes nothing, as the
// run's notes say (idleCosts). A series the scenario left alone shares
// base's arrays (touched); one copied with the same values counts as
// unchanged.
func shockedSymbols(base, view *data.Panel, env *scenarios.Env, cfg engine.Config) []string {
	var out []string
	for i := range base.Series {
		a, b := &base.Series[i], &view.Series[i]
		if !sameBars(a, b) || len(env.Recalls(i)) > 0 || env.ShocksInstrument(i) && envEffectOn(env, i, a, cfg).acts() {
			out = append(out, a.Symbol)
		}
	}
	slices.Sort(out)
	return out
}

// sameBars reports whether two series have the same bars (NaN equal to
// NaN), at once when they share their arrays.
func sameBars(a, b *data.Series) bool {
	if a.Len() != b.Len() {
		return false
	}
	if a.Len() == 0 {
		return true
	}
	if &a.Close[0] == &b.Close[0] && &a.Open[0] == &b.Open[0] && &a.High[0] == &b.High[0] &&
		&a.Low[0] == &b.Low[0] && &a.Volume[0] == &b.Volume[0] && &a.Time[0] == &b.Time[0] {
		return true
	}
	same := func(x, y []float64) bool {
		return slices.EqualFunc(x, y, func(u, v float64) bool { return u == v || (math.IsNaN(u) && math.IsNaN(v)) })
	}
	return slices.Equal(a.Time, b.Time) && same(a.Open, b.Open) && same(a.High, b.High) && same(a.Low, b.Low) &&
		same(a.Close, b.Close) && same(a.Volume, b.Volume)
}

// loadReplaySources loads, beside the experiment's instruments, the
// series a replay of list takes an instrument's returns from under
// another symbol (source_symbols: RENDER from RNDR before 2023), when the
// experiment trades the instrument and does not load the source itself:
// m.ReplaySource is then m's history with them, and their files are
// inputs of the experiment. They do not join the runs' timeline. A source
// that cannot be read is left out, and the replay says the instrument is
// not replayed.
func (f *File) loadReplaySources(ctx context.Context, m *Market, list []*scenarios.Scenario, opt Options) error {
	if m.Panel.Synthetic {
		return nil
	}
	h := m.replayBase()
	var want []string
	for _, s := range list {
		for _, sh := range s.Shocks {
			t, ok := sh.(*scenarios.Transplant)
			if !ok || t.Self {
				continue
			}
			for sym, src := range t.SourceSymbols {
				if h.Index(sym) >= 0 && h.Index(src) < 0 && !slices.Contains(want, src) {
					want = append(want, src)
				}
			}
		}
	}
	slices.Sort(want)
	var extra []data.Series
	for _, sym := range want {
		p, in, err := f.loadPanel(ctx, []string{sym}, opt)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			continue // no file for it: the replay notes the instrument it leaves alone
		}
		if f.Prices == "adjusted" {
			if p, err = adjustedPanel(p); err != nil {
				continue
			}
		}
		extra = append(extra, p.Series...)
		m.Inputs = append(m.Inputs, in...)
	}
	if len(extra) > 0 {
		src := *h
		src.Series = append(slices.Clone(h.Series), extra...)
		m.ReplaySource = &src
	}
	return nil
}

// replayDividends are the cash dividends of the replays' source panel
// (scenarios.ApplyOptions.SourceDividends) with dividends_from =
// "adj_close": read from its adj_close/close as the run's are from the
// history's (inferDividends), as the source runs past the history (to
// the file's ends, and a source symbol's file of its own), and the
// dividends table's for the instruments it names. Without
// dividends_from, the table's rows, of any date, are the source's too.
func (f *File) replayDividends(m *Market, source *data.Panel) (map[string][]engine.Dividend, error) {
	if source == nil {
		return nil, nil
	}
	if f.DividendsFrom == "" {
		return m.Base.Dividends, nil
	}
	cfg := engine.Config{Splits: m.Base.Splits, Dividends: map[string][]engine.Dividend{}}
	for _, d := range f.Dividends {
		cfg.Dividends[d.Symbol] = m.Base.Dividends[d.Symbol]
	}
	if _, err := f.inferDividends(&cfg, source); err != nil {
		return nil, fmt.Errorf("the replays' source: %w", err)
	}
	return cfg.Dividends, nil // not nil: none read is none paid, not the run's
}

// replays reports whether a scenario has a transplant of real prices
// from another window (not self = true, which replays the panel's own).
func replays(s *scenarios.Scenario) bool {
	for _, sh := range s.Shocks {
		if t, ok := sh.(*scenarios.Transplant); ok && !t.Self {
			return true
		}
	}
	return false
}

// groupNotes name the members of the experiment's own [groups] that the
// loaded data lacks, for the groups the scenarios' shocks target (a
// scenario's own groups of that name aside). A shock skips a member not
// in the data, as it must for the built-in groups (written for every
// market the product knows), so a mistyped symbol in a group the
// experiment wrote for its data would be left unshocked without a word.
func (f *File) groupNotes(p *data.Panel, list []*scenarios.Scenario) []string {
	used := map[string]bool{}
	for _, s := range list {
		for _, sh := range s.Shocks {
			if t, ok := scenarios.TargetOf(sh); ok {
				for _, g := range t.Groups {
					if _, own := s.Groups[g]; !own {
						used[g] = true
					}
				}
			}
		}
	}
	var notes []string
	for _, g := range slices.Sorted(maps.Keys(f.Groups)) {
		if !used[g] {
			continue
		}
		var missing []string
		for _, sym := range f.Groups[g] {
			if p.Index(sym) < 0 {
				missing = append(missing, sym)
			}
		}
		if len(missing) > 0 {
			notes = append(notes, fmt.Sprintf("groups.%s names %s, not among the instruments loaded: the scenarios' shocks on the group leave %s out", g, strings.Join(missing, ", "), pronoun(len(missing))))
		}
	}
	return notes
}

// pronoun is "it" or "them".
func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
