package scenarios

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// srcVector is one source date's joint return vector, computed here
// independently of the bootstrap's own tables.
type srcVector struct {
	has []bool
	ret []float64
}

func sourceVectors(p *data.Panel) []srcVector {
	set := map[int64]bool{}
	for _, s := range p.Series {
		for _, t := range s.Time {
			set[t] = true
		}
	}
	var times []int64
	for t := range set {
		times = append(times, t)
	}
	sortInt64(times)
	var out []srcVector
	for _, t := range times[1:] {
		v := srcVector{has: make([]bool, len(p.Series)), ret: make([]float64, len(p.Series))}
		for i, s := range p.Series {
			for k := 1; k < len(s.Time); k++ {
				if s.Time[k] == t {
					v.has[i], v.ret[i] = true, math.Log(s.Close[k]/s.Close[k-1])
				}
			}
		}
		out = append(out, v)
	}
	return out
}

func sortInt64(x []int64) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}

func mixedSource(seed uint64, days int) *data.Panel {
	return randomPanel(rand.New(rand.NewPCG(seed, 99)), []string{"NVDA", "MSFT", "BTC", "TAO", "ETH"}, days)
}

func TestBootstrapDrawsWholeDates(t *testing.T) {
	src := mixedSource(1, 80)
	vecs := sourceVectors(src)
	mc, err := NewMonteCarlo(src, MonteCarloConfig{Paths: 10, Length: 120, MeanBlock: 4, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	if mc.SourceDates() != len(vecs) {
		t.Fatalf("source dates %d, want %d", mc.SourceDates(), len(vecs))
	}
	for pi := 0; pi < 10; pi++ {
		path, err := mc.Path(pi)
		if err != nil {
			t.Fatal(err)
		}
		checkOHLC(t, path.Panel, "path")
		if !path.Panel.Synthetic {
			t.Error("a bootstrap path must be marked synthetic")
		}
		// rebuild each path date's vector from the path's bars
		n := len(src.Series)
		cur := make([]int, n)
		prev := make([]float64, n)
		for i, s := range src.Series {
			prev[i] = s.Close[len(s.Close)-1] // default start price
		}
		for j := 0; j < 120; j++ {
			t0 := path.Panel.Series[0].Time
			_ = t0
			tj := mc.start + int64(j)*data.NanosPerDay
			has := make([]bool, n)
			ret := make([]float64, n)
			for i := range src.Series {
				s := &path.Panel.Series[i]
				if cur[i] < len(s.Time) && s.Time[cur[i]] == tj {
					has[i] = true
					ret[i] = math.Log(s.Close[cur[i]] / prev[i])
					prev[i] = s.Close[cur[i]]
					cur[i]++
				}
			}
			found := false
			for _, v := range vecs {
				ok := true
				for i := 0; i < n && ok; i++ {
					ok = v.has[i] == has[i] && math.Abs(v.ret[i]-ret[i]) < 1e-9
				}
				if ok {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("path %d date %d: return vector %v %v is no source date's", pi, j, has, ret)
			}
		}
		for i := range src.Series {
			if cur[i] != path.Panel.Series[i].Len() {
				t.Fatalf("path %d %s: bars off the daily grid", pi, src.Series[i].Symbol)
			}
		}
	}
}

func TestBootstrapBlockLength(t *testing.T) {
	// P(next date follows the previous one) = 1 − 1/MeanBlock = 0.9.
	src := mixedSource(2, 300)
	mc, err := NewMonteCarlo(src, MonteCarloConfig{Paths: 1, Length: 20000, MeanBlock: 10, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := mc.Path(0)
	T := int32(mc.SourceDates())
	follow := 0
	for j := 1; j < len(p.Draws); j++ {
		if p.Draws[j] == p.Draws[j-1]%T+1 {
			follow++
		}
	}
	frac := float64(follow) / float64(len(p.Draws)-1)
	if math.Abs(frac-0.9) > 0.01 {
		t.Errorf("continuation fraction %.4f, want ≈ 0.9 (+ 1/T for chance restarts)", frac)
	}
}

func hashPath(h interface{ Write([]byte) (int, error) }, p *Path) {
	var b [8]byte
	put := func(x uint64) { binary.LittleEndian.PutUint64(b[:], x); h.Write(b[:]) }
	put(uint64(p.Index))
	for _, s := range p.Panel.Series {
		for k := range s.Time {
			put(uint64(s.Time[k]))
			for _, c := range [][]float64{s.Open, s.High, s.Low, s.Close, s.Volume} {
				put(math.Float64bits(c[k]))
			}
		}
	}
}

func TestMonteCarloWorkers(t *testing.T) {
	src := mixedSource(3, 120)
	shock := mustParse(t, `name = "crash"
[[shock]]
type = "jump"
groups = ["majors", "ai_tokens"]
random = true
move = -0.3
[[shock]]
type = "liquidity"
groups = ["majors"]
random = true
days = 5
spread_mult = 4`)
	cfg := MonteCarloConfig{Paths: 64, Length: 90, MeanBlock: 5, Seed: 2026, Shock: shock, ShockProb: 0.5}
	digest := func(workers int) ([32]byte, int) {
		mc, err := NewMonteCarlo(src, cfg)
		if err != nil {
			t.Fatal(err)
		}
		sums := make([][32]byte, cfg.Paths)
		shocked := make([]bool, cfg.Paths)
		err = eachPath(mc, workers, func(p *Path) error {
			h := sha256.New()
			hashPath(h, p)
			copy(sums[p.Index][:], h.Sum(nil))
			shocked[p.Index] = p.Shocked
			if p.Shocked != (p.Env != nil) {
				return fmt.Errorf("path %d: env without shock", p.Index)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		all := sha256.New()
		n := 0
		for i := range sums {
			all.Write(sums[i][:])
			if shocked[i] {
				n++
			}
		}
		var out [32]byte
		copy(out[:], all.Sum(nil))
		return out, n
	}
	a, na := digest(1)
	b, nb := digest(4)
	c, _ := digest(4)
	if a != b || b != c {
		t.Fatal("paths differ between 1 and 4 workers or between runs")
	}
	if na != nb || na < 20 || na > 44 {
		t.Errorf("shocked paths: %d and %d of 64 (p = 0.5)", na, nb)
	}
	cfg.Seed++
	if d, _ := digest(2); d == a {
		t.Error("another seed gives the same paths")
	}
}

func TestMonteCarloConfigErrors(t *testing.T) {
	src := mixedSource(4, 30)
	for _, c := range []struct {
		cfg  MonteCarloConfig
		want string
	}{
		{MonteCarloConfig{Paths: 0, Length: 5, MeanBlock: 2}, "paths = 0"},
		{MonteCarloConfig{Paths: 1, Length: 0, MeanBlock: 2}, "length = 0"},
		{MonteCarloConfig{Paths: 1, Length: 5, MeanBlock: 0.5}, "mean_block = 0.5"},
		{MonteCarloConfig{Paths: 1, Length: 5, MeanBlock: 2, ShockProb: 0.1}, "without a shock scenario"},
		{MonteCarloConfig{Paths: 1, Length: 5, MeanBlock: 2, StartPrices: map[string]float64{"XYZ": 1}}, "start_prices.XYZ: not in the source panel"},
		{MonteCarloConfig{Paths: 1, Length: 5, MeanBlock: 2, StartPrices: map[string]float64{"BTC": -1}}, "start_prices.BTC = -1"},
	} {
		_, err := NewMonteCarlo(src, c.cfg)
		wantErr(t, err, c.want)
	}
}

func TestStats(t *testing.T) {
	// returns (i − 50)/100 for i = 1..100: −0.49 … 0.50.
	// VaR95 = −q(0.05) = −sorted[⌈5⌉−1] = −(−0.45) = 0.45;
	// CVaR95 = −mean(−0.49, −0.48, −0.47, −0.46, −0.45) = 0.47;
	// VaR99 = CVaR99 = 0.49.
	var rs []float64
	for i := 100; i >= 1; i-- {
		rs = append(rs, float64(i-50)/100)
	}
	near(t, "VaR95", VaR(rs, 0.95), 0.45, 1e-15)
	near(t, "CVaR95", CVaR(rs, 0.95), 0.47, 1e-15)
	near(t, "VaR99", VaR(rs, 0.99), 0.49, 1e-15)
	near(t, "CVaR99", CVaR(rs, 0.99), 0.49, 1e-15)
	// curve 100, 120, 90, 130, 65: max drawdown 65/130 − 1 = −0.5,
	// terminal return −0.35.
	c := []float64{100, 120, 90, 130, 65}
	near(t, "maxdd", MaxDrawdown(c), -0.5, 1e-15)
	near(t, "terminal", TerminalReturn(c), -0.35, 1e-15)
	d, err := Summarize([][]float64{c, {100, 110}})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "dd[1]", d.MaxDrawdowns[1], 0, 0)
	near(t, "ret[1]", d.TerminalReturns[1], 0.1, 1e-15)
	near(t, "VaR95 of 2", d.VaR95, 0.35, 1e-15)
	fan, err := Fan([][]float64{{5, 6}, {1, 2}, {3, 4}}, []float64{0.05, 0.5, 0.95})
	if err != nil {
		t.Fatal(err)
	}
	// 3 paths: q(0.05) = sorted[0], q(0.5) = sorted[⌈1.5⌉−1] = sorted[1], q(0.95) = sorted[2].
	want := [][]float64{{1, 2}, {3, 4}, {5, 6}}
	for q := range want {
		for k := range want[q] {
			near(t, "fan", fan[q][k], want[q][k], 0)
		}
	}
	if _, err := Fan([][]float64{{1}, {1, 2}}, []float64{0.5}); err == nil {
		t.Error("ragged curves accepted")
	}
}

// BenchmarkMonteCarlo generates 1,000 paths of 20 instruments × 2,520
// days per op (generation only) and reports paths/s.
func BenchmarkMonteCarlo(b *testing.B) {
	syms := []string{"MSFT", "NVDA", "META", "AMD", "ORCL", "GOOGL", "AMZN", "QQQ", "SPY", "MARA",
		"BTC", "ETH", "SOL", "XRP", "TAO", "RENDER", "FET", "NEAR", "ICP", "GRT"}
	src := randomPanel(rand.New(rand.NewPCG(1, 1)), syms, 3000)
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			mc, err := NewMonteCarlo(src, MonteCarloConfig{Paths: 1000, Length: 2520, MeanBlock: 20, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				if err := eachPath(mc, workers, func(p *Path) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "paths/s")
		})
	}
}

// eachPath generates every path of mc on workers goroutines, each taking
// the indices i ≡ w (mod workers), and calls fn for each: what a caller's
// worker pool does (package experiment's). The error returned is that of
// the lowest path index that failed.
func eachPath(mc *MonteCarlo, workers int, fn func(p *Path) error) error {
	errs := make([]error, mc.cfg.Paths)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(errs); i += workers {
				p, err := mc.Path(i)
				if err == nil {
					err = fn(p)
				}
				errs[i] = err
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// A source of exchange sessions only (no weekend date) gives paths on
// the weekdays of their calendar days: 28 days from Monday 2024-01-01
// hold 20 weekdays, each drawing one session's returns (a session's
// return on every calendar day put 365 sessions in a year of path). A
// source with a 24/7 instrument keeps every calendar day.
func TestBootstrapSessionsOnWeekdays(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	start := data.Day(2024, 1, 1)
	for _, c := range []struct {
		syms  []string
		dates int
	}{{[]string{"NVDA", "MSFT"}, 20}, {[]string{"NVDA", "BTC"}, 28}} {
		mc, err := NewMonteCarlo(randomPanel(rng, c.syms, 400), MonteCarloConfig{Paths: 3, Length: 28, MeanBlock: 5, Seed: 1, Start: start})
		if err != nil {
			t.Fatal(err)
		}
		if mc.PathDates() != c.dates {
			t.Errorf("%v: %d path dates, want %d", c.syms, mc.PathDates(), c.dates)
		}
		p, err := mc.Path(1)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Draws) != c.dates {
			t.Errorf("%v: %d draws, want %d", c.syms, len(p.Draws), c.dates)
		}
		for _, s := range p.Panel.Series {
			for _, tm := range s.Time {
				wd := time.Unix(0, tm).UTC().Weekday()
				if tm < start || tm >= start+28*data.NanosPerDay || c.dates == 20 && (wd == time.Saturday || wd == time.Sunday) {
					t.Fatalf("%v: %s has a bar on %s", c.syms, s.Symbol, data.FormatDay(tm))
				}
			}
		}
	}
}

// A source of NYSE sessions (no bar on the exchange's holidays) gives
// paths on the NYSE's sessions: a year of path holds a year's sessions,
// not every weekday. 2025 has 261 weekdays (365 days from Wednesday
// January 1: 52 weeks and a Wednesday, 52 × 5 + 1) and 11 full-day
// closures on weekdays: January 1, 9 (a day of mourning) and 20,
// February 17, April 18, May 26, June 19, July 4, September 1,
// November 27 and December 25, so 261 − 11 = 250 sessions. The same
// source with a bar on one holiday (another exchange's calendar) keeps
// every weekday: 261.
func TestBootstrapSessionsSkipNYSEHolidays(t *testing.T) {
	var days []int
	for k := 0; k < 730; k++ {
		if data.NYSESession(day(k)) {
			days = append(days, k)
		}
	}
	start := data.Day(2025, time.January, 1)
	closed := map[string]bool{"2025-01-01": true, "2025-01-09": true, "2025-07-04": true, "2025-12-25": true}
	open := map[string]bool{"2025-01-02": true, "2025-01-10": true, "2025-11-28": true, "2025-12-26": true}
	holiday := 179 // 2025-07-04, a Friday
	if got := data.FormatDay(day(holiday)); got != "2025-07-04" {
		t.Fatalf("day(%d) = %s", holiday, got)
	}
	withHoliday := append(slices.Clone(days), holiday)
	slices.Sort(withHoliday)
	for _, c := range []struct {
		name  string
		days  []int
		dates int
	}{{"NYSE sessions", days, 250}, {"a bar on July 4", withHoliday, 261}} {
		s := series("MSFT", data.Equity, c.days, flat(len(c.days), 100))
		for k := range s.Close {
			s.Close[k] = 100 + float64(k%7) // returns to draw
		}
		mc, err := NewMonteCarlo(panelOf(s), MonteCarloConfig{Paths: 2, Length: 365, MeanBlock: 5, Seed: 1, Start: start})
		if err != nil {
			t.Fatal(err)
		}
		if mc.PathDates() != c.dates {
			t.Errorf("%s: %d path dates, want %d", c.name, mc.PathDates(), c.dates)
		}
		p, err := mc.Path(0)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, tm := range p.Panel.Series[0].Time {
			got[data.FormatDay(tm)] = true
		}
		if len(got) != c.dates {
			t.Errorf("%s: path has %d dates, want %d", c.name, len(got), c.dates)
		}
		for d := range open {
			if !got[d] {
				t.Errorf("%s: no path bar on the session %s", c.name, d)
			}
		}
		for d := range closed {
			if got[d] != (c.dates == 261) {
				t.Errorf("%s: path bar on the holiday %s = %v", c.name, d, got[d])
			}
		}
	}
}

// A scenario placed by day offsets starts on each shocked path at a date
// drawn from the path's third on, not at its first date, where a jump
// moved prices before any position existed: BTC's close over the
// unshocked path's (the same draws: the shock's come after the
// bootstrap's) is 1 up to one date, from the third on, and 0.7 from it;
// over 64 paths the dates spread (a uniform draw over 88 dates gives at
// least 20 distinct ones with near certainty). ETH's jump at day 5 falls
// five days after BTC's, on the path: the drawn date leaves it room (the
// path's last five dates are never drawn). A random shock keeps drawing
// its own date (TestMonteCarloWorkers).
func TestMonteCarloShockAtDrawnDate(t *testing.T) {
	src := mixedSource(5, 200)
	shock := mustParse(t, `name = "btc-crash"
[[shock]]
type = "jump"
symbols = ["BTC"]
day = 0
move = -0.3
[[shock]]
type = "jump"
symbols = ["ETH"]
day = 5
move = -0.5`)
	cfg := MonteCarloConfig{Paths: 64, Length: 90, MeanBlock: 5, Seed: 7}
	plain, err := NewMonteCarlo(src, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Shock, cfg.ShockProb = shock, 1
	shocked, err := NewMonteCarlo(src, cfg)
	if err != nil {
		t.Fatal(err)
	}
	days := map[int]bool{}
	for i := 0; i < cfg.Paths; i++ {
		a, err := plain.Path(i)
		if err != nil {
			t.Fatal(err)
		}
		b, err := shocked.Path(i)
		if err != nil {
			t.Fatal(err)
		}
		if !b.Shocked {
			t.Fatalf("path %d not shocked at probability 1", i)
		}
		k := a.Panel.Index("BTC")
		x, y := a.Panel.Series[k], b.Panel.Series[k]
		if len(x.Close) != len(y.Close) || len(x.Close) < 10 {
			t.Fatalf("path %d: %d against %d BTC bars", i, len(x.Close), len(y.Close))
		}
		at := -1
		for j := range x.Close {
			r := y.Close[j] / x.Close[j]
			switch {
			case at < 0 && math.Abs(r-1) < 1e-12:
			case at < 0 && math.Abs(r-0.7) < 1e-12:
				at = j
			case at >= 0 && math.Abs(r-0.7) < 1e-12:
			default:
				t.Fatalf("path %d: BTC ratio %v at bar %d (shock at %d)", i, r, j, at)
			}
		}
		if at < 2 {
			t.Errorf("path %d: BTC shocked from bar %d, want the third bar or later", i, at)
		}
		days[at] = true
		e := a.Panel.Index("ETH")
		ex, ey := a.Panel.Series[e], b.Panel.Series[e]
		var eth int64 // the first ETH bar at half its price
		for j := range ex.Close {
			if math.Abs(ey.Close[j]/ex.Close[j]-0.5) < 1e-12 {
				eth = ex.Time[j]
				break
			}
		}
		if want := x.Time[at] + 5*data.NanosPerDay; eth != want {
			t.Errorf("path %d: ETH shocked at %s, want %s (BTC's date + 5 days)", i, data.FormatDay(eth), data.FormatDay(want))
		}
	}
	if len(days) < 20 {
		t.Errorf("the shocks fell on %d distinct bars over %d paths, want them spread", len(days), cfg.Paths)
	}
}

// Of several start prices of instruments not in the source, the error
// names the first by name, on every run (it was whichever the map gave
// first).
func TestMonteCarloStartPricesUnknownFirstByName(t *testing.T) {
	src := mixedSource(4, 30)
	cfg := MonteCarloConfig{Paths: 1, Length: 5, MeanBlock: 2, StartPrices: map[string]float64{"XD": 1, "XB": 1, "XA": 1, "XC": 1}}
	for range 20 {
		_, err := NewMonteCarlo(src, cfg)
		wantErr(t, err, "start_prices.XA: not in the source panel")
	}
}
