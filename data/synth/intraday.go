package synth

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"

	"github.com/divergence-research/divergence/data"
)

// IntradayConfig parameterises a synthetic intraday market: bars of one
// interval (1m … 4h) for crypto every minute of every day and for US
// equities in their regular sessions, 09:30–16:00 America/New_York (DST
// included), on weekdays that are not NYSE holidays. Start from
// DefaultIntradayConfig.
//
// The model is the daily generator's factor structure on the bar grid,
// without its GARCH clustering and crash days: per bar step of length Δ
// (dt = Δ / 365 days, in years), three factor shocks z_f ~ N(0, 1) shared
// by all assets, and per asset
//
//	r = μ·dt·w/W + s·√dt·(Σ_f b_f·z_f + σ_ε·ε) + J,   s = sqrt(w/W),
//
// with the loadings b_f, Drift μ and Vol of Asset (σ_ε² = Vol² − Σ b_f² −
// λ(μ_J² + σ_J²), floored at 0) and J the idiosyncratic jumps (Poisson,
// Asset.JumpIntensity a year: crypto on any step, equities at a session's
// first bar, i.e. in the opening gap). w is 1 for a step inside the
// session, OffSessionWeight outside it and the in-session fraction in
// between (the 09:00 hourly bar holds 30 minutes of session), W the mean
// of w over the grid: an equity's latent price keeps moving overnight and
// on weekends (more slowly), and that move shows up as the opening gap of
// the next session. Crypto has w = 1 throughout.
//
// Bars are stamped with the open of their grid step, and the grid is
// aligned to 00:00 UTC: a crypto bar every step; an equity bar on every
// step that overlaps its session, so hourly equity bars are stamped 09:00
// (holding 09:30–10:00), 10:00, …, 15:00 New York time and minute bars
// 09:30 … 15:59. Open is the latent price at the step's start (for crypto
// the previous close, for an equity's first bar of a session the price
// after the overnight gap), close the price at its end, high and low the
// extremes of a Brownian bridge between them with the step's diffusive
// variance (see bridgeExtremes), volume lognormal around Asset.Volume
// spread over the bars of a day (crypto: 24 h; equities: 6.5 h of
// session). Every draw comes from PCG streams seeded by Seed (one for the
// factors, one per asset selected by its symbol).
type IntradayConfig struct {
	Seed     uint64
	Interval data.Interval // one of 1m, 5m, 15m, 1h, 4h
	// Start is the first day, 00:00 UTC in Unix ns (default 2025-01-01).
	Start int64
	// Days is the number of calendar days.
	Days int
	// Assets are the instruments, in panel order (default IntradayAssets).
	Assets []Asset
	// OffSessionWeight is the variance an equity's latent price takes per
	// unit of time outside its session, relative to inside (default 0.2,
	// as in Config).
	OffSessionWeight float64
	// ExchangeHolidays closes equities on NYSE holidays (default true).
	ExchangeHolidays bool
	// VolumeDispersion and VolumeMoveSensitivity are as in Config
	// (defaults 0.35 and 0.3).
	VolumeDispersion, VolumeMoveSensitivity float64
}

// maxIntradayBars bounds a generated market (bar steps × assets): about
// 8 GB of columns.
const maxIntradayBars = 150_000_000

// MaxIntradayBars and MaxDays are the bounds [IntradayConfig.Validate]
// enforces on bar steps × instruments and on days, for a caller that
// checks its own inputs (naming its flags or keys) before it builds the
// config: [IntradayAssets] makes every one of its k instruments, so k
// must be checked first.
const (
	MaxIntradayBars = maxIntradayBars
	MaxDays         = maxDays
)

// streamIntraday selects the intraday generator's PCG streams (factors:
// Seed, streamIntraday; asset: Seed, streamIntraday ^ fnv64a(Symbol)).
const streamIntraday uint64 = 0x696e747261646179 // "intraday"

