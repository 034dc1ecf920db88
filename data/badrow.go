package data

import (
	"errors"
	"fmt"
	"strings"
)

// BadRowPolicy says what a reader does with a bar whose open, high, low
// and close contradict each other (high below low, or open or close
// outside [low, high]), as real files have now and then: of 125 second
// sources in the project's test data, 3 have one such row each. Every
// other bad row (a NaN, empty or unparsable value, a price that is not
// positive or lies outside [MinPrice, MaxPrice], a repeated or
// out-of-order time) is always an error: its bar cannot be told, only
// guessed.
type BadRowPolicy uint8

const (
	// BadRowFail refuses the file, naming the row (the default).
	BadRowFail BadRowPolicy = iota
	// BadRowSkip drops the row: the series has a gap there, like any
	// missing day.
	BadRowSkip
	// BadRowClip repairs the row by widening its range: high becomes the
	// largest and low the smallest of open, high, low and close. Open and
	// close, the prices trades happen at, are kept as the source gives
	// them; only the range, which nothing fills at, moves.
	BadRowClip
)

var badRowNames = [...]string{BadRowFail: "fail", BadRowSkip: "skip", BadRowClip: "clip"}

// String returns "fail", "skip" or "clip".
func (p BadRowPolicy) String() string {
	if int(p) < len(badRowNames) {
		return badRowNames[p]
	}
	return fmt.Sprintf("BadRowPolicy(%d)", uint8(p))
}

// ParseBadRowPolicy parses "fail", "skip" or "clip"; "" is "fail".
func ParseBadRowPolicy(s string) (BadRowPolicy, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "fail":
		return BadRowFail, nil
	case "skip":
		return BadRowSkip, nil
	case "clip":
		return BadRowClip, nil
	}
	return 0, fmt.Errorf("data: on_bad_row %q: want \"fail\", \"skip\" or \"clip\"", Clip(s))
}

