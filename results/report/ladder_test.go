package report

import (
	"math"
	"slices"
	"testing"

	"github.com/divergence-research/divergence/results/charts"
)

// TestLadderReversal: a fill that takes a long position through zero
// to a short is an exit of the long and the entry of the short, whose
// average entry price is that fill's price, by hand:
//
//	day 1 buy   10 @ 100    long 10, average entry 100
//	day 2 buy   10 @ 120    long 20, average entry (1000 + 1200) / 20 = 110
//	day 3 sell  30 @ 150    exits the 20 long, shorts 10 @ 150: average entry 150
//	day 4 buy   10 @ 130    exits the short: no position, no average
//
// The average entry price was 110 after day 3, the long's, carried onto
// the short, and the day-3 fill was no entry.
func TestLadderReversal(t *testing.T) {
	day := func(d int) int64 { return int64(d) * 86400e9 }
	r := &Run{Key: "flip", Name: "flip",
		Equity: charts.Series{Time: []int64{day(0), day(5)}, Values: []float64{1000, 1000}},
		Fills: []Fill{
			{day(1), "BTC", 10, 100, 0, "a"},
			{day(2), "BTC", 10, 120, 0, "b"},
			{day(3), "BTC", -30, 150, 0, "flip"},
			{day(4), "BTC", 10, 130, 0, "cover"},
		}}
	prices := map[string]charts.Series{"BTC": {Name: "BTC", Time: []int64{day(0), day(1), day(2), day(3), day(4), day(5)}, Values: []float64{100, 100, 120, 150, 130, 130}}}
	var closes closeSet
	var tags tagSet
	tags.refs([]string{"b"}) // a tag of an earlier run's ladder
	ls := ladders(r, charts.NewPalette([]string{"flip"}), prices, &closes, &tags)
	if len(ls) != 1 {
		t.Fatalf("%d ladders, want 1", len(ls))
	}
	l := ls[0]
	wantAvg := []float64{100, 110, 150, math.NaN()}
	if len(l.Avg.V) != len(wantAvg) {
		t.Fatalf("average entry %v, want %v", l.Avg.V, wantAvg)
	}
	for i, w := range wantAvg {
		if g := l.Avg.V[i]; !(math.Abs(g-w) < 1e-9 || math.IsNaN(g) && math.IsNaN(w)) {
			t.Errorf("day %d: average entry price %v, want %v", i+1, g, w)
		}
	}
	wantEntry := []int64{day(1), day(2), day(3)}
	if !equalTimes(l.Entry.T, wantEntry) || len(l.Entry.V) != 3 || l.Entry.V[2] != 150 {
		t.Errorf("entries at %v (%v), want days 1, 2 and 3 (the reversal, at 150)", l.Entry.T, l.Entry.V)
	}
	if !equalTimes(l.Exit.T, []int64{day(3), day(4)}) {
		t.Errorf("exits at %v, want days 3 and 4", l.Exit.T)
	}
	// The tags are indexes in the page's table, each tag written once.
	tagsOf := func(k []int) []string {
		var out []string
		for _, i := range k {
			out = append(out, tags.list[i])
		}
		return out
	}
	if g, w := tagsOf(l.EntryTags), []string{"a", "b", "flip"}; !slices.Equal(g, w) {
		t.Errorf("entry tags %q, want %q", g, w)
	}
	if g, w := tagsOf(l.ExitTags), []string{"flip", "cover"}; !slices.Equal(g, w) {
		t.Errorf("exit tags %q, want %q", g, w)
	}
	if w := []string{"b", "a", "flip", "cover"}; !slices.Equal(tags.list, w) {
		t.Errorf("tag table %q, want %q (each once)", tags.list, w)
	}
}

func equalTimes(a secs, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestAverageChanges: the average entry price keeps a point only where it
// changes (NaN, no position, equal to NaN), the first always.
func TestAverageChanges(t *testing.T) {
	nan := math.NaN()
	l := changes(priceLine{T: secs{1, 2, 3, 4, 5, 6, 7}, V: prices{100, 100, 110, nan, nan, 110, 110}})
	if !slices.Equal(l.T, secs{1, 3, 4, 6}) || len(l.V) != 4 || l.V[0] != 100 || l.V[1] != 110 || !math.IsNaN(l.V[2]) || l.V[3] != 110 {
		t.Errorf("changes: %v at %v, want 100 110 NaN 110 at 1 3 4 6", l.V, l.T)
	}
}
