package experiment

import (
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// On daily bars, an end given as an instant inside a day leaves out the
// bars stamped that day, which close after it: MSFT's session of 12 June
// 2024 opens at 13:30Z, after an end at 12:00Z, and BTC's day runs to 13
// June 00:00Z. So the run ending at 2024-06-12T12:00:00Z is the one
// ending on the date 2024-06-12 (its bars of 11 June the last), point for
// point, with a note; the old rule (bars stamped before the end) replayed
// 12 June's closes. An end at 21:30Z keeps MSFT's 12 June bar (closed at
// 21:00Z, as the engine replays it) and leaves out BTC's.
func TestEndInstantOnDailyBars(t *testing.T) {
	run := func(end string) *Outcome {
		o, err := runIn(t, t.TempDir(), `name = "endi"
seed = 2
start = "2024-05-01"
end = `+end+`
[data]
synthetic = true
[[strategy]]
name = "w"
type = "weights"
[strategy.params]
weights = { MSFT = 0.5, BTC = 0.3 }
`)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	byDate, noon := run(`"2024-06-12"`), run(`"2024-06-12T12:00:00Z"`)
	a, b := byDate.Runs[0].Result.Curve, noon.Runs[0].Result.Curve
	if !slices.Equal(a.Time, b.Time) || !slices.Equal(a.Equity, b.Equity) {
		t.Errorf("end at noon: %d points to %s, want the date's %d to %s", len(b.Time), data.FormatDay(b.Time[len(b.Time)-1]), len(a.Time), data.FormatDay(a.Time[len(a.Time)-1]))
	}
	if got := data.FormatDay(b.Time[len(b.Time)-1]); got != "2024-06-11" {
		t.Errorf("last point %s, want 2024-06-11", got)
	}
	want := "end = 2024-06-12T12:00:00Z falls inside the daily bars of BTC (2024-06-12), MSFT (2024-06-12), which close after it: left out"
	if !strings.Contains(strings.Join(noon.Notes, "\n"), want) {
		t.Errorf("notes lack %q:\n%s", want, strings.Join(noon.Notes, "\n"))
	}
	late := run(`"2024-06-12T21:30:00Z"`)
	msft := late.Panel.Series[late.Panel.Index("MSFT")]
	btc := late.Panel.Series[late.Panel.Index("BTC")]
	if got, gotB := data.FormatDay(msft.Time[msft.Len()-1]), data.FormatDay(btc.Time[btc.Len()-1]); got != "2024-06-12" || gotB != "2024-06-11" {
		t.Errorf("end at 21:30Z: MSFT's last bar %s, BTC's %s; want 2024-06-12 and 2024-06-11", got, gotB)
	}
}
