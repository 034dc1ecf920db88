// Package strict decodes TOML tables into typed structs strictly, the one
// way configuration is decoded in this module (strategy params, scenario
// files, experiment files).
//
// A table arrives as a toml.Primitive with the toml.MetaData of its
// document. Decode first checks the table's raw value against the struct's
// schema (its `toml` tags), then decodes it with md.PrimitiveDecode:
//
//   - a key the struct has no field for is an error naming its full path,
//     array indices included (`shock[2].magnitude`), with the keys the table
//     does take (UnknownKeysError);
//   - a value of the wrong type is an error naming its key and value
//     (`gap = 3: want true or false`), as is a value its type's
//     UnmarshalText or UnmarshalTOML refuses (`hedge = "delta": want one
//     of ...`) (KeyError).
//
// Why not md.Undecoded() alone: its keys carry no array index (every
// [[shock]]'s `move` is `shock.move`), and a key decoded in one element of
// an array of tables counts as decoded for all of them, so a `move` that a
// volatility shock does not take would hide behind an earlier jump's. The
// schema check names the element and sees each one on its own.
//
// Fields follow the toml package's rules: the tag's name (or the field's
// name, matched case-insensitively, when untagged), embedded structs
// flattened, "-" skipped. Fields of type toml.Primitive and any are not
// looked into: the caller decodes them (a scenario's shocks, one per
// type) or takes them as they are (free-form metadata).
package strict

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/divergence-research/divergence/data"
)

// KeyError is a value its key does not take.
type KeyError struct {
	Path  string // full path of the key: "schedule[0].date"
	Value any    // the TOML value (nil when the key is missing)
	Msg   string // what is wrong: "want a number"
}

func (e *KeyError) Error() string {
	if e.Value == nil {
		return Clip(e.Path, MaxQuoted) + ": " + e.Msg
	}
	return fmt.Sprintf("%s = %s: %s", Clip(e.Path, MaxQuoted), Format(e.Value), e.Msg)
}

// MaxQuoted bounds, in bytes, how much of one key or value an error
// quotes: a 5 MB string value makes a short message.
const MaxQuoted = 200

// Clip cuts s to at most n bytes (on a character boundary), saying how
// long it was: "abc… (5000000 bytes)".
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:cut], len(s))
}

// MaxListed bounds the unknown keys an UnknownKeysError names.
const MaxListed = 5

// UnknownKeysError lists keys that no field takes.
type UnknownKeysError struct {
	Keys  []string // full paths, in the order found (sorted within a table)
	Known []string // the keys the table of Keys[0] takes, sorted
	// For qualifies the known keys ("type \"jump\""); empty for none.
	For string
}

func (e *UnknownKeysError) Error() string {
	var b strings.Builder
	b.WriteString("unknown key")
	if len(e.Keys) > 1 {
		b.WriteString("s")
	}
	b.WriteString(" ")
	n := min(len(e.Keys), MaxListed)
	for i, k := range e.Keys[:n] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Clip(k, MaxQuoted))
	}
	if len(e.Keys) > n {
		fmt.Fprintf(&b, " and %d more", len(e.Keys)-n)
	}
	b.WriteString(" (")
	if m := e.meant(n); m != "" {
		b.WriteString("did you mean " + m + "? ")
	}
	b.WriteString("known")
	if e.For != "" {
		b.WriteString(" for " + e.For)
	}
	b.WriteString(": " + strings.Join(e.Known, ", ") + ")")
	return b.String()
}

// meant is the known key each of the first n unknown keys likely
// misspells ("gross", or "gross for gros, weights for wieghts" when
// several do), "" when none is close to one. Only the keys of Keys[0]'s
// table are looked at: Known lists that table's keys.
func (e *UnknownKeysError) meant(n int) string {
	if len(e.Keys) == 0 {
		return ""
	}
	parent := func(k string) (string, string) {
		i := strings.LastIndexByte(k, '.')
		return k[:i+1], k[i+1:]
	}
	table, _ := parent(e.Keys[0])
	var found []string
	var sole string
	for _, k := range e.Keys[:n] {
		p, last := parent(k)
		if p != table {
			continue
		}
		if m := Closest(last, e.Known); m != "" {
			sole = m
			found = append(found, m+" for "+Clip(last, MaxQuoted))
		}
	}
	switch {
	case len(found) == 0:
		return ""
	case n == 1:
		return sole
	}
	return strings.Join(found, ", ")
}

