package experiment

import (
	"errors"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/strategies"
)

const minimal = "name = \"x\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"BTC\"]\n"

// deepUnknown is a 40 KB experiment file whose unknown key holds an
// inline table nested 10,000 deep.
func deepUnknown() string {
	return minimal[:len("name = \"x\"\n")] + "bogus = " + strings.Repeat("{a=", 10_000) + "1" + strings.Repeat("}", 10_000) + "\n" + minimal[len("name = \"x\"\n"):]
}

// The case: unknown keys nested 10,000 deep in 40 KB took 31 s,
// 5.3 GB and printed a 100 MB error. It is refused with a short error;
// BenchmarkParseDeep measures the time (well under a millisecond), which
// a unit test does not assert.
func TestParseRefusesDeepNesting(t *testing.T) {
	text := deepUnknown()
	if len(text) < 40_000 {
		t.Fatalf("%d bytes", len(text))
	}
	_, err := Parse("deep.toml", text)
	var de *strict.DepthError
	if !errors.As(err, &de) {
		t.Fatalf("got %v, want a depth error", err)
	}
	if len(err.Error()) > 1000 || !strings.HasPrefix(err.Error(), "deep.toml: line 2:") {
		t.Fatalf("error of %d bytes: %.300s", len(err.Error()), err)
	}
}

func BenchmarkParseDeep(b *testing.B) {
	text := deepUnknown()
	for b.Loop() {
		if _, err := Parse("deep.toml", text); err == nil {
			b.Fatal("accepted")
		}
	}
}

func TestParseUnknownKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString(minimal)
	for i := range 10_000 {
		b.WriteString("[strategy.bogus" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26)) + "]\n")
	}
	many := b.String()
	for _, tc := range []struct{ name, text, want string }{
		{"top level", "nme = \"x\"\n" + minimal, "x.toml: unknown key nme (did you mean name? known: bar, benchmarks, cash, "},
		{"in a table", strings.Replace(minimal, "[data]\n", "[data]\nsynthetik = true\n", 1), "x.toml: unknown key data.synthetik (did you mean synthetic? known: catalog, classes, columns, date_format, days, dir, duckdb, files, interval, lot_sizes, on_bad_row, query, symbols, synthetic, synthetic_seed, table, timezone)"},
		{"in an array of tables", strings.Replace(minimal, "type = \"buy-and-hold\"\n", "type = \"buy-and-hold\"\nbogus = 1\n", 1), "x.toml: unknown key strategy[0].bogus (known: name, params, sweep, type)"},
		{"deep within the bound", minimal + "[costs.equity.bogus.a.b.c]\nd = 1\n", "x.toml: unknown key costs.equity.bogus (known: borrow, borrow_rate, "},
		{"in montecarlo", minimal + "[montecarlo]\npath = 3\n", "x.toml: unknown key montecarlo.path (did you mean paths? known: days, from, "},
		{"a bounded list", many, "and 9995 more (known: name, params, sweep, type)"},
		{"inline scenario", minimal + "[[scenario]]\nname = \"s\"\n[[scenario.shock]]\ntype = \"jump\"\nsymbols = [\"BTC\"]\nday = 1\nmove = -0.2\nstrength = 2\n",
			"x.toml: scenario[0]: unknown key shock[0].strength (known for type \"jump\": "},
		{"wrong type", strings.Replace(minimal, "name = \"x\"", "name = 3", 1), "x.toml: name = 3: want a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.toml", tc.text)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v\nwant %q", err, tc.want)
			}
			if len(err.Error()) > 1000 {
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
		})
	}
}