// UnmarshalText parses the text form (see ParseBadRowPolicy).
func (p *BadRowPolicy) UnmarshalText(b []byte) error {
	v, err := ParseBadRowPolicy(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// MarshalText writes the text form.
func (p BadRowPolicy) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Repair is one row a BadRowPolicy skipped or repaired.
type Repair struct {
	File string // the file read
	Row  int    // its line (CSV) or row (Parquet, Arrow)
	Time int64  // the bar's time (UTC Unix ns)
	// Open, High, Low and Close are the values as read.
	Open, High, Low, Close float64
	// Problem says what was wrong ("open 19.78 outside [low 17.1, high
	// 19.77]"), Action what was done ("skipped", "high raised to 19.78").
	Problem, Action string
}

// String is "MARA.csv:1350: 2024-05-10 open 19.78 outside [low 17.1,
// high 19.77]: high raised to 19.78".
func (r Repair) String() string {
	return fmt.Sprintf("%s:%d: %s %s: %s", r.File, r.Row, FormatStamp(r.Time), r.Problem, r.Action)
}

// ohlcProblem says what is inconsistent in a bar's prices, in the words
// of Validate, or "" when nothing is.
func ohlcProblem(o, h, l, c float64) string {
	switch {
	case h < l:
		return fmt.Sprintf("high %g < low %g", h, l)
	case c < l || c > h:
		return fmt.Sprintf("close %g outside [low %g, high %g]", c, l, h)
	case o < l || o > h:
		return fmt.Sprintf("open %g outside [low %g, high %g]", o, l, h)
	}
	return ""
}

// BadRowHint is appended to the error of a file refused for a bar whose
// prices contradict each other (see IsBadRowError).
const BadRowHint = `; on_bad_row = "skip" or "clip" ([data] of an experiment, data import --on-bad-row) reads such a row`

// IsBadRowError reports whether err is Validate's refusal of row k of s
// for inconsistent open, high, low and close, the one kind of bad row a
// BadRowPolicy may skip or repair.
func (s *Series) IsBadRowError(err error, k int) bool {
	var re *RowError
	if !errors.As(err, &re) || k < 0 || k >= len(s.Time) || len(s.Open) <= k || len(s.High) <= k || len(s.Low) <= k || len(s.Close) <= k {
		return false
	}
	o, h, l, c := s.Open[k], s.High[k], s.Low[k], s.Close[k]
	p := ohlcProblem(o, h, l, c)
	return p != "" && usable(o) && usable(h) && usable(l) && usable(c) && (len(s.AdjClose) <= k || usable(s.AdjClose[k])) && strings.HasSuffix(re.Msg, p)
}

// usable reports whether v is a price a repair may work with: one Validate
// accepts (within [MinPrice, MaxPrice]). A row with any other price, its
// adjusted close included, is left for Validate to refuse.
func usable(v float64) bool { return v >= MinPrice && v <= MaxPrice }

// ApplyBadRowPolicy skips or repairs, as p says, every bar whose open,
// high, low and close are finite and positive but inconsistent, and
// appends what it did to s.Repairs. BadRowFail changes nothing (Validate
// then refuses the first such row). Rows with a price Validate refuses
// (NaN, infinite, not positive, out of range; the adjusted close too) are
// never touched, nor are times. file names the
// source in the repairs. The series must own its columns (a reader's
// fresh series): they are changed in place.
func (s *Series) ApplyBadRowPolicy(file string, p BadRowPolicy) {
	s.ApplyBadRowPolicyWith(p, func(int) string { return file }, nil)
}

// ApplyBadRowPolicyWith is ApplyBadRowPolicy for a series whose bars come
// from several files: fileOf(k) names bar k's file, and moved(from, to),
// when not nil, is called for each bar kept at a new index (after a
// skipped one), so that the caller can move what it holds per bar.
func (s *Series) ApplyBadRowPolicyWith(p BadRowPolicy, fileOf func(k int) string, moved func(from, to int)) {
	if p == BadRowFail {
		return
	}
	n := len(s.Time)
	for _, c := range [][]float64{s.Open, s.High, s.Low, s.Close, s.AdjClose, s.Volume} {
		if len(c) != n {
			return // Validate names the mismatch
		}
	}
	row := func(k int) int {
		if s.Rows != nil && k < len(s.Rows) {
			return s.Rows[k]
		}
		return k + 1
	}
	keep := 0
	for k := 0; k < n; k++ {
		o, h, l, c := s.Open[k], s.High[k], s.Low[k], s.Close[k]
		problem := ""
		if usable(o) && usable(h) && usable(l) && usable(c) && usable(s.AdjClose[k]) {
			problem = ohlcProblem(o, h, l, c)
		}
		if problem != "" {
			r := Repair{File: fileOf(k), Row: row(k), Time: s.Time[k], Open: o, High: h, Low: l, Close: c, Problem: problem}
			if p == BadRowSkip {
				r.Action = "row skipped (on_bad_row = skip)"
				s.Repairs = append(s.Repairs, r)
				continue
			}
			nh, nl := max(o, h, l, c), min(o, h, l, c)
			var did []string
			if nh != h {
				did = append(did, fmt.Sprintf("high raised to %g", nh))
			}
			if nl != l {
				did = append(did, fmt.Sprintf("low lowered to %g", nl))
			}
			r.Action = strings.Join(did, ", ") + " (on_bad_row = clip)"
			s.High[k], s.Low[k] = nh, nl
			s.Repairs = append(s.Repairs, r)
		}
		if keep != k {
			s.Time[keep] = s.Time[k]
			for _, c := range [][]float64{s.Open, s.High, s.Low, s.Close, s.AdjClose, s.Volume} {
				c[keep] = c[k]
			}
			if s.Rows != nil && k < len(s.Rows) {
				s.Rows[keep] = s.Rows[k]
			}
			if moved != nil {
				moved(k, keep)
			}
		}
		keep++
	}
	if keep == n {
		return
	}
	s.Time = s.Time[:keep]
	s.Open, s.High, s.Low, s.Close = s.Open[:keep], s.High[:keep], s.Low[:keep], s.Close[:keep]
	s.AdjClose, s.Volume = s.AdjClose[:keep], s.Volume[:keep]
	if s.Rows != nil && len(s.Rows) >= keep {
		s.Rows = s.Rows[:keep]
	}
	s.SetInterval()
}
