package strict

import (
	"errors"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

type mode uint8

var modeNames = []string{"open", "close"}

func (m *mode) UnmarshalText(b []byte) error {
	i, err := Enum(modeNames, string(b))
	*m = mode(i)
	return err
}

type entry struct {
	Date    string             `toml:"date"`
	Weights map[string]float64 `toml:"weights"`
}

type common struct {
	Note string `toml:"note"`
}

type params struct {
	common
	Gross    float64  `toml:"gross"`
	Days     int      `toml:"days"`
	Gap      bool     `toml:"gap"`
	Long     []string `toml:"long"`
	Mode     mode     `toml:"mode"`
	Schedule []entry  `toml:"schedule"`
	Rest     toml.Primitive
}

func decode(t *testing.T, text string) (params, error) {
	t.Helper()
	p := params{Gross: 1, Days: 7} // defaults
	return p, DecodeText(text, &p)
}

func TestDecodeKeepsDefaultsAndReadsValues(t *testing.T) {
	p, err := decode(t, "note = \"n\"\ngap = true\nlong = [\"A\", \"B\"]\nmode = \"close\"\ngross = 2\n[[schedule]]\ndate = \"2024-01-01\"\nweights = { A = 0.5 }\n")
	if err != nil {
		t.Fatal(err)
	}
	// gross given as an integer is a number; days keeps its default.
	if p.Note != "n" || !p.Gap || p.Gross != 2 || p.Days != 7 || p.Mode != 1 || len(p.Long) != 2 || p.Schedule[0].Weights["A"] != 0.5 {
		t.Fatalf("%+v", p)
	}
}

func TestDecodeErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"gros = 1", "unknown key gros (did you mean gross? known: Rest, days, gap, gross, long, mode, note, schedule)"},
		{"a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\ng = 7", "unknown keys a, b, c, d, e and 2 more (known: "},
		// Unknown keys inside an array of tables name the element; the
		// known keys are the element's.
		{"[[schedule]]\ndate = \"x\"\n[[schedule]]\ndate = \"y\"\nwieghts = { A = 1 }", "unknown key schedule[1].wieghts (did you mean weights? known: date, weights)"},
		{"gap = 3", "gap = 3: want true or false"},
		{"days = 1.5", "days = 1.5: want a whole number"},
		{"days = 7.0", "days = 7: want a whole number, written without a decimal point (7, not 7.0)"},
		{"gross = \"x\"", `gross = "x": want a number`},
		{"long = \"A\"", `long = "A": want a list of strings`},
		{"long = [\"A\", 2]", "long[1] = 2: want a string"},
		{"mode = \"later\"", `mode = "later": want "open" or "close"`},
		{"mode = 1", "mode = 1: want a string"},
		{"schedule = 3", "schedule = 3: want a list of tables"},
		{"[[schedule]]\nweights = { A = \"x\" }", `schedule[0].weights.A = "x": want a number`},
		{"days = 9999999999999999999", "toml:"}, // the toml parser's own range error
		{"gross = 9007199254740993", "gross = 9007199254740993: an integer too large to be a float exactly"},
	} {
		_, err := decode(t, tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.text, err, tc.want)
		}
	}
}

// A newcomer's slips name the fix: the key likely meant (within a third
// of the key's length in edits: gros is gross less one letter, wieghts
// weights with two letters swapped, one edit), and a number written as a
// string or a percentage, with the way to write it (60% is 60/100 = 0.6).
func TestDecodeErrorsSayTheFix(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"gros = 1", "unknown key gros (did you mean gross? known: Rest, days, gap, gross, long, mode, note, schedule)"},
		{"[[schedule]]\ndate = \"x\"\nwieghts = { A = 1 }", "unknown key schedule[0].wieghts (did you mean weights? known: date, weights)"},
		// Several: each with the key it likely misspells; one far from
		// every known key (zzz: 3 edits from gap, over 3/3 = 1) has none.
		{"gros = 1\nlnog = [\"A\"]\nzzz = 1", "unknown keys gros, lnog, zzz (did you mean gross for gros, long for lnog? known: "},
		{"zzz = 1", "unknown key zzz (known: "},
		{"gross = \"60%\"", `gross = "60%": want a number (a percentage is written as a fraction, unquoted: 0.6 for "60%")`},
		{"gross = \"12.5 %\"", `gross = "12.5 %": want a number (a percentage is written as a fraction, unquoted: 0.125 for "12.5 %")`},
		{"gross = \"0.6\"", `gross = "0.6": want a number (write it unquoted: 0.6, not "0.6")`},
		{"days = \"7\"", `days = "7": want a whole number (write it unquoted: 7, not "7")`},
		// No hint where there is no number to write.
		{"gross = \"x%\"", `gross = "x%": want a number`},
		{"days = \"7.5\"", `days = "7.5": want a whole number`},
	} {
		_, err := decode(t, tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.text, err, tc.want)
		}
		if strings.HasSuffix(tc.want, "want a number") || strings.HasSuffix(tc.want, "want a whole number") || strings.HasSuffix(tc.want, "(known: ") {
			if err != nil && strings.Contains(err.Error(), "did you mean") || err != nil && strings.Contains(err.Error(), "unquoted") {
				t.Errorf("%q: error %v: want no hint", tc.text, err)
			}
		}
	}
}

