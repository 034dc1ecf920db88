package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// A disk that fills while DuckDB checkpoints results.duckdb fails with a
// FATAL error whose message carries DuckDB's C++ stack trace (seen on a
// 6 MB tmpfs: 20 lines of frames after the one that says the disk is
// full). The program says what went wrong, without the frames.
func TestFailureDropsDuckDBStackTrace(t *testing.T) {
	const fatal = `FATAL Error: Failed to create checkpoint because of error: Could not write file "out/.probe.tmp-1/.results.duckdb.tmp-2": No space left on device

Stack Trace:

/usr/local/bin/divergence(duckdb::Exception::ToJSON(duckdb::ExceptionType, std::__cxx11::basic_string<char> const&)+0x56) [0x2c0cdc6]
/usr/local/bin/divergence(duckdb::DuckTransactionManager::Checkpoint(duckdb::ClientContext&, bool)+0xbc) [0x248761c]
/lib/x86_64-linux-gnu/libc.so.6(+0x1098ec) [0x7fa86b6478ec]
`
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"fatal at the end", fmt.Errorf("results database: %w", errors.New(fatal)),
			`results database: FATAL Error: Failed to create checkpoint because of error: Could not write file "out/.probe.tmp-1/.results.duckdb.tmp-2": No space left on device`},
		{"text after the trace", errors.Join(errors.New(strings.TrimSuffix(fatal, "\n")+"\n\nthen: the old folder is kept"), errors.New("second")),
			`FATAL Error: Failed to create checkpoint because of error: Could not write file "out/.probe.tmp-1/.results.duckdb.tmp-2": No space left on device` + "\n\nthen: the old folder is kept\nsecond"},
		{"no trace", errors.New("data.query: duckdb: query: Parser Error: syntax error at or near \"1\"\n\nLINE 1: SELECT * FROM (SELEC 1)\n                             ^"),
			"data.query: duckdb: query: Parser Error: syntax error at or near \"1\"\n\nLINE 1: SELECT * FROM (SELEC 1)\n                             ^"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := failure(context.Background(), c.err)
			if got != c.want {
				t.Errorf("failure:\n%s\nwant:\n%s", got, c.want)
			}
			if strings.Contains(got, "Stack Trace") || strings.Contains(got, "[0x") {
				t.Errorf("failure keeps DuckDB's stack trace:\n%s", got)
			}
		})
	}
}
