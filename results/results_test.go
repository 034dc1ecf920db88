package results

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/divergence-research/divergence/engine"
)

func day(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).UnixNano()
}

// awkward holds floats that a careless writer would not round-trip: values
// needing 17 digits, signed zero, subnormals, extremes, NaN and infinities.
var awkward = []float64{
	0.1 + 0.2, 1.0 / 3, math.Copysign(0, -1), 0, 5e-324, math.SmallestNonzeroFloat64 * 3, math.MaxFloat64,
	-math.MaxFloat64, 1e21, 123456789.12345679, math.NaN(), math.Inf(1), math.Inf(-1), 100,
}

// testCurve builds a curve of n points; daily times when daily, else times
// with nanoseconds.
func testCurve(n int, daily bool) *engine.Curve {
	c := &engine.Curve{}
	for k := 0; k < n; k++ {
		t := day(2024, time.January, 1) + int64(k)*int64(24*time.Hour)
		if !daily {
			t += int64(k)*int64(time.Hour) + int64(k*7+1) // not on a second
		}
		eq := 1e6 * (1 + 0.01*math.Sin(float64(k)))
		c.Time = append(c.Time, t)
		c.Equity = append(c.Equity, eq)
		c.Cash = append(c.Cash, awkward[k%len(awkward)])
		c.Gross = append(c.Gross, eq/3)
		c.Net = append(c.Net, -eq/7)
		c.Drawdown = append(c.Drawdown, -float64(k%5)/9)
	}
	return c
}

func testFills() []engine.Fill {
	return []engine.Fill{
		{Time: day(2024, 1, 2), Instrument: 0, Symbol: "NVDA", Qty: 10.5, Price: 495.22, Commission: 1.05, Kind: engine.Market, Tag: "rebalance"},
		{Time: day(2024, 1, 3), Instrument: 1, Symbol: "TAO-USD", Qty: -0.1, Price: 0.1 + 0.2, Commission: 0, Kind: engine.MarketOnClose, Tag: `tranche 2, "late"`},
		{Time: day(2024, 1, 3), Instrument: 2, Symbol: "BTC-USD", Qty: 1.0 / 3, Price: 42000.123456789, Commission: 5e-324, Kind: engine.Market, Tag: ""},
		{Time: day(2024, 1, 4), Instrument: 1, Symbol: "TAO-USD", Qty: -1e-9, Price: 300, Commission: 0.25, Kind: engine.Market, Tag: "stop\nout"},
	}
}

