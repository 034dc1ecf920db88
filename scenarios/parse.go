package scenarios

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/strict"
)

// Decoding. A scenario file is decoded in two steps with the toml
// package's metadata: the scenario's own keys into scenarioFile (its
// shocks kept as toml.Primitive values), then each shock, once its type
// is read, into that type's file struct (jumpFile, volatilityFile, ...),
// which the registry of shock types (shockKinds) makes.
// Both steps go through strict.Decode: a key the struct has no field for
// is an error naming its full path (`shock[2].strength`) and the keys the
// table takes; a value of the wrong type names its key. Each file struct
// gets its defaults in one place, ShockKind.file; its check method names
// a missing or contradictory key; the shock it builds is then validated
// by the shock's own validate (ranges, dates).

// Parse reads a scenario from TOML text. name labels errors (a file name
// or "experiment.toml: scenario[1]"); errors name the key:
// `openai.toml: shock[2].move = -1.2: a move below -100%`.
func Parse(name, text string) (*Scenario, error) {
	return parse(name, text, shockKinds())
}

// parse is Parse with the registry of shock types given.
func parse(name, text string, kinds map[ShockKind]func() shockFile) (*Scenario, error) {
	md, p, err := strict.Parse(text) // nesting bounded: time linear in the text
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return fromPrimitive(name, md, p, kinds)
}

// FromPrimitive builds a scenario from a TOML table of a document already
// decoded with md: the scenario file's top level, or a [[scenario]] table
// inlined in an experiment file (held as a toml.Primitive). Unknown keys
// are errors; the table's keys are marked decoded in md.
func FromPrimitive(name string, md toml.MetaData, p toml.Primitive) (*Scenario, error) {
	return fromPrimitive(name, md, p, shockKinds())
}

