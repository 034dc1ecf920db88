package results

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// The max drawdown's dates on a hand-made curve.
func TestMeasureDrawdownDates(t *testing.T) {
	day := func(d int) int64 { return int64(d) * data.NanosPerDay }
	res := &engine.Result{Curve: engine.Curve{
		Time:   []int64{day(0), day(1), day(2), day(3), day(4), day(5)},
		Equity: []float64{100, 120, 90, 60, 100, 130},
		Gross:  []float64{0, 1, 1, 1, 1, 0},
	}}
	m := Measure(res, 365)
	// Peak 120 on day 1, trough 60 on day 3 (−50%), back above 120 on day 5.
	if m.MaxDrawdownPeak != data.FormatDay(day(1)) || m.MaxDrawdownTrough != data.FormatDay(day(3)) || m.MaxDrawdownRecovery != data.FormatDay(day(5)) {
		t.Errorf("dates %s %s %s", m.MaxDrawdownPeak, m.MaxDrawdownTrough, m.MaxDrawdownRecovery)
	}
	if math.Abs(m.MaxDrawdown+0.5) > 1e-12 || m.Measures["exposure_time"] != 4.0/6 {
		t.Errorf("drawdown %g exposure %g", m.MaxDrawdown, m.Measures["exposure_time"])
	}
}

// Counts, costs, final equity and turnover of a hand-made run.
func TestMeasureCountsAndCosts(t *testing.T) {
	day := func(d int) int64 { return int64(d) * data.NanosPerDay }
	res := &engine.Result{
		Curve: engine.Curve{
			Time:   []int64{day(0), day(1), day(2), day(3)},
			Equity: []float64{1000, 1100, 990, 1010},
			Gross:  []float64{0, 1, 1, 1},
		},
		Fills: []engine.Fill{{Qty: 10, Price: 50}, {Qty: -4, Price: 60}},
		Costs: engine.CostBreakdown{Commission: 1, Slippage: 2, Spread: 3, Impact: 4, Borrow: 5, Funding: 6, Interest: 7, LiquidationFee: 8},
	}
	res.Portfolio.Commission = 1
	res.Rejections, res.MarginCalls, res.Liquidations = 2, 1, 0
	m := Measure(res, 365)
	if m.Fills != 2 || m.Commission != 1 || m.FinalEquity != 1010 || m.Rejections != 2 || m.MarginCalls != 1 {
		t.Errorf("counts %+v", m)
	}
	// 1+2+…+8 = 36.
	if m.Costs.Total != 36 || m.Costs.LiquidationFee != 8 {
		t.Errorf("costs %+v", m.Costs)
	}
	// Traded |10×50| + |−4×60| = 740; mean equity (1000+1100+990+1010)/4
	// = 1025; 4 points at 365 a year span 4/365 years:
	// 740 / 1025 / (4/365) = 65.878…
	if want := 740.0 / 1025 / (4.0 / 365); math.Abs(m.Measures["turnover"]-want) > 1e-12*want {
		t.Errorf("turnover %g, want %g", m.Measures["turnover"], want)
	}
	// Total return 1010/1000 − 1 = 1%.
	if math.Abs(m.TotalReturn-0.01) > 1e-12 {
		t.Errorf("total return %g", m.TotalReturn)
	}
	if got := m.Metric("final_equity"); got != 1010 {
		t.Errorf("Metric(final_equity) = %g", got)
	}
	if got := m.Metric("nope"); !math.IsNaN(got) {
		t.Errorf("Metric(nope) = %g, want NaN", got)
	}
	// metrics.json keeps the run's fields beside the summary's.
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back["fills"] != 2.0 || back["final_equity"] != 1010.0 || back["max_drawdown_peak"] != data.FormatDay(day(1)) {
		t.Errorf("metrics.json: %s", b)
	}
}

