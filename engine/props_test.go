package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// Randomized and metamorphic checks of the engine's accounting, on small
// random panels of mixed calendars (a token every day, equities on
// weekdays with holidays, a token on 4-hour bars; gaps, a late listing, a
// delisting, gaps through stops and limits, bars without volume) traded
// by a random strategy that sends every order kind, sizing and time in
// force, cancels and replaces, under random cost, financing and margin
// terms. Every invariant is recomputed here from the fills, the ledger
// and the bars, never from the engine's own totals.

// propKind is how an instrument of a random panel trades.
type propKind uint8

const (
	propToken    propKind = iota // a token's daily bars, every day
	propEquity                   // an equity's daily bars, weekdays less holidays
	propIntraday                 // a token's 4-hour bars
	propSession                  // an equity's hourly bars of New York's session, 14:30Z to 20:30Z
)

// propDays is how many days a random panel spans, from Monday
// 2024-01-01: within New York's winter time (its daily bars close at
// 21:00 UTC) and free of NYSE early closes.
const propDays = 40

// propPanel returns a random panel of n instruments (2 to 5): the first a
// token on daily bars, the others of random kinds, and their kinds.
func propPanel(t testing.TB, rng *rand.Rand, n int) (*data.Panel, []propKind) {
	t.Helper()
	p := &data.Panel{}
	kinds := make([]propKind, n)
	start := data.Day(2024, 1, 1)
	for i := 0; i < n; i++ {
		k := propToken
		if i > 0 {
			k = propKind(rng.IntN(4))
		}
		kinds[i] = k
		sym := fmt.Sprintf("S%d", i)
		cl := data.Crypto
		step, perDay := data.NanosPerDay, 1
		switch k {
		case propEquity:
			cl = data.Equity
		case propIntraday:
			step, perDay = data.NanosPerDay/6, 6
		case propSession:
			cl, step, perDay = data.Equity, data.NanosPerDay/24, 24
		}
		first, last := 0, propDays*perDay
		switch rng.IntN(4) {
		case 0: // listed late
			first = (5 + rng.IntN(10)) * perDay
		case 1: // delisted
			last = (propDays - 5 - rng.IntN(10)) * perDay
		}
		holidays := map[int]bool{14: true} // 2024-01-15, Martin Luther King day
		holidays[1+rng.IntN(propDays-1)] = true
		s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: cl, Source: "test"}}
		px := 50 + 150*rng.Float64()
		for b := first; b < last; b++ {
			ts := start + int64(b)*step
			if k == propSession {
				ts += nsPerHour / 2 // on the half hour
			}
			day := b / perDay
			if k == propEquity || k == propSession {
				wd := day % 7 // 2024-01-01 is a Monday
				if wd >= 5 || holidays[day] {
					continue
				}
			}
			if h := ts % data.NanosPerDay; k == propSession && (h < 14*nsPerHour+nsPerHour/2 || h > 20*nsPerHour+nsPerHour/2) {
				continue
			}
			if rng.Float64() < 0.1 && b != first { // a gap in the data
				continue
			}
			o := px * math.Exp(0.01*rng.NormFloat64())
			if rng.Float64() < 0.08 { // a gap through stops and limits
				o = px * (1 + 0.15*(2*float64(rng.IntN(2))-1))
			}
			c := o * math.Exp(0.03*rng.NormFloat64())
			h := math.Max(o, c) * (1 + 0.02*rng.Float64())
			l := math.Min(o, c) * (1 - 0.02*rng.Float64())
			switch x := rng.Float64(); { // a flash crash or squeeze, for margin calls
			case x < 0.02:
				l *= 0.6
			case x < 0.04:
				h *= 1.5
			}
			v := 50 + 2000*rng.Float64()
			if rng.Float64() < 0.1 {
				v = 0 // no volume reported
			}
			s.Time = append(s.Time, ts)
			s.Open, s.High, s.Low, s.Close = append(s.Open, o), append(s.High, h), append(s.Low, l), append(s.Close, c)
			s.AdjClose, s.Volume = append(s.AdjClose, c), append(s.Volume, v)
			px = c
		}
		if err := s.Validate(sym); err != nil {
			t.Fatal(err)
		}
		s.SetInterval()
		p.Series = append(p.Series, s)
	}
	return p, kinds
}

// propClose is when a bar of kind k stamped ts closes, computed here
// from the calendar (docs/execution.md): a token's daily bar a day after
// its stamp, an equity's at New York's 16:00 close, 21:00 UTC in winter,
// a 4-hour bar four hours after its stamp, an equity's hourly bar an hour
// after its stamp but for the session's last, 20:30Z, which closes with
// the session at 21:00Z.
func propClose(k propKind, ts int64) int64 {
	switch k {
	case propEquity:
		return ts + 21*nsPerHour
	case propIntraday:
		return ts + 4*nsPerHour
	case propSession:
		return min(ts+nsPerHour, ts-ts%data.NanosPerDay+21*nsPerHour)
	}
	return ts + data.NanosPerDay
}

// propCosts draws random trading terms. proportional leaves out what does
// not scale with the money (a minimum commission, lot sizes).
func propCosts(rng *rand.Rand, cash float64, proportional bool) Config {
	cfg := Config{Cash: cash, Commission: BasisPoints(10 * rng.Float64()), Seed: rng.Uint64()}
	coin := func() bool { return rng.IntN(2) == 0 }
	eq := &cfg.Equity
	if coin() {
		eq.Commission = Commission{Bps: BasisPoints(5 * rng.Float64()), PerShare: 0.01 * rng.Float64()}
		if !proportional && coin() {
			eq.Commission.Minimum = 2 * rng.Float64()
		}
		if coin() {
			// A cap of the order's notional, often under its base (up to
			// 5 bps + 0.01 a share, 1 bp at 100) and under a minimum on
			// small orders: the cap applies after the minimum.
			eq.Commission.MaxBps = BasisPoints(0.5 + 5*rng.Float64())
		}
	}
	if coin() {
		eq.Slippage = Slippage{Bps: BasisPoints(5 * rng.Float64()), SpreadBps: BasisPoints(10 * rng.Float64()), RangeFrac: 0.1 * rng.Float64(), ImpactK: rng.Float64()}
	}
	if coin() {
		eq.Slippage.MaxParticipation = 0.05 + 0.3*rng.Float64()
	}
	if coin() {
		eq.Borrow.Rate = 0.1 * rng.Float64()
		switch rng.IntN(4) {
		case 0:
			eq.Borrow.RecallAt = data.Day(2024, 1, 10+rng.IntN(25)) + int64(rng.IntN(24))*nsPerHour
		case 1:
			cfg.Symbols = map[string]Terms{"S1": *eq}
			if rng.IntN(2) == 0 {
				st := cfg.Symbols["S1"]
				st.Borrow.Unavailable = true
				cfg.Symbols["S1"] = st
			}
		}
	}
	if coin() {
		eq.Margin = Margin{Initial: 0.5, Maintenance: 0.25, LiquidationFee: 0.01 * rng.Float64()}
	}
	cr := &cfg.Crypto
	if coin() {
		cr.Commission = Commission{Maker: BasisPoints(5 * rng.Float64()), Taker: BasisPoints(10 * rng.Float64())}
	}
	if coin() {
		cr.Slippage = Slippage{Bps: BasisPoints(5 * rng.Float64()), SpreadBps: BasisPoints(10 * rng.Float64()), RangeFrac: 0.1 * rng.Float64(), ImpactK: rng.Float64()}
	}
	if coin() {
		cr.Slippage.MaxParticipation = 0.05 + 0.3*rng.Float64()
	}
	if coin() {
		cr.Funding = Funding{Rate: 0.001 * rng.NormFloat64(), Interval: DefaultFundingInterval}
	}
	if coin() {
		cr.Margin = Margin{Initial: 0.1 + 0.2*rng.Float64(), Maintenance: 0.05, LiquidationFee: 0.02 * rng.Float64()}
		if coin() {
			cr.MarginMode = Isolated
		}
	} else if coin() {
		cr.Borrow.Rate = 0.2 * rng.Float64()
	}
	if coin() {
		cfg.CashRate, cfg.BorrowRate = 0.05*rng.Float64(), 0.1*rng.Float64()
	}
	if coin() {
		cfg.LimitFill = Touch
	}
	if coin() {
		cfg.Env = propEnv{}
	}
	return cfg
}