func sameBits(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

func curveColumnsOf(c *engine.Curve) [][]float64 {
	return [][]float64{c.Equity, c.Cash, c.Gross, c.Net, c.Drawdown}
}

func TestCurveCSVRoundTrip(t *testing.T) {
	for _, daily := range []bool{true, false} {
		t.Run(map[bool]string{true: "daily", false: "intraday"}[daily], func(t *testing.T) {
			c := testCurve(40, daily)
			var buf bytes.Buffer
			if err := WriteCurveCSV(&buf, c); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Join(recs[0], ","), "time,equity,cash,gross,net,drawdown"; got != want {
				t.Fatalf("header %q, want %q", got, want)
			}
			if len(recs)-1 != c.Len() {
				t.Fatalf("%d rows, want %d", len(recs)-1, c.Len())
			}
			layout := time.RFC3339Nano
			if daily {
				layout = "2006-01-02"
				if recs[1][0] != "2024-01-01" {
					t.Errorf("first time %q, want 2024-01-01", recs[1][0])
				}
			}
			cols := curveColumnsOf(c)
			for k, rec := range recs[1:] {
				tm, err := time.Parse(layout, rec[0])
				if err != nil {
					t.Fatalf("row %d: %v", k+2, err)
				}
				if tm.UnixNano() != c.Time[k] {
					t.Errorf("row %d: time %s, want %d", k+2, rec[0], c.Time[k])
				}
				for j, col := range cols {
					v, err := strconv.ParseFloat(rec[j+1], 64)
					if err != nil {
						t.Fatalf("row %d col %d: %v", k+2, j+1, err)
					}
					if !sameBits(v, col[k]) {
						t.Errorf("row %d col %s: %s reads back as %v (%#x), want %v (%#x)", k+2, recs[0][j+1], rec[j+1], v, math.Float64bits(v), col[k], math.Float64bits(col[k]))
					}
				}
			}
		})
	}
}

func TestFillsCSVRoundTrip(t *testing.T) {
	fills := testFills()
	var buf bytes.Buffer
	if err := WriteFillsCSV(&buf, fills); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(recs[0], ","), "time,symbol,side,qty,price,notional,commission,kind,tag,slippage,fee"; got != want {
		t.Fatalf("header %q, want %q", got, want)
	}
	if len(recs)-1 != len(fills) {
		t.Fatalf("%d rows, want %d", len(recs)-1, len(fills))
	}
	for i, rec := range recs[1:] {
		f := fills[i]
		side := "buy"
		if f.Qty < 0 {
			side = "sell"
		}
		wantStr := []string{time.Unix(0, f.Time).UTC().Format("2006-01-02"), f.Symbol, side, "", "", "", "", f.Kind.String(), f.Tag}
		for j, w := range wantStr {
			if w != "" || j == 8 {
				if rec[j] != w {
					t.Errorf("fill %d %s: %q, want %q", i, recs[0][j], rec[j], w)
				}
			}
		}
		for j, w := range map[int]float64{3: f.Qty, 4: f.Price, 5: f.Qty * f.Price, 6: f.Commission} {
			v, err := strconv.ParseFloat(rec[j], 64)
			if err != nil || !sameBits(v, w) {
				t.Errorf("fill %d %s: %q, want %v (err %v)", i, recs[0][j], rec[j], w, err)
			}
		}
	}
}

// readParquet reads a whole Parquet file with pqarrow, as a reader of our
// files would.
func readParquet(t *testing.T, b []byte) arrow.Table {
	t.Helper()
	rdr, err := file.NewParquetReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tbl.Release)
	return tbl
}

func float64Column(t *testing.T, tbl arrow.Table, i int) []float64 {
	t.Helper()
	var out []float64
	for _, ch := range tbl.Column(i).Data().Chunks() {
		out = append(out, ch.(*array.Float64).Float64Values()...)
	}
	return out
}

func stringColumn(t *testing.T, tbl arrow.Table, i int) []string {
	t.Helper()
	var out []string
	for _, ch := range tbl.Column(i).Data().Chunks() {
		a := ch.(*array.String)
		for k := 0; k < a.Len(); k++ {
			out = append(out, a.Value(k))
		}
	}
	return out
}

func timeColumn(t *testing.T, tbl arrow.Table, i int) []int64 {
	t.Helper()
	typ, ok := tbl.Schema().Field(i).Type.(*arrow.TimestampType)
	if !ok || typ.Unit != arrow.Nanosecond || typ.TimeZone != "UTC" {
		t.Fatalf("column %s has type %s, want timestamp[ns, tz=UTC]", tbl.Schema().Field(i).Name, tbl.Schema().Field(i).Type)
	}
	var out []int64
	for _, ch := range tbl.Column(i).Data().Chunks() {
		for _, v := range ch.(*array.Timestamp).TimestampValues() {
			out = append(out, int64(v))
		}
	}
	return out
}

func TestCurveParquetRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 40, 3000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			c := testCurve(n, n != 40)
			var buf bytes.Buffer
			if err := WriteCurveParquet(&buf, c); err != nil {
				t.Fatal(err)
			}
			tbl := readParquet(t, buf.Bytes())
			if tbl.NumRows() != int64(n) {
				t.Fatalf("%d rows, want %d", tbl.NumRows(), n)
			}
			for i, name := range curveColumns {
				if got := tbl.Schema().Field(i).Name; got != name {
					t.Fatalf("column %d is %q, want %q", i, got, name)
				}
			}
			times := timeColumn(t, tbl, 0)
			for k := range n {
				if times[k] != c.Time[k] {
					t.Fatalf("time[%d] = %d, want %d", k, times[k], c.Time[k])
				}
			}
			for j, col := range curveColumnsOf(c) {
				got := float64Column(t, tbl, j+1)
				for k := range n {
					if !sameBits(got[k], col[k]) {
						t.Errorf("%s[%d] = %v (%#x), want %v (%#x)", curveColumns[j+1], k, got[k], math.Float64bits(got[k]), col[k], math.Float64bits(col[k]))
					}
				}
			}
		})
	}
}

