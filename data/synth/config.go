package synth

import (
	"fmt"
	"math"

	"github.com/divergence-research/divergence/data"
)

// Config parameterises a synthetic market. Start from DefaultConfig and
// change what you need: a zero Config is not a market (Validate says why).
//
// Units: "annualised" means per 365 calendar days for everything the model
// does on its calendar-day grid; an asset's Vol is stated on the asset's own
// calendar (see Asset.Vol). Returns are log returns; rates and
// volatilities are fractions (0.25 = 25 %), never percent.
type Config struct {
	// Seed selects the path. The same Config gives a bit-identical panel;
	// another Seed gives another, independent path.
	Seed uint64

	// Start is the first calendar day of the grid, UTC midnight in Unix
	// nanoseconds (data.Day). Default 2019-01-01: with Days, the seven years
	// (2019-2025) the defaults are calibrated against, so the dates in demo
	// output look familiar; the path itself is random and replays none of
	// that history.
	Start int64

	// Days is the number of calendar days in the grid (crypto gets one bar
	// per day, equities one per exchange session among them). Default 2557:
	// 2019-01-01 through 2025-12-31.
	Days int

	// Assets are the instruments, in panel order. Default DefaultAssets().
	Assets []Asset

	// TechGARCH, CryptoGARCH and AIGARCH are the volatility clustering of
	// the three factors (see GARCH). Defaults:
	//   - Tech   {0.08, 0.90}: persistence 0.98 (half-life of a volatility
	//     shock about 34 days), the range of daily GARCH(1,1) fits to the
	//     S&P 500 and Nasdaq-100 (alpha 0.07-0.10, beta 0.88-0.92).
	//   - Crypto {0.10, 0.86}: crypto fits have a larger reaction and a
	//     shorter memory (alpha 0.10-0.15, beta 0.80-0.88); persistence 0.96,
	//     half-life about 17 days. The crash days below also feed this
	//     recursion, so a crash is followed by a high-volatility spell.
	//   - AI     {0.07, 0.91}: a slow-moving theme (earnings seasons, model
	//     launches): persistence 0.98, a smaller reaction than Tech.
	// All three keep 1 - (alpha+beta)^2 - 2 alpha^2 > 0, so the factor
	// returns have a finite kurtosis (4.4, 4.0 and 4.0 before crashes).
	TechGARCH, CryptoGARCH, AIGARCH GARCH

	// CrashIntensity is the expected number of common crypto crash days per
	// year (Poisson arrivals on the calendar-day grid). Default 2: BTC fell
	// 10 % or more on 22 days of 2019-2025 (about 3 a year, the token
	// complex with it: March 2020, May 2021, June and November 2022, ...);
	// with the mean crash below about half the crash days reach -10 % for
	// BTC, and the fat GARCH tails and BTC's own jumps supply the rest.
	CrashIntensity float64

	// CrashMean and CrashStd are the mean and standard deviation of the
	// normal move of the crypto factor on a crash day, in the factor's
	// units: an asset with crypto loading b (see Asset.Crypto) moves by
	// b × the draw, in log terms. Defaults -0.20 and 0.08: with BTC's
	// loading 0.48 the mean crash is -9.6 % for BTC and -14 % for TAO
	// (loading 0.70), and a 2-sigma crash is -17 % / -25 %: the scale of
	// the AI-crypto sell-off in the seed articles (BTC -18 %, TAO -23 %,
	// NEAR -25.4 % in a day).
	CrashMean, CrashStd float64

	// OffSessionWeight is the diffusive variance an equity takes on a
	// calendar day without a session (weekend, holiday), relative to a
	// session day, in [0, 1]. Factor and idiosyncratic moves on those days
	// still reach the equity (in the next session's opening gap), but
	// scaled by sqrt(OffSessionWeight) relative to a session day; the
	// scales are normalised so that the equity's annual variance is
	// unchanged. Default 0.2: a weekend then adds 0.4 of a session's
	// variance to Monday, in line with the 1.2-1.5x Monday variance of US
	// large caps. Crypto is unaffected (it trades every day).
	OffSessionWeight float64

	// OvernightShare is the fraction of an equity's session-day diffusive
	// variance realised between the previous close and the open, in [0, 1).
	// Default 0.25: for US large caps about a quarter of close-to-close
	// variance (excluding earnings jumps) is overnight. Jumps and off-day
	// moves are overnight in full.
	OvernightShare float64

	// ExchangeHolidays, when true, closes equities on the full-day NYSE
	// holidays (see the package doc); when false equities trade every
	// weekday. Default true, so that equities have about 252 sessions a
	// year, the number data.Sessions.PeriodsPerYear assumes.
	ExchangeHolidays bool

	// VolumeDispersion is the standard deviation of log volume on a day
	// with a typical move. Default 0.35: the day-to-day dispersion of log
	// volume of large caps and major tokens after removing their trend
	// (0.3-0.5).
	VolumeDispersion float64

	// VolumeMoveSensitivity is how much log volume rises per unit of the
	// bar's absolute standardised return |z|. Default 0.3: a 3-sigma day
	// trades about 1.9x a typical one (|z| ≈ 0.8), a 6-sigma crash day
	// about 4.8x, the scale of volume spikes on crash days.
	VolumeMoveSensitivity float64
}

