package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
)

// Compare draws runs of several experiment folders side by side on one
// equity and drawdown chart ([charts.EquityDrawdown]) and writes it to each
// path in outs, as PNG or SVG by the path's extension (.png, .svg), each
// atomically.
//
// runs selects runs by key: each key is looked up in every folder and every
// match is drawn; a key found in no folder is an error. An empty runs draws
// every run of every folder. A run is labelled "<experiment>: <strategy>"
// (the experiment's name from its metrics.json), with the folder's base
// name instead of the experiment's when two folders share a name. The
// chart is marked synthetic when any chosen run is, and when real and
// synthetic folders are mixed the synthetic runs' labels end in
// "[SYNTHETIC]".
func Compare(ctx context.Context, dirs, runs []string, outs ...string) error {
	if len(dirs) == 0 {
		return errors.New("report: compare: no folders")
	}
	if len(outs) == 0 {
		return errors.New("report: compare: no output path")
	}
	formats := make([]charts.Format, len(outs))
	for i, out := range outs {
		switch strings.ToLower(filepath.Ext(out)) {
		case ".png":
			formats[i] = charts.PNG
		case ".svg":
			formats[i] = charts.SVG
		default:
			return fmt.Errorf("report: compare: %s: want a .png or .svg file", out)
		}
	}
	folders := make([]*Folder, len(dirs))
	titles := map[string]int{}
	for i, d := range dirs {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := Load(d)
		if err != nil {
			return err
		}
		folders[i] = f
		titles[f.Title()]++
	}
	// When real and synthetic folders are mixed, the synthetic runs say so
	// in their names too.
	mixed := false
	for _, f := range folders {
		mixed = mixed || f.Synthetic() != folders[0].Synthetic()
	}
	found := map[string]bool{}
	var curves []charts.Series
	syn := false
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for _, f := range folders {
		prefix := f.Title()
		if titles[prefix] > 1 {
			prefix = filepath.Base(filepath.Clean(f.Dir))
		}
		for _, r := range f.Runs {
			if len(runs) > 0 && !slices.Contains(runs, r.Key) {
				continue
			}
			found[r.Key] = true
			s := r.Equity
			tag := ""
			if mixed && (f.Synthetic() || r.Record.Synthetic) {
				tag = " [SYNTHETIC]"
			}
			s.Name = prefix + ": " + r.Name + tag
			for n := 2; slices.ContainsFunc(curves, func(c charts.Series) bool { return c.Name == s.Name }); n++ {
				s.Name = fmt.Sprintf("%s: %s (%d)%s", prefix, r.Name, n, tag)
			}
			curves = append(curves, s)
			syn = syn || f.Synthetic() || r.Record.Synthetic
			first, last = min(first, s.Time[0]), max(last, s.Time[len(s.Time)-1])
		}
	}
	for _, k := range runs {
		if !found[k] {
			return fmt.Errorf("report: compare: run %q is in none of %s", k, strings.Join(dirs, ", "))
		}
	}
	if len(curves) == 0 {
		return errors.New("report: compare: no runs to draw")
	}
	names := make([]string, len(curves))
	for i, c := range curves {
		names[i] = c.Name
	}
	kind := "real market data"
	if syn {
		kind = "includes SYNTHETIC data (seeded, not real prices)"
	}
	opt := charts.Options{
		Title:     fmt.Sprintf("Comparison of %d runs from %d experiments", len(curves), len(folders)),
		Caption:   fmt.Sprintf("%s to %s; %s", results.FormatTime(first), results.FormatTime(last), kind),
		Synthetic: syn,
		Palette:   charts.NewPalette(names),
	}
	for i, out := range outs {
		err := results.WriteFileAtomic(out, func(w io.Writer) error { return charts.EquityDrawdown(w, formats[i], opt, curves) })
		if err != nil {
			return err
		}
	}
	return nil
}
