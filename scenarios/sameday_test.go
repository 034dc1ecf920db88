package scenarios

import (
	"fmt"
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// hourlyFrom is a token with n hourly bars of close 100 from t.
func hourlyFrom(sym string, t int64, n int) data.Series {
	s := series(sym, data.Crypto, make([]int, n), flat(n, 100))
	for h := range s.Time {
		s.Time[h] = t + int64(h)*int64(data.Hour)
	}
	s.Interval = data.Hour
	return s
}

// A jump of more than one bar placed by time (2025-01-07T10:00Z) on
// hourly bars: BTC trades throughout, TAO first trades at 15:00Z that day,
// five bars into the path, LATE at 05:00Z on the 8th, nineteen bars into
// it. They join the path where it had got to, as a token listed on a later
// date does: bar k takes step j = k + off of g (docs/scenarios.md) over
// g(off − 1), its first bar opening where it traded. The path's length
// is counted on the token's calendar from the instant: spread_days = 2
// runs from the 10:00 bar to the end of the 8th, N = 14 + 24 = 38 bars
// (BTC's too), whenever the token listed. Before, TAO took the whole move
// over its own bars from its first (N = 9 + 24 = 33 of them: its first
// close 100·0.8^(1/33)), and LATE's path ran 48 bars from the instant,
// ten hours past the end of the 8th.
//
// spread_days = 2, move = -0.2: g(j) = 0.8^((j+1)/38), j < 38, then 0.8.
//
//	TAO (off 5):  close_k = 100·g(k+5)/g(4) = 100·0.8^((min(k, 32)+1)/38)
//	              (its bar 32 is 23:00 on the 8th, where g reaches 0.8);
//	              open_k = 100·g(k+4)/g(4) = 100·0.8^(min(k, 33)/38) during
//	              the bar, the close for a gap; open_0 = 100 either way.
//	LATE (off 19): close_k = 100·0.8^((min(k, 18)+1)/38).
//
// spread_days = 1, recover_days = 1, recover = 0.5: BTC moves to 80 on
// its 10:00 bar and recovers to 90 over the rest of that date, M = 13 bars
// (11:00 … 23:00): g(0) = 0.8, g(j) = 0.8·(0.9/0.8)^(j/13), 1 ≤ j ≤ 13.
// TAO (off 5): close_k = 100·g(k+5)/g(4) = 100·(9/8)^((min(k, 8)+1)/13),
// 100·(9/8)^(9/13) from its bar 8 (23:00) on. LATE lists after the 14
// bars of the path ran their course (19 bars after the instant): left as
// it was. (Before, TAO took the whole path from its first bar, moving to
// 80 on it.)
func TestJumpPathOnSameDayListing(t *testing.T) {
	start := data.Day(2025, 1, 7)
	h := int64(data.Hour)
	for _, c := range []struct {
		name, shock string
		tao, late   func(k int) (open, close float64) // nil: left as it was
		note        string
	}{
		{"spread gap=false", "spread_days = 2\ngap = false",
			func(k int) (float64, float64) {
				return 100 * math.Pow(0.8, float64(min(k, 33))/38), 100 * math.Pow(0.8, float64(min(k, 32)+1)/38)
			},
			func(k int) (float64, float64) {
				return 100 * math.Pow(0.8, float64(min(k, 19))/38), 100 * math.Pow(0.8, float64(min(k, 18)+1)/38)
			}, ""},
		{"spread gap=true", "spread_days = 2\ngap = true",
			func(k int) (float64, float64) {
				c := 100 * math.Pow(0.8, float64(min(k, 32)+1)/38)
				if k == 0 {
					return 100, c
				}
				return c, c
			},
			func(k int) (float64, float64) {
				c := 100 * math.Pow(0.8, float64(min(k, 18)+1)/38)
				if k == 0 {
					return 100, c
				}
				return c, c
			}, ""},
		{"recovery", "recover_days = 1\nrecover = 0.5\ngap = false",
			func(k int) (float64, float64) {
				return 100 * math.Pow(9.0/8, float64(min(k, 9))/13), 100 * math.Pow(9.0/8, float64(min(k, 8)+1)/13)
			},
			nil, "LATE: LATE first trades at 2025-01-08T05:00:00Z, 19 bars after the move at 2025-01-07T10:00:00Z: its 14-bar path had run its course"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := panelOf(hourlyFrom("BTC", start, 96), hourlyFrom("TAO", start+15*h, 60), hourlyFrom("LATE", start+29*h, 40))
			var hd heard
			s := mustParse(t, "name = \"x\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"BTC\", \"TAO\", \"LATE\"]\ntime = \"2025-01-07T10:00:00Z\"\nmove = -0.2\n"+c.shock)
			out, _ := mustApply(t, s, p, hd.options(ApplyOptions{}))
			for i, f := range []func(int) (float64, float64){c.tao, c.late} {
				got := out.Series[i+1]
				if f == nil {
					samePanel(t, panelOf(got), panelOf(p.Series[i+1]))
					continue
				}
				for k := range got.Close {
					o, cl := f(k)
					near(t, fmt.Sprintf("%s open %d", got.Symbol, k), got.Open[k], o, 1e-12)
					near(t, fmt.Sprintf("%s close %d", got.Symbol, k), got.Close[k], cl, 1e-12)
				}
			}
			hd.has(t, hd.said, "TAO: TAO first trades at 2025-01-07T15:00:00Z, 5 bars after the move at 2025-01-07T10:00:00Z: it takes the rest of the path from there")
			if c.note != "" {
				hd.has(t, hd.notes, c.note)
			}
		})
	}
}

