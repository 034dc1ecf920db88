package experiment

import (
	"strings"
	"testing"

	"github.com/divergence-research/divergence/engine"
)

// A sweep's runs with the same results are named in a note. Under hedge
// = "dollar" the legs are sized equal whatever max_ratio, which bounds
// the estimated modes' ratio only: of the 6 runs of gross × max_ratio,
// the three max_ratio values at each gross are one result, 2 + 2 = 4
// runs repeat another's. Over gross alone every run differs: no note.
func TestSameResultsNote(t *testing.T) {
	text := func(sweep string) string {
		return `name = "same"
seed = 3
start = "2024-01-01"
end = "2024-09-01"
[data]
synthetic = true
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA", "MSFT"]
short = ["TAO", "FET"]
hedge = "dollar"
[strategy.sweep]
` + sweep
	}
	o, err := runIn(t, t.TempDir(), text("gross = [0.5, 1.0]\nmax_ratio = [2, 3, 4]\n"))
	if err != nil {
		t.Fatal(err)
	}
	same := notesPrefixed(o, "sweep hedge:")
	want := "sweep hedge: 4 of its 6 runs repeat the results of another run of the sweep (the same equity and cash at every step, as many fills), so the parameters they differ in changed no decision on these data: max_ratio = 2, 3, 4 (gross = 0.5); max_ratio = 2, 3, 4 (gross = 1)"
	if len(same) != 1 || same[0] != want {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(same, "\n"), want)
	}

	o, err = runIn(t, t.TempDir(), text("gross = [0.5, 1.0]\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notesPrefixed(o, "sweep hedge:") {
		t.Errorf("runs that differ noted: %s", n)
	}
}

// The note counts the runs it compares, those that traded: of a scaled
// entry's 8 runs, the 4 whose drawdown level (90%, 95%) is never reached
// make no trade (noTrade's note), and the 4 others (levels 5% and 6%,
// take-profits never reached) are one result. The sweep's runs are 8,
// not 4: the note says 3 of the 4 of them that traded.
func TestSameResultsNoteCountsTraded(t *testing.T) {
	o, err := runIn(t, t.TempDir(), `name = "traded"
seed = 3
start = "2024-01-01"
end = "2024-09-01"
[data]
synthetic = true
[[strategy]]
name = "se"
type = "scaled-entry"
[strategy.params]
symbol = "NVDA"
[strategy.sweep]
levels = [[0.9], [0.95], [0.05], [0.06]]
take_profit = [[5.0], [6.0]]
`)
	if err != nil {
		t.Fatal(err)
	}
	same := notesPrefixed(o, "sweep se:")
	want := "sweep se: 3 of the 4 of its 8 runs that traded repeat the results of another run of the sweep"
	if len(same) != 1 || !strings.HasPrefix(same[0], want) {
		t.Errorf("notes:\n%s\nwant one beginning:\n%s", strings.Join(same, "\n"), want)
	}
}

// notesPrefixed are the notes of o that begin with prefix.
func notesPrefixed(o *Outcome, prefix string) []string {
	var got []string
	for _, n := range o.Notes {
		if strings.HasPrefix(n, prefix) {
			got = append(got, n)
		}
	}
	return got
}

// The digest tells results apart by any step's time, equity or cash and
// by their count of fills, and not by what is not a result (a fill's
// tag).
func TestResultDigest(t *testing.T) {
	base := func() *engine.Result {
		return &engine.Result{
			Curve: engine.Curve{Time: []int64{1, 2, 3}, Equity: []float64{100, 101, 99}, Cash: []float64{100, 50, 50},
				Gross: []float64{0, 51, 49}, Net: []float64{0, 51, 49}, Drawdown: []float64{0, 0, -0.0198}},
			Fills: []engine.Fill{{Time: 2, Symbol: "AAA", Qty: 5, Price: 10, Commission: 0.5, Tag: "entry"}},
		}
	}
	d := resultDigest(base())
	if resultDigest(base()) != d {
		t.Fatal("the same result, two digests")
	}
	changes := map[string]func(r *engine.Result){
		"equity": func(r *engine.Result) { r.Curve.Equity[2] = 99.01 },
		"cash":   func(r *engine.Result) { r.Curve.Cash[1] = 50.5 },
		"time":   func(r *engine.Result) { r.Curve.Time[2] = 4 },
		"one more fill": func(r *engine.Result) {
			r.Fills = append(r.Fills, engine.Fill{Time: 3, Symbol: "AAA"})
		},
		"one more step": func(r *engine.Result) {
			c := &r.Curve
			c.Time, c.Equity, c.Cash = append(c.Time, 4), append(c.Equity, 99), append(c.Cash, 50)
		},
	}
	for name, change := range changes {
		r := base()
		change(r)
		if resultDigest(r) == d {
			t.Errorf("%s changed, the same digest", name)
		}
	}
	r := base()
	r.Fills[0].Tag = "rebalance"
	if resultDigest(r) != d {
		t.Error("a tag changed the digest")
	}
}
