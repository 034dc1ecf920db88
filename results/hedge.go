package results

import "math"

// HedgeThreshold is the loss of a pair hedge's long leg alone under a
// scenario, its final equity against its baseline's as a fraction of the
// baseline's, from which the hedge's effectiveness is measured: with a
// smaller loss (or a gain) the ratio of two small numbers means nothing
// (2918 %, −393 %). stress.csv, results.duckdb, the report and the
// command's table all follow it.
const HedgeThreshold = 0.01

// ScenarioHedgeEffectiveness is the share of the long leg's scenario loss
// that the hedge saved, 1 − hedged / longLeg, where each is the run's
// final equity under the scenario over its baseline's, less 1 (the
// scenario's change relative to the run's own size); NaN where the long
// leg lost less than HedgeThreshold. Relative, because the long leg alone
// (a companion run holding the hedge's long weights of its own equity)
// grows apart from the hedge over a run: in money, a companion 3.86
// times the hedge's size made a shock on the long leg alone, which the
// hedge's short leg cannot offset (effectiveness 0), read 0.85. Taken at
// the end, each run's later returns apply alike to its scenario and its
// baseline and cancel in the ratio. (metrics.HedgeEffectiveness is
// another measure: the share of the unhedged returns' variance the hedge
// removed.)
func ScenarioHedgeEffectiveness(hedged, longLeg float64) float64 {
	if !(longLeg <= -HedgeThreshold) {
		return math.NaN()
	}
	return 1 - hedged/longLeg
}

// ScenarioChange is a run's final equity under a scenario over its
// baseline's, less 1: NaN when the baseline's is not positive (a ruined
// baseline has no size to compare with).
func ScenarioChange(final, baseline float64) float64 {
	if !(baseline > 0) {
		return math.NaN()
	}
	return final/baseline - 1
}

// StressMarkNames are the stress heatmaps' legend words for their marked
// cells (charts.Matrix.MarkNames), alike in stress_heatmap and the
// report: a row whose scenario was meant to shock what the run trades
// and shocked none of it (instruments_shocked = 0 and
// instruments_unreplayed > 0), one that shocked part of it, and one
// whose scenario aims at none of it (a true 0).
func StressMarkNames() [3]string {
	return [3]string{"unknown (not replayed)", "part of it shocked", "untouched (it aims at nothing the run trades)"}
}
