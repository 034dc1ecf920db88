package experiment

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An instrument whose data end three days before the runs start (AAA's
// last bar 2024-02-27, start 2024-03-01) beside one that goes on (BBB):
//   - with no end, the runs would end with AAA's data, before start: the
//     error says so and names AAA, where it said "end = : no bars between
//     them … widen the window" of an end nobody set;
//   - with an end, the note says what the run then does: AAA has not
//     ended until a week has passed since its last bar (after 2024-03-05),
//     and buy-and-hold, which buys its instruments together, waits for it
//     until then: its first fill, BBB's, is at the open of 2024-03-07,
//     decided at the close of 2024-03-06 (the first after 03-05), where
//     the note said it ran without AAA from the start.
func TestDataEndedBeforeStart(t *testing.T) {
	dir := t.TempDir()
	write := func(sym string, last time.Time) {
		var b strings.Builder
		b.WriteString("date,open,high,low,close,volume\n")
		c := 100.0
		for d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); !d.After(last); d = d.AddDate(0, 0, 1) {
			fmt.Fprintf(&b, "%s,%g,%g,%g,%g,1000000\n", d.Format("2006-01-02"), c, c, c, c)
			c *= 1.001
		}
		if err := os.WriteFile(filepath.Join(dir, sym+".csv"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("AAA", time.Date(2024, 2, 27, 0, 0, 0, 0, time.UTC))
	write("BBB", time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC))
	experiment := func(end string) string {
		return `name = "ended"
cash = 100000.0
start = "2024-03-01"
` + end + `
[data]
dir = "."
[data.classes]
AAA = "crypto"
BBB = "crypto"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA", "BBB"]
`
	}
	t.Run("no end", func(t *testing.T) {
		_, err := runIn(t, dir, experiment(""))
		want := "start = 2024-03-01: no end given, so the runs end with the data that end first, AAA's on 2024-02-27, before start (the other data go on to 2024-04-30): set end, or leave AAA out"
		if err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("got %v\nwant …%s", err, want)
		}
	})
	t.Run("end", func(t *testing.T) {
		o, err := runIn(t, dir, experiment(`end = "2024-04-30"`))
		if err != nil {
			t.Fatal(err)
		}
		note := "AAA's data ends on 2024-02-27, before the runs start (2024-03-01): no run trades it, and a strategy that names it runs without it once a week has passed since its last bar (after 2024-03-05)"
		found := false
		for _, n := range o.Notes {
			found = found || strings.HasPrefix(n, note)
		}
		if !found {
			t.Errorf("no note %q in %q", note, o.Notes)
		}
		fills := o.Runs[0].Result.Fills
		if len(fills) == 0 {
			t.Fatal("no fill")
		}
		if got, want := fills[0].Time, time.Date(2024, 3, 7, 0, 0, 0, 0, time.UTC).UnixNano(); got != want {
			t.Errorf("first fill at %s, want 2024-03-07", time.Unix(0, got).UTC().Format(time.DateOnly))
		}
	})
}
