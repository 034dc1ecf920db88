// Package synth generates a seeded synthetic market: daily OHLCV bars for
// AI-tech equities and crypto (BTC, ETH, AI tokens) whose returns have the
// features the project's strategies and stress tests care about —
// correlation through common factors, volatility clustering, jumps, crypto
// crash days, weekend moves that reach equities on Monday, and a theme
// factor on which AI equities and AI tokens can diverge. It is the embedded
// default market of the demo and of tests that must run without real data.
// Every panel it makes is marked Synthetic and says "synthetic market, seed
// N" in its Description.
//
// GenerateIntraday makes an intraday market on the same factor structure
// (minute to 4-hour bars, equities in their New York sessions, crypto
// 24/7; see IntradayConfig). Package data/duckdb (cgo) writes any panel,
// this one's included, as Parquet: duckdb.WriteParquetTable (one table
// with a symbol column) and duckdb.WriteParquetDir (one file per
// instrument), marking the folder synthetic when the panel is.
//
// # Model
//
// Everything happens on a calendar-day grid d = 0 .. Days-1 (UTC
// midnights from Config.Start). Units: log returns; "annualised" means per
// 365 calendar days; Vol, Drift and the loadings are fractions per year.
//
// Three factors — tech (large-cap tech equities), crypto (the whole token
// complex) and AI (the AI theme) — have daily shocks in standard units
//
//	e_k[d] = sqrt(h_k[d]) · z_k[d],   z ~ N(0, 1) independent,
//	h_k[d+1] = ω_k + α_k · x_k[d]² + β_k · h_k[d],   h_k[0] = 1,
//
// a GARCH(1,1) with unconditional variance E[h] = 1 (Config.TechGARCH,
// CryptoGARCH, AIGARCH give α, β). x_k = e_k, except for the crypto factor
// on a crash day: common crash days arrive as a Poisson process
// (Config.CrashIntensity per year), each moving the crypto factor by
// C ~ N(CrashMean, CrashStd²) (factor units); x_crypto = e_crypto + C·√365
// then feeds the recursion, so a crash raises crypto volatility for the
// following weeks. ω_crypto = 1 − α − β − α·λ_crash·E[C²] keeps E[h] = 1.
//
// Asset i has loadings b_ik in annualised-volatility units (Asset.Tech,
// Crypto, AI), an idiosyncratic volatility σ_ε fixed by its total Vol:
//
//	σ_ε² = Vol² − Σ_k b_ik² − b_i,crypto²·λ_crash·E[C²] − λ_i·(μ_J² + σ_J²),
//
// and a calendar-day log-return component
//
//	r_i[d] = μ_i·w[d]/W + s[d]·(Σ_k b_ik·e_k[d] + σ_ε·ε_i[d]) / √365
//	         + b_i,crypto·C[d] + J_i[d],
//
// where C[d] is the crash move (0 on most days), J_i[d] the sum of the
// asset's idiosyncratic jumps that day — Poisson arrivals at Asset.JumpIntensity
// per year, sizes N(JumpMean, JumpStd²) — and μ_i = Drift − λ_i·μ_J −
// b_i,crypto·λ_crash·CrashMean, so that the expected log return per year is
// Drift. For crypto s[d] = w[d] = W = 1. For equities the diffusive part is
// reweighted by calendar: w[d] = 1 on a session day and OffSessionWeight on
// a weekend or holiday, W the mean of w over the grid and s[d] = sqrt(w[d]/W),
// which leaves the annual variance unchanged while moving most of it onto
// sessions; equity jumps arrive on sessions only (earnings land in the
// opening gap). The model covariance of two assets' calendar-day returns is
// mean(s_i·s_j)·Σ_k b_ik·b_jk + b_i,crypto·b_j,crypto·λ_crash·E[C²] per year.
//
// # Bars
//
// Crypto has a bar every calendar day; its log return is r[d]. An equity
// has a bar on each US exchange session (weekdays, without the full-day
// NYSE holidays and the one-off closures since 2000 unless
// Config.ExchangeHolidays is false), and its session log
// return is the sum of its components r[d] over the calendar days since its
// previous session: a weekend crypto crash or tech-factor move reaches
// Monday's equity close through the equity's loadings (diffusive moves
// scaled by s[d] as above), so nothing that happened on a weekend is lost
// and correlations measured on sessions include it. Close = Price0 · exp(cumulative log return); AdjClose =
// Close (no splits or dividends).
//
// Open = previous close × exp(gap). Crypto trades 24/7, so its gap is 0 and
// a day opens at the previous close. An equity's gap holds the components of
// its days off, the session day's jumps and crash move, and the overnight
// part of the session day's diffusive move X: given X with conditional
// variance v, the overnight part is drawn from the Brownian bridge,
// N(φ·X, φ(1−φ)·v), φ = Config.OvernightShare, and the rest is intraday.
// High and low are the maximum and minimum of a Brownian bridge from the
// open to the close with the intraday variance ((1−φ)·v for equities, v for
// crypto), each drawn from its exact marginal law P(log(high/open) > x) =
// exp(−2x(x−b)/v) for x ≥ max(0, b), b = log(close/open) (symmetrically for
// the low; the two draws are independent, so their joint law is only
// approximate). Hence low ≤ min(open, close) ≤ max(open, close) ≤ high
// always, and the range scales with the day's conditional volatility: its
// mean is √(8/π)·√v, that of Brownian motion. Volume is lognormal around Asset.Volume with
// log-sd VolumeDispersion, multiplied by exp(VolumeMoveSensitivity·(|z| −
// √(2/π))), z the bar's return over its conditional diffusive volatility, so
// big-move days trade more.
//
// # Determinism
//
// All randomness comes from math/rand/v2 PCG sources seeded with
// Config.Seed: the factors and crash days from one stream, each asset from a
// stream of its own selected by its symbol, so adding, removing or
// reordering assets leaves the factor paths and every other asset's path
// unchanged. There is no global random source and no clock: the same Config
// gives a bit-identical panel (on a given architecture; Go may fuse
// multiply-adds on some architectures, which changes the last bits), and
// another Seed gives an independent market.
package synth
