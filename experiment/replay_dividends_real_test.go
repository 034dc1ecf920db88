package experiment

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// SOXX bought and held from 2024-12-02 to 2025-06-30 through two library
// replays placed on its own ex-date: scenario_start 2024-12-10 lays the
// replays from 2024-12-17, the ex-date of SOXX's dividend of 0.358 (its
// later ones: 2025-03-18 and 2025-06-16). DeepSeek's day (−9 % for
// SOXX) lands on the ex-date itself, and the COVID weeks from it on. Raw
// prices with dividends_from = "adj_close" end where adjusted prices end
// but for the reinvestment, in the baseline and under each replay: the
// N shares are paid N × D_i in cash on each ex-date e_i, which stays
// cash where adjusted prices grow it with the holder's return H_i from
// the ex-date's close to the end, so
//
//	adjusted − raw = Σ N × D_i × (H_i − 1) + Σ N × c_{e−1} × (a_i − r_i) × H_i,
//
// with D_i read here from the file (close before × (1 − f[e−1]/f[e]),
// f = adj_close / close), H_i from the scenario's own raw closes and
// those D (Π (c_t + D_t) / c_{t−1} after e_i), and N the cash over the
// open of 2024-12-03, where the order decided on the first bar fills.
// The second sum is where adjusted prices reinvest: on a bar of the
// file they put D back at c_{e−1} − D, their return there (adj_close's,
// a_i) apart from the holder's (r_i = (c_e + D) / c_{e−1}) by
// D / c_{e−1} × (a_i − 1); on a bar a replay laid, both take the holder's return
// and it is 0 (DeepSeek's 2024-12-17). The sums come to 449.0 + 29.5
// (baseline), 449.0 + 50.7 (DeepSeek) and 26.8 + 40.4 (COVID: H − 1
// small after its fall and rebound); the remainder, under 0.5, is of
// second order (the earlier dividends' cash in the equity the later
// ones are reinvested from). Replays that left the run's dividends out
// (laying no fall on its ex-dates while the engine pays D) ended raw
// 1,982 (DeepSeek) and 2,264 (COVID) above that.
func TestRealSOXXReplaysWithDividends(t *testing.T) {
	d := sharedData(t)
	const cash = 1_000_000.0
	run := func(prices, extra string) *Outcome {
		o, err := runIn(t, t.TempDir(), fmt.Sprintf(`
name = "soxx"
cash = %g
commission_bps = 0.0
start = "2024-12-02"
end = "2025-06-30"
prices = %q
%s
scenarios = ["replay-deepseek-2025-01-27", "replay-covid-2020-03"]
scenario_start = "2024-12-10"
[data]
dir = %q
symbols = ["SOXX"]
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["SOXX"]
`, cash, prices, extra, filepath.Join(d, "prices")))
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	raw := run("raw", `dividends_from = "adj_close"`)
	adj := run("adjusted", "")

	// The file's opens, closes and dividends by date.
	fh, err := os.Open(filepath.Join(d, "prices", "SOXX.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	num := func(s string) float64 {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	open := map[string]float64{}
	div := map[string]float64{}                               // ex-date → D
	ret, adjRet := map[string]float64{}, map[string]float64{} // the holder's and adj_close's returns there
	for k := 2; k < len(rows); k++ {
		p, r := rows[k-1], rows[k] // date,open,high,low,close,adj_close,volume
		open[r[0]] = num(r[1])
		fp, f := num(p[5])/num(p[4]), num(r[5])/num(r[4])
		if r[0] > "2024-12-02" && r[0] <= "2025-06-30" && math.Abs(1-fp/f) > 1e-5 {
			div[r[0]] = num(p[4]) * (1 - fp/f)
			ret[r[0]] = (num(r[4]) + div[r[0]]) / num(p[4])
			adjRet[r[0]] = num(r[5]) / num(p[5])
		}
	}
	if len(div) != 3 || math.Abs(div["2024-12-17"]-0.358) > 1e-3 {
		t.Fatalf("SOXX's dividends in the run: %v, want three, 0.358 on 2024-12-17", div)
	}
	n := cash / open["2024-12-03"]

	for _, name := range []string{"", "replay-deepseek-2025-01-27", "replay-covid-2020-03"} {
		var view int
		for _, r := range raw.Runs {
			if r.Scenario == name {
				view = r.View
			}
		}
		s := raw.Views[view].Panel.Series[0]
		day := func(k int) string { return time.Unix(0, s.Time[k]).UTC().Format("2006-01-02") }
		last := s.Len() - 1
		for day(last) > "2025-06-30" {
			last--
		}
		want, conv := 0.0, 0.0
		for k := 1; k <= last; k++ {
			dk, ok := div[day(k)]
			if !ok || day(k) <= "2024-12-03" {
				continue
			}
			h := 1.0 // the holder's return from the ex-date's close to the end
			for j := k + 1; j <= last; j++ {
				h *= (s.Close[j] + div[day(j)]) / s.Close[j-1]
			}
			want += n * dk * (h - 1)
			// Where the ex-date's bar is the file's, adjusted prices
			// reinvest D at c_{e−1} − D: their return there, adj_close's,
			// is above the holder's, a gain of N × c_{e−1} × (a − r) × H.
			// A replay's bar lays the holder's return on both: none.
			if r := (s.Close[k] + dk) / s.Close[k-1]; math.Abs(r-ret[day(k)]) < 1e-9 {
				conv += n * s.Close[k-1] * (adjRet[day(k)] - r) * h
			}
		}
		gap := finalEquity(t, adj, name) - finalEquity(t, raw, name)
		if math.Abs(gap-want-conv) > 2 {
			t.Errorf("%q: adjusted − raw = %.2f, want Σ N × D × (H − 1) = %.2f plus the reinvestment at c_{e−1} − D, %.2f: %.2f within 2", name, gap, want, conv, want+conv)
		}
	}
}
