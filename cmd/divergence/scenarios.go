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

// scenariosUsage is the scenarios command's help.
const scenariosUsage = "Usage:\n  divergence scenarios list        the built-in scenario library\n  divergence scenarios show NAME|FILE.toml   a scenario's description, source, shocks and cited figures\n"

func cmdScenarios(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && slices.ContainsFunc(args, isHelp) {
		// scenarios --help, scenarios list --help, scenarios show -h.
		fmt.Fprint(stdout, scenariosUsage)
		return nil
	}
	if len(args) == 0 {
		args = []string{"list"}
	}
	switch args[0] {
	case "list":
		// Neither subcommand has a flag: parse says a flag given is
		// unknown, where it was taken for a scenario's name.
		pos, err := parse(newFlags("scenarios list", "scenarios list", stderr), args[1:])
		if err != nil {
			return err
		}
		if len(pos) > 0 {
			return fmt.Errorf("scenarios list: takes no argument, got %q (scenarios show NAME shows one)", pos[0])
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
	case "show":
		pos, err := parse(newFlags("scenarios show", "scenarios show NAME|FILE.toml", stderr), args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return fmt.Errorf("scenarios show: want one scenario name")
		}
		// A name from the library, or a scenario file (as an experiment's
		// scenarios list takes either).
		var s *scenarios.Scenario
		if strings.HasSuffix(strings.ToLower(pos[0]), ".toml") {
			s, err = scenarios.Load(pos[0])
		} else {
			s, err = scenarios.Lookup(pos[0])
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
	fmt.Fprint(stderr, scenariosUsage)
	if m := closest(args[0], []string{"list", "show"}); m != "" {
		return fmt.Errorf("scenarios: unknown subcommand %q: did you mean scenarios %s?", args[0], m)
	}
	return fmt.Errorf("scenarios: unknown subcommand %q: want list or show NAME", args[0])
}

func cmdStress(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runExperiment(ctx, "stress", args, stdout, stderr, true)
}
