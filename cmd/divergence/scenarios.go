package main

import (
	"slices"

	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/divergence-research/divergence/scenarios"
)

func cmdScenarios(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && slices.ContainsFunc(args, isHelp) {
		// scenarios --help, scenarios list --help, scenarios show -h.
		args = []string{"--help"}
	}
	if len(args) == 0 || args[0] == "list" {
		if len(args) > 1 {
			return fmt.Errorf("scenarios list: takes no argument, got %q (scenarios show NAME shows one)", args[1])
		}
		lib, err := scenarios.Library()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "name\tprobability\tshocks\tsource")
		for _, s := range lib {
			p := "—"
			if s.Probability > 0 {
				p = fmt.Sprintf("%g", s.Probability)
			}
			src := s.Source
			if len(src) > 70 {
				src = src[:67] + "..."
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", s.Name, p, len(s.Shocks), src)
		}
		return tw.Flush()
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help" {
		fmt.Fprint(stdout, "Usage:\n  divergence scenarios list        the built-in scenario library\n  divergence scenarios show NAME|FILE.toml   a scenario's description, source, shocks and cited figures\n")
		return nil
	}
	if args[0] == "show" {
		if len(args) != 2 {
			return fmt.Errorf("scenarios show: want one scenario name")
		}
		// A name from the library, or a scenario file (as an experiment's
		// scenarios list takes either).
		var s *scenarios.Scenario
		var err error
		if strings.HasSuffix(strings.ToLower(args[1]), ".toml") {
			s, err = scenarios.Load(args[1])
		} else {
			s, err = scenarios.Lookup(args[1])
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n\n", s.Name)
		if d := strings.TrimSpace(s.Description); d != "" {
			fmt.Fprintf(stdout, "%s\n\n", d)
		}
		if s.Source != "" {
			fmt.Fprintf(stdout, "source: %s\n", s.Source)
		}
		if s.Probability > 0 {
			fmt.Fprintf(stdout, "probability: %g\n", s.Probability)
		}
		fmt.Fprintf(stdout, "shocks (applied in this order):\n")
		for i, sh := range s.Shocks {
			fmt.Fprintf(stdout, "  %d. %s\n", i+1, scenarios.Describe(sh))
		}
		// The groups the shocks name, in order of first use, with their
		// instruments: the scenario's own [groups] over the built-in ones;
		// an experiment's [groups] may redefine any of them.
		var used []string
		for _, sh := range s.Shocks {
			if t, ok := scenarios.TargetOf(sh); ok {
				for _, g := range t.Groups {
					if !slices.Contains(used, g) {
						used = append(used, g)
					}
				}
			}
		}
		if len(used) > 0 {
			builtin := scenarios.DefaultGroups()
			fmt.Fprintf(stdout, "groups (an experiment's [groups] may redefine them):\n")
			for _, g := range used {
				switch {
				case s.Groups[g] != nil:
					fmt.Fprintf(stdout, "  %s = %s (the scenario's own)\n", g, strings.Join(s.Groups[g], ", "))
				case builtin[g] != nil:
					fmt.Fprintf(stdout, "  %s = %s\n", g, strings.Join(builtin[g], ", "))
				default:
					fmt.Fprintf(stdout, "  %s: not built in: the experiment's [groups] must define it\n", g)
				}
			}
		}
		if len(s.Metadata) > 0 {
			keys := s.MetadataKeys()
			sort.Strings(keys)
			fmt.Fprintf(stdout, "figures cited:\n")
			for _, k := range keys {
				fmt.Fprintf(stdout, "  %s = %v\n", k, s.Metadata[k])
			}
		}
		return nil
	}
	return fmt.Errorf("scenarios: want list or show NAME, got %q", args[0])
}

func cmdStress(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runExperiment(ctx, "stress", args, stdout, stderr, true)
}
