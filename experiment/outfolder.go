package experiment

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// checkOutside refuses a results folder, <out>/<name>, that data.table
// would read back: the table a folder (every data file below it is read)
// or a glob reaching below the folder before its first wildcard ("**", or
// more than one level: bars/*/*.parquet), and the results folder inside
// that folder. Its CSV and Parquet files would be rows of the table to
// every later run (which fails on them, or reads them as bars). A table
// of one file, a glob of one level (bars/*.parquet: the results' files
// are two levels down), a DuckDB database's table or a query read none of
// them.
func (f *File) checkOutside(out, name string) error {
	if f.Data.Table == "" || f.Data.DuckDB != "" {
		return nil
	}
	table := f.resolve(f.Data.Table)
	root, deep := table, false
	if strings.ContainsAny(table, "*?[") {
		parts := strings.Split(filepath.ToSlash(filepath.Clean(table)), "/")
		i := 0
		for i < len(parts) && !strings.ContainsAny(parts[i], "*?[") {
			i++
		}
		root = filepath.FromSlash(strings.Join(parts[:i], "/"))
		if root == "" {
			root = "."
		}
		rest := parts[i:]
		deep = len(rest) > 1 || strings.Contains(strings.Join(rest, "/"), "**")
	} else if fi, err := os.Stat(table); err == nil && fi.IsDir() {
		deep = true
	}
	if !deep {
		return nil
	}
	final := filepath.Join(out, name)
	rel, err := filepath.Rel(realPath(root), realPath(final))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil
	}
	return fmt.Errorf("--out %s: the results folder %s would lie inside %s, whose files data.table = %q reads: every later run would read the results as bars; choose an --out outside %s",
		out, final, root, f.Data.Table, root)
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
