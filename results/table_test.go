package results

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
)

func testTable() *Table {
	return &Table{Columns: []Column{
		{Name: "key", Strings: []string{"a", "b,c", "d"}},
		{Name: "sharpe", Floats: []float64{1.5, math.NaN(), -0.1}},
		{Name: "fills", Ints: []int64{3, 0, 12}},
		{Name: "start", Times: []int64{day(2024, 1, 2), day(2024, 1, 3), day(2024, 1, 4)}},
	}}
}

func TestTableCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTableCSV(&b, testTable()); err != nil {
		t.Fatal(err)
	}
	want := "key,sharpe,fills,start\na,1.5,3,2024-01-02\n\"b,c\",,0,2024-01-03\nd,-0.1,12,2024-01-04\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestTableCSVOneTimeLayoutPerColumn: an hourly prices table that
// crosses a UTC midnight wrote that bar as a date (2025-10-01) between
// full timestamps, a column pandas' to_datetime may refuse; each time
// column now has one layout (docs/python.md), and a column of midnights
// only stays dates.
func TestTableCSVOneTimeLayoutPerColumn(t *testing.T) {
	h := int64(3_600_000_000_000)
	mid := day(2025, 10, 1)
	tab := &Table{Columns: []Column{
		{Name: "time", Times: []int64{mid - h, mid, mid + h}},
		{Name: "day", Times: []int64{mid - 86_400_000_000_000, mid, mid + 86_400_000_000_000}},
	}}
	var b bytes.Buffer
	if err := WriteTableCSV(&b, tab); err != nil {
		t.Fatal(err)
	}
	want := "time,day\n" +
		"2025-09-30T23:00:00Z,2025-09-30\n" +
		"2025-10-01T00:00:00Z,2025-10-01\n" +
		"2025-10-01T01:00:00Z,2025-10-02\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestTableParquetRoundTrip(t *testing.T) {
	var b bytes.Buffer
	tab := testTable()
	if err := WriteTableParquet(&b, tab); err != nil {
		t.Fatal(err)
	}
	tbl := readParquet(t, b.Bytes())
	defer tbl.Release()
	if tbl.NumRows() != 3 || tbl.NumCols() != 4 {
		t.Fatalf("%d rows %d cols", tbl.NumRows(), tbl.NumCols())
	}
	if got := stringColumn(t, tbl, 0); strings.Join(got, "|") != "a|b,c|d" {
		t.Errorf("keys %v", got)
	}
	// NaN (no value) is null, as in the CSV (empty) and results.duckdb.
	f := float64Column(t, tbl, 1)
	nulls := tbl.Column(1).Data().Chunk(0).(*array.Float64)
	if f[0] != 1.5 || !nulls.IsNull(1) || nulls.NullN() != 1 || f[2] != -0.1 {
		t.Errorf("sharpe %v, %d nulls", f, nulls.NullN())
	}
	// And it reads back as NaN.
	path := filepath.Join(t.TempDir(), "t.parquet")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := ReadTableParquet(path, "sharpe")
	if err != nil {
		t.Fatal(err)
	}
	if v := back.Columns[0].Floats; len(v) != 3 || v[0] != 1.5 || !math.IsNaN(v[1]) || v[2] != -0.1 {
		t.Errorf("read back %v", v)
	}
	ints := tbl.Column(2).Data().Chunk(0).(*array.Int64).Int64Values()
	if ints[0] != 3 || ints[1] != 0 || ints[2] != 12 {
		t.Errorf("fills %v", ints)
	}
	if ts := timeColumn(t, tbl, 3); ts[2] != day(2024, 1, 4) {
		t.Errorf("times %v", ts)
	}
}

func TestTableMismatch(t *testing.T) {
	tab := &Table{Columns: []Column{{Name: "a", Floats: []float64{1}}, {Name: "b", Ints: []int64{1, 2}}}}
	if err := WriteTableCSV(&bytes.Buffer{}, tab); err == nil || !strings.Contains(err.Error(), `"b" has 2 rows`) {
		t.Fatalf("error %v", err)
	}
}

// TestReadTableParquet writes a table of every column type and reads it
// back, whole and by columns.
func TestReadTableParquet(t *testing.T) {
	tab := testTable()
	tab.Columns = append(tab.Columns,
		Column{Name: "seed", Uints: []uint64{1, 1 << 63, math.MaxUint64}},
		Column{Name: "synthetic", Bools: []bool{true, false, true}})
	path := filepath.Join(t.TempDir(), "t.parquet")
	if err := WriteFileAtomic(path, func(w io.Writer) error { return WriteTableParquet(w, tab) }); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTableParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Columns) != len(tab.Columns) {
		t.Fatalf("%d columns, want %d", len(got.Columns), len(tab.Columns))
	}
	for i, c := range tab.Columns {
		g := got.Columns[i]
		same := g.Name == c.Name && fmt.Sprint(g.Ints, g.Strings, g.Times, g.Uints, g.Bools) == fmt.Sprint(c.Ints, c.Strings, c.Times, c.Uints, c.Bools)
		for k := range c.Floats {
			same = same && (g.Floats[k] == c.Floats[k] || math.IsNaN(g.Floats[k]) && math.IsNaN(c.Floats[k]))
		}
		if !same {
			t.Errorf("column %s: read %+v, wrote %+v", c.Name, g, c)
		}
	}
	sub, err := ReadTableParquet(path, "synthetic", "key")
	if err != nil {
		t.Fatal(err)
	}
	if sub.Columns[0].Name != "synthetic" || len(sub.Columns[0].Bools) != 3 || sub.Column("key").Strings[1] != "b,c" {
		t.Errorf("by columns: %+v", sub)
	}
	if _, err := ReadTableParquet(path, "nope"); err == nil || !strings.Contains(err.Error(), `no column "nope"`) || !strings.Contains(err.Error(), "t.parquet") {
		t.Errorf("error %v", err)
	}
}
