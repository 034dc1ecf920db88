package scenarios

import (
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/divergence-research/divergence/data"
)

// Parse reads a scenario from TOML text. name labels errors (a file name
// or "experiment.toml: scenario[1]"); errors name the key:
// `openai.toml: shock[2].move = -1.2: a move below -100%`.
func Parse(name, text string) (*Scenario, error) {
	var m map[string]any
	if _, err := toml.Decode(text, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return FromMap(name, m)
}

// FromMap builds a scenario from an already-decoded TOML table (a
// scenario inlined in an experiment file, decoded as map[string]any).
// Unknown keys are errors.
func FromMap(name string, m map[string]any) (*Scenario, error) {
	s, err := decodeScenario(m)
	if err == nil {
		err = s.Validate()
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// table reads typed values from a decoded TOML table and remembers which
// keys were read, so that the rest can be reported as unknown.
type table struct {
	path string // "" at the top, "shock[2]" below
	m    map[string]any
	used map[string]bool
	err  error
}

func newTable(path string, m map[string]any) *table {
	return &table{path: path, m: m, used: map[string]bool{}}
}

func (t *table) key(k string) string {
	if t.path == "" {
		return k
	}
	return t.path + "." + k
}

func (t *table) fail(k string, v any, format string, args ...any) {
	if t.err == nil {
		if s, ok := v.(string); ok {
			v = fmt.Sprintf("%q", s)
		}
		t.err = fmt.Errorf("%s = %v: %s", t.key(k), v, fmt.Sprintf(format, args...))
	}
}

func (t *table) missing(k, msg string) {
	if t.err == nil {
		t.err = fmt.Errorf("%s: %s", t.key(k), msg)
	}
}

func (t *table) get(k string) (any, bool) {
	v, ok := t.m[k]
	if ok {
		t.used[k] = true
	}
	return v, ok
}

func (t *table) has(k string) bool { _, ok := t.m[k]; return ok }

func (t *table) str(k string) string {
	v, ok := t.get(k)
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		t.fail(k, v, "want a string")
	}
	return s
}

func (t *table) float(k string, def float64) float64 {
	v, ok := t.get(k)
	if !ok {
		return def
	}
	return t.toFloat(k, v)
}

func (t *table) toFloat(k string, v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int:
		return float64(x)
	}
	t.fail(k, v, "want a number")
	return math.NaN()
}

func (t *table) int(k string, def int) int {
	v, ok := t.get(k)
	if !ok {
		return def
	}
	switch x := v.(type) {
	case int64:
		return int(x)
	case int:
		return x
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e9 {
			return int(x)
		}
	}
	t.fail(k, v, "want a whole number")
	return 0
}

func (t *table) bool(k string, def bool) bool {
	v, ok := t.get(k)
	if !ok {
		return def
	}
	b, ok := v.(bool)
	if !ok {
		t.fail(k, v, "want true or false")
	}
	return b
}

// date accepts a TOML date (2025-01-27) or a string "2025-01-27".
func (t *table) date(k string) int64 {
	v, ok := t.get(k)
	if !ok {
		return 0
	}
	switch x := v.(type) {
	case time.Time:
		return data.Day(x.Year(), x.Month(), x.Day())
	case string:
		d, err := data.ParseDay(x)
		if err != nil {
			t.fail(k, x, "want a date YYYY-MM-DD")
		}
		return d
	}
	t.fail(k, v, "want a date YYYY-MM-DD")
	return 0
}

func (t *table) strings(k string) []string {
	v, ok := t.get(k)
	if !ok {
		return nil
	}
	var out []string
	switch x := v.(type) {
	case []any:
		for j, e := range x {
			s, ok := e.(string)
			if !ok {
				t.fail(fmt.Sprintf("%s[%d]", k, j), e, "want a string")
				return nil
			}
			out = append(out, s)
		}
	case []string:
		out = append(out, x...)
	default:
		t.fail(k, v, "want a list of strings")
	}
	return out
}

func (t *table) sub(k string) map[string]any {
	v, ok := t.get(k)
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.fail(k, v, "want a table")
	}
	return m
}

