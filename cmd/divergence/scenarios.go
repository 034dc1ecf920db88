package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/divergence-research/divergence/scenarios"
)

func cmdScenarios(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "list" {
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
	if args[0] == "show" {
		if len(args) != 2 {
			return fmt.Errorf("scenarios show: want one scenario name")
		}
		s, err := scenarios.Lookup(args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n\n%s\n\nsource: %s\n", s.Name, strings.TrimSpace(s.Description), s.Source)
		if s.Probability > 0 {
			fmt.Fprintf(stdout, "probability: %g\n", s.Probability)
		}
		fmt.Fprintf(stdout, "shocks (applied in this order):\n")
		for i, sh := range s.Shocks {
			fmt.Fprintf(stdout, "  %d. %s\n", i+1, describe(sh))
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

func describe(sh scenarios.Shock) string {
	typ := fmt.Sprintf("%T", sh)
	typ = strings.ToLower(typ[strings.LastIndex(typ, ".")+1:])
	return typ + " " + strings.TrimPrefix(fmt.Sprintf("%+v", sh), "&")
}

func cmdStress(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runExperiment(ctx, "stress", args, stdout, stderr, true)
}
