package data

import (
	"path/filepath"
	"strings"
	"testing"
)

// A synthetic panel written as CSV leaves the marker beside its files; a
// real one does not.
func TestSyntheticMarker(t *testing.T) {
	s := Series{Instrument: Instrument{Symbol: "X", Class: Crypto}, Time: []int64{Day(2024, 1, 1)},
		Open: []float64{1}, High: []float64{1}, Low: []float64{1}, Close: []float64{1}, AdjClose: []float64{1}, Volume: []float64{1}}
	for _, synthetic := range []bool{true, false} {
		dir := t.TempDir()
		paths, err := WriteCSVDir(dir, &Panel{Series: []Series{s}, Synthetic: synthetic, Description: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if got := IsSyntheticFile(paths[0]); got != synthetic {
			t.Errorf("synthetic=%v: IsSyntheticFile %v", synthetic, got)
		}
		if got := IsSyntheticFile(filepath.Join(dir, "other.csv")); got != synthetic {
			t.Errorf("synthetic=%v: a sibling file reads %v", synthetic, got)
		}
	}
}

// Every quote spelling names the same crypto instrument, and is guessed
// crypto.
func TestQuoteSuffixes(t *testing.T) {
	for _, s := range []string{"PEPE-USD", "PEPE-USDT", "PEPE_USDC", "PEPE/USDT", "PEPE/USD", "PEPE_USDT", "PEPE/USDC", "PEPEUSDC", "PEPEUSDT", "pepe-perp"} {
		if c := CanonicalSymbol(s); c != "PEPE" {
			t.Errorf("%s → %s", s, c)
		}
		if GuessClass(s) != Crypto {
			t.Errorf("%s guessed %v", s, GuessClass(s))
		}
	}
	for _, s := range []string{"NVDA", "9984.T", "^NDX", "GOOGUSD"} {
		if GuessClass(s) != Equity || CanonicalSymbol(s) != strings.ToUpper(s) {
			t.Errorf("%s: %v %s", s, GuessClass(s), CanonicalSymbol(s))
		}
	}
}
