package experiment

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/strategies"
)

// RunSpec is one run of an experiment: a strategy with one parameter set.
type RunSpec struct {
	// Key names the run in tables and its folder: the strategy name's slug,
	// followed by the swept values when the strategy has a sweep
	// ("hedge--gross=1.5--rebalance_days=14").
	Key      string
	Strategy string // the [[strategy]] name
	Type     string
	Params   strategies.Params // effective parameters: params with the sweep's values
	Swept    []Value           // the swept parameters of this run, sorted by key
	Index    int               // position of the strategy in the file
	// LongLegOf, on a stress test's companion run, is the key of the pair
	// hedge whose long leg it holds alone.
	LongLegOf string
	// fills bounds the run's fills, when its strategy says
	// (strategies.FillBounder), for the estimate.
	fills strategies.FillRate
}

// Value is one swept parameter's value in one run.
type Value struct {
	Key   string
	Value any
}

// sweepValues expands one sweep entry: a list of values, or a range table
// { from, to, step } (inclusive of to, within 1e-9 of a step).
func sweepValues(key string, v any) ([]any, error) {
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			return nil, fmt.Errorf("%s: an empty list", key)
		}
		seen := map[string]bool{}
		for _, v := range x {
			if k := formatValue(v); seen[k] {
				return nil, fmt.Errorf("%s: value %s appears twice", key, k)
			} else {
				seen[k] = true
			}
		}
		return x, nil
	case map[string]any:
		// The first unknown key by name, the same on every run.
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if k != "from" && k != "to" && k != "step" {
				return nil, fmt.Errorf("%s.%s: unknown key (a range has from, to, step)", key, k)
			}
		}
		from, fok := x["from"]
		to, tok := x["to"]
		step, sok := x["step"]
		if !fok || !tok || !sok {
			return nil, fmt.Errorf("%s: a range needs from, to and step", key)
		}
		fi, fInt := from.(int64)
		ti, tInt := to.(int64)
		si, sInt := step.(int64)
		if sf, ok := step.(float64); ok && fInt && sf == math.Trunc(sf) && math.Abs(sf) < 0x1p53 {
			// A whole step written 10.0 beside a whole from steps as 10:
			// { from = 30, to = 50, step = 10.0 } is 30, 40, 50 (as
			// floats, an integer parameter refused "slow = 30 … not
			// 30.0", naming a value written as 30).
			si, sInt = int64(sf), true
		}
		if tf, ok := to.(float64); ok && fInt && sInt && tf >= float64(fi) {
			// Whole from and step make whole values whatever the bound:
			// { from = 5, to = 15.0, step = 5 } is 5, 10, 15 (as floats,
			// an integer parameter refused "fast = 5 … not 5.0", naming
			// a value the user wrote as 5).
			ti, tInt = math.MaxInt64, true
			if f := math.Floor(tf); f < 0x1p63 {
				ti = int64(f)
			}
		}
		if fInt && tInt && sInt {
			if si <= 0 {
				return nil, fmt.Errorf("%s.step = %d: want > 0", key, si)
			}
			if ti < fi {
				return nil, fmt.Errorf("%s: to = %d is below from = %d", key, ti, fi)
			}
			// The count in unsigned arithmetic: to − from does not fit an
			// int64 when they lie far apart (from = -2^63, to = 2^63 − 1),
			// and stepping v += step past to would wrap.
			steps := (uint64(ti) - uint64(fi)) / uint64(si) // up to 2^64 − 1: no +1 before the check
			if steps >= 100000 {
				return nil, fmt.Errorf("%s: more than 100,000 values", key)
			}
			n := steps + 1
			out := make([]any, n)
			for i := range out {
				out[i] = fi + int64(i)*si
			}
			return out, nil
		}
		ff, e1 := number(from)
		tf, e2 := number(to)
		sf, e3 := number(step)
		if e1 != nil || e2 != nil || e3 != nil {
			return nil, fmt.Errorf("%s: from, to and step must be numbers", key)
		}
		if !(sf > 0) || math.IsInf(sf, 0) {
			return nil, fmt.Errorf("%s.step = %g: want a finite value > 0", key, sf)
		}
		if math.IsNaN(ff) || math.IsInf(ff, 0) || math.IsNaN(tf) || math.IsInf(tf, 0) {
			return nil, fmt.Errorf("%s: from = %g, to = %g: want finite numbers", key, ff, tf)
		}
		if tf < ff {
			return nil, fmt.Errorf("%s: to = %g is below from = %g", key, tf, ff)
		}
		// The count and the values in exact decimal arithmetic on the
		// numbers as written (0.1 is 1/10, not the float nearest it), each
		// value then the float nearest from + i×step: -0.3 + 3×0.1 is 0,
		// not 5.55e-17 (which no rounding to significant digits clears,
		// being relative to the value), and 0.1 + 2×0.1 reads 0.3.
		fr, tr, sr := decimal(from), decimal(to), decimal(step)
		q := new(big.Rat).Sub(tr, fr)
		q.Quo(q, sr)
		q.Add(q, big.NewRat(1, 1_000_000_000)) // within 1e-9 of a step
		if q.Cmp(big.NewRat(100000, 1)) >= 0 {
			return nil, fmt.Errorf("%s: more than 100,000 values", key)
		}
		n := int(new(big.Int).Quo(q.Num(), q.Denom()).Int64()) + 1
		out := make([]any, n)
		v := new(big.Rat)
		for i := range out {
			v.Mul(sr, big.NewRat(int64(i), 1))
			v.Add(v, fr)
			out[i], _ = v.Float64()
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: want a list of values or a range { from, to, step }", key)
}

