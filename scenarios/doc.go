// Package scenarios turns stress scenarios into shocked views of a
// data.Panel and into a market environment (Env) the broker reads, and
// generates Monte Carlo paths by a stationary block bootstrap.
//
// A Scenario is a name, a description, a source (citation), an optional
// probability, free-form metadata (figures that are not price moves, such
// as liquidation totals) and an ordered list of shocks. Scenarios are read
// from TOML (Parse, FromMap) or taken from the built-in library (Library,
// Lookup); docs/scenarios.md describes the file format and every
// primitive's formula.
//
// Conventions:
//   - Moves, rates and weights are fractions: -0.04 is -4%.
//   - A shock "at a date" applies to each instrument's first bar on or
//     after that date (equities trade on sessions, crypto every day); on
//     bars of a week or more, a move during the bar lands on the bar the
//     date falls in, a gap on the next.
//   - Spreads and recoveries of jumps count the instrument's own bars
//     (its trading days); windows of regimes (volatility, correlation,
//     liquidity, funding, borrow) are calendar time [from, to).
//   - Returns are close-to-close log returns of each instrument's own bars.
//   - Shocks compose in their declared order; after every shock each bar
//     satisfies 0 < low <= min(open, close) <= max(open, close) <= high.
//   - Apply never writes to the panel it is given: the view copies the
//     columns of the instruments a shock touches and shares the rest
//     (copy-on-write).
//   - All randomness comes from a *rand.Rand passed in; Monte Carlo paths
//     derive their seeds from the root seed and the path index by a stable
//     hash, so results do not depend on the number of workers.
package scenarios