// The same for an equity listed during a session, on hourly bars stamped
// as Yahoo stamps them (09:30 … 15:30 New York, 14:30Z … 20:30Z in
// January): EQ trades on 2025-01-07, 08 and 10 (the 9th, a day of
// mourning, has no bars), IPO from 17:30Z on the 7th. A move of −20 %
// over two sessions at 15:00Z lands during the bar on EQ's 14:30Z bar
// (N = 7 + 7 = 14 bars, to the end of the 8th); IPO missed three of them
// (14:30Z, 15:30Z, 16:30Z: its session's bars from the open, the one the
// move hits, to its first), and takes g(k+3)/g(2) = 0.8^((min(k, 10)+1)/14)
// (its bar 10 is the 8th's 20:30Z, the path's last). As a gap the move
// waits for the 15:30Z bar: EQ's N = 6 + 7 = 13, IPO missed two (15:30Z,
// 16:30Z): 0.8^((min(k, 10)+1)/13). Before, IPO took the whole move over
// its 11 bars from its first (first close 100·0.8^(1/11)).
func TestJumpPathOnSameDayEquityListing(t *testing.T) {
	h := int64(data.Hour)
	session := func(sym string, days []int64, from int64) data.Series {
		var ts []int64
		for _, d := range days {
			for b := range int64(7) {
				if t := d + 29*h/2 + b*h; t >= from {
					ts = append(ts, t)
				}
			}
		}
		s := series(sym, data.Equity, make([]int, len(ts)), flat(len(ts), 100))
		copy(s.Time, ts)
		s.Interval = data.Hour
		return s
	}
	days := []int64{data.Day(2025, 1, 7), data.Day(2025, 1, 8), data.Day(2025, 1, 10)}
	for _, c := range []struct {
		gap  string
		N    float64 // the path's bars
		said string
	}{
		{"false", 14, "IPO: IPO first trades at 2025-01-07T17:30:00Z, 3 bars after the move at 2025-01-07T15:00:00Z: it takes the rest of the path from there"},
		{"true", 13, "IPO: IPO first trades at 2025-01-07T17:30:00Z, 2 bars after the move at 2025-01-07T15:00:00Z: it takes the rest of the path from there"},
	} {
		t.Run("gap="+c.gap, func(t *testing.T) {
			p := panelOf(session("EQ", days, 0), session("IPO", days, days[0]+35*h/2))
			var hd heard
			s := mustParse(t, "name = \"x\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"EQ\", \"IPO\"]\ntime = \"2025-01-07T15:00:00Z\"\nmove = -0.2\nspread_days = 2\ngap = "+c.gap)
			out, _ := mustApply(t, s, p, hd.options(ApplyOptions{}))
			ipo := out.Series[1]
			if len(ipo.Close) != 18 {
				t.Fatalf("IPO has %d bars, want 4 + 7 + 7", len(ipo.Close))
			}
			for k := range ipo.Close {
				near(t, fmt.Sprintf("IPO close %d", k), ipo.Close[k], 100*math.Pow(0.8, float64(min(k, 10)+1)/c.N), 1e-12)
			}
			near(t, "IPO open 0", ipo.Open[0], 100, 0)
			near(t, "EQ close on the 8th's last bar", out.Series[0].Close[13], 80, 1e-12)
			hd.has(t, hd.said, c.said)
		})
	}
}

