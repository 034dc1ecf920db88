package data

import (
	"math"
	"strings"
	"testing"
)

// badSeries: its third bar (file row 4) has open 19.78 above high 19.77
// (MARA's real 2024-05-10 row), its fourth (row 5) high < low; a subtest
// below gives the second a NaN open (never repaired).
func badSeries() Series {
	d := func(day int) int64 { return Day(2024, 5, day) }
	return Series{
		Instrument: Instrument{Symbol: "MARA"},
		Time:       []int64{d(8), d(9), d(10), d(13)},
		Open:       []float64{18, 19, 19.78, 17},
		High:       []float64{18.5, 19.5, 19.77, 17.2},
		Low:        []float64{17.5, 18.5, 17.10, 17.4},
		Close:      []float64{18.2, 19.1, 17.16, 17.3},
		AdjClose:   []float64{18.2, 19.1, 17.16, 17.3},
		Volume:     []float64{1, 2, 3, 4},
		Rows:       []int{2, 3, 4, 5},
	}
}

func TestApplyBadRowPolicy(t *testing.T) {
	t.Run("fail", func(t *testing.T) {
		s := badSeries()
		s.ApplyBadRowPolicy("MARA.csv", BadRowFail)
		if len(s.Repairs) != 0 || s.Len() != 4 || s.High[2] != 19.77 {
			t.Errorf("fail changed the series: %+v", s)
		}
		if err := s.Validate("MARA.csv"); err == nil || !strings.Contains(err.Error(), "MARA.csv:4: 2024-05-10 open 19.78 outside [low 17.1, high 19.77]") {
			t.Errorf("Validate: %v", err)
		}
	})
	t.Run("skip", func(t *testing.T) {
		s := badSeries()
		s.ApplyBadRowPolicy("MARA.csv", BadRowSkip)
		// Rows 4 and 5 (lines) skipped; lines 2 and 3 kept.
		if s.Len() != 2 || s.Rows[1] != 3 || s.Time[1] != Day(2024, 5, 9) || s.Open[1] != 19 || len(s.Volume) != 2 {
			t.Fatalf("after skip: %+v", s)
		}
		if len(s.Repairs) != 2 {
			t.Fatalf("repairs: %v", s.Repairs)
		}
		if got := s.Repairs[0].String(); got != "MARA.csv:4: 2024-05-10 open 19.78 outside [low 17.1, high 19.77]: row skipped (on_bad_row = skip)" {
			t.Errorf("repair 0: %s", got)
		}
		if got := s.Repairs[1].String(); got != "MARA.csv:5: 2024-05-13 high 17.2 < low 17.4: row skipped (on_bad_row = skip)" {
			t.Errorf("repair 1: %s", got)
		}
		if err := s.Validate("MARA.csv"); err != nil {
			t.Error(err)
		}
	})
	t.Run("clip", func(t *testing.T) {
		s := badSeries()
		s.ApplyBadRowPolicy("MARA.csv", BadRowClip)
		// Line 4: high = max(19.78, 19.77, 17.10, 17.16) = 19.78, low stays
		// 17.10. Line 5: high = max(17, 17.2, 17.4, 17.3) = 17.4, low =
		// min(...) = 17. Open and close are never changed.
		if s.Len() != 4 || s.High[2] != 19.78 || s.Low[2] != 17.10 || s.Open[2] != 19.78 || s.Close[2] != 17.16 ||
			s.High[3] != 17.4 || s.Low[3] != 17 || s.Open[3] != 17 || s.Close[3] != 17.3 {
			t.Fatalf("after clip: high %v low %v", s.High, s.Low)
		}
		want := []string{
			"MARA.csv:4: 2024-05-10 open 19.78 outside [low 17.1, high 19.77]: high raised to 19.78 (on_bad_row = clip)",
			"MARA.csv:5: 2024-05-13 high 17.2 < low 17.4: high raised to 17.4, low lowered to 17 (on_bad_row = clip)",
		}
		for i, w := range want {
			if i >= len(s.Repairs) || s.Repairs[i].String() != w {
				t.Errorf("repair %d: %v, want %s", i, s.Repairs, w)
			}
		}
		if err := s.Validate("MARA.csv"); err != nil {
			t.Error(err)
		}
	})
	// NaN, non-positive, duplicate rows: never repaired, still refused.
	for _, p := range []BadRowPolicy{BadRowSkip, BadRowClip} {
		s := badSeries()
		s.Open[1] = math.NaN()
		s.Low[0] = -1
		s.Time[3] = s.Time[2]
		s.ApplyBadRowPolicy("MARA.csv", p)
		for _, r := range s.Repairs {
			if r.Row == 2 || r.Row == 3 {
				t.Errorf("%s repaired a NaN or negative row: %s", p, r)
			}
		}
		if err := s.Validate("MARA.csv"); err == nil || !strings.Contains(err.Error(), "low = -1 is not positive") {
			t.Errorf("%s: Validate: %v", p, err)
		}
	}
}

func TestParseBadRowPolicy(t *testing.T) {
	for in, want := range map[string]BadRowPolicy{"": BadRowFail, "fail": BadRowFail, "skip": BadRowSkip, "Clip": BadRowClip} {
		if got, err := ParseBadRowPolicy(in); err != nil || got != want {
			t.Errorf("%q: %v, %v", in, got, err)
		}
	}
	var p BadRowPolicy
	if err := p.UnmarshalText([]byte("repair")); err == nil || !strings.Contains(err.Error(), `want "fail", "skip" or "clip"`) {
		t.Errorf("UnmarshalText(repair): %v", err)
	}
	if b, _ := BadRowClip.MarshalText(); string(b) != "clip" {
		t.Errorf("MarshalText: %s", b)
	}
}