func TestFillsParquetRoundTrip(t *testing.T) {
	fills := testFills()
	var buf bytes.Buffer
	if err := WriteFillsParquet(&buf, fills); err != nil {
		t.Fatal(err)
	}
	tbl := readParquet(t, buf.Bytes())
	for i, name := range fillColumns {
		if got := tbl.Schema().Field(i).Name; got != name {
			t.Fatalf("column %d is %q, want %q", i, got, name)
		}
	}
	times := timeColumn(t, tbl, 0)
	symbol, side, kind, tag := stringColumn(t, tbl, 1), stringColumn(t, tbl, 2), stringColumn(t, tbl, 7), stringColumn(t, tbl, 8)
	qty, price, notional, commission := float64Column(t, tbl, 3), float64Column(t, tbl, 4), float64Column(t, tbl, 5), float64Column(t, tbl, 6)
	for i, f := range fills {
		if times[i] != f.Time || symbol[i] != f.Symbol || side[i] != Side(&f) || kind[i] != f.Kind.String() || tag[i] != f.Tag {
			t.Errorf("fill %d: read (%d %q %q %q %q), want (%d %q %q %q %q)", i,
				times[i], symbol[i], side[i], kind[i], tag[i], f.Time, f.Symbol, Side(&f), f.Kind.String(), f.Tag)
		}
		if !sameBits(qty[i], f.Qty) || !sameBits(price[i], f.Price) || !sameBits(notional[i], f.Qty*f.Price) || !sameBits(commission[i], f.Commission) {
			t.Errorf("fill %d: read qty %v price %v notional %v commission %v, want %v %v %v %v", i,
				qty[i], price[i], notional[i], commission[i], f.Qty, f.Price, f.Qty*f.Price, f.Commission)
		}
	}
}

// TestParquetMetadata checks that nothing in the file depends on when or
// where it was written: the only key-value metadata is absent and created_by
// is parquet-go's constant.
func TestParquetMetadata(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCurveParquet(&buf, testCurve(10, true)); err != nil {
		t.Fatal(err)
	}
	rdr, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	md := rdr.MetaData()
	if !strings.HasPrefix(md.GetCreatedBy(), "parquet-go version ") {
		t.Errorf("created_by %q", md.GetCreatedBy())
	}
	if kv := md.KeyValueMetadata(); kv.Len() != 0 {
		t.Errorf("unexpected key-value metadata %v", kv)
	}
	if md.NumRowGroups() != 1 {
		t.Errorf("%d row groups, want 1", md.NumRowGroups())
	}
}

// TestFillsParquetStatistics: a fills file has min/max statistics for
// its time and numbers, and none for its text columns (written as
// dictionaries, whose statistics would cost a hash of every row).
func TestFillsParquetStatistics(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFillsParquet(&buf, testFills()); err != nil {
		t.Fatal(err)
	}
	rdr, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rg := rdr.MetaData().RowGroup(0)
	text := map[string]bool{"symbol": true, "side": true, "kind": true, "tag": true}
	for i := range rg.NumColumns() {
		cc, err := rg.ColumnChunk(i)
		if err != nil {
			t.Fatal(err)
		}
		name := cc.PathInSchema().String()
		set, err := cc.StatsSet()
		if err != nil {
			t.Fatal(err)
		}
		if set == text[name] {
			t.Errorf("column %s: statistics set = %v, want %v", name, set, !text[name])
		}
	}
}

