package scenarios

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A transplant's window may start at 1970-01-01, Unix time 0: from = 0
// was taken for a from left out (".from: required"). The source has
// closes 50 (1969-12-31), 40 (1970-01-01), 44 (1970-01-02); the window
// [1970-01-01, 1970-01-03) gives the returns 40/50 = 0.8 and 44/40 = 1.1,
// spliced from day 2 of a flat 100: 100, 100, 80, 88, 88, 88. A from or a
// to left out is still refused.
func TestTransplantFromTheEpoch(t *testing.T) {
	src := panelOf(series("BTC", data.Crypto, seq(3), []float64{50, 40, 44}))
	for k := range src.Series[0].Time {
		src.Series[0].Time[k] = int64(k-1) * data.NanosPerDay
	}
	dst := panelOf(series("BTC", data.Crypto, seq(6), flat(6, 100)))
	s := mustParse(t, `name = "epoch"
[[shock]]
type = "transplant"
symbols = ["BTC"]
from = 1970-01-01
to = 1970-01-03
day = 2`)
	out, _ := mustApply(t, s, dst, ApplyOptions{Source: src})
	for k, w := range []float64{100, 100, 80, 88, 88, 88} {
		near(t, "close", out.Series[0].Close[k], w, 1e-12)
	}
	// Describe (the manifest's and `scenarios show`'s text) says the
	// window's first date: from = 1970-01-01 is 0 ns, and was left out
	// as a zero field ("transplant symbols=[BTC] day=2 to=1970-01-03").
	if got, want := Describe(s.Shocks[0]), "from=1970-01-01 to=1970-01-03"; !strings.Contains(got, want) {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	for _, tc := range []struct{ name, keys, want string }{
		{"from left out", "to = 1970-01-03", "shock[0].from: required"},
		{"to left out", "from = 1970-01-01", "shock[0].to: required"},
		{"to at from", "from = 1970-01-01\nto = 1970-01-01", "shock[0].to = 1970-01-01: not after from = 1970-01-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("test.toml", "name = \"epoch\"\n[[shock]]\ntype = \"transplant\"\nsymbols = [\"BTC\"]\nday = 2\n"+tc.keys)
			wantErr(t, err, tc.want)
		})
	}
}

// aroundEpoch is a flat 100 with volume 1000 on 1969-12-30, 12-31,
// 1970-01-01, 01-02, 01-03: Unix ns -2, -1, 0, 1, 2 days.
func aroundEpoch() *data.Panel {
	p := panelOf(series("BTC", data.Crypto, seq(5), flat(5, 100)))
	for k := range p.Series[0].Time {
		p.Series[0].Time[k] = int64(k-2) * data.NanosPerDay
	}
	return p
}

// A shock's date = 1970-01-01 is a date: it parsed to 0, taken for "no
// date", and the jump fell on day 0, the panel's first bar (1969-12-30).
// A move of -50 % as a gap on 1970-01-01: 100, 100, 50, 50, 50. Describe
// says the date, not day=0.
func TestShockDateAtTheEpoch(t *testing.T) {
	s := mustParse(t, `name = "epoch"
[[shock]]
type = "jump"
symbols = ["BTC"]
date = 1970-01-01
move = -0.5`)
	out, _ := mustApply(t, s, aroundEpoch(), ApplyOptions{})
	for k, w := range []float64{100, 100, 50, 50, 50} {
		near(t, "close", out.Series[0].Close[k], w, 1e-12)
	}
	if got, want := Describe(s.Shocks[0]), "date=1970-01-01"; !strings.Contains(got, want) || strings.Contains(got, "day=") || strings.Contains(got, "date_set") {
		t.Errorf("Describe = %q, want %q and no day= or date_set", got, want)
	}
	// With random = true it is both, refused as any date is.
	_, err := Parse("test.toml", "name = \"epoch\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"BTC\"]\ndate = 1970-01-01\nrandom = true\nmove = -0.5")
	if err == nil {
		t.Error("date = 1970-01-01 with random = true: no error")
	}
}

