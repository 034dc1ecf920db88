package scenarios

// Adding a price shock, the walk-through of docs/scenarios.md ("Adding a
// shock"): everything below the registration line is what the new type's
// own file, scenarios/drift.go, would hold; the registration is the one
// line it adds to shockKinds in parse.go.

import (
	"fmt"
	"math"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/strict"
)

// KindDrift is the new type's spelling.
const KindDrift ShockKind = "drift"

// Drift adds Rate to every daily return of its targets over a window (a
// slow bleed when Rate < 0); after the window the new level carries.
type Drift struct {
	Target
	When
	Window
	Rate float64 // per bar, a fraction: −0.1 is −10% a bar
}

// Kind implements Shock.
func (*Drift) Kind() ShockKind { return KindDrift }

func (s *Drift) validate() error {
	if err := firstErr(s.Target.validate(), s.When.validate(), s.Window.validate(s.When)); err != nil {
		return err
	}
	return checkMove("rate", s.Rate)
}

// apply: for the bars k in the window, close_k = close_{k−1}·e^{r_k}·(1+Rate),
// each bar's open, high and low scaled with its close; later bars keep
// their returns (view.rebuild carries the level).
func (s *Drift) apply(v *view, key string) error {
	idx, from, to, err := v.regime(s.Target, s.When, s.Window, key)
	if err != nil {
		return err
	}
	for _, i := range idx {
		lo, hi := v.barRange(i, from, to)
		r := v.logReturns(i, lo, hi)
		for k := range r {
			r[k] += math.Log1p(s.Rate)
		}
		v.rebuild(i, lo, hi, r, nil)
	}
	return nil
}

// driftFile is the type's TOML keys: the keys every shock takes, a window
// and the rate, required.
type driftFile struct {
	shockKeys
	windowKeys
	Rate *float64 `toml:"rate"`
}

func (f *driftFile) check() error {
	if f.Rate == nil {
		return &strict.KeyError{Path: "rate", Msg: "required (a return per bar: -0.01 is -1%)"}
	}
	return nil
}

func (f *driftFile) shock(t Target, w When) Shock {
	return &Drift{Target: t, When: w, Window: f.window(), Rate: *f.Rate}
}

// A drift of −10% a bar over three days from day 1, on a flat price of
// 100. By hand: day 0 keeps 100; days 1, 2, 3 close at 100 × 0.9 = 90,
// 90 × 0.9 = 81, 81 × 0.9 = 72.9; days 4 and 5 keep 72.9 (a flat path's
// returns are 0 and the level carries). The panel passed in is untouched.
func ExampleShock() {
	kinds := shockKinds()
	kinds[KindDrift] = func() shockFile { return &driftFile{} } // the registration line
	sc, err := parse("bleed.toml", `
name = "bleed"
[[shock]]
type = "drift"
symbols = ["TAO"]
day = 1
days = 3
rate = -0.1
`, kinds)
	if err != nil {
		fmt.Println(err)
		return
	}
	tao := data.Series{Instrument: data.Instrument{Symbol: "TAO", Class: data.Crypto}}
	for k := range 6 {
		tao.Time = append(tao.Time, data.Day(2024, 1, 1+k))
		tao.Open, tao.High, tao.Low = append(tao.Open, 100), append(tao.High, 101), append(tao.Low, 99)
		tao.Close, tao.Volume = append(tao.Close, 100), append(tao.Volume, 1000)
	}
	tao.AdjClose = tao.Close
	p := &data.Panel{Series: []data.Series{tao}}
	out, _, err := sc.Apply(p, nil, ApplyOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, c := range out.Series[0].Close {
		fmt.Printf("%s %.1f (was %.0f)\n", data.FormatDay(out.Series[0].Time[k]), c, p.Series[0].Close[k])
	}
	_, err = parse("bad.toml", "name = \"b\"\n[[shock]]\ntype = \"drift\"\nsymbols = [\"TAO\"]\nday = 1\ndays = 3\n", kinds)
	fmt.Println(err)
	// Output:
	// 2024-01-01 100.0 (was 100)
	// 2024-01-02 90.0 (was 100)
	// 2024-01-03 81.0 (was 100)
	// 2024-01-04 72.9 (was 100)
	// 2024-01-05 72.9 (was 100)
	// 2024-01-06 72.9 (was 100)
	// bad.toml: shock[0].rate: required (a return per bar: -0.01 is -1%)
}