// propEnv shocks slippage, spread and volume one day in three, funding
// and borrow one day in five; by time alone, so that it is the same
// whatever an instrument's index.
type propEnv struct{}

func (propEnv) At(_ int, t int64) EnvFactors {
	f := Neutral()
	day := t / data.NanosPerDay
	if day%3 == 0 {
		f.SlippageMult, f.SpreadMult, f.VolumeMult = 2, 3, 0.5
	}
	if day%5 == 1 {
		f.FundingMult, f.BorrowMult = 3, 2
	}
	return f
}

// propTrader is a random strategy over the instruments named syms (it
// looks them up by symbol, so that the panel's order and extra
// instruments do not change what it does). Its decisions come from its
// own source, seeded, and never from money, so that a run with every
// amount scaled by scale makes the same ones. It records when each order
// was sent.
type propTrader struct {
	rng   *rand.Rand
	syms  []string
	idx   []int
	scale float64
	unit  float64 // a TargetValue's unit of money, before scale
	ids   []OrderID
	sent  map[OrderID]int64 // submit time per order
	size  map[OrderID]Sizing
	inst  map[OrderID]int
	// gone is when the strategy cancelled each order (Cancel returned
	// true, or CancelAll of its instrument), the first time.
	gone map[OrderID]int64
	// terms are each resting order's limit and stop prices, as sent and
	// as each accepted Replace changed them, with when it was decided.
	terms map[OrderID][]propTerms
	// day are the Day orders never replaced.
	day map[OrderID]bool
}

// propTerms are a resting order's kind and prices from time at.
type propTerms struct {
	at          int64
	kind        OrderKind
	price, stop float64
}

func newPropTrader(seed uint64, syms []string, scale, unit float64) *propTrader {
	return &propTrader{rng: rand.New(rand.NewPCG(seed, 77)), syms: syms, scale: scale, unit: unit, sent: map[OrderID]int64{}, size: map[OrderID]Sizing{}, inst: map[OrderID]int{}, gone: map[OrderID]int64{}, terms: map[OrderID][]propTerms{}, day: map[OrderID]bool{}}
}

func (s *propTrader) Init(ctx *Context) error {
	s.idx = make([]int, len(s.syms))
	for j, sym := range s.syms {
		if s.idx[j] = ctx.Lookup(sym); s.idx[j] < 0 {
			return fmt.Errorf("no %s", sym)
		}
	}
	return nil
}

func (s *propTrader) OnBar(ctx *Context, sl *Slice) error {
	if len(sl.Active) == 0 {
		return nil // a step of instruments outside the universe only
	}
	r := s.rng
	note := func(id OrderID, i int, sz Sizing, err error) error {
		if err != nil {
			return err
		}
		if id != 0 {
			s.ids = append(s.ids, id)
			s.sent[id] = ctx.Time()
			s.size[id] = sz
			s.inst[id] = i
		}
		return nil
	}
	for n := r.IntN(4); n > 0; n-- {
		j := r.IntN(len(s.idx))
		i := s.idx[j]
		px := ctx.Price(i)
		if px != px {
			r.Uint64() // keep the draws in step whatever the prices
			continue
		}
		kind := OrderKind(1 + r.IntN(6))
		var err error
		var id OrderID
		sz := Quantity
		switch r.IntN(8) {
		case 0:
			id, err = ctx.Buy(i, s.scale*(1+float64(r.IntN(40))))
		case 1:
			id, err = ctx.Sell(i, s.scale*(1+float64(r.IntN(40))))
		case 2:
			if kind.resting() {
				kind = Market
			}
			sz = TargetWeight
			id, err = ctx.TargetWeight(i, 5*r.Float64()-2.5, kind, "tw")
		case 3:
			if kind.resting() {
				kind = MarketOnClose
			}
			sz = TargetValue
			id, err = ctx.TargetValue(i, s.scale*s.unit*(3*r.Float64()-1.5), kind, "tv")
		default:
			o := Order{Instrument: i, Kind: kind, TIF: TimeInForce(r.IntN(2)), Tag: "rand"}
			switch r.IntN(3) {
			case 0:
				o.Amount = s.scale * float64(r.IntN(81)-40)
			case 1:
				o.Sizing, o.Amount = TargetWeight, 2*r.Float64()-1
			default:
				o.Sizing, o.Amount = TargetValue, s.scale*s.unit*(2*r.Float64()-1)
			}
			o.Price = px * (1 + 0.05*r.NormFloat64())
			o.StopPrice = px * (1 + 0.05*r.NormFloat64())
			if r.IntN(2) == 0 {
				o.Trail = px * 0.05 * r.Float64()
			} else {
				o.TrailPct = 0.1 * r.Float64()
			}
			id, err = ctx.Submit(o)
			sz = o.Sizing
			if err == nil && id != 0 && o.TIF == Day {
				s.day[id] = true
			}
			if err == nil && id != 0 && kind.resting() {
				s.terms[id] = []propTerms{{ctx.Time(), kind, o.Price, o.StopPrice}}
			}
		}
		if err := note(id, i, sz, err); err != nil {
			return err
		}
	}
	if r.IntN(6) == 0 {
		i := s.idx[r.IntN(len(s.idx))]
		px := ctx.Price(i)
		if px == px && ctx.Position(i) != 0 {
			sl, tp, err := ctx.Bracket(i, px*0.95, px*1.05, "bracket")
			if err := note(sl, i, TargetValue, err); err != nil {
				return err
			}
			if err := note(tp, i, TargetValue, nil); err != nil {
				return err
			}
			s.terms[sl] = []propTerms{{ctx.Time(), Stop, 0, px * 0.95}}
			s.terms[tp] = []propTerms{{ctx.Time(), Limit, px * 1.05, 0}}
		}
	}
	if len(s.ids) > 0 && r.IntN(3) == 0 {
		id := s.ids[r.IntN(len(s.ids))]
		delete(s.day, id) // a replaced Day order is not checked
		switch r.IntN(3) {
		case 0:
			if _, ok := s.gone[id]; !ok && ctx.Cancel(id) {
				s.gone[id] = ctx.Time()
			}
		case 1:
			a := r.Float64()
			switch s.size[id] {
			case Quantity:
				a = s.scale * float64(1+r.IntN(20))
			case TargetValue:
				a *= s.scale * s.unit
			}
			ctx.Replace(id, a, 0, 0)
		default:
			// A new limit, stop or both, as the order's kind takes them.
			ctx.Replace(id, 0, 0, 0)
			tm := s.terms[id]
			px := ctx.Price(s.inst[id])
			if len(tm) == 0 || tm[0].kind == TrailingStop || px != px {
				break
			}
			last := tm[len(tm)-1]
			price, stop := px*(1+0.03*r.NormFloat64()), px*(1+0.03*r.NormFloat64())
			switch {
			case last.kind == Limit:
				stop = 0
			case last.kind == Stop:
				price = 0
			case r.IntN(3) == 0:
				price = 0
			case r.IntN(2) == 0:
				stop = 0
			}
			if ctx.Replace(id, 0, price, stop) {
				if price != 0 {
					last.price = price
				}
				if stop != 0 {
					last.stop = stop
				}
				last.at = ctx.Time()
				s.terms[id] = append(tm, last)
			}
		}
	}
	if r.IntN(20) == 0 {
		i := s.idx[r.IntN(len(s.idx))]
		if ctx.CancelAll(i) > 0 {
			for _, id := range s.ids {
				if _, ok := s.gone[id]; !ok && s.inst[id] == i {
					s.gone[id] = ctx.Time()
				}
			}
		}
	}
	return nil
}

