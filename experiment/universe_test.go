package experiment

import "testing"

// A run sees its own strategy's instruments alone: a QQQ buy-and-hold
// filled at the close (fill = "close") bought at 2021-01-04's close
// alone, and a day later when another strategy of the file loaded BTC,
// whose daily close (00:00 UTC) comes after QQQ's (21:00 UTC) and was
// counted as seen. Its fills and its equity on QQQ's days are now those
// of the run alone, which is the reference here.
func TestRunSeesItsOwnInstruments(t *testing.T) {
	exp := func(extra string) string {
		return `name = "qqq"
start = "2021-01-01"
end = "2021-04-01"
fill = "close"
[data]
synthetic = true
[[strategy]]
name = "QQQ"
type = "buy-and-hold"
[strategy.params]
symbols = ["QQQ"]
` + extra
	}
	alone, err := runIn(t, t.TempDir(), exp(""))
	if err != nil {
		t.Fatal(err)
	}
	beside, err := runIn(t, t.TempDir(), exp(`[[strategy]]
name = "BTC"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
`))
	if err != nil {
		t.Fatal(err)
	}
	a, b := alone.Runs[0].Result, beside.Runs[0].Result
	if beside.Runs[0].Key != "qqq" || len(a.Fills) == 0 || len(a.Fills) != len(b.Fills) {
		t.Fatalf("run %s: %d fills beside BTC, %d alone", beside.Runs[0].Key, len(b.Fills), len(a.Fills))
	}
	for k := range a.Fills {
		if a.Fills[k].Time != b.Fills[k].Time || a.Fills[k].Price != b.Fills[k].Price || a.Fills[k].Qty != b.Fills[k].Qty {
			t.Errorf("fill %d beside BTC %+v, alone %+v", k, b.Fills[k], a.Fills[k])
		}
	}
	at := map[int64]float64{}
	for k, tm := range b.Curve.Time {
		at[tm] = b.Curve.Equity[k]
	}
	for k, tm := range a.Curve.Time {
		if v, ok := at[tm]; !ok || v != a.Curve.Equity[k] {
			t.Fatalf("equity at %d: %v beside BTC (present %v), %v alone", tm, v, ok, a.Curve.Equity[k])
		}
	}
	if len(b.Curve.Time) <= len(a.Curve.Time) {
		t.Errorf("the run beside BTC has %d points, alone %d: the timeline holds no weekend, the test checks nothing", len(b.Curve.Time), len(a.Curve.Time))
	}
}
