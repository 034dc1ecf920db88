package data

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// A When reads a TOML string as it is, a TOML date as YYYY-MM-DD and a
// date-time with a zone as written, which ParseInstant then reads:
// 2024-03-04 is day 19,786 of the epoch (54 years 1970–2023 = 19,723
// days with 13 leap days, + 31 + 29 + 3 = 19,786), 1,709,510,400 s;
// 09:30-05:00 is 14:30Z, 52,200 s later.
func TestWhenTOML(t *testing.T) {
	var doc struct{ A, B, C, D When }
	if _, err := toml.Decode("A = 2024-03-04\nB = 2024-03-04T09:30:00-05:00\nC = \"2024-03-04T14:30:00Z\"\nD = \"anything\"\n", &doc); err != nil {
		t.Fatal(err)
	}
	if doc.A != "2024-03-04" || doc.B != "2024-03-04T09:30:00-05:00" || doc.C != "2024-03-04T14:30:00Z" || doc.D != "anything" {
		t.Fatalf("read %+v", doc)
	}
	const day = int64(1_709_510_400) * 1e9
	for _, c := range []struct {
		w    When
		want int64
	}{{doc.A, day}, {doc.B, day + 52_200e9}, {doc.C, day + 52_200e9}} {
		if got, err := ParseInstant(string(c.w)); err != nil || got != c.want {
			t.Errorf("ParseInstant(%q) = %d, %v; want %d", c.w, got, err, c.want)
		}
	}
	for text, msg := range map[string]string{
		"A = 2024-03-04T14:30:00": "an instant needs its zone",
		"A = 14:30:00":            "a time of day has no date",
		"A = 3":                   "want a date YYYY-MM-DD (00:00 UTC) or an RFC 3339 instant",
		"A = true":                "want a date YYYY-MM-DD (00:00 UTC) or an RFC 3339 instant",
	} {
		var d struct{ A When }
		if _, err := toml.Decode(text, &d); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %v, want %s", text, err, msg)
		}
	}
}
