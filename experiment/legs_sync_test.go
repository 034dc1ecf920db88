package experiment

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/strategies"
)

// legsSeriesByMap is the leg series as first written: the sync points
// counted in a map of every bar's time, each close found by binary
// search. legsSeries must give the same series, bit for bit.
func legsSeriesByMap(r *RunResult, legs map[string][]string, p *data.Panel) *legSeries {
	var long, short []int
	for _, s := range legs["long leg"] {
		long = append(long, p.Index(s))
	}
	for _, s := range legs["short leg"] {
		short = append(short, p.Index(s))
	}
	all := append(append([]int{}, long...), short...)
	start, end := r.Result.Curve.Time[0], r.Result.Curve.Time[r.Result.Curve.Len()-1]
	count := map[int64]int{}
	for _, i := range all {
		for _, t := range p.Series[i].Time {
			if t >= start && t <= end {
				count[t]++
			}
		}
	}
	var times []int64
	for t, n := range count {
		if n == len(all) {
			times = append(times, t)
		}
	}
	slices.Sort(times)
	if len(times) < 3 {
		return nil
	}
	closeAt := func(i int, t int64) float64 {
		s := &p.Series[i]
		k, _ := slices.BinarySearch(s.Time, t)
		return s.Close[k]
	}
	n := len(times) - 1
	lr, sr := make([]float64, n), make([]float64, n)
	li, si := make([]float64, n+1), make([]float64, n+1)
	li[0], si[0] = 1, 1
	for k := 1; k <= n; k++ {
		for _, i := range long {
			lr[k-1] += (closeAt(i, times[k])/closeAt(i, times[k-1]) - 1) / float64(len(long))
		}
		for _, i := range short {
			sr[k-1] += (closeAt(i, times[k])/closeAt(i, times[k-1]) - 1) / float64(len(short))
		}
		li[k], si[k] = li[k-1]*(1+lr[k-1]), si[k-1]*(1+sr[k-1])
	}
	return &legSeries{times: times, lr: lr, sr: sr, li: li, si: si, long: long, short: short}
}

// The sync points of a pair hedge's legs, walked through the
// instruments' times together, are those a map of every time gives: on
// the synthetic market (equities on weekdays, tokens every day), and on
// the same market with a random tenth of each instrument's bars taken
// out (gaps that differ by instrument), for legs of one and of several
// instruments.
func TestLegsSeriesSyncPoints(t *testing.T) {
	text := `name = "legs"
seed = 4
start = "2023-01-01"
end = "2024-06-01"
[data]
synthetic = true
[[strategy]]
name = "one"
type = "pair-hedge"
[strategy.params]
long = ["NVDA"]
short = ["TAO"]
[[strategy]]
name = "many"
type = "pair-hedge"
[strategy.params]
long = ["NVDA", "MSFT", "META"]
short = ["TAO", "BTC"]
`
	o, err := runIn(t, t.TempDir(), text)
	if err != nil {
		t.Fatal(err)
	}
	holey := &data.Panel{Series: make([]data.Series, len(o.Panel.Series))}
	rng := rand.New(rand.NewPCG(9, 9))
	for i, s := range o.Panel.Series {
		h := data.Series{Instrument: s.Instrument}
		for k := range s.Time {
			if rng.IntN(10) > 0 {
				h.Time = append(h.Time, s.Time[k])
				h.Close = append(h.Close, s.Close[k])
			}
		}
		holey.Series[i] = h
	}
	for _, p := range []*data.Panel{o.Panel, holey} {
		for _, r := range o.Runs {
			legs := legsOf(strategies.Builtins(), r.Type, r.Params)
			got, want := legsSeries(&r, legs, p), legsSeriesByMap(&r, legs, p)
			if got == nil || want == nil {
				t.Fatalf("run %s: no leg series (%v, %v)", r.Key, got == nil, want == nil)
			}
			if len(want.times) < 200 {
				t.Fatalf("run %s: %d sync points, want a year's", r.Key, len(want.times))
			}
			if !slices.Equal(got.times, want.times) {
				t.Fatalf("run %s: %d sync points, want %d", r.Key, len(got.times), len(want.times))
			}
			for _, c := range []struct {
				name string
				a, b []float64
			}{{"lr", got.lr, want.lr}, {"sr", got.sr, want.sr}, {"li", got.li, want.li}, {"si", got.si, want.si}} {
				if !slices.EqualFunc(c.a, c.b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }) {
					t.Errorf("run %s: %s differs", r.Key, c.name)
				}
			}
		}
	}
}

// Intraday legs stamped off each other's grid share no instant: the leg
// series then takes the strategy's own sync points, the instants every
// leg is current, at most one an hour here. By hand, on 6 January 2025:
// E (equity) hourly bars at 14:30, 15:30, 16:30 (closes 100, 102, 99);
// T (token) hourly bars 00:00 … 23:00, close 50 + hour.
//
//	14:00  T's bar; E has none yet                  no
//	14:30  E's bar; T's 14:00 bar holds it (30 min)  sync 1
//	15:00  both current, 30 min after the last      no
//	15:30                                           sync 2
//	16:30                                           sync 3
//	17:30  E's 16:30 bar is an hour old             no (nor later)
//
// Long leg returns: 102/100 − 1 = 0.02, 99/102 − 1; short leg (T at 14:00,
// 15:00, 16:00: 64, 65, 66): 65/64 − 1, 66/65 − 1.
func TestLegsSeriesOffGrid(t *testing.T) {
	day := data.Day(2025, 1, 6)
	h := func(x float64) int64 { return day + int64(x*float64(data.Hour)) }
	e := data.Series{Instrument: data.Instrument{Symbol: "E", Class: data.Equity}, Interval: data.Hour,
		Time: []int64{h(14.5), h(15.5), h(16.5)}, Close: []float64{100, 102, 99}}
	tok := data.Series{Instrument: data.Instrument{Symbol: "T", Class: data.Crypto}, Interval: data.Hour}
	for k := 0; k < 24; k++ {
		tok.Time = append(tok.Time, h(float64(k)))
		tok.Close = append(tok.Close, 50+float64(k))
	}
	p := &data.Panel{Series: []data.Series{e, tok}}
	var r RunResult
	r.Result = &engine.Result{}
	r.Result.Curve.Time = []int64{h(0), h(23)}
	got := legsSeries(&r, map[string][]string{"long leg": {"E"}, "short leg": {"T"}}, p)
	if got == nil {
		t.Fatal("no leg series")
	}
	if want := []int64{h(14.5), h(15.5), h(16.5)}; !slices.Equal(got.times, want) {
		t.Fatalf("sync points %v, want %v", got.times, want)
	}
	for _, c := range []struct {
		name      string
		got, want []float64
	}{
		{"long", got.lr, []float64{0.02, 99.0/102 - 1}},
		{"short", got.sr, []float64{65.0/64 - 1, 66.0/65 - 1}},
	} {
		for k := range c.want {
			if math.Abs(c.got[k]-c.want[k]) > 1e-15 {
				t.Errorf("%s leg return %d = %g, want %g", c.name, k, c.got[k], c.want[k])
			}
		}
	}
}