// propCheck checks a run's invariants, recomputed from its fills, ledger
// and the panel's bars:
//  1. equity = cash + Σ position × mark at every curve point, the mark
//     the last close of a bar stamped at or before the point (stale kept);
//  2. positions = Σ fills; cash = initial − Σ (qty × price + commission +
//     fee) − Σ borrow, funding, interest and shortfall entries; the
//     result's cost totals = the ledger summed by kind; the ledger's
//     commission, liquidation fees and slippage = the fills';
//  3. every fill on a bar of its instrument, at a price in its [low,
//     high], on a bar that opens (closes, market-on-close) at or after the
//     latest close seen when its order was sent; the participation cap
//     held on every bar; limit fills maker, without slippage, but at
//     the open, where they may take liquidity;
//  4. gross and net exposure = Σ |value| and Σ value;
//  5. drawdown = equity / running peak − 1, the initial cash the first
//     peak.
func propCheck(t *testing.T, p *data.Panel, kinds []propKind, cfg Config, res *Result, strat *propTrader) {
	sent := strat.sent
	t.Helper()
	n := len(p.Series)
	rowOf := func(i int, ts int64) int {
		s := &p.Series[i]
		r := sort.Search(len(s.Time), func(k int) bool { return s.Time[k] >= ts })
		if r == len(s.Time) || s.Time[r] != ts {
			return -1
		}
		return r
	}
	// known(ts): the latest close revealed at a step at ts.
	known := func(ts int64) int64 {
		var m int64
		for i := range p.Series {
			s := &p.Series[i]
			if cfg.Universe != nil && !slices.Contains(cfg.Universe, s.Symbol) {
				continue // hidden from the strategy: its closes are not seen
			}
			r := sort.Search(len(s.Time), func(k int) bool { return s.Time[k] > ts }) - 1
			if r >= 0 {
				m = max(m, propClose(kinds[i], s.Time[r]))
			}
		}
		return m
	}
	terms := func(i int) Terms {
		if tm, ok := cfg.Symbols[p.Series[i].Symbol]; ok {
			return tm
		}
		if p.Series[i].Class == data.Equity {
			return cfg.Equity
		}
		return cfg.Crypto
	}
	tol := func(scale float64) float64 { return 1e-9 * (scale + cfg.Cash) }

	// 3. the fills against their bars and orders.
	type barKey struct {
		i int
		t int64
	}
	used := map[barKey]float64{}
	// An order's fills so far on the side of its last: Σ qty (signed),
	// Σ |qty × price|; a fill on the other side starts a new order for
	// the commission (TestCommissionMinimumAgainWhenTheSideTurns).
	traded := map[OrderID][2]float64{}
	tradedSide := func(id OrderID, qty float64) [2]float64 {
		tr := traded[id]
		if tr[0] != 0 && (tr[0] > 0) != (qty > 0) {
			return [2]float64{}
		}
		return tr
	}
	var sumCom, sumFee, sumSlip float64
	for k, f := range res.Fills {
		if k > 0 && f.Time < res.Fills[k-1].Time {
			t.Fatalf("fill %d at %s before the fill before it", k, data.FormatTime(f.Time))
		}
		if f.Time < cfg.Start {
			t.Fatalf("fill %+v before the start %s", f, data.FormatTime(cfg.Start))
		}
		r := rowOf(f.Instrument, f.Time)
		if r < 0 {
			t.Fatalf("fill %+v: %s has no bar at %s", f, p.Series[f.Instrument].Symbol, data.FormatTime(f.Time))
		}
		s := &p.Series[f.Instrument]
		if f.Price < s.Low[r] || f.Price > s.High[r] {
			t.Fatalf("fill %+v outside its bar's [%g, %g]", f, s.Low[r], s.High[r])
		}
		if f.Slippage < -1e-12*math.Abs(f.Qty*f.Price) {
			t.Fatalf("fill %+v: negative slippage", f)
		}
		// A limit fills as a maker, without slippage, but at the open of
		// the first bar it is in the book when the open passes it: then
		// it takes liquidity (taker fee, slippage from the open).
		limitTaker := false
		if f.Kind == Limit && f.Slippage != 0 {
			if ref := f.Price - f.Slippage/f.Qty; math.Abs(ref-s.Open[r]) > 1e-9*s.Open[r] {
				t.Fatalf("limit fill %+v paid slippage from %.12g, not from its bar's open %g", f, ref, s.Open[r])
			}
			limitTaker = true
		}
		limitAtOpen := f.Kind == Limit && math.Abs(f.Price-f.Slippage/f.Qty-s.Open[r]) <= 1e-9*s.Open[r]
		if f.Kind != Liquidation && f.Kind != Recall {
			at, ok := sent[f.Order]
			if !ok {
				t.Fatalf("fill %+v of an order the strategy did not send", f)
			}
			seen := known(at)
			if f.Kind == MarketOnClose {
				if c := propClose(kinds[f.Instrument], f.Time); c < seen || f.Time < at {
					t.Fatalf("market-on-close fill %+v on a bar closing at %s, before the close %s seen when sent at %s",
						f, data.FormatTime(c), data.FormatTime(seen), data.FormatTime(at))
				}
			} else if f.Time < seen || f.Time <= at {
				t.Fatalf("%s fill %+v on a bar opening at %s, before the close %s seen when sent at %s",
					f.Kind, f, data.FormatTime(f.Time), data.FormatTime(seen), data.FormatTime(at))
			}
			if tm := strat.terms[f.Order]; len(tm) > 0 && tm[0].kind != TrailingStop {
				// The terms in force: the last change that reached the
				// market by the bar's open. A limit buys at or below its
				// limit (a stop-limit once triggered too). A stop fills
				// once the path has reached it: a buy stop's bars since
				// it was sent traded at or above one of its stops (sells
				// the other way); a triggered stop the participation cap
				// held back fills at a later open, wherever it is.
				v := tm[0]
				for _, x := range tm[1:] {
					if known(x.at) <= f.Time {
						v = x
					}
				}
				buy := f.Qty > 0
				bad := false
				switch v.kind {
				case Limit, StopLimit:
					bad = buy && f.Price > v.price || !buy && f.Price < v.price
				case Stop:
					s := &p.Series[f.Instrument]
					reached := false
					for r0 := 0; r0 <= r && !reached; r0++ {
						if s.Time[r0] < known(tm[0].at) {
							continue
						}
						for _, x := range tm {
							reached = reached || buy && s.High[r0] >= x.stop || !buy && s.Low[r0] <= x.stop
						}
					}
					bad = !reached
				}
				if bad {
					t.Fatalf("%s fill %+v beyond its terms %+v (all: %+v)", f.Kind, f, v, tm)
				}
			}
			if strat.day[f.Order] {
				// A Day order fills on the first bar of its instrument
				// that it could fill on, or never.
				s := &p.Series[f.Instrument]
				first := -1
				for r0 := range s.Time {
					// A market-on-close order: the bar at the step it was
					// sent at, or a later one, closing after the close seen.
					if f.Kind == MarketOnClose && s.Time[r0] >= at && propClose(kinds[f.Instrument], s.Time[r0]) >= seen || f.Kind != MarketOnClose && s.Time[r0] >= seen {
						first = r0
						break
					}
				}
				if first != r {
					t.Fatalf("Day order's fill %+v, not on its first bar %d (%s)", f, first, data.FormatTime(s.Time[max(first, 0)]))
				}
			}
			if c, ok := strat.gone[f.Order]; ok {
				// Cancelled: the cancel reaches the market with the latest
				// close seen when it was decided; no bar that opens then or
				// later fills the order (closes later, market-on-close).
				eff := known(c)
				if f.Kind == MarketOnClose && propClose(kinds[f.Instrument], f.Time) > eff || f.Kind != MarketOnClose && f.Time >= eff {
					t.Fatalf("fill %+v of an order cancelled at %s, in force from %s", f, data.FormatTime(c), data.FormatTime(eff))
				}
			}
			used[barKey{f.Instrument, f.Time}] += math.Abs(f.Qty)
		}
		// The commission: the instrument's terms' (a minimum, per share,
		// bps, and maker bps on limit fills, taker on the others), or
		// Config.Commission when they set none; none on liquidations.
		// A stop-limit fills as maker or taker: not checked.
		if f.Kind != StopLimit {
			want := 0.0
			n := math.Abs(f.Qty * f.Price)
			if c := terms(f.Instrument).Commission; c != (Commission{}) {
				// The minimum and the cap are the order's: its parts pay
				// together max(Minimum, base of all of them), then at
				// most MaxBps of their notional (the cap after the
				// minimum: a small order pays under its minimum), each
				// the growth of it (what the order had traded before
				// on this side in traded).
				of := func(u, nn float64) float64 {
					v := max(c.Minimum, c.PerShare*u+float64(c.Bps)/1e4*nn)
					if c.MaxBps > 0 {
						v = min(v, float64(c.MaxBps)/1e4*nn)
					}
					return v
				}
				tr := tradedSide(f.Order, f.Qty)
				u := math.Abs(tr[0])
				want = of(u+math.Abs(f.Qty), tr[1]+n) + float64(c.Taker)/1e4*n
				if u > 0 {
					want -= of(u, tr[1])
				}
				if f.Kind == Limit && !limitTaker {
					maker := want + float64(c.Maker-c.Taker)/1e4*n
					if !limitAtOpen || math.Abs(f.Commission-want) > 1e-9*(want+1e-9) {
						want = maker // maker, or at the open either
					}
				}
			} else {
				want = float64(cfg.Commission) / 1e4 * n
			}
			if f.Kind == Liquidation {
				want = 0
			}
			if math.Abs(f.Commission-want) > 1e-9*(want+1e-9) {
				t.Fatalf("fill %+v: commission %.12g, want %.12g", f, f.Commission, want)
			}
		}
		if f.Kind != Liquidation && f.Kind != Recall { // forced fills are orders of their own, of id 0
			tr := tradedSide(f.Order, f.Qty)
			traded[f.Order] = [2]float64{tr[0] + f.Qty, tr[1] + math.Abs(f.Qty*f.Price)}
		}
		// The slippage of a fill at the open (market orders, recalls)
		// or the close (market-on-close): fixed bps, half the spread,
		// a fraction of the bar's range, square-root impact on the σ of
		// the 20 returns before the bar, times the Env's factors, away
		// from the reference and clamped to the bar.
		if f.Kind == Market || f.Kind == MarketOnClose || f.Kind == Recall {
			sl := terms(f.Instrument).Slippage
			ref := s.Open[r]
			if f.Kind == MarketOnClose {
				ref = s.Close[r]
			}
			env := Neutral()
			if cfg.Env != nil {
				env = cfg.Env.At(f.Instrument, f.Time)
			}
			fixed := ref*float64(sl.Bps)/1e4 + sl.RangeFrac*(s.High[r]-s.Low[r])
			impact := 0.0
			if v := s.Volume[r] * env.VolumeMult; sl.ImpactK > 0 && v > 0 {
				cl := s.Close[max(0, r-21):r]
				var rets []float64
				for x := 1; x < len(cl); x++ {
					rets = append(rets, cl[x]/cl[x-1]-1)
				}
				sd := 0.0
				if len(rets) >= 2 {
					mean := 0.0
					for _, x := range rets {
						mean += x / float64(len(rets))
					}
					for _, x := range rets {
						sd += (x - mean) * (x - mean) / float64(len(rets)-1)
					}
					sd = math.Sqrt(sd)
				}
				impact = ref * sl.ImpactK * sd * math.Sqrt(math.Abs(f.Qty)/v)
			}
			u := (fixed+impact)*env.SlippageMult + ref*float64(sl.SpreadBps)/2e4*env.SpreadMult
			want := math.Min(math.Max(ref+math.Copysign(u, f.Qty), s.Low[r]), s.High[r])
			if math.Abs(f.Price-want) > 1e-9*ref {
				t.Fatalf("fill %+v: price %.12g, want %.12g (reference %g, slippage %g a unit)", f, f.Price, want, ref, u)
			}
		}
		if lot := s.LotSize; lot > 0 && math.Abs(f.Qty/lot-math.Round(f.Qty/lot)) > 1e-9 {
			t.Fatalf("fill %+v: not a whole number of lots of %g", f, lot)
		}
		sumCom += f.Commission
		sumFee += f.Fee
		sumSlip += f.Slippage
	}
	for key, q := range used {
		cap := terms(key.i).Slippage.MaxParticipation
		v := p.Series[key.i].Volume[rowOf(key.i, key.t)]
		if cap == 0 || v == 0 {
			continue
		}
		mult := 1.0
		if cfg.Env != nil {
			mult = cfg.Env.At(key.i, key.t).VolumeMult
		}
		if lim := cap * v * mult; q > lim*(1+1e-12) {
			t.Fatalf("%s at %s: %g filled, over the cap %g × volume %g × %g = %g",
				p.Series[key.i].Symbol, data.FormatTime(key.t), q, cap, v, mult, lim)
		}
	}

	// 2. the ledger by kind.
	byKind := map[CostKind]float64{}
	for _, e := range res.Ledger {
		byKind[e.Kind] += e.Amount
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"commission", res.Costs.Commission, byKind[CostCommission]},
		{"slippage", res.Costs.Slippage, byKind[CostSlippage]},
		{"spread", res.Costs.Spread, byKind[CostSpread]},
		{"impact", res.Costs.Impact, byKind[CostImpact]},
		{"borrow", res.Costs.Borrow, byKind[CostBorrow]},
		{"funding", res.Costs.Funding, byKind[CostFunding]},
		{"interest", res.Costs.Interest, byKind[CostInterest]},
		{"liquidation_fee", res.Costs.LiquidationFee, byKind[CostLiquidationFee]},
		{"shortfall", res.Costs.Shortfall, byKind[CostShortfall]},
		{"ledger commission vs the fills'", byKind[CostCommission], sumCom},
		{"ledger liquidation fees vs the fills'", byKind[CostLiquidationFee], sumFee},
		{"ledger slippage+spread+impact vs the fills'", byKind[CostSlippage] + byKind[CostSpread] + byKind[CostImpact], sumSlip},
	} {
		if math.Abs(c.got-c.want) > tol(0) {
			t.Fatalf("%s: %.12g, want %.12g", c.name, c.got, c.want)
		}
	}

	// 1, 2, 4, 5 at every curve point.
	c := &res.Curve
	pos := make([]float64, n)
	mark := make([]float64, n)
	cur := make([]int, n)
	for i := range cur {
		cur[i] = -1
		mark[i] = math.NaN()
	}
	cash := cfg.Cash
	fi, li := 0, 0
	fundTo := make([]int64, n)
	peak := cfg.Cash
	for k, ts := range c.Time {
		if k > 0 {
			// 6. The holding costs of the days since the previous step,
			// on its positions, cash and marks: borrow on shorts but
			// perpetuals' (rate × the Env's BorrowMult at the period's
			// start, ACT/360), interest on the cash net of short
			// proceeds and perpetuals' notional.
			days := float64(ts-c.Time[k-1]) / float64(data.NanosPerDay)
			bal := cash
			want := make([]float64, n+1) // borrow per instrument, then interest
			for i, q := range pos {
				if q == 0 {
					continue
				}
				v := q * mark[i]
				tm := terms(i)
				perp := tm.Funding.On()
				if perp || q < 0 {
					bal += v
				}
				if q < 0 && !perp {
					mult := 1.0
					if cfg.Env != nil {
						mult = cfg.Env.At(i, c.Time[k-1]).BorrowMult
					}
					want[i] = -v * tm.Borrow.Rate * mult * days / DayCount
				}
			}
			if bal > 0 {
				want[n] = -bal * cfg.CashRate * days / DayCount
			} else {
				want[n] = -bal * cfg.BorrowRate * days / DayCount
			}
			got := make([]float64, n+1)
			for _, e := range res.Ledger[li:] {
				if e.Time > ts {
					break
				}
				switch e.Kind {
				case CostBorrow:
					got[e.Instrument] += e.Amount
				case CostInterest:
					got[n] += e.Amount
				}
			}
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-9*(math.Abs(want[i])+1e-3) {
					t.Fatalf("step %d (%s): borrow (or interest, %d) of %d: %.12g booked, %.12g computed", k, data.FormatTime(ts), n, i, got[i], want[i])
				}
			}
		}
		// 7. Perpetual funding of the instruments with a bar now: every
		// Interval since 1970 in [settled to, now), a gap, on the
		// position before the step's fills, and in [now, now + the
		// bar's span) on the one after the open's fills (market orders,
		// recalls), at the bar's close, times the Env's FundingMult now.
		for i := range p.Series {
			tm := terms(i)
			r := rowOf(i, ts)
			if !tm.Funding.On() || r < 0 {
				continue
			}
			span := data.NanosPerDay
			if kinds[i] == propIntraday {
				span = 4 * nsPerHour
			}
			from, end := fundTo[i], ts+span
			if from == 0 {
				from = ts
			}
			fundTo[i] = end
			iv := tm.Funding.Interval
			events := func(a, b int64) float64 { // how many in [a, b)
				if b <= a {
					return 0
				}
				return float64((b+iv-1)/iv - (a+iv-1)/iv)
			}
			qOpen, qFund := pos[i], pos[i]
			for _, f := range res.Fills[fi:] {
				if f.Time > ts {
					break
				}
				if f.Instrument == i && (f.Kind == Market || f.Kind == Recall) {
					qFund += f.Qty
				}
			}
			mult := 1.0
			if cfg.Env != nil {
				mult = cfg.Env.At(i, ts).FundingMult
			}
			want := (qOpen*events(from, ts) + qFund*events(max(from, ts), end)) * tm.Funding.Rate * mult * p.Series[i].Close[r]
			got := 0.0
			for _, e := range res.Ledger[li:] {
				if e.Time > ts {
					break
				}
				if e.Kind == CostFunding && e.Instrument == i {
					got += e.Amount
				}
			}
			if math.Abs(got-want) > 1e-9*(math.Abs(want)+1e-3) {
				t.Fatalf("step %d (%s): funding of %s %.12g booked, %.12g computed", k, data.FormatTime(ts), p.Series[i].Symbol, got, want)
			}
		}
		for ; fi < len(res.Fills) && res.Fills[fi].Time <= ts; fi++ {
			f := &res.Fills[fi]
			pos[f.Instrument] += f.Qty
			cash -= f.Qty*f.Price + f.Commission + f.Fee
		}
		for ; li < len(res.Ledger) && res.Ledger[li].Time <= ts; li++ {
			switch e := &res.Ledger[li]; e.Kind {
			case CostBorrow, CostFunding, CostInterest, CostShortfall:
				cash -= e.Amount
			}
		}
		eq, gross, net := cash, 0.0, 0.0
		for i := range p.Series {
			s := &p.Series[i]
			for cur[i]+1 < len(s.Time) && s.Time[cur[i]+1] <= ts {
				cur[i]++
				mark[i] = s.Close[cur[i]]
			}
			if pos[i] != 0 {
				v := pos[i] * mark[i]
				eq += v
				gross += math.Abs(v)
				net += v
			}
		}
		at := data.FormatTime(ts)
		if math.Abs(c.Cash[k]-cash) > tol(gross) {
			t.Fatalf("step %d (%s): curve cash %.10g, fills and ledger say %.10g", k, at, c.Cash[k], cash)
		}
		if math.Abs(c.Equity[k]-eq) > tol(gross) {
			t.Fatalf("step %d (%s): curve equity %.10g, cash + Σ position × mark = %.10g", k, at, c.Equity[k], eq)
		}
		if math.Abs(c.Gross[k]-gross) > tol(gross) || math.Abs(c.Net[k]-net) > tol(gross) {
			t.Fatalf("step %d (%s): exposure gross %g net %g, want %g %g", k, at, c.Gross[k], c.Net[k], gross, net)
		}
		peak = math.Max(peak, c.Equity[k])
		if dd := c.Equity[k]/peak - 1; math.Abs(c.Drawdown[k]-dd) > 1e-12 {
			t.Fatalf("step %d (%s): drawdown %g, want %g", k, at, c.Drawdown[k], dd)
		}
	}
	if fi != len(res.Fills) || li != len(res.Ledger) {
		t.Fatalf("%d fills and %d ledger entries after the last curve point", len(res.Fills)-fi, len(res.Ledger)-li)
	}
	for i := range pos {
		if math.Abs(res.Portfolio.Qty[i]-pos[i]) > 1e-9*math.Max(1, math.Abs(pos[i])) {
			t.Fatalf("%s: position %g, fills sum to %g", p.Series[i].Symbol, res.Portfolio.Qty[i], pos[i])
		}
	}
}

