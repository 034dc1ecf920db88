package experiment

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// checkOutside refuses a results folder, <out>/<name>, that data.table
// would read back: the table a folder (every data file below it is read)
// or a glob that can reach a file below the results folder, and the
// results folder inside the glob's folder (the path before its first
// wildcard). Its CSV and Parquet files would be rows of the table to
// every later run (which fails on them, or reads them as bars). A glob
// with "**" reaches any depth; another reaches files as many levels below
// its folder as it has parts, each part matching one folder:
// bars/*/*.parquet reads the results' files with --out bars
// (bars/<name>/runs.parquet), not with --out bars/results (they lie a
// level deeper), nor does bars/20*/*.parquet (hive partitions: "20*" is
// not "results"). A table of one file, a DuckDB database's table or a
// query read none of them.
func (f *File) checkOutside(out, name string) error {
	if f.Data.Table == "" || f.Data.DuckDB != "" {
		return nil
	}
	table := f.resolve(f.Data.Table)
	root := table
	var rest []string // the glob's parts from its first wildcard
	if strings.ContainsAny(table, "*?[") {
		parts := strings.Split(filepath.ToSlash(filepath.Clean(table)), "/")
		i := 0
		for i < len(parts) && !strings.ContainsAny(parts[i], "*?[") {
			i++
		}
		root = filepath.FromSlash(strings.Join(parts[:i], "/"))
		switch {
		case i == 1 && parts[0] == "":
			root = string(filepath.Separator) // /*/*.parquet
		case root == "":
			root = "."
		}
		rest = parts[i:]
	} else if fi, err := os.Stat(table); err != nil || !fi.IsDir() {
		return nil // one file
	}
	final := filepath.Join(out, name)
	r := realPath(root)
	rel, err := filepath.Rel(r, realPath(final))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil
	}
	if rest != nil && rel != "." && !globReaches(rest, strings.Split(filepath.ToSlash(rel), "/")) {
		return nil
	}
	return fmt.Errorf("--out %s: the results folder %s would lie inside %s, whose files data.table = %q reads: every later run would read the results as bars; choose an --out outside %s",
		out, final, root, f.Data.Table, root)
}

// globReaches reports whether the glob parts (below the table's folder)
// can match a file below the folder down (its folders' names below the
// table's): with "**", or with more parts than down has, the first of
// them matching down's folders.
func globReaches(parts, down []string) bool {
	for _, p := range parts {
		if strings.Contains(p, "**") {
			return true
		}
	}
	if len(parts) <= len(down) {
		return false // its files lie no deeper than down
	}
	for j, d := range down {
		if ok, err := path.Match(parts[j], d); err == nil && !ok {
			return false
		}
	}
	return true
}

// realPath is p made absolute with its symbolic links resolved, as far
// as it exists (the rest of it joined as written).
func realPath(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if r, err := filepath.EvalSymlinks(a); err == nil {
		return r
	}
	if d := filepath.Dir(a); d != a {
		return filepath.Join(realPath(d), filepath.Base(a))
	}
	return a
}
