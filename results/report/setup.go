package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// scenarioRow is a stress scenario as the Setup section lists it.
type scenarioRow struct {
	Name, Origin, Probability, Start, Description string
	Shocks                                        []string
	// Unrecorded: the folder's manifest.json does not describe the
	// scenario (a folder written before it did).
	Unrecorded bool
}

// scenarioRows lists every scenario whose runs the report shows (the
// runs' scenario column, and stress.csv's), described by manifest.json
// (Manifest.Scenarios) when it records it: the experiment's own
// scenarios and, under divergence stress, the library's. Manifest order
// first, then the others in the order their runs come.
func scenarioRows(f *Folder) []scenarioRow {
	var names []string
	seen := map[string]bool{"baseline": true, "": true}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	for i := range f.Runs {
		add(f.Runs[i].Record.Scenario)
	}
	for _, c := range f.Stress {
		add(c.Scenario)
	}
	if len(names) == 0 {
		return nil
	}
	var out []scenarioRow
	described := map[string]bool{}
	for _, s := range f.Manifest.Scenarios {
		if !slices.Contains(names, s.Name) || described[s.Name] {
			continue
		}
		described[s.Name] = true
		row := scenarioRow{Name: s.Name, Origin: s.Origin, Probability: "—", Start: s.Start, Description: s.Description, Shocks: s.Shocks}
		if s.Origin != "library" && s.Origin != "inline" {
			row.Origin = "file " + s.Origin
		}
		if s.Probability > 0 {
			row.Probability = formatValue("probability", s.Probability)
		}
		out = append(out, row)
	}
	for _, n := range names {
		if !described[n] {
			out = append(out, scenarioRow{Name: n, Probability: "—", Unrecorded: true})
		}
	}
	return out
}

// monteCarloAbout says what the Monte Carlo section's figures are of:
// how many paths each run was replayed over (counted in montecarlo.csv,
// or the whole paths drawn), of how many dates (the bands'), and, from
// manifest.json, the paths' length in days, the bootstrap's block
// length, the history drawn from and the shock with its probability; it
// says so where manifest.json and the files disagree, or where the
// manifest does not record the setup (then the montecarlo setting, when
// there is one).
func monteCarloAbout(f *Folder) string {
	paths := monteCarloPaths(f)
	dates := 0
	for _, b := range bandsOf(f) {
		dates = max(dates, len(b.Time))
	}
	mc := f.Manifest.MonteCarlo
	var b strings.Builder
	switch {
	case len(paths) == 0 && mc != nil:
		fmt.Fprintf(&b, "Each run was replayed over %d bootstrapped paths", mc.Paths)
	case len(paths) == 0:
		b.WriteString("Each run was replayed over bootstrapped paths")
	case slices.Min(paths) == slices.Max(paths):
		fmt.Fprintf(&b, "Each run was replayed over %d bootstrapped paths", paths[0])
	default:
		fmt.Fprintf(&b, "The runs were replayed over %d to %d bootstrapped paths each", slices.Min(paths), slices.Max(paths))
	}
	if mc != nil {
		fmt.Fprintf(&b, " of %d calendar days", mc.Days)
	}
	if dates > 0 {
		fmt.Fprintf(&b, " (%d dates each)", dates)
	}
	if mc == nil {
		b.WriteString(". manifest.json does not record how the paths were made (a folder written before it did)")
		for _, st := range f.Manifest.Settings {
			if st.Key == "montecarlo" {
				b.WriteString("; the experiment's montecarlo setting: " + st.Value)
			}
		}
		b.WriteString(".")
	} else {
		fmt.Fprintf(&b, ", each a stationary bootstrap of the history")
		if mc.From != "" {
			b.WriteString(" from " + mc.From)
		}
		fmt.Fprintf(&b, " in blocks of %g dates on average", mc.MeanBlock)
		if mc.WarmupDays > 0 {
			fmt.Fprintf(&b, ", after %d days of warm-up the strategies read but do not trade on", mc.WarmupDays)
		}
		fmt.Fprintf(&b, " (bootstrap seed %d)", mc.Seed)
		if mc.Shock != "" {
			fmt.Fprintf(&b, "; each path received scenario %s with probability %s", mc.Shock, strconv.FormatFloat(mc.ShockProbability, 'g', -1, 64))
			if n, ok := shockedPaths(f); ok && len(paths) > 0 {
				fmt.Fprintf(&b, " (%d of the %d paths were shocked)", n, paths[0])
			}
		} else {
			b.WriteString("; no path was shocked")
		}
		b.WriteString(".")
		if len(paths) > 0 && (slices.Min(paths) != mc.Paths || slices.Max(paths) != mc.Paths) {
			fmt.Fprintf(&b, " manifest.json says %d paths a run, which the files do not hold: they may come from another run of the experiment.", mc.Paths)
		}
	}
	b.WriteString(" The percentiles, VaR and CVaR are of the paths' terminal returns, each over its whole path (not annualised); the drawdowns are each path's maximum drawdown; prob_loss is the share of paths that end below the initial cash; prob_ruin the share whose equity fell to 0 or below.")
	return b.String()
}

// monteCarloPaths counts the paths of each run in montecarlo.csv (one
// row per run and path, as package experiment writes it), or of the
// whole paths it holds in the other layout; nil when neither.
func monteCarloPaths(f *Folder) []int {
	if t := f.Tables["montecarlo.csv"]; t != nil {
		run, path := slices.Index(t.Header, "run"), slices.Index(t.Header, "path")
		if run < 0 || path < 0 {
			return nil
		}
		var order []string
		n := map[string]map[string]bool{}
		for _, r := range t.Rows {
			if n[r[run]] == nil {
				n[r[run]] = map[string]bool{}
				order = append(order, r[run])
			}
			n[r[run]][r[path]] = true
		}
		out := make([]int, len(order))
		for i, k := range order {
			out[i] = len(n[k])
		}
		return out
	}
	var out []int
	for _, fn := range f.Fans {
		out = append(out, len(fn.Paths))
	}
	return out
}

// shockedPaths counts the paths montecarlo.csv marks shocked, when every
// run has the same count (the runs share their paths).
func shockedPaths(f *Folder) (int, bool) {
	t := f.Tables["montecarlo.csv"]
	if t == nil {
		return 0, false
	}
	run, shocked := slices.Index(t.Header, "run"), slices.Index(t.Header, "shocked")
	if run < 0 || shocked < 0 {
		return 0, false
	}
	n := map[string]int{}
	for _, r := range t.Rows {
		if b, err := strconv.ParseBool(r[shocked]); err == nil && b {
			n[r[run]]++
		} else {
			n[r[run]] += 0
		}
	}
	first, ok := -1, len(n) > 0
	for _, c := range n {
		if first >= 0 && c != first {
			ok = false
		}
		first = c
	}
	return first, ok
}
