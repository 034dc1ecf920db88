package main

import (
	"errors"
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"
)

// fuzzFlags is a flag set like run's: strings, numbers, booleans and the
// optional-valued --wait.
func fuzzFlags() (*flag.FlagSet, func() []any) {
	fs := newFlags("run", "run EXPERIMENT.toml", io.Discard)
	out := fs.String("out", "out", "")
	workers := fs.Int("workers", 0, "")
	sortBy := fs.String("sort", "sharpe", "")
	quiet := fs.Bool("quiet", false, "")
	shards := fs.Int("shards", 0, "")
	lf := addLimitFlags(fs)
	return fs, func() []any {
		return []any{*out, *workers, *sortBy, *quiet, *shards, *lf.maxRuns, *lf.maxMemory, *lf.maxDisk, *lf.force, lf.wait.on(), lf.wait.upTo(), lf.wait.refused()}
	}
}

// FuzzFlags: the command line's flag parsing (parse) never panics; an
// error is one short line; the same words parse to the same values and
// arguments twice. The words are the input split at NUL bytes.
func FuzzFlags(f *testing.F) {
	for _, s := range []string{
		"x.toml\x00--out\x00o\x00--workers\x002",
		"--quiet\x00x.toml\x00--wait",
		"x.toml\x00--wait=30s\x00--force",
		"x.toml\x00--wait\x000",
		"x.toml\x00--out\x00--quiet",
		"x.toml\x00--workers\x00--out",
		"x.toml\x00--out=a\x00--out=b",
		"x.toml\x00--\x00--out",
		"x.toml\x00-h",
		"x.toml\x00--outt\x00o",
		"x.toml\x00--max-memory\x008G\x00--max-runs=-1",
		"--wait=\x00x.toml",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		fs, vals := fuzzFlags()
		pos, err := parse(fs, args)
		fs2, vals2 := fuzzFlags()
		pos2, err2 := parse(fs2, args)
		if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("parsed twice: %v, then %v", err, err2)
		}
		if err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return
			}
			if n := len(err.Error()); n > 4096 {
				t.Fatalf("an error of %d bytes: %.300s", n, err)
			}
			return
		}
		if !reflect.DeepEqual(pos, pos2) || !reflect.DeepEqual(vals(), vals2()) {
			t.Fatalf("parsed twice: %q %v, then %q %v", pos, vals(), pos2, vals2())
		}
	})
}