// decimal is a number of the experiment file as the exact decimal it
// was written as: an integer, or a float's shortest decimal form (the
// text TOML read, for any number of up to 17 significant digits).
func decimal(v any) *big.Rat {
	if i, ok := v.(int64); ok {
		return new(big.Rat).SetInt64(i)
	}
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(v.(float64), 'g', -1, 64))
	return r
}

func number(v any) (float64, error) {
	switch x := v.(type) {
	case int64:
		return float64(x), nil
	case float64:
		return x, nil
	}
	return 0, fmt.Errorf("not a number")
}

// Runs expands the experiment into its runs: each strategy once, or once
// per point of its sweep's cartesian product (keys in sorted order, the
// last key varying fastest). Every strategy's type is looked up in reg
// and every run's parameters are validated by its strategy; an error
// names the strategy and the key.
//
// A point of a sweep that its strategy refuses (fast = slow in a grid of
// fast and slow) is left out, and named in the notes RunsNoted returns;
// when every point of a strategy's sweep is refused, the first refusal is
// the error.
func (f *File) Runs(reg strategies.Registry) ([]RunSpec, error) {
	specs, _, err := f.RunsNoted(reg)
	return specs, err
}

// RunsNoted is Runs with the notes of the sweep points left out.
func (f *File) RunsNoted(reg strategies.Registry) ([]RunSpec, []string, error) {
	if reg == nil {
		return nil, nil, errors.New("experiment: Runs needs a strategy registry (strategies.Builtins() or a program's own)")
	}
	return f.expandNoted(reg)
}

// expand is Runs; with a nil reg it checks the sweeps only, not the
// strategies' types and parameters (File.Validate).
func (f *File) expand(reg strategies.Registry) ([]RunSpec, error) {
	specs, _, err := f.expandNoted(reg)
	return specs, err
}

// sweptKey says, of an unknown key the strategy's sweep gives, that it
// was read from [strategy.sweep] (strategy[si].sweep.<key>): the error
// is the strategy's, which sees one table of parameters. "" when the
// unknown keys are not swept.
func sweptKey(err error, swept []string, si int) string {
	var uk *strict.UnknownKeysError
	if !errors.As(err, &uk) {
		return ""
	}
	for _, k := range uk.Keys {
		if slices.Contains(swept, k) {
			return fmt.Sprintf("; %s is swept in strategy[%d].sweep: sweep one of the keys the strategy takes", k, si)
		}
	}
	return ""
}

