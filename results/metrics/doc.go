// Package metrics computes performance and risk metrics of a return series:
// pure functions over []float64, no state, no I/O, deterministic.
//
// # Inputs and units
//
// Unless a function says otherwise its input is a series of simple
// (arithmetic, not log) per-period returns as decimals: 0.01 is +1 %.
// Rates passed beside a series (a risk-free rate rf, a minimum acceptable
// return mar, an omega threshold) are per period, never annual; convert an
// annual rate with [PeriodRate]. ppy is the number of periods per year (252
// trading days, 365 calendar days for crypto, 52 weeks, 12 months); it is
// always given by the caller, never inferred, and must be > 0 (a
// non-positive ppy is a programmer error and panics). Annualised numbers
// use it as stated in each function: volatilities scale by √ppy, arithmetic
// means by ppy, compounded returns by the power ppy/n.
//
// Results that are returns or drawdowns are decimals in the same sign
// convention as the input: a loss is negative. [MaxDrawdown] is ≤ 0,
// [VaR] and [CVaR] are returns (a 5 % loss is −0.05), not positive
// loss amounts.
//
// Functions that write a series take a dst slice first (the gonum
// convention): when dst is nil a new slice is allocated, otherwise dst must
// have exactly the output length or the function panics; the result is
// returned. Two series passed together (returns and benchmark) must have
// the same length, row i of one matching row i of the other, or the
// function panics.
//
// # Missing values (NaN)
//
// NaN marks a missing period. The rule, the same for every function unless
// its doc says otherwise, follows the nan-aware statistics of empyrical and
// the na.omit of PerformanceAnalytics:
//
//   - Statistics and ratios skip NaN rows: n counts the non-missing rows
//     only (so [CAGR] compounds over the non-missing rows, as
//     PerformanceAnalytics does; to count a missing row as a 0 % period, as
//     empyrical's annual_return does, replace the NaN by 0 first).
//   - Functions of two series (benchmark, risk-free column) use the rows
//     where both are present; [Excess] propagates NaN element-wise.
//   - Path functions (drawdowns, cumulative returns, durations) treat a
//     missing return as 0 %: wealth carries over, indices stay those of the
//     input rows.
//   - Rolling functions skip NaN inside a window (the window still spans
//     `window` rows) and write NaN for the first window−1 rows.
//   - An empty input, or one with no non-missing row, gives NaN. Statistics
//     that need a dispersion (volatility with ddof 1, Sharpe, Sortino,
//     omega, information ratio, beta, alpha, correlation, stability and
//     the higher moments) are NaN with fewer than 2 observations.
//
// NaN inside a parameter (rf, mar, threshold) gives NaN.
//
// # Division by zero
//
// A ratio whose denominator is exactly zero is ±Inf when its numerator is
// non-zero and NaN when the numerator is zero too (Go's float division),
// which is the convention of both reference libraries for [Sortino]
// (no downside), [Omega] (no losses), [Calmar] (no drawdown),
// [ProfitFactor], [TailRatio] and the capture ratios. There are two
// deliberate exceptions: [Sharpe], [GeometricSharpe], [RollingSharpe] and
// [InformationRatio] are NaN when the standard deviation is zero (a
// constant series has no meaningful Sharpe ratio; empyrical would return
// ±Inf) or under 1e-12 per period, rounding noise (the returns of a curve
// in cash compounding at a fixed rate differ by ~1e-16 and gave a Sharpe
// ratio of ~1e13), and regressions ([Beta], [Alpha], [Correlation]) are NaN when the
// benchmark's population variance is below 1e-30 (empyrical's rule).
// A series whose non-missing values are all identical has a standard
// deviation of exactly 0 (it is detected, not left to rounding).
//
// # Estimators
//
// Standard deviations are sample standard deviations (ddof = 1, divide by
// n−1) unless stated: [AnnualVolatility], [Sharpe], [TrackingError],
// [InformationRatio] and the rolling functions, as in empyrical and
// PerformanceAnalytics. [StdDev] takes ddof explicitly. Skewness, kurtosis
// and the Cornish–Fisher expansion use population central moments
// (divide by n); [Kurtosis] is excess kurtosis. Gaussian VaR/ES take ddof
// explicitly (PerformanceAnalytics uses 0 for one series).
// Quantiles are linear interpolation between order statistics (R type 7,
// numpy's default).
//
// # Rolling windows
//
// RollingVolatility, RollingSharpe, RollingBeta, RollingCorrelation and
// RollingMaxDrawdown write one value per input row into dst: row i holds
// the metric of rows i−window+1..i, and the first window−1 rows are NaN
// (empyrical's roll_* functions return only the complete windows,
// dst[window−1:]). Missing rows inside a window are skipped; the window
// still spans window rows. All but RollingMaxDrawdown stream in O(n): each
// row adds one observation and removes one (Welford updates), the window
// is re-computed exactly every window rows so rounding cannot accumulate,
// and also whenever its centred sum of squares falls below 1/1000 of its
// largest value since the last re-computation (a window whose variance
// collapses, such as a flat benchmark after a volatile spell, would
// otherwise lose digits). They match the plain functions applied to each
// window to ~1e-9 relative. window must be ≥ 1.
//
// Sums run in a fixed order (input order; ascending for tail means), so the
// same input gives bit-identical output.
//
// docs/metrics.md lists every formula and maps the conventions of
// empyrical and PerformanceAnalytics to this package's; the conformance test
// checks all 771 of their published test vectors.
package metrics
