package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/duckdb"
	"github.com/divergence-research/divergence/data/synth"
)

const dataUsage = `Usage:
  divergence data import FILE... [--symbol S] [--class equity|crypto] [--catalog PATH]
  divergence data list [--catalog PATH]
  divergence data synth [--seed N] [--out DIR]
`

func cmdData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, dataUsage)
		return fmt.Errorf("data: want import, list or synth")
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		fmt.Fprint(stdout, dataUsage)
		return nil
	case "import":
		fs := newFlags("data import", "data import FILE... [--symbol S] [--class equity|crypto] [--catalog PATH]", stderr)
		symbol := fs.String("symbol", "", "instrument symbol (one file only; default: from the file name)")
		class := fs.String("class", "", "asset class, equity or crypto (default: guessed from the symbol)")
		catalog := fs.String("catalog", defaultCatalog(), "catalog file ($DIVERGENCE_CATALOG)")
		files, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(files) == 0 {
			fs.Usage()
			return fmt.Errorf("data import: no files given")
		}
		var opt duckdb.ImportOptions
		opt.Symbol = *symbol
		if *class != "" {
			if opt.Class, err = data.ParseClass(*class); err != nil {
				return fmt.Errorf("--class: %w", err)
			}
		}
		_, statErr := os.Stat(*catalog)
		created := os.IsNotExist(statErr)
		cat, err := duckdb.OpenCatalog(*catalog)
		if err != nil {
			return err
		}
		before, err := cat.List(ctx)
		if err != nil {
			cat.Close()
			return err
		}
		entries, err := cat.Import(ctx, files, opt)
		cat.Close()
		if err != nil {
			if created {
				os.Remove(*catalog) // the catalog this command would have created
				os.Remove(*catalog + ".wal")
			}
			return fmt.Errorf("data import: nothing imported: %w", err)
		}
		had := map[string]duckdb.Entry{}
		for _, e := range before {
			had[e.Symbol] = e
		}
		n := "instrument"
		if len(entries) != 1 {
			n += "s"
		}
		fmt.Fprintf(stdout, "imported %d %s into %s\n", len(entries), n, *catalog)
		for _, e := range entries {
			if old, ok := had[e.Symbol]; ok {
				fmt.Fprintf(stdout, "  replaced %s: it came from %s (%d bars, sha256 %.12s…)\n", e.Symbol, old.Source, old.Rows, old.SHA256)
			}
		}
		return printEntries(stdout, entries)
	case "list":
		fs := newFlags("data list", "data list [--catalog PATH]", stderr)
		catalog := fs.String("catalog", defaultCatalog(), "catalog file ($DIVERGENCE_CATALOG)")
		if _, err := parse(fs, args[1:]); err != nil {
			return err
		}
		if _, err := os.Stat(*catalog); err != nil {
			return fmt.Errorf("data list: %w (import files first: divergence data import FILE...)", err)
		}
		cat, err := duckdb.OpenCatalog(*catalog)
		if err != nil {
			return err
		}
		defer cat.Close()
		entries, err := cat.List(ctx)
		if err != nil {
			return err
		}
		return printEntries(stdout, entries)
	case "synth":
		fs := newFlags("data synth", "data synth [--seed N] [--out DIR]", stderr)
		seed := fs.Uint64("seed", 7, "seed of the synthetic market")
		out := fs.String("out", "synthetic-market", "folder for the CSV files")
		if _, err := parse(fs, args[1:]); err != nil {
			return err
		}
		p, err := synth.Generate(synth.DefaultConfig(*seed))
		if err != nil {
			return err
		}
		paths, err := data.WriteCSVDir(*out, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "SYNTHETIC market (seed %d): %d instruments written to %s\n", *seed, len(paths), *out)
		for i, s := range p.Series {
			fmt.Fprintf(stdout, "  %-8s %-7s %s .. %s  %d bars  %s\n", s.Symbol, s.Class, data.FormatDay(s.Time[0]), data.FormatDay(s.Time[s.Len()-1]), s.Len(), paths[i])
		}
		return nil
	}
	fmt.Fprint(stderr, dataUsage)
	return fmt.Errorf("data: unknown subcommand %q", args[0])
}

func printEntries(w io.Writer, entries []duckdb.Entry) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "symbol\tclass\tfirst\tlast\trows\tsource")
	for _, e := range entries {
		src := e.Source
		if e.Synthetic {
			src += " (SYNTHETIC)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", e.Symbol, e.Class, data.FormatDay(e.First), data.FormatDay(e.Last), e.Rows, src)
	}
	return tw.Flush()
}
