package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/divergence-research/divergence/results/report"
	"github.com/divergence-research/divergence/results/resultsdb"
)

func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", "report RESULTS_DIR", stderr)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("report: want one results folder, got %d arguments", len(pos))
	}
	if err := report.Write(ctx, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report: %s\n", filepath.Join(pos[0], "report.html"))
	return nil
}

func cmdDB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("db", "db RESULTS_DIR", stderr)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("db: want one results folder, got %d arguments", len(pos))
	}
	if err := resultsdb.Write(ctx, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "results database: %s\n", filepath.Join(pos[0], "results.duckdb"))
	return nil
}

func cmdCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compare", "compare RESULTS_DIR... [--runs KEY,KEY] [--out compare.png]", stderr)
	runs := fs.String("runs", "", "comma-separated run keys to draw from each folder (default: every run)")
	out := fs.String("out", "compare.png", "the chart to write; .png or .svg (a .svg beside a .png is written too when both are given with commas)")
	dirs, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		fs.Usage()
		return fmt.Errorf("compare: want at least one results folder")
	}
	var keys []string
	if *runs != "" {
		keys = strings.Split(*runs, ",")
	}
	outs := strings.Split(*out, ",")
	if err := report.Compare(ctx, dirs, keys, outs...); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "compare: %s\n", strings.Join(outs, ", "))
	return nil
}
