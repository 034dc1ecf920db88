package experiment

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/strategies"
)

func TestSweepExpansion(t *testing.T) {
	f, err := Load("testdata/sweep.toml")
	if err != nil {
		t.Fatal(err)
	}
	runs, err := f.Runs(strategies.Builtins())
	if err != nil {
		t.Fatal(err)
	}
	// hedge: 3 gross × 4 rebalance days (7, 14, 21, 28) = 12; sma: 3 fast × 2 slow = 6.
	if len(runs) != 18 {
		t.Fatalf("%d runs, want 18", len(runs))
	}
	// Keys sorted (gross before rebalance_days), the last varying fastest.
	want := []string{"hedge--gross=0.5--rebalance_days=7", "hedge--gross=0.5--rebalance_days=14", "hedge--gross=0.5--rebalance_days=21",
		"hedge--gross=0.5--rebalance_days=28", "hedge--gross=1--rebalance_days=7"}
	for i, k := range want {
		if runs[i].Key != k {
			t.Errorf("run %d key %q, want %q", i, runs[i].Key, k)
		}
	}
	if runs[12].Key != "sma--fast=5--slow=30" || runs[17].Key != "sma--fast=15--slow=60" {
		t.Errorf("sma keys %q %q", runs[12].Key, runs[17].Key)
	}
	if g := runs[4].Params["gross"]; g != 1.0 {
		t.Errorf("gross %v", g)
	}
	if _, ok := runs[0].Params["long"]; !ok {
		t.Errorf("fixed params lost")
	}
}

func TestSweepFloatRange(t *testing.T) {
	vs, err := sweepValues("x", map[string]any{"from": 0.1, "to": 0.5, "step": 0.1})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.1, 0.2, 0.3, 0.4, 0.5}
	if len(vs) != len(want) {
		t.Fatalf("%v", vs)
	}
	for i, v := range vs {
		if v.(float64) != want[i] {
			t.Errorf("value %d = %v, want %v", i, v, want[i])
		}
	}
}

// A range of whole from and step gives whole values whatever its bound:
// { from = 5, to = 15.0, step = 5 } is 5, 10, 15 (int64), and to = 16.5
// or 19.9 bound it the same (the next, 20, is past it); to = 4.5 is below
// from. As floats, an integer parameter (sma-cross's fast) refused the
// first with "fast = 5: want a whole number, written without a decimal
// point (5, not 5.0)", naming a value written as 5.
func TestSweepWholeRangeFloatBound(t *testing.T) {
	for _, to := range []float64{15.0, 16.5, 19.9} {
		vs, err := sweepValues("fast", map[string]any{"from": int64(5), "to": to, "step": int64(5)})
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 3 || vs[0] != int64(5) || vs[1] != int64(10) || vs[2] != int64(15) {
			t.Errorf("to = %g: %#v, want int64 5, 10, 15", to, vs)
		}
	}
	if _, err := sweepValues("fast", map[string]any{"from": int64(5), "to": 4.5, "step": int64(5)}); err == nil || !strings.Contains(err.Error(), "fast: to = 4.5 is below from = 5") {
		t.Errorf("to = 4.5: %v", err)
	}
	f, err := Parse("s.toml", "name = \"s\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"x\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = \"BTC\"\n[strategy.sweep]\nfast = { from = 5, to = 15.0, step = 5 }\nslow = [50]\n")
	if err != nil {
		t.Fatal(err)
	}
	specs, err := f.Runs(strategies.Builtins())
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, s := range specs {
		keys = append(keys, s.Key)
	}
	if want := []string{"x--fast=5--slow=50", "x--fast=10--slow=50", "x--fast=15--slow=50"}; !slices.Equal(keys, want) {
		t.Errorf("keys %q, want %q", keys, want)
	}
}