// propSeeds are the seeds of the randomized runs.
var propSeeds = [...]uint64{1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765, 10946}

// propRun builds the random panel, terms and strategy of a seed and runs it.
func propRun(t *testing.T, seed uint64) (*data.Panel, []propKind, Config, *propTrader, *Result) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0x9e37))
	p, kinds := propPanel(t, rng, 2+rng.IntN(4))
	cash := 1e4 + 1e5*rng.Float64()
	cfg := propCosts(rng, cash, false)
	for i := range p.Series {
		if rng.IntN(3) == 0 {
			p.Series[i].LotSize = [...]float64{1, 10, 0.01, 0.5}[rng.IntN(4)]
		}
	}
	syms := p.Symbols()
	if len(syms) > 2 && rng.IntN(4) == 0 {
		// The last instrument outside the strategy's universe.
		syms = syms[:len(syms)-1]
		cfg.Universe = syms
	}
	if rng.IntN(4) == 0 {
		cfg.Start = data.Day(2024, 1, 2+rng.IntN(10)) // a warm-up
	}
	strat := newPropTrader(rng.Uint64(), syms, 1, cash/4)
	res, err := Run(p, nil, strat, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p, kinds, cfg, strat, res
}

func TestPropAccounting(t *testing.T) {
	kinds := map[OrderKind]int{}
	var liqs, recalls int
	for _, seed := range propSeeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			p, pk, cfg, strat, res := propRun(t, seed)
			propCheck(t, p, pk, cfg, res, strat)
			for _, f := range res.Fills {
				kinds[f.Kind]++
			}
			liqs += res.Liquidations
			for _, e := range res.Events {
				if e.Kind == EventRecall {
					recalls++
				}
			}
		})
	}
	t.Logf("fills by kind %v; %d liquidations, %d recalls", kinds, liqs, recalls)
	for k := Market; k <= TrailingStop; k++ {
		if kinds[k] == 0 {
			t.Errorf("no %s fill in the random runs: the property does not cover it", k)
		}
	}
}

