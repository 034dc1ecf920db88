package experiment

import (
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// borrow_recall takes a date (00:00 UTC) or an instant, as start does:
// 2025-01-27 is day 20,115 of the epoch (55 years 1970–2024 = 20,089
// days with 14 leap days, + 26), 1,737,936,000 s; 09:30 New York (EST,
// −05:00) is 14:30Z, 52,200 s later.
func TestBorrowRecallInstant(t *testing.T) {
	const day = int64(1_737_936_000) * 1e9
	for in, want := range map[string]int64{
		"2025-01-27":                day,
		"2025-01-27T14:30:00Z":      day + 52_200e9,
		"2025-01-27T09:30:00-05:00": day + 52_200e9,
	} {
		var terms engine.Terms
		w := data.When(in)
		c := &CostSpec{BorrowRecall: &w}
		if err := c.apply(&File{}, engine.Models(), &terms, "costs.equity"); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if terms.Borrow.RecallAt != want {
			t.Errorf("borrow_recall = %q: RecallAt %d, want %d", in, terms.Borrow.RecallAt, want)
		}
	}
	for in, msg := range map[string]string{
		"2025-01-27T09:30:00": `costs.equity.borrow_recall = "2025-01-27T09:30:00": an instant needs its zone`,
		"27/01/2025":          `costs.equity.borrow_recall = "27/01/2025": want a date YYYY-MM-DD`,
		"":                    `costs.equity.borrow_recall = "": want a date or an instant`,
	} {
		var terms engine.Terms
		w := data.When(in)
		c := &CostSpec{BorrowRecall: &w}
		if err := c.apply(&File{}, engine.Models(), &terms, "costs.equity"); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("borrow_recall = %q: %v, want %s…", in, err, msg)
		}
	}
}
