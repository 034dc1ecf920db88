package experiment

import (
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// An end given as an instant inside an intraday bar leaves that bar out,
// as it leaves out a daily bar that closes after it: TAO's hourly bar of
// 2025-01-07T14:00Z closes at 15:00Z, after an end at 14:30Z, so the
// runs' last TAO bar is 13:00Z's (closed at 14:00Z). Before, the bars
// stamped before the end were kept, and the 14:00Z bar's close, a price
// of 15:00Z, was inside a run said to end at 14:30Z.
func TestEndInstantInsideAnIntradayBar(t *testing.T) {
	o, err := runIn(t, t.TempDir(), `name = "x"
start = "2025-01-06"
end = "2025-01-07T14:30:00Z"
[data]
synthetic = true
interval = "1h"
days = 3
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["TAO"]
`)
	if err != nil {
		t.Fatal(err)
	}
	s := o.Panel.Series[o.Panel.Index("TAO")]
	if got := data.FormatTime(s.Time[s.Len()-1]); got != "2025-01-07T13:00:00Z" {
		t.Errorf("TAO's last bar %s, want 2025-01-07T13:00:00Z", got)
	}
	c := o.Runs[0].Result.Curve
	if got := data.FormatTime(c.Time[len(c.Time)-1]); got != "2025-01-07T13:00:00Z" {
		t.Errorf("the run's last point %s, want 2025-01-07T13:00:00Z", got)
	}
	want := "end = 2025-01-07T14:30:00Z falls inside the bars of TAO (2025-01-07T14:00:00Z)"
	if !strings.Contains(strings.Join(o.Notes, "\n"), want) {
		t.Errorf("notes lack %q:\n%s", want, strings.Join(o.Notes, "\n"))
	}
}
