package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Concat reads Parquet files as one table through DuckDB (an in-memory
// database: nothing is written) — SELECT columns FROM read_parquet(files)
// ORDER BY order — and hands each row to row, whose scan fills its
// arguments as database/sql's Rows.Scan does. The merge of an
// experiment's shards reads the shards' tables with it, in the
// one-machine run's order. An error names the files.
func Concat(ctx context.Context, files []string, columns, order string, row func(scan func(dest ...any) error) error) error {
	if len(files) == 0 {
		return nil
	}
	c, err := connector("")
	if err != nil {
		return fmt.Errorf("duckdb: %w", err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	quoted := make([]string, len(files))
	for i, f := range files {
		quoted[i] = sqlString(f)
	}
	q := fmt.Sprintf("SELECT %s FROM read_parquet([%s]) ORDER BY %s", columns, strings.Join(quoted, ", "), order)
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("duckdb: reading %s: %w", strings.Join(files, ", "), err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return fmt.Errorf("duckdb: reading %s: %w", strings.Join(files, ", "), err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("duckdb: reading %s: %w", strings.Join(files, ", "), err)
	}
	return nil
}