// GARCH is a GARCH(1,1) variance recursion for one factor, on the
// calendar-day grid, normalised to unconditional variance 1:
//
//	h[d+1] = omega + Alpha·x[d]² + Beta·h[d],   x[d] = sqrt(h[d])·z[d] (+ crash)
//
// with omega chosen so that E[h] = 1 (see the package doc).
// Alpha + Beta is the persistence of volatility shocks; it must be below 1.
type GARCH struct {
	Alpha float64 // reaction to yesterday's squared shock, >= 0
	Beta  float64 // weight of yesterday's variance, >= 0
}

// Asset is one instrument of the synthetic market: its calendar, its
// starting price, and the loadings, idiosyncratic noise and jumps that make
// up its daily log return (see the package doc for the model).
//
// Loadings (Tech, Crypto, AI) are in annualised-volatility units: each factor
// has unit variance per year, so a loading of 0.30 means that factor alone
// moves the asset with 30 % annualised volatility, and the model covariance
// of two assets is the sum of the products of their loadings (plus the crash
// term). The idiosyncratic volatility is not a field: it is whatever
// variance Vol leaves after the loadings, the crash exposure and the jumps.
type Asset struct {
	Symbol string
	Class  data.Class // data.Equity (exchange sessions) or data.Crypto (every day)

	// Price0 is the close of the day before Start: the price the first
	// bar opens from (directly for crypto, after the opening gap for
	// equities). > 0.
	Price0 float64

	// Drift is the expected log return per year, everything included
	// (jump and crash means are compensated in the daily drift), so that
	// E[log(P_T / P_0)] = Drift × T in years.
	Drift float64

	// Vol is the total annualised volatility of the asset's bar-to-bar log
	// returns on its own calendar: sqrt(252) × the standard deviation of
	// session returns for equities (with ExchangeHolidays: ~252 sessions a
	// year), sqrt(365) × that of daily returns for crypto. It includes the
	// factors, the crash days, the jumps and the idiosyncratic noise.
	Vol float64

	// Tech, Crypto and AI are the loadings on the three factors, in
	// annualised-volatility units (see the type doc). The crash days act
	// through Crypto.
	Tech, Crypto, AI float64

	// JumpIntensity is the expected number of idiosyncratic jumps per
	// year (per 365 calendar days). Equities jump only on sessions (earnings
	// and news land in the opening gap); crypto on any day.
	JumpIntensity float64

	// JumpMean and JumpStd are the mean and standard deviation of the
	// normal log size of one jump. A negative mean makes crashes more
	// likely than melt-ups.
	JumpMean, JumpStd float64

	// Volume is the typical volume of a bar with an average-size move, in
	// shares (equities, rounded to whole shares) or coins (crypto). 0 means
	// the series has no volume (an index level): every volume is NaN.
	Volume float64
}

// Default calendar of DefaultConfig.
var (
	defaultStart = data.Day(2019, 1, 1)
)

const (
	defaultDays = 2557 // 2019-01-01 .. 2025-12-31
	// maxDays bounds the grid at 200 years: beyond it a typo, not a
	// market (and a few hundred MB of columns).
	maxDays = 200 * 36525 / 100
	// maxIntensity bounds jump and crash intensities at one a day on
	// average; the Poisson sampler is exact for any intensity, this is a
	// guard against a rate typed per day instead of per year × 365.
	maxIntensity = 365.0
)

// DefaultConfig returns the default synthetic market with the given seed:
// DefaultAssets over 2019-01-01 .. 2025-12-31 with the factor, crash, gap
// and volume parameters documented on Config.
func DefaultConfig(seed uint64) Config {
	return Config{
		Seed:                  seed,
		Start:                 defaultStart,
		Days:                  defaultDays,
		Assets:                DefaultAssets(),
		TechGARCH:             GARCH{Alpha: 0.08, Beta: 0.90},
		CryptoGARCH:           GARCH{Alpha: 0.10, Beta: 0.86},
		AIGARCH:               GARCH{Alpha: 0.07, Beta: 0.91},
		CrashIntensity:        2,
		CrashMean:             -0.20,
		CrashStd:              0.08,
		OffSessionWeight:      0.2,
		OvernightShare:        0.25,
		ExchangeHolidays:      true,
		VolumeDispersion:      0.35,
		VolumeMoveSensitivity: 0.3,
	}
}

