package results

import (
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/divergence-research/divergence/engine"
)

// Parquet files are written with one row group and parquet-go's default
// created_by ("parquet-go version <arrow-go version>"), which is constant
// for a build: there is no creation time or random id in the file, so the
// bytes depend only on the data. Columns are required (not nullable); a
// NaN float is stored as NaN. Encodings are chosen for writing speed at
// about the same size:
//   - float columns are PLAIN and uncompressed: their values rarely
//     repeat, so a dictionary would be built only to be dropped, and
//     Snappy saves under 2 % on doubles while taking two thirds of the
//     time. A column of one value throughout (a fill's slippage or fee
//     of 0, the gross exposure of a run that never trades) keeps its
//     dictionary of one entry instead: a few bytes, not 8 a row (a
//     third of a 200-run sweep's fills files, 93 → 63 MB);
//   - timestamp columns are DELTA_BINARY_PACKED (regular steps pack into
//     a few bits) and Snappy-compressed, without a dictionary;
//   - text and integer columns keep the dictionary and Snappy; the text
//     columns a writer hands over as dictionary arrays (fills' symbol,
//     side, kind, tag) have no min/max statistics: the writer would hash
//     every row's index to find the values used (a file of 9,500 fills
//     took 2.7 ms with them, 1.8–1.9 ms without), and a file of one run's
//     fills is read whole anyway.

