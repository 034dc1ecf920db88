package experiment

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// With no end given, the runs end right after the bar that ends first
// (prepare): TOK's hourly bars, 2024-01-08T00:00Z to 18:00Z, so at
// 19:00Z. EQ's hourly bars of the regular session, 14:30Z to 20:30Z on
// 8 and 9 January, hold one stamped before 19:00Z that closes after it,
// 18:30Z's (at 19:30Z): it is left out, and the note says at which end,
// the one the runs were given (2024-01-08T19:00:00Z), not the unset key
// ("end =  falls inside ...").
func TestDerivedEndCutNote(t *testing.T) {
	dir := t.TempDir()
	utc := func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) }
	flat := func(time.Time) float64 { return 100 }
	day := time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC)
	hourlyCSV(t, filepath.Join(dir, "TOK.csv"), hours(day, 19), flat, utc)
	eq := append(hours(day.Add(14*time.Hour+30*time.Minute), 7), hours(day.Add(38*time.Hour+30*time.Minute), 7)...)
	hourlyCSV(t, filepath.Join(dir, "EQ.csv"), eq, flat, utc)
	o, err := runIn(t, dir, `name = "x"
[data]
dir = "."
[data.classes]
TOK = "crypto"
EQ = "equity"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["TOK", "EQ"]
`)
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(o.Notes, "\n")
	if want := "falls inside the bars of EQ (2024-01-08T18:30:00Z)"; !strings.Contains(notes, want) {
		t.Errorf("notes lack %q:\n%s", want, notes)
	}
	if !strings.Contains(notes, "end, 2024-01-08T19:00:00Z, falls inside") {
		t.Errorf("the cut's note does not say the end the runs were given, 2024-01-08T19:00:00Z:\n%s", notes)
	}
	// EQ's last bar, 2024-01-09T20:30Z, is the session's last half hour:
	// it ends at the close, 21:00Z, which is where EQ goes on to (not its
	// stamp, 20:30Z).
	if want := "(other instruments go on to 2024-01-09T21:00:00Z)"; !strings.Contains(notes, want) {
		t.Errorf("notes lack %q:\n%s", want, notes)
	}
	if strings.Contains(notes, "end =  ") {
		t.Errorf("a note quotes the unset end:\n%s", notes)
	}
}
