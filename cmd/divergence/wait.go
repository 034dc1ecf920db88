package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// waitFlag is --wait, how long a command waits for another process that
// holds what it writes (a results folder, the catalog): given alone
// (--wait, --wait=true), as long as it takes; with a duration
// (--wait=30s, --wait 30s), up to it; 0 or false, not at all. The same
// on every command that takes it; their defaults differ (no wait for
// run, stress, merge, report and db, 10 s for data import and list).
type waitFlag struct {
	forever bool
	d       time.Duration // up to; 0 = not at all (when not forever)
	given   bool          // set on the command line (--wait=0 is not its absence)
}

func (w *waitFlag) String() string {
	switch {
	case w == nil:
		return ""
	case w.forever:
		return "true"
	case w.d == 0:
		return "false"
	}
	return w.d.String()
}

// Set reads a value of --wait: true (what the flag package gives a bare
// --wait), false, 0, or a duration. A number without a unit but 0 is
// refused (1 could mean a second or, to strconv, true).
func (w *waitFlag) Set(s string) error {
	switch s {
	case "true", "false":
		*w = waitFlag{forever: s == "true", given: true}
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		if f, nerr := strconv.ParseFloat(s, 64); nerr == nil && f > 0 {
			return fmt.Errorf("want a unit: %ss or %sm, say", s, s)
		}
		return fmt.Errorf("want a duration (30s, 5m), nothing (as long as it takes) or 0 (not at all)")
	}
	*w = waitFlag{d: d, given: true}
	return nil
}

// on reports whether the command waits at all.
func (w *waitFlag) on() bool { return w.forever || w.d > 0 }

// refused reports whether the wait was set to none on the command line
// (--wait=0, --wait=false), as against not given.
func (w *waitFlag) refused() bool { return w.given && !w.on() }

// upTo is the longest wait, 0 for as long as it takes (or none: on).
func (w *waitFlag) upTo() time.Duration {
	if w.forever {
		return 0
	}
	return w.d
}

// IsBoolFlag lets --wait stand alone; its value may follow it, as the
// next word, when that word is one (takes, joinOptional).
func (w *waitFlag) IsBoolFlag() bool { return true }

// takes reports whether s, the word after a bare --wait, is its value:
// a duration (30s, 1m30s, 0), or a number, which Set refuses for want of
// a unit (as an argument it would be misread); not true or false, which
// would more likely be an argument.
func (w *waitFlag) takes(s string) bool {
	if _, err := time.ParseDuration(s); err == nil {
		return true
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// addWait defines --wait on fs, with its default and usage.
func addWait(fs *flag.FlagSet, def waitFlag, usage string) *waitFlag {
	w := new(waitFlag)
	*w = def
	fs.Var(w, "wait", usage)
	return w
}

// joinOptional joins a bare flag whose value is optional (--wait) and
// the word after it when that word is its value ("--wait", "30s" →
// "--wait=30s"): the flag package would read the word as an argument.
func joinOptional(fs *flag.FlagSet, args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		out = append(out, a)
		if a == "--" {
			// parse takes the word after it as an argument, whatever
			// it is, and reads flags again after that.
			if i+1 < len(args) {
				out = append(out, args[i+1])
				i++
			}
			continue
		}
		name, ok := flagName(a)
		if !ok || strings.Contains(a, "=") || i+1 == len(args) {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if o, ok := f.Value.(interface{ takes(string) bool }); ok && o.takes(args[i+1]) {
				out[len(out)-1] = a + "=" + args[i+1]
				i++
			}
		}
	}
	return out
}
