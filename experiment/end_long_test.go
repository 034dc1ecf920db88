package experiment

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// An experiment's end leaves out a bar of a week or longer whose span
// runs past it. Such a bar is revealed whole at its stamp: a weekly bar
// stamped on the Monday before an end on a Thursday holds the close of
// the Sunday after it, so a run that kept it valued its last point at a
// price after its end. The bar before it, whose week ended on that
// Monday, stays; so does the last bar of data that end before the end
// (no end given, or an end after the data), whose span the data hold.
func TestEndLeavesOutLongBarsRunningPastIt(t *testing.T) {
	monday := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	// writeMonthly writes n monthly bars from 2024-01-01.
	writeMonthly := func(dir, name string, n int) {
		var b strings.Builder
		b.WriteString("date,open,high,low,close,volume\n")
		for k := range n {
			p := 100 + float64(k)
			fmt.Fprintf(&b, "%s,%g,%g,%g,%g,1000000\n", monday.AddDate(0, k, 0).Format("2006-01-02"), p, p+1, p-1, p)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	day := func(s string) int64 {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d.UnixNano()
	}
	for _, c := range []struct {
		name  string
		end   string
		write func(dir string)
		// last is the runs' last point; note a note they must carry ("" for
		// none about bars left out at the end).
		last, note string
		// gone is a note they must not carry.
		gone string
	}{
		{
			// Week 10 is stamped 2024-03-11 (Monday) and runs to 03-18;
			// an end on Thursday 03-14 falls inside it.
			name: "weekly, end on a Thursday", end: "2024-03-14",
			write: func(dir string) { writeWeekly(t, dir, "TOK.csv", monday, 20) },
			last:  "2024-03-04",
			note:  "end = 2024-03-14 falls inside the bars of TOK (2024-03-11 to 2024-03-18), which close after it: left out",
		},
		{
			// An end on a Monday: the week of 03-04 ends on it, and stays.
			name: "weekly, end on a Monday", end: "2024-03-11",
			write: func(dir string) { writeWeekly(t, dir, "TOK.csv", monday, 20) },
			last:  "2024-03-04",
		},
		{
			// Equities' weekly bars alike: the session of 03-15 (Friday)
			// is in the week of 03-11, after the end.
			name: "weekly equity, end on a Wednesday", end: "2024-03-13",
			write: func(dir string) { writeWeekly(t, dir, "EQ.csv", monday, 20) },
			last:  "2024-03-04",
			note:  "EQ (2024-03-11 to 2024-03-18)",
		},
		{
			// The data's last week, 2024-05-13, runs to 05-20: an end on
			// 05-16 falls inside it, and is not after the data.
			name: "weekly, end inside the data's last week", end: "2024-05-16",
			write: func(dir string) { writeWeekly(t, dir, "TOK.csv", monday, 20) },
			last:  "2024-05-06",
			note:  "TOK (2024-05-13 to 2024-05-20)",
			gone:  "is after the data",
		},
		{
			// March's bar runs to 04-01.
			name: "monthly, end mid-month", end: "2024-03-15",
			write: func(dir string) { writeMonthly(dir, "TOK.csv", 12) },
			last:  "2024-02-01",
			note:  "TOK (2024-03-01 to 2024-04-01)",
		},
		{
			// No end: the runs end with EQ's last week, 2024-03-04, which
			// stays (its span is the week to 03-11, which TOK's data
			// hold).
			name: "weekly, no end", end: "",
			write: func(dir string) {
				writeWeekly(t, dir, "EQ.csv", monday, 10)
				writeWeekly(t, dir, "TOK.csv", monday, 20)
			},
			last: "2024-03-04",
			gone: "falls inside",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			c.write(dir)
			// Every file written is held; TOK is a token.
			var syms []string
			classes := ""
			for _, sym := range []string{"EQ", "TOK"} {
				if _, err := os.Stat(filepath.Join(dir, sym+".csv")); err == nil {
					syms = append(syms, fmt.Sprintf("%q", sym))
				}
			}
			if slices.Contains(syms, `"TOK"`) {
				classes = "[data.classes]\nTOK = \"crypto\"\n"
			}
			end := ""
			if c.end != "" {
				end = fmt.Sprintf("end = %q\n", c.end)
			}
			f, err := Parse("long.toml", fmt.Sprintf(`name = "long bars"
cash = 100000.0
%s[data]
dir = %q
%s[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = [%s]
`, end, dir, classes, strings.Join(syms, ", ")))
			if err != nil {
				t.Fatal(err)
			}
			o, err := Run(t.Context(), f, Options{Out: t.TempDir(), Workers: 1, Keep: true})
			if err != nil {
				t.Fatal(err)
			}
			cv := &o.Runs[0].Result.Curve
			if got := cv.Time[cv.Len()-1]; got != day(c.last) {
				t.Errorf("the runs' last point: %s, want %s", data.FormatStamp(got), c.last)
			}
			notes := strings.Join(o.Notes, "\n")
			if c.note != "" && !strings.Contains(notes, c.note) {
				t.Errorf("notes:\n%s\nwant one saying %q", notes, c.note)
			}
			if c.gone != "" && strings.Contains(notes, c.gone) {
				t.Errorf("notes:\n%s\nwant none saying %q", notes, c.gone)
			}
			if c.note == "" && slices.ContainsFunc(o.Notes, func(n string) bool { return strings.Contains(n, "which close after it") }) {
				t.Errorf("notes:\n%s\nwant none about bars left out", notes)
			}
		})
	}
}
