package duckdb

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/divergence-research/divergence/data"
)

// TableFile is the name WriteParquetTable gives the one-table file in its
// folder.
const TableFile = "bars.parquet"

// parquetRowGroup is the row group length of the files written here: small
// enough that a reader asking for a few symbols of a file sorted by symbol
// skips most of it by the row groups' min/max statistics.
const parquetRowGroup = 64 * 1024

// tableSchema is the one-table layout: one row per (symbol, bar).
func tableSchema(withSymbol bool) *arrow.Schema {
	fields := []arrow.Field{
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}},
		{Name: "open", Type: arrow.PrimitiveTypes.Float64},
		{Name: "high", Type: arrow.PrimitiveTypes.Float64},
		{Name: "low", Type: arrow.PrimitiveTypes.Float64},
		{Name: "close", Type: arrow.PrimitiveTypes.Float64},
		{Name: "volume", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}
	if withSymbol {
		fields = append([]arrow.Field{{Name: "symbol", Type: arrow.BinaryTypes.String}}, fields...)
	}
	md := arrow.NewMetadata([]string{"divergence.synthetic"}, []string{"true"})
	return arrow.NewSchema(fields, &md)
}

// WriteParquetTable writes the panel as one Parquet table
// dir/bars.parquet with columns symbol, ts (timestamp[ns, UTC], the bar's
// open), open, high, low, close, volume (null when unknown), rows sorted by
// symbol then time, and marks dir synthetic (data.SyntheticMarker) when
// the panel is. The file is written to a temporary name and renamed, so a
// failed write leaves no partial file. It returns the file's path.
func WriteParquetTable(ctx context.Context, dir string, p *data.Panel) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	order := make([]int, len(p.Series))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(p.Series[a].Symbol, p.Series[b].Symbol) })
	path := filepath.Join(dir, TableFile)
	if err := writePanelParquet(ctx, path, true, p, order); err != nil {
		return "", err
	}
	return path, markSynthetic(dir, p)
}

// WriteParquetDir writes one Parquet file per instrument, dir/SYMBOL.parquet
// (columns ts, open, high, low, close, volume), in panel order, and marks dir
// synthetic when the panel is. Each file is written to a temporary name and
// renamed. The mark is made first: a write stopped after some files (ctx,
// an error) leaves them whole in a folder marked as the finished one is,
// which the next synthetic market may be written into.
func WriteParquetDir(ctx context.Context, dir string, p *data.Panel) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i := range p.Series {
		if sym := p.Series[i].Symbol; sym == "" || strings.ContainsAny(sym, `/\*?[`) || sym == "." || sym == ".." {
			return nil, fmt.Errorf("synth: symbol %q cannot name a file", sym)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := markSynthetic(dir, p); err != nil {
		return nil, err
	}
	var paths []string
	for i := range p.Series {
		path := filepath.Join(dir, p.Series[i].Symbol+".parquet")
		if err := writePanelParquet(ctx, path, false, p, []int{i}); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

func markSynthetic(dir string, p *data.Panel) error {
	if !p.Synthetic {
		return nil
	}
	return os.WriteFile(filepath.Join(dir, data.SyntheticMarker),
		[]byte("The price files in this folder are generated (divergence data synth), not market data.\n"), 0o644)
}

// writePanelParquet writes the series of p at the given indices to path,
// through a temporary file renamed into place; stopped by ctx (checked
// before each row group), it removes the temporary file and returns ctx's
// error.
func writePanelParquet(ctx context.Context, path string, withSymbol bool, p *data.Panel, order []int) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes 0600; the final file is an ordinary data file
		return err
	}
	schema := tableSchema(withSymbol)
	props := parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithMaxRowGroupLength(parquetRowGroup),
		parquet.WithStats(true),
		parquet.WithDictionaryDefault(false),
		parquet.WithDictionaryFor("symbol", true),
	)
	fw, err := pqarrow.NewFileWriter(schema, tmp, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return fmt.Errorf("synth: %s: %w", path, err)
	}
	mem := memory.DefaultAllocator
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	col := 0
	if withSymbol {
		col = 1
	}
	const chunk = parquetRowGroup
	for _, i := range order {
		s := &p.Series[i]
		for lo := 0; lo < s.Len(); lo += chunk {
			if err := ctx.Err(); err != nil {
				fw.Close()
				return err
			}
			hi := min(lo+chunk, s.Len())
			if withSymbol {
				sb := b.Field(0).(*array.StringBuilder)
				sb.Reserve(hi - lo)
				for k := lo; k < hi; k++ {
					sb.Append(s.Symbol)
				}
			}
			ts := b.Field(col).(*array.TimestampBuilder)
			ts.Reserve(hi - lo)
			for _, t := range s.Time[lo:hi] {
				ts.UnsafeAppend(arrow.Timestamp(t))
			}
			for j, c := range [][]float64{s.Open, s.High, s.Low, s.Close} {
				b.Field(col+1+j).(*array.Float64Builder).AppendValues(c[lo:hi], nil)
			}
			vb := b.Field(col + 5).(*array.Float64Builder)
			vb.Reserve(hi - lo)
			for _, v := range s.Volume[lo:hi] {
				if math.IsNaN(v) {
					vb.UnsafeAppendBoolToBitmap(false)
				} else {
					vb.UnsafeAppend(v)
				}
			}
			rec := b.NewRecordBatch()
			err := fw.WriteBuffered(rec)
			rec.Release()
			if err != nil {
				fw.Close()
				return fmt.Errorf("synth: %s: %w", path, err)
			}
		}
	}
	if err := fw.Close(); err != nil {
		return fmt.Errorf("synth: %s: %w", path, err)
	}
	// fw.Close closes tmp too (pqarrow closes the sink when it is an
	// io.Closer); closing again reports os.ErrClosed, which is fine.
	if err := tmp.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
