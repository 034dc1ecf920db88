package scenarios

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/divergence-research/divergence/data"
)

func TestParseErrors(t *testing.T) {
	head := "name = \"bad\"\n"
	jump := func(extra string) string {
		return head + "[[shock]]\ntype = \"jump\"\nsymbols = [\"BTC\"]\nday = 0\nmove = -0.1\n" + extra
	}
	cases := []struct{ name, text, want string }{
		{"move below -100%", head + `[[shock]]
type = "jump"
symbols = ["BTC"]
day = 0
move = 0.1
[[shock]]
type = "jump"
symbols = ["BTC"]
day = 0
move = 0.1
[[shock]]
type = "jump"
symbols = ["BTC"]
day = 0
move = -1.2`, "x.toml: shock[2].move = -1.2: a move below -100%"},
		{"move -100%", jump("") + "[[shock]]\ntype = \"jump\"\nsymbols = [\"BTC\"]\nday = 0\nmove = -1\n", "shock[1].move = -1: a move of -100% leaves no price"},
		{"override below -100%", jump("overrides = { BTC = -3 }"), "shock[0].overrides.BTC = -3: a move below -100%"},
		{"unknown top key", head + "colour = 1\n", "x.toml: unknown key colour (known: description, groups"},
		{"unknown shock key", jump("strength = 2"), "x.toml: unknown key shock[0].strength (known for type \"jump\""},
		{"key of another kind", jump("days = 3"), `unknown key shock[0].days (did you mean day? known for type "jump"`},
		{"unknown type", head + "[[shock]]\ntype = \"meteor\"\n", `shock[0].type = "meteor": unknown shock type`},
		{"missing type", head + "[[shock]]\nmove = 1\n", "shock[0].type: required"},
		{"no shocks", head, "shock: at least one [[shock]] is required"},
		{"no name", "[[shock]]\ntype = \"jump\"\nsymbols = [\"BTC\"]\nday = 0\nmove = -0.1\n", "name: required"},
		{"probability", jump("") + "probability = 1.5\n", ""}, // placed after [[shock]]: an unknown shock key
		{"probability range", "probability = 1.5\n" + jump(""), "probability = 1.5: want a fraction in (0, 1]"},
		{"window ends before it starts", head + `[[shock]]
type = "volatility"
symbols = ["BTC"]
date = 2025-03-01
until = 2025-02-01
k = 2`, "shock[0].until = 2025-02-01: not after date = 2025-03-01: a window that ends before it starts"},
		// A window from an instant (time) that until, a date, does not
		// pass: the message names the key given and the instant, not
		// "date = 2025-03-01" for a start at 10:00 on that date.
		{"window ends before it starts, time", head + `[[shock]]
type = "volatility"
symbols = ["BTC"]
time = "2025-03-01T10:00:00Z"
until = 2025-03-01
k = 2`, "shock[0].until = 2025-03-01: not after time = 2025-03-01T10:00:00Z: a window that ends before it starts"},
		{"transplant window", head + `[[shock]]
type = "transplant"
groups = ["majors"]
day = 1
from = 2022-11-10
to = 2022-11-01`, "shock[0].to = 2022-11-01: not after from = 2022-11-10: a window that ends before it starts"},
		{"k < 0", head + "[[shock]]\ntype = \"volatility\"\nsymbols = [\"BTC\"]\nday = 0\ndays = 5\nk = -1\n", "shock[0].k = -1: want a finite scale k >= 0"},
		{"rho > 1", head + "[[shock]]\ntype = \"correlation\"\ngroups = [\"majors\"]\nday = 0\ndays = 5\nrho = 1.5\n", "shock[0].rho = 1.5: want a weight in [0, 1]"},
		{"recover > 1", jump("recover = 2\nrecover_days = 3"), "shock[0].recover = 2: want a fraction of the move in [0, 1]"},
		{"negative spread", jump("spread_days = -2"), "shock[0].spread_days = -2: a negative number of days"},
		{"two timings", jump("random = true"), "shock[0]: give exactly one of date, time, day or random"},
		{"no timing", head + "[[shock]]\ntype = \"jump\"\nsymbols = [\"BTC\"]\nmove = -0.1\n", "shock[0]: give exactly one of date, time, day or random"},
		// Past about 106,751 days, days × nanoseconds a day overflowed and
		// the shock landed elsewhere (day = 100000 read as the baseline).
		{"day past 100 years", head + "[[shock]]\ntype = \"jump\"\nsymbols = [\"BTC\"]\nday = 100000\nmove = -0.1\n", "shock[0].day = 100000: want at most 36525 (100 years)"},
		{"window past 100 years", head + "[[shock]]\ntype = \"volatility\"\nsymbols = [\"BTC\"]\nday = 0\ndays = 200000\nk = 2\n", "shock[0].days = 200000: want at most 36525 (100 years)"},
		{"spread past 100 years", jump("spread_days = 110000"), "shock[0].spread_days = 110000: want at most 36525 (100 years)"},
		{"negative day", head + "[[shock]]\ntype = \"jump\"\nsymbols = [\"BTC\"]\nday = -3\nmove = -0.1\n", "shock[0].day = -3: an offset before the start"},
		{"bad date", head + "[[shock]]\ntype = \"jump\"\nsymbols = [\"BTC\"]\ndate = \"2025-13-01\"\nmove = -0.1\n", `shock[0].date = "2025-13-01": want a date YYYY-MM-DD`},
		{"no target", head + "[[shock]]\ntype = \"jump\"\nday = 0\nmove = -0.1\n", "shock[0]: no instruments"},
		{"wrong type", jump("gap = 3"), "shock[0].gap = 3: want true or false"},
		{"volume cut below 0", head + "[[shock]]\ntype = \"liquidity\"\ngroups = [\"majors\"]\nday = 0\ndays = 3\nvolume_mult = -0.5\n", "shock[0].volume_mult = -0.5: want a finite multiplier >= 0"},
		{"funding rate and mult", head + "[[shock]]\ntype = \"funding\"\ngroups = [\"majors\"]\nday = 0\ndays = 3\nrate = 0.01\nmult = 2\n", "shock[0]: give rate or mult, not both"},
		{"window missing", head + "[[shock]]\ntype = \"borrow\"\ngroups = [\"majors\"]\nday = 0\nmult = 2\n", "shock[0]: give days or until"},
		{"wick without move", head + "[[shock]]\ntype = \"wick\"\ngroups = [\"majors\"]\nday = 0\nclose = -0.1\n", "shock[0].move = 0: a wick needs a move"},
		{"propagate no drivers", head + "[[shock]]\ntype = \"propagate\"\ngroups = [\"majors\"]\nday = 0\n", "shock[0].drivers: required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.toml", c.text)
			if c.want == "" {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			wantErr(t, err, c.want)
		})
	}
}

