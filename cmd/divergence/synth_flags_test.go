package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// data synth refuses sizes it cannot make, naming the flag, before it
// builds anything: --instruments 1000000000000000 used to panic
// (makeslice: cap out of range) making the instruments, and --days or
// --instruments without --interval were ignored. Nothing is written.
func TestSynthRefusesImpossibleSizes(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--interval", "1h", "--days", "1", "--instruments", "1000000000000000"}, "--instruments = 1000000000000000: 1 days of 1h bars are 24 bar steps"},
		{[]string{"--interval", "1m", "--days", "3650", "--instruments", "100"}, "--instruments = 100:"},
		{[]string{"--interval", "1h", "--days", "1", "--instruments", "0"}, "--instruments = 0: want 1 or more"},
		{[]string{"--interval", "1h", "--days", "1", "--instruments", "-3"}, "--instruments = -3: want 1 or more"},
		{[]string{"--interval", "1h", "--days", "0"}, "--days = 0: want 1 to 73050 calendar days"},
		{[]string{"--interval", "1h", "--days", "-5"}, "--days = -5: want 1 to 73050"},
		{[]string{"--interval", "4h", "--days", "73051"}, "--days = 73051: want 1 to 73050"},
		{[]string{"--days", "5"}, "data synth: --days shape the intraday market: give --interval"},
		{[]string{"--instruments", "3", "--layout", "files"}, "data synth: --instruments, --layout shape the intraday market"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "mkt")
			_, _, err := cli(t, append([]string{"data", "synth", "--out", out}, c.args...)...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to say %q", err, c.want)
			}
			if _, serr := os.Stat(out); !os.IsNotExist(serr) {
				t.Errorf("%s exists after a refused synth (stat: %v)", out, serr)
			}
		})
	}
}
