package synth

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

func nan() float64                   { return math.NaN() }
func inf() float64                   { return math.Inf(1) }
func sqrt(x float64) float64         { return math.Sqrt(x) }
func dayIndex(c Config, t int64) int { return int((t - c.Start) / data.NanosPerDay) }

func mustGenerate(t testing.TB, c Config) *data.Panel {
	t.Helper()
	p, err := Generate(c)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return p
}

// csvBytes renders every series with data.WriteCSV: the bytes a user would
// get, which also pins every bit of every float (see WriteCSV).
func csvBytes(t testing.TB, p *data.Panel) []string {
	t.Helper()
	out := make([]string, len(p.Series))
	for i := range p.Series {
		var b bytes.Buffer
		if err := data.WriteCSV(&b, &p.Series[i]); err != nil {
			t.Fatal(err)
		}
		out[i] = b.String()
	}
	return out
}

func TestDeterminism(t *testing.T) {
	a := csvBytes(t, mustGenerate(t, DefaultConfig(42)))
	b := csvBytes(t, mustGenerate(t, DefaultConfig(42)))
	c := csvBytes(t, mustGenerate(t, DefaultConfig(43)))
	syms := DefaultConfig(42).Assets
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("%s: two runs with seed 42 differ", syms[i].Symbol)
		}
		// Same calendar, so the first line (header) and the dates agree:
		// compare the values.
		if a[i] == c[i] {
			t.Errorf("%s: seeds 42 and 43 give identical bars", syms[i].Symbol)
		}
	}
}

// TestAssetStreamsIndependent checks the documented property that each asset
// has its own random stream: dropping and reordering assets leaves the
// others' bars bit-identical.
func TestAssetStreamsIndependent(t *testing.T) {
	full := DefaultConfig(7)
	sub := full
	sub.Assets = []Asset{full.Assets[8], full.Assets[1], full.Assets[6]} // TAO, NVDA, BTC
	pf, ps := mustGenerate(t, full), mustGenerate(t, sub)
	bf, bs := csvBytes(t, pf), csvBytes(t, ps)
	for j, a := range sub.Assets {
		if bs[j] != bf[pf.Index(a.Symbol)] {
			t.Errorf("%s differs when generated with other assets", a.Symbol)
		}
	}
}

func TestPanelMetadata(t *testing.T) {
	p := mustGenerate(t, DefaultConfig(42))
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if !p.Synthetic {
		t.Error("Synthetic = false")
	}
	if !strings.HasPrefix(p.Description, "synthetic market, seed 42, 2019-01-01 to 2025-12-31") {
		t.Errorf("Description = %q", p.Description)
	}
	for _, s := range p.Series {
		if s.Source != "synthetic" || s.Rows != nil {
			t.Errorf("%s: Source %q, Rows %v; want \"synthetic\", nil", s.Symbol, s.Source, s.Rows)
		}
		for k := range s.Close {
			if s.AdjClose[k] != s.Close[k] {
				t.Fatalf("%s bar %d: adj_close %g != close %g", s.Symbol, k, s.AdjClose[k], s.Close[k])
			}
		}
	}
}

