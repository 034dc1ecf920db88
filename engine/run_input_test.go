package engine

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// What a Go program hands Run by mistake is refused with an error that
// says what is wrong, never a nil-pointer or index panic inside the loop:
// a nil strategy or panel, a timeline built from another panel, and a
// series whose columns are shorter than its times (a panel built by hand
// from slices, not read and validated).
func TestRunRefusesMalformedInput(t *testing.T) {
	rows := []row{{"2024-01-01", 100, 101, 99, 100, 10}, {"2024-01-02", 100, 103, 99, 102, 10}, {"2024-01-03", 102, 104, 101, 103, 10}}
	idle := script(func(*Context, *Slice) error { return nil })
	other := panel(series(t, "Y", data.Crypto, rows), series(t, "Z", data.Crypto, rows))
	cases := []struct {
		name  string
		p     func() *data.Panel
		tl    func(p *data.Panel) *Timeline
		strat Strategy
		want  string
	}{
		{"nil strategy", func() *data.Panel { return panel(series(t, "X", data.Crypto, rows)) }, nil, nil,
			"engine: nil strategy"},
		{"nil panel", func() *data.Panel { return nil }, nil, idle,
			"engine: nil panel"},
		{"timeline of another panel", func() *data.Panel { return panel(series(t, "X", data.Crypto, rows)) },
			func(*data.Panel) *Timeline { return NewTimeline(other) }, idle,
			"engine: the timeline was not built from this panel (1 instrument, 3 bars; the timeline has 2 instruments, 6 bars): pass NewTimeline(p), or nil"},
		{"short close", func() *data.Panel {
			s := series(t, "X", data.Crypto, rows)
			s.Close = s.Close[:2]
			return panel(s)
		}, nil, idle, "engine: series X has 3 times but 2 close values (every column needs one value per time)"},
		{"no open, high, low", func() *data.Panel {
			s := series(t, "X", data.Crypto, rows)
			s.Open, s.High, s.Low = nil, nil, nil
			return panel(s)
		}, nil, idle, "engine: series X has 3 times but 0 open values (every column needs one value per time)"},
		{"no volume", func() *data.Panel {
			s := series(t, "X", data.Crypto, rows)
			s.Volume = nil
			return panel(s)
		}, nil, idle, "engine: series X has 3 times but 0 volume values (every column needs one value per time)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.p()
			var tl *Timeline
			if c.tl != nil {
				tl = c.tl(p)
			}
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("panic: %v", r)
					}
				}()
				_, err = Run(p, tl, c.strat, Config{Cash: 1000})
			}()
			if err == nil || err.Error() != c.want {
				t.Fatalf("error %v\nwant  %s", err, c.want)
			}
		})
	}
}

// Buy and Sell take a quantity > 0, as their docs say: a negative one is
// an error naming the instrument, not a trade the other way (Buy(i, −1)
// sold one unit). 0 is nothing to do, as it is for Submit.
func TestBuySellRefuseNegativeQuantity(t *testing.T) {
	rows := []row{{"2024-01-01", 100, 101, 99, 100, 10}, {"2024-01-02", 100, 103, 99, 102, 10}, {"2024-01-03", 102, 104, 101, 103, 10}}
	cases := []struct {
		name string
		call func(ctx *Context) (OrderID, error)
		want string
	}{
		{"buy -1", func(ctx *Context) (OrderID, error) { return ctx.Buy(0, -1) }, "engine: Buy X: quantity -1, want > 0 (Sell sells)"},
		{"sell -1", func(ctx *Context) (OrderID, error) { return ctx.Sell(0, -1) }, "engine: Sell X: quantity -1, want > 0 (Buy buys)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			var id OrderID
			done := false
			res, runErr := Run(panel(series(t, "X", data.Crypto, rows)), nil, script(func(ctx *Context, _ *Slice) error {
				if !done {
					done = true
					id, err = c.call(ctx)
				}
				return nil
			}), Config{Cash: 1000})
			if runErr != nil {
				t.Fatal(runErr)
			}
			if err == nil || err.Error() != c.want || id != 0 {
				t.Fatalf("id %d, error %v\nwant 0, %s", id, err, c.want)
			}
			if len(res.Fills) != 0 {
				t.Fatalf("fills %+v, want none", res.Fills)
			}
		})
	}
	// The quantities the docs allow still trade: Buy(0, 2) at the
	// second bar's open of 100, Sell(0, 2) at the third's of 102.
	step := 0
	res, err := Run(panel(series(t, "X", data.Crypto, rows)), nil, script(func(ctx *Context, _ *Slice) error {
		step++
		var err error
		switch step {
		case 1:
			_, err = ctx.Buy(0, 2)
		case 2:
			_, err = ctx.Sell(0, 2)
		}
		return err
	}), Config{Cash: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fills) != 2 || res.Fills[0].Qty != 2 || res.Fills[0].Price != 100 || res.Fills[1].Qty != -2 || res.Fills[1].Price != 102 {
		t.Fatalf("fills %+v", res.Fills)
	}
	// 1000 − 2 × 100 + 2 × 102 = 1004.
	if eq := res.Curve.Equity[res.Curve.Len()-1]; eq != 1004 {
		t.Fatalf("final equity %g, want 1004", eq)
	}
}

// TargetWeight and TargetValue fill as Market or MarketOnClose, as their
// docs say: they take no price, so a resting kind (limit, stop, stop-limit,
// trailing stop) could only be rejected for its missing price once
// submitted. It is an error that says to use Submit, which sets one (a
// resting target order, as Bracket's legs are).
func TestTargetOrdersRefuseRestingKinds(t *testing.T) {
	rows := []row{{"2024-01-01", 100, 101, 99, 100, 10}, {"2024-01-02", 100, 103, 99, 102, 10}}
	cases := []struct {
		name string
		call func(ctx *Context) (OrderID, error)
		want string
	}{
		{"weight limit", func(ctx *Context) (OrderID, error) { return ctx.TargetWeight(0, 0.5, Limit, "") },
			"engine: TargetWeight X: a limit order needs a price: use Submit(Order{Kind: Limit, Sizing: TargetWeight, …})"},
		{"value stop", func(ctx *Context) (OrderID, error) { return ctx.TargetValue(0, 500, Stop, "") },
			"engine: TargetValue X: a stop order needs a price: use Submit(Order{Kind: Stop, Sizing: TargetValue, …})"},
		{"weight trailing", func(ctx *Context) (OrderID, error) { return ctx.TargetWeight(0, 0.5, TrailingStop, "") },
			"engine: TargetWeight X: a trailing-stop order needs a price: use Submit(Order{Kind: TrailingStop, Sizing: TargetWeight, …})"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var id OrderID
			var err error
			done := false
			res, runErr := Run(panel(series(t, "X", data.Crypto, rows)), nil, script(func(ctx *Context, _ *Slice) error {
				if !done {
					done = true
					id, err = c.call(ctx)
				}
				return nil
			}), Config{Cash: 1000})
			if runErr != nil {
				t.Fatal(runErr)
			}
			if err == nil || err.Error() != c.want || id != 0 {
				t.Fatalf("id %d, error %v\nwant 0, %s", id, err, c.want)
			}
			if res.Rejections != 0 || len(res.Fills) != 0 {
				t.Fatalf("%d rejections, fills %+v: want none", res.Rejections, res.Fills)
			}
		})
	}
}