func fromPrimitive(name string, md toml.MetaData, p toml.Primitive, kinds map[ShockKind]func() shockFile) (*Scenario, error) {
	s, err := decodeScenario(&md, p, kinds)
	if err == nil {
		err = s.Validate()
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// FromMap builds a scenario from a TOML table already decoded as
// map[string]any. The map is written back as TOML and read by Parse, so
// that there is one decoding path. Unknown keys are errors.
func FromMap(name string, m map[string]any) (*Scenario, error) {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return Parse(name, buf.String())
}

// Load reads a scenario file (TOML).
func Load(path string) (*Scenario, error) {
	// A scenario file is a few kB; a FIFO, a device or a huge file is
	// refused before it is read.
	b, err := data.ReadFileLimit(path, 16<<20)
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	return Parse(path, string(b))
}

// ShockKind is a shock's type: its spelling, the `type` key of a [[shock]]
// table.
type ShockKind string

// The built-in shock types.
const (
	KindJump        ShockKind = "jump"
	KindVolatility  ShockKind = "volatility"
	KindCorrelation ShockKind = "correlation"
	KindLiquidity   ShockKind = "liquidity"
	KindFunding     ShockKind = "funding"
	KindBorrow      ShockKind = "borrow"
	KindRecall      ShockKind = "recall"
	KindWick        ShockKind = "wick"
	KindTransplant  ShockKind = "transplant"
	KindPropagate   ShockKind = "propagate"
)

// shockKinds is the registry of shock types: a type's spelling to a new
// file struct of it holding the type's defaults (the one place they are
// written). It is the one place a shock type is registered: a new type is
// its own file (the Shock type and its Kind, validate and apply; its file
// struct and that struct's check and shock) and one line here
// (docs/scenarios.md, "Adding a shock", and ExampleShock).
func shockKinds() map[ShockKind]func() shockFile {
	path := pathKeys{Gap: true, SpreadDays: 1}
	return map[ShockKind]func() shockFile{
		KindJump:        func() shockFile { return &jumpFile{pathKeys: path} },
		KindVolatility:  func() shockFile { return &volatilityFile{} },
		KindCorrelation: func() shockFile { return &correlationFile{} },
		KindLiquidity:   func() shockFile { return &liquidityFile{} },
		KindFunding:     func() shockFile { return &rateFile{kind: KindFunding} },
		KindBorrow:      func() shockFile { return &rateFile{kind: KindBorrow} },
		KindRecall:      func() shockFile { return &recallFile{} },
		KindWick:        func() shockFile { return &wickFile{} },
		KindTransplant:  func() shockFile { return &transplantFile{} },
		KindPropagate:   func() shockFile { return &propagateFile{pathKeys: path, LookbackDays: 365, MinObs: 30} },
	}
}

// kindNames lists a registry's spellings sorted, for error messages.
func kindNames(kinds map[ShockKind]func() shockFile) string {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, string(k))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// String is the spelling ("jump", ...).
func (k ShockKind) String() string { return string(k) }

// MarshalText writes the spelling.
func (k ShockKind) MarshalText() ([]byte, error) { return []byte(k), nil }

// UnmarshalText reads the spelling of a built-in shock type.
func (k *ShockKind) UnmarshalText(b []byte) error {
	kinds := shockKinds()
	if _, ok := kinds[ShockKind(b)]; !ok {
		return fmt.Errorf("unknown shock type (want one of %s)", kindNames(kinds))
	}
	*k = ShockKind(b)
	return nil
}

// scenarioFile is a scenario's own keys.
type scenarioFile struct {
	Name        string              `toml:"name"`
	Description string              `toml:"description"`
	Source      string              `toml:"source"`
	Probability *float64            `toml:"probability"` // nil: none given
	Groups      map[string][]string `toml:"groups"`
	Metadata    map[string]any      `toml:"metadata"`
	Shock       []toml.Primitive    `toml:"shock"`
}

func decodeScenario(md *toml.MetaData, p toml.Primitive, kinds map[ShockKind]func() shockFile) (*Scenario, error) {
	var f scenarioFile
	if err := strict.Decode(md, p, &f, ""); err != nil {
		return nil, err
	}
	if f.Probability != nil && !(*f.Probability > 0 && *f.Probability <= 1) {
		return nil, &strict.KeyError{Path: "probability", Value: *f.Probability, Msg: "want a fraction in (0, 1]"}
	}
	s := &Scenario{Name: f.Name, Description: f.Description, Source: f.Source, Groups: f.Groups, Metadata: f.Metadata}
	if f.Probability != nil {
		s.Probability = *f.Probability
	}
	for j, sp := range f.Shock {
		sh, err := decodeShock(md, sp, fmt.Sprintf("shock[%d]", j), kinds)
		if err != nil {
			return nil, err
		}
		s.Shocks = append(s.Shocks, sh)
	}
	return s, nil
}

func decodeShock(md *toml.MetaData, p toml.Primitive, path string, kinds map[ShockKind]func() shockFile) (Shock, error) {
	var raw any
	if err := md.PrimitiveDecode(p, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, &strict.KeyError{Path: path, Value: raw, Msg: "want a table ([[shock]])"}
	}
	t, ok := m["type"]
	if !ok {
		return nil, fmt.Errorf("%s.type: required (one of %s)", path, kindNames(kinds))
	}
	ts, ok := t.(string)
	if !ok {
		return nil, &strict.KeyError{Path: path + ".type", Value: t, Msg: "want a string"}
	}
	kind := ShockKind(ts)
	newFile, ok := kinds[kind]
	if !ok {
		return nil, &strict.KeyError{Path: path + ".type", Value: ts, Msg: fmt.Sprintf("unknown shock type (want one of %s)", kindNames(kinds))}
	}
	f := newFile()
	if err := strict.Decode(md, p, f, path); err != nil {
		if u, ok := err.(*strict.UnknownKeysError); ok {
			u.For = fmt.Sprintf("type %q", kind)
		}
		return nil, err
	}
	k := f.keys()
	if n := btoi(k.Date != nil) + btoi(k.Time != nil) + btoi(k.Day != nil) + btoi(k.Random != nil); n != 1 {
		return nil, fmt.Errorf("%s: give exactly one of date, time, day or random (when the shock happens)", path)
	}
	if err := f.check(); err != nil {
		return nil, prefix(path, err)
	}
	sh := f.shock(k.target(), k.when())
	if err := sh.validate(); err != nil {
		return nil, fmt.Errorf("%s%s", path, err.Error())
	}
	return sh, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// prefix puts a shock's path before a key error of its check.
func prefix(path string, err error) error {
	if ke, ok := err.(*strict.KeyError); ok {
		ke.Path = path + "." + ke.Path
		return ke
	}
	return fmt.Errorf("%s: %w", path, err)
}

// shockFile is the file struct of one shock type.
type shockFile interface {
	keys() *shockKeys
	// check names a required key that is missing, or a value the key
	// takes in type but not in meaning.
	check() error
	shock(Target, When) Shock
}

// shockKeys are the keys every shock takes: its type, a note, its targets
// and its timing (exactly one of date, time, day, random).
type shockKeys struct {
	Type    string     `toml:"type"` // checked against the registry first
	Note    string     `toml:"note"`
	Groups  []string   `toml:"groups"`
	Symbols []string   `toml:"symbols"`
	Date    *data.Date `toml:"date"`
	Time    *instant   `toml:"time"`
	Day     *int       `toml:"day"`
	Random  *bool      `toml:"random"`
}

// instant is an exact moment in a scenario file: an RFC 3339 string
// ("2025-02-06T14:00:00Z", "2025-02-06T09:00:00-05:00") or a TOML
// date-time (one without an offset is UTC), held as UTC ns.
type instant int64

// UnmarshalTOML reads the moment.
func (t *instant) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		tm, err := time.Parse(time.RFC3339Nano, x)
		if err != nil {
			return fmt.Errorf("want an RFC 3339 time such as 2025-02-06T14:00:00Z")
		}
		return t.set(tm)
	case time.Time:
		switch data.HowWritten(x) {
		case data.LocalDateTime, data.LocalDate:
			// Written without an offset: UTC, whatever this machine's
			// zone (BurntSushi/toml gives such a value the machine's
			// offset, so that its UnixNano moved with the machine's
			// zone: 14:00 was 19:00Z on a machine in New York).
			x = time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC)
		case data.LocalTime:
			return fmt.Errorf("a time of day has no date: want an RFC 3339 time such as 2025-02-06T14:00:00Z")
		}
		return t.set(x)
	default:
		return fmt.Errorf("want an RFC 3339 time such as 2025-02-06T14:00:00Z")
	}
}

