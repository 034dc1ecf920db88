package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/divergence-research/divergence/strategies"
)

// cmdStrategies lists the built-in strategy types, or prints one type's
// parameters with their defaults and meaning (strategies.ParamDocs).
func cmdStrategies(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("strategies", "strategies [NAME]", stderr)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	reg := strategies.Builtins()
	switch len(pos) {
	case 0:
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		for _, n := range reg.Names() {
			fmt.Fprintf(tw, "%s\t%s\n", n, reg[n].Doc)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "\n'divergence strategies NAME' prints a strategy's parameters.")
		return nil
	case 1:
	default:
		fs.Usage()
		return fmt.Errorf("strategies: want at most one strategy name, got %d", len(pos))
	}
	name := pos[0]
	f, ok := reg[name]
	if !ok {
		_, err := reg.New(name, nil) // the registry's error, naming the type likely meant
		return err
	}
	docs, err := strategies.ParamDocs(name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s\n\nParameters ([strategy.params] of an experiment file):\n\n", name, f.Doc)
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "key\ttype\tdefault")
	for _, d := range docs {
		def := d.Default
		if def == "" {
			def = "—"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", d.Key, d.Type, def)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	prev := ""
	for _, d := range docs {
		if d.Doc == prev {
			continue // one comment for several keys
		}
		prev = d.Doc
		keys := []string{d.Key}
		for _, e := range docs {
			if e.Doc == d.Doc && e.Key != d.Key {
				keys = append(keys, e.Key)
			}
		}
		fmt.Fprintf(stdout, "%s\n%s\n", strings.Join(keys, ", "), wrap(d.Doc, 76, "    "))
	}
	return nil
}

// wrap breaks text into lines of at most width characters, each
// indented.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	line := 0
	for _, w := range strings.Fields(text) {
		if line > 0 && line+1+len([]rune(w)) > width {
			b.WriteString("\n")
			line = 0
		}
		if line == 0 {
			b.WriteString(indent)
		} else {
			b.WriteString(" ")
			line++
		}
		b.WriteString(w)
		line += len([]rune(w))
	}
	return b.String()
}
