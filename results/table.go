package results

import (
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Column is one column of a Table: exactly one of Floats, Ints, Strings,
// Times (UTC ns), Uints or Bools is set.
type Column struct {
	Name    string
	Floats  []float64
	Ints    []int64
	Strings []string
	Times   []int64
	Uints   []uint64 // written as uint64 in Parquet (DuckDB UBIGINT)
	Bools   []bool   // "true" or "false" in CSV
}

func (c *Column) len() int {
	switch {
	case c.Floats != nil:
		return len(c.Floats)
	case c.Ints != nil:
		return len(c.Ints)
	case c.Strings != nil:
		return len(c.Strings)
	case c.Uints != nil:
		return len(c.Uints)
	case c.Bools != nil:
		return len(c.Bools)
	}
	return len(c.Times)
}

// Table is a small columnar table (a runs table, a walk-forward table)
// written as CSV or Parquet with the same columns.
type Table struct {
	Columns []Column
}

// Rows is the number of rows (0 for a table without columns).
func (t *Table) Rows() int {
	if len(t.Columns) == 0 {
		return 0
	}
	return t.Columns[0].len()
}

func (t *Table) check() error {
	n := t.Rows()
	for i := range t.Columns {
		c := &t.Columns[i]
		set := 0
		for _, b := range []bool{c.Floats != nil, c.Ints != nil, c.Strings != nil, c.Times != nil, c.Uints != nil, c.Bools != nil} {
			if b {
				set++
			}
		}
		if set > 1 {
			return fmt.Errorf("results: table column %q has more than one type", c.Name)
		}
		if c.len() != n {
			return fmt.Errorf("results: table column %q has %d rows, %q has %d", c.Name, c.len(), t.Columns[0].Name, n)
		}
	}
	return nil
}

// WriteTableCSV writes the table with a header row. Floats use the
// shortest exact form; NaN is an empty cell; a time column is dates when
// every time in it is a UTC midnight, else RFC 3339 with nanoseconds
// throughout (never a mix); booleans are true or false.
func WriteTableCSV(w io.Writer, t *Table) error {
	if err := t.check(); err != nil {
		return err
	}
	cw := newCSVWriter(w)
	for i := range t.Columns {
		cw.String(t.Columns[i].Name)
	}
	cw.EndRow()
	// One layout per time column (see timeLayout): dates only when every
	// time in it is a midnight.
	layouts := make([]string, len(t.Columns))
	for i := range t.Columns {
		layouts[i] = timeLayout(t.Columns[i].Times)
	}
	for r := 0; r < t.Rows(); r++ {
		for i := range t.Columns {
			c := &t.Columns[i]
			switch {
			case c.Floats != nil:
				cw.FloatOrEmpty(c.Floats[r])
			case c.Ints != nil:
				cw.Int(c.Ints[r])
			case c.Strings != nil:
				cw.String(c.Strings[r])
			case c.Uints != nil:
				cw.Uint(c.Uints[r])
			case c.Bools != nil:
				cw.Bool(c.Bools[r])
			default:
				cw.Time(c.Times[r], layouts[i])
			}
		}
		cw.EndRow()
	}
	return cw.Close()
}

// nullableFloats is v as an Arrow array in which NaN (a value the table
// does not have: a Sharpe ratio of a run that never traded, a hedge
// effectiveness left blank) is null, as the CSV leaves it empty and
// results.duckdb stores NULL: a NaN in Parquet sorts above every number
// in DuckDB (ORDER BY sharpe DESC put a run without trades first) and
// makes max() NaN. Without a NaN, v is wrapped as it is.
func nullableFloats(mem memory.Allocator, v []float64) arrow.Array {
	if !slices.ContainsFunc(v, math.IsNaN) {
		return float64Array(v)
	}
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.Reserve(len(v))
	for _, x := range v {
		if math.IsNaN(x) {
			b.AppendNull()
		} else {
			b.Append(x)
		}
	}
	return b.NewArray()
}

// WriteTableParquet writes the table as Parquet: doubles (NaN as null),
// int64s, strings and timestamp[ns, UTC] columns. It does not close w.
func WriteTableParquet(w io.Writer, t *Table) error {
	if err := t.check(); err != nil {
		return err
	}
	fields := make([]arrow.Field, len(t.Columns))
	cols := make([]arrow.Array, len(t.Columns))
	mem := memory.DefaultAllocator
	for i := range t.Columns {
		c := &t.Columns[i]
		switch {
		case c.Floats != nil:
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.PrimitiveTypes.Float64, Nullable: true}
			cols[i] = nullableFloats(mem, c.Floats)
		case c.Ints != nil:
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.PrimitiveTypes.Int64}
			b := array.NewInt64Builder(mem)
			b.AppendValues(c.Ints, nil)
			cols[i] = b.NewArray()
			b.Release()
		case c.Strings != nil:
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.BinaryTypes.String}
			b := array.NewStringBuilder(mem)
			b.AppendValues(c.Strings, nil)
			cols[i] = b.NewArray()
			b.Release()
		case c.Uints != nil:
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.PrimitiveTypes.Uint64}
			b := array.NewUint64Builder(mem)
			b.AppendValues(c.Uints, nil)
			cols[i] = b.NewArray()
			b.Release()
		case c.Bools != nil:
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.FixedWidthTypes.Boolean}
			b := array.NewBooleanBuilder(mem)
			b.AppendValues(c.Bools, nil)
			cols[i] = b.NewArray()
			b.Release()
		default:
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.FixedWidthTypes.Timestamp_ns}
			cols[i] = timestampArray(c.Times)
		}
	}
	if err := writeParquet(w, arrow.NewSchema(fields, nil), cols, int64(t.Rows())); err != nil {
		return fmt.Errorf("results: table parquet: %w", err)
	}
	return nil
}