func TestApplyErrors(t *testing.T) {
	p := panelOf(series("BTC", data.Crypto, seq(10), flat(10, 100)))
	cases := []struct{ name, text, want string }{
		{"unknown group", `name = "s"
[[shock]]
type = "jump"
groups = ["memes"]
day = 0
move = 0.1`, `scenario "s": shock[0].groups: unknown group "memes"`},
		{"missing symbol", `name = "s"
[[shock]]
type = "jump"
symbols = ["ETH"]
day = 0
move = 0.1`, `scenario "s": shock[0].symbols: "ETH" is not in the panel`},
		{"override not targeted", `name = "s"
[[shock]]
type = "jump"
groups = ["majors"]
day = 0
move = 0.1
overrides = { DOGE = 1 }`, `shock[0].overrides.DOGE: not in the panel and not a member of the shock's groups`},
		{"random without rand", `name = "s"
[[shock]]
type = "jump"
symbols = ["BTC"]
random = true
move = 0.1`, `shock[0].random: needs ApplyOptions.Rand`},
		{"date after the panel", `name = "s"
[[shock]]
type = "jump"
symbols = ["BTC"]
date = 2026-01-01
move = 0.1`, `shock[0].date = 2026-01-01: after the panel's last bar (2025-01-15)`},
		{"time after the panel", `name = "s"
[[shock]]
type = "jump"
symbols = ["BTC"]
time = "2026-01-01T00:00:00Z"
move = 0.1`, `shock[0].time = 2026-01-01T00:00:00Z: after the panel's last bar (2025-01-15)`},
		{"time of day after the panel", `name = "s"
[[shock]]
type = "jump"
symbols = ["BTC"]
time = "2026-01-01T15:30:00Z"
move = 0.1`, `shock[0].time = 2026-01-01T15:30:00Z: after the panel's last bar (2025-01-15)`},
		{"day after the panel", `name = "s"
[[shock]]
type = "wick"
symbols = ["BTC"]
day = 30
move = 0.1`, `shock[0].day = 30: 2025-02-05 is after the panel's last bar (2025-01-15)`},
		{"window before start", `name = "s"
[[shock]]
type = "volatility"
symbols = ["BTC"]
day = 5
until = 2025-01-07
k = 2`, `shock[0].until = 2025-01-07 is not after the start 2025-01-11`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := mustParse(t, c.text).Apply(p, nil, ApplyOptions{})
			wantErr(t, err, c.want)
		})
	}
}

