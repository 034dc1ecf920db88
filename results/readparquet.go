package results

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// ReadTableParquet reads the named columns of a Parquet file (every
// column when names is empty) into a Table, column by column: doubles,
// int64s, uint64s, booleans, strings and timestamps (read as UTC ns).
// Only the named columns are decoded. Null values read as NaN, 0, false
// or "". Errors name the file, and the column when it is missing or of
// another type.
func ReadTableParquet(path string, names ...string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	defer f.Close()
	rdr, err := file.NewParquetReader(f)
	if err != nil {
		return nil, fmt.Errorf("results: %s: %w", path, err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{Parallel: false, BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("results: %s: %w", path, err)
	}
	schema, err := fr.Schema()
	if err != nil {
		return nil, fmt.Errorf("results: %s: %w", path, err)
	}
	var idx []int
	if len(names) == 0 {
		for i := range schema.NumFields() {
			idx = append(idx, i)
			names = append(names, schema.Field(i).Name)
		}
	} else {
		for _, n := range names {
			is := schema.FieldIndices(n)
			if len(is) == 0 {
				have := make([]string, schema.NumFields())
				for i := range have {
					have[i] = schema.Field(i).Name
				}
				return nil, fmt.Errorf("results: %s: no column %q (have %s)", path, n, strings.Join(have, ", "))
			}
			idx = append(idx, is[0])
		}
	}
	groups := make([]int, rdr.NumRowGroups())
	for g := range groups {
		groups[g] = g
	}
	tbl, err := fr.ReadRowGroups(context.Background(), idx, groups)
	if err != nil {
		return nil, fmt.Errorf("results: %s: %w", path, err)
	}
	defer tbl.Release()
	out := &Table{Columns: make([]Column, len(idx))}
	n := int(tbl.NumRows())
	for j, i := range idx {
		col := Column{Name: names[j]}
		chunks := tbl.Column(j).Data().Chunks()
		switch schema.Field(i).Type.ID() {
		case arrow.FLOAT64:
			col.Floats = make([]float64, 0, n)
			for _, ch := range chunks {
				a := ch.(*array.Float64)
				col.Floats = append(col.Floats, a.Float64Values()...)
				for k := range a.Len() {
					if a.IsNull(k) {
						col.Floats[len(col.Floats)-a.Len()+k] = math.NaN()
					}
				}
			}
		case arrow.INT64:
			col.Ints = make([]int64, 0, n)
			for _, ch := range chunks {
				col.Ints = append(col.Ints, ch.(*array.Int64).Int64Values()...)
			}
		case arrow.UINT64:
			col.Uints = make([]uint64, 0, n)
			for _, ch := range chunks {
				col.Uints = append(col.Uints, ch.(*array.Uint64).Uint64Values()...)
			}
		case arrow.TIMESTAMP:
			unit := schema.Field(i).Type.(*arrow.TimestampType).Unit
			mult := int64(1)
			switch unit {
			case arrow.Second:
				mult = 1e9
			case arrow.Millisecond:
				mult = 1e6
			case arrow.Microsecond:
				mult = 1e3
			}
			col.Times = make([]int64, 0, n)
			for _, ch := range chunks {
				for _, v := range ch.(*array.Timestamp).TimestampValues() {
					col.Times = append(col.Times, int64(v)*mult)
				}
			}
		case arrow.BOOL:
			col.Bools = make([]bool, 0, n)
			for _, ch := range chunks {
				a := ch.(*array.Boolean)
				for k := range a.Len() {
					col.Bools = append(col.Bools, a.Value(k))
				}
			}
		case arrow.STRING:
			col.Strings = make([]string, 0, n)
			for _, ch := range chunks {
				a := ch.(*array.String)
				for k := range a.Len() {
					col.Strings = append(col.Strings, strings.Clone(a.Value(k)))
				}
			}
		default:
			return nil, fmt.Errorf("results: %s: column %q is %s, not a type the results read", path, names[j], schema.Field(i).Type)
		}
		out.Columns[j] = col
	}
	return out, nil
}

// Column returns the named column of t, or nil.
func (t *Table) Column(name string) *Column {
	i := slices.IndexFunc(t.Columns, func(c Column) bool { return c.Name == name })
	if i < 0 {
		return nil
	}
	return &t.Columns[i]
}
