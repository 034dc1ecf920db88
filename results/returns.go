package results

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/divergence-research/divergence/data"
)

// Returns is a table of return series read from CSV: a date column and one
// column of simple per-period returns per series (0.0074 = 0.74%). A
// missing value is NaN.
type Returns struct {
	File  string
	Dates []int64 // UTC ns
	Names []string
	Cols  [][]float64
}

// Column returns the named series, or an error listing the names.
func (r *Returns) Column(name string) ([]float64, error) {
	for i, n := range r.Names {
		if n == name {
			return r.Cols[i], nil
		}
	}
	return nil, fmt.Errorf("%s: no column %q (have %s)", r.File, name, strings.Join(r.Names, ", "))
}

// InferPeriodsPerYear guesses the periods per year from the dates: the
// median spacing of about a day gives 365 when weekend dates occur and 252
// when they do not; about a week 52; about a month 12; about a quarter 4;
// about a year 1. It returns 0 when it cannot tell.
func (r *Returns) InferPeriodsPerYear() float64 {
	if len(r.Dates) < 3 {
		return 0
	}
	gaps := make([]float64, len(r.Dates)-1)
	weekend := false
	for i := 1; i < len(r.Dates); i++ {
		gaps[i-1] = float64(r.Dates[i]-r.Dates[i-1]) / float64(data.NanosPerDay)
	}
	for _, d := range r.Dates {
		if wd := time.Unix(0, d).UTC().Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend = true
		}
	}
	sort.Float64s(gaps)
	g := gaps[len(gaps)/2]
	switch {
	case g <= 1.5:
		if weekend {
			return 365
		}
		return 252
	case g >= 6 && g <= 8:
		return 52
	case g >= 27 && g <= 32:
		return 12
	case g >= 85 && g <= 95:
		return 4
	case g >= 360 && g <= 370:
		return 1
	}
	return 0
}

// ReadReturns reads a returns CSV: a header whose first column is the date
// (YYYY-MM-DD), then one numeric column per series; empty cells are
// missing values. Errors name the file, line and value. Dates must be
// strictly increasing. A file with a header and no rows gives a table
// with no rows (its metrics are undefined, not an error).
func ReadReturns(path string) (*Returns, error) {
	return ReadReturnsWith(path, ReadOptions{})
}

// ReadOptions relaxes the checks of ReadReturnsWith.
type ReadOptions struct {
	// AnyValue accepts every finite number. By default a value ≤ −1 (a
	// loss of 100 % or more) or > 10 (a gain of over 1000 % in one
	// period) is refused as a likely price, equity level or percentage.
	AnyValue bool
}

// ReadReturnsWith is ReadReturns with options.
func ReadReturnsWith(path string, opt ReadOptions) (*Returns, error) {
	f, _, err := data.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty file", path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(head) < 2 {
		return nil, fmt.Errorf("%s:1: want a date column and at least one series, got %d columns", path, len(head))
	}
	seen := map[string]int{}
	for j, name := range head {
		if k, ok := seen[name]; ok {
			return nil, fmt.Errorf("%s:1: column %q appears twice (columns %d and %d)", path, name, k+1, j+1)
		}
		seen[name] = j
	}
	r := &Returns{File: path, Names: head[1:], Cols: make([][]float64, len(head)-1)}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(rec) != len(head) {
			return nil, fmt.Errorf("%s:%d: %d fields, the header has %d", path, line, len(rec), len(head))
		}
		t, err := time.Parse("2006-01-02", strings.TrimSpace(rec[0]))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: date %q is not YYYY-MM-DD", path, line, rec[0])
		}
		ts := t.UnixNano()
		if n := len(r.Dates); n > 0 && ts <= r.Dates[n-1] {
			return nil, fmt.Errorf("%s:%d: date %s is not after the previous row's (dates must be unique and ascending)", path, line, rec[0])
		}
		r.Dates = append(r.Dates, ts)
		for j, cell := range rec[1:] {
			cell = strings.TrimSpace(cell)
			v := math.NaN()
			if cell != "" && !strings.EqualFold(cell, "NA") && !strings.EqualFold(cell, "NaN") {
				if v, err = strconv.ParseFloat(cell, 64); err != nil || math.IsInf(v, 0) {
					return nil, fmt.Errorf("%s:%d: %s = %q is not a number", path, line, head[j+1], cell)
				}
				switch {
				case opt.AnyValue:
				case v <= -1:
					return nil, fmt.Errorf("%s:%d: %s = %g is a loss of 100%% or more (returns are simple, 0.01 = 1%%)", path, line, head[j+1], v)
				case v > 10:
					return nil, fmt.Errorf("%s:%d: %s = %g is a gain of over 1000%% in one period: is this a price or equity column? (returns are simple, 0.01 = 1%%)", path, line, head[j+1], v)
				}
			}
			r.Cols[j] = append(r.Cols[j], v)
		}
	}
	return r, nil
}
