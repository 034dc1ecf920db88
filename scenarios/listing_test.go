package scenarios

import (
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// heard collects what Apply said through Note and Said.
type heard struct{ notes, said []string }

func (h *heard) options(opt ApplyOptions) ApplyOptions {
	opt.Note = func(sym, text string) { h.notes = append(h.notes, sym+": "+text) }
	opt.Said = func(sym, text string) { h.said = append(h.said, sym+": "+text) }
	return opt
}

func (h *heard) has(t *testing.T, list []string, sub string) {
	t.Helper()
	for _, s := range list {
		if strings.Contains(s, sub) {
			return
		}
	}
	t.Errorf("nothing containing %q among %q", sub, list)
}

// A jump that began before an instrument first traded gives it the rest
// of its path, from the level the path had reached (its first open stands
// where it traded), and leaves one listed after the path ran its course
// as it was, with a note. Before, each took the whole path from its first
// bar, however late (a token listed 60 days after ai-bubble-burst's day 0
// fell 45 % over the 63 sessions after its listing).
//
// Move −50 % over N = 5 bars from day 2 (a Wednesday, 2025-01-08), gap
// false: g(j) = 0.5^((j+1)/5), g(j ≥ 5) = 0.5.
//
//	AA (token, from day 0): closes 100, 100, 100·0.5^(1/5) … 50 from day 6.
//	BB (token, from day 4: 2 days missed, j = k + 2): bar k takes g(k+2) /
//	  g(1): closes 100·0.5^(1/5) = 87.0551, 100·0.5^(2/5) = 75.7858,
//	  then 100·0.5^(3/5) = 65.9754 for good; its first open g(1)/g(1) = 1.
//	CC (token, from day 8: 6 days missed ≥ 5): unchanged, noted.
//	NV (equity, from Monday day 7): sessions missed from Wednesday
//	  2025-01-08: the 8th and the 10th (the 9th the NYSE closed, President
//	  Carter's day of mourning): 2, so the same as BB.
func TestJumpOnLateListing(t *testing.T) {
	p := panelOf(
		series("AA", data.Crypto, seq(12), flat(12, 100)),
		series("BB", data.Crypto, []int{4, 5, 6, 7, 8, 9}, flat(6, 100)),
		series("CC", data.Crypto, []int{8, 9, 10}, flat(3, 100)),
		series("NV", data.Equity, []int{7, 8, 9, 10, 11}, flat(5, 100)),
	)
	s := mustParse(t, `name = "j"
[[shock]]
type = "jump"
symbols = ["AA", "BB", "CC", "NV"]
day = 2
gap = false
spread_days = 5
move = -0.5`)
	var h heard
	out, _ := mustApply(t, s, p, h.options(ApplyOptions{}))
	g := func(j int) float64 { return math.Pow(0.5, math.Min(float64(j+1), 5)/5) }
	for k := range 12 {
		want := 100.0
		if k >= 2 {
			want = 100 * g(k-2)
		}
		near(t, "AA close", out.Series[0].Close[k], want, 1e-12)
	}
	late := []float64{100 * math.Pow(0.5, 0.2), 100 * math.Pow(0.5, 0.4), 100 * math.Pow(0.5, 0.6), 100 * math.Pow(0.5, 0.6), 100 * math.Pow(0.5, 0.6)}
	for _, i := range []int{1, 3} {
		s := out.Series[i]
		near(t, s.Symbol+" open[0]", s.Open[0], 100, 1e-12)
		for k, want := range late {
			near(t, s.Symbol+" close", s.Close[k], want, 1e-12)
		}
	}
	for k, c := range out.Series[2].Close {
		near(t, "CC close", c, 100, 0)
		near(t, "CC open", out.Series[2].Open[k], 100, 0)
	}
	h.has(t, h.notes, "CC: CC first trades on 2025-01-14, 6 trading days after the move from 2025-01-08 began: its 5-day path had run its course")
	h.has(t, h.said, "BB: BB first trades on 2025-01-10, 2 trading days after the move from 2025-01-08 began: it takes the rest of the path from there")
	h.has(t, h.said, "NV: NV first trades on 2025-01-13, 2 trading days after")
	if len(h.notes) != 1 || len(h.said) != 2 {
		t.Errorf("notes %q, said %q: want one and two", h.notes, h.said)
	}
}

// A replay that began before an instrument first traded replays the rest
// for it; one listed after the replay's last bar is left as it was, with a
// note; a wick before an instrument traded is not put on its first bar.
//
// Source closes (days 0–4) 100, 80, 88, 66, 99: the window [day 1, day 5)
// replays the returns ln 0.8, ln 1.1, ln 0.75, ln 1.5 from day 2.
//
//	AA (from day 0): closes 100, 100, 80, 88, 66, 99, then 99.
//	BB (from day 4, 2 days missed): on the calendar, its day-4 bar is
//	  the replay's third (ln 0.75, the day it listed: not its own, it has
//	  no bar before), its day-5 bar takes the fourth, ln 1.5, as AA does
//	  that day: 100, 150, then 150. (A first version took the third
//	  return on day 5, a day behind the rest of the book.)
//	CC (from day 7, 5 days missed ≥ the 4 bars): unchanged, noted.
func TestTransplantOnLateListing(t *testing.T) {
	src := panelOf(series("AA", data.Crypto, seq(5), []float64{100, 80, 88, 66, 99}),
		series("BB", data.Crypto, seq(5), []float64{100, 80, 88, 66, 99}),
		series("CC", data.Crypto, seq(5), []float64{100, 80, 88, 66, 99}))
	p := panelOf(
		series("AA", data.Crypto, seq(8), flat(8, 100)),
		series("BB", data.Crypto, []int{4, 5, 6, 7}, flat(4, 100)),
		series("CC", data.Crypto, []int{7, 8}, flat(2, 100)),
	)
	s := mustParse(t, `name = "replay"
[[shock]]
type = "transplant"
symbols = ["AA", "BB", "CC"]
from = 2025-01-07
to = 2025-01-11
day = 2
[[shock]]
type = "wick"
symbols = ["CC"]
day = 2
move = -0.3`)
	var h heard
	out, _ := mustApply(t, s, p, h.options(ApplyOptions{Source: src}))
	for k, want := range []float64{100, 100, 80, 88, 66, 99, 99, 99} {
		near(t, "AA close", out.Series[0].Close[k], want, 1e-12)
	}
	for k, want := range []float64{100, 150, 150, 150} {
		near(t, "BB close", out.Series[1].Close[k], want, 1e-12)
	}
	for k, c := range out.Series[2].Close {
		near(t, "CC close", c, 100, 0)
		near(t, "CC low", out.Series[2].Low[k], 99, 0)
	}
	h.has(t, h.said, "BB: BB first trades on 2025-01-10, 2 trading days after the replay from 2025-01-08 began: it replays the rest from there")
	h.has(t, h.notes, "CC: CC first trades on 2025-01-13, 5 trading days after the replay from 2025-01-08 began: its 4 bars had all been replayed")
	h.has(t, h.notes, "CC: CC first trades on 2025-01-13, 5 trading days after the wick on 2025-01-08")
}

// A shock placed at an instant (time) inside a daily bar: a move during
// the bar (gap = false) lands on the bar the instant falls in, a gap on
// the first bar that opens at or after it. A token's daily candle runs
// 00:00–24:00 UTC; an equity's session of 2025-01-07 (a Tuesday, New
// York on EST) 14:30–21:00 UTC. Before, both took the first bar stamped
// after the instant: the next day's, for a token's candle holding it and
// for an equity's session that opened after it.
func TestTimeInsideADailyBar(t *testing.T) {
	for _, c := range []struct {
		time      string
		gap       bool
		btc, nvda int // the bar that takes the move (day offset)
	}{
		{"2025-01-07T14:00:00Z", false, 1, 1},
		{"2025-01-07T14:00:00Z", true, 2, 1}, // the session opens at 14:30, after it
		{"2025-01-07T15:00:00Z", true, 2, 2},
		{"2025-01-07T15:00:00Z", false, 1, 1},
		{"2025-01-07T22:00:00Z", false, 1, 2}, // after the session's close
		{"2025-01-07T00:00:00Z", true, 1, 1},
	} {
		p := panelOf(series("BTC", data.Crypto, seq(4), flat(4, 100)), series("NVDA", data.Equity, seq(4), flat(4, 100)))
		gap := "false"
		if c.gap {
			gap = "true"
		}
		s := mustParse(t, `name = "j"
[[shock]]
type = "jump"
symbols = ["BTC", "NVDA"]
time = "`+c.time+`"
gap = `+gap+`
move = -0.1`)
		out, _ := mustApply(t, s, p, ApplyOptions{})
		for i, hit := range []int{c.btc, c.nvda} {
			for k := range 4 {
				want := 100.0
				if k >= hit {
					want = 90
				}
				near(t, c.time+" gap="+gap+" "+out.Series[i].Symbol+" close", out.Series[i].Close[k], want, 1e-12)
			}
		}
	}
}

// On hourly bars the same: a time of 14:05 falls in the 14:00 bar, which
// a move during the bar lands on; a gap waits for the 15:00 bar's open.
func TestTimeInsideAnHourlyBar(t *testing.T) {
	start := data.Day(2025, 1, 7)
	for _, c := range []struct {
		gap string
		hit int
	}{{"false", 14}, {"true", 15}} {
		s := series("BTC", data.Crypto, make([]int, 24), flat(24, 100))
		for h := range s.Time {
			s.Time[h] = start + int64(h)*3600e9
		}
		s.Interval = data.Hour
		sc := mustParse(t, `name = "j"
[[shock]]
type = "jump"
symbols = ["BTC"]
time = "2025-01-07T14:05:00Z"
gap = `+c.gap+`
move = -0.1`)
		out, _ := mustApply(t, sc, panelOf(s), ApplyOptions{})
		for k, got := range out.Series[0].Close {
			want := 100.0
			if k >= c.hit {
				want = 90
			}
			near(t, "gap="+c.gap+" close", got, want, 1e-12)
		}
	}
}

// A follower that first trades after a propagated shock's date has no
// returns before it to estimate its betas on: a group member is left as
// it was, with a note; one named in symbols is an error saying why.
// Before, both stopped the scenario with "0 common observations".
func TestPropagateLateFollower(t *testing.T) {
	p := panelOf(series("BTC", data.Crypto, seq(60), flat(60, 100)), series("TAO", data.Crypto, []int{50, 51, 52}, flat(3, 100)))
	p.Series[0].Close[20] = 101 // returns that vary, for a driver
	var h heard
	s := mustParse(t, `name = "p"
[[shock]]
type = "propagate"
drivers = { BTC = -0.1 }
groups = ["ai_tokens"]
day = 40
lookback_days = 40
min_obs = 5`)
	out, _ := mustApply(t, s, p, h.options(ApplyOptions{}))
	for _, c := range out.Series[1].Close {
		near(t, "TAO close", c, 100, 0)
	}
	h.has(t, h.notes, "TAO: TAO first trades on 2025-02-25, 10 trading days after the shock's date 2025-02-15: it has no returns before it to estimate its betas on")
	s = mustParse(t, `name = "p"
[[shock]]
type = "propagate"
drivers = { BTC = -0.1 }
symbols = ["TAO"]
day = 40`)
	_, _, err := s.Apply(p, nil, ApplyOptions{})
	wantErr(t, err, `shock[0].symbols: TAO first trades on 2025-02-25, 10 trading days after the shock's date 2025-02-15`)
}

// An hourly token listed at 14:00 on the move's third day takes the
// path on from where it was at 13:00 (the time since the move began,
// not whole dates of its own bars: its first date holds 10 bars), moving
// with a token that traded throughout: each of its closes over its first
// open is AA's close over AA's 13:00 close of that day. Its first bar
// opens where it traded, though the move is a gap.
func TestJumpOnLateHourlyListing(t *testing.T) {
	start := data.Day(2025, 1, 6)
	hourly := func(sym string, from int64, n int) data.Series {
		s := series(sym, data.Crypto, make([]int, n), flat(n, 100))
		for k := range s.Time {
			s.Time[k] = from + int64(k)*3600e9
		}
		s.Interval = data.Hour
		return s
	}
	p := panelOf(hourly("AA", start, 24*8), hourly("BB", start+2*data.NanosPerDay+14*3600e9, 24*5+10))
	s := mustParse(t, `name = "j"
[[shock]]
type = "jump"
symbols = ["AA", "BB"]
day = 0
spread_days = 5
move = -0.5`)
	out, _ := mustApply(t, s, p, ApplyOptions{Start: start})
	aa, bb := out.Series[0], out.Series[1]
	before := aa.Close[2*24+13] // AA at 13:00 on the third day
	near(t, "BB's first open", bb.Open[0], 100, 1e-12)
	for k := range bb.Close {
		want := 100 * aa.Close[2*24+14+k] / before
		near(t, "BB close", bb.Close[k], want, 1e-12)
	}
}

// TestCounted: the notes' counts agree with their nouns (a replay's late
// listing said "its 1 bars had all been replayed").
func TestCounted(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 bars"}, {1, "1 bar"}, {2, "2 bars"}, {11, "11 bars"}} {
		t.Run(c.want, func(t *testing.T) {
			if got := counted(c.n, "bar"); got != c.want {
				t.Errorf("counted(%d, bar) = %q, want %q", c.n, got, c.want)
			}
		})
	}
}

