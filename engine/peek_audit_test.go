package engine_test

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// The look-ahead audit: adversarial strategies written against the
// exported API alone (as a user's would be), each trying to read or trade
// on what is not known at decision time.

// peekSeries builds a series at the given instants on a random walk
// (open near the previous close, a high and low around both).
func peekSeries(t *testing.T, rng *rand.Rand, sym string, class data.Class, times []int64) data.Series {
	t.Helper()
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class, Source: "test"}}
	px := 100.0
	for _, tm := range times {
		o := px * (1 + 0.01*rng.NormFloat64())
		c := o * (1 + 0.02*rng.NormFloat64())
		h := math.Max(o, c) * (1 + 0.01*rng.Float64())
		l := math.Min(o, c) * (1 - 0.01*rng.Float64())
		s.Time = append(s.Time, tm)
		s.Open, s.High, s.Low, s.Close = append(s.Open, o), append(s.High, h), append(s.Low, l), append(s.Close, c)
		s.AdjClose = append(s.AdjClose, c)
		s.Volume = append(s.Volume, 1e5+1e5*rng.Float64())
		px = c
	}
	if err := s.Validate(sym); err != nil {
		t.Fatal(err)
	}
	s.SetInterval()
	return s
}

// mixedTimes is the calendars of a mixed book from day0 for days days:
// a token's every day, New York's and Tokyo's weekdays (Tokyo off on
// some other days), daily bars at 00:00 UTC; with hourly, a token's
// hours and New York's regular-session hours at :30 (13:30Z … 19:30Z)
// instead, beside the daily equity.
func mixedTimes(day0 int64, days int, hourly bool) map[string][]int64 {
	out := map[string][]int64{}
	for d := 0; d < days; d++ {
		t := day0 + int64(d)*data.NanosPerDay
		wd := time.Unix(0, t).UTC().Weekday()
		weekday := wd != time.Saturday && wd != time.Sunday
		if hourly {
			for h := 0; h < 24; h++ {
				out["TOK"] = append(out["TOK"], t+int64(h)*int64(time.Hour))
			}
			if weekday {
				for h := 13; h < 20; h++ {
					out["EQH"] = append(out["EQH"], t+int64(h)*int64(time.Hour)+30*int64(time.Minute))
				}
			}
		} else {
			out["TOK"] = append(out["TOK"], t)
			if weekday && d%9 != 4 {
				out["9984.T"] = append(out["9984.T"], t)
			}
		}
		if weekday && d != 11 { // a holiday
			out["EQ"] = append(out["EQ"], t)
		}
	}
	return out
}

func mixedPanel(t *testing.T, seed uint64, hourly bool) *data.Panel {
	rng := rand.New(rand.NewPCG(seed, 99))
	times := mixedTimes(data.Day(2025, 1, 6), 40, hourly)
	p := &data.Panel{}
	for _, sym := range []string{"TOK", "EQ", "9984.T", "EQH"} {
		if ts, ok := times[sym]; ok {
			cl := data.Equity
			if sym == "TOK" {
				cl = data.Crypto
			}
			p.Series = append(p.Series, peekSeries(t, rng, sym, cl, ts))
		}
	}
	return p
}

// deepCopy copies every column to fresh arrays holding only bars before
// cut (cut 0: all of them): no capacity past the last bar.
func deepCopy(p *data.Panel, cut int64) *data.Panel {
	q := &data.Panel{Series: make([]data.Series, len(p.Series))}
	for i, s := range p.Series {
		n := len(s.Time)
		if cut != 0 {
			n = 0
			for n < len(s.Time) && s.Time[n] < cut {
				n++
			}
		}
		c := s
		cp := func(x []float64) []float64 { return append(make([]float64, 0, n), x[:n]...) }
		c.Time = append(make([]int64, 0, n), s.Time[:n]...)
		c.Open, c.High, c.Low, c.Close, c.AdjClose, c.Volume = cp(s.Open), cp(s.High), cp(s.Low), cp(s.Close), cp(s.AdjClose), cp(s.Volume)
		q.Series[i] = c
	}
	return q
}

// omnivore reads everything the Context and the Slice offer at every
// step, with every argument an attacker would try (windows of 1, 3 and a
// billion bars, every field, each slice re-sliced to its capacity, the
// Slice's instruments to theirs), fingerprints it, and trades at random
// with every order kind so that fills, events and the portfolio feed the
// fingerprints too. price holds the fingerprint of what shows prices and
// the portfolio, calendar that of the calendar reads (NextBarTime,
// FillTime, Interval), which may show when the next bar comes (a
// documented convention) but never a price.
type omnivore struct {
	price, calendar map[int64]uint64 // by step time
	cut             int64            // no order is sent at or after it
}

