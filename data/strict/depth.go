package strict

import (
	"fmt"

	"github.com/BurntSushi/toml"
)

// MaxDepth bounds how deep a document's keys may nest: table headers,
// dotted keys, inline tables and arrays, counted together (the key
// `c` of `[a]` / `b = { c = 1 }` is 3 deep; `x = [[1]]` puts 1 at depth
// 3). Configuration files here nest 5 or 6 deep; 32 leaves room for free
// form metadata.
//
// Why a bound: the toml package's parser records every nested table under
// its full path, so its time and memory grow with the square of the
// depth (an inline table nested 4,000 deep, 16 KB of text, takes about
// 2 s; 10,000 deep, 40 KB, half a minute and gigabytes). Refusing deeper
// nesting before parsing makes a document's cost linear in its size.
const MaxDepth = 32

// Parse parses a TOML document into its metadata and its top-level table,
// for [Decode]. It first scans the text once and refuses keys nested
// deeper than [MaxDepth], naming the line, so that parsing takes time
// linear in the text's size.
func Parse(text string) (toml.MetaData, toml.Primitive, error) {
	var p toml.Primitive
	if err := CheckDepth(text, MaxDepth); err != nil {
		return toml.MetaData{}, p, err
	}
	md, err := toml.Decode(text, &p)
	if err != nil && len(err.Error()) > 2*MaxQuoted {
		// The toml package quotes keys and tokens whole: a 5 MB key in
		// the message would be 5 MB of error text.
		err = &clipped{msg: Clip(err.Error(), 2*MaxQuoted), err: err}
	}
	return md, p, err
}

// clipped is an error whose message is cut short; Unwrap gives the
// original.
type clipped struct {
	msg string
	err error
}

func (e *clipped) Error() string { return e.msg }
func (e *clipped) Unwrap() error { return e.err }

// DepthError is a document whose keys nest deeper than a bound.
type DepthError struct {
	Line int // 1-based line where the bound is passed
	Max  int
}

func (e *DepthError) Error() string {
	return fmt.Sprintf("line %d: tables, arrays and dotted keys nested more than %d deep", e.Line, e.Max)
}

// CheckDepth scans TOML text once and returns a *DepthError when a key or
// value nests deeper than max (see [MaxDepth] for how depth is counted).
// It reads just enough of TOML to count: strings (all four kinds) and
// comments are skipped, table headers, '=', ',', brackets and braces
// tracked. It does not validate the text; the parser does that after. A
// dot in a number (1.5) counts as a dot of a key, which makes the count
// err by at most one towards refusing.
func CheckDepth(text string, max int) error {
	var (
		line      = 1
		lineStart = true // only blanks since the last newline
		base      = 0    // depth of the last table header
		stack     []int  // weight of each open '{' or '['
		open      = 0    // sum of stack
		dots      = 0    // dots in the current key (or value) so far
		keyDots   = 0    // dots of the key before the last '='
	)
	tooDeep := func(d int) bool { return d > max }
	n := len(text)
	for i := 0; i < n; i++ {
		c := text[i]
		switch c {
		case '\n':
			line++
			lineStart = true
			dots = 0
			if len(stack) == 0 {
				keyDots = 0
			}
			continue
		case ' ', '\t', '\r':
			continue
		case '#':
			for i+1 < n && text[i+1] != '\n' {
				i++
			}
			continue
		case '"', '\'':
			var nl int
			i, nl = skipString(text, i)
			line += nl
		case '[':
			if len(stack) == 0 && lineStart {
				// A table header: [a.b] or [[a.b]].
				var d, nl int
				i, d, nl = skipHeader(text, i)
				if tooDeep(d) {
					return &DepthError{Line: line, Max: max}
				}
				line += nl
				base = d
				lineStart = false
				continue
			}
			fallthrough
		case '{':
			w := keyDots + 1 // `a.b = {` opens a table 2 deeper
			stack = append(stack, w)
			open += w
			dots, keyDots = 0, 0
			if tooDeep(base + open + 1) { // its keys or elements
				return &DepthError{Line: line, Max: max}
			}
		case ']', '}':
			if len(stack) > 0 {
				open -= stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
			dots, keyDots = 0, 0
		case '=':
			keyDots, dots = dots, 0
			if tooDeep(base + open + keyDots + 1) {
				return &DepthError{Line: line, Max: max}
			}
		case ',':
			dots, keyDots = 0, 0
		case '.':
			dots++
			if tooDeep(base + open + dots + 1) {
				return &DepthError{Line: line, Max: max}
			}
		}
		lineStart = false
	}
	return nil
}

// skipString skips the string that starts at text[i] (a quote) and
// returns the index of its last byte and the newlines it holds. An
// unterminated string runs to the end of the text.
func skipString(text string, i int) (end, newlines int) {
	q := text[i]
	n := len(text)
	triple := i+2 < n && text[i+1] == q && text[i+2] == q
	if triple {
		j := i + 3
		for j < n {
			switch {
			case q == '"' && text[j] == '\\':
				if j+1 < n && text[j+1] == '\n' {
					newlines++
				}
				j += 2
				continue
			case text[j] == '\n':
				newlines++
			case text[j] == q && j+2 < n && text[j+1] == q && text[j+2] == q:
				// Up to two more quotes may close the string ("""a"""").
				j += 2
				for j+1 < n && text[j+1] == q {
					j++
				}
				return j, newlines
			}
			j++
		}
		return n - 1, newlines
	}
	for j := i + 1; j < n; j++ {
		switch {
		case q == '"' && text[j] == '\\':
			j++
		case text[j] == q:
			return j, 0
		case text[j] == '\n':
			return j - 1, 0 // unterminated: the parser reports it
		}
	}
	return n - 1, 0
}

// skipHeader skips a table header starting at text[i] ('[') and returns
// the index of its last byte, its depth (dotted parts) and the newlines
// crossed (none in a valid header).
func skipHeader(text string, i int) (end, depth, newlines int) {
	n := len(text)
	depth = 1
	j := i + 1
	if j < n && text[j] == '[' {
		j++
	}
	for ; j < n; j++ {
		switch text[j] {
		case '"', '\'':
			var nl int
			j, nl = skipString(text, j)
			newlines += nl
		case '.':
			depth++
		case ']':
			if j+1 < n && text[j+1] == ']' {
				j++
			}
			return j, depth, newlines
		case '\n':
			return j - 1, depth, newlines // malformed: the parser reports it
		}
	}
	return n - 1, depth, newlines
}