// sameResult reports the first difference between two runs' curves,
// fills and ledgers, within rel (0: bit for bit); money in b is k times a's.
func sameResult(a, b *Result, k, rel float64) error {
	eq := func(x, y float64) bool {
		if rel == 0 {
			return x == y || x != x && y != y
		}
		// Relative to the figures, or to the account for figures near 0
		// (a cash balance spent to a rounding error of 0).
		return math.Abs(x-y) <= rel*max(math.Abs(x), math.Abs(y), b.Initial)
	}
	if a.Curve.Len() != b.Curve.Len() {
		return fmt.Errorf("curves of %d and %d points", a.Curve.Len(), b.Curve.Len())
	}
	for j := range a.Curve.Time {
		for _, c := range []struct {
			name string
			x, y float64
		}{{"equity", a.Curve.Equity[j], b.Curve.Equity[j]}, {"cash", a.Curve.Cash[j], b.Curve.Cash[j]},
			{"gross", a.Curve.Gross[j], b.Curve.Gross[j]}, {"net", a.Curve.Net[j], b.Curve.Net[j]}} {
			if !eq(k*c.x, c.y) {
				return fmt.Errorf("step %d (%s): %s %.17g × %g ≠ %.17g", j, data.FormatTime(a.Curve.Time[j]), c.name, c.x, k, c.y)
			}
		}
		if !eq(a.Curve.Drawdown[j], b.Curve.Drawdown[j]) {
			return fmt.Errorf("step %d: drawdown %g ≠ %g", j, a.Curve.Drawdown[j], b.Curve.Drawdown[j])
		}
	}
	if len(a.Fills) != len(b.Fills) {
		return fmt.Errorf("%d fills, then %d", len(a.Fills), len(b.Fills))
	}
	for j := range a.Fills {
		x, y := a.Fills[j], b.Fills[j]
		if x.Time != y.Time || x.Symbol != y.Symbol || x.Kind != y.Kind || !eq(x.Price, y.Price) ||
			!eq(k*x.Qty, y.Qty) || !eq(k*x.Commission, y.Commission) || !eq(k*x.Slippage, y.Slippage) || !eq(k*x.Fee, y.Fee) {
			return fmt.Errorf("fill %d: %+v, then %+v", j, x, y)
		}
	}
	// Within a tolerance, an entry of a rounding error's size (interest
	// on a balance spent to 3e-16) is no difference.
	sig := func(r *Result) []Entry {
		if rel == 0 {
			return r.Ledger
		}
		var out []Entry
		for _, e := range r.Ledger {
			if math.Abs(e.Amount) > rel*r.Initial {
				out = append(out, e)
			}
		}
		return out
	}
	la, lb := sig(a), sig(b)
	if len(la) != len(lb) {
		return fmt.Errorf("%d ledger entries, then %d", len(la), len(lb))
	}
	for j := range la {
		x, y := la[j], lb[j]
		if x.Time != y.Time || x.Kind != y.Kind || !eq(k*x.Amount, y.Amount) {
			return fmt.Errorf("ledger entry %d: %+v, then %+v", j, x, y)
		}
	}
	if a.Rejections != b.Rejections || a.MarginCalls != b.MarginCalls || a.Liquidations != b.Liquidations {
		return fmt.Errorf("rejections, margin calls, liquidations %d %d %d, then %d %d %d",
			a.Rejections, a.MarginCalls, a.Liquidations, b.Rejections, b.MarginCalls, b.Liquidations)
	}
	return nil
}

