package strict

import (
	"errors"
	"fmt"
	"strings"

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
	if err != nil {
		err = withSyntaxHint(err, text)
	}
	if err != nil && len(err.Error()) > 2*MaxQuoted {
		// The toml package quotes keys and tokens whole: a 5 MB key in
		// the message would be 5 MB of error text.
		err = &clipped{msg: Clip(err.Error(), 2*MaxQuoted), err: err}
	}
	return md, p, err
}

// withSyntaxHint adds to the parser's error on a line whose value is a
// date written with slashes (start = 2023/01/01) or a percentage (weight
// = 60%), which TOML cannot read, the way to write it: the parser's own
// message names only the character it stopped at.
func withSyntaxHint(err error, text string) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) || pe.Position.Line < 1 {
		return err
	}
	line := text
	for range pe.Position.Line - 1 {
		_, line, _ = strings.Cut(line, "\n")
	}
	line, _, _ = strings.Cut(line, "\n")
	_, value, ok := strings.Cut(line, "=")
	if !ok {
		return err
	}
	value, _, _ = strings.Cut(value, "#")
	value = strings.TrimSpace(value)
	hint := ""
	switch {
	case slashDate(value):
		hint = "write a date as YYYY-MM-DD, such as 2023-01-01 or \"2023-01-01\""
	case percentage(value):
		hint = "write a percentage as a fraction: 0.6 for 60%"
	default:
		return err
	}
	return &hinted{msg: err.Error() + " (" + hint + ")", err: err}
}

// slashDate reports whether v begins like a date written with slashes,
// 2023/01/01 or 01/31/2023 (digits, a slash, digits, a slash, digits).
func slashDate(v string) bool {
	groups := 0
	for part := range strings.SplitSeq(v, "/") {
		n := 0
		for n < len(part) && part[n] >= '0' && part[n] <= '9' {
			n++
		}
		if n == 0 {
			return false
		}
		groups++
		if n < len(part) {
			break // the last group ends the date: 2023/01/01]
		}
	}
	return groups >= 3
}

// percentage reports whether v holds a number followed by a percent sign
// outside quotes (60%, 60 %, { A = 60% }).
func percentage(v string) bool {
	quoted := false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"' || c == '\'':
			quoted = !quoted
		case c == '%' && !quoted:
			j := i - 1
			for j >= 0 && v[j] == ' ' {
				j--
			}
			if j >= 0 && v[j] >= '0' && v[j] <= '9' {
				return true
			}
		}
	}
	return false
}

// hinted is the parser's error with a hint after it; Unwrap gives the
// original.
type hinted struct {
	msg string
	err error
}

func (e *hinted) Error() string { return e.msg }
func (e *hinted) Unwrap() error { return e.err }

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