// A jump dated after an instrument's data ended (a token merged away, a
// delisting) cannot move it: its position stays at its last close,
// unshocked. Before, the shock skipped it without a word, and a stress
// test of a book holding it read as if the whole book had been shocked.
// AA (token, days 0–11) and DD (token, days 0–3, ending 2025-01-09);
// a −50 % jump on day 5 (2025-01-11), gap true: AA's closes from day 5
// are 100·0.5 = 50; DD is unchanged, and noted (Note, so the experiment
// counts it unshocked).
func TestJumpAfterDataEnded(t *testing.T) {
	p := panelOf(
		series("AA", data.Crypto, seq(12), flat(12, 100)),
		series("DD", data.Crypto, []int{0, 1, 2, 3}, flat(4, 100)),
	)
	s := mustParse(t, `name = "j"
[[shock]]
type = "jump"
symbols = ["AA", "DD"]
day = 5
move = -0.5`)
	var h heard
	out, _ := mustApply(t, s, p, h.options(ApplyOptions{}))
	for k := range 12 {
		want := 100.0
		if k >= 5 {
			want = 50
		}
		near(t, "AA close", out.Series[0].Close[k], want, 1e-12)
	}
	for k := range 4 {
		near(t, "DD close", out.Series[1].Close[k], 100, 0)
	}
	h.has(t, h.notes, "DD: DD's data ends on 2025-01-09, before the move from 2025-01-11")
	for _, n := range h.notes {
		if strings.HasPrefix(n, "AA:") {
			t.Errorf("AA, shocked, noted: %q", n)
		}
	}
}

