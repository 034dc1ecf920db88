package main

import (
	"errors"
	"flag"
	"regexp"
	"strings"
	"testing"
)

// Every command's --help names its flags as README and the usage lines
// write them, with two dashes (--workers), not as the flag package's
// PrintDefaults does (-workers); each flag line is still followed by its
// meaning.
func TestHelpFlagsTwoDashes(t *testing.T) {
	oneDash := regexp.MustCompile(`(?m)^  -[a-z]`)
	twoDashes := regexp.MustCompile(`(?m)^  --[a-z][a-z0-9-]*( [A-Za-z.,…]+)?\n    \t\S`)
	for _, args := range [][]string{{"run"}, {"stress"}, {"merge"}, {"report"}, {"db"}, {"compare"}, {"metrics"},
		{"data", "import"}, {"data", "list"}, {"data", "synth"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			help, _, err := cli(t, append(args, "--help")...)
			if !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("err %v", err)
			}
			if m := oneDash.FindAllString(help, -1); len(m) > 0 {
				t.Errorf("--help writes %d flags with one dash (%q …):\n%s", len(m), m[0], help)
			}
			if !twoDashes.MatchString(help) {
				t.Errorf("--help lists no flag as --name with its meaning:\n%s", help)
			}
		})
	}
}

// help on an unknown command is an error: the usage goes with it to
// stderr, not to stdout as a help asked for does.
func TestHelpUnknownCommandOnStderr(t *testing.T) {
	out, errOut, err := cli(t, "help", "nosuch")
	if err == nil || !strings.Contains(err.Error(), `unknown command "nosuch"`) {
		t.Fatalf("err %v", err)
	}
	if out != "" {
		t.Errorf("stdout %q, want nothing", out)
	}
	if !strings.Contains(errOut, "Usage:") {
		t.Errorf("stderr %q, want the usage", errOut)
	}
}