// A whole step written with a decimal point beside a whole from steps
// as a whole number: { from = 30, to = 50, step = 10.0 } is 30, 40, 50
// (int64). As floats, sma-cross refused it with "slow = 30: want a whole
// number, written without a decimal point (30, not 30.0)", naming a value
// the user wrote as 30. A fractional step keeps the float values.
func TestSweepWholeFloatStep(t *testing.T) {
	vs, err := sweepValues("slow", map[string]any{"from": int64(30), "to": int64(50), "step": 10.0})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 || vs[0] != int64(30) || vs[1] != int64(40) || vs[2] != int64(50) {
		t.Errorf("%#v, want int64 30, 40, 50", vs)
	}
	if _, err := sweepValues("slow", map[string]any{"from": int64(30), "to": int64(50), "step": 0.0}); err == nil || !strings.Contains(err.Error(), "slow.step = 0: want > 0") {
		t.Errorf("step = 0.0: %v", err)
	}
	vs, err = sweepValues("slow", map[string]any{"from": int64(30), "to": int64(31), "step": 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 || vs[0] != 30.0 || vs[1] != 30.5 || vs[2] != 31.0 {
		t.Errorf("%#v, want float64 30, 30.5, 31", vs)
	}
	f, err := Parse("s.toml", "name = \"s\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"x\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = \"BTC\"\n[strategy.sweep]\nslow = { from = 30, to = 50, step = 10.0 }\n")
	if err != nil {
		t.Fatal(err)
	}
	specs, err := f.Runs(strategies.Builtins())
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 3 || specs[2].Key != "x--slow=50" {
		t.Errorf("%d runs, last %q; want 3, x--slow=50", len(specs), specs[len(specs)-1].Key)
	}
}

// A float range that crosses zero, or whose numbers carry more than 12
// significant digits, lists the decimals as written: from + i×step in
// decimal arithmetic, then the float nearest it.
//
//	-0.3 + 3×0.1 = 0 (float arithmetic gives 5.551115123125783e-17,
//	which 12 significant digits kept as 5.55111512313e-17: the key read
//	"x=5.55111512313e-17" and a strategy testing x == 0 saw it on)
//	1.0000000000001 + i×0.0000000000001 for i = 0…2: 1.0000000000001,
//	1.0000000000002, 1.0000000000003 (14 significant digits, which 12
//	rounded to three runs of x = 1)
func TestSweepFloatRangeExactDecimals(t *testing.T) {
	for _, c := range []struct {
		from, to, step float64
		want           []float64
	}{
		{-0.3, 0.3, 0.1, []float64{-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3}},
		{-0.05, 0.05, 0.025, []float64{-0.05, -0.025, 0, 0.025, 0.05}},
		{1.0000000000001, 1.0000000000003, 0.0000000000001, []float64{1.0000000000001, 1.0000000000002, 1.0000000000003}},
	} {
		vs, err := sweepValues("x", map[string]any{"from": c.from, "to": c.to, "step": c.step})
		if err != nil {
			t.Fatal(err)
		}
		got := make([]float64, len(vs))
		for i, v := range vs {
			got[i] = v.(float64)
		}
		if len(got) != len(c.want) {
			t.Errorf("%g..%g step %g: %v, want %v", c.from, c.to, c.step, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] || formatValue(got[i]) != formatValue(c.want[i]) {
				t.Errorf("%g..%g step %g: value %d = %s, want %s", c.from, c.to, c.step, i, formatValue(got[i]), formatValue(c.want[i]))
			}
		}
	}
}

func TestSweepErrors(t *testing.T) {
	base := "name = \"x\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"h\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = \"BTC\"\n[strategy.sweep]\n"
	for _, tc := range []struct{ sweep, want string }{
		{"fast = { from = 10, to = 5, step = 1 }", "strategy[0].sweep.fast: to = 5 is below from = 10"},
		{"fast = { from = 1, to = 5, step = 0 }", "strategy[0].sweep.fast.step = 0"},
		{"fast = { from = 1, to = 5 }", "needs from, to and step"},
		{"fast = { from = 1, to = 5, step = 1, by = 2 }", "strategy[0].sweep.fast.by: unknown key"},
		{"fast = []", "an empty list"},
		{"fast = 5", "want a list of values or a range"},
		{"slow = [10]\nfast = [20]", "slow = 10: want > fast (20)"},
		{"fats = [1, 2]", "unknown key fats"},
		// symbol is fixed in params: sweeping it too is refused, not won by the sweep
		{"symbol = [\"BTC\", \"TAO\"]", "strategy[0].sweep.symbol: symbol is also set in strategy[0].params; set it in one of the two"},
	} {
		// The sweep's syntax is checked by Parse, the values by the
		// strategy once a registry is given (Runs).
		f, err := Parse("x.toml", base+tc.sweep+"\n")
		if err == nil {
			_, err = f.Runs(strategies.Builtins())
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("sweep %q: error %v, want %q", tc.sweep, err, tc.want)
		}
	}
}

// A sweep gives the same bytes on 1 and 3 workers.
func TestSweepDeterministicAcrossWorkers(t *testing.T) {
	o1, a := execute(t, "testdata/sweep.toml", 1)
	_, b := execute(t, "testdata/sweep.toml", 3)
	if len(o1.Runs) != 18 {
		t.Fatalf("%d runs", len(o1.Runs))
	}
	for name, want := range a {
		if !bytes.Equal(b[name], want) {
			t.Errorf("%s differs between 1 and 3 workers", name)
		}
	}
	if !bytes.Contains(a["runs.csv"], []byte("param_gross")) {
		t.Errorf("runs.csv lacks the swept columns:\n%s", a["runs.csv"])
	}
}

func TestRanked(t *testing.T) {
	o, _ := execute(t, "testdata/sweep.toml", 2)
	r := Ranked(o.Runs, "sharpe")
	for i := 1; i < len(r); i++ {
		if o.Runs[r[i-1]].Metrics.Sharpe < o.Runs[r[i]].Metrics.Sharpe {
			t.Fatalf("not sorted at %d", i)
		}
	}
}

// A grid point its strategy refuses (fast = slow = 50 in fast [10, 50] ×
// slow [50, 100]) is left out with a note naming it and why; the other
// three run. A sweep whose every point is refused is still an error.
func TestSweepLeavesOutRefusedPoints(t *testing.T) {
	f, err := Parse("x.toml", "name = \"x\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"sma\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = \"BTC\"\n[strategy.sweep]\nfast = [10, 50]\nslow = [50, 100]\n")
	if err != nil {
		t.Fatal(err)
	}
	specs, notes, err := f.RunsNoted(strategies.Builtins())
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, s := range specs {
		keys = append(keys, s.Key)
	}
	if want := "sma--fast=10--slow=50 sma--fast=10--slow=100 sma--fast=50--slow=100"; strings.Join(keys, " ") != want {
		t.Errorf("runs %v, want %s", keys, want)
	}
	if len(notes) != 1 || !strings.HasPrefix(notes[0], "strategy sma: 1 of the sweep's 4 points left out, refused by the strategy: sma--fast=50--slow=50 (") || !strings.Contains(notes[0], "want > fast (50)") {
		t.Errorf("notes %q", notes)
	}
	f, err = Parse("x.toml", "name = \"x\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"sma\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = \"BTC\"\n[strategy.sweep]\nfast = [50, 60]\nslow = [20, 30]\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.RunsNoted(strategies.Builtins()); err == nil || !strings.Contains(err.Error(), "run sma--fast=50--slow=20") {
		t.Errorf("every point refused: %v", err)
	}
	// A value of the wrong type in the grid is the file's mistake: an
	// error, though the other point runs.
	f, err = Parse("x.toml", "name = \"x\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"h\"\ntype = \"pair-hedge\"\n[strategy.params]\nlong = [\"NVDA\"]\nshort = [\"TAO\"]\n[strategy.sweep]\ngross = [1, \"b\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.RunsNoted(strategies.Builtins()); err == nil || !strings.Contains(err.Error(), `run h--gross=b`) || !strings.Contains(err.Error(), `gross = "b": want a number`) {
		t.Errorf("a text in a grid of numbers: %v", err)
	}
}

// Of several unknown keys in a range, the error names the first by
// name, on every run (it was whichever the map gave first).
func TestSweepRangeUnknownKeyFirstByName(t *testing.T) {
	r := map[string]any{"from": int64(5), "to": int64(10), "step": int64(5), "b": int64(1), "a": int64(1), "d": int64(1), "c": int64(1)}
	for range 20 {
		_, err := sweepValues("fast", r)
		if err == nil || err.Error() != "fast.a: unknown key (a range has from, to, step)" {
			t.Fatalf("error %v, want it to name fast.a", err)
		}
	}
}