func TestDecodeLeavesPrimitivesToTheCaller(t *testing.T) {
	var f struct {
		Name  string           `toml:"name"`
		Shock []toml.Primitive `toml:"shock"`
	}
	md, err := toml.Decode("name = \"s\"\n[[shock]]\nmove = 1\n[[shock]]\nk = 2\nmove = 3\n", &f)
	if err != nil {
		t.Fatal(err)
	}
	type jump struct {
		Move float64 `toml:"move"`
	}
	var j jump
	if err := Decode(&md, f.Shock[0], &j, "shock[0]"); err != nil || j.Move != 1 {
		t.Fatalf("shock[0]: %v %+v", err, j)
	}
	// The second element's move was decoded in the first element's
	// metadata key (shock.move): the check still sees each element alone.
	type vol struct {
		K float64 `toml:"k"`
	}
	var v vol
	err = Decode(&md, f.Shock[1], &v, "shock[1]")
	var u *UnknownKeysError
	if !errors.As(err, &u) || len(u.Keys) != 1 || u.Keys[0] != "shock[1].move" {
		t.Fatalf("shock[1]: error %v, want unknown key shock[1].move", err)
	}
}

func TestKnownAndOneOf(t *testing.T) {
	if got := strings.Join(Known(&params{}), ","); got != "Rest,days,gap,gross,long,mode,note,schedule" {
		t.Errorf("Known = %s", got)
	}
	if got := OneOf([]string{"a", "b", "c"}); got != `"a", "b" or "c"` {
		t.Errorf("OneOf = %s", got)
	}
}

func TestNegativeForUnsignedNamesTheKey(t *testing.T) {
	var v struct {
		Seed uint64 `toml:"seed"`
	}
	err := DecodeText("seed = -1", &v)
	if err == nil || err.Error() != "seed = -1: want a whole number >= 0" {
		t.Fatalf("got %v", err)
	}
}

func TestErrorsQuoteBoundedText(t *testing.T) {
	long := strings.Repeat("x", 1_000_000)
	var v struct {
		Name int `toml:"name"`
	}
	for _, text := range []string{
		"name = \"" + long + "\"",               // a long value
		long + " = 1\n" + long + "y = 2\nz = 3", // long unknown keys
		"name = [" + strings.Repeat("1, ", 100_000) + "1]",
		long + " = ", // the toml package's own errors
		"a = 1\n" + long + "= 2\n" + long + "=3",
	} {
		err := DecodeText(text, &v)
		if err == nil || len(err.Error()) > 1000 {
			t.Fatalf("error of %d bytes: %.300v", len(err.Error()), err)
		}
	}
	if got := Clip("héllo", 2); got != "h… (6 bytes)" {
		t.Fatalf("Clip cut inside a character: %q", got)
	}
}

// Errors quote TOML's dates, date-times and times as written: a
// date-time without a zone gains no Z, and one with an offset at
// midnight keeps its time and offset (before, both were misquoted: as
// 2024-03-04T14:30:00Z and as the date alone).
func TestFormatTOMLTimes(t *testing.T) {
	var doc map[string]any
	if _, err := toml.Decode("a = 2024-03-04\nb = 2024-03-04T14:30:00\nc = 14:30:00\nd = 2024-03-04T00:00:00-05:00\ne = 2024-03-04T14:30:00.5Z\n", &doc); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"a": "2024-03-04", "b": "2024-03-04T14:30:00", "c": "14:30:00", "d": "2024-03-04T00:00:00-05:00", "e": "2024-03-04T14:30:00.5Z"} {
		if got := Format(doc[k]); got != want {
			t.Errorf("%s: Format gives %s, want %s", k, got, want)
		}
	}
}
