package engine_test

import (
	"reflect"
	"testing"

	"github.com/divergence-research/divergence/data/synth"
	"github.com/divergence-research/divergence/engine"
)

// rotate holds one instrument at a time, switching every few steps, and
// shorts the next one: fills, commissions, borrow and funding each step.
type rotate struct{ every int }

func (r rotate) OnBar(ctx *engine.Context, s *engine.Slice) error {
	if s.Step%r.every != 0 {
		return nil
	}
	n := ctx.NumInstruments()
	k := (s.Step / r.every) % n
	for i := 0; i < n; i++ {
		w := 0.0
		switch i {
		case k:
			w = 0.5
		case (k + 1) % n:
			w = -0.3
		}
		if _, err := ctx.TargetWeight(i, w, engine.Market, "rotate"); err != nil {
			return err
		}
	}
	return nil
}

// A run given an earlier run's buffers (Config.Reuse) appends into them
// and gives exactly the result of a run with fresh ones: the same fills,
// ledger, events and curve, whatever the lent slices held before.
func TestReuseBuffers(t *testing.T) {
	p, err := synth.Generate(synth.DefaultConfig(3))
	if err != nil {
		t.Fatal(err)
	}
	tl := engine.NewTimeline(p)
	terms := engine.Terms{Borrow: engine.Borrow{Rate: 0.05}, Funding: engine.Funding{Rate: 0.0001, Interval: engine.DefaultFundingInterval}}
	cfg := engine.Config{Cash: 1e6, Commission: 5, Equity: terms, Crypto: terms, CashRate: 0.02, BorrowRate: 0.06}
	fresh, err := engine.Run(p, tl, rotate{every: 3}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh.Fills) < 100 || len(fresh.Ledger) < 100 {
		t.Fatalf("%d fills, %d ledger entries: the test needs a busy run", len(fresh.Fills), len(fresh.Ledger))
	}
	// An earlier, busier run's logs, lent to the next run.
	earlier, err := engine.Run(p, tl, rotate{every: 1}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	lent := engine.Take(earlier)
	if earlier.Fills != nil || earlier.Ledger != nil {
		t.Fatal("Take left the logs in the earlier result")
	}
	if cap(lent.Fills) < len(fresh.Fills) {
		t.Fatalf("the earlier run has room for %d fills, fewer than %d", cap(lent.Fills), len(fresh.Fills))
	}
	base := &lent.Fills[:1][0]
	cfg.Reuse = lent
	again, err := engine.Run(p, tl, rotate{every: 3}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if &again.Fills[0] != base {
		t.Error("the run did not append into the lent fills")
	}
	if !reflect.DeepEqual(fresh.Fills, again.Fills) {
		t.Error("fills differ with reused buffers")
	}
	if !reflect.DeepEqual(fresh.Ledger, again.Ledger) {
		t.Error("ledger differs with reused buffers")
	}
	if !reflect.DeepEqual(fresh.Events, again.Events) {
		t.Error("events differ with reused buffers")
	}
	if !reflect.DeepEqual(fresh.Curve, again.Curve) || fresh.Costs != again.Costs {
		t.Error("curve or costs differ with reused buffers")
	}
}
