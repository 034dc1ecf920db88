//go:build !duckdb_arrow

package resultsdb

// This package hands equity curves to DuckDB through its Arrow interface,
// which duckdb-go compiles only with the build tag duckdb_arrow. Without
// it the build stops here, with a message that says so, before the
// errors about duckdb.Arrow.
var _ = build_with_tags_duckdb_arrow // go build -tags duckdb_arrow