func TestCalendars(t *testing.T) {
	c := DefaultConfig(42)
	p := mustGenerate(t, c)
	// 2019-2025 NYSE sessions: 252+253+252+251+250+252+250 (2025 lost
	// 2025-01-09 to the Carter day of mourning), checked against real MSFT
	// bars in TestSessionsMatchRealData.
	const wantSessions = 1760
	for _, s := range p.Series {
		want := c.Days
		if s.Class == data.Equity {
			want = wantSessions
		}
		if s.Len() != want {
			t.Errorf("%s (%v): %d bars, want %d", s.Symbol, s.Class, s.Len(), want)
		}
		for k, tm := range s.Time {
			wd := time.Unix(0, tm).UTC().Weekday()
			if s.Class == data.Equity && (wd == time.Saturday || wd == time.Sunday) {
				t.Fatalf("%s has a bar on %s, a %v", s.Symbol, data.FormatDay(tm), wd)
			}
			if s.Class == data.Crypto && tm != c.Start+int64(k)*data.NanosPerDay {
				t.Fatalf("%s bar %d is %s, want every calendar day", s.Symbol, k, data.FormatDay(tm))
			}
		}
	}
	// Equities share one calendar.
	msft := p.Series[p.Index("MSFT")].Time
	for _, s := range p.Series {
		if s.Class == data.Equity && !equalInts(s.Time, msft) {
			t.Errorf("%s trades on other days than MSFT", s.Symbol)
		}
	}
	// Without holidays: every weekday. 2557 days from a Tuesday = 365 weeks
	// (1825 weekdays) + 2 days (Tue, Wed).
	c.ExchangeHolidays = false
	p = mustGenerate(t, c)
	if n := p.Series[0].Len(); n != 1827 {
		t.Errorf("without holidays: %d sessions, want 1827", n)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestWeekendAggregation checks that a bar's log return is the sum of the
// asset's calendar-day components since its previous bar: for an equity
// after a weekend, Saturday + Sunday + Monday; for crypto, the day alone.
func TestWeekendAggregation(t *testing.T) {
	c := DefaultConfig(42)
	m, err := simulate(c)
	if err != nil {
		t.Fatal(err)
	}
	p := mustGenerate(t, c)
	// Tolerance: closes are exp of a running sum of log returns of
	// magnitude < 15, so each log(close ratio) carries a few ulps of 15
	// (~1e-14) of rounding; 1e-12 leaves a margin of 100 and is still far
	// below any single component (|r| ~ 1e-2).
	const tol = 1e-12
	for i, a := range c.Assets {
		s, comp := &p.Series[i], m.assets[i].ret
		prevDay, prevClose := -1, a.Price0
		mondays, weekendMatters := 0, 0
		for k := range s.Time {
			d := dayIndex(c, s.Time[k])
			sum := 0.0
			for e := prevDay + 1; e <= d; e++ {
				sum += comp[e]
			}
			got := math.Log(s.Close[k] / prevClose)
			if math.Abs(got-sum) > tol {
				t.Fatalf("%s %s: log return %.17g, sum of components %.17g (diff %g)",
					a.Symbol, data.FormatDay(s.Time[k]), got, sum, got-sum)
			}
			if a.Class == data.Equity && time.Unix(0, s.Time[k]).UTC().Weekday() == time.Monday && d-prevDay == 3 {
				mondays++
				if math.Abs(got-comp[d]) > 1e-6 {
					weekendMatters++
				}
			}
			if a.Class == data.Crypto && s.Open[k] != prevClose {
				t.Fatalf("%s %s: open %g != previous close %g", a.Symbol, data.FormatDay(s.Time[k]), s.Open[k], prevClose)
			}
			prevDay, prevClose = d, s.Close[k]
		}
		if a.Class == data.Equity {
			// The weekend components are non-zero draws, so a Monday
			// return that equals Monday's component alone means the
			// weekend was dropped.
			if mondays < 300 || weekendMatters != mondays {
				t.Errorf("%s: %d of %d Mondays carry weekend moves, want all (and >= 300 Mondays)", a.Symbol, weekendMatters, mondays)
			}
		}
	}
}

// TestWeekendCrashReachesMonday: a crypto crash on a weekend reaches the
// Monday bar of an equity with a crypto loading and leaves one without it
// alone. Two otherwise identical equities; crashes frequent enough to give
// a few hundred crash weekends in 40 years.
func TestWeekendCrashReachesMonday(t *testing.T) {
	c := DefaultConfig(5)
	c.Days = 14610
	c.CryptoGARCH = GARCH{} // crashes this frequent would break the GARCH variance budget
	c.CrashIntensity, c.CrashMean, c.CrashStd = 20, -0.3, 0.05
	c.Assets = []Asset{
		{Symbol: "MINER", Class: data.Equity, Price0: 10, Vol: 1.2, Crypto: 0.5, Volume: 1e6},
		{Symbol: "PLAIN", Class: data.Equity, Price0: 10, Vol: 1.2, Volume: 1e6},
	}
	m, err := simulate(c)
	if err != nil {
		t.Fatal(err)
	}
	p := mustGenerate(t, c)
	for i, loading := range []float64{0.5, 0} {
		s := &p.Series[i]
		var withCrash, without, crashSum float64
		var nWith, nWithout int
		for k := 1; k < s.Len(); k++ {
			d0, d1 := dayIndex(c, s.Time[k-1]), dayIndex(c, s.Time[k])
			if d1-d0 != 3 { // Friday -> Monday
				continue
			}
			r := math.Log(s.Close[k] / s.Close[k-1])
			if weekend := m.crash[d0+1] + m.crash[d0+2]; weekend != 0 && m.crash[d1] == 0 {
				withCrash, crashSum, nWith = withCrash+r, crashSum+weekend, nWith+1
			} else if weekend == 0 && m.crash[d1] == 0 {
				without, nWithout = without+r, nWithout+1
			}
		}
		if nWith < 150 {
			t.Fatalf("only %d crash weekends, want >= 150", nWith)
		}
		// The Monday-return difference between crash and calm weekends
		// should be loading × mean weekend crash (-0.15 for MINER, 0 for
		// PLAIN). Its sampling sd is ~0.05/sqrt(200) ≈ 0.004 (Monday
		// diffusive sd ~0.05), so ±0.03 is > 7 sd and still tells 0.5
		// from 0.
		got := withCrash/float64(nWith) - without/float64(nWithout)
		want := loading * crashSum / float64(nWith)
		if math.Abs(got-want) > 0.03 {
			t.Errorf("%s: Monday return after a crash weekend exceeds a calm one by %.4f, want %.4f ± 0.03 (%d crash weekends)",
				s.Symbol, got, want, nWith)
		}
	}
}

// TestOHLC checks the bar structure beyond what Panel.Validate checks:
// equity opens gap (they hold the overnight moves), and the high-low range
// follows the Brownian-bridge law documented in the package doc.
func TestOHLC(t *testing.T) {
	c := DefaultConfig(11)
	c.Days = 14610 // 40 years
	m, err := simulate(c)
	if err != nil {
		t.Fatal(err)
	}
	p := mustGenerate(t, c)
	for i, a := range c.Assets {
		s, ap := &p.Series[i], &m.assets[i]
		intraVar := 1 - c.OvernightShare
		if a.Class == data.Crypto {
			intraVar = 1
		}
		// E[log(high/low)] for a Brownian bridge whose endpoint is
		// itself N(0, v) is the expected range of Brownian motion,
		// sqrt(8/π)·sqrt(v) ≈ 1.596·sqrt(v). Averaged over the bars
		// without jumps (on which the endpoint is not N(0, v)); across 5
		// seeds the mean ratio was 1.588-1.607 for NVDA, BTC and TAO
		// (sd of one ratio ~0.6, /sqrt(10^4) bars ~ 0.006), so ±0.04 is
		// about 6 sd and still catches a range off by 3 %.
		var sum float64
		var n int
		gaps := 0
		for k := range s.Time {
			d := dayIndex(c, s.Time[k])
			if ap.jump[d] == 0 {
				sum += math.Log(s.High[k]/s.Low[k]) / math.Sqrt(intraVar*ap.vari[d])
				n++
			}
			if k > 0 && s.Open[k] != s.Close[k-1] {
				gaps++
			}
		}
		if got, want := sum/float64(n), math.Sqrt(8/math.Pi); math.Abs(got-want) > 0.04 {
			t.Errorf("%s: mean log(high/low) / intraday sd = %.4f, want %.4f ± 0.04", a.Symbol, got, want)
		}
		if a.Class == data.Equity && gaps != s.Len()-1 {
			t.Errorf("%s: %d of %d opens gap from the previous close, want all", a.Symbol, gaps, s.Len()-1)
		}
	}
}

// TestVolume checks that volume rises on big moves, and only because of
// VolumeMoveSensitivity, and that Volume 0 gives NaN (unknown) volumes.
func TestVolume(t *testing.T) {
	// Ratio of the mean volume on the 5 % of bars with the largest |log
	// return| to the mean on the others, 40 years. Measured over 5 seeds:
	// 1.71-1.93 with the default sensitivity 0.3 (NVDA, BTC, TAO) and
	// 0.976-1.020 with 0; the bounds sit midway.
	tests := []struct {
		name   string
		kappa  float64
		lo, hi float64
	}{
		{"default sensitivity", 0.3, 1.4, 2.5},
		{"no sensitivity", 0, 0.9, 1.1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig(2)
			c.Days = 14610
			c.VolumeMoveSensitivity = tt.kappa
			p := mustGenerate(t, c)
			for _, sym := range []string{"NVDA", "BTC", "TAO"} {
				s := &p.Series[p.Index(sym)]
				r := logReturns(s)
				abs := make([]float64, len(r))
				for k := range r {
					abs[k] = math.Abs(r[k])
				}
				thr := quantile(abs, 0.95)
				var big, rest float64
				var nb, nr int
				for k := range abs {
					if abs[k] >= thr {
						big, nb = big+s.Volume[k+1], nb+1
					} else {
						rest, nr = rest+s.Volume[k+1], nr+1
					}
				}
				if ratio := (big / float64(nb)) / (rest / float64(nr)); ratio < tt.lo || ratio > tt.hi {
					t.Errorf("%s: big-move volume ratio %.3f, want in [%g, %g]", sym, ratio, tt.lo, tt.hi)
				}
			}
		})
	}
	t.Run("no volume", func(t *testing.T) {
		c := DefaultConfig(2)
		withVol := mustGenerate(t, c)
		c.Assets[5].Volume = 0 // QQQ as an index level
		p := mustGenerate(t, c)
		q := &p.Series[5]
		for k, v := range q.Volume {
			if !math.IsNaN(v) {
				t.Fatalf("QQQ bar %d: volume %g, want NaN", k, v)
			}
		}
		if !equalFloats(q.Close, withVol.Series[5].Close) || !equalFloats(q.High, withVol.Series[5].High) {
			t.Error("setting Volume to 0 changed QQQ's prices")
		}
		for k, v := range withVol.Series[0].Volume {
			if v != math.Round(v) {
				t.Fatalf("MSFT bar %d: volume %g is not whole shares", k, v)
			}
		}
	})
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestCSVRoundTrip writes a generated series with data.WriteCSV and parses
// it back with encoding/csv and strconv: every float comes back bit-identical.
func TestCSVRoundTrip(t *testing.T) {
	p := mustGenerate(t, DefaultConfig(42))
	for i := range p.Series {
		s := &p.Series[i]
		var b bytes.Buffer
		if err := data.WriteCSV(&b, s); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != s.Len()+1 {
			t.Fatalf("%s: %d records, want %d", s.Symbol, len(recs), s.Len()+1)
		}
		for k, rec := range recs[1:] {
			if rec[0] != data.FormatDay(s.Time[k]) {
				t.Fatalf("%s row %d: date %s, want %s", s.Symbol, k+2, rec[0], data.FormatDay(s.Time[k]))
			}
			for j, col := range [][]float64{s.Open, s.High, s.Low, s.Close, s.AdjClose, s.Volume} {
				v, err := strconv.ParseFloat(rec[j+1], 64)
				if err != nil || math.Float64bits(v) != math.Float64bits(col[k]) {
					t.Fatalf("%s row %d col %d: %q parses to %v (%v), want %v", s.Symbol, k+2, j+1, rec[j+1], v, err, col[k])
				}
			}
		}
	}
}

// BenchmarkGenerate generates the default market (12 assets, 7 years).
func BenchmarkGenerate(b *testing.B) {
	c := DefaultConfig(42)
	bars := 0
	b.ReportAllocs()
	for b.Loop() {
		p, err := Generate(c)
		if err != nil {
			b.Fatal(err)
		}
		bars = 0
		for i := range p.Series {
			bars += p.Series[i].Len()
		}
	}
	b.ReportMetric(float64(bars)*float64(b.N)/b.Elapsed().Seconds(), "bars/s")
}