func (o *omnivore) OnBar(ctx *engine.Context, s *engine.Slice) error {
	h := fnv.New64a()
	put := func(v float64) {
		b := math.Float64bits(v)
		for k := 0; k < 8; k++ {
			h.Write([]byte{byte(b >> (8 * k))})
		}
	}
	puti := func(v int64) { put(math.Float64frombits(uint64(v))) }
	for _, i := range s.Active[:cap(s.Active)] {
		puti(int64(i))
	}
	puti(int64(len(s.Active)))
	n := ctx.NumInstruments()
	for i := 0; i < n; i++ {
		put(ctx.Price(i))
		if ctx.Stale(i) {
			put(1)
		}
		if b, ok := ctx.Bar(i); ok {
			puti(b.Time)
			put(b.Open)
			put(b.High)
			put(b.Low)
			put(b.Close)
			put(b.Volume)
		}
		puti(int64(ctx.Bars(i)))
		for _, w := range []int{-5, 0, 1, 3, 1e9} {
			for f := engine.Open; f <= engine.Volume; f++ {
				v := ctx.History(i, f, w)
				for _, x := range v[:cap(v)] {
					put(x)
				}
				puti(int64(len(v)))
			}
			ts := ctx.HistoryTime(i, w)
			for _, x := range ts[:cap(ts)] {
				puti(x)
			}
		}
		put(ctx.Position(i))
		put(ctx.AvgCost(i))
	}
	put(ctx.Cash())
	put(ctx.Equity())
	g, nt := ctx.Exposure()
	put(g)
	put(nt)
	puti(int64(ctx.Pending()))
	ev := ctx.Events()
	for _, e := range ev[:cap(ev)] {
		puti(int64(e.Kind))
		puti(e.Time)
		puti(int64(e.Order))
		put(e.Qty)
		put(e.Price)
	}
	o.price[s.Time] = h.Sum64()

	hc := fnv.New64a()
	for i := 0; i < n; i++ {
		fmt.Fprint(hc, ctx.NextBarTime(i), ctx.FillTime(i), ctx.Interval(i))
	}
	o.calendar[s.Time] = hc.Sum64()

	if s.Time >= o.cut {
		return nil
	}
	// Trade at random, every kind, from the run's seeded source.
	r := ctx.Rand()
	for _, i32 := range s.Active {
		i := int(i32)
		if r.IntN(3) != 0 {
			continue
		}
		px := ctx.Price(i)
		qty := float64(1 + r.IntN(20))
		if r.IntN(2) == 0 {
			qty = -qty
		}
		var od engine.Order
		switch r.IntN(8) {
		case 0:
			od = engine.Order{Instrument: i, Kind: engine.Market, Amount: qty}
		case 1:
			od = engine.Order{Instrument: i, Kind: engine.MarketOnClose, Amount: qty}
		case 2:
			od = engine.Order{Instrument: i, Kind: engine.Limit, Amount: qty, Price: px * (1 - 0.01*math.Copysign(1, qty))}
		case 3:
			od = engine.Order{Instrument: i, Kind: engine.Stop, Amount: qty, StopPrice: px * (1 + 0.01*math.Copysign(1, qty))}
		case 4:
			od = engine.Order{Instrument: i, Kind: engine.StopLimit, Amount: qty, StopPrice: px * (1 + 0.005*math.Copysign(1, qty)), Price: px * (1 + 0.01*math.Copysign(1, qty))}
		case 5:
			od = engine.Order{Instrument: i, Kind: engine.TrailingStop, Amount: qty, TrailPct: 0.01, TIF: engine.Day}
		case 6:
			od = engine.Order{Instrument: i, Kind: engine.Market, Sizing: engine.TargetWeight, Amount: 0.2 * r.Float64()}
		case 7:
			if _, _, err := ctx.Bracket(i, px*0.98, px*1.02, "b"); err != nil {
				return err
			}
			continue
		}
		id, err := ctx.Submit(od)
		if err != nil {
			return err
		}
		if r.IntN(4) == 0 {
			ctx.Replace(id, 0, 0, 0)
			ctx.Cancel(id)
		}
	}
	return nil
}

