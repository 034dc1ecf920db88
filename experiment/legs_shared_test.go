package experiment

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// linked reports whether the two paths name one file (a hard link).
func linked(t *testing.T, a, b string) bool {
	t.Helper()
	fa, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := os.Stat(b)
	if err != nil {
		t.Fatal(err)
	}
	return os.SameFile(fa, fb)
}

func TestSharedFileWrite(t *testing.T) {
	b := []byte("the legs' bytes")
	mkdirs := func(t *testing.T, root string) (a, c string) {
		t.Helper()
		for _, k := range []string{"a", "c"} {
			if err := os.MkdirAll(filepath.Join(root, "runs", k), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		return filepath.Join(root, "runs", "a", "legs.parquet"), filepath.Join(root, "runs", "c", "legs.parquet")
	}
	check := func(t *testing.T, path string) {
		t.Helper()
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, b) {
			t.Errorf("%s holds %q, want %q", path, got, b)
		}
	}
	t.Run("linked in a working folder", func(t *testing.T) {
		a, c := mkdirs(t, filepath.Join(t.TempDir(), ".x.tmp-1"))
		var s sharedFile
		for _, p := range []string{a, c} {
			if err := s.write(p, b); err != nil {
				t.Fatal(err)
			}
			check(t, p)
		}
		if !linked(t, a, c) {
			t.Error("the second run's file is not a link to the first's")
		}
	})
	t.Run("written outside a working folder", func(t *testing.T) {
		a, c := mkdirs(t, t.TempDir())
		var s sharedFile
		for _, p := range []string{a, c} {
			if err := s.write(p, b); err != nil {
				t.Fatal(err)
			}
			check(t, p)
		}
		if linked(t, a, c) {
			t.Error("linked outside a working folder")
		}
	})
	t.Run("written when the link fails", func(t *testing.T) {
		a, c := mkdirs(t, filepath.Join(t.TempDir(), ".x.tmp-1"))
		var s sharedFile
		if err := s.write(a, b); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(a); err != nil {
			t.Fatal(err)
		}
		if err := s.write(c, b); err != nil {
			t.Fatal(err)
		}
		check(t, c)
	})
}

// A sweep's runs share their legs files, as links of one file; a
// strategy with other legs has its own, and each run's legs.parquet
// holds the bytes the same strategy writes run alone.
func TestSweepLegsShared(t *testing.T) {
	const head = `name = "legs"
seed = 1
start = "2021-01-01"
end = "2021-12-31"
[data]
synthetic = true
synthetic_seed = 7
`
	const tech = `[[strategy]]
name = "tech"
type = "pair-hedge"
[strategy.params]
long = ["MSFT", "NVDA"]
short = ["TAO", "FET"]
rebalance_days = 7
`
	const sweep = `[strategy.sweep]
gross = [0.5, 1.0, 1.5]
`
	const other = `[[strategy]]
name = "other"
type = "pair-hedge"
[strategy.params]
long = ["META"]
short = ["RENDER"]
`
	dir := t.TempDir()
	o, err := runIn(t, dir, head+tech+sweep+other)
	if err != nil {
		t.Fatal(err)
	}
	legs := func(o *Outcome, key string) string { return filepath.Join(o.Dir, "runs", key, "legs.parquet") }
	var tk []string
	var ok string
	for _, r := range o.Runs {
		if r.Strategy == "tech" {
			tk = append(tk, r.Key)
		} else {
			ok = r.Key
		}
	}
	if len(tk) != 3 || ok == "" {
		t.Fatalf("runs %v and %q, want 3 of tech and 1 other", tk, ok)
	}
	for _, k := range tk[1:] {
		if !linked(t, legs(o, tk[0]), legs(o, k)) {
			t.Errorf("%s's legs.parquet is not %s's", k, tk[0])
		}
	}
	if linked(t, legs(o, tk[0]), legs(o, ok)) {
		t.Errorf("the other strategy's legs are the tech hedge's")
	}
	// Each alone, from a folder of its own: the same bytes.
	for _, c := range []struct{ text, key string }{{head + tech, tk[1]}, {head + other, ok}} {
		alone, err := runIn(t, t.TempDir(), c.text)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(legs(alone, alone.Runs[0].Key))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(legs(o, c.key))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s's legs.parquet differs from its strategy's run alone", c.key)
		}
	}
}
