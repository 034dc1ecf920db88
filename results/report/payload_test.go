//go:build duckdb_arrow

package report

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// TestPayloadDecodes: the page's JSON, decoded as its script decodes it,
// gives each run's equity times (the runs of one period sharing one
// column), each fills chart's closes and fills at their times, and each
// fill's tag at its marker.
func TestPayloadDecodes(t *testing.T) {
	dir, f, btc, p := pricedPage(t)
	raw := map[string]bool{} // runs written with their own times
	for _, x := range p["runs"].([]any) {
		r := x.(map[string]any)
		_, has := r["t"]
		raw[r["key"].(string)] = has
	}
	decodePayload(p)
	seconds := func(ts []int64) []float64 {
		out := make([]float64, len(ts))
		for i, x := range ts {
			out[i] = float64(floorDiv(x, 1e9))
		}
		return out
	}
	var seen [][]int64
	for _, x := range p["runs"].([]any) {
		r := x.(map[string]any)
		key := r["key"].(string)
		want, _ := reduce(f.run(key).Equity.Time, f.run(key).Equity.Values)
		if got := r["t"].([]float64); !slices.Equal(got, seconds(want)) {
			t.Errorf("run %s: %d times decoded, want its %d equity times", key, len(got), len(want))
		}
		shared := slices.ContainsFunc(seen, func(s []int64) bool { return slices.Equal(s, want) })
		if raw[key] == shared {
			t.Errorf("run %s: written with its times %v, another run drawn has them %v", key, raw[key], shared)
		}
		seen = append(seen, want)
	}
	if len(seen) < 2 || len(seen) == len(slices.CompactFunc(slices.Clone(seen), slices.Equal)) {
		t.Errorf("%d runs, %d distinct time columns: want runs sharing one (the test checks the sharing)", len(seen), len(slices.CompactFunc(slices.Clone(seen), slices.Equal)))
	}
	fills, err := readFills(filepath.Join(dir, "runs", "sma"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range p["ladders"].([]any) {
		l := x.(map[string]any)
		if l["run"] != "sma" || l["symbol"] != "BTC" {
			continue
		}
		found = true
		closeT := p["closes"].([]any)[int(l["close"].(float64))].(map[string]any)["t"].([]float64)
		if !slices.Equal(closeT, seconds(btc.Time)) {
			t.Errorf("BTC's close: %d times decoded, want its %d", len(closeT), len(btc.Time))
		}
		// Each fill at its time among the entries or the exits, its tag
		// among those of its marker.
		n := 0
		for _, fl := range fills {
			if fl.Symbol != "BTC" {
				continue
			}
			n++
			ok := false
			for _, side := range []string{"entry", "exit"} {
				ts := l[side].(map[string]any)["t"].([]float64)
				tags := l[side+"Tags"].([]string)
				if i := slices.Index(ts, float64(floorDiv(fl.Time, 1e9))); i >= 0 && slices.Contains(strings.Split(tags[i], ", "), fl.Tag) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("fill at %s (%q): no marker with its tag at its time", results.FormatTime(fl.Time), fl.Tag)
			}
		}
		if n == 0 || fills[0].Tag == "" {
			t.Errorf("%d BTC fills, first tag %q: the test checks nothing", n, fills[0].Tag)
		}
	}
	if !found {
		t.Error("no chart of the sma run's BTC fills")
	}
}
