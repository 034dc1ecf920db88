package duckdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// dailyCSV is n daily bars from 2015-01-01 on, their prices a walk that
// seed varies, in the layout of the shared price files.
func dailyCSV(n int, seed float64) string {
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	p := 100 + seed
	for i := 0; i < n; i++ {
		o := p
		c := p * (1 + 0.01*float64((i*7+int(seed))%11-5)/5)
		hi, lo := max(o, c)*1.01, min(o, c)*0.99
		fmt.Fprintf(&b, "%s,%.4f,%.4f,%.4f,%.4f,%.4f,%d\n", data.FormatDay(data.Day(2015, 1, 1)+int64(i)*86400e9), o, hi, lo, c, c, 1000+i)
		p = c
	}
	return b.String()
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".wal"); err == nil {
		t.Fatalf("%s.wal left after Close", path)
	}
	return fi.Size()
}

// TestReimportDoesNotGrowCatalog imports the same files into a catalog
// ten times (each import a process of its own would be: open, import,
// close), all at once or one by one: the file is no larger than after the
// first import, give or take one DuckDB block (256 KiB). Re-writing the
// unchanged bars made it alternate between its size and about twice it
// (all at once) or grow to 2.5 times it (one by one).
func TestReimportDoesNotGrowCatalog(t *testing.T) {
	const block = 256 << 10
	ctx := context.Background()
	src := t.TempDir()
	var files []string
	for i, sym := range []string{"AAA", "BBB", "CCC", "DDD", "EEE", "FFF"} {
		files = append(files, writeFile(t, src, sym+".csv", dailyCSV(4000, float64(i))))
	}
	importAll := func(t *testing.T, catPath string, oneByOne bool) {
		t.Helper()
		c, err := OpenCatalog(catPath)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if !oneByOne {
			if _, err := c.Import(ctx, files, ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			return
		}
		for _, f := range files {
			if _, err := c.Import(ctx, []string{f}, ImportOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		name     string
		oneByOne bool
	}{{"all at once", false}, {"one by one", true}} {
		t.Run(tc.name, func(t *testing.T) {
			catPath := filepath.Join(t.TempDir(), "cat.duckdb")
			importAll(t, catPath, false)
			first := fileSize(t, catPath)
			var sizes []int64
			for range 10 {
				importAll(t, catPath, tc.oneByOne)
				sizes = append(sizes, fileSize(t, catPath))
			}
			for i, s := range sizes {
				if s > first+block {
					t.Fatalf("re-import %d: %d bytes, after the first import %d (sizes %v)", i+1, s, first, sizes)
				}
			}
			c := openCatalog(t, catPath)
			p, err := c.Load(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, f := range files {
				want, err := ReadFile(ctx, f, ReadOptions{})
				if err != nil {
					t.Fatal(err)
				}
				sameSeries(t, p.Series[i], want)
			}
		})
	}
}

// TestReimportWritesWhatChanged: an import is left unwritten only when
// everything it would write is what the catalog holds; another class, a
// window, an appended row or a corrected one is written.
func TestReimportWritesWhatChanged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	body := dailyCSV(30, 0)
	path := writeFile(t, dir, "AAA.csv", body)
	c := openCatalog(t, filepath.Join(dir, "cat.duckdb"))
	if _, err := c.ImportReport(ctx, []string{path}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(body, "\n")
	// Line 11 (2015-01-10) corrected: its close 0.0001 higher.
	f := strings.Split(strings.TrimSuffix(lines[10], "\n"), ",")
	cl, _ := strconv.ParseFloat(f[4], 64)
	f[4] = strconv.FormatFloat(cl+0.0001, 'f', -1, 64)
	corrected := strings.Join(lines[:10], "") + strings.Join(f, ",") + "\n" + strings.Join(lines[11:], "")
	for _, tc := range []struct {
		name      string
		body      string
		opt       ImportOptions
		unchanged bool
		rows      int
		class     data.Class
	}{
		{"the same file", body, ImportOptions{}, true, 30, data.Equity},
		{"another class", body, ImportOptions{Class: data.Crypto}, false, 30, data.Crypto},
		{"the same again", body, ImportOptions{Class: data.Crypto}, true, 30, data.Crypto},
		{"a window", body, ImportOptions{Start: data.Day(2015, 1, 11), StartSet: true}, false, 20, data.Equity},
		{"rows appended", dailyCSV(31, 0), ImportOptions{}, false, 31, data.Equity},
		{"a row corrected", corrected, ImportOptions{}, false, 30, data.Equity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeFile(t, dir, "AAA.csv", tc.body)
			res, err := c.ImportReport(ctx, []string{path}, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(res.Unchanged) == 1; got != tc.unchanged {
				t.Errorf("Unchanged = %v, want unchanged %v", res.Unchanged, tc.unchanged)
			}
			p, err := c.Load(ctx, []string{"AAA"})
			if err != nil {
				t.Fatal(err)
			}
			want, err := ReadFile(ctx, path, ReadOptions{Class: tc.opt.Class, Start: tc.opt.Start, StartSet: tc.opt.StartSet})
			if err != nil {
				t.Fatal(err)
			}
			if want.Len() != tc.rows || want.Class != tc.class {
				t.Fatalf("fixture: %d %s bars, want %d %s", want.Len(), want.Class, tc.rows, tc.class)
			}
			sameSeries(t, p.Series[0], want)
			list, _ := c.List(ctx)
			if list[0].SHA256 != sha(t, path) {
				t.Errorf("sha256 %s, want the file's %s", list[0].SHA256, sha(t, path))
			}
		})
	}
}
