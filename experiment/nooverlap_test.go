package experiment

import (
	"strings"
	"testing"
)

// Two instruments whose data share no date, with no end given: the runs
// would end with the data that end first (AAA's, 2022-01-10), before
// BBB's first bar (2022-03-01). The error says so, naming both and their
// dates; it quoted an end the file does not set ("end = : BBB has no
// bars before it") before. With an end given, the error names it.
func TestNoCommonDates(t *testing.T) {
	dir := t.TempDir()
	dailyCSV(t, dir, "AAA", "2022-01-01", 10, func(k int) float64 { return 100 + float64(k) }) // 2022-01-01 .. 2022-01-10
	dailyCSV(t, dir, "BBB", "2022-03-01", 10, func(k int) float64 { return 50 + float64(k) })  // 2022-03-01 .. 2022-03-10
	exp := func(end string) string {
		return `name = "apart"
cash = 10000.0
` + end + `
[data]
dir = "prices"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA", "BBB"]
`
	}
	for _, c := range []struct {
		name, end string
		want      []string
	}{
		{"no end", "", []string{"no end given", "AAA", "2022-01-10", "BBB", "2022-03-01", "set end"}},
		{"end given", `end = "2022-02-01"`, []string{"end = 2022-02-01", "BBB has no bars before it"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := runIn(t, dir, exp(c.end))
			if err == nil {
				t.Fatal("Run: no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Run: %v\nwant it to say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "end = :") {
				t.Errorf("Run: %v: quotes an unset end", err)
			}
		})
	}
}
