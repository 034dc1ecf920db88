package duckdb

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	goduckdb "github.com/duckdb/duckdb-go/v2"
)

// BenchmarkReadParquet1M reads a generated 1,000,000-row Parquet file. The
// DESIGN's figure (~12 ms) is for the close column alone through Arrow:
// "close" measures that. "decode" converts all seven columns into a
// Series as ReadFile does, without validation: 1M daily bars would span
// 2,700 years, beyond int64 nanoseconds, so the rows are one minute apart
// and collapse onto the same dates. "ReadFile-200k" is the whole ReadFile,
// validation included, on 200,000 daily bars (1700..2247).
func BenchmarkReadParquet1M(b *testing.B) {
	ctx := context.Background()
	db := memDB(b)
	dir := b.TempDir()
	gen := func(path string, n int, step string) {
		q := fmt.Sprintf(`COPY (SELECT %s AS date,
				100 + 10 * sin(i / 1000.0) AS close, close * 1.01 AS high, close * 0.99 AS low,
				close AS open, close AS adj_close, (i %% 1000)::DOUBLE AS volume
			FROM range(%d) t(i)) TO %s (FORMAT parquet)`, step, n, sqlString(path))
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	minutes := filepath.Join(dir, "minutes.parquet")
	gen(minutes, 1_000_000, "TIMESTAMP '2000-01-01' + to_minutes(i)")
	days := filepath.Join(dir, "days.parquet")
	gen(days, 200_000, "DATE '1700-01-01' + i::INTEGER")
	r := &fileReader{db: db}

	b.Run("close", func(b *testing.B) {
		close := make([]float64, 0, 1_000_000)
		for b.Loop() {
			close = close[:0]
			err := withArrow(ctx, db, func(ar *goduckdb.Arrow) error {
				rdr, err := ar.QueryContext(ctx, "SELECT close FROM read_parquet("+sqlString(minutes)+")")
				if err != nil {
					return err
				}
				defer rdr.Release()
				for rdr.Next() {
					close = append(close, rdr.RecordBatch().Column(0).(*array.Float64).Float64Values()...)
				}
				return rdr.Err()
			})
			if err != nil || len(close) != 1_000_000 {
				b.Fatal(len(close), err)
			}
		}
		b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			s, err := r.decode(ctx, minutes, ReadOptions{Symbol: "BENCH"})
			if err != nil || s.Len() != 1_000_000 {
				b.Fatal(s.Len(), err)
			}
		}
		b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("ReadFile-200k", func(b *testing.B) {
		for b.Loop() {
			s, err := r.read(ctx, days, ReadOptions{Symbol: "BENCH"})
			if err != nil || s.Len() != 200_000 {
				b.Fatal(s.Len(), err)
			}
		}
		b.ReportMetric(2e5*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
