package results

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// Returns is a table of return series read from CSV: a date column and one
// column of simple per-period returns per series (0.0074 = 0.74%). A
// missing value is NaN.
type Returns struct {
	File  string
	Dates []int64 // UTC ns
	Names []string
	Cols  [][]float64
	// Intraday says some row is stamped with a time of day (an intraday
	// run's equity.csv times): its dates are instants, not days.
	Intraday bool
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
// about a year 1. Under a day (intraday rows), as a run annualises its
// own: 365 days of the median number of rows a weekend day holds (a
// token's bars) plus 252 sessions of the rows a weekday holds beyond them
// (an equity's): 8,760 for hourly token bars, 252 × 7 for an equity's
// hourly bars, 8,760 + 252 × 7 for both. When New York's winter-time and
// summer-time weekdays hold different counts (4-hour bars from 00:00 UTC
// hold the session in 3 and 2), each season's count is weighted by its
// sessions, as a run's is. It returns 0 when it cannot tell.
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
	case g < 0.9:
		// Rows a UTC day, on weekend days (a token's bars) and weekdays
		// (a token's and an equity's): 365 days of the first, 252
		// sessions of the rest.
		// Weekdays are split by New York's season (summer time: the
		// session opens at 13:30 UTC), whose bars on a UTC grid may
		// differ in count.
		var we, wd []int
		var season [2][]int // winter, summer weekdays
		for i := 0; i < len(r.Dates); {
			day := data.DayNumber(r.Dates[i])
			n := 0
			for ; i < len(r.Dates) && data.DayNumber(r.Dates[i]) == day; i++ {
				n++
			}
			if data.Weekday(r.Dates[i-1]) >= 5 {
				we = append(we, n)
			} else {
				wd = append(wd, n)
				k := 0
				if open, _ := engine.SessionHours(day * data.NanosPerDay); open-day*data.NanosPerDay == summerOpen {
					k = 1
				}
				season[k] = append(season[k], n)
			}
		}
		median := func(v []int) float64 {
			if len(v) == 0 {
				return 0
			}
			v = slices.Clone(v)
			slices.Sort(v)
			return float64(v[len(v)/2])
		}
		w, s := median(we), median(wd)
		sw, ss := median(season[0]), median(season[1])
		if len(season[0]) == 0 || len(season[1]) == 0 || sw == ss {
			return 365*w + 252*math.Max(s-w, 0)
		}
		// Each season's rows beyond the weekend's, weighted by its
		// sessions (weekdays with such rows), as a run weighs the 4h
		// bars from 00:00 UTC that hold the session: 3 in winter time,
		// 2 in summer time.
		var sessions [2]float64
		for k, v := range season {
			for _, n := range v {
				if float64(n) > w {
					sessions[k]++
				}
			}
		}
		if sessions[0]+sessions[1] == 0 {
			return 365 * w
		}
		perSession := (sessions[0]*math.Max(sw-w, 0) + sessions[1]*math.Max(ss-w, 0)) / (sessions[0] + sessions[1])
		return 365*w + 252*perSession
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

// summerOpen is when New York's session opens in summer time, after
// 00:00 UTC of its day: 09:30 EDT is 13:30 UTC.
const summerOpen = 13*int64(time.Hour) + 30*int64(time.Minute)

// ReadReturns reads a returns CSV: a header whose first column is the date
// (YYYY-MM-DD) or the instant (RFC 3339, 2025-10-01T01:00:00Z, or
// 2025-10-01 01:00:00 in UTC: an intraday run's equity.csv times), then
// one numeric column per series, each named; empty cells are
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
		if j > 0 && strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("%s:1: column %d has no name (a trailing comma?): name every series column, or remove it", path, j+1)
		}
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
		ts, err := parseReturnsTime(strings.TrimSpace(rec[0]))
		if errors.Is(err, errNotADate) {
			return nil, fmt.Errorf("%s:%d: date %q is not YYYY-MM-DD or a time such as 2025-10-01T01:00:00Z", path, line, rec[0])
		} else if err != nil {
			return nil, fmt.Errorf("%s:%d: date %q is %w", path, line, rec[0], err)
		}
		r.Intraday = r.Intraday || ts%data.NanosPerDay != 0
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

// parseReturnsTime reads a returns table's date: YYYY-MM-DD (UTC
// midnight), RFC 3339 with an offset or Z, or a date and time without
// one, in UTC ("T" or a space between them).
// A time outside the range Unix nanoseconds hold is an error saying so.
func parseReturnsTime(s string) (int64, error) {
	for _, layout := range []string{"2006-01-02", time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return data.UnixNanos(t)
		}
	}
	return 0, errNotADate
}

// errNotADate is parseReturnsTime's error for text that is no date.
var errNotADate = errors.New("not a date")
