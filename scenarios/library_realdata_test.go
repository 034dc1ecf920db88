package scenarios

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// realPrices is the shared folder of real daily prices: $DIVERGENCE_DATA
// (the data folder or its prices folder), else ../shared/data/prices
// beside the checkout, as CI has it.
func realPrices() string {
	d := os.Getenv("DIVERGENCE_DATA")
	if d == "" {
		d = "../../shared/data"
	}
	if filepath.Base(filepath.Clean(d)) == "prices" {
		return filepath.Clean(d)
	}
	return filepath.Join(d, "prices")
}

// closesOf reads a shared price file's dates and closes.
func closesOf(t *testing.T, file string) ([]string, []float64) {
	t.Helper()
	f, err := os.Open(filepath.Join(realPrices(), file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var dates []string
	var closes []float64
	for _, r := range rows[1:] { // header: date,open,high,low,close,adj_close,volume
		c, err := strconv.ParseFloat(r[4], 64)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		dates, closes = append(dates, r[0]), append(closes, c)
	}
	return dates, closes
}

// figureAfter is the n-th (0-based) percentage written after anchor in
// text ("-78%", "−17.0%", "+11.52%"), and one unit of its last digit:
// the rounding the text allows (its round figures are "about": ETH's
// 2022 fall of 79.3% is written -80%).
func figureAfter(t *testing.T, text, anchor string, n int) (float64, float64) {
	t.Helper()
	at := strings.Index(text, anchor)
	if at < 0 {
		t.Fatalf("anchor %q not in the text", anchor)
	}
	ms := regexp.MustCompile(`([-−+]?)(\d+(?:\.(\d+))?)%`).FindAllStringSubmatch(text[at+len(anchor):], n+1)
	if len(ms) <= n {
		t.Fatalf("no figure %d after %q", n, anchor)
	}
	m := ms[n]
	v, _ := strconv.ParseFloat(m[2], 64)
	if m[1] == "-" || m[1] == "−" {
		v = -v
	}
	return v / 100, math.Pow(10, -float64(len(m[3]))) / 100
}

// TestLibraryFiguresMatchRealData checks the real-data figures the
// library's files and the docs' table quote (the seeds' real moves, the
// replays' headline moves, the historical references of ai-bubble-burst)
// against ../shared/data/prices, computed here from the closes: a day's
// move (close over the previous close), a span (the last close on or
// before `to` over the last close before `from`) or the deepest drawdown
// of the closes from their running peak within [from, to].
func TestLibraryFiguresMatchRealData(t *testing.T) {
	if _, err := os.Stat(filepath.Join(realPrices(), "NVDA.csv")); err != nil {
		t.Skipf("real price data not found at %s: %v", realPrices(), err)
	}
	doc, err := os.ReadFile("../docs/scenarios.md")
	if err != nil {
		t.Fatal(err)
	}
	text := func(src string) string {
		if src == "docs" {
			return string(doc)
		}
		b, err := libraryFS.ReadFile("library/" + src + ".toml")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, c := range []struct {
		src, anchor string
		n           int
		file        string
		kind        string // "day", "span" or "drawdown"
		from, to    string
	}{
		// seeds/000 and seeds/001: the real moves of the days named.
		{"ai-earnings-divergence", "MSFT 511.44", 0, "MSFT.csv", "day", "", "2025-07-31"},
		{"ai-earnings-divergence", "META 694.17", 0, "META.csv", "day", "", "2025-07-31"},
		{"miner-ai-pivot", "IREN 60.75", 0, "IREN.csv", "day", "", "2025-11-03"},
		{"miner-ai-pivot", "CIFR 18.65", 0, "CIFR.csv", "day", "", "2025-11-03"},
		{"miner-ai-pivot", "mean of RIOT", 0, "RIOT.csv", "day", "", "2025-11-03"},
		{"miner-ai-pivot", "mean of RIOT", 1, "CLSK.csv", "day", "", "2025-11-03"},
		{"miner-ai-pivot", "mean of RIOT", 2, "WULF.csv", "day", "", "2025-11-03"},
		{"miner-ai-pivot", "with a bar that day rose more (HUT ", 0, "HUT.csv", "day", "", "2025-11-03"},
		{"miner-ai-pivot", "with a bar that day rose more (HUT ", 1, "CORZ.csv", "day", "", "2025-11-03"},
		{"miner-ai-pivot", "with a bar that day rose more (HUT ", 2, "BITF.csv", "day", "", "2025-11-03"},
		{"miner-ai-pivot", "BTC 110,540.68", 0, "BTC-USD.csv", "day", "", "2025-11-03"},
		{"miner-ai-pivot", "SPY 680.05", 0, "SPY.csv", "day", "", "2025-11-03"},
		// the replays' headline moves
		{"replay-deepseek-2025-01-27", "NVDA 142.58 -> 118.39, ", 0, "NVDA.csv", "day", "", "2025-01-27"},
		{"replay-covid-2020-03", "BTC ", 0, "BTC-USD.csv", "day", "", "2020-03-12"},
		// ai-bubble-burst's references: 2000-02, and 2022 peak to trough
		{"ai-bubble-burst", "2000-02 (Nasdaq-100 ", 0, "^NDX.csv", "drawdown", "2000-01-01", "2002-12-31"},
		{"ai-bubble-burst", "2022 (QQQ ", 0, "QQQ.csv", "drawdown", "2021-01-01", "2022-12-31"},
		{"ai-bubble-burst", "2022 (QQQ ", 1, "^SOX.csv", "drawdown", "2021-01-01", "2022-12-31"},
		{"ai-bubble-burst", "2022 (QQQ ", 2, "BTC-USD.csv", "drawdown", "2021-01-01", "2022-12-31"},
		{"ai-bubble-burst", "2022 (QQQ ", 3, "ETH-USD.csv", "drawdown", "2021-01-01", "2022-12-31"},
		{"ai-bubble-burst", "2022 (QQQ ", 4, "SOL-USD.csv", "drawdown", "2021-01-01", "2022-12-31"},
		{"ai-bubble-burst", "S&P 500 -20% (2022: ", 0, "SPY.csv", "drawdown", "2021-01-01", "2022-12-31"},
		{"ai-bubble-burst", "2021-11 peak to the 2022 trough, in log terms (../shared/data/prices: BTC ", 0, "BTC-USD.csv", "drawdown", "2021-11-01", "2022-12-31"},
		{"ai-bubble-burst", "2021-11 peak to the 2022 trough, in log terms (../shared/data/prices: BTC ", 1, "MSTR.csv", "drawdown", "2021-11-01", "2022-12-31"},
		{"ai-bubble-burst", "2021-11 peak to the 2022 trough, in log terms (../shared/data/prices: BTC ", 2, "COIN.csv", "drawdown", "2021-11-01", "2022-12-31"},
		{"ai-bubble-burst", "miners -55% over 63 sessions (2022 calendar year: MARA ", 0, "MARA.csv", "span", "2022-01-01", "2022-12-31"},
		{"ai-bubble-burst", "miners -55% over 63 sessions (2022 calendar year: MARA ", 1, "RIOT.csv", "span", "2022-01-01", "2022-12-31"},
		{"docs", "miners −55% (2022 calendar year: MARA ", 0, "MARA.csv", "span", "2022-01-01", "2022-12-31"},
		// the replays of 2026 (seeds/002 and 003): the alt folder's data,
		// which reach past the main folder's end
		{"replay-openai-miss-2026-04-28", "ORCL 172.96 -> 165.96, ", 0, "../alt/alt_yfinance_kinryukii/ORCL.csv", "day", "", "2026-04-28"},
		{"replay-openai-miss-2026-04-28", "; AMD ", 0, "../alt/alt_yfinance_kinryukii/AMD.csv", "day", "", "2026-04-28"},
		{"replay-openai-miss-2026-04-28", "; NVDA ", 0, "../alt/alt_yfinance_kinryukii/NVDA.csv", "day", "", "2026-04-28"},
		{"replay-ai-crypto-selloff-2026-02", "MSFT 430.29 -> 393.67, ", 0, "../alt/alt_yfinance_kinryukii/MSFT.csv", "span", "2026-02-02", "2026-02-05"},
		{"replay-ai-crypto-selloff-2026-02", "AMD 236.73 -> 192.50, ", 0, "../alt/alt_yfinance_kinryukii/AMD.csv", "span", "2026-02-02", "2026-02-05"},
		{"replay-ai-crypto-selloff-2026-02", "191.13 -> 171.88, ", 0, "../alt/alt_yfinance_kinryukii/NVDA.csv", "span", "2026-02-02", "2026-02-05"},
		{"replay-ai-crypto-selloff-2026-02", "BTC 76,931.5 -> 62,868.1, ", 0, "../alt/alt_binance_usdm_perp_silertrades/BTC-USD.csv", "span", "2026-02-02", "2026-02-05"},
		{"replay-ai-crypto-selloff-2026-02", "on 2026-02-05, ", 0, "../alt/alt_binance_usdm_perp_silertrades/BTC-USD.csv", "day", "", "2026-02-05"},
	} {
		t.Run(c.src+"/"+c.file, func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(realPrices(), c.file)); err != nil && strings.HasPrefix(c.file, "../alt/") {
				t.Skipf("the alt folder is not beside the prices folder: %v", err)
			}
			want, tol := figureAfter(t, text(c.src), c.anchor, c.n)
			dates, closes := closesOf(t, c.file)
			got := math.NaN()
			switch c.kind {
			case "day":
				for k := 1; k < len(dates); k++ {
					if dates[k] == c.to {
						got = closes[k]/closes[k-1] - 1
					}
				}
			case "span":
				var a, b float64
				for k := range dates {
					if dates[k] < c.from {
						a = closes[k]
					}
					if dates[k] <= c.to {
						b = closes[k]
					}
				}
				got = b/a - 1
			case "drawdown":
				peak, dd := 0.0, 0.0
				for k := range dates {
					if dates[k] < c.from || dates[k] > c.to {
						continue
					}
					peak = math.Max(peak, closes[k])
					dd = math.Min(dd, closes[k]/peak-1)
				}
				got = dd
			}
			if !(math.Abs(got-want) <= tol+1e-12) {
				t.Errorf("%s after %q says %.4g%%; %s's closes give %.4g%% (%s %s..%s)", c.src, c.anchor, want*100, c.file, got*100, c.kind, c.from, c.to)
			}
		})
	}
}

// altOHLC reads a file of the shared alt folder (beside the prices
// folder; same layout): its dates, lows and closes. ok is false when the
// file is not there.
func altOHLC(t *testing.T, file string) (dates []string, lows, closes []float64, ok bool) {
	t.Helper()
	f, err := os.Open(filepath.Join(filepath.Dir(realPrices()), "alt", file))
	if err != nil {
		return nil, nil, nil, false
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	for _, r := range rows[1:] { // date,open,high,low,close,adj_close,volume
		l, err1 := strconv.ParseFloat(r[3], 64)
		c, err2 := strconv.ParseFloat(r[4], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: row %s: %v %v", file, r[0], err1, err2)
		}
		dates, lows, closes = append(dates, r[0]), append(lows, l), append(closes, c)
	}
	return dates, lows, closes, true
}

// TestOpenAIMissDatesMatchRealData places openai-miss's crypto moves
// against the real data of 2026-04 (the alt folder: Binance BTCUSDT to
// 2026-06, Yahoo's big tech to 2026-05). The article's US figures (AMD
// −3.4%, NVDA −1.6%) identify the US session; its BTC low of $75,666,
// "within 24 hours" of a slide it dates "April 29" (the day it wrote, in
// UTC+8), identifies the UTC candle the slide is in. The scenario's
// crypto shock lies as many days after its US shock as that candle after
// that session: 0 (both 2026-04-28). It placed BTC a day later (day 1).
func TestOpenAIMissDatesMatchRealData(t *testing.T) {
	day := func(s string) int64 {
		tm, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.Unix() / 86400
	}
	// The US session: AMD's and NVDA's moves round to the article's.
	var session string
	amdD, _, amdC, ok1 := altOHLC(t, "alt_yfinance_kinryukii/AMD.csv")
	nvD, _, nvC, ok2 := altOHLC(t, "alt_yfinance_kinryukii/NVDA.csv")
	btcD, btcL, _, ok3 := altOHLC(t, "alt_binance_spot_8h_twitterbottech/BTC-USD.csv")
	if !ok1 || !ok2 || !ok3 {
		t.Skip("the alt data of 2026-04 are not beside the prices folder")
	}
	nvd := map[string]float64{}
	for k := 1; k < len(nvD); k++ {
		nvd[nvD[k]] = nvC[k]/nvC[k-1] - 1
	}
	for k := 1; k < len(amdD); k++ {
		d := amdD[k]
		if d < "2026-04-01" || d > "2026-05-15" {
			continue
		}
		if math.Round((amdC[k]/amdC[k-1]-1)*1000) == -34 && math.Round(nvd[d]*1000) == -16 {
			if session != "" {
				t.Fatalf("two sessions match AMD -3.4%% and NVDA -1.6%%: %s and %s", session, d)
			}
			session = d
		}
	}
	// BTC's candle: the UTC day whose low is the article's $75,666.
	var candle string
	for k, d := range btcD {
		if d >= "2026-04-01" && d <= "2026-05-15" && math.Floor(btcL[k]) == 75666 {
			candle = d
		}
	}
	if session == "" || candle == "" {
		t.Fatalf("not found: the US session %q, BTC's candle %q", session, candle)
	}
	s, err := Lookup("openai-miss")
	if err != nil {
		t.Fatal(err)
	}
	var us, crypto = -1, -1
	for _, sh := range s.Shocks {
		j, ok := sh.(*Jump)
		if !ok {
			continue
		}
		if _, ok := j.Overrides["ORCL"]; ok {
			us = j.Day
		}
		if _, ok := j.Overrides["BTC"]; ok {
			crypto = j.Day
		}
	}
	if got, want := crypto-us, int(day(candle)-day(session)); got != want {
		t.Errorf("openai-miss places BTC %d day(s) after the US session (day %d, day %d); the real data %d: the session %s, BTC's $75,666 low in the candle of %s",
			got, us, crypto, want, session, candle)
	}
}

// openai-miss's fear_greed (26, the article's "dropped to 26, entering
// the deeper fear range") is the Crypto Fear & Greed index of the day
// the article was written: April 29 in its UTC+8 (the UTC day after
// BTC's candle of April 28, TestOpenAIMissDatesMatchRealData), down from
// the day before, and in the index's "Fear" band (26–46 in the file;
// at most 25 is "Extreme Fear").
func TestOpenAIMissFearGreedMatchesIndex(t *testing.T) {
	path := filepath.Join(filepath.Dir(realPrices()), "other", "fear_greed", "crypto_fear_greed_index.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("the Fear & Greed index is not beside the prices folder: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != "date,value,classification" {
		t.Fatalf("%s: header %v, want date,value,classification", path, rows[:min(1, len(rows))])
	}
	index := map[string]int64{}
	class := map[string]string{}
	for k, r := range rows[1:] {
		v, err := strconv.ParseInt(r[1], 10, 64)
		if err != nil {
			t.Fatalf("%s row %d: %v", path, k+2, err)
		}
		index[r[0]], class[r[0]] = v, r[2]
	}
	s, err := Lookup("openai-miss")
	if err != nil {
		t.Fatal(err)
	}
	want, ok := s.Metadata["fear_greed"].(int64)
	if !ok {
		t.Fatalf("openai-miss has no integer fear_greed: %v", s.Metadata["fear_greed"])
	}
	const written, before = "2026-04-29", "2026-04-28"
	got, ok := index[written]
	if !ok {
		t.Fatalf("%s has no value on %s", path, written)
	}
	if got != want {
		t.Errorf("openai-miss's fear_greed is %d; the index on %s is %d", want, written, got)
	}
	if prev := index[before]; prev <= got {
		t.Errorf("the index did not drop to %d on %s: %d the day before", got, written, prev)
	}
	if c := class[written]; c != "Fear" || got < 26 || got > 46 {
		t.Errorf("the index on %s is %d (%s), not in the fear band", written, got, c)
	}
}