func TestValidMetric(t *testing.T) {
	for _, name := range MetricNames() {
		if err := ValidMetric(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		m := RunMetrics{}
		m.TotalReturn, m.CAGR, m.AnnualVolatility, m.Sharpe, m.Sortino, m.MaxDrawdown, m.Calmar, m.FinalEquity = 1, 2, 3, 4, 5, 6, 7, 8
		if v := m.Metric(name); math.IsNaN(v) {
			t.Errorf("Metric(%s) is NaN on a filled summary", name)
		}
	}
	if err := ValidMetric("sharp"); err == nil {
		t.Error("sharp: no error")
	}
}

// A run whose first curve point is below its initial cash (a fill at the
// first step's close paid 1% in costs) is measured from the cash, by
// hand: cash 10,000; points 9,900, 9,900, 10,890 on days 0–2. Returns
// −0.01, 0, +0.1: total 0.99 × 1.1 − 1 = 0.089 = 10,890 / 10,000 − 1,
// over 3 periods; max drawdown −1% from the start (day 0) to day 0's
// point, recovered on day 2. From the curve alone it would be +10%, the
// costs of day one left out. A run whose first point is its cash (a
// next-open fill) keeps the curve's returns: 2 periods.
func TestMeasureFromInitialCash(t *testing.T) {
	day := func(d int) int64 { return int64(d) * data.NanosPerDay }
	res := &engine.Result{Initial: 10_000, Curve: engine.Curve{
		Time:   []int64{day(0), day(1), day(2)},
		Equity: []float64{9_900, 9_900, 10_890},
		Gross:  []float64{1, 1, 1},
	}}
	m := Measure(res, 365)
	if math.Abs(m.TotalReturn-0.089) > 1e-12 || m.Periods != 3 {
		t.Errorf("total return %.15g over %d periods, want 0.089 over 3", m.TotalReturn, m.Periods)
	}
	if math.Abs(m.MaxDrawdown+0.01) > 1e-12 || m.MaxDrawdownPeak != data.FormatDay(day(0)) || m.MaxDrawdownTrough != data.FormatDay(day(0)) || m.MaxDrawdownRecovery != data.FormatDay(day(2)) {
		t.Errorf("drawdown %g from %s to %s, recovered %s", m.MaxDrawdown, m.MaxDrawdownPeak, m.MaxDrawdownTrough, m.MaxDrawdownRecovery)
	}
	res.Initial = 9_900
	if m := Measure(res, 365); math.Abs(m.TotalReturn-0.1) > 1e-12 || m.Periods != 2 {
		t.Errorf("first point at the cash: total return %.15g over %d periods, want 0.1 over 2", m.TotalReturn, m.Periods)
	}
}

// A run of equities (points on weekdays) against a token benchmark (a bar
// every day): the benchmark's weekend bars, where the run has no new
// point, are skipped and their moves compound into Monday's return, so
// the two series are sampled on the run's sessions. The correlation is
// computed here a second way (Pearson on the weekday returns written out).
func TestMeasureBenchmarksSkipsRunlessBars(t *testing.T) {
	start := data.Day(2024, 1, 1) // a Monday
	var ct []int64
	var eq []float64
	e := 100.0
	for d := 0; d < 28; d++ {
		tm := start + int64(d)*data.NanosPerDay
		if wd := (d % 7); wd >= 5 {
			continue
		}
		e *= 1 + 0.01*math.Sin(float64(d))
		ct, eq = append(ct, tm), append(eq, e)
	}
	bench := data.Series{Instrument: data.Instrument{Symbol: "BTC", Class: data.Crypto}}
	c := 50.0
	for d := 0; d < 28; d++ {
		c *= 1 + 0.02*math.Cos(float64(d)*1.3)
		bench.Time, bench.Close = append(bench.Time, start+int64(d)*data.NanosPerDay), append(bench.Close, c)
	}
	res := &engine.Result{Curve: engine.Curve{Time: ct, Equity: eq}}
	got := MeasureBenchmarks(res, &data.Panel{Series: []data.Series{bench}}, 252, nil)
	var m struct {
		Correlation float64 `json:"correlation"`
	}
	if err := json.Unmarshal(got["BTC"], &m); err != nil {
		t.Fatal(err)
	}
	// By the weekdays: bench closes on the run's dates.
	closeAt := map[int64]float64{}
	for k, tm := range bench.Time {
		closeAt[tm] = bench.Close[k]
	}
	var rr, br []float64
	for k := 1; k < len(ct); k++ {
		rr = append(rr, eq[k]/eq[k-1]-1)
		br = append(br, closeAt[ct[k]]/closeAt[ct[k-1]]-1)
	}
	mean := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s / float64(len(x))
	}
	ma, mb := mean(rr), mean(br)
	var sab, saa, sbb float64
	for k := range rr {
		sab += (rr[k] - ma) * (br[k] - mb)
		saa += (rr[k] - ma) * (rr[k] - ma)
		sbb += (br[k] - mb) * (br[k] - mb)
	}
	if want := sab / math.Sqrt(saa*sbb); math.Abs(m.Correlation-want) > 1e-12 {
		t.Errorf("correlation %.15g, want %.15g (on the run's weekdays)", m.Correlation, want)
	}
}

