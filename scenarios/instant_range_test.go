package scenarios

import (
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A shock's time outside the times Unix nanoseconds hold is refused, as
// data.ParseInstant refuses it: time.UnixNano wrapped it round int64
// (2^64 ns = 213,503.98 days, about 584.55 years), so 2609-07-30T00:00Z
// read as 2025-01-08T00:25:26Z, inside a 2025 panel, and the jump moved
// its bars from that day (2025-01-08 + 213,503.98 days = 2609-07-29
// 23:34:33.7; one second short of 2609-07-30T00:00Z is 25 min 26 s).
func TestShockTimeOutsideNanos(t *testing.T) {
	for _, when := range []string{`"2609-07-30T00:00:00Z"`, `2609-07-30T00:00:00Z`, `"2300-01-01T00:00:00Z"`, `"1600-01-01T00:00:00Z"`, `1600-01-01T00:00:00`} {
		t.Run(when, func(t *testing.T) {
			_, err := Parse("x.toml", "name = \"x\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"AA\"]\nmove = -0.2\ntime = "+when+"\n")
			if err == nil || !strings.Contains(err.Error(), "shock[0].time") || !strings.Contains(err.Error(), "outside the times Unix nanoseconds hold") {
				t.Errorf("err = %v; want shock[0].time outside the times Unix nanoseconds hold", err)
			}
		})
	}
	// The last instant inside still reads as itself: 2262-04-11 is day
	// 106,751 of the epoch, plus 23:47:16.
	s := mustParse(t, "name = \"x\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"AA\"]\nmove = -0.2\ntime = \"2262-04-11T23:47:16Z\"\n")
	if got, want := s.Shocks[0].(*Jump).When.Date, (106_751*86_400+23*3600+47*60+16)*int64(1e9); got != want {
		t.Errorf("2262-04-11T23:47:16Z read as %d (%s), want %d", got, data.FormatTime(got), want)
	}
}
