package engine

import (
	"errors"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// The built-in models implement their interfaces, as values and as
// pointers (the registry's constructors return pointers).
var (
	_ FeeModel      = Commission{}
	_ FeeModel      = (*Commission)(nil)
	_ SlippageModel = Slippage{}
	_ SlippageModel = (*Slippage)(nil)
	_ VolumeModel   = ParticipationCap{}
	_ VolumeModel   = (*ParticipationCap)(nil)
	_ BorrowModel   = Borrow{}
	_ BorrowModel   = (*Borrow)(nil)
	_ FundingModel  = Funding{}
	_ FundingModel  = (*Funding)(nil)
	_ InterestModel = CashInterest{}
	_ InterestModel = (*CashInterest)(nil)
	_ MarginModel   = Margin{}
	_ MarginModel   = (*Margin)(nil)
)

// Wrappers hide the built-ins from the broker, which calls the built-in
// types directly: through them, every model is asked through its
// interface, as a model of one's own would be.
type (
	feeVia      struct{ m FeeModel }
	slipVia     struct{ m SlippageModel }
	volVia      struct{ m VolumeModel }
	borrowVia   struct{ m BorrowModel }
	fundVia     struct{ m FundingModel }
	interestVia struct{ m InterestModel }
	marginVia   struct{ m MarginModel }
)

func (w feeVia) Fee(t Trade) float64                         { return w.m.Fee(t) }
func (w slipVia) Slip(t Trade, m MarketData) Slip            { return w.m.Slip(t, m) }
func (w volVia) Participation(t Trade, m MarketData) float64 { return w.m.Participation(t, m) }
func (w borrowVia) BorrowFee(h Holding, a Accrual, e EnvFactors) float64 {
	return w.m.BorrowFee(h, a, e)
}
func (w fundVia) Events(i int, from, to int64) (int, float64) { return w.m.Events(i, from, to) }
func (w interestVia) Interest(b float64, a Accrual) float64   { return w.m.Interest(b, a) }
func (w marginVia) Margin(h Holding) Requirement              { return w.m.Margin(h) }

// viaInterfaces moves every built-in model of t into the Terms' model
// fields, behind wrappers, and clears the fields that configured them
// (but borrow availability, which is not a model, and a Commission with
// a minimum or cap, per order for the built-in alone): the run must not
// change by a bit.
func viaInterfaces(t Terms) Terms {
	u := Terms{Borrow: Borrow{Unavailable: t.Borrow.Unavailable, RecallAt: t.Borrow.RecallAt}}
	switch c := t.Commission; {
	case c.Minimum > 0 || c.MaxBps > 0:
		// The minimum and cap are an order's, paid across its parts by
		// the engine for the built-in only: a FeeModel is asked per fill.
		u.Commission = c
	case c.set():
		u.FeeModel = feeVia{c}
	}
	if t.Slippage.set() {
		u.SlippageModel = slipVia{t.Slippage}
	}
	if t.Slippage.MaxParticipation > 0 {
		u.VolumeModel = volVia{ParticipationCap{Max: t.Slippage.MaxParticipation}}
	}
	u.BorrowModel = borrowVia{t.Borrow}
	if t.Funding.On() {
		u.FundingModel = fundVia{t.Funding}
	}
	if t.Margin.Initial > 0 && t.Margin.Maintenance > 0 {
		u.MarginModel = marginVia{t.Margin}
	}
	return u
}

func viaConfig(c Config) Config {
	c.Equity, c.Crypto = viaInterfaces(c.Equity), viaInterfaces(c.Crypto)
	c.InterestModel = interestVia{CashInterest{Rate: c.CashRate, BorrowRate: c.BorrowRate}}
	c.CashRate, c.BorrowRate = 0, 0
	return c
}

func sameRun(t *testing.T, what string, a, b *Result) {
	t.Helper()
	if len(a.Fills) != len(b.Fills) || len(a.Ledger) != len(b.Ledger) || len(a.Events) != len(b.Events) || a.Costs != b.Costs {
		t.Fatalf("%s: fills %d/%d ledger %d/%d events %d/%d costs %+v / %+v", what,
			len(a.Fills), len(b.Fills), len(a.Ledger), len(b.Ledger), len(a.Events), len(b.Events), a.Costs, b.Costs)
	}
	for k := range a.Fills {
		if a.Fills[k] != b.Fills[k] {
			t.Fatalf("%s: fill %d: %+v vs %+v", what, k, a.Fills[k], b.Fills[k])
		}
	}
	for k := range a.Ledger {
		if a.Ledger[k] != b.Ledger[k] {
			t.Fatalf("%s: ledger %d: %+v vs %+v", what, k, a.Ledger[k], b.Ledger[k])
		}
	}
	for k := range a.Curve.Equity {
		if math.Float64bits(a.Curve.Equity[k]) != math.Float64bits(b.Curve.Equity[k]) {
			t.Fatalf("%s: equity at step %d: %v vs %v", what, k, a.Curve.Equity[k], b.Curve.Equity[k])
		}
	}
}

// Every built-in model asked through its interface, as a plugged-in model
// is, gives the run the built-in gives, bit for bit: the pair hedge with
// every model on, and random orders of every kind on random panels.
func TestModelsThroughInterfacesMatchBuiltins(t *testing.T) {
	p := hedge20(2)
	cfg := allModels(1e6)
	a, err := Run(p, nil, &hedger{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(p, nil, &hedger{}, viaConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	sameRun(t, "hedger", a, b)
	if a.Costs.Commission == 0 || a.Costs.Impact == 0 || a.Costs.Funding == 0 || a.Costs.Interest == 0 {
		t.Fatalf("some model did not act: %+v", a.Costs)
	}

	rng := rand.New(rand.NewPCG(11, 13))
	var borrow, liqs float64
	for trial := 0; trial < 40; trial++ {
		p := randomPanel(t, rng, 1+rng.IntN(4), 20+rng.IntN(40))
		for i := range p.Series {
			if i%2 == 1 {
				p.Series[i].Class = data.Equity
			}
			for k := range p.Series[i].Volume {
				p.Series[i].Volume[k] = 50 + 500*rng.Float64()
			}
			k := rng.IntN(len(p.Series[i].Low))
			p.Series[i].Low[k] *= 0.5
			p.Series[i].High[k] *= 1.6
		}
		cfg := allModels(1e4 + 1e5*rng.Float64())
		cfg.Seed = uint64(trial)
		a, err := Run(p, nil, randomTrader(cfg.Cash), cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Run(p, nil, randomTrader(cfg.Cash), viaConfig(cfg))
		if err != nil {
			t.Fatal(err)
		}
		sameRun(t, "random orders", a, b)
		borrow += a.Costs.Borrow
		liqs += float64(a.Liquidations)
	}
	if borrow == 0 || liqs == 0 {
		t.Fatalf("borrow %g, liquidations %g: the random runs did not reach every model", borrow, liqs)
	}
}

// Models returns a constructor per built-in model, each making a fresh
// zero value of the model's type, in new maps at every call.
func TestModelsRegistry(t *testing.T) {
	r := Models()
	for _, c := range []struct {
		name string
		got  any
		want any
	}{
		{"commission", r.Fee["commission"](), &Commission{}},
		{"slippage", r.Slippage["slippage"](), &Slippage{}},
		{"participation", r.Volume["participation"](), &ParticipationCap{}},
		{"borrow", r.Borrow["borrow"](), &Borrow{}},
		{"funding", r.Funding["funding"](), &Funding{}},
		{"cash_interest", r.Interest["cash_interest"](), &CashInterest{}},
		{"margin", r.Margin["margin"](), &Margin{}},
	} {
		switch g := c.got.(type) {
		case *Commission:
			if *g != *c.want.(*Commission) {
				t.Errorf("%s: %+v", c.name, g)
			}
		case *Slippage, *ParticipationCap, *Borrow, *Funding, *CashInterest, *Margin:
		default:
			t.Errorf("%s: constructor made %T, want %T", c.name, c.got, c.want)
		}
	}
	// Every constructor, of the built-ins above and any added since, makes
	// a fresh pointer: a configuration decoder fills its fields.
	n := 0
	for _, kind := range []map[string]func() any{adapt(r.Fee), adapt(r.Slippage), adapt(r.Volume), adapt(r.Borrow), adapt(r.Funding), adapt(r.Interest), adapt(r.Margin)} {
		for _, name := range slices.Sorted(maps.Keys(kind)) {
			if v := reflect.ValueOf(kind[name]()); v.Kind() != reflect.Pointer || v.IsNil() {
				t.Errorf("%s: constructor made %v, want a pointer to the model", name, v)
			}
			n++
		}
	}
	if n < 8 {
		t.Fatalf("%d models registered, want the 8 built-ins at least", n)
	}
	if _, ok := r.Fee["tiered"]().(*Tiered); !ok {
		t.Errorf("tiered: constructor made %T, want *Tiered", r.Fee["tiered"]())
	}
	a := r.Fee["commission"]().(*Commission)
	a.Bps = 5
	if b := r.Fee["commission"]().(*Commission); b.Bps != 0 {
		t.Fatalf("constructors share a value: %+v", b)
	}
	r.Fee["mine"] = func() FeeModel { return feeVia{} }
	if _, ok := Models().Fee["mine"]; ok {
		t.Fatal("Models returned a map shared between calls")
	}
}

type badModel struct{}

func (badModel) Fee(Trade) float64 { return 0 }
func (badModel) Validate() error   { return errors.New("rate -1: want >= 0") }

// A model's Validate is called by Config.Validate, and its error names
// where the model sits.
func TestModelValidate(t *testing.T) {
	err := Config{Cash: 1, Symbols: map[string]Terms{"A": {FeeModel: badModel{}}}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "Symbols[A].FeeModel: rate -1") {
		t.Fatalf("err %v", err)
	}
	err = Config{Cash: 1, Crypto: Terms{VolumeModel: ParticipationCap{Max: math.NaN()}}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "Crypto.VolumeModel: ParticipationCap.Max = NaN") {
		t.Fatalf("err %v", err)
	}
	err = Config{Cash: 1, InterestModel: CashInterest{Rate: 20}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "InterestModel: Rate = 20") {
		t.Fatalf("err %v", err)
	}
	if err := (Config{Cash: 1, Equity: Terms{FeeModel: Commission{Bps: 1}, VolumeModel: ParticipationCap{Max: 0.1}}}).Validate(); err != nil {
		t.Fatal(err)
	}
	// A window of one return has a volatility of 0, and so an impact of 0.
	err = Config{Cash: 1, Crypto: Terms{Slippage: Slippage{ImpactK: 0.1, ImpactWindow: 1}}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "Crypto.Slippage.ImpactWindow = 1: want 0 (the default, 20) or at least 2 returns") {
		t.Fatalf("err %v", err)
	}
	for _, w := range []int{0, 2} {
		if err := (Config{Cash: 1, Crypto: Terms{Slippage: Slippage{ImpactK: 0.1, ImpactWindow: w}}}).Validate(); err != nil {
			t.Fatalf("ImpactWindow %d: %v", w, err)
		}
	}
}

// Volatility against a two-pass sample standard deviation; its cache
// answers the same question only for the same closes and window.
func TestMarketDataVolatility(t *testing.T) {
	cl := []float64{100, 101, 99, 102, 104, 103, 107}
	naive := func(cl []float64, w int) float64 {
		var r []float64
		for k := max(1, len(cl)-w); k < len(cl); k++ {
			r = append(r, cl[k]/cl[k-1]-1)
		}
		m := 0.0
		for _, x := range r {
			m += x
		}
		m /= float64(len(r))
		ss := 0.0
		for _, x := range r {
			ss += (x - m) * (x - m)
		}
		return math.Sqrt(ss / float64(len(r)-1))
	}
	memo := volMemo{r: -1}
	for _, c := range []struct{ n, w int }{{7, 3}, {7, 3}, {7, 0}, {6, 3}, {3, 20}} {
		m := MarketData{Closes: cl[:c.n], vol: &memo}
		want := naive(cl[:c.n], map[bool]int{true: 20, false: c.w}[c.w == 0])
		if got := m.Volatility(c.w); !near(got, want, 1e-12) {
			t.Errorf("closes %d window %d: %v, want %v", c.n, c.w, got, want)
		}
	}
	if v := (&MarketData{Closes: cl[:2]}).Volatility(5); v != 0 {
		t.Errorf("one return: %v, want 0", v)
	}
}

// adapt makes a registry's map of one kind a map of constructors of any.
func adapt[M any](m map[string]func() M) map[string]func() any {
	out := make(map[string]func() any, len(m))
	for k, f := range m {
		out[k] = func() any { return f() }
	}
	return out
}