// A one-bar move with a recovery, placed on a date (2025-01-06, day 0)
// on hourly bars: AA moves −20 % on its 00:00 bar and recovers half of it
// over the rest of that date and the next, M = 23 + 24 = 47 bars
// (g(0) = 0.8, g(j) = 0.8·(0.9/0.8)^(j/47), 1 ≤ j ≤ 47: 90 from 23:00 on
// the 7th). BB, listed at 14:00 on the 7th, 38 bars into the path, ends
// its recovery with AA's: close_k = 100·g(k+38)/g(37) =
// 100·(9/8)^((min(k, 9)+1)/47), 100·(9/8)^(10/47) from its bar 9 (23:00).
// Before, a late token counted the recovery as 2 × 24 = 48 bars and
// recovered an hour past AA.
func TestJumpRecoveryOnLateHourlyListing(t *testing.T) {
	start := data.Day(2025, 1, 6)
	p := panelOf(hourlyFrom("AA", start, 96), hourlyFrom("BB", start+38*int64(data.Hour), 40))
	s := mustParse(t, "name = \"x\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"AA\", \"BB\"]\ndate = 2025-01-06\nmove = -0.2\nrecover_days = 2\nrecover = 0.5\ngap = false")
	out, _ := mustApply(t, s, p, ApplyOptions{})
	near(t, "AA close at 23:00 on the 7th", out.Series[0].Close[47], 90, 1e-12)
	for k, c := range out.Series[1].Close {
		near(t, fmt.Sprintf("BB close %d", k), c, 100*math.Pow(9.0/8, float64(min(k, 9)+1)/47), 1e-12)
	}
}