// A follower of a propagated shock whose data ended before the shock
// (AGIX, merged into FET at the end of 2023, beside the other AI tokens
// in 2025) cannot move, as a jump leaves it: it is left as it was and
// noted. Before, its empty lookback stopped the whole scenario ("AGIX: 0
// common observations in the 60 days before …").
//
// BTC (driver, days 0–119) returns vary; TAO follows it exactly,
// r_TAO = 2·r_BTC, so β = 2 and TAO moves by 0.9² − 1 = −19 % from day
// 110 (a gap); AGIX ends on day 19, before the lookback [day 50, day 110).
func TestPropagateEndedFollower(t *testing.T) {
	n := 120
	btc, tao := make([]float64, n), make([]float64, n)
	btc[0], tao[0] = 100, 10
	for k := 1; k < n; k++ {
		x := 0.01 * float64(k%7-3)
		btc[k], tao[k] = btc[k-1]*math.Exp(x), tao[k-1]*math.Exp(2*x)
	}
	p := panelOf(series("BTC", data.Crypto, seq(n), btc), series("AGIX", data.Crypto, seq(20), flat(20, 0.5)), series("TAO", data.Crypto, seq(n), tao))
	for _, target := range []string{`groups = ["ai_tokens"]`, `symbols = ["AGIX", "TAO"]`} {
		t.Run(target, func(t *testing.T) {
			var h heard
			s := mustParse(t, `name = "p"
[[shock]]
type = "propagate"
drivers = { BTC = -0.1 }
`+target+`
day = 110
lookback_days = 60
min_obs = 5`)
			out, _ := mustApply(t, s, p, h.options(ApplyOptions{}))
			for k := range 20 {
				near(t, "AGIX close", out.Series[1].Close[k], 0.5, 0)
			}
			for k := range n {
				want := tao[k]
				if k >= 110 {
					want *= 0.81
				}
				near(t, "TAO close", out.Series[2].Close[k], want, 1e-9)
			}
			h.has(t, h.notes, "AGIX: AGIX's data ends on 2025-01-25, before the move from 2025-04-26 began: it is left as it was")
		})
	}
}