func TestDeterministic(t *testing.T) {
	c, fills := testCurve(500, false), testFills()
	m := &Manifest{Experiment: "x.toml", Seed: 42, Runs: []string{"b", "a"}}
	writers := map[string]func(io.Writer) error{
		"curve.csv":     func(w io.Writer) error { return WriteCurveCSV(w, c) },
		"curve.parquet": func(w io.Writer) error { return WriteCurveParquet(w, c) },
		"fills.csv":     func(w io.Writer) error { return WriteFillsCSV(w, fills) },
		"fills.parquet": func(w io.Writer) error { return WriteFillsParquet(w, fills) },
		"manifest.json": func(w io.Writer) error { return WriteManifest(w, m) },
		"map.json":      func(w io.Writer) error { return WriteJSON(w, map[string]float64{"z": 1, "a": 2, "m": 3}) },
	}
	for name, write := range writers {
		t.Run(name, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := write(&a); err != nil {
				t.Fatal(err)
			}
			if err := write(&b); err != nil {
				t.Fatal(err)
			}
			if a.Len() == 0 || !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatalf("two writes differ (%d and %d bytes)", a.Len(), b.Len())
			}
		})
	}
}

type closeRecorder struct {
	bytes.Buffer
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestParquetDoesNotCloseWriter(t *testing.T) {
	var w closeRecorder
	if err := WriteCurveParquet(&w, testCurve(3, true)); err != nil {
		t.Fatal(err)
	}
	if err := WriteFillsParquet(&w, testFills()); err != nil {
		t.Fatal(err)
	}
	if w.closed {
		t.Error("Parquet writer closed the caller's writer")
	}
}

func TestCurveLengthMismatch(t *testing.T) {
	c := testCurve(5, true)
	c.Net = c.Net[:4]
	for name, write := range map[string]func(io.Writer, *engine.Curve) error{"csv": WriteCurveCSV, "parquet": WriteCurveParquet} {
		err := write(io.Discard, c)
		if err == nil || !strings.Contains(err.Error(), "net has 4 values, time has 5") {
			t.Errorf("%s: error %v, want one naming the net column", name, err)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "curve.csv")
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	entries := func() []string {
		var names []string
		des, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, de := range des {
			names = append(names, de.Name())
		}
		return names
	}
	checkOld := func(t *testing.T) {
		t.Helper()
		if b, err := os.ReadFile(path); err != nil || string(b) != "old\n" {
			t.Errorf("existing file now %q (err %v), want it untouched", b, err)
		}
		if got := entries(); len(got) != 1 || got[0] != "curve.csv" {
			t.Errorf("directory holds %v, want only curve.csv (no temporary file)", got)
		}
	}

	t.Run("error", func(t *testing.T) {
		boom := errors.New("boom")
		err := WriteFileAtomic(path, func(w io.Writer) error {
			// Enough bytes to pass the buffer and reach the temporary file.
			if _, err := w.Write(bytes.Repeat([]byte("new,"), 100_000)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
			t.Errorf("error %v, want one wrapping boom and naming %s", err, path)
		}
		checkOld(t)
	})

	t.Run("panic", func(t *testing.T) {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("panic was swallowed")
				}
			}()
			_ = WriteFileAtomic(path, func(w io.Writer) error {
				io.WriteString(w, "half")
				panic("write func panicked")
			})
		}()
		checkOld(t)
	})

	t.Run("missing directory", func(t *testing.T) {
		err := WriteFileAtomic(filepath.Join(dir, "nope", "x.csv"), func(io.Writer) error { return nil })
		if err == nil {
			t.Error("no error writing into a missing directory")
		}
		checkOld(t)
	})

	t.Run("success", func(t *testing.T) {
		err := WriteFileAtomic(path, func(w io.Writer) error {
			return WriteCurveCSV(w, testCurve(3, true))
		})
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		WriteCurveCSV(&want, testCurve(3, true))
		if b, _ := os.ReadFile(path); !bytes.Equal(b, want.Bytes()) {
			t.Errorf("file holds %q, want %q", b, want.Bytes())
		}
		if got := entries(); len(got) != 1 {
			t.Errorf("directory holds %v, want only curve.csv", got)
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want the replaced file's 0600", fi.Mode().Perm())
		}
	})

	t.Run("new file", func(t *testing.T) {
		p := filepath.Join(dir, "new.json")
		if err := WriteFileAtomic(p, func(w io.Writer) error { return WriteJSON(w, []int{1}) }); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("new file: %v, %v; want mode 0644", fi, err)
		}
		os.Remove(p)
	})
}

