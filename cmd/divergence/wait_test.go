package main

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data/duckdb"
)

// TestWaitFlag: --wait alone or true waits as long as it takes, a
// duration up to it, 0 or false not at all; anything else is refused.
func TestWaitFlag(t *testing.T) {
	for _, tc := range []struct {
		in      string
		forever bool
		d       time.Duration
		on      bool
	}{
		{"true", true, 0, true},
		{"false", false, 0, false},
		{"0", false, 0, false},
		{"0s", false, 0, false},
		{"30s", false, 30 * time.Second, true},
		{"1m30s", false, 90 * time.Second, true},
		{"250ms", false, 250 * time.Millisecond, true},
	} {
		var w waitFlag
		if err := w.Set(tc.in); err != nil {
			t.Errorf("Set(%q): %v", tc.in, err)
			continue
		}
		if w.forever != tc.forever || w.d != tc.d || w.on() != tc.on {
			t.Errorf("Set(%q) = %+v, on %v; want forever %v, %v, on %v", tc.in, w, w.on(), tc.forever, tc.d, tc.on)
		}
	}
	for _, in := range []string{"30", "1", "t", "TRUE", "-1s", "soon", ""} {
		var w waitFlag
		if err := w.Set(in); err == nil {
			t.Errorf("Set(%q) accepted: %+v", in, w)
		}
	}
}

// TestWaitFlagParsing: the forms of --wait on a command line, with an
// argument before or after: "--wait 30s" is the duration (the word after
// a bare --wait is its value when it is a duration), "--wait x.toml" is
// the flag alone and an argument.
func TestWaitFlagParsing(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		forever bool
		d       time.Duration
		pos     []string
	}{
		{[]string{"x.toml"}, false, 10 * time.Second, []string{"x.toml"}}, // the default given
		{[]string{"x.toml", "--wait"}, true, 0, []string{"x.toml"}},
		{[]string{"--wait", "x.toml"}, true, 0, []string{"x.toml"}},
		{[]string{"--wait", "30s", "x.toml"}, false, 30 * time.Second, []string{"x.toml"}},
		{[]string{"x.toml", "-wait", "2m"}, false, 2 * time.Minute, []string{"x.toml"}},
		{[]string{"x.toml", "--wait=45s"}, false, 45 * time.Second, []string{"x.toml"}},
		{[]string{"x.toml", "--wait=false"}, false, 0, []string{"x.toml"}},
		{[]string{"x.toml", "--wait", "0"}, false, 0, []string{"x.toml"}},
		{[]string{"--wait", "true", "x.toml"}, true, 0, []string{"true", "x.toml"}}, // a word, not a duration
		{[]string{"x.toml", "--", "--wait", "30s"}, false, 10 * time.Second, []string{"x.toml", "--wait", "30s"}},
		// After "--", parse takes one word as an argument, then flags
		// again.
		{[]string{"--", "f.csv", "--wait", "5s"}, false, 5 * time.Second, []string{"f.csv"}},
	} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		w := addWait(fs, waitFlag{d: 10 * time.Second}, "")
		pos, err := parse(fs, tc.args)
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if w.forever != tc.forever || w.d != tc.d || !slices.Equal(pos, tc.pos) {
			t.Errorf("%q: wait %+v, arguments %q; want forever %v, %v, %q", tc.args, *w, pos, tc.forever, tc.d, tc.pos)
		}
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addWait(fs, waitFlag{}, "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--wait=soon"}, `test: invalid value "soon" for --wait: want a duration (30s, 5m), nothing (as long as it takes) or 0 (not at all)`},
		// A number without a unit is refused, given either way (as an
		// argument it would be misread).
		{[]string{"--wait", "10", "f.csv"}, `test: invalid value "10" for --wait: want a unit: 10s or 10m, say`},
		{[]string{"--wait=1"}, `test: invalid value "1" for --wait: want a unit: 1s or 1m, say`},
		{[]string{"--wait", "-5"}, `test: invalid value "-5" for --wait: want a duration (30s, 5m), nothing (as long as it takes) or 0 (not at all)`},
	} {
		if _, err := parse(fs, tc.args); err == nil || err.Error() != tc.want {
			t.Errorf("%q: %v, want %s", tc.args, err, tc.want)
		}
	}
}

// TestCatalogWait: the data commands' --wait as the catalog's wait: as
// long as it takes, the duration, or none (a negative wait: 0 would be
// the catalog's default).
func TestCatalogWait(t *testing.T) {
	for _, tc := range []struct {
		w    waitFlag
		want time.Duration
	}{
		{waitFlag{forever: true}, duckdb.WaitForever},
		{waitFlag{d: 30 * time.Second}, 30 * time.Second},
		{waitFlag{}, -1},
	} {
		if got := catalogWait(&tc.w, io.Discard).Wait; got != tc.want {
			t.Errorf("catalogWait(%+v).Wait = %v, want %v", tc.w, got, tc.want)
		}
	}
}

// TestWaitRefused: --wait=0 (or false) refuses the wait, which its
// absence does not: a run's data.catalog is waited for 10 s without the
// flag and not at all with --wait=0, as on every command (it waited the
// 10 s all the same).
func TestWaitRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"--wait=0"}, true},
		{[]string{"--wait", "0"}, true},
		{[]string{"--wait=false"}, true},
		{[]string{"--wait"}, false},
		{[]string{"--wait=30s"}, false},
	} {
		t.Run(strings.Join(append([]string{"args"}, tc.args...), " "), func(t *testing.T) {
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			w := addWait(fs, waitFlag{}, "")
			if _, err := parse(fs, tc.args); err != nil {
				t.Fatal(err)
			}
			if got := w.refused(); got != tc.want {
				t.Errorf("refused() = %v, want %v", got, tc.want)
			}
		})
	}
}