func TestFromMapInline(t *testing.T) {
	// A scenario inlined in an experiment file, decoded by the experiment.
	var exp struct {
		Scenario []map[string]any `toml:"scenario"`
	}
	_, err := toml.Decode(`
[[scenario]]
name = "inline"
source = "test"
[scenario.groups]
mine = ["BTC"]
[[scenario.shock]]
type = "jump"
groups = ["mine"]
date = "2025-01-08"
move = -0.25
note = "a note"
`, &exp)
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromMap("exp.toml: scenario[0]", exp.Scenario[0])
	if err != nil {
		t.Fatal(err)
	}
	out, _ := mustApply(t, s, panelOf(series("BTC", data.Crypto, seq(4), flat(4, 100))), ApplyOptions{})
	near(t, "close", out.Series[0].Close[2], 75, tol)
	near(t, "close before", out.Series[0].Close[1], 100, tol)

	exp.Scenario[0]["shock"].([]map[string]any)[0]["move"] = -1.5
	_, err = FromMap("exp.toml: scenario[0]", exp.Scenario[0])
	wantErr(t, err, "exp.toml: scenario[0]: shock[0].move = -1.5: a move below -100%")
}

func TestRandomDate(t *testing.T) {
	// A random date is a calendar day in [start, end − window], drawn from
	// the given generator: the same seed gives the same date.
	p := panelOf(series("BTC", data.Crypto, seq(30), flat(30, 100)))
	s := mustParse(t, `name = "r"
[[shock]]
type = "jump"
symbols = ["BTC"]
random = true
move = -0.5`)
	shockDay := func(seed uint64) int {
		out, _ := mustApply(t, s, p, ApplyOptions{Rand: rand.New(rand.NewPCG(seed, 0))})
		for k, c := range out.Series[0].Close {
			if c < 100 {
				return k
			}
		}
		return -1
	}
	seen := map[int]bool{}
	for seed := uint64(0); seed < 50; seed++ {
		d := shockDay(seed)
		if d < 0 || d != shockDay(seed) {
			t.Fatalf("seed %d: day %d not reproducible", seed, d)
		}
		seen[d] = true
	}
	if len(seen) < 10 {
		t.Errorf("random dates hardly vary: %v", seen)
	}
}

