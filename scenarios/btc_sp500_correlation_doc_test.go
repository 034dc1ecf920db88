package scenarios

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestMinerPivotCorrelationFiguresMatchRealData checks the correlations
// docs/scenarios.md quotes beside miner-ai-pivot's one-day illustration of
// seeds/001's "uncorrelated" BTC: Pearson's correlation of BTC's and the
// benchmark's close-to-close simple returns between consecutive SPY
// sessions in [from, to) (BTC's weekend compounding into Monday, as a
// run's benchmark figures pair them), computed here from the closes.
func TestMinerPivotCorrelationFiguresMatchRealData(t *testing.T) {
	if _, err := os.Stat(filepath.Join(realPrices(), "GLD.csv")); err != nil {
		t.Skipf("real price data not found at %s: %v", realPrices(), err)
	}
	doc, err := os.ReadFile("../docs/scenarios.md")
	if err != nil {
		t.Fatal(err)
	}
	const anchor = "over the year to 2025-11-03 BTC's daily returns on SPY's sessions correlate "
	at := strings.Index(string(doc), anchor)
	if at < 0 {
		t.Fatalf("anchor %q not in docs/scenarios.md", anchor)
	}
	figs := regexp.MustCompile(`\d\.\d\d`).FindAllString(string(doc[at+len(anchor):]), 4)
	if len(figs) < 4 {
		t.Fatalf("four correlations expected after %q, found %v", anchor, figs)
	}
	closes := func(file string) map[string]float64 {
		d, c := closesOf(t, file)
		m := make(map[string]float64, len(d))
		for k := range d {
			m[d[k]] = c[k]
		}
		return m
	}
	btc, spy, gld := closes("BTC-USD.csv"), closes("SPY.csv"), closes("GLD.csv")
	spyDates, _ := closesOf(t, "SPY.csv")
	corr := func(bench map[string]float64, from, to string) float64 {
		var xs, ys []float64
		prev := ""
		for _, d := range spyDates {
			if d < from || d >= to {
				continue
			}
			if _, ok := btc[d]; !ok {
				continue
			}
			if _, ok := bench[d]; !ok {
				continue
			}
			if prev != "" {
				xs = append(xs, btc[d]/btc[prev]-1)
				ys = append(ys, bench[d]/bench[prev]-1)
			}
			prev = d
		}
		var mx, my float64
		for k := range xs {
			mx += xs[k] / float64(len(xs))
			my += ys[k] / float64(len(ys))
		}
		var sxy, sxx, syy float64
		for k := range xs {
			sxy += (xs[k] - mx) * (ys[k] - my)
			sxx += (xs[k] - mx) * (xs[k] - mx)
			syy += (ys[k] - my) * (ys[k] - my)
		}
		return sxy / math.Sqrt(sxx*syy)
	}
	for i, c := range []struct {
		what     string
		bench    map[string]float64
		from, to string
	}{
		{"SPY, year", spy, "2024-11-04", "2025-11-04"},
		{"GLD, year", gld, "2024-11-04", "2025-11-04"},
		{"SPY, quarter", spy, "2025-08-04", "2025-11-04"},
		{"GLD, quarter", gld, "2025-08-04", "2025-11-04"},
	} {
		t.Run(c.what, func(t *testing.T) {
			want, _ := strconv.ParseFloat(figs[i], 64)
			if got := corr(c.bench, c.from, c.to); math.Abs(got-want) > 0.005 {
				t.Errorf("docs say BTC's correlation with %s is %.2f; the closes give %.4f", c.what, want, got)
			}
		})
	}
}