// expandNoted is expand with the notes of the sweep points left out.
func (f *File) expandNoted(reg strategies.Registry) ([]RunSpec, []string, error) {
	var out []RunSpec
	var notes []string
	keys := map[string]bool{}
	for si, spec := range f.Strategy {
		if _, ok := reg[spec.Type]; reg != nil && !ok {
			_, err := reg.New(spec.Type, spec.Params)
			return nil, nil, fmt.Errorf("strategy[%d] (%s): %w", si, spec.Name, err)
		}
		var names []string
		var values [][]any
		for k := range spec.Sweep {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			vs, err := sweepValues(fmt.Sprintf("strategy[%d].sweep.%s", si, k), spec.Sweep[k])
			if err != nil {
				return nil, nil, err
			}
			values = append(values, vs)
		}
		total := 1
		for _, vs := range values {
			total *= len(vs)
			if total > 1_000_000 {
				return nil, nil, fmt.Errorf("strategy[%d].sweep: more than 1,000,000 runs", si)
			}
		}
		idx := make([]int, len(values))
		var firstErr error
		var refused []string
		for n := 0; n < total; n++ {
			params := strategies.Params{}
			for k, v := range spec.Params {
				params[k] = v
			}
			var swept []Value
			var parts []string
			for j, k := range names {
				v := values[j][idx[j]]
				params[k] = v
				swept = append(swept, Value{Key: k, Value: v})
				parts = append(parts, k+"="+formatValue(v))
			}
			key := results.Slug(spec.Name)
			if len(parts) > 0 {
				key = shortKey(key + "--" + safeKey(strings.Join(parts, "--")))
			}
			for base, i := key, 2; keys[key]; i++ {
				key = fmt.Sprintf("%s-%d", base, i)
			}
			keys[key] = true
			var rate strategies.FillRate
			if reg != nil {
				s, err := reg.New(spec.Type, params)
				if err != nil {
					err = fmt.Errorf("strategy[%d] (%s), run %s: %w%s%s", si, spec.Name, key, err, sweptKey(err, names, si), misplacedKey(err, "[strategy.params]"))
					// A value its key cannot take (a text for a number,
					// an unknown key) is the file's mistake, not a point
					// of the grid the strategy may refuse: the
					// experiment stops on it.
					var keyErr *strict.KeyError
					var unknown *strict.UnknownKeysError
					if total == 1 || errors.As(err, &keyErr) || errors.As(err, &unknown) {
						return nil, nil, err
					}
					if firstErr == nil {
						firstErr = err
					}
					refused = append(refused, fmt.Sprintf("%s (%v)", key, errors.Unwrap(err)))
					advance(idx, values)
					continue
				}
				// The experiment's fill, for a strategy that takes the key
				// and does not set its own (its params win).
				if fl, ok := s.(strategies.Filler); ok && f.Fill != nil && !fl.FillSet() {
					params["fill"] = f.Fill.String()
				}
				if b, ok := s.(strategies.FillBounder); ok {
					rate = b.FillRate()
				}
			}
			out = append(out, RunSpec{Key: key, Strategy: spec.Name, Type: spec.Type, Params: params, Swept: swept, Index: si, fills: rate})
			advance(idx, values)
		}
		if len(refused) == total {
			return nil, nil, firstErr
		}
		if len(refused) > 0 {
			notes = append(notes, fmt.Sprintf("strategy %s: %d of the sweep's %d points left out, refused by the strategy: %s",
				spec.Name, len(refused), total, strings.Join(refused, "; ")))
		}
	}
	return out, notes, nil
}

// advance moves the sweep's odometer one point: the last key varies
// fastest.
func advance(idx []int, values [][]any) {
	for j := len(idx) - 1; j >= 0; j-- {
		idx[j]++
		if idx[j] < len(values[j]) {
			break
		}
		idx[j] = 0
	}
}

// formatValue writes a parameter value for keys and tables.
func formatValue(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = formatValue(e)
		}
		return strings.Join(parts, "+")
	}
	return fmt.Sprint(v)
}

// safeKey keeps letters, digits and . _ = + - and replaces the rest by -.
func safeKey(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._=+-", c) >= 0
		if !ok {
			b[i] = '-'
		}
	}
	return string(b)
}

// maxKeyLen bounds a run's key made by a sweep, in bytes: the key names
// the run's folder, and with a scenario's "@slug" (maxScenarioSlug) and
// a companion's "~long-leg" it stays within the 255 bytes a file system
// gives a name. A longer key (a swept basket writes every symbol) keeps
// its first bytes and ends with "--" and 10 hex digits of its SHA-256:
// the swept values are in the run's params and the runs table.
const maxKeyLen = 160

// Folder names of the experiment's and of a strategy's and scenario's
// names (their slugs), at most: the experiment's beside ".tmp-…" or
// "-shard-I-of-N", a strategy's at the start of its runs' keys.
const (
	maxExperimentSlug = 120
	maxStrategySlug   = 100
	maxScenarioSlug   = 80
)

// shortKey is key, or when longer than maxKeyLen its first bytes and a
// digest of the whole (keys are ASCII: results.Slug and safeKey).
func shortKey(key string) string {
	if len(key) <= maxKeyLen {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return key[:maxKeyLen-12] + "--" + hex.EncodeToString(sum[:5])
}