// Running a seed twice gives the same run, bit for bit.
func TestPropSameSeedSameRun(t *testing.T) {
	for _, seed := range propSeeds[:8] {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			_, _, _, _, a := propRun(t, seed)
			_, _, _, _, b := propRun(t, seed)
			if err := sameResult(a, b, 1, 0); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// scaledPanel returns a copy of p with every volume times k (the
// participation cap and impact see quantities relative to volume).
func scaledPanel(p *data.Panel, k float64) *data.Panel {
	q := &data.Panel{Series: make([]data.Series, len(p.Series))}
	for i, s := range p.Series {
		s.Volume = slices.Clone(s.Volume)
		for r := range s.Volume {
			s.Volume[r] *= k
		}
		q.Series[i] = s
	}
	return q
}

// Scaling the cash, every quantity and TargetValue, and the volumes by k,
// under costs proportional to the money (no minimum commission, no lots),
// scales every money figure and quantity by k and leaves prices and
// drawdowns as they were: exactly for k a power of two, to 1e-9 for 3.
func TestPropScaleInvariance(t *testing.T) {
	for _, seed := range propSeeds[:10] {
		for _, k := range []float64{4, 0.5, 3} {
			t.Run(fmt.Sprintf("%d/x%g", seed, k), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, 0x5ca1e))
				p, _ := propPanel(t, rng, 2+rng.IntN(4))
				cash := 1e4 + 1e5*rng.Float64()
				cfg := propCosts(rng, cash, true)
				ss := rng.Uint64()
				a, err := Run(p, nil, newPropTrader(ss, p.Symbols(), 1, cash/4), cfg)
				if err != nil {
					t.Fatal(err)
				}
				cfg.Cash = k * cash
				b, err := Run(scaledPanel(p, k), nil, newPropTrader(ss, p.Symbols(), k, cash/4), cfg)
				if err != nil {
					t.Fatal(err)
				}
				rel := 0.0
				if k == 3 {
					rel = 1e-9
				}
				if err := sameResult(a, b, k, rel); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// An instrument the strategy never trades, whose bars fall on a token's
// days (no step and no close the timeline did not have), changes
// nothing: the same curve, fills and ledger, bit for bit, wherever it
// sits in the panel.
func TestPropIdleInstrumentChangesNothing(t *testing.T) {
	for _, seed := range propSeeds[:10] {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0x1d1e))
			p, _ := propPanel(t, rng, 2+rng.IntN(3))
			cash := 1e4 + 1e5*rng.Float64()
			cfg := propCosts(rng, cash, false)
			ss := rng.Uint64()
			syms := p.Symbols()
			a, err := Run(p, nil, newPropTrader(ss, syms, 1, cash/4), cfg)
			if err != nil {
				t.Fatal(err)
			}
			idle := p.Series[0] // a token's daily bars: copy some of its days
			idle.Symbol = "IDLE"
			keep := func(r int) bool { return r%3 != 1 }
			var sub data.Series
			sub.Instrument = idle.Instrument
			for r := range idle.Time {
				if keep(r) {
					sub.Time = append(sub.Time, idle.Time[r])
					sub.Open, sub.High = append(sub.Open, 2*idle.Open[r]), append(sub.High, 2*idle.High[r])
					sub.Low, sub.Close = append(sub.Low, 2*idle.Low[r]), append(sub.Close, 2*idle.Close[r])
					sub.AdjClose, sub.Volume = append(sub.AdjClose, 2*idle.Close[r]), append(sub.Volume, idle.Volume[r])
				}
			}
			sub.SetInterval()
			at := rng.IntN(len(p.Series) + 1)
			q := &data.Panel{Series: slices.Insert(slices.Clone(p.Series), at, sub)}
			b, err := Run(q, nil, newPropTrader(ss, syms, 1, cash/4), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := sameResult(a, b, 1, 0); err != nil {
				t.Fatalf("IDLE at %d: %v", at, err)
			}
		})
	}
}

// Listing the panel's instruments in another order changes no
// instrument's fills, and the curve only by the order of its sums
// (1e-9 relative).
func TestPropInstrumentOrder(t *testing.T) {
	for _, seed := range propSeeds[:10] {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0x0de7))
			p, _ := propPanel(t, rng, 2+rng.IntN(4))
			cash := 1e4 + 1e5*rng.Float64()
			cfg := propCosts(rng, cash, false)
			ss := rng.Uint64()
			syms := p.Symbols()
			a, err := Run(p, nil, newPropTrader(ss, syms, 1, cash/4), cfg)
			if err != nil {
				t.Fatal(err)
			}
			q := &data.Panel{Series: slices.Clone(p.Series)}
			rng.Shuffle(len(q.Series), func(x, y int) { q.Series[x], q.Series[y] = q.Series[y], q.Series[x] })
			b, err := Run(q, nil, newPropTrader(ss, syms, 1, cash/4), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := sameBySymbol(p, a, q, b, 1e-9); err != nil {
				t.Fatalf("order %v: %v", q.Symbols(), err)
			}
		})
	}
}