func TestFingerprint(t *testing.T) {
	p := filepath.Join(t.TempDir(), "abc")
	if err := os.WriteFile(p, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Fingerprint(p)
	if err != nil {
		t.Fatal(err)
	}
	// sha256("abc") from FIPS 180-2, appendix B.1.
	if want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("Fingerprint = %s, want %s", got, want)
	}
	if _, err := Fingerprint(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("no error for a missing file")
	}
}

func TestFormatTime(t *testing.T) {
	for _, tc := range []struct {
		t    int64
		want string
	}{
		{day(2024, 3, 9), "2024-03-09"},
		{day(1969, 12, 31), "1969-12-31"},
		{day(2024, 3, 9) + int64(14*time.Hour+30*time.Minute), "2024-03-09T14:30:00Z"},
		{day(2024, 3, 9) + 1, "2024-03-09T00:00:00.000000001Z"},
	} {
		if got := FormatTime(tc.t); got != tc.want {
			t.Errorf("FormatTime(%d) = %s, want %s", tc.t, got, tc.want)
		}
	}
}

// A float column of one value throughout (a fill's slippage or fee of 0,
// a constant price) is stored compressed, well under a byte a row, not
// 8 bytes a row, and reads back the same; a column that varies stays
// PLAIN, uncompressed. 10,000 fills with slippage and fee 0 take at least
// 150 kB less than the same fills whose slippage and fee vary (2 × 8 B ×
// 10,000 = 160 kB of PLAIN values).
func TestFillsParquetConstantColumns(t *testing.T) {
	fills := make([]engine.Fill, 10_000)
	for i := range fills {
		fills[i] = engine.Fill{Time: int64(i) * 60e9, Symbol: "BTC", Qty: float64(i%7 - 3), Price: 100 + float64(i)/8, Commission: 0.25, Kind: engine.Market}
	}
	write := func(fs []engine.Fill) []byte {
		var buf bytes.Buffer
		if err := WriteFillsParquet(&buf, fs); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	constant := write(fills)
	varied := slices.Clone(fills)
	for i := range varied {
		varied[i].Slippage, varied[i].Fee = float64(i)/1e3, float64(i%97)/7
	}
	vb := write(varied)
	if len(vb)-len(constant) < 150_000 {
		t.Errorf("constant slippage and fee: %d bytes, varied: %d", len(constant), len(vb))
	}
	tbl := readParquet(t, constant)
	commission, slip, fee := float64Column(t, tbl, 6), float64Column(t, tbl, 9), float64Column(t, tbl, 10)
	for i := range fills {
		if commission[i] != 0.25 || !sameBits(slip[i], 0) || !sameBits(fee[i], 0) {
			t.Fatalf("fill %d: commission %v slippage %v fee %v", i, commission[i], slip[i], fee[i])
		}
	}
	vt := readParquet(t, vb)
	vs, vf := float64Column(t, vt, 9), float64Column(t, vt, 10)
	for i := range varied {
		if !sameBits(vs[i], varied[i].Slippage) || !sameBits(vf[i], varied[i].Fee) {
			t.Fatalf("fill %d: slippage %v fee %v, want %v %v", i, vs[i], vf[i], varied[i].Slippage, varied[i].Fee)
		}
	}
}

// TestWriteFileAtomicNamesTheFolder: a file in a folder that does not
// exist, or under a file, was refused naming the hidden temporary file
// ("open …/.x.html.tmp-3784538285: no such file or directory"). The
// error names the file asked for and what is wrong with its folder.
func TestWriteFileAtomicNamesTheFolder(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{filepath.Join(dir, "none", "x.html"), "cannot write " + filepath.Join(dir, "none", "x.html") + ": folder " + filepath.Join(dir, "none") + " does not exist"},
		{filepath.Join(file, "x.html"), "cannot write " + filepath.Join(file, "x.html") + ": " + file + " is not a folder"},
	} {
		err := WriteFileAtomic(c.path, func(w io.Writer) error { _, err := w.Write([]byte("x")); return err })
		if err == nil || !strings.HasSuffix(err.Error(), c.want) || strings.Contains(err.Error(), ".tmp-") {
			t.Errorf("%s: %v, want %q", c.path, err, c.want)
		}
	}
}