// set holds tm, refusing a time Unix nanoseconds (int64) cannot hold:
// time.UnixNano wraps it round into another (2609-07-30T00:00Z read as
// 2025-01-08T00:25:26Z), as data.ParseInstant refuses it.
func (t *instant) set(tm time.Time) error {
	n, err := data.UnixNanos(tm)
	if err != nil {
		return err
	}
	*t = instant(n)
	return nil
}

func (k *shockKeys) keys() *shockKeys { return k }

func (k *shockKeys) target() Target { return Target{Groups: k.Groups, Symbols: k.Symbols} }

func (k *shockKeys) when() When {
	var w When
	if k.Date != nil {
		w.Date, w.DateSet = int64(*k.Date), true
	}
	if k.Time != nil {
		w.Date, w.Time, w.DateSet = int64(*k.Time), true, true
	}
	if k.Day != nil {
		w.Day = *k.Day
	}
	if k.Random != nil {
		w.Random = *k.Random
	}
	return w
}

// windowKeys are a regime's length (see Window).
type windowKeys struct {
	Days  int        `toml:"days"`
	Until *data.Date `toml:"until"` // a pointer: until = 1970-01-01 is 0
}

func (w windowKeys) window() Window {
	win := Window{Days: w.Days}
	if w.Until != nil {
		win.Until, win.UntilSet = int64(*w.Until), true
	}
	return win
}

// pathKeys shape a jump (see JumpPath). Defaults: gap = true,
// spread_days = 1.
type pathKeys struct {
	Gap         bool    `toml:"gap"`
	SpreadDays  int     `toml:"spread_days"`
	Recover     float64 `toml:"recover"`
	RecoverDays int     `toml:"recover_days"`
}

func (p pathKeys) path() JumpPath {
	return JumpPath{Gap: p.Gap, SpreadDays: p.SpreadDays, Recover: p.Recover, RecoverDays: p.RecoverDays}
}

type jumpFile struct {
	shockKeys
	pathKeys
	Move      *float64           `toml:"move"`
	Overrides map[string]float64 `toml:"overrides"`
}

func (f *jumpFile) check() error {
	if f.Move == nil {
		return &strict.KeyError{Path: "move", Msg: "required (a fraction: -0.04 is -4%)"}
	}
	return nil
}

func (f *jumpFile) shock(t Target, w When) Shock {
	return &Jump{Target: t, When: w, JumpPath: f.path(), Move: *f.Move, Overrides: f.Overrides}
}

type volatilityFile struct {
	shockKeys
	windowKeys
	K *float64 `toml:"k"`
}

func (f *volatilityFile) check() error {
	if f.K == nil {
		return &strict.KeyError{Path: "k", Msg: "required (the volatility scale)"}
	}
	return nil
}

func (f *volatilityFile) shock(t Target, w When) Shock {
	return &Volatility{Target: t, When: w, Window: f.window(), K: *f.K}
}

type correlationFile struct {
	shockKeys
	windowKeys
	Rho *float64 `toml:"rho"`
}

func (f *correlationFile) check() error {
	if f.Rho == nil {
		return &strict.KeyError{Path: "rho", Msg: "required (the weight of the common factor)"}
	}
	return nil
}

func (f *correlationFile) shock(t Target, w When) Shock {
	return &Correlation{Target: t, When: w, Window: f.window(), Rho: *f.Rho}
}

// liquidityFile: a multiplier left out is unchanged.
type liquidityFile struct {
	shockKeys
	windowKeys
	SlippageMult *float64 `toml:"slippage_mult"`
	SpreadMult   *float64 `toml:"spread_mult"`
	VolumeMult   *float64 `toml:"volume_mult"`
}

