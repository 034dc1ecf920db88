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

// help on an unknown command (or data subcommand) is an error: the
// usage goes with it to stderr, not to stdout as a help asked for does.
func TestHelpUnknownCommandOnStderr(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"help", "nosuch"}, `unknown command "nosuch"`},
		{[]string{"nosuch", "--help"}, `unknown command "nosuch"`},
		{[]string{"help", "data", "nosuch"}, `data: unknown subcommand "nosuch"`},
		{[]string{"data", "nosuch", "--help"}, `data: unknown subcommand "nosuch"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, err := cli(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err %v, want %s", err, tc.err)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if !strings.Contains(errOut, "Usage:") {
				t.Errorf("stderr %q, want the usage", errOut)
			}
		})
	}
}