// A shock placed at an instant (`time`) on hourly bars, and a token
// listed later that day, at 15:00Z, five hours after a one-bar move at
// 10:00Z: the move happened before it traded, so it is left as it was
// and noted, as one listed on a later date is (a wick's too). Before, the
// token took the whole move on its first bar (with a gap, opening 20 %
// below its first traded price; a wick pushed its first low down 20 %),
// since the trading dates it missed counted 0. A token trading through
// moves on its 10:00 bar: a gap opens it at 80, during the bar it closes
// there; a wick takes its low 99 to 79.2. A token whose data ended the
// day before is noted for the wick as for a jump, each by its kind (the
// wick's note said "before the move from …").
func TestTimeBeforeSameDayListing(t *testing.T) {
	start := data.Day(2025, 1, 7)
	hourly := func(sym string, h0, n int) data.Series {
		s := series(sym, data.Crypto, make([]int, n), flat(n, 100))
		for h := range s.Time {
			s.Time[h] = start + int64(h0+h)*int64(data.Hour)
		}
		s.Interval = data.Hour
		return s
	}
	for _, c := range []struct {
		shock, note, ended string
		btcLow             float64 // BTC's 10:00 bar's low (its close after: btcClose)
		btcClose           float64
	}{
		{"type = \"jump\"\nmove = -0.2\ngap = true", "TAO: TAO first trades at 2025-01-07T15:00:00Z, 5 bars after the move at 2025-01-07T10:00:00Z: its 1-bar path had run its course",
			"DD: DD's data ends on 2025-01-06T19:00:00Z, before the move from 2025-01-07T10:00:00Z began", 79.2, 80},
		{"type = \"jump\"\nmove = -0.2\ngap = false", "TAO: TAO first trades at 2025-01-07T15:00:00Z, 5 bars after the move at 2025-01-07T10:00:00Z: its 1-bar path had run its course",
			"DD: DD's data ends on 2025-01-06T19:00:00Z, before the move from 2025-01-07T10:00:00Z began", 79.2, 80},
		{"type = \"wick\"\nmove = -0.2", "TAO: TAO first trades at 2025-01-07T15:00:00Z, after the wick at 2025-01-07T10:00:00Z",
			"DD: DD's data ends on 2025-01-06T19:00:00Z, before the wick at 2025-01-07T10:00:00Z: it is left as it was", 79.2, 100},
	} {
		t.Run(c.shock, func(t *testing.T) {
			p := panelOf(hourly("BTC", 0, 72), hourly("TAO", 15, 40), hourly("DD", -24, 20))
			var h heard
			s := mustParse(t, "name = \"x\"\n[[shock]]\nsymbols = [\"BTC\", \"TAO\", \"DD\"]\ntime = \"2025-01-07T10:00:00Z\"\n"+c.shock)
			out, _ := mustApply(t, s, p, h.options(ApplyOptions{}))
			for i := 1; i <= 2; i++ {
				samePanel(t, panelOf(out.Series[i]), panelOf(p.Series[i]))
			}
			near(t, "BTC low at 10:00", out.Series[0].Low[10], c.btcLow, 1e-12)
			near(t, "BTC close at 10:00", out.Series[0].Close[10], c.btcClose, 1e-12)
			near(t, "BTC close at 09:00", out.Series[0].Close[9], 100, 0)
			h.has(t, h.notes, c.note)
			h.has(t, h.notes, c.ended)
		})
	}
}