// A 24/7 run with a one-day hole in its curve against a 24/7 benchmark:
// the benchmark's bar of the hole is skipped (compounded into the next),
// and the measures stay annualised at the run's own 365, not a session
// calendar's: tracking error = sd(r − b) · √365, computed here from the
// samples written out.
func TestMeasureBenchmarksKeepsRunAnnualisation(t *testing.T) {
	start := data.Day(2024, 1, 1)
	var ct []int64
	var eq []float64
	e := 100.0
	for d := 0; d < 60; d++ {
		e *= 1 + 0.01*math.Sin(float64(d))
		if d == 20 {
			continue // no point that day
		}
		ct, eq = append(ct, start+int64(d)*data.NanosPerDay), append(eq, e)
	}
	bench := data.Series{Instrument: data.Instrument{Symbol: "ETH", Class: data.Crypto}}
	c := 50.0
	for d := 0; d < 60; d++ {
		c *= 1 + 0.02*math.Cos(float64(d)*1.3)
		bench.Time, bench.Close = append(bench.Time, start+int64(d)*data.NanosPerDay), append(bench.Close, c)
	}
	got := MeasureBenchmarks(&engine.Result{Curve: engine.Curve{Time: ct, Equity: eq}}, &data.Panel{Series: []data.Series{bench}}, 365, nil)
	var m struct {
		TrackingError float64 `json:"tracking_error"`
	}
	if err := json.Unmarshal(got["ETH"], &m); err != nil {
		t.Fatal(err)
	}
	closeAt := map[int64]float64{}
	for k, tm := range bench.Time {
		closeAt[tm] = bench.Close[k]
	}
	var a []float64
	for k := 1; k < len(ct); k++ {
		a = append(a, (eq[k]/eq[k-1]-1)-(closeAt[ct[k]]/closeAt[ct[k-1]]-1))
	}
	mean := 0.0
	for _, v := range a {
		mean += v / float64(len(a))
	}
	ss := 0.0
	for _, v := range a {
		ss += (v - mean) * (v - mean)
	}
	if want := math.Sqrt(ss/float64(len(a)-1)) * math.Sqrt(365); math.Abs(m.TrackingError-want) > 1e-12*want {
		t.Errorf("tracking error %.15g, want %.15g (annualised at 365)", m.TrackingError, want)
	}
}