// Closest returns the word of words that word likely misspells, matched
// ignoring case: within an edit distance of a third of its length (at
// least 1, at most 3), the nearest first (the first of words on a tie);
// "" when none is, or when word is one of words.
func Closest(word string, words []string) string {
	if word == "" {
		return ""
	}
	lw := strings.ToLower(word)
	best, bestD := "", 0
	limit := min(max(len(word)/3, 1), 3)
	for _, w := range words {
		d := EditDistance(lw, strings.ToLower(w))
		if d == 0 && w == word {
			return ""
		}
		if d > limit {
			continue
		}
		if best == "" || d < bestD {
			best, bestD = w, d
		}
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b, in bytes, a
// swap of two neighbours counting one (wieghts for weights, --otu for
// --out).
func EditDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// NumberHint says how to write a number that was given as a string: ""
// unless v is one. "7" is the number quoted; "60%" a percentage, which a
// file writes as the fraction 0.6.
func NumberHint(v any, whole bool) string {
	s, ok := v.(string)
	if !ok {
		return ""
	}
	t := strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(t, "%"); ok {
		if f, err := strconv.ParseFloat(strings.TrimSpace(p), 64); err == nil && !math.IsInf(f, 0) {
			return fmt.Sprintf(" (a percentage is written as a fraction, unquoted: %s for %q)", strconv.FormatFloat(f/100, 'g', -1, 64), s)
		}
		return ""
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || whole && f != math.Trunc(f) {
		return ""
	}
	return fmt.Sprintf(" (write it unquoted: %s, not %q)", t, s)
}

// Format writes a TOML value for an error message: strings quoted, dates,
// date-times and times as written (a date-time with its zone, Z or an
// offset, when it has one), the rest as %v; at most
// MaxQuoted bytes of it (see [Clip]).
func Format(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", Clip(x, MaxQuoted))
	case time.Time:
		if l := data.HowWritten(x).LocalLayout(); l != "" {
			return x.Format(l) // as written, without a zone
		}
		return x.Format(time.RFC3339Nano)
	}
	return Clip(fmt.Sprint(v), MaxQuoted)
}

// Decode decodes the table p of md into dst, a pointer to a struct that
// holds the defaults, strictly (see the package doc). path is the table's
// own path, prefixed to every key named in errors ("" at the top,
// "shock[2]" for a scenario's third shock). Errors are a *KeyError or an
// *UnknownKeysError.
func Decode(md *toml.MetaData, p toml.Primitive, dst any, path string) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panic("strict: Decode needs a pointer to a struct")
	}
	var raw any // decoding into an empty interface marks no key as decoded
	if err := md.PrimitiveDecode(p, &raw); err != nil {
		return err
	}
	if err := Check(raw, rv.Type().Elem(), path); err != nil {
		return err
	}
	if err := md.PrimitiveDecode(p, dst); err != nil {
		// The schema check passed, so this is not expected; the toml
		// package's error names the key from the document's root.
		if path == "" {
			return err
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// DecodeText decodes a whole TOML document into dst strictly, its
// nesting bounded first (see [Parse]).
func DecodeText(text string, dst any) error {
	md, p, err := Parse(text)
	if err != nil {
		return err
	}
	return Decode(&md, p, dst, "")
}

// DecodeMap decodes a table already read as a map (free-form parameters
// that a registry's type takes: a strategy's params, a cost model's) into
// dst, strictly, as [Decode] does; path prefixes the keys named in errors.
// The map is written back as TOML and parsed, so that there is one
// decoding path: the same types, defaults, UnmarshalText and errors as a
// table read from a file.
//
// A nil value (nil, or a nil slice, map or pointer: a Go caller's; no
// TOML value is nil) is an error naming its key: the TOML writer leaves
// it out, so it read as the key's default (a nil list of exits as the
// default exits, not none).
func DecodeMap(m map[string]any, dst any, path string) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if err := noNil(m[k], join(path, k)); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(m); err != nil {
		if path == "" {
			return err
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	md, p, err := Parse(buf.String())
	if err != nil {
		return err
	}
	return Decode(&md, p, dst, path)
}

// noNil returns an error naming the first nil value in v (at path), in
// the order of a table's sorted keys and a list's elements.
func noNil(v any, path string) error {
	rv := reflect.ValueOf(v)
	if v == nil {
		return fmt.Errorf("%s: no value (nil): leave the key out for its default", path)
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return fmt.Errorf("%s: no value (nil): leave the key out for its default", path)
		}
		return noNil(rv.Elem().Interface(), path)
	case reflect.Slice:
		if rv.IsNil() {
			return fmt.Errorf("%s: no value (nil): leave the key out for its default, or give an empty list", path)
		}
		for j := range rv.Len() {
			if err := noNil(rv.Index(j).Interface(), fmt.Sprintf("%s[%d]", path, j)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if rv.IsNil() {
			return fmt.Errorf("%s: no value (nil): leave the key out for its default, or give an empty table", path)
		}
		if rv.Type().Key().Kind() != reflect.String {
			return nil // the TOML writer refuses it, naming the type
		}
		keys := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			keys = append(keys, k.String())
		}
		slices.Sort(keys)
		for _, k := range keys {
			if err := noNil(rv.MapIndex(reflect.ValueOf(k).Convert(rv.Type().Key())).Interface(), join(path, k)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Check checks a raw TOML value (as the toml package decodes it into an
// empty interface) against the Go type t at path, without decoding it.
func Check(raw any, t reflect.Type, path string) error {
	c := checker{}
	if err := c.value(raw, t, path); err != nil {
		return err
	}
	if len(c.unknown) > 0 {
		return &UnknownKeysError{Keys: c.unknown, Known: c.known}
	}
	return nil
}

// Known lists the TOML keys a struct (or a pointer to one) takes, sorted.
func Known(v any) []string {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for _, f := range fields(t) {
		out = append(out, f.name)
	}
	slices.Sort(out)
	return out
}

type checker struct {
	unknown []string
	known   []string // of the table of unknown[0]
}

var (
	primitiveType = reflect.TypeFor[toml.Primitive]()
	timeType      = reflect.TypeFor[time.Time]()
	textType      = reflect.TypeFor[encoding.TextUnmarshaler]()
	tomlType      = reflect.TypeFor[toml.Unmarshaler]()
)

func join(path, key string) string {
	if path == "" {
		return key
	}
	if key == "" {
		return path
	}
	return path + "." + key
}

func (c *checker) value(v any, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == primitiveType:
		return nil
	case reflect.PointerTo(t).Implements(tomlType):
		u := reflect.New(t).Interface().(toml.Unmarshaler)
		if err := u.UnmarshalTOML(v); err != nil {
			return &KeyError{Path: path, Value: v, Msg: err.Error()}
		}
		return nil
	case reflect.PointerTo(t).Implements(textType):
		s, ok := v.(string)
		if !ok {
			return &KeyError{Path: path, Value: v, Msg: "want a string"}
		}
		u := reflect.New(t).Interface().(encoding.TextUnmarshaler)
		if err := u.UnmarshalText([]byte(s)); err != nil {
			return &KeyError{Path: path, Value: v, Msg: err.Error()}
		}
		return nil
	case t == timeType:
		if _, ok := v.(time.Time); !ok {
			return &KeyError{Path: path, Value: v, Msg: "want a date"}
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		return nil
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return &KeyError{Path: path, Value: v, Msg: "want a table"}
		}
		return c.table(m, t, path)
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return &KeyError{Path: path, Value: v, Msg: "want a table"}
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if err := c.value(m[k], t.Elem(), join(path, k)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice, reflect.Array:
		var elems []any
		switch x := v.(type) {
		case []any:
			elems = x
		case []map[string]any:
			for _, e := range x {
				elems = append(elems, e)
			}
		default:
			return &KeyError{Path: path, Value: v, Msg: "want a list of " + plural(t.Elem())}
		}
		if t.Kind() == reflect.Array && len(elems) != t.Len() {
			return &KeyError{Path: path, Value: v, Msg: fmt.Sprintf("want a list of %d", t.Len())}
		}
		for j, e := range elems {
			if err := c.value(e, t.Elem(), fmt.Sprintf("%s[%d]", path, j)); err != nil {
				return err
			}
		}
		return nil
	case reflect.String:
		if _, ok := v.(string); !ok {
			return &KeyError{Path: path, Value: v, Msg: "want a string"}
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return &KeyError{Path: path, Value: v, Msg: "want true or false"}
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(int64)
		if !ok {
			if f, isFloat := v.(float64); isFloat && f == math.Trunc(f) && !math.IsInf(f, 0) {
				// 7.0 is a float in TOML, and Format writes it 7.
				w := strconv.FormatFloat(f, 'f', -1, 64)
				return &KeyError{Path: path, Value: v, Msg: "want a whole number, written without a decimal point (" + w + ", not " + w + ".0)"}
			}
			return &KeyError{Path: path, Value: v, Msg: "want a whole number" + NumberHint(v, true)}
		}
		z := reflect.New(t).Elem()
		if z.CanUint() && n < 0 {
			// A negative seed would otherwise wrap to 2^64 − 1.
			return &KeyError{Path: path, Value: v, Msg: "want a whole number >= 0"}
		}
		if z.CanInt() && z.OverflowInt(n) || z.CanUint() && z.OverflowUint(uint64(n)) {
			return &KeyError{Path: path, Value: v, Msg: "out of range for " + t.Kind().String()}
		}
	case reflect.Float32, reflect.Float64:
		switch x := v.(type) {
		case float64:
			if t.Kind() == reflect.Float32 && math.Abs(x) > math.MaxFloat32 && !math.IsInf(x, 0) {
				return &KeyError{Path: path, Value: v, Msg: "out of range for float32"}
			}
		case int64:
			if x > 1<<53 || x < -(1<<53) {
				return &KeyError{Path: path, Value: v, Msg: "an integer too large to be a float exactly (write it as a float)"}
			}
		default:
			return &KeyError{Path: path, Value: v, Msg: "want a number" + NumberHint(v, false)}
		}
	default:
		return fmt.Errorf("%s: strict: unsupported field type %s", path, t)
	}
	return nil
}

// table checks a table against a struct: unknown keys are collected (all
// of them, sorted within the table), values checked in key order.
func (c *checker) table(m map[string]any, t reflect.Type, path string) error {
	fs := fields(t)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		f, ok := lookup(fs, k)
		if !ok {
			if len(c.unknown) == 0 {
				c.known = Known(reflect.New(t).Interface())
			}
			c.unknown = append(c.unknown, join(path, k))
			continue
		}
		if err := c.value(m[k], f.typ, join(path, k)); err != nil {
			return err
		}
	}
	return nil
}

type field struct {
	name   string
	tagged bool
	typ    reflect.Type
}

// fields lists a struct's TOML fields, embedded structs flattened.
func fields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("toml")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		ft := sf.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			out = append(out, fields(ft)...)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			out = append(out, field{name: sf.Name, typ: sf.Type})
			continue
		}
		out = append(out, field{name: name, tagged: true, typ: sf.Type})
	}
	return out
}

// lookup finds the field of key k as the toml package does: an exact
// name first, else an untagged field whose name matches ignoring case.
func lookup(fs []field, k string) (field, bool) {
	for _, f := range fs {
		if f.name == k {
			return f, true
		}
	}
	for _, f := range fs {
		if !f.tagged && strings.EqualFold(f.name, k) {
			return f, true
		}
	}
	return field{}, false
}

func plural(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(textType) {
		return "strings"
	}
	switch t.Kind() {
	case reflect.String:
		return "strings"
	case reflect.Float32, reflect.Float64:
		return "numbers"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "whole numbers"
	case reflect.Bool:
		return "booleans"
	case reflect.Struct, reflect.Map:
		return "tables"
	}
	return "values"
}

// Enum finds s among names (a mode's spellings, in the order of its
// constants) and returns its index; the error lists the spellings:
// `want "open" or "close"`. Mode types call it from UnmarshalText.
func Enum(names []string, s string) (int, error) {
	if i := slices.Index(names, s); i >= 0 {
		return i, nil
	}
	return 0, errors.New("want " + OneOf(names))
}

// OneOf writes spellings as `"a", "b" or "c"`.
func OneOf(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
