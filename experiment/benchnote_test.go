package experiment

import (
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// The note on a benchmark left out of the scenarios said the scenario
// runs are measured against its "real prices": on the synthetic market
// (examples/intraday-hedge.toml under `divergence stress`, QQQ a
// benchmark no strategy trades) there are none, and the product labels
// synthetic output as such everywhere else. What the note means is the
// prices as loaded, not shocked.
func TestBenchScenarioNoteSaysUnshocked(t *testing.T) {
	bench := &data.Panel{Synthetic: true, Series: []data.Series{{Instrument: data.Instrument{Symbol: "QQQ"}}}}
	runs := &data.Panel{Synthetic: true, Series: []data.Series{{Instrument: data.Instrument{Symbol: "NVDA"}}}}
	note := benchScenarioNote(bench, runs, true)
	if !strings.HasPrefix(note, "benchmark QQQ is not among the runs' instruments") {
		t.Fatalf("note: %q", note)
	}
	if strings.Contains(note, "real prices") || !strings.Contains(note, "against its unshocked prices") {
		t.Errorf("note: %q: want the benchmark's unshocked prices, not real ones", note)
	}
}