// A replay placed by time (2025-01-07T10:00Z) on hourly bars: the
// source's bar m returns ln(C_m/C_{m−1}) = 0.01·m (C_m = 100·e^(0.01·m(m+1)/2)),
// so the replay's q-th return (q from 0, the window from the source's
// first bar: its first return is bar 1's) is 0.01·(q+1). BTC, trading
// throughout, takes return q on its bar 10+q. TAO, first trading at
// 15:00Z, five bars into the replay, replays the rest as a token listed
// on a later date does: its bar k is the replay's bar 5+k, its first
// (the replay's sixth, return 0.06) not its own: close_k =
// 100·e^(0.01·(7 + … + (6+k))). LATE, first trading at 05:00Z on the
// 8th, nineteen bars in: close_k = 100·e^(0.01·(21 + … + (20+k))).
// Before, TAO replayed from the replay's first return on its bar 1
// (close_1 = 100·e^0.01), and LATE from its 24th (a whole date of bars
// for the date it missed, not the 19 hours since the replay began).
func TestTransplantOnSameDayListing(t *testing.T) {
	start := data.Day(2025, 1, 7)
	h := int64(data.Hour)
	source := func(sym string) data.Series {
		s := hourlyFrom(sym, data.Day(2024, 6, 1), 48)
		for m := range s.Close {
			c := 100 * math.Exp(0.01*float64(m*(m+1)/2))
			s.Open[m], s.High[m], s.Low[m], s.Close[m] = c, c, c, c
		}
		s.AdjClose = s.Close
		return s
	}
	src := panelOf(source("BTC"), source("TAO"), source("LATE"))
	p := panelOf(hourlyFrom("BTC", start, 60), hourlyFrom("TAO", start+15*h, 30), hourlyFrom("LATE", start+29*h, 40))
	var hd heard
	s := mustParse(t, `name = "replay"
[[shock]]
type = "transplant"
symbols = ["BTC", "TAO", "LATE"]
from = 2024-06-01
to = 2024-06-03
time = "2025-01-07T10:00:00Z"`)
	out, _ := mustApply(t, s, p, hd.options(ApplyOptions{Source: src}))
	// sum is 0.01·(a + … + b).
	sum := func(a, b int) float64 { return 0.01 * float64((a+b)*(b-a+1)/2) }
	for k := range 10 {
		near(t, "BTC close before", out.Series[0].Close[k], 100, 0)
	}
	for q := range 47 {
		near(t, fmt.Sprintf("BTC close %d", 10+q), out.Series[0].Close[10+q], 100*math.Exp(sum(1, q+1)), 1e-12)
	}
	for _, c := range []struct {
		i, off int
	}{{1, 5}, {2, 19}} {
		got := out.Series[c.i]
		near(t, got.Symbol+" close 0", got.Close[0], 100, 0)
		for k := 1; k < len(got.Close); k++ {
			q := min(c.off+k, 46) // the replay's 47 returns end at q = 46; the level then holds
			near(t, fmt.Sprintf("%s close %d", got.Symbol, k), got.Close[k], 100*math.Exp(sum(c.off+2, q+1)), 1e-12)
		}
	}
	hd.has(t, hd.said, "TAO: TAO first trades at 2025-01-07T15:00:00Z, 5 bars after the replay from 2025-01-07T10:00:00Z began: it replays the rest from there")
}

// A propagated shock placed by time (2025-01-07T10:00Z) on hourly bars
// and a follower listed at 15:00Z that day: it has no returns before the
// shock to estimate its betas on, as one listed on a later date has not;
// a group member is left as it was, noted, and one named in symbols is
// an error saying why. Before, both stopped the scenario with "0 common
// observations in the 5 days before 2025-01-07" and a hint about bars off
// each other's grid. BTC, the driver, moves −10 % on its 10:00Z bar of
// the 7th (its bar 10·24 + 10 = 250, close 100 + 250 mod 7 = 105): 94.5.
func TestPropagateSameDayFollower(t *testing.T) {
	start := data.Day(2025, 1, 7)
	btc := hourlyFrom("BTC", start-10*data.NanosPerDay, 24*14)
	for k := range btc.Close {
		c := 100 + float64(k%7)
		btc.Open[k], btc.High[k], btc.Low[k], btc.Close[k] = c, c*1.01, c*0.99, c
	}
	p := panelOf(btc, hourlyFrom("TAO", start+15*int64(data.Hour), 40))
	text := "TAO first trades at 2025-01-07T15:00:00Z, after the shock at 2025-01-07T10:00:00Z: it has no returns before it to estimate its betas on"
	shock := "name = \"p\"\n[[shock]]\ntype = \"propagate\"\ndrivers = { BTC = -0.1 }\ntime = \"2025-01-07T10:00:00Z\"\nlookback_days = 5\nmin_obs = 5\n"
	var hd heard
	out, _ := mustApply(t, mustParse(t, shock+"groups = [\"ai_tokens\"]"), p, hd.options(ApplyOptions{}))
	samePanel(t, panelOf(out.Series[1]), panelOf(p.Series[1]))
	near(t, "BTC close at 10:00Z on the 7th", out.Series[0].Close[250], 94.5, 1e-12)
	hd.has(t, hd.notes, "TAO: "+text)
	_, _, err := mustParse(t, shock+"symbols = [\"TAO\"]").Apply(p, nil, ApplyOptions{})
	wantErr(t, err, "shock[0].symbols: "+text)
}
