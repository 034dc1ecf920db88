package strict

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckDepth(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		max        int
		line       int // 0: accepted
	}{
		{"flat", "a = 1\nb = \"x.y.z\"\n", 1, 0},
		{"dotted key at the bound", "a.b.c = 1\n", 3, 0},
		{"dotted key past the bound", "a.b.c.d = 1\n", 3, 1},
		{"header parts", "x = 1\n[a.b.c]\nd = 1\n", 3, 3},
		{"header then key", "[a.b]\nc = 1\n", 3, 0},
		{"header then dotted key", "[a.b]\nc.d = 1\n", 3, 2},
		{"array of tables header", "[[a.b]]\nc = 1\n", 3, 0},
		{"inline tables", "a = {b = {c = 1}}\n", 3, 0},
		{"inline tables past", "a = {b = {c = {d = 1}}}\n", 3, 1},
		{"dotted key opening a table", "a.b = {c.d = 1}\n", 3, 1},
		{"arrays", "a = [[1]]\n", 3, 0},
		{"arrays past", "a = [[[1]]]\n", 3, 1},
		{"quoted key with dots", "\"a.b.c.d\" = 1\n", 1, 0},
		{"string with brackets", "a = \"{{{{[[[[\"\nb = '{{{{'\n", 2, 0},
		{"multiline strings", "a = \"\"\"\n{{{{\n\"\"\"\nb = '''\n[[[[\n'''\nc = {d = {e = 1}}\n", 2, 7},
		{"escaped quote", "a = \"\\\"{{{{\"\n", 1, 0},
		{"comment", "a = 1 # {{{{ [[[[ a.b.c.d\n", 1, 0},
		{"multiline array keeps its depth", "a = [\n  [\n    [1],\n  ],\n]\n", 2, 2},
		{"multiline array within", "a = [\n  [\n    1,\n  ],\n]\nb = [[\n1]]\n", 3, 0},
		{"closing resets", "a = {b = 1}\nc = {d = 1}\ne = [1]\n", 2, 0},
		{"tables in an array", "a = [{b = 1}, {c = {d = 1}}]\n", 3, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckDepth(tc.text, tc.max)
			var de *DepthError
			switch {
			case tc.line == 0 && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.line != 0 && !errors.As(err, &de):
				t.Fatalf("accepted (err %v), want refused at line %d", err, tc.line)
			case tc.line != 0 && de.Line != tc.line:
				t.Fatalf("line %d, want %d", de.Line, tc.line)
			}
		})
	}
}

// deepInline is an inline table nested n deep under an unknown key: about
// 4 bytes a level.
func deepInline(n int) string {
	return "bogus = " + strings.Repeat("{a=", n) + "1" + strings.Repeat("}", n) + "\n"
}

func TestParseRefusesDeepNestingShortly(t *testing.T) {
	text := deepInline(10_000)
	if len(text) < 40_000 {
		t.Fatalf("text is %d bytes", len(text))
	}
	_, _, err := Parse(text)
	if err == nil || len(err.Error()) > 200 {
		t.Fatalf("got %v", err)
	}
	if err.Error() != "line 1: tables, arrays and dotted keys nested more than 32 deep" {
		t.Fatalf("got %q", err)
	}
	// Just within the bound, the document parses.
	if _, _, err := Parse(deepInline(MaxDepth - 1)); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkParseDeep: a 40 KB document nested 10,000 deep is refused in
// time linear in its size (the toml package alone takes about 30 s).
func BenchmarkParseDeep(b *testing.B) {
	text := deepInline(10_000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, _, err := Parse(text); err == nil {
			b.Fatal("accepted")
		}
	}
}

// BenchmarkParseWide: 10,000 keys side by side parse in linear time.
func BenchmarkParseWide(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("x = {")
	for i := range 10_000 {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("k")
		sb.WriteString(strings.Repeat("z", i%7))
		sb.WriteString(strings.Repeat("q", i/7%5))
		sb.WriteString(string(rune('a' + i%26)))
		sb.WriteString(string(rune('a' + i/26%26)))
		sb.WriteString(string(rune('a' + i/676%26)))
		sb.WriteString(" = 1")
	}
	sb.WriteString("}\n")
	text := sb.String()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}

// A date written with slashes or a percentage is a TOML syntax error
// whose parser message names only the character it stopped at ("got '/'
// instead"): the error says how to write the value. Other syntax errors
// are the parser's own, and a slash or percent sign inside a string or a
// comment is no hint's business.
func TestParseSyntaxHints(t *testing.T) {
	const dateHint = `(write a date as YYYY-MM-DD, such as 2023-01-01 or "2023-01-01")`
	const pctHint = "(write a percentage as a fraction: 0.6 for 60%)"
	for _, tc := range []struct{ text, want, not string }{
		{"name = \"x\"\nstart = 2023/01/01\n", "line 2", ""},
		{"name = \"x\"\nstart = 2023/01/01\n", dateHint, pctHint},
		{"end = 12/31/2024 # US order\n", dateHint, pctHint},
		{"w = { NVDA = 60%, BTC = 40% }\n", pctHint, dateHint},
		{"gross = 60 %\n", pctHint, dateHint},
		{"x = 12.5%\n", pctHint, dateHint},
		// No hint: not a value with slashes or a percent sign.
		{"x = [1, 2\n", "toml:", dateHint},
		{"x = [1, 2\n", "toml:", pctHint},
		{"x = 2023/01\n", "toml:", dateHint},
		{"x = \"60%\" 1\n", "toml:", pctHint},
	} {
		_, _, err := Parse(tc.text)
		if err == nil {
			t.Errorf("%q: no error", tc.text)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || tc.not != "" && strings.Contains(err.Error(), tc.not) {
			t.Errorf("%q: error %q, want it to contain %q and not %q", tc.text, err, tc.want, tc.not)
		}
	}
}
