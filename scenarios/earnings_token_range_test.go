package scenarios

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// TestEarningsDivergenceTokenRangeOnTradingTokens checks that
// ai-earnings-divergence reproduces seeds/000's range of AI-token returns
// ("returns range from +2% to -80%", of 2023 to 2025) on the tokens that
// still trade in the seed's year. AGIX and OCEAN, merged into FET (ASI)
// in 2024, have no bar after 2023-12-29: a shock given only to them
// (their −80%) falls on no instrument of a panel of 2024 or later, where
// the deepest move of the scenario was WLD's −65%.
//
// Which tokens trade is read from ../shared/data/prices (a member of
// the ai_tokens group whose file has a bar in 2025). Each one's move is
// its close 90 bars from day 1 over its close before day 1, relative to
// the unshocked panel (checkMoves' measure): the least must be +2%, the
// worst −80%.
func TestEarningsDivergenceTokenRangeOnTradingTokens(t *testing.T) {
	if _, err := os.Stat(filepath.Join(realPrices(), "TAO-USD.csv")); err != nil {
		t.Skipf("real price data not found at %s: %v", realPrices(), err)
	}
	var trading []string
	for _, sym := range DefaultGroups()["ai_tokens"] {
		dates, _ := closesOf(t, sym+"-USD.csv")
		if dates[len(dates)-1] >= "2025-01-01" {
			trading = append(trading, sym)
		}
	}
	for _, sym := range trading {
		if sym == "AGIX" || sym == "OCEAN" {
			t.Fatalf("%s trades in 2025 in the shared data: the premise of this test is gone", sym)
		}
	}

	r := rand.New(rand.NewPCG(3, 4))
	p := randomPanel(r, trading, 200)
	start := d0 + 14*data.NanosPerDay
	s, err := Lookup("ai-earnings-divergence")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := mustApply(t, s, p, ApplyOptions{Start: start})

	lo, hi := math.Inf(1), math.Inf(-1)
	var loSym, hiSym string
	for i, sym := range trading {
		o, sh := p.Series[i], out.Series[i]
		k0 := sort.Search(len(o.Time), func(k int) bool { return o.Time[k] >= start+1*data.NanosPerDay })
		k1 := k0 + 90 - 1
		got := (sh.Close[k1]/sh.Close[k0-1])/(o.Close[k1]/o.Close[k0-1]) - 1
		if got < lo {
			lo, loSym = got, sym
		}
		if got > hi {
			hi, hiSym = got, sym
		}
	}
	near(t, "best token move ("+hiSym+")", hi, 0.02, 1e-9)
	near(t, "worst token move ("+loSym+")", lo, -0.80, 1e-9)
}