// A regime's until = 1970-01-01 is an end: it parsed to 0, and the file
// was refused ("give days or until"). volume_mult = 0.5 from 1969-12-30
// until 1970-01-01 (excluded) halves the first two bars' volume: 500,
// 500, 1000, 1000, 1000. An until = 1970-01-01 not after the date is
// refused as any such until is.
func TestShockUntilAtTheEpoch(t *testing.T) {
	s := mustParse(t, `name = "epoch"
[[shock]]
type = "liquidity"
symbols = ["BTC"]
date = 1969-12-30
until = 1970-01-01
volume_mult = 0.5`)
	out, _ := mustApply(t, s, aroundEpoch(), ApplyOptions{})
	for k, w := range []float64{500, 500, 1000, 1000, 1000} {
		near(t, "volume", out.Series[0].Volume[k], w, 1e-12)
	}
	if got, want := Describe(s.Shocks[0]), "until=1970-01-01"; !strings.Contains(got, want) || strings.Contains(got, "until_set") {
		t.Errorf("Describe = %q, want %q and no until_set", got, want)
	}
	for _, tc := range []struct{ name, keys, want string }{
		{"until and days", "date = 1969-12-30\nuntil = 1970-01-01\ndays = 2", "give days or until, not both"},
		{"until at the date", "date = 1970-01-01\nuntil = 1970-01-01", "until = 1970-01-01: not after date = 1970-01-01"},
		{"until with random", "random = true\nuntil = 1970-01-01", "give days with random = true, not until"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("test.toml", "name = \"epoch\"\n[[shock]]\ntype = \"liquidity\"\nsymbols = [\"BTC\"]\nvolume_mult = 0.5\n"+tc.keys)
			wantErr(t, err, tc.want)
		})
	}
}

// The panel's last bar bounds random dates, at 1970-01-01 (Unix 0) too
// (ApplyOptions has no End: a caller cuts the panel, as an experiment's
// end does). A random one-day regime on the panel 1969-12-30 … 1970-01-01
// with Start 1969-12-30 draws Start + k days, k in 0 … (last − 1 day −
// Start) / 1 day = (0 − 1 + 2) = 1: 1969-12-30 or 12-31, never later.
func TestApplyRandomEndsByALastBarAtTheEpoch(t *testing.T) {
	s := mustParse(t, `name = "epoch"
[[shock]]
type = "volatility"
symbols = ["BTC"]
random = true
days = 1
k = 2`)
	p := aroundEpoch()
	b := &p.Series[0]
	b.Time, b.Open, b.High, b.Low, b.Close, b.AdjClose, b.Volume = b.Time[:3], b.Open[:3], b.High[:3], b.Low[:3], b.Close[:3], b.AdjClose[:3], b.Volume[:3]
	for seed := uint64(0); seed < 20; seed++ {
		drawn := int64(1)
		_, _ = mustApply(t, s, p, ApplyOptions{Rand: rand.New(rand.NewPCG(seed, 1)), Start: -2 * data.NanosPerDay, StartSet: true,
			Drawn: func(_ int, t int64) { drawn = t }})
		if drawn != -2*data.NanosPerDay && drawn != -data.NanosPerDay {
			t.Fatalf("seed %d: drew %d ns, want 1969-12-30 or 12-31 (a one-day window ending by the last bar, 1970-01-01)", seed, drawn)
		}
	}
}

// A replay whose source lies before 1970 (or starts at 1970-01-01) says
// where its data lie: first == 0 and last == 0 were taken for "none yet",
// so a source ending 1969-12-31 said "it has no bars of them", and a
// first bar at 1970-01-01 gave way to a later member's first bar.
func TestTransplantBeyondSourceAroundTheEpoch(t *testing.T) {
	s := mustParse(t, `name = "late"
[[shock]]
type = "transplant"
groups = ["majors"]
from = 2025-01-20
to = 2025-01-22
day = 2`)
	dst := panelOf(series("BTC", data.Crypto, seq(30), flat(30, 100)), series("ETH", data.Crypto, seq(30), flat(30, 100)))
	for _, tc := range []struct {
		name     string
		btc, eth int64 // each source's first bar, in days from 1970-01-01
		run      string
	}{
		// BTC -3..-1, ETH -2..0: 1969-12-29 to 1970-01-01.
		{"before", -3, -2, "1969-12-29 to 1970-01-01"},
		// all before 1970: BTC -5..-3, ETH -4..-2: to 1969-12-30.
		{"all before", -5, -4, "1969-12-27 to 1969-12-30"},
		// BTC 0..2, ETH 3..5: 1970-01-01 to 1970-01-06.
		{"from the epoch", 0, 3, "1970-01-01 to 1970-01-06"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := panelOf(series("BTC", data.Crypto, seq(3), []float64{50, 40, 44}), series("ETH", data.Crypto, seq(3), []float64{5, 4, 4.4}))
			for i, first := range []int64{tc.btc, tc.eth} {
				for k := range src.Series[i].Time {
					src.Series[i].Time[k] = (first + int64(k)) * data.NanosPerDay
				}
			}
			_, _, err := s.Apply(dst, nil, ApplyOptions{Source: src})
			wantErr(t, err, "(BTC, ETH): its data run from "+tc.run+"; a replay needs")
		})
	}
}