func (t *table) floatMap(k string) map[string]float64 {
	m := t.sub(k)
	if m == nil {
		return nil
	}
	out := make(map[string]float64, len(m))
	for _, sym := range sortedKeys(m) {
		out[sym] = t.toFloat(k+"."+sym, m[sym])
	}
	return out
}

func (t *table) stringMap(k string) map[string]string {
	m := t.sub(k)
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for _, sym := range sortedKeys(m) {
		s, ok := m[sym].(string)
		if !ok {
			t.fail(k+"."+sym, m[sym], "want a string")
		}
		out[sym] = s
	}
	return out
}

// done reports the first decoding error, else the first unknown key.
func (t *table) done(known []string) error {
	if t.err != nil {
		return t.err
	}
	for _, k := range sortedKeys(t.m) {
		if !t.used[k] {
			return fmt.Errorf("%s: unknown key (known: %s)", t.key(k), strings.Join(known, ", "))
		}
	}
	return nil
}

var scenarioKeys = []string{"description", "groups", "metadata", "name", "probability", "shock", "source"}

func decodeScenario(m map[string]any) (*Scenario, error) {
	t := newTable("", m)
	s := &Scenario{
		Name:        t.str("name"),
		Description: t.str("description"),
		Source:      t.str("source"),
		Probability: t.float("probability", 0),
		Metadata:    t.sub("metadata"),
	}
	if g := t.sub("groups"); g != nil {
		s.Groups = map[string][]string{}
		gt := newTable("groups", g)
		for _, name := range sortedKeys(g) {
			s.Groups[name] = gt.strings(name)
		}
		if gt.err != nil && t.err == nil {
			t.err = gt.err
		}
	}
	if t.has("probability") && t.err == nil && !(s.Probability > 0 && s.Probability <= 1) {
		t.fail("probability", s.Probability, "want a fraction in (0, 1]")
	}
	var shocks []map[string]any
	if v, ok := t.get("shock"); ok {
		switch x := v.(type) {
		case []map[string]any:
			shocks = x
		case []any:
			for j, e := range x {
				mm, ok := e.(map[string]any)
				if !ok {
					t.fail(fmt.Sprintf("shock[%d]", j), e, "want a table ([[shock]])")
					break
				}
				shocks = append(shocks, mm)
			}
		default:
			t.fail("shock", v, "want an array of tables ([[shock]])")
		}
	}
	if err := t.done(scenarioKeys); err != nil {
		return nil, err
	}
	for j, sm := range shocks {
		sh, err := decodeShock(fmt.Sprintf("shock[%d]", j), sm)
		if err != nil {
			return nil, err
		}
		s.Shocks = append(s.Shocks, sh)
	}
	return s, nil
}

// kinds lists each shock type's own keys (beyond type, note, groups,
// symbols and the timing keys date, day, random).
var kinds = map[string][]string{
	"jump":        {"move", "overrides", "gap", "spread_days", "recover", "recover_days"},
	"volatility":  {"k", "days", "until"},
	"correlation": {"rho", "days", "until"},
	"liquidity":   {"slippage_mult", "spread_mult", "volume_mult", "days", "until"},
	"funding":     {"rate", "mult", "days", "until"},
	"borrow":      {"rate", "mult", "days", "until"},
	"recall":      {},
	"wick":        {"move", "close"},
	"transplant":  {"from", "to", "self", "source_symbols"},
	"propagate":   {"drivers", "lookback_days", "min_obs", "gap", "spread_days", "recover", "recover_days"},
}

func kindNames() []string { return sortedKeys(kinds) }

