package duckdb

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// altDir finds the second sources of the shared price history (alt/
// beside prices/, see its SOURCES.md): $DIVERGENCE_DATA/alt (or beside
// $DIVERGENCE_DATA when it names the prices folder), else
// ../../../shared/data/alt beside the checkout. It returns the alt and
// prices folders.
func altDir(t *testing.T) (alt, prices string) {
	t.Helper()
	root := filepath.Join("..", "..", "..", "shared", "data")
	if env := os.Getenv("DIVERGENCE_DATA"); env != "" {
		root = env
		if _, err := os.Stat(filepath.Join(env, "alt")); err != nil {
			root = filepath.Dir(env)
		}
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	alt, prices = filepath.Join(abs, "alt"), filepath.Join(abs, "prices")
	if _, err := os.Stat(filepath.Join(alt, "SOURCES.md")); err != nil {
		t.Skipf("no second sources: no %s (set DIVERGENCE_DATA)", filepath.Join(alt, "SOURCES.md"))
	}
	return alt, prices
}

// altRule is how closely a second source's adjusted closes follow the
// primary file of the same asset, and why. Level: |alt/(factor × primary)
// − 1| on each common day; return: |alt return / primary return − 1|
// between consecutive common days. The maxima are raised on each day by
// the source's price rounding (tick / close, at each end of a return).
type altRule struct {
	levelMedian, levelMax float64
	retMedian, retMax     float64
	tick                  float64 // the source prints prices to ±tick (dollars)
	lag                   int64   // the source's day D is the primary's day D−lag
	factor                map[string]float64
	// bad are days whose values the source is known to get wrong (or
	// differ on, for a stated reason): their level and the returns into
	// and out of them are not checked.
	bad map[string][]string
	// exactBefore: before this day the source must equal the primary.
	exactBefore string
	// badRows are files with rows whose open/high/low/close contradict
	// each other in the source: refused as they are, read with skip.
	badRows []string
}

// altRules, by source folder (alt/SOURCES.md and prices/SOURCES.md say
// what each holds).
var altRules = map[string]altRule{
	// Binance spot klines like the primary's, native daily or aggregated
	// from 1h/4h/8h bars by UTC day (the close is the day's last bar's
	// close, the daily candle's): equal; 2.2e-16 is yodumini's 17-digit
	// texts (0.053329999999999995).
	"alt_binance_spot_1d_fred3105":       {levelMax: 1e-15, retMax: 1e-15},
	"alt_binance_spot_1d_yodumini":       {levelMax: 1e-15, retMax: 1e-15},
	"alt_binance_spot_4h_tunahanabali":   {levelMax: 1e-15, retMax: 1e-15},
	"alt_binance_spot_8h_twitterbottech": {levelMax: 1e-15, retMax: 1e-15},
	// Binance spot 1h aggregated, except AR: the primary AR is a Bybit
	// perpetual, and a perpetual's close strays from spot by its basis
	// (tolerances of the perpetuals below).
	"alt_binance_spot_1h_misrori": {levelMedian: 1e-3, levelMax: 1e-2, retMedian: 1e-3, retMax: 1e-2},
	// Incrementally updated: equal until 2022-03-22, then stale partial
	// candles at its update points (up to 9.5% off, SOURCES.md's trap).
	"alt_binance_spot_1d_soneyjohnt": {levelMax: 0.1, retMax: 0.1, exactBefore: "2022-03-22"},
	// USDT-margined perpetuals against Binance spot (and Bybit's
	// perpetual for AR, AKT): the basis, which funding every 8h pulls
	// back, keeps the median within 0.1% (observed 2.9e-4..8.3e-4) and
	// every day within 1% (8.3e-3 at most, GRT 2022-11-18; 7.2e-3 in the
	// 2025-10-10 liquidations). Bybit's SOL perpetual fell 25% below
	// Binance spot in the FTX collapse (2022-11-09, SOURCES.md).
	"alt_binance_usdm_perp_silertrades": {levelMedian: 1e-3, levelMax: 1e-2, retMedian: 1e-3, retMax: 1e-2},
	"alt_bybit_perp_jumpotsa": {levelMedian: 1e-3, levelMax: 1e-2, retMedian: 1e-3, retMax: 1e-2,
		bad: map[string][]string{"SOL-USD.csv": {"2022-11-08", "2022-11-09", "2022-11-10"}}},
	"alt_bybit_perp_zxckotee": {levelMedian: 1e-3, levelMax: 1e-2, retMedian: 1e-3, retMax: 1e-2},
	// yfinance downloads like the primaries: returns agree to yfinance's
	// float32 (6e-8 a value, observed ≤ 1.4e-6 with the adjustment
	// factors); levels differ by a constant factor, the dividends
	// adjusted as of the download date (≤ 0.7%, prices/SOURCES.md).
	"alt_yfinance_kinryukii":      {levelMedian: 1e-2, levelMax: 1e-2, retMedian: 1e-6, retMax: 5e-6},
	"alt_yfinance_samsondoski":    {levelMedian: 1e-2, levelMax: 1e-2, retMedian: 1e-6, retMax: 5e-6},
	"alt_closeonly_dsturdy":       {levelMedian: 1e-2, levelMax: 1e-2, retMedian: 1e-6, retMax: 5e-6},
	"alt_yfinance_avkhimen":       {levelMedian: 1e-2, levelMax: 1e-2, retMedian: 1e-6, retMax: 5e-6},
	"alt_yfinance_a7144888":       {levelMedian: 1e-2, levelMax: 1e-2, retMedian: 1e-6, retMax: 5e-6},
	"alt_yfinance_davephlin":      {levelMedian: 1e-2, levelMax: 1e-2, retMedian: 1e-6, retMax: 5e-6},
	"alt_yfinance_feritYikar":     {levelMedian: 1e-2, levelMax: 1e-2, retMedian: 1e-6, retMax: 5e-6},
	"alt_yfinance_kimuradaichisi": {levelMedian: 1e-2, levelMax: 1e-2, retMedian: 1e-6, retMax: 5e-6},
	// Nasdaq.com, in cents, split-adjusted as of early 2024 (NVDA's and
	// MSTR's 10:1 splits of 2024 not applied: 10× the primary) and not
	// dividend-adjusted: its level drifts from the adjusted primary by
	// the dividends paid since (ORCL 14% by 2017), and on an ex-dividend
	// day the returns differ by the dividend's yield (≤ 0.6%, MSFT).
	// RIOT's adjusted close takes a $1 distribution off 2017-10-11 and
	// before. The source repeats the next session's values on
	// 2022-12-23 (BITF) and 2023-12-22 (BITF, HUT); it and investing.com
	// close CIFR at 10.39 on 2021-08-30 (Yahoo 10.27), BITF at 1.10 on
	// 2022-06-30 (Yahoo 1.12).
	"alt_nasdaqcom_unadjusted_dieperdev": {levelMedian: 0.1, levelMax: -1, retMedian: 1e-6, retMax: 1e-2, tick: 0.005,
		factor: map[string]float64{"NVDA.csv": 10, "MSTR.csv": 10},
		bad: map[string][]string{"BITF.csv": {"2022-06-30", "2022-12-23", "2023-12-22"}, "HUT.csv": {"2023-12-22"},
			"CIFR.csv": {"2021-08-30"}, "RIOT.csv": {"2017-10-11"}}},
	// investing.com (Price is the close) against Yahoo, no dividends
	// (miners): the median day equal to float32, but investing.com's
	// close is the last trade its feed saw, a cent or two off the
	// official close on some days (MARA 0.95 against 0.96 on
	// 2020-01-03: 1%; RIOT 2.34 against 2.36 on 2020-07-09; its last
	// week, 2024-04-30 on, off by 1-2 cents most days), and CIFR
	// 2021-08-30 (above).
	"alt_investingcom_b0r0koko": {levelMedian: 1e-6, levelMax: 1e-6, retMedian: 1e-6, retMax: 1e-6, tick: 0.02,
		bad:     map[string][]string{"CIFR.csv": {"2021-08-30"}},
		badRows: []string{"CIFR.csv", "IREN.csv", "MARA.csv"}},
	// Yahoo's crypto closes (CoinMarketCap's USD aggregate) dated a day
	// late: day D holds Binance's close of D−1. Against Binance USDT the
	// aggregate strays by USDT's peg and the venues' spread: median 0.1%
	// (observed 8.6e-4, 1.2e-3), at most 3.5% (RNDR 2022-05-27, the week
	// of the UST collapse). Read a day early, the median is 3.4%.
	"alt_yahoo_closeonly_mim0ulay": {levelMedian: 5e-3, levelMax: 5e-2, retMedian: 5e-3, retMax: 5e-2, lag: 1},
}

func TestAltSourcesAgree(t *testing.T) {
	alt, prices := altDir(t)
	files, _ := filepath.Glob(filepath.Join(alt, "*", "*.csv"))
	top, _ := filepath.Glob(filepath.Join(alt, "*.csv"))
	files = append(files, top...)
	if len(files) == 0 {
		t.Fatalf("no CSV files under %s", alt)
	}
	ctx := context.Background()
	for _, f := range files {
		rel, _ := filepath.Rel(alt, f)
		dir, base := filepath.Base(filepath.Dir(f)), filepath.Base(f)
		rule, ok := altRules[dir]
		if !ok && filepath.Dir(f) != alt {
			t.Errorf("%s: no rule for source %s", rel, dir)
			continue
		}
		s, err := ReadFile(ctx, f, ReadOptions{})
		if slices.Contains(rule.badRows, base) {
			var re *data.RowError
			if !errors.As(err, &re) || !strings.Contains(re.Msg, "on_bad_row") {
				t.Errorf("%s: err = %v, want a bad row naming on_bad_row", rel, err)
			}
			s, err = ReadFile(ctx, f, ReadOptions{OnBadRow: data.BadRowSkip})
		}
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		pf := filepath.Join(prices, base)
		if _, err := os.Stat(pf); err != nil || !ok {
			t.Logf("%s: %d bars, no primary to compare", rel, s.Len())
			continue
		}
		p, err := ReadFile(ctx, pf, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		checkAgreement(t, rel, &s, &p, rule, base)
	}
}

// checkAgreement compares the adjusted closes of a (the second source)
// and p (the primary) on their common days by rule.
func checkAgreement(t *testing.T, rel string, a, p *data.Series, rule altRule, base string) {
	t.Helper()
	factor := 1.0
	if f, ok := rule.factor[base]; ok {
		factor = f
	}
	bad := map[int64]bool{}
	for _, d := range rule.bad[base] {
		day, err := parseDate(d)
		if err != nil {
			t.Fatal(err)
		}
		bad[day*dayNano] = true
	}
	exactBefore := int64(math.MinInt64)
	if rule.exactBefore != "" {
		day, err := parseDate(rule.exactBefore)
		if err != nil {
			t.Fatal(err)
		}
		exactBefore = day * dayNano
	}
	at := map[int64]int{}
	for k, tm := range a.Time {
		at[tm-rule.lag*dayNano] = k
	}
	var level, ret []float64
	var worstLevel, worstRet float64
	var worstLevelDay, worstRetDay int64
	prevA, prevP, prevT := -1, -2, int64(0)
	for k, tm := range p.Time {
		j, ok := at[tm]
		if !ok {
			continue
		}
		c, pc := a.AdjClose[j], factor*p.AdjClose[k]
		skip := bad[tm]
		if d := math.Abs(c/pc - 1); !skip {
			level = append(level, d)
			if d > worstLevel {
				worstLevel, worstLevelDay = d, tm
			}
			limit := rule.levelMax + rule.tick/a.Close[j]
			if tm < exactBefore {
				limit = 0
			}
			if rule.levelMax >= 0 && d > limit {
				t.Errorf("%s: %s close %g, primary %g × %g: off by %.2e, want ≤ %.2e", rel, data.FormatDay(tm), c, p.AdjClose[k], factor, d, limit)
			}
		}
		if prevP == k-1 && !skip && !bad[prevT] {
			r := math.Abs((c/a.AdjClose[prevA])/(pc/(factor*p.AdjClose[prevP])) - 1)
			ret = append(ret, r)
			if r > worstRet {
				worstRet, worstRetDay = r, tm
			}
			limit := rule.retMax + rule.tick/a.Close[j] + rule.tick/a.Close[prevA]
			if tm < exactBefore {
				limit = 0
			}
			if r > limit {
				t.Errorf("%s: %s return off by %.2e, want ≤ %.2e", rel, data.FormatDay(tm), r, limit)
			}
		}
		prevA, prevP, prevT = j, k, tm
	}
	if len(level) == 0 {
		t.Errorf("%s: no day in common with the primary", rel)
		return
	}
	lm, rm := median(level), median(ret)
	if lm > rule.levelMedian {
		t.Errorf("%s: median level difference %.2e, want ≤ %.2e", rel, lm, rule.levelMedian)
	}
	if rm > rule.retMedian {
		t.Errorf("%s: median return difference %.2e, want ≤ %.2e", rel, rm, rule.retMedian)
	}
	t.Logf("%-48s %5d days: level median %.2e worst %.2e (%s); return median %.2e worst %.2e (%s)", rel, len(level),
		lm, worstLevel, data.FormatDay(worstLevelDay), rm, worstRet, data.FormatDay(worstRetDay))
}

func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
