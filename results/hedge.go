package results

import "math"

// HedgeThreshold is the loss of a pair hedge's long leg alone under a
// scenario, against its baseline and as a share of the initial cash, from
// which the hedge's effectiveness is measured: with a smaller loss (or a
// gain) the ratio of two small numbers means nothing (2918 %, −393 %).
// stress.csv, results.duckdb, the report and the command's table all
// follow it.
const HedgeThreshold = 0.01

// ScenarioHedgeEffectiveness is the share of the long leg's scenario loss
// that the hedge saved, 1 − hedged / longLeg (both PnLs against their
// baselines, in money), or NaN where the long leg lost less than
// HedgeThreshold of cash. (metrics.HedgeEffectiveness is another measure:
// the share of the unhedged returns' variance the hedge removed.)
func ScenarioHedgeEffectiveness(hedged, longLeg, cash float64) float64 {
	if !(cash > 0) || !(longLeg <= -HedgeThreshold*cash) {
		return math.NaN()
	}
	return 1 - hedged/longLeg
}