// A volatility or correlation window that holds no return of an
// instrument (its data ended before the window, it was listed after it)
// leaves it as it was, and says so: before, it was skipped without a
// word, and a run trading it read as if the regime had hit the whole
// book. On the awkward panel (window [day 10, day 24)): PAST ends on
// day 5, FUTURE starts on day 30; the others have returns in it.
func TestRegimeOutsideDataNoted(t *testing.T) {
	for _, shock := range []string{"type = \"volatility\"\nk = 2", "type = \"correlation\"\nrho = 0.5"} {
		t.Run(shock, func(t *testing.T) {
			p := awkwardDaily(3)
			var h heard
			s := mustParse(t, "name = \"r\"\n[[shock]]\nsymbols = "+awkwardSyms+"\nday = 10\ndays = 14\n"+shock)
			out, _ := mustApply(t, s, p, h.options(ApplyOptions{}))
			kind := strings.TrimSuffix(strings.TrimPrefix(strings.SplitN(shock, "\n", 2)[0], "type = \""), "\"")
			h.has(t, h.notes, "PAST: PAST has no return in the "+kind+" window from 2025-01-16 to 2025-01-30 (its bars run from 2025-01-06 to 2025-01-11): it is left as it was")
			h.has(t, h.notes, "FUTURE: FUTURE has no return in the "+kind+" window from 2025-01-16 to 2025-01-30 (its bars run from 2025-02-05 to 2025-02-14): it is left as it was")
			if len(h.notes) != 2 {
				t.Errorf("notes %q, want PAST's and FUTURE's", h.notes)
			}
			for i := range p.Series {
				if sym := p.Series[i].Symbol; sym == "PAST" || sym == "FUTURE" {
					samePanel(t, panelOf(out.Series[i]), panelOf(p.Series[i]))
				}
			}
		})
	}
}