func decodeShock(path string, m map[string]any) (Shock, error) {
	t := newTable(path, m)
	kind := t.str("type")
	if t.err != nil {
		return nil, t.err
	}
	own, ok := kinds[kind]
	if !ok {
		if kind == "" {
			return nil, fmt.Errorf("%s.type: required (one of %s)", path, strings.Join(kindNames(), ", "))
		}
		return nil, fmt.Errorf("%s.type = %q: unknown shock type (want one of %s)", path, kind, strings.Join(kindNames(), ", "))
	}
	_ = t.str("note")
	tg := Target{Groups: t.strings("groups"), Symbols: t.strings("symbols")}
	w := When{Date: t.date("date"), Day: t.int("day", 0), Random: t.bool("random", false)}
	nt := 0
	for _, k := range []string{"date", "day", "random"} {
		if t.has(k) {
			nt++
		}
	}
	if nt != 1 && t.err == nil {
		return nil, fmt.Errorf("%s: give exactly one of date, day or random (when the shock happens)", path)
	}
	win := Window{Days: t.int("days", 0), Until: t.date("until")}
	jp := JumpPath{Gap: t.bool("gap", true), SpreadDays: t.int("spread_days", 1), Recover: t.float("recover", 0), RecoverDays: t.int("recover_days", 0)}
	var sh Shock
	switch kind {
	case "jump":
		if !t.has("move") {
			t.missing("move", "required (a fraction: -0.04 is -4%)")
		}
		sh = &Jump{Target: tg, When: w, JumpPath: jp, Move: t.float("move", 0), Overrides: t.floatMap("overrides")}
	case "volatility":
		if !t.has("k") {
			t.missing("k", "required (the volatility scale)")
		}
		sh = &Volatility{Target: tg, When: w, Window: win, K: t.float("k", 1)}
	case "correlation":
		if !t.has("rho") {
			t.missing("rho", "required (the weight of the common factor)")
		}
		sh = &Correlation{Target: tg, When: w, Window: win, Rho: t.float("rho", 0)}
	case "liquidity":
		sh = &Liquidity{Target: tg, When: w, Window: win, SlippageMult: t.float("slippage_mult", 0),
			SpreadMult: t.float("spread_mult", 0), VolumeMult: t.float("volume_mult", math.NaN())}
		if t.has("slippage_mult") && sh.(*Liquidity).SlippageMult == 0 {
			t.fail("slippage_mult", 0, "want a multiplier > 0")
		}
		if t.has("spread_mult") && sh.(*Liquidity).SpreadMult == 0 {
			t.fail("spread_mult", 0, "want a multiplier > 0")
		}
	case "funding":
		f := &Funding{Target: tg, When: w, Window: win, SetRate: t.has("rate"), Rate: t.float("rate", 0), Mult: t.float("mult", 0)}
		if t.has("mult") && f.Mult == 0 {
			t.fail("mult", 0, "want a multiplier > 0 (use rate = 0 to switch funding off)")
		}
		sh = f
	case "borrow":
		b := &Borrow{Target: tg, When: w, Window: win, SetRate: t.has("rate"), Rate: t.float("rate", 0), Mult: t.float("mult", 0)}
		if t.has("mult") && b.Mult == 0 {
			t.fail("mult", 0, "want a multiplier > 0 (use rate = 0 for free borrow)")
		}
		sh = b
	case "recall":
		sh = &Recall{Target: tg, When: w}
	case "wick":
		sh = &Wick{Target: tg, When: w, Move: t.float("move", 0), Close: t.float("close", 0)}
	case "transplant":
		sh = &Transplant{Target: tg, When: w, From: t.date("from"), To: t.date("to"), Self: t.bool("self", false), SourceSymbols: t.stringMap("source_symbols")}
	case "propagate":
		sh = &Propagate{Target: tg, When: w, JumpPath: jp, Drivers: t.floatMap("drivers"),
			LookbackDays: t.int("lookback_days", 365), MinObs: t.int("min_obs", 30)}
	}
	known := append([]string{"type", "note", "groups", "symbols", "date", "day", "random"}, own...)
	if err := t.done(known); err != nil {
		return nil, err
	}
	// The window and jump-path keys were read for every kind: reject them
	// where the kind has no use for them.
	for _, k := range []string{"days", "until", "gap", "spread_days", "recover", "recover_days"} {
		if t.has(k) && !contains(own, k) {
			return nil, fmt.Errorf("%s: unknown key (known for type %q: %s)", t.key(k), kind, strings.Join(known, ", "))
		}
	}
	if err := sh.validate(); err != nil {
		return nil, fmt.Errorf("%s%s", path, err.Error())
	}
	return sh, nil
}

func contains(xs []string, x string) bool {
	for _, e := range xs {
		if e == x {
			return true
		}
	}
	return false
}

// Load reads a scenario file (TOML).
func Load(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	return Parse(path, string(b))
}
