package experiment

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
)

// output is one file an experiment writes: its name and its writer.
type output struct {
	name  string
	write func(io.Writer) error
}

// table is the CSV (and, with parquet, Parquet) output of a table under
// name (without extension).
func table(name string, t *results.Table, parquet bool) []output {
	out := []output{{name + ".csv", func(w io.Writer) error { return results.WriteTableCSV(w, t) }}}
	if parquet {
		out = append(out, output{name + ".parquet", func(w io.Writer) error { return results.WriteTableParquet(w, t) }})
	}
	return out
}

// writeOutputs writes every output into dir, each atomically.
func writeOutputs(dir string, outs ...output) error {
	for _, o := range outs {
		if err := results.WriteFileAtomic(filepath.Join(dir, o.name), o.write); err != nil {
			return fmt.Errorf("%s: %w", o.name, err)
		}
	}
	return nil
}

// writeChart writes a chart as base.png and base.svg (base a path without
// extension; its folder is created), each atomically.
func writeChart(base string, draw func(w io.Writer, f charts.Format) error) error {
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return err
	}
	for _, ft := range []charts.Format{charts.PNG, charts.SVG} {
		path := base + "." + string(ft)
		if err := results.WriteFileAtomic(path, func(w io.Writer) error { return draw(w, ft) }); err != nil {
			return fmt.Errorf("plot %s: %w", path, err)
		}
	}
	return nil
}