// DefaultIntradayConfig returns an intraday market of the given interval,
// days and number of instruments (IntradayAssets), from 2025-01-01.
func DefaultIntradayConfig(seed uint64, interval data.Interval, days, instruments int) IntradayConfig {
	return IntradayConfig{
		Seed:                  seed,
		Interval:              interval,
		Start:                 data.Day(2025, 1, 1),
		Days:                  days,
		Assets:                IntradayAssets(instruments),
		OffSessionWeight:      0.2,
		ExchangeHolidays:      true,
		VolumeDispersion:      0.35,
		VolumeMoveSensitivity: 0.3,
	}
}

// IntradayAssets returns k instruments, half crypto (24/7) and half
// equities (sessions), crypto first when k is odd, alternating crypto and
// equity: the default assets' tokens (BTC, ETH, TAO, RENDER, FET, NEAR)
// and equities (MSFT, NVDA, META, AMD, ORCL, QQQ), then copies of them
// with a number appended (BTC2, MSFT2, …) and their own random paths.
// Prices start from the default assets' Price0.
func IntradayAssets(k int) []Asset {
	var eq, cr []Asset
	for _, a := range DefaultAssets() {
		if a.Class == data.Crypto {
			cr = append(cr, a)
		} else {
			eq = append(eq, a)
		}
	}
	pick := func(list []Asset, i int) Asset {
		a := list[i%len(list)]
		if n := i / len(list); n > 0 {
			a.Symbol = fmt.Sprintf("%s%d", a.Symbol, n+1)
		}
		return a
	}
	out := make([]Asset, 0, max(k, 0))
	for i := 0; len(out) < k; i++ {
		out = append(out, pick(cr, i))
		if len(out) < k {
			out = append(out, pick(eq, i))
		}
	}
	return out
}

// Validate checks the configuration, naming the field.
func (c IntradayConfig) Validate() error {
	switch {
	case c.Interval <= 0 || c.Interval >= data.Daily || data.Daily%c.Interval != 0 || c.Interval%data.Minute != 0:
		return fmt.Errorf("synth: Interval must be whole minutes dividing a day and shorter than a day (1m, 5m, 15m, 1h, 4h), got %s", c.Interval)
	case c.Days <= 0 || c.Days > maxDays:
		return fmt.Errorf("synth: Days must be in 1..%d, got %d", maxDays, c.Days)
	case len(c.Assets) == 0:
		return fmt.Errorf("synth: no Assets (want at least one instrument)")
	case c.Start%data.NanosPerDay != 0:
		return fmt.Errorf("synth: Start must be 00:00 UTC of a day, got %s", data.FormatTime(c.Start))
	case !(c.OffSessionWeight >= 0 && c.OffSessionWeight <= 1):
		return fmt.Errorf("synth: OffSessionWeight must be in [0, 1], got %g", c.OffSessionWeight)
	case !(c.VolumeDispersion >= 0) || !finite(c.VolumeDispersion) || !finite(c.VolumeMoveSensitivity):
		return fmt.Errorf("synth: VolumeDispersion and VolumeMoveSensitivity must be finite, VolumeDispersion >= 0")
	}
	steps := int64(c.Days) * (data.NanosPerDay / int64(c.Interval))
	if steps*int64(len(c.Assets)) > maxIntradayBars {
		return fmt.Errorf("synth: %d instruments × %d bar steps is more than %d bars (fewer days, instruments or a coarser interval)",
			len(c.Assets), steps, maxIntradayBars)
	}
	seen := map[string]bool{}
	for i, a := range c.Assets {
		switch {
		case a.Symbol == "" || seen[a.Symbol]:
			return fmt.Errorf("synth: Assets[%d]: symbol %q is empty or repeated", i, a.Symbol)
		case a.Class != data.Equity && a.Class != data.Crypto:
			return fmt.Errorf("synth: Assets[%d] (%s).Class must be equity or crypto", i, a.Symbol)
		case !(a.Price0 > 0) || !finite(a.Price0):
			return fmt.Errorf("synth: Assets[%d] (%s).Price0 must be > 0, got %g", i, a.Symbol, a.Price0)
		case !(a.Vol > 0) || !finite(a.Vol) || !finite(a.Drift) || !finite(a.Tech) || !finite(a.Crypto) || !finite(a.AI):
			return fmt.Errorf("synth: Assets[%d] (%s): Vol must be > 0 and Drift and the loadings finite", i, a.Symbol)
		case !(a.JumpIntensity >= 0 && a.JumpIntensity <= maxIntensity) || !finite(a.JumpMean) || !(a.JumpStd >= 0) || !finite(a.JumpStd):
			return fmt.Errorf("synth: Assets[%d] (%s): JumpIntensity must be in [0, %g] and the jump sizes finite", i, a.Symbol, maxIntensity)
		case !(a.Volume >= 0) || !finite(a.Volume):
			return fmt.Errorf("synth: Assets[%d] (%s).Volume must be >= 0, got %g", i, a.Symbol, a.Volume)
		}
		seen[a.Symbol] = true
	}
	return nil
}

