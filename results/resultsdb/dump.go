package resultsdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	goduckdb "github.com/duckdb/duckdb-go/v2"
)

// Dump writes every table of a DuckDB database file as text — per table
// in name order: its name, its columns and types, then every row in the
// order a query without ORDER BY reads them (the order they are stored
// in, which users see) — so that two databases can be compared by
// content and row order. DuckDB's file bytes are not deterministic (the
// same tables built twice lay out their blocks differently); their
// dumps are.
func Dump(ctx context.Context, path string) (string, error) {
	c, err := goduckdb.NewConnector(path+"?access_mode=read_only", nil)
	if err != nil {
		return "", fmt.Errorf("resultsdb: %s: %w", path, err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	var tables []string
	rows, err := db.QueryContext(ctx, "SELECT table_name FROM information_schema.tables ORDER BY table_name")
	if err != nil {
		return "", fmt.Errorf("resultsdb: %s: %w", path, err)
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return "", err
		}
		tables = append(tables, t)
	}
	rows.Close()
	var b strings.Builder
	for _, t := range tables {
		q := `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
		r, err := db.QueryContext(ctx, "SELECT * FROM "+q)
		if err != nil {
			return "", fmt.Errorf("resultsdb: %s: table %s: %w", path, t, err)
		}
		cols, _ := r.ColumnTypes()
		fmt.Fprintf(&b, "table %s\n", t)
		for _, c := range cols {
			fmt.Fprintf(&b, "  %s %s\n", c.Name(), c.DatabaseTypeName())
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for r.Next() {
			if err := r.Scan(ptrs...); err != nil {
				r.Close()
				return "", err
			}
			fmt.Fprintf(&b, "%v\n", vals)
		}
		if err := r.Err(); err != nil {
			r.Close()
			return "", err
		}
		r.Close()
	}
	return b.String(), nil
}