// DefaultAssets returns the default instruments: the AI-tech equities MSFT,
// NVDA, META, AMD, ORCL and the index-like ETF QQQ, on exchange sessions;
// BTC, ETH and the AI tokens TAO, RENDER, FET, NEAR, every calendar day.
//
// Calibration (real daily closes 2019-2025, tokens since their listing):
// realised vols MSFT 0.28, NVDA 0.51, META 0.42, AMD 0.53, ORCL 0.36,
// QQQ 0.24, BTC 0.64, ETH 0.84, TAO 1.09, RENDER 1.05, FET 1.23, NEAR 1.23;
// correlations of session returns about 0.5-0.7 among the equities, 0.8 for
// BTC-ETH, 0.6-0.7 from BTC to the tokens, 0.2-0.3 from equities to crypto.
// The defaults stay within the brief's ranges (equities 25-50 %, BTC 60 %,
// AI tokens 90-130 %) and reproduce those correlation levels, except that
// the AI tokens TAO, FET and NEAR load negatively on the AI factor: news
// that lifts the AI equities (an earnings beat at a centralised AI company)
// pushes decentralised-AI tokens the other way, and RENDER (GPU rendering)
// loads positively. That gap between AI equities and AI tokens is the
// divergence the project is named after.
//
// Price0 is the split-adjusted close of 2018-12-31 for the assets that
// traded then; the tokens, which did not exist yet, start at prices of the
// order of their early listings. Drifts are modest expected log returns, not
// the realised (and unrepeatable) 2019-2025 ones. Volumes are of the order
// of 2019-2025 daily volumes (shares, or coins on a major exchange).
func DefaultAssets() []Asset {
	eq, cr := data.Equity, data.Crypto
	return []Asset{
		// Equities: earnings jumps ~4 a year (one per quarter), zero mean;
		// small crypto loadings (NVDA and AMD sold GPUs to miners), so a
		// crypto crash day spills over a little.
		{Symbol: "MSFT", Class: eq, Price0: 95, Drift: 0.15, Vol: 0.28, Tech: 0.21, Crypto: 0.03, AI: 0.08,
			JumpIntensity: 3, JumpStd: 0.04, Volume: 30e6},
		{Symbol: "NVDA", Class: eq, Price0: 3.4, Drift: 0.30, Vol: 0.50, Tech: 0.28, Crypto: 0.04, AI: 0.30,
			JumpIntensity: 4, JumpMean: 0.01, JumpStd: 0.07, Volume: 450e6},
		{Symbol: "META", Class: eq, Price0: 131, Drift: 0.12, Vol: 0.40, Tech: 0.25, Crypto: 0.03, AI: 0.10,
			JumpIntensity: 4, JumpStd: 0.09, Volume: 20e6},
		{Symbol: "AMD", Class: eq, Price0: 18.5, Drift: 0.15, Vol: 0.50, Tech: 0.27, Crypto: 0.06, AI: 0.26,
			JumpIntensity: 4, JumpStd: 0.07, Volume: 60e6},
		{Symbol: "ORCL", Class: eq, Price0: 41, Drift: 0.10, Vol: 0.33, Tech: 0.17, Crypto: 0.02, AI: 0.12,
			JumpIntensity: 4, JumpStd: 0.06, Volume: 15e6},
		// QQQ: an index-like ETF, no idiosyncratic jumps.
		{Symbol: "QQQ", Class: eq, Price0: 155, Drift: 0.12, Vol: 0.23, Tech: 0.21, Crypto: 0.04, AI: 0.06,
			Volume: 45e6},
		// Crypto: negative-mean jumps, more and larger for the tokens.
		{Symbol: "BTC", Class: cr, Price0: 3700, Drift: 0.25, Vol: 0.60, Tech: 0.20, Crypto: 0.48,
			JumpIntensity: 4, JumpMean: -0.02, JumpStd: 0.06, Volume: 40e3},
		{Symbol: "ETH", Class: cr, Price0: 135, Drift: 0.15, Vol: 0.78, Tech: 0.20, Crypto: 0.58,
			JumpIntensity: 5, JumpMean: -0.03, JumpStd: 0.08, Volume: 500e3},
		{Symbol: "TAO", Class: cr, Price0: 250, Drift: 0, Vol: 1.15, Tech: 0.22, Crypto: 0.70, AI: -0.25,
			JumpIntensity: 10, JumpMean: -0.04, JumpStd: 0.13, Volume: 60e3},
		{Symbol: "RENDER", Class: cr, Price0: 2, Drift: 0.05, Vol: 1.10, Tech: 0.22, Crypto: 0.72, AI: 0.15,
			JumpIntensity: 9, JumpMean: -0.03, JumpStd: 0.12, Volume: 5e6},
		{Symbol: "FET", Class: cr, Price0: 0.25, Drift: 0, Vol: 1.15, Tech: 0.20, Crypto: 0.70, AI: -0.20,
			JumpIntensity: 10, JumpMean: -0.04, JumpStd: 0.12, Volume: 50e6},
		{Symbol: "NEAR", Class: cr, Price0: 1.5, Drift: -0.05, Vol: 1.05, Tech: 0.20, Crypto: 0.68, AI: -0.05,
			JumpIntensity: 8, JumpMean: -0.03, JumpStd: 0.11, Volume: 4e6},
	}
}

