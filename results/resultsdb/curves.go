package resultsdb

import (
	"database/sql"
	"database/sql/driver"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/memory/mallocator"
	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
)

// curvesView is the name under which the equity curves in memory are
// shown to DuckDB (a temporary view of the connection, not stored).
const curvesView = "divergence_equity_curves"

// curveBatch is the number of rows of a batch of curves handed to
// DuckDB: its row group. DuckDB inserts, in order, batches smaller than
// a row group one after another on one thread, and full ones on all.
const curveBatch = 122_880

// curveSchema is the view's columns: the run's key as a dictionary
// (each batch's run column indexes the sorted keys), then the columns of
// a curve's file (time, equity, cash, gross, net, drawdown), as
// curveBatches fills them.
var curveSchema = arrow.NewSchema(append([]arrow.Field{
	{Name: "run", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}},
}, results.CurveFields()...), nil)

// curveBatches is an array.RecordReader over the runs' equity curves in
// the order of their keys, each curve's points in its order, in batches
// of size rows across runs, each made when DuckDB asks for it (in C
// memory: DuckDB holds it past the call) and released after.
type curveBatches struct {
	refs   atomic.Int64
	mem    memory.Allocator
	keys   []string // sorted
	curves []*engine.Curve
	size   int
	run    int // the run and point the next batch starts at
	at     int
	dict   arrow.Array
	cur    arrow.RecordBatch
}

// newCurveBatches returns the reader of the curves of runs keyed keys
// (curves[i] of keys[i]).
func newCurveBatches(keys []string, curves []*engine.Curve, size int) *curveBatches {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	b := &curveBatches{mem: mallocator.NewMallocator(), size: size}
	for _, i := range order {
		b.keys = append(b.keys, keys[i])
		b.curves = append(b.curves, curves[i])
	}
	sb := array.NewStringBuilder(b.mem)
	defer sb.Release()
	sb.AppendValues(b.keys, nil)
	b.dict = sb.NewArray()
	b.refs.Store(1)
	return b
}

func (b *curveBatches) Retain() { b.refs.Add(1) }

func (b *curveBatches) Release() {
	if b.refs.Add(-1) == 0 {
		if b.cur != nil {
			b.cur.Release()
			b.cur = nil
		}
		b.dict.Release()
	}
}

func (b *curveBatches) Schema() *arrow.Schema { return curveSchema }

func (b *curveBatches) Next() bool {
	if b.cur != nil {
		b.cur.Release()
		b.cur = nil
	}
	// The runs and points of the batch.
	type part struct{ run, lo, hi int }
	var parts []part
	n := 0
	for b.run < len(b.curves) && n < b.size {
		c := b.curves[b.run]
		hi := min(c.Len(), b.at+b.size-n)
		if hi > b.at {
			parts = append(parts, part{b.run, b.at, hi})
			n += hi - b.at
		}
		if b.at = hi; b.at >= c.Len() {
			b.run, b.at = b.run+1, 0
		}
	}
	if n == 0 {
		return false
	}
	idx := array.NewInt32Builder(b.mem)
	defer idx.Release()
	idx.Reserve(n)
	tb := array.NewTimestampBuilder(b.mem, curveSchema.Field(1).Type.(*arrow.TimestampType))
	defer tb.Release()
	tb.Reserve(n)
	fbs := make([]*array.Float64Builder, 5)
	for i := range fbs {
		fbs[i] = array.NewFloat64Builder(b.mem)
		defer fbs[i].Release()
		fbs[i].Reserve(n)
	}
	for _, p := range parts {
		c := b.curves[p.run]
		for k := p.lo; k < p.hi; k++ {
			idx.UnsafeAppend(int32(p.run))
			tb.UnsafeAppend(arrow.Timestamp(c.Time[k]))
		}
		for i, col := range [][]float64{c.Equity, c.Cash, c.Gross, c.Net, c.Drawdown} {
			fbs[i].AppendValues(col[p.lo:p.hi], nil)
		}
	}
	ix := idx.NewArray()
	defer ix.Release()
	cols := []arrow.Array{array.NewDictionaryArray(curveSchema.Field(0).Type, ix, b.dict), tb.NewArray()}
	for _, fb := range fbs {
		cols = append(cols, fb.NewArray())
	}
	b.cur = array.NewRecordBatch(curveSchema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return true
}

func (b *curveBatches) RecordBatch() arrow.RecordBatch { return b.cur }

// Record is RecordBatch (array.RecordReader still lists it).
func (b *curveBatches) Record() arrow.RecordBatch { return b.cur }

func (b *curveBatches) Err() error { return nil }

// showCurves registers the curves as curvesView on the connection; the
// returned function drops the view and frees the reader.
func showCurves(conn *sql.Conn, keys []string, curves []*engine.Curve) (func(), error) {
	rr := newCurveBatches(keys, curves, curveBatch)
	var release func()
	err := conn.Raw(func(dc any) error {
		ar, err := goduckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		release, err = ar.RegisterView(rr, curvesView)
		return err
	})
	if err != nil {
		rr.Release()
		return nil, err
	}
	return func() {
		release()
		rr.Release()
	}, nil
}