func (f *liquidityFile) check() error {
	if f.SlippageMult != nil && *f.SlippageMult == 0 {
		return &strict.KeyError{Path: "slippage_mult", Value: 0, Msg: "want a multiplier > 0"}
	}
	if f.SpreadMult != nil && *f.SpreadMult == 0 {
		return &strict.KeyError{Path: "spread_mult", Value: 0, Msg: "want a multiplier > 0"}
	}
	if f.VolumeMult != nil && math.IsNaN(*f.VolumeMult) {
		// NaN is the shock's "unchanged": written, it is a mistake.
		return &strict.KeyError{Path: "volume_mult", Value: *f.VolumeMult, Msg: "want a finite multiplier >= 0"}
	}
	return nil
}

func (f *liquidityFile) shock(t Target, w When) Shock {
	l := &Liquidity{Target: t, When: w, Window: f.window(), VolumeMult: math.NaN()}
	if f.SlippageMult != nil {
		l.SlippageMult = *f.SlippageMult
	}
	if f.SpreadMult != nil {
		l.SpreadMult = *f.SpreadMult
	}
	if f.VolumeMult != nil {
		l.VolumeMult = *f.VolumeMult
	}
	return l
}

// rateFile is funding's and borrow's: a rate set or multiplied.
type rateFile struct {
	kind ShockKind
	shockKeys
	windowKeys
	Rate *float64 `toml:"rate"`
	Mult *float64 `toml:"mult"`
}

func (f *rateFile) check() error {
	if f.Mult != nil && *f.Mult == 0 {
		hint := "use rate = 0 to switch funding off"
		if f.kind == KindBorrow {
			hint = "use rate = 0 for free borrow"
		}
		return &strict.KeyError{Path: "mult", Value: 0, Msg: "want a multiplier > 0 (" + hint + ")"}
	}
	return nil
}

func (f *rateFile) shock(t Target, w When) Shock {
	var rate, mult float64
	if f.Rate != nil {
		rate = *f.Rate
	}
	if f.Mult != nil {
		mult = *f.Mult
	}
	if f.kind == KindBorrow {
		return &Borrow{Target: t, When: w, Window: f.window(), SetRate: f.Rate != nil, Rate: rate, Mult: mult}
	}
	return &Funding{Target: t, When: w, Window: f.window(), SetRate: f.Rate != nil, Rate: rate, Mult: mult}
}

type recallFile struct {
	shockKeys
}

func (f *recallFile) check() error { return nil }

func (f *recallFile) shock(t Target, w When) Shock { return &Recall{Target: t, When: w} }

type wickFile struct {
	shockKeys
	Move  float64 `toml:"move"`
	Close float64 `toml:"close"`
}

func (f *wickFile) check() error { return nil }

func (f *wickFile) shock(t Target, w When) Shock {
	return &Wick{Target: t, When: w, Move: f.Move, Close: f.Close}
}

type transplantFile struct {
	shockKeys
	From          *data.Date        `toml:"from"`
	To            *data.Date        `toml:"to"`
	Self          bool              `toml:"self"`
	SourceSymbols map[string]string `toml:"source_symbols"`
}

// check requires from and to by their presence: 1970-01-01 is Unix time
// 0, a date (TestTransplantFromTheEpoch).
func (f *transplantFile) check() error {
	if f.From == nil {
		return &strict.KeyError{Path: "from", Msg: "required (the historical window's first date)"}
	}
	if f.To == nil {
		return &strict.KeyError{Path: "to", Msg: "required (the historical window's end, exclusive)"}
	}
	return nil
}

func (f *transplantFile) shock(t Target, w When) Shock {
	return &Transplant{Target: t, When: w, From: int64(*f.From), To: int64(*f.To), Self: f.Self, SourceSymbols: f.SourceSymbols}
}

// propagateFile: defaults lookback_days = 365, min_obs = 30 (and the
// jump path's).
type propagateFile struct {
	shockKeys
	pathKeys
	Drivers      map[string]float64 `toml:"drivers"`
	LookbackDays int                `toml:"lookback_days"`
	MinObs       int                `toml:"min_obs"`
}

// check refuses a 0 written: 365 and 30 are what leaving the key out
// gives, and a 0 taken for them said nothing.
func (f *propagateFile) check() error {
	if f.LookbackDays == 0 {
		return &strict.KeyError{Path: "lookback_days", Value: 0, Msg: "want at least 1 calendar day (leave it out for 365)"}
	}
	if f.MinObs == 0 {
		return &strict.KeyError{Path: "min_obs", Value: 0, Msg: "want at least 1 return (leave it out for 30)"}
	}
	return nil
}

func (f *propagateFile) shock(t Target, w When) Shock {
	return &Propagate{Target: t, When: w, JumpPath: f.path(), Drivers: f.Drivers, LookbackDays: f.LookbackDays, MinObs: f.MinObs}
}