// On intraday bars the captures are taken on the days' returns: over six
// days of hourly points, the run's and the benchmark's day returns are
// their closes' ratios day to day (e[24d+23]/e[24d−1], the first day from
// the first point), the up days those where the benchmark's is > 0, and
// each capture CAGR(run)/CAGR(bench) over them with 365 days a year
// (empyrical's annualised capture on daily returns), computed here.
func TestMeasureBenchmarksIntradayCapturesDaily(t *testing.T) {
	const days = 6
	start := data.Day(2025, 1, 6)
	n := 24 * days
	eq, bc := make([]float64, n), make([]float64, n)
	tm := make([]int64, n)
	for k := range n {
		tm[k] = start + int64(k)*3600e9
		eq[k] = 1e6 * math.Exp(0.01*math.Sin(0.7*float64(k))+0.0004*float64(k))
		bc[k] = 100 * math.Exp(0.02*math.Cos(0.3*float64(k))+0.0002*float64(k))
	}
	bench := data.Series{Instrument: data.Instrument{Symbol: "B", Class: data.Crypto}, Interval: data.Hour, Time: tm, Close: bc}
	res := &engine.Result{Curve: engine.Curve{Time: tm, Equity: eq}}
	got := MeasureBenchmarks(res, &data.Panel{Series: []data.Series{bench}}, 8760, map[string]float64{"B": 8760})
	var r, b []float64
	for d := 0; d < days; d++ {
		from := max(24*d-1, 0)
		r, b = append(r, eq[24*d+23]/eq[from]-1), append(b, bc[24*d+23]/bc[from]-1)
	}
	wantDailyCaptures(t, got["B"], r, b, 365)
}

