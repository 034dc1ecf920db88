package report

import "testing"

// TestRollingWindow: the rolling charts' window is a quarter year when
// the run holds three of them, else a sixth of the run, never under 5.
func TestRollingWindow(t *testing.T) {
	for _, tc := range []struct {
		name string
		ppy  float64
		n    int
		want int
	}{
		{"ten years of trading days", 252, 2520, 63},        // 252 / 4
		{"exactly three quarters", 252, 189, 63},            // 3 × 63 = 189 points: the quarter
		{"one point short of three quarters", 252, 188, 31}, // 188 / 6 = 31.3
		{"calendar days", 365, 1000, 91},                    // 365 / 4 = 91.25
		{"hours of a token", 8760, 10000, 2190},             // 8,760 / 4 = 2,190; 10,000 ≥ 3 × 2,190 = 6,570
		{"hours, under three quarters", 8760, 5000, 833},    // 5,000 < 6,570: 5,000 / 6 = 833.3
		{"minutes, a year", 525600, 525600, 131400},         // 525,600 / 4
		{"a short run", 252, 60, 10},                        // 60 / 6
		{"a tiny run", 252, 12, 5},                          // 12 / 6 = 2: at least 5
		{"no points", 252, 0, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := rollingWindow(tc.ppy, tc.n); got != tc.want {
				t.Errorf("rollingWindow(%g, %d) = %d, want %d", tc.ppy, tc.n, got, tc.want)
			}
		})
	}
}