// A replay on an instrument whose data ended before it began (DD stops
// on 2025-01-07, the replay starts on the 10th) leaves it as it was and
// says so, as a jump and a wick do: before, nothing was said, and a
// hedge in DD looked replayed. AA, trading on, replays the source's
// returns ln 0.8, ln 1.1, ln 0.75, ln 1.5 from the 10th: 80, 88, 66, 99.
func TestTransplantAfterDataEnded(t *testing.T) {
	src := panelOf(series("AA", data.Crypto, seq(5), []float64{100, 80, 88, 66, 99}),
		series("DD", data.Crypto, seq(5), []float64{100, 80, 88, 66, 99}))
	p := panelOf(series("AA", data.Crypto, seq(8), flat(8, 100)), series("DD", data.Crypto, seq(2), flat(2, 100)))
	s := mustParse(t, "name = \"r\"\n[[shock]]\ntype = \"transplant\"\nsymbols = [\"AA\", \"DD\"]\nfrom = 2025-01-07\nto = 2025-01-11\nday = 4")
	var h heard
	out, _ := mustApply(t, s, p, h.options(ApplyOptions{Source: src}))
	for k, want := range []float64{100, 100, 100, 100, 80, 88, 66, 99} {
		near(t, "AA close", out.Series[0].Close[k], want, 1e-12)
	}
	samePanel(t, panelOf(out.Series[1]), panelOf(p.Series[1]))
	h.has(t, h.notes, "DD: DD's data ends on 2025-01-07, before the replay from 2025-01-10 began: it is left as it was, a position in it held at its last close")
}