// wantDailyCaptures checks a benchmark's up and down captures (raw, as
// MeasureBenchmarks writes them) against the run's and the benchmark's
// day returns r and b: the ratio of the CAGRs of the run's returns on
// the benchmark's up (down) days to the benchmark's, annualised with
// perYear days.
func wantDailyCaptures(t *testing.T, raw json.RawMessage, r, b []float64, perYear float64) {
	t.Helper()
	var m struct {
		Up   float64 `json:"up_capture"`
		Down float64 `json:"down_capture"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var ur, ub, dr, db []float64
	for d := range r {
		switch {
		case b[d] > 0:
			ur, ub = append(ur, r[d]), append(ub, b[d])
		case b[d] < 0:
			dr, db = append(dr, r[d]), append(db, b[d])
		}
	}
	cagr := func(v []float64) float64 {
		p := 1.0
		for _, x := range v {
			p *= 1 + x
		}
		return math.Pow(p, perYear/float64(len(v))) - 1
	}
	if len(ub) == 0 || len(db) == 0 {
		t.Fatalf("%d up days and %d down days: want both", len(ub), len(db))
	}
	if want := cagr(ur) / cagr(ub); math.Abs(m.Up-want) > 1e-9*math.Abs(want) {
		t.Errorf("up capture %g, want %g (%g days a year)", m.Up, want, perYear)
	}
	if want := cagr(dr) / cagr(db); math.Abs(m.Down-want) > 1e-9*math.Abs(want) {
		t.Errorf("down capture %g, want %g (%g days a year)", m.Down, want, perYear)
	}
}

// An intraday run of equities (hourly points in New York sessions, 13:30
// to 19:30 UTC on weekdays) against a 24/7 hourly benchmark: the
// benchmark's bars outside the sessions are skipped, so the samples are
// the run's steps and its days are sessions. The captures are taken on
// the days' returns (each day's last point over the previous day's, the
// first day from the first point) and annualised with 252 days a year,
// the run's: 365 would raise ten session days a fortnight to a year of
// calendar days (a token benchmark's down capture of a real MSFT + META
// book read 0.848 for 0.727). CAGRs computed here from the day returns.
func TestMeasureBenchmarksIntradaySessionRunCapturesOnSessions(t *testing.T) {
	const hour = int64(3600e9)
	start := data.Day(2025, 1, 6) // a Monday
	var tm []int64
	var eq []float64
	for d := 0; d < 14; d++ {
		if d%7 >= 5 {
			continue // the weekend: no session
		}
		for h := 0; h < 7; h++ {
			k := float64(len(tm))
			tm = append(tm, start+int64(d)*data.NanosPerDay+13*hour+hour/2+int64(h)*hour)
			eq = append(eq, 1e6*math.Exp(0.01*math.Sin(0.7*k)+0.0004*k))
		}
	}
	closeAt := func(t int64) float64 {
		k := float64((t - start) / hour)
		return 100 * math.Exp(0.02*math.Cos(0.3*k)+0.0002*k)
	}
	bench := data.Series{Instrument: data.Instrument{Symbol: "B", Class: data.Crypto}, Interval: data.Hour}
	for t0 := start + hour/2; t0 <= tm[len(tm)-1]; t0 += hour {
		bench.Time, bench.Close = append(bench.Time, t0), append(bench.Close, closeAt(t0))
	}
	res := &engine.Result{Curve: engine.Curve{Time: tm, Equity: eq}}
	got := MeasureBenchmarks(res, &data.Panel{Series: []data.Series{bench}}, 252*7, map[string]float64{"B": 8760})
	var r, b []float64
	for d := 0; d < 10; d++ { // ten sessions of 7 points
		from := max(7*d-1, 0)
		r, b = append(r, eq[7*d+6]/eq[from]-1), append(b, closeAt(tm[7*d+6])/closeAt(tm[from])-1)
	}
	wantDailyCaptures(t, got["B"], r, b, 252)
}

// A daily benchmark beside an hourly run is paired by the bars' ends: the
// benchmark's bar of day D closes at the end of D, with the run's point of
// 23:00 (whose bar ends at 24:00), not of 00:00. Here the run's equity
// over 3 days of hours h = 0…71 is 100 + h and the benchmark is its own
// daily candles, closing at hours 23, 47 and 71: 123, 147 and 171. The
// samples are the run's points 23, 47 and 71, and the two return series
// are the same, 147/123 − 1 and 171/147 − 1; paired by opens (points 0,
// 24 and 48: 100, 124, 148) they were 0.24 and 0.1935 against 0.1951 and
// 0.1633. A daily run beside a daily benchmark keeps its pairing by day.
func TestSampleOnBenchmarkPairsBarEnds(t *testing.T) {
	start := data.Day(2024, 1, 1)
	var ct []int64
	var eq []float64
	for h := range 72 {
		ct, eq = append(ct, start+int64(h)*int64(time.Hour)), append(eq, 100+float64(h))
	}
	bt := []int64{start, start + data.NanosPerDay, start + 2*data.NanosPerDay}
	bc := []float64{123, 147, 171}
	smp := SampleOnBenchmark(ct, eq, bt, bc)
	want := []float64{147.0/123 - 1, 171.0/147 - 1}
	if !slices.Equal(smp.At, []int{47, 71}) || len(smp.Run) != 2 || len(smp.Bench) != 2 {
		t.Fatalf("samples at %v, run %v, bench %v; want at [47 71]", smp.At, smp.Run, smp.Bench)
	}
	for j, w := range want {
		if math.Abs(smp.Run[j]-w) > 1e-15 || math.Abs(smp.Bench[j]-w) > 1e-15 {
			t.Errorf("period %d: run %v, bench %v, want %v", j, smp.Run[j], smp.Bench[j], w)
		}
	}
	// Daily beside daily: each benchmark day with the run's point of that
	// day, as before (days 0, 1, 2 of a daily run 100, 110, 121).
	daily := SampleOnBenchmark(bt, []float64{100, 110, 121}, bt, bc)
	if !slices.Equal(daily.At, []int{1, 2}) || math.Abs(daily.Run[0]-0.1) > 1e-15 || math.Abs(daily.Bench[1]-(171.0/147-1)) > 1e-15 {
		t.Errorf("daily: at %v, run %v, bench %v", daily.At, daily.Run, daily.Bench)
	}
}

// Each benchmark's metrics in metrics.json say the periods a year they
// are annualised with (periods_per_year), as the run's summary does, and
// the runs table has them as periods_per_year_<symbol>. By hand:
//   - a 24/7 run (ppy 365) against an equity benchmark with bars on
//     weekdays only, every one after a new point of the run: the
//     benchmark's sessions, 252;
//   - a 24/7 run with a one-day hole against a 24/7 benchmark: a bar is
//     skipped, the samples are the run's steps, the run's 365;
//   - hourly bars with benchPPY 8,760: 8,760.
//
// The tracking error is checked against it a second way: sd(r − b) ×
// √periods_per_year, the samples' active returns written out.
func TestMeasureBenchmarksPeriodsPerYear(t *testing.T) {
	start := data.Day(2024, 1, 1) // a Monday
	type sample struct{ run, bench []float64 }
	for _, c := range []struct {
		name     string
		class    data.Class
		step     int64 // ns between points
		n        int
		weekdays bool // the benchmark has no weekend bars
		hole     int  // a point the run lacks (−1: none)
		ppy      float64
		benchPPY map[string]float64
		want     float64
	}{
		{"equity sessions beside a 24/7 run", data.Equity, data.NanosPerDay, 42, true, -1, 365, nil, 252},
		{"bars skipped: the run's steps", data.Crypto, data.NanosPerDay, 60, false, 20, 365, nil, 365},
		{"hourly 24/7 bars", data.Crypto, 3600e9, 72, false, -1, 8760, map[string]float64{"B": 8760}, 8760},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ct []int64
			var eq []float64
			bench := data.Series{Instrument: data.Instrument{Symbol: "B", Class: c.class}}
			e, b := 100.0, 50.0
			for k := 0; k < c.n; k++ {
				tm := start + int64(k)*c.step
				e *= 1 + 0.01*math.Sin(float64(k))
				b *= 1 + 0.02*math.Cos(float64(k)*1.3)
				if k != c.hole {
					ct, eq = append(ct, tm), append(eq, e)
				}
				if wd := k % 7; !c.weekdays || wd < 5 {
					bench.Time, bench.Close = append(bench.Time, tm), append(bench.Close, b)
				}
			}
			res := &engine.Result{Curve: engine.Curve{Time: ct, Equity: eq}}
			got := MeasureBenchmarks(res, &data.Panel{Series: []data.Series{bench}}, c.ppy, c.benchPPY)
			var m struct {
				PPY           *float64 `json:"periods_per_year"`
				TrackingError float64  `json:"tracking_error"`
			}
			if err := json.Unmarshal(got["B"], &m); err != nil {
				t.Fatal(err)
			}
			if m.PPY == nil || *m.PPY != c.want {
				t.Fatalf("metrics.json's benchmark periods_per_year %v, want %g: %s", m.PPY, c.want, got["B"])
			}
			// The samples: the run's equity at each of the benchmark's
			// times where it has a point (the others skipped), returns
			// between consecutive ones.
			eqAt := map[int64]float64{}
			for k, tm := range ct {
				eqAt[tm] = eq[k]
			}
			var s sample
			var pe, pb float64
			first := true
			for k, tm := range bench.Time {
				v, ok := eqAt[tm]
				if !ok {
					continue
				}
				if !first {
					s.run, s.bench = append(s.run, v/pe-1), append(s.bench, bench.Close[k]/pb-1)
				}
				pe, pb, first = v, bench.Close[k], false
			}
			a := make([]float64, len(s.run))
			mean := 0.0
			for k := range a {
				a[k] = s.run[k] - s.bench[k]
				mean += a[k] / float64(len(a))
			}
			ss := 0.0
			for _, v := range a {
				ss += (v - mean) * (v - mean)
			}
			if want := math.Sqrt(ss/float64(len(a)-1)) * math.Sqrt(c.want); math.Abs(m.TrackingError-want) > 1e-12*want {
				t.Errorf("tracking error %.15g, want %.15g (sd × √%g)", m.TrackingError, want, c.want)
			}
			rec := RunRecord{Run: "r", Metrics: RunMetrics{Benchmarks: got}}
			tab := RunsTable([]RunRecord{rec}, All)
			j := slices.IndexFunc(tab.Columns, func(col Column) bool { return col.Name == "periods_per_year_b" })
			if j < 0 || tab.Columns[j].Floats[0] != c.want {
				t.Errorf("runs table's periods_per_year_b (column %d): want %g", j, c.want)
			}
		})
	}
}
