package report

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/divergence-research/divergence/results"
)

// LegSeries is a pair hedge's legs over time, as package experiment writes
// them in runs/<key>/legs.csv: at each sync point the equal-weight long
// and short leg returns since the previous one, the rolling beta of the
// short leg on the long and their rolling correlation.
type LegSeries struct {
	Time                    []int64
	LongReturn, ShortReturn []float64
	BetaShortOnLong, Correl []float64
}

// WalkForward is one strategy's walk-forward, as package experiment writes
// it under walkforward/<strategy>/: the windows (windows.parquet or .csv)
// and the stitched out-of-sample equity (equity.parquet or .csv).
type WalkForward struct {
	// Strategy is the folder's name (the strategy's slug).
	Strategy string
	// Windows is the windows table as text, with its header.
	Windows *Table
	// Equity is the stitched out-of-sample equity.
	Equity []int64
	Values []float64
}

// Band is a run's Monte Carlo percentile bands of the growth of 1 over
// time: montecarlo_bands.parquet or .csv (columns run, time, p05, p25,
// p50, p75, p95), or computed from montecarlo.csv's whole paths.
type Band struct {
	Run  string
	Time []int64
	// Q holds the 5, 25, 50, 75 and 95 % quantiles, each of len(Time).
	Q [5][]float64
}

// BandsFile is the optional file of Monte Carlo bands (CSV, or Parquet of
// the same name).
const BandsFile = "montecarlo_bands.csv"

// bandColumns are the columns of montecarlo_bands.csv after run and time.
var bandColumns = [5]string{"p05", "p25", "p50", "p75", "p95"}

// readNumbers reads a table with a time column and float columns from
// path (a .csv name; its .parquet twin is preferred when present). ok is
// false when neither file exists. Missing values read as NaN. When key is
// not "", the key column's text is returned too.
func readNumbers(path, key string, cols ...string) (keys []string, times []int64, vals [][]float64, ok bool, err error) {
	pq := strings.TrimSuffix(path, ".csv") + ".parquet"
	if _, err := os.Stat(pq); err == nil {
		names := append([]string{"time"}, cols...)
		if key != "" {
			names = append(names, key)
		}
		t, err := results.ReadTableParquet(pq, names...)
		if err != nil {
			return nil, nil, nil, false, fmt.Errorf("report: %w", err)
		}
		times = t.Columns[0].Times
		if times == nil {
			return nil, nil, nil, false, fmt.Errorf("report: %s: time is not a timestamp column", pq)
		}
		for j := range cols {
			c := t.Columns[1+j]
			if c.Floats == nil {
				return nil, nil, nil, false, fmt.Errorf("report: %s: %s is not a double column", pq, cols[j])
			}
			vals = append(vals, c.Floats)
		}
		if key != "" {
			keys = t.Columns[len(names)-1].Strings
		}
		return keys, times, vals, true, nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, false, nil
	}
	header, rows, err := readCSV(path)
	if err != nil {
		return nil, nil, nil, false, err
	}
	names := append([]string{"time"}, cols...)
	if key != "" {
		names = append(names, key)
	}
	idx, err := columns(path, header, names...)
	if err != nil {
		return nil, nil, nil, false, err
	}
	times = make([]int64, len(rows))
	vals = make([][]float64, len(cols))
	for j := range vals {
		vals[j] = make([]float64, len(rows))
	}
	if key != "" {
		keys = make([]string, len(rows))
	}
	for i, r := range rows {
		line := i + 2
		if times[i], err = parseTime(path, line, r[idx[0]]); err != nil {
			return nil, nil, nil, false, err
		}
		for j, c := range cols {
			if vals[j][i], err = parseFloat(path, line, c, r[idx[1+j]]); err != nil {
				return nil, nil, nil, false, err
			}
		}
		if key != "" {
			keys[i] = r[idx[len(idx)-1]]
		}
	}
	return keys, times, vals, true, nil
}

// readLegs reads runs/<key>/legs.parquet of a run (legs.csv when there
// is no Parquet file), or nil without either.
func readLegs(dir string) (*LegSeries, error) {
	cols := []string{"long_return", "short_return", "rolling_beta_short_on_long", "rolling_correlation"}
	pq := filepath.Join(dir, "legs.parquet")
	if _, err := os.Stat(pq); err == nil {
		tab, err := results.ReadTableParquet(pq, append([]string{"time"}, cols...)...)
		if err != nil {
			return nil, err
		}
		if len(tab.Column("time").Times) == 0 {
			return nil, nil
		}
		return &LegSeries{Time: tab.Column("time").Times, LongReturn: tab.Column(cols[0]).Floats, ShortReturn: tab.Column(cols[1]).Floats,
			BetaShortOnLong: tab.Column(cols[2]).Floats, Correl: tab.Column(cols[3]).Floats}, nil
	}
	_, t, v, ok, err := readNumbers(filepath.Join(dir, "legs.csv"), "", cols...)
	if !ok || err != nil || len(t) == 0 {
		return nil, err
	}
	return &LegSeries{Time: t, LongReturn: v[0], ShortReturn: v[1], BetaShortOnLong: v[2], Correl: v[3]}, nil
}

// growth compounds returns into a growth of 1 starting at 1 before the
// first return; a missing return keeps the level.
func growth(r []float64) []float64 {
	out := make([]float64, len(r))
	level := 1.0
	for i, x := range r {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			level *= 1 + x
		}
		out[i] = level
	}
	return out
}

// readWalkForwards reads every walkforward/<strategy>/ folder of dir.
func readWalkForwards(dir string) ([]WalkForward, error) {
	subs, _ := filepath.Glob(filepath.Join(dir, "walkforward", "*"))
	slices.Sort(subs)
	var out []WalkForward
	for _, d := range subs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue
		}
		header, rows, ok, err := openOptional(filepath.Join(d, "windows.csv"))
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		_, t, v, ok, err := readNumbers(filepath.Join(d, "equity.csv"), "", "equity")
		if err != nil {
			return nil, err
		}
		if !ok || len(t) == 0 {
			continue
		}
		out = append(out, WalkForward{Strategy: filepath.Base(d), Windows: &Table{header, rows}, Equity: t, Values: v[0]})
	}
	return out, nil
}

// readBands reads montecarlo_bands.csv (or .parquet): rows of one run in
// time order, runs in order of first appearance.
func readBands(dir string) ([]Band, error) {
	path := filepath.Join(dir, BandsFile)
	keys, t, v, ok, err := readNumbers(path, "run", bandColumns[:]...)
	if !ok || err != nil {
		return nil, err
	}
	var out []Band
	at := map[string]int{}
	for i, k := range keys {
		j, seen := at[k]
		if !seen {
			j = len(out)
			at[k] = j
			out = append(out, Band{Run: k})
		}
		b := &out[j]
		if n := len(b.Time); n > 0 && t[i] <= b.Time[n-1] {
			return nil, fmt.Errorf("report: %s: row %d: run %s: time %s is not after the run's previous row", path, i+2, k, results.FormatTime(t[i]))
		}
		b.Time = append(b.Time, t[i])
		for q := range b.Q {
			b.Q[q] = append(b.Q[q], v[q][i])
		}
	}
	return out, nil
}
