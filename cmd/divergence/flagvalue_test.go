package main

import (
	"strings"
	"testing"
)

// A value the flag's type cannot hold says what the flag takes: the flag
// package's own words were "parse error" and "value out of range", which
// left a user to guess that --seed takes no sign or --workers no
// fraction.
func TestFlagValueWanted(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "x.toml", "--workers", "two"}, `run: invalid value "two" for --workers: want a whole number`},
		{[]string{"run", "x.toml", "--workers", "2.5"}, `run: invalid value "2.5" for --workers: want a whole number`},
		{[]string{"run", "x.toml", "--top", "99999999999999999999"}, `run: invalid value "99999999999999999999" for --top: out of range (want a whole number)`},
		{[]string{"data", "synth", "--seed", "-1"}, `data synth: invalid value "-1" for --seed: want a whole number, 0 or more`},
		{[]string{"metrics", "r.csv", "--periods-per-year", "daily"}, `metrics: invalid value "daily" for --periods-per-year: want a number`},
		{[]string{"run", "x.toml", "--quiet=maybe"}, `run: invalid boolean value "maybe" for --quiet: want true or false (or the flag alone)`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, _, err := cli(t, tc.args...)
			if err == nil || err.Error() != tc.want {
				t.Errorf("err %v\nwant %s", err, tc.want)
			}
		})
	}
}