// halfTrader sends random market and market-on-close quantity orders,
// each as one order or, with split, as two of half the size on the same
// step.
type halfTrader struct {
	rng   *rand.Rand
	split bool
}

func (s *halfTrader) OnBar(ctx *Context, sl *Slice) error {
	r := s.rng
	for n := r.IntN(3); n > 0; n-- {
		i := r.IntN(ctx.NumInstruments())
		q := float64(r.IntN(81) - 40)
		kind := Market
		if r.IntN(3) == 0 {
			kind = MarketOnClose
		}
		if ctx.Price(i) != ctx.Price(i) || q == 0 {
			continue
		}
		parts := []float64{q}
		if s.split {
			parts = []float64{q / 2, q / 2}
		}
		for _, a := range parts {
			if _, err := ctx.Submit(Order{Instrument: i, Kind: kind, Amount: a}); err != nil {
				return err
			}
		}
	}
	return nil
}

// A market order split into two of half its size on the same step ends
// in the same positions and cash (and curve), to 1e-9 relative, under
// costs linear in the quantity (commission in bps and per share, fixed,
// spread and range slippage, a participation cap; no minimum, no
// impact, no margin).
func TestPropSplitOrderSameResult(t *testing.T) {
	for _, seed := range propSeeds[:10] {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0x5b11))
			p, _ := propPanel(t, rng, 2+rng.IntN(4))
			cash := 1e4 + 1e5*rng.Float64()
			cfg := propCosts(rng, cash, true)
			for _, tm := range []*Terms{&cfg.Equity, &cfg.Crypto} {
				tm.Slippage.ImpactK = 0
				tm.Margin, tm.MarginMode = Margin{}, Cross
				tm.Borrow.RecallAt = 0
			}
			cfg.Symbols = nil // its terms may have impact
			ss := rng.Uint64()
			a, err := Run(p, nil, &halfTrader{rng: rand.New(rand.NewPCG(ss, 1))}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Run(p, nil, &halfTrader{rng: rand.New(rand.NewPCG(ss, 1)), split: true}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			for j := range a.Curve.Time {
				for _, c := range []struct {
					name string
					x, y float64
				}{{"equity", a.Curve.Equity[j], b.Curve.Equity[j]}, {"cash", a.Curve.Cash[j], b.Curve.Cash[j]}, {"net", a.Curve.Net[j], b.Curve.Net[j]}} {
					if math.Abs(c.x-c.y) > 1e-9*(cash+math.Abs(c.x)) {
						t.Fatalf("step %d (%s): %s %.12g whole, %.12g split", j, data.FormatTime(a.Curve.Time[j]), c.name, c.x, c.y)
					}
				}
			}
			for i := range a.Portfolio.Qty {
				if math.Abs(a.Portfolio.Qty[i]-b.Portfolio.Qty[i]) > 1e-9 {
					t.Fatalf("%s: %g whole, %g split", p.Series[i].Symbol, a.Portfolio.Qty[i], b.Portfolio.Qty[i])
				}
			}
			if len(b.Fills) < len(a.Fills) {
				t.Fatalf("%d fills whole, %d split", len(a.Fills), len(b.Fills))
			}
		})
	}
}