// Values that would wrap silently are refused, naming the key.
func TestParseRefusesWrappingValues(t *testing.T) {
	sweep := func(s string) string { return minimal + "[strategy.sweep]\n" + s + "\n" }
	for _, tc := range []struct{ text, want string }{
		{"seed = -1\n" + minimal, "seed = -1: want a whole number >= 0"},
		{strings.Replace(minimal, "synthetic = true", "synthetic = true\nsynthetic_seed = -7", 1), "data.synthetic_seed = -7: want a whole number >= 0"},
		{minimal + "[montecarlo]\nseed = -1\n", "montecarlo.seed = -1: want a whole number >= 0"},
		{minimal + "[montecarlo]\npaths = -5\n", "montecarlo.paths = -5: want 1 to 1,000,000"},
		{minimal + "[montecarlo]\ndays = -5\n", "montecarlo.days = -5: want 2 to 36,525"},
		// a 0 written is refused, not taken for the default left out
		{minimal + "[montecarlo]\npaths = 0\n", "montecarlo.paths = 0: want 1 to 1,000,000 (leave it out for 200)"},
		{minimal + "[montecarlo]\ndays = 0\n", "montecarlo.days = 0: want 2 to 36,525 (leave it out for 365)"},
		{minimal + "[montecarlo]\nmean_block = 0.0\n", "montecarlo.mean_block = 0: want >= 1 (leave it out for 10)"},
		// inf passed ">= 1", then stopped the run at its manifest ("json:
		// unsupported value: +Inf"), naming no key
		{minimal + "[montecarlo]\nmean_block = inf\n", "montecarlo.mean_block = +Inf: want a finite length >= 1"},
		{minimal + "[montecarlo]\nwarmup_days = -1\n", "montecarlo.warmup_days = -1: want 0"},
		{minimal + "[montecarlo]\npaths = 9223372036854775807\n", "montecarlo.paths = 9223372036854775807: want 1 to 1,000,000"},
		{minimal + "[walkforward]\nin_sample_days = -30\nout_of_sample_days = 10\n", "walkforward.in_sample_days = -30: want 1 to 36525 (100 years)"},
		{minimal + "[walkforward]\nin_sample_days = 30\nout_of_sample_days = -10\n", "walkforward.out_of_sample_days = -10: want 1 to 36525 (100 years)"},
		// A length left out read as 0 written: "in_sample_days = 0".
		{minimal + "[walkforward]\nout_of_sample_days = 10\n", "x.toml: walkforward.in_sample_days: required (whole calendar days, 1 to 36525)"},
		{minimal + "[walkforward]\nin_sample_days = 30\nmode = \"expanding\"\n", "x.toml: walkforward.out_of_sample_days: required (whole calendar days, 1 to 36525)"},
		{minimal + "[walkforward]\nin_sample_days = 0\nout_of_sample_days = 10\n", "walkforward.in_sample_days = 0: want 1 to 36525 (100 years)"},
		{minimal + "[costs.equity]\nimpact_window = -3\n", ""}, // checked with the data: see costs_test
		// A range from -2^63 to 2^63−1 overflowed to − from and then
		// looped for ever; a float range's count overflowed an int.
		{sweep("n = { from = -9223372036854775808, to = 9223372036854775807, step = 1 }"), "strategy[0].sweep.n: more than 100,000 values"},
		{sweep("n = { from = 9223372036854775000, to = 9223372036854775807, step = 100 }"), ""},
		{sweep("x = { from = -1e308, to = 1e308, step = 1e-300 }"), "strategy[0].sweep.x: more than 100,000 values"},
		{sweep("x = { from = 0.0, to = inf, step = 1.0 }"), "strategy[0].sweep.x: from = 0, to = +Inf: want finite numbers"},
		{sweep("x = { from = 0.0, to = 1.0, step = nan }"), "strategy[0].sweep.x.step = NaN: want a finite value > 0"},
	} {
		_, err := Parse("x.toml", tc.text)
		if tc.want == "" {
			if err != nil && !strings.Contains(err.Error(), "symbols") {
				// sweeping an unknown parameter is the strategy's to refuse at run time
				t.Errorf("%q: %v", tc.text[len(minimal)/2:], err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v\nwant %q", err, tc.want)
		}
	}
}

// The sweep range near the top of int64 stops at to instead of wrapping.
func TestSweepRangeNearMaxInt(t *testing.T) {
	vs, err := sweepValues("k", map[string]any{"from": int64(9223372036854775000), "to": int64(9223372036854775807), "step": int64(100)})
	if err != nil {
		t.Fatal(err)
	}
	// (807 − 0)/100 + 1 = 9 values: ...5000, ...5100, …, ...5800.
	if len(vs) != 9 || vs[8] != int64(9223372036854775800) {
		t.Fatalf("%d values, last %v", len(vs), vs[len(vs)-1])
	}
}

// Two strategy names that make one folder name are an error, not a run
// key with -2 appended.
func TestStrategyNamesSharingASlug(t *testing.T) {
	text := minimal + "[[strategy]]\nname = \"HOLD\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"ETH\"]\n"
	_, err := Parse("x.toml", text)
	if err == nil || !strings.Contains(err.Error(), `strategy[1].name: "HOLD" and strategy[0]'s "hold" would share the run folder name "hold"`) {
		t.Fatalf("got %v", err)
	}
}

// A newcomer's first files: a key of the top level written at the end of
// the file, below a table's header, which TOML puts in that table; an
// experiment without [data]; a swept key the strategy does not take. Each
// error says where the key went and what to write.
func TestParseNewcomerMistakes(t *testing.T) {
	const placed = " is a key of the file's top level, not of "
	pair := "name = \"x\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"h\"\ntype = \"pair-hedge\"\n[strategy.params]\nlong = [\"NVDA\"]\nshort = [\"FET\"]\n"
	for _, tc := range []struct{ name, text, want, not string }{
		{"misspelt below [data]", strings.Replace(minimal, "synthetic = true\n", "synthetic = true\ncomission_bps = 10\n", 1),
			"x.toml: unknown key data.comission_bps (known: catalog, classes, columns, date_format, days, dir, duckdb, files, interval, lot_sizes, on_bad_row, query, symbols, synthetic, synthetic_seed, table, timezone); commission_bps" + placed + "[data]: TOML puts every key written below a table's header in that table, so write it above the file's first [table]", ""},
		{"benchmarks at the end", strings.Replace(minimal, "synthetic = true\n", "synthetic = true\nbenchmarks = [\"QQQ\"]\n", 1), "benchmarks" + placed + "[data]:", ""},
		{"in [[strategy]]", strings.Replace(minimal, "type = \"buy-and-hold\"\n", "type = \"buy-and-hold\"\nseed = 2\n", 1), "unknown key strategy[0].seed (known: name, params, sweep, type); seed" + placed + "[[strategy]]:", ""},
		{"in a nested table", minimal + "[costs.equity]\nstart = \"2023-01-01\"\n", "start" + placed + "[costs.equity]:", ""},
		// A misspelling of the table's own key is named as one, not as a
		// misplaced key (synthetik is synthetic less one letter).
		{"own key misspelt", strings.Replace(minimal, "[data]\n", "[data]\nsynthetik = true\n", 1), "did you mean synthetic?", placed},
		// A misspelt top-level key at the top level: its own hint only.
		{"top level", "comission_bps = 10\n" + minimal, "unknown key comission_bps (did you mean commission_bps? known: ", placed},
		{"no [data]", "name = \"x\"\n[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"BTC\"]\n",
			`x.toml: data: no source of bars: add a [data] table with dir = "…", the folder of price files (SYM.csv, SYM-USD.csv; relative to the experiment file, and $DIVERGENCE_DATA replaces it on the command line), or one of synthetic = true, catalog, table or query`, ""},
		{"two sources", strings.Replace(minimal, "synthetic = true\n", "synthetic = true\ndir = \"d\"\n", 1), "x.toml: data: set exactly one of synthetic = true, dir, catalog, table or query", ""},
		// The strategy's parameters: a key of the top level written below
		// [strategy.params], and a swept key the strategy does not take.
		{"benchmarks in params", pair + "benchmarks = [\"QQQ\"]\n", "params: unknown key benchmarks (known: cooldown_days, drift_band, execution, fill, gross, hedge, legs, long, lookback, max_gross, max_ratio, rebalance_bars, rebalance_days, short, stop_loss); benchmarks" + placed + "[strategy.params]:", ""},
		{"swept key unknown", pair + "[strategy.sweep]\nlookbak = [20, 60]\n", "unknown key lookbak (did you mean lookback? known: cooldown_days, drift_band, execution, fill, gross, hedge, legs, long, lookback, max_gross, max_ratio, rebalance_bars, rebalance_days, short, stop_loss); lookbak is swept in strategy[0].sweep: sweep one of the keys the strategy takes", placed},
		{"own param misspelt", pair + "rebalance_day = 7\n", "unknown key rebalance_day (did you mean rebalance_days?", placed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("x.toml", tc.text)
			if err == nil {
				_, err = f.Runs(strategies.Builtins())
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || tc.not != "" && strings.Contains(err.Error(), tc.not) {
				t.Fatalf("got %v\nwant %q (and not %q)", err, tc.want, tc.not)
			}
		})
	}
}