// Validate checks the Config and returns the first problem, naming the
// field: "synth: Days must be > 0, got -3",
// "synth: Assets[2] (META).Vol must be > 0, got 0".
func (c Config) Validate() error {
	if c.Days <= 0 {
		return fmt.Errorf("synth: Days must be > 0, got %d", c.Days)
	}
	if c.Days > maxDays {
		return fmt.Errorf("synth: Days must be <= %d (200 years), got %d", maxDays, c.Days)
	}
	if c.Start%data.NanosPerDay != 0 {
		return fmt.Errorf("synth: Start must be a UTC midnight (a multiple of 86400e9 ns, see data.Day), got %d", c.Start)
	}
	for _, g := range [...]struct {
		name string
		g    GARCH
	}{{"TechGARCH", c.TechGARCH}, {"CryptoGARCH", c.CryptoGARCH}, {"AIGARCH", c.AIGARCH}} {
		if !(g.g.Alpha >= 0) || math.IsInf(g.g.Alpha, 0) {
			return fmt.Errorf("synth: %s.Alpha must be >= 0, got %g", g.name, g.g.Alpha)
		}
		if !(g.g.Beta >= 0) || math.IsInf(g.g.Beta, 0) {
			return fmt.Errorf("synth: %s.Beta must be >= 0, got %g", g.name, g.g.Beta)
		}
		if !(g.g.Alpha+g.g.Beta < 1) {
			return fmt.Errorf("synth: %s.Alpha + %s.Beta must be < 1 (a stationary variance), got %g", g.name, g.name, g.g.Alpha+g.g.Beta)
		}
	}
	if !(c.CrashIntensity >= 0 && c.CrashIntensity <= maxIntensity) {
		return fmt.Errorf("synth: CrashIntensity must be in [0, %g] crash days per year, got %g", maxIntensity, c.CrashIntensity)
	}
	if !finite(c.CrashMean) {
		return fmt.Errorf("synth: CrashMean must be finite, got %g", c.CrashMean)
	}
	if !(c.CrashStd >= 0) || math.IsInf(c.CrashStd, 0) {
		return fmt.Errorf("synth: CrashStd must be >= 0, got %g", c.CrashStd)
	}
	if om := c.cryptoOmega(); !(om > 0) {
		return fmt.Errorf("synth: CryptoGARCH.Alpha = %g is too large for the crash days (CrashIntensity %g, CrashMean %g, CrashStd %g): "+
			"they alone would push the factor's variance above 1 (omega = %g); lower CryptoGARCH.Alpha+Beta or the crashes",
			c.CryptoGARCH.Alpha, c.CrashIntensity, c.CrashMean, c.CrashStd, om)
	}
	if !(c.OffSessionWeight >= 0 && c.OffSessionWeight <= 1) {
		return fmt.Errorf("synth: OffSessionWeight must be in [0, 1], got %g", c.OffSessionWeight)
	}
	if !(c.OvernightShare >= 0 && c.OvernightShare < 1) {
		return fmt.Errorf("synth: OvernightShare must be in [0, 1), got %g", c.OvernightShare)
	}
	if !(c.VolumeDispersion >= 0) || math.IsInf(c.VolumeDispersion, 0) {
		return fmt.Errorf("synth: VolumeDispersion must be >= 0, got %g", c.VolumeDispersion)
	}
	if !(c.VolumeMoveSensitivity >= 0) || math.IsInf(c.VolumeMoveSensitivity, 0) {
		return fmt.Errorf("synth: VolumeMoveSensitivity must be >= 0, got %g", c.VolumeMoveSensitivity)
	}
	if len(c.Assets) == 0 {
		return fmt.Errorf("synth: Assets is empty (DefaultAssets() is the default market)")
	}
	seen := make(map[string]int, len(c.Assets))
	hasEquity := false
	for i, a := range c.Assets {
		if a.Symbol == "" {
			return fmt.Errorf("synth: Assets[%d].Symbol is empty", i)
		}
		if j, ok := seen[a.Symbol]; ok {
			return fmt.Errorf("synth: Assets[%d].Symbol %q is also Assets[%d].Symbol", i, a.Symbol, j)
		}
		seen[a.Symbol] = i
		if err := c.validateAsset(i, a); err != nil {
			return err
		}
		hasEquity = hasEquity || a.Class == data.Equity
	}
	if hasEquity && !c.hasSession() {
		return fmt.Errorf("synth: Days = %d from Start %s has no exchange session for the equities; raise Days",
			c.Days, data.FormatDay(c.Start))
	}
	return nil
}