// sessionBounds returns, per calendar day of the grid, the UTC instants of
// that date's New York session open and close (0, 0 on a day without a
// session).
func sessionBounds(start int64, days int, holidays bool) ([][2]int64, error) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		return nil, fmt.Errorf("synth: equity sessions need the America/New_York time zone: %w", err)
	}
	open := sessions(start, days, holidays)
	out := make([][2]int64, days)
	for d, ok := range open {
		if !ok {
			continue
		}
		y, m, dd := time.Unix(0, start+int64(d)*data.NanosPerDay).UTC().Date()
		out[d] = [2]int64{
			time.Date(y, m, dd, 9, 30, 0, 0, ny).UnixNano(),
			time.Date(y, m, dd, 16, 0, 0, 0, ny).UnixNano(),
		}
	}
	return out, nil
}

// GenerateIntraday builds the synthetic intraday market of c (see
// IntradayConfig). The panel is marked Synthetic, its series have Source
// "synthetic", Interval c.Interval and Rows nil, and each passes
// Validate. The same config gives a bit-identical panel.
func GenerateIntraday(c IntradayConfig) (*data.Panel, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	step := int64(c.Interval)
	perDay := data.NanosPerDay / step
	nSteps := int64(c.Days) * perDay
	var bounds [][2]int64
	hasEquity := false
	for _, a := range c.Assets {
		hasEquity = hasEquity || a.Class == data.Equity
	}
	if hasEquity {
		var err error
		if bounds, err = sessionBounds(c.Start, c.Days, c.ExchangeHolidays); err != nil {
			return nil, err
		}
	}
	// inSession is the fraction of step k inside its day's session.
	inSession := func(k int64) float64 {
		t := c.Start + k*step
		b := bounds[k/perDay]
		lo, hi := max(t, b[0]), min(t+step, b[1])
		if hi <= lo {
			return 0
		}
		return float64(hi-lo) / float64(step)
	}
	// W: the mean equity weight over the grid.
	W, sessionSteps := 1.0, 0
	if hasEquity {
		sum := 0.0
		for k := int64(0); k < nSteps; k++ {
			f := inSession(k)
			if f > 0 {
				sessionSteps++
			}
			sum += f + (1-f)*c.OffSessionWeight
		}
		W = sum / float64(nSteps)
	}
	dt := float64(step) / float64(data.NanosPerDay) / daysPerYear
	sqdt := math.Sqrt(dt)
	rf := rand.New(rand.NewPCG(c.Seed, streamIntraday))

	type state struct {
		a          Asset
		rng        *rand.Rand
		equity     bool
		logP       float64 // latent log price
		idio       float64
		mu         float64 // drift per year, jump mean compensated
		lJump      float64 // exp(-λ·dt) or exp(-λ/252) per session
		volBase    float64 // volume of one bar
		s          data.Series
		wasSession bool
	}
	st := make([]state, len(c.Assets))
	for i, a := range c.Assets {
		x := &st[i]
		x.a, x.equity = a, a.Class == data.Equity
		x.rng = rand.New(rand.NewPCG(c.Seed, streamIntraday^fnv64a(a.Symbol)))
		x.logP = math.Log(a.Price0)
		x.idio = math.Sqrt(math.Max(0, a.Vol*a.Vol-a.Tech*a.Tech-a.Crypto*a.Crypto-a.AI*a.AI-
			a.JumpIntensity*(a.JumpMean*a.JumpMean+a.JumpStd*a.JumpStd)))
		x.mu = a.Drift - a.JumpIntensity*a.JumpMean
		n := int(nSteps)
		if x.equity {
			x.lJump = math.Exp(-a.JumpIntensity / 252)
			x.volBase = a.Volume * float64(step) / float64(390*time.Minute)
			n = sessionSteps
		} else {
			x.lJump = math.Exp(-a.JumpIntensity * dt)
			x.volBase = a.Volume * float64(step) / float64(data.NanosPerDay)
		}
		x.s = data.Series{Instrument: data.Instrument{Symbol: a.Symbol, Class: a.Class, Source: "synthetic"}, Interval: c.Interval}
		x.s.Time = make([]int64, 0, n)
		for _, col := range []*[]float64{&x.s.Open, &x.s.High, &x.s.Low, &x.s.Close, &x.s.Volume} {
			*col = make([]float64, 0, n)
		}
	}
	var z [nFactors]float64
	for k := int64(0); k < nSteps; k++ {
		for f := range z {
			z[f] = rf.NormFloat64()
		}
		t := c.Start + k*step
		frac := 1.0
		if hasEquity {
			frac = inSession(k)
		}
		for i := range st {
			x := &st[i]
			w, scale := 1.0, 1.0
			if x.equity {
				w = (frac + (1-frac)*c.OffSessionWeight) / W
				scale = math.Sqrt(w)
			}
			eps := x.rng.NormFloat64()
			diff := scale * sqdt * (x.a.Tech*z[tech] + x.a.Crypto*z[crypto] + x.a.AI*z[ai] + x.idio*eps)
			v := w * dt * x.a.Vol * x.a.Vol // the step's diffusive variance (approximately: jumps excluded)
			r := x.mu*dt*w + diff
			if !x.equity {
				for n := poisson(x.rng, x.lJump); n > 0; n-- {
					r += x.a.JumpMean + x.a.JumpStd*x.rng.NormFloat64()
				}
			}
			open := x.logP
			session := !x.equity || frac > 0
			if x.equity && session && !x.wasSession {
				// The first bar of a session: its jumps are in the gap.
				for n := poisson(x.rng, x.lJump); n > 0; n-- {
					open += x.a.JumpMean + x.a.JumpStd*x.rng.NormFloat64()
				}
			}
			x.wasSession = session
			x.logP = open + r
			if !session {
				continue
			}
			hi, lo := bridgeExtremes(x.rng, r, v)
			x.s.Time = append(x.s.Time, t)
			x.s.Open = append(x.s.Open, math.Exp(open))
			x.s.Close = append(x.s.Close, math.Exp(x.logP))
			x.s.High = append(x.s.High, math.Exp(open+hi))
			x.s.Low = append(x.s.Low, math.Exp(open+lo))
			x.s.Volume = append(x.s.Volume, volume(x.rng, x.volBase, x.equity, c.VolumeDispersion, c.VolumeMoveSensitivity, r, v))
		}
	}
	p := &data.Panel{Synthetic: true, Series: make([]data.Series, len(st))}
	for i := range st {
		s := st[i].s
		s.AdjClose = s.Close
		// exp of open+hi can fall a rounding below max(open, close): clamp
		// to the prices the bar has.
		for k := range s.High {
			s.High[k] = math.Max(s.High[k], math.Max(s.Open[k], s.Close[k]))
			s.Low[k] = math.Min(s.Low[k], math.Min(s.Open[k], s.Close[k]))
		}
		if err := s.Validate("synthetic " + s.Symbol); err != nil {
			return nil, fmt.Errorf("synth: the generated panel is invalid, the parameters are too extreme: %w", err)
		}
		p.Series[i] = s
	}
	last := c.Start + int64(c.Days-1)*data.NanosPerDay
	p.Description = fmt.Sprintf("synthetic intraday market, seed %d, %s bars, %s to %s, %d assets %v: "+
		"tech, crypto and AI-theme factors, Poisson jumps, equities in 09:30-16:00 New York sessions, crypto 24/7 (data/synth)",
		c.Seed, c.Interval, data.FormatDay(c.Start), data.FormatDay(last), len(st), p.Symbols())
	return p, nil
}

// fnv64a is the FNV-1a hash of s, which selects an asset's stream.
func fnv64a(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