func runOmnivore(t *testing.T, p *data.Panel, cut int64, universe []string) (*engine.Result, *omnivore) {
	t.Helper()
	o := &omnivore{price: map[int64]uint64{}, calendar: map[int64]uint64{}, cut: cut}
	cfg := engine.Config{Cash: 1e6, Commission: 5, Seed: 7, Universe: universe}
	res, err := engine.Run(p, nil, o, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res, o
}

// Nothing the strategy can reach through the Context or the Slice
// before a cut depends on the bars at or after it: neither their prices
// (the future changed), nor their existence (the panel cut there, in
// fresh arrays), nor what a window cut at an experiment's end leaves
// beyond the slices' length (data.Panel.Window keeps the arrays, as an
// experiment does for its scenarios' replays). Daily and intraday mixed
// calendars: a token's every day beside New York's and Tokyo's
// weekdays; a token's hours beside New York's at :30 and a daily equity.
func TestPeekNothingBeforeTheCutDependsOnWhatFollows(t *testing.T) {
	for _, hourly := range []bool{false, true} {
		for seed := uint64(1); seed <= 6; seed++ {
			t.Run(fmt.Sprintf("hourly=%v/seed=%d", hourly, seed), func(t *testing.T) {
				full := mixedPanel(t, seed, hourly)
				tok := full.Series[0].Time
				cut := tok[len(tok)*(2+int(seed%3))/6]
				if hourly {
					cut -= 30 * int64(time.Minute) // inside an hour: EQH's :30 bars
					cut += int64(seed%2) * int64(time.Hour)
				}
				changed := deepCopy(full, 0)
				for i := range changed.Series {
					s := &changed.Series[i]
					for k := range s.Time {
						if s.Time[k] >= cut {
							s.Open[k] *= 1.3
							s.High[k] *= 1.6
							s.Low[k] *= 0.7
							s.Close[k] *= 0.8
							s.AdjClose[k] = s.Close[k]
							s.Volume[k] *= 3
						}
					}
				}
				for _, universe := range [][]string{nil, {"TOK", "EQ"}} {
					_, a := runOmnivore(t, full, cut, universe)
					_, b := runOmnivore(t, changed, cut, universe)
					_, c := runOmnivore(t, deepCopy(full, cut), cut, universe)
					_, w := runOmnivore(t, full.Window(0, cut), cut, universe)
					steps, diff := 0, 0
					for tm, fp := range a.price {
						if tm >= cut {
							if b.price[tm] != fp {
								diff++
							}
							continue
						}
						steps++
						if b.price[tm] != fp || b.calendar[tm] != a.calendar[tm] {
							t.Errorf("universe %v: at %s the strategy sees the future's prices", universe, data.FormatTime(tm))
						}
						if c.price[tm] != fp {
							t.Errorf("universe %v: at %s the strategy sees whether bars follow the cut", universe, data.FormatTime(tm))
						}
						if w.price[tm] != c.price[tm] || w.calendar[tm] != c.calendar[tm] {
							t.Errorf("universe %v: at %s the strategy sees the bars a window left past its end", universe, data.FormatTime(tm))
						}
					}
					if steps < 10 || diff == 0 {
						t.Fatalf("probe proves nothing: %d steps before the cut, %d after it differ", steps, diff)
					}
				}
			})
		}
	}
}

// The instruments a Slice shows end with its step: re-sliced to their
// capacity they showed which instruments have bars at every later step
// (here that B trades only on the third day, then never again: a halt
// and a delisting, known at the first bar).
func TestPeekSliceActiveEndsAtItsStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	d := data.Day(2025, 1, 6)
	a := peekSeries(t, rng, "A", data.Crypto, []int64{d, d + data.NanosPerDay, d + 2*data.NanosPerDay, d + 3*data.NanosPerDay})
	b := peekSeries(t, rng, "B", data.Crypto, []int64{d + 2*data.NanosPerDay})
	var seen []string
	_, err := engine.Run(&data.Panel{Series: []data.Series{a, b}}, nil, script(func(ctx *engine.Context, s *engine.Slice) error {
		for _, i := range s.Active[len(s.Active):cap(s.Active)] {
			seen = append(seen, fmt.Sprintf("step %d shows instrument %d of a later step", s.Step, i))
		}
		return nil
	}), engine.Config{Cash: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range seen {
		t.Error(m)
	}
}

type script func(ctx *engine.Context, s *engine.Slice) error

func (f script) OnBar(ctx *engine.Context, s *engine.Slice) error { return f(ctx, s) }

// closeOf is when the bar of series s stamped t closes in fact, worked
// out apart from the engine for the calendars of mixedPanel (January and
// February 2025: New York on standard time, closing at 16:00 EST =
// 21:00Z; Tokyo at 15:30 JST = 06:30Z since 2024-11-05; a token's
// daily bar at the next 00:00Z; hourly bars an hour after their stamp,
// New York's last at 19:30Z closing 20:30Z).
func closeOf(t *testing.T, s *data.Series, stamp int64) int64 {
	t.Helper()
	day := stamp - stamp%data.NanosPerDay
	switch {
	case s.Symbol == "TOK" && s.Interval == data.Daily:
		return stamp + data.NanosPerDay
	case s.Symbol == "TOK" || s.Symbol == "EQH":
		return stamp + int64(time.Hour)
	case s.Symbol == "EQ":
		return day + 21*int64(time.Hour)
	case s.Symbol == "9984.T":
		return day + 6*int64(time.Hour) + 30*int64(time.Minute)
	}
	t.Fatalf("no calendar for %s", s.Symbol)
	return 0
}

// An adversary sends every order kind on every instrument at every step,
// replaces and cancels some, and the engine must fill none of them on a
// bar that opens before the latest close the strategy had seen when it
// decided (a market-on-close order: on a bar that closes before it): a
// daily equity's bar at a token's 00:00Z hour shows the 21:00Z close,
// and a token order decided then waits for 21:00Z; a Tokyo bar beside
// New York's closes at 06:30Z, and its market-on-close order decided on
// a day that shows New York's close fills the next day. A cancel or
// replace decided then reaches the market no sooner: until that close
// the order fills as it would have without the change (a control run
// that draws the same random numbers and changes nothing), and the
// cancelled order fills on no bar opening at or after it.
func TestPeekNoFillBeforeTheDecisionsInformation(t *testing.T) {
	for _, hourly := range []bool{false, true} {
		for seed := uint64(1); seed <= 4; seed++ {
			t.Run(fmt.Sprintf("hourly=%v/seed=%d", hourly, seed), func(t *testing.T) {
				p := mixedPanel(t, seed, hourly)
				known := map[engine.OrderID]int64{}   // the latest close seen at the order's decision
				changed := map[engine.OrderID]int64{} // the latest close seen at its cancel or replace
				cancels := map[engine.OrderID]bool{}
				sent := 0
				type sentOrder struct {
					engine.Order
					id engine.OrderID
				}
				run := func(act bool) *engine.Result {
					var prev []sentOrder
					strat := script(func(ctx *engine.Context, s *engine.Slice) error {
						k := int64(math.MinInt64)
						for i := 0; i < ctx.NumInstruments(); i++ {
							if ts := ctx.HistoryTime(i, 1); len(ts) == 1 {
								k = max(k, closeOf(t, &p.Series[i], ts[0]))
							}
						}
						r := ctx.Rand()
						// Change some of the orders sent at the previous
						// step, still pending or not.
						for _, o := range prev {
							c := r.IntN(3)
							if !act || c != 0 {
								continue
							}
							if o.Kind == engine.Limit || o.Kind == engine.StopLimit {
								sg := math.Copysign(1, o.Amount)
								if ctx.Replace(o.id, 0, o.Price*(1-0.002*sg), 0) {
									changed[o.id] = k
								}
							} else if ctx.Cancel(o.id) {
								changed[o.id], cancels[o.id] = k, true
							}
						}
						prev = prev[:0]
						for i := 0; i < ctx.NumInstruments(); i++ {
							px := ctx.Price(i)
							if math.IsNaN(px) {
								continue
							}
							for kind := engine.Market; kind <= engine.TrailingStop; kind++ {
								qty := float64(1 + r.IntN(5))
								if r.IntN(2) == 0 {
									qty = -qty
								}
								o := engine.Order{Instrument: i, Kind: kind, Amount: qty, TIF: engine.TimeInForce(r.IntN(2))}
								sg := math.Copysign(1, qty)
								switch kind {
								case engine.Limit:
									o.Price = px * (1 - 0.005*sg)
								case engine.Stop:
									o.StopPrice = px * (1 + 0.005*sg)
								case engine.StopLimit:
									o.StopPrice, o.Price = px*(1+0.005*sg), px*(1+0.01*sg)
								case engine.TrailingStop:
									o.TrailPct = 0.005
								}
								id, err := ctx.Submit(o)
								if err != nil {
									return err
								}
								known[id] = k
								sent++
								prev = append(prev, sentOrder{o, id})
							}
							if r.IntN(3) == 0 {
								sl, tp, err := ctx.Bracket(i, px*0.995, px*1.005, "b")
								if err != nil {
									return err
								}
								known[sl], known[tp] = k, k
							}
						}
						return nil
					})
					res, err := engine.Run(p, nil, strat, engine.Config{Cash: 1e9, Seed: seed})
					if err != nil {
						t.Fatal(err)
					}
					return res
				}
				ctl := run(false)
				res := run(true)
				early := 0
				for _, f := range res.Fills {
					k, ok := known[f.Order]
					if !ok {
						continue // a liquidation or recall
					}
					// No commission, no slippage: a market order fills at
					// its bar's open, a market-on-close order at its close,
					// a limit no worse than its limit, every fill at a
					// price the bar traded.
					sr := &p.Series[f.Instrument]
					r := 0
					for sr.Time[r] != f.Time {
						r++
					}
					bad := f.Price < sr.Low[r] || f.Price > sr.High[r]
					switch f.Kind {
					case engine.Market:
						bad = bad || f.Price != sr.Open[r]
					case engine.MarketOnClose:
						bad = bad || f.Price != sr.Close[r]
					}
					if bad {
						t.Errorf("order %d (%v on %s) fills at %g on the bar of %s (O %g H %g L %g C %g)", f.Order, f.Kind, f.Symbol, f.Price,
							data.FormatTime(f.Time), sr.Open[r], sr.High[r], sr.Low[r], sr.Close[r])
					}
					when, what := f.Time, "opens"
					if f.Kind == engine.MarketOnClose {
						when, what = closeOf(t, &p.Series[f.Instrument], f.Time), "closes"
					}
					if when < k {
						early++
						if early <= 5 {
							t.Errorf("order %d (%v on %s) fills on the bar of %s, which %s at %s, before %s, the close seen when it was decided",
								f.Order, f.Kind, f.Symbol, data.FormatTime(f.Time), what, data.FormatTime(when), data.FormatTime(k))
						}
					}
					if c, ok := changed[f.Order]; ok && cancels[f.Order] && f.Time >= c {
						t.Errorf("order %d on %s fills at %s, after its cancel reached the market at %s", f.Order, f.Symbol, data.FormatTime(f.Time), data.FormatTime(c))
					}
				}
				if early > 0 {
					t.Errorf("%d fills before their decision's information", early)
				}
				// Before its change reached the market, a changed order
				// fills as in the control run.
				type key struct {
					id engine.OrderID
					at int64
				}
				// (A market-on-close order's fill comes at its bar's
				// close: a change that reached the market at that close
				// applies to it, as a decision on a close may act on it,
				// the market-on-close convention.)
				before := func(fs []engine.Fill) map[key]engine.Fill {
					m := map[key]engine.Fill{}
					for _, f := range fs {
						when := f.Time
						if f.Kind == engine.MarketOnClose {
							when = closeOf(t, &p.Series[f.Instrument], f.Time)
						}
						if c, ok := changed[f.Order]; ok && when < c {
							m[key{f.Order, f.Time}] = f
						}
					}
					return m
				}
				a, b := before(ctl.Fills), before(res.Fills)
				for k, f := range a {
					if g, ok := b[k]; !ok || g.Qty != f.Qty || g.Price != f.Price {
						t.Errorf("order %d on %s: filled %g at %g on %s without its change, %g at %g with it, decided on a close at %s",
							f.Order, f.Symbol, f.Qty, f.Price, data.FormatTime(f.Time), g.Qty, g.Price, data.FormatTime(changed[f.Order]))
					}
				}
				for k, g := range b {
					if _, ok := a[k]; !ok {
						t.Errorf("order %d on %s fills on %s only with a change decided on a close at %s", g.Order, g.Symbol, data.FormatTime(g.Time), data.FormatTime(changed[g.Order]))
					}
				}
				if len(res.Fills) < sent/20 || len(changed) == 0 {
					t.Fatalf("probe proves nothing: %d fills of %d orders, %d changed", len(res.Fills), sent, len(changed))
				}
				t.Logf("%d orders, %d fills, %d changed, %d changed orders filled before the change came", sent/2, len(res.Fills), len(changed), len(a))
			})
		}
	}
}

// History of a Field that is none of Open … Volume is nil, not a panic
// ("slice bounds out of range") that took the whole experiment down.
func TestPeekHistoryUnknownField(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	d := data.Day(2025, 1, 6)
	a := peekSeries(t, rng, "A", data.Crypto, []int64{d, d + data.NanosPerDay})
	var got [][]float64
	_, err := engine.Run(&data.Panel{Series: []data.Series{a}}, nil, script(func(ctx *engine.Context, s *engine.Slice) error {
		got = append(got, ctx.History(0, engine.Volume+1, 2), ctx.History(0, 200, 2))
		return nil
	}), engine.Config{Cash: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	for k, h := range got {
		if h != nil {
			t.Errorf("call %d: %v, want nil", k, h)
		}
	}
}