func (c Config) validateAsset(i int, a Asset) error {
	field := func(name string) string { return fmt.Sprintf("Assets[%d] (%s).%s", i, a.Symbol, name) }
	if a.Class != data.Equity && a.Class != data.Crypto {
		return fmt.Errorf("synth: %s must be data.Equity or data.Crypto, got %v", field("Class"), a.Class)
	}
	if !(a.Price0 > 0) || math.IsInf(a.Price0, 0) {
		return fmt.Errorf("synth: %s must be > 0 and finite, got %g", field("Price0"), a.Price0)
	}
	if !finite(a.Drift) {
		return fmt.Errorf("synth: %s must be finite, got %g", field("Drift"), a.Drift)
	}
	if !(a.Vol > 0) || math.IsInf(a.Vol, 0) {
		return fmt.Errorf("synth: %s must be > 0 and finite, got %g", field("Vol"), a.Vol)
	}
	for _, f := range [...]struct {
		name string
		v    float64
	}{{"Tech", a.Tech}, {"Crypto", a.Crypto}, {"AI", a.AI}, {"JumpMean", a.JumpMean}} {
		if !finite(f.v) {
			return fmt.Errorf("synth: %s must be finite, got %g", field(f.name), f.v)
		}
	}
	if !(a.JumpIntensity >= 0 && a.JumpIntensity <= maxIntensity) {
		return fmt.Errorf("synth: %s must be in [0, %g] jumps per year, got %g", field("JumpIntensity"), maxIntensity, a.JumpIntensity)
	}
	if !(a.JumpStd >= 0) || math.IsInf(a.JumpStd, 0) {
		return fmt.Errorf("synth: %s must be >= 0, got %g", field("JumpStd"), a.JumpStd)
	}
	if !(a.Volume >= 0) || math.IsInf(a.Volume, 0) {
		return fmt.Errorf("synth: %s must be >= 0 (0: no volume), got %g", field("Volume"), a.Volume)
	}
	if iv := c.idioVar(a); iv < 0 {
		need := math.Sqrt(a.Vol*a.Vol - iv)
		return fmt.Errorf("synth: %s = %g is below what the loadings, crash exposure and jumps alone give (%.4g); raise Vol or lower them",
			field("Vol"), a.Vol, need)
	}
	return nil
}

// idioVar is the annual idiosyncratic variance that a's Vol leaves after
// the factors, the crash days and the jumps; negative when they exceed it.
func (c Config) idioVar(a Asset) float64 {
	return a.Vol*a.Vol - a.Tech*a.Tech - a.AI*a.AI - a.Crypto*a.Crypto*(1+c.crashVar()) - a.JumpIntensity*(a.JumpMean*a.JumpMean+a.JumpStd*a.JumpStd)
}

// crashVar is the crash days' contribution to the crypto factor's annual
// variance: intensity × E[C²].
func (c Config) crashVar() float64 {
	return c.CrashIntensity * (c.CrashMean*c.CrashMean + c.CrashStd*c.CrashStd)
}

// cryptoOmega is the constant of the crypto factor's GARCH recursion that
// keeps E[h] = 1 with the crash days feeding it: the crash adds
// Alpha × (daily crash probability) × E[crash²] (crash in daily standard
// units) to E[h] every day.
func (c Config) cryptoOmega() float64 {
	g := c.CryptoGARCH
	return 1 - g.Alpha - g.Beta - g.Alpha*c.crashVar() // (λ/365)·E[(C·√365)²] = λ·E[C²]
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