func TestFromPrimitiveInline(t *testing.T) {
	// The experiment keeps its [[scenario]] tables as primitives and
	// decodes each with the document's metadata.
	var exp struct {
		Seed     int              `toml:"seed"`
		Scenario []toml.Primitive `toml:"scenario"`
	}
	md, err := toml.Decode(`
seed = 3
[[scenario]]
name = "first"
[[scenario.shock]]
type = "jump"
symbols = ["BTC"]
day = 1
move = -0.5
[[scenario]]
name = "second"
[[scenario.shock]]
type = "volatility"
symbols = ["BTC"]
day = 1
days = 2
k = 2
move = -0.5
`, &exp)
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromPrimitive("exp.toml: scenario[0]", md, exp.Scenario[0])
	if err != nil {
		t.Fatal(err)
	}
	out, _ := mustApply(t, s, panelOf(series("BTC", data.Crypto, seq(4), flat(4, 100))), ApplyOptions{})
	near(t, "close", out.Series[0].Close[1], 50, tol)
	// Its keys are marked decoded in md, for the experiment's own check of
	// unknown keys; the keys only the second scenario has are not. (TOML
	// metadata keys carry no array index: scenario.shock.move stands for
	// both scenarios' shocks.)
	var left []string
	for _, k := range md.Undecoded() {
		left = append(left, k.String())
	}
	if strings.Join(left, " ") != "scenario.shock.days scenario.shock.k" {
		t.Errorf("undecoded after scenario[0]: %v", left)
	}
	// The second scenario's volatility shock has a move, which only
	// jumps take: the first scenario's jump decoded scenario.shock.move,
	// yet the key is still found, in its own element.
	_, err = FromPrimitive("exp.toml: scenario[1]", md, exp.Scenario[1])
	wantErr(t, err, `exp.toml: scenario[1]: unknown key shock[0].move (known for type "volatility": date, day, days, groups, k, note, random, symbols, time, type, until)`)
}

func TestShockKindText(t *testing.T) {
	for k := range shockKinds() {
		var back ShockKind
		b, _ := k.MarshalText()
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("%v: round trip gives %v, %v", k, back, err)
		}
	}
	var k ShockKind
	err := k.UnmarshalText([]byte("Jump"))
	wantErr(t, err, "unknown shock type (want one of borrow, correlation, funding, jump, liquidity, propagate, recall, transplant, volatility, wick)")
	s := mustParse(t, "name = \"k\"\n[[shock]]\ntype = \"wick\"\nsymbols = [\"BTC\"]\nday = 0\nmove = -0.1\n")
	if s.Shocks[0].Kind() != KindWick || s.Shocks[0].Kind().String() != "wick" {
		t.Errorf("kind %v", s.Shocks[0].Kind())
	}
}

// Defaults live in one place per shock type: a jump without path keys
// gaps at the open over one bar; a propagate looks back 365 days with at
// least 30 observations.
func TestShockDefaults(t *testing.T) {
	s := mustParse(t, "name = \"d\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"BTC\"]\nday = 0\nmove = -0.1\n[[shock]]\ntype = \"propagate\"\ngroups = [\"majors\"]\nday = 0\ndrivers = { BTC = -0.1 }\n")
	if j := s.Shocks[0].(*Jump); j.JumpPath != (JumpPath{Gap: true, SpreadDays: 1}) {
		t.Errorf("jump path %+v", j.JumpPath)
	}
	if p := s.Shocks[1].(*Propagate); p.LookbackDays != 365 || p.MinObs != 30 || !p.Gap || p.SpreadDays != 1 {
		t.Errorf("propagate %+v", p)
	}
	l := mustParse(t, "name = \"l\"\n[[shock]]\ntype = \"liquidity\"\ngroups = [\"majors\"]\nday = 0\ndays = 2\nspread_mult = 2\n").Shocks[0].(*Liquidity)
	if !math.IsNaN(l.VolumeMult) || l.SlippageMult != 0 || l.SpreadMult != 2 {
		t.Errorf("liquidity %+v", l)
	}
}