var (
	curveSchema = arrow.NewSchema([]arrow.Field{
		{Name: "time", Type: arrow.FixedWidthTypes.Timestamp_ns},
		{Name: "equity", Type: arrow.PrimitiveTypes.Float64},
		{Name: "cash", Type: arrow.PrimitiveTypes.Float64},
		{Name: "gross", Type: arrow.PrimitiveTypes.Float64},
		{Name: "net", Type: arrow.PrimitiveTypes.Float64},
		{Name: "drawdown", Type: arrow.PrimitiveTypes.Float64},
	}, nil)

	fillSchema = arrow.NewSchema([]arrow.Field{
		{Name: "time", Type: arrow.FixedWidthTypes.Timestamp_ns},
		{Name: "symbol", Type: arrow.BinaryTypes.String},
		{Name: "side", Type: arrow.BinaryTypes.String},
		{Name: "qty", Type: arrow.PrimitiveTypes.Float64},
		{Name: "price", Type: arrow.PrimitiveTypes.Float64},
		{Name: "notional", Type: arrow.PrimitiveTypes.Float64},
		{Name: "commission", Type: arrow.PrimitiveTypes.Float64},
		{Name: "kind", Type: arrow.BinaryTypes.String},
		{Name: "tag", Type: arrow.BinaryTypes.String},
		{Name: "slippage", Type: arrow.PrimitiveTypes.Float64},
		{Name: "fee", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
)

// CurveFields are the columns of an equity curve's Parquet file, in
// order (a copy: the caller may change it).
func CurveFields() []arrow.Field { return curveSchema.Fields() }

// WriteCurveParquet writes an equity curve as a Parquet file with the columns
// time (timestamp[ns, UTC]), equity, cash, gross, net and drawdown (double).
// It does not close w.
func WriteCurveParquet(w io.Writer, c *engine.Curve) error {
	if err := checkCurve(c); err != nil {
		return err
	}
	cols := []arrow.Array{
		timestampArray(c.Time),
		float64Array(c.Equity),
		float64Array(c.Cash),
		float64Array(c.Gross),
		float64Array(c.Net),
		float64Array(c.Drawdown),
	}
	if err := writeParquet(w, curveSchema, cols, int64(c.Len())); err != nil {
		return fmt.Errorf("results: curve parquet: %w", err)
	}
	return nil
}

// WriteFillsParquet writes fills as a Parquet file with the columns of
// [WriteFillsCSV]: time (timestamp[ns, UTC]), symbol, side, qty, price,
// notional, commission, kind, tag, slippage and fee. It does not close w.
func WriteFillsParquet(w io.Writer, fills []engine.Fill) error {
	n := len(fills)
	times := make([]int64, n)
	qty, price, notional, commission := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	slip, fee := make([]float64, n), make([]float64, n)
	// The text columns repeat a few values (symbols, sides, kinds, tags):
	// they go to the writer as dictionary arrays, which it stores as
	// they are instead of hashing every value.
	var symbol, side, kind, tag dictColumn
	symbol.init(n)
	side.init(n)
	kind.init(n)
	tag.init(n)
	for i := range fills {
		f := &fills[i]
		times[i] = f.Time
		qty[i], price[i], notional[i], commission[i] = f.Qty, f.Price, Notional(f), f.Commission
		slip[i], fee[i] = f.Slippage, f.Fee
		symbol.add(f.Symbol)
		side.add(Side(f))
		kind.add(f.Kind.String())
		tag.add(f.Tag)
	}
	cols := []arrow.Array{
		timestampArray(times),
		symbol.array(),
		side.array(),
		float64Array(qty),
		float64Array(price),
		float64Array(notional),
		float64Array(commission),
		kind.array(),
		tag.array(),
		float64Array(slip),
		float64Array(fee),
	}
	if err := writeParquet(w, fillDictSchema, cols, int64(n)); err != nil {
		return fmt.Errorf("results: fills parquet: %w", err)
	}
	return nil
}

// dictColumn builds a text column as a dictionary array: the distinct
// values in order of first appearance and an index per row.
type dictColumn struct {
	index  map[string]int32
	values []string
	rows   []int32
	last   string
	lastAt int32
}

func (d *dictColumn) init(n int) {
	d.index = map[string]int32{}
	d.rows = make([]int32, 0, n)
	d.lastAt = -1
}

func (d *dictColumn) add(s string) {
	if d.lastAt >= 0 && s == d.last {
		d.rows = append(d.rows, d.lastAt)
		return
	}
	k, ok := d.index[s]
	if !ok {
		k = int32(len(d.values))
		d.index[s] = k
		d.values = append(d.values, s)
	}
	d.last, d.lastAt = s, k
	d.rows = append(d.rows, k)
}

// array returns the column as a dictionary<int32, string> array.
func (d *dictColumn) array() arrow.Array {
	vb := array.NewStringBuilder(memory.DefaultAllocator)
	defer vb.Release()
	vb.AppendValues(d.values, nil)
	dict := vb.NewArray()
	defer dict.Release()
	idx := int32Array(d.rows)
	defer idx.Release()
	return array.NewDictionaryArray(textDict, idx, dict)
}

// textDict is the type of a dictionary-encoded text column.
var textDict = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// fillDictSchema is fillSchema with the text columns as dictionaries, as
// WriteFillsParquet hands them to the writer (the file stores text).
var fillDictSchema = func() *arrow.Schema {
	fs := fillSchema.Fields()
	for i := range fs {
		if fs[i].Type.ID() == arrow.STRING {
			fs[i].Type = textDict
		}
	}
	return arrow.NewSchema(fs, nil)
}()

// noClose hides an io.Writer's Close method: pqarrow's FileWriter.Close
// closes its writer if it can, and the caller owns w.
type noClose struct{ io.Writer }

// writeParquet writes cols as one record batch and releases them.
func writeParquet(w io.Writer, schema *arrow.Schema, cols []arrow.Array, rows int64) error {
	rec := array.NewRecordBatch(schema, cols, rows)
	for _, c := range cols {
		c.Release()
	}
	defer rec.Release()

	// Values go to the column writers in batches of up to 8 Ki rows, and
	// a data page is cut at 128 KiB (16 Ki doubles) rather than the
	// default 1 MiB: a column's encoder buffer and the page built from it
	// stay small and are reused from page to page, where a page of a
	// column's whole 1 MiB grew two fresh buffers of its size, zeroed by
	// the runtime (a 125,000-row curve: 10.6 → 2.3 MB allocated, 5.7 →
	// 4.3 ms; 1M rows: 16.6 → 2.9 MB; the whole run's command 7% faster
	// with and without its report, BenchmarkCommandWhole). The files are
	// 0.05% larger (more page headers) above 16 Ki rows, and the same
	// bytes up to it.
	opts := []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithBatchSize(max(1024, min(rows, 1<<13))), parquet.WithDataPageSize(128 << 10)}
	for i, f := range schema.Fields() {
		switch f.Type.ID() {
		case arrow.FLOAT64, arrow.FLOAT32:
			if constant(rec.Column(i)) {
				// One value throughout (a fill's slippage or fee of 0):
				// PLAIN, compressed (Snappy), about 0.4 B a row where
				// PLAIN alone took 8; its dictionary of one entry took a
				// few bytes, but hashed every value on the way (9,500
				// fills: 2.9 ms against 2.4 ms, the file 2 % larger).
				opts = append(opts, parquet.WithDictionaryFor(f.Name, false))
				break
			}
			opts = append(opts, parquet.WithDictionaryFor(f.Name, false), parquet.WithCompressionFor(f.Name, compress.Codecs.Uncompressed))
		case arrow.TIMESTAMP:
			opts = append(opts, parquet.WithDictionaryFor(f.Name, false), parquet.WithEncodingFor(f.Name, parquet.Encodings.DeltaBinaryPacked))
		case arrow.DICTIONARY:
			opts = append(opts, parquet.WithStatsFor(f.Name, false))
		}
	}
	props := parquet.NewWriterProperties(opts...)
	fw, err := pqarrow.NewFileWriter(schema, noClose{w}, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return err
	}
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}

// constant reports whether a float64 column of at least 2 rows holds
// one value throughout (bit for bit).
func constant(a arrow.Array) bool {
	f, ok := a.(*array.Float64)
	if !ok || f.Len() < 2 || f.NullN() > 0 {
		return false
	}
	v := f.Float64Values()
	first := math.Float64bits(v[0])
	for _, x := range v[1:] {
		if math.Float64bits(x) != first {
			return false
		}
	}
	return true
}

// float64Array wraps v in an Arrow array without copying it. The array must
// not outlive v's use by the writer (it does not: it is released on return).
func float64Array(v []float64) arrow.Array {
	buf := memory.NewBufferBytes(arrow.Float64Traits.CastToBytes(v))
	data := array.NewData(arrow.PrimitiveTypes.Float64, len(v), []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// int32Array wraps v in an Arrow array without copying it, as
// float64Array does.
func int32Array(v []int32) arrow.Array {
	buf := memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(v))
	data := array.NewData(arrow.PrimitiveTypes.Int32, len(v), []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// timestampArray wraps UTC Unix nanoseconds in a timestamp[ns, UTC] array
// without copying them.
func timestampArray(v []int64) arrow.Array {
	buf := memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(v))
	data := array.NewData(arrow.FixedWidthTypes.Timestamp_ns, len(v), []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer data.Release()
	return array.MakeFromData(data)
}