// sameBySymbol reports the first difference between run a on panel p and
// run b on panel q, the same instruments in another order: each symbol's
// fills in turn, the ledger summed by time, symbol and kind, and the
// curve, within rel.
func sameBySymbol(p *data.Panel, a *Result, q *data.Panel, b *Result, rel float64) error {
	eq := func(x, y float64) bool {
		return math.Abs(x-y) <= rel*math.Max(math.Abs(x), math.Abs(y)) || math.Abs(x-y) < 1e-9
	}
	for j := range a.Curve.Time {
		for _, c := range []struct {
			name string
			x, y float64
		}{{"equity", a.Curve.Equity[j], b.Curve.Equity[j]}, {"cash", a.Curve.Cash[j], b.Curve.Cash[j]},
			{"gross", a.Curve.Gross[j], b.Curve.Gross[j]}, {"net", a.Curve.Net[j], b.Curve.Net[j]}} {
			if !eq(c.x, c.y) {
				return fmt.Errorf("step %d (%s): %s %.17g ≠ %.17g", j, data.FormatTime(a.Curve.Time[j]), c.name, c.x, c.y)
			}
		}
	}
	fills := func(r *Result) map[string][]Fill {
		m := map[string][]Fill{}
		for _, f := range r.Fills {
			m[f.Symbol] = append(m[f.Symbol], f)
		}
		return m
	}
	fa, fb := fills(a), fills(b)
	for _, sym := range p.Symbols() {
		x, y := fa[sym], fb[sym]
		if len(x) != len(y) {
			return fmt.Errorf("%s: %d fills, then %d", sym, len(x), len(y))
		}
		for j := range x {
			if x[j].Time != y[j].Time || x[j].Kind != y[j].Kind || !eq(x[j].Price, y[j].Price) || !eq(x[j].Qty, y[j].Qty) ||
				!eq(x[j].Commission, y[j].Commission) || !eq(x[j].Slippage, y[j].Slippage) || !eq(x[j].Fee, y[j].Fee) {
				return fmt.Errorf("%s fill %d: %+v, then %+v", sym, j, x[j], y[j])
			}
		}
	}
	type key struct {
		t    int64
		sym  string
		kind CostKind
	}
	ledger := func(pp *data.Panel, r *Result) map[key]float64 {
		m := map[key]float64{}
		for _, e := range r.Ledger {
			sym := "(account)"
			if e.Instrument >= 0 {
				sym = pp.Series[e.Instrument].Symbol
			}
			m[key{e.Time, sym, e.Kind}] += e.Amount
		}
		return m
	}
	la, lb := ledger(p, a), ledger(q, b)
	for k, v := range la {
		if !eq(v, lb[k]) {
			return fmt.Errorf("%s %s at %s: %g, then %g", k.sym, k.kind, data.FormatTime(k.t), v, lb[k])
		}
	}
	for k, v := range lb {
		if _, ok := la[k]; !ok {
			return fmt.Errorf("%s %s at %s: none, then %g", k.sym, k.kind, data.FormatTime(k.t), v)
		}
	}
	return nil
}

// An instrument outside the strategy's universe (Config.Universe), on
// its own calendar (steps the others do not have), changes no fill, and
// the curve only at its own steps: at every step of the run without it,
// the same equity (1e-9; no Env and no interest, whose accruals the
// extra steps would cut and compound).
func TestPropHiddenInstrument(t *testing.T) {
	for seed := uint64(1); seed <= 60; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0x0171))
			p, _ := propPanel(t, rng, 3+rng.IntN(3))
			cash := 1e4 + 1e5*rng.Float64()
			cfg := propCosts(rng, cash, false)
			cfg.Env, cfg.CashRate, cfg.BorrowRate = nil, 0, 0
			ss := rng.Uint64()
			syms := p.Symbols()[:len(p.Series)-1]
			cfg.Universe = syms
			a, err := Run(p, nil, newPropTrader(ss, syms, 1, cash/4), cfg)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Universe = nil
			q := &data.Panel{Series: p.Series[:len(p.Series)-1]}
			b, err := Run(q, nil, newPropTrader(ss, syms, 1, cash/4), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Fills) != len(b.Fills) {
				t.Fatalf("%d fills with %s hidden, %d without it", len(a.Fills), p.Series[len(p.Series)-1].Symbol, len(b.Fills))
			}
			for j := range a.Fills {
				x, y := a.Fills[j], b.Fills[j]
				if x.Time != y.Time || x.Symbol != y.Symbol || x.Kind != y.Kind || math.Abs(x.Qty-y.Qty) > 1e-9*math.Abs(x.Qty) || math.Abs(x.Price-y.Price) > 1e-9*x.Price {
					t.Fatalf("fill %d: %+v hidden, %+v without", j, x, y)
				}
			}
			at := map[int64]float64{}
			for j, ts := range a.Curve.Time {
				at[ts] = a.Curve.Equity[j]
			}
			for j, ts := range b.Curve.Time {
				if e, ok := at[ts]; !ok || math.Abs(e-b.Curve.Equity[j]) > 1e-9*cash {
					t.Fatalf("step %s: equity %.12g hidden (%v), %.12g without", data.FormatTime(ts), e, ok, b.Curve.Equity[j])
				}
			}
		})
	}
}
