package duckdb

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/divergence-research/divergence/data"
)

// Fuzz targets for every reader of the package: CSV layouts (a fixed
// header and a fuzzed body, so that the fuzzer spends its time on the
// rows: semicolon files, Binance klines, Yahoo intraday), Parquet and
// Arrow IPC (fuzzed bytes read as such a file) and one-table CSV sources.
// Each must never panic or hang: it returns an error that names the file
// and quotes little of it, or a series that passes validation. Seeds are
// added here and kept under testdata/fuzz/<target>.

// maxErr bounds an error's length: a path, a 200-byte quote, the
// on_bad_row hint and the words around them.
const maxErr = 1500

// fuzzOptions derives read options from one byte: the bad-row policy, the
// order of slash dates and the zone of naive timestamps.
func fuzzOptions(b byte) ReadOptions {
	opt := ReadOptions{OnBadRow: data.BadRowPolicy(b % 3), DateFormat: data.DateFormat(b / 3 % 3)}
	if b/9%2 == 1 {
		opt.Timezone = "America/New_York"
	}
	return opt
}

// checkRead states what every read of a fuzzed file must give.
func checkRead(t *testing.T, path string, opt ReadOptions, s data.Series, err error) {
	t.Helper()
	if err != nil {
		msg := err.Error()
		if !strings.Contains(msg, path) {
			t.Fatalf("error does not name the file: %.500s", msg)
		}
		if len(msg) > maxErr {
			t.Fatalf("a %d-byte error: %.500s", len(msg), msg)
		}
		return
	}
	if verr := s.Validate(path); verr != nil {
		t.Fatalf("a series that fails validation: %v", verr)
	}
	if len(s.Rows) != s.Len() {
		t.Fatalf("%d rows for %d bars", len(s.Rows), s.Len())
	}
	if opt.OnBadRow == data.BadRowFail && len(s.Repairs) > 0 {
		t.Fatalf("repairs without a policy: %v", s.Repairs)
	}
	for _, r := range s.Repairs {
		if r.File != path || r.Row < 1 {
			t.Fatalf("repair %s: file or row", r)
		}
	}
}

// fuzzCSVBody fuzzes the body of a CSV file under a fixed header.
func fuzzCSVBody(f *testing.F, header string, seeds []string) {
	for _, s := range seeds {
		body, _ := strings.CutPrefix(s, header)
		for _, o := range []byte{0, 1, 2, 4, 9} {
			f.Add([]byte(body), o)
		}
	}
	r := &fileReader{}
	defer r.close()
	dir := f.TempDir()
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte, o byte) {
		path := filepath.Join(dir, "FUZZ.csv")
		if err := os.WriteFile(path, append([]byte(header), body...), 0o644); err != nil {
			t.Fatal(err)
		}
		opt := fuzzOptions(o)
		s, err := r.read(ctx, path, opt)
		checkRead(t, path, opt, s, err)
	})
}

func FuzzReadCSVSemicolon(f *testing.F) {
	const header = "Date;Open;High;Low;Close;Adj Close;Volume\n"
	fuzzCSVBody(f, header, []string{
		header + "02.01.2024;1.234,5;1.240,25;1.200;1.230;1.230;12.345\n03.01.2024;1.230;1.250;1.225,5;1.245;1.245;\n",
		header + "2024-01-02;10,5;11,25;10;11;10,75;1200\n2024-01-03;11;12;10,5;11,5;11,25;1300\n",
		header + "02/01/2024;10,5;11,25;10;11;10,75;1,2K\n13/01/2024;11;12;10,5;11,5;11,25;N/A\n",
		header + "2024-01-02;10,5;11,25;10;12;10,75;1200\n", // close above high
	})
}

func FuzzReadBinanceKlines(f *testing.F) {
	const header = "timestamp,open,high,low,close,volume,quote_volume,trades,close_time\n"
	fuzzCSVBody(f, header, []string{
		header + "1757750400000,115715.50,116011.00,115715.50,115913.30,1844.202,213658733.84120,39746,1757753999999\n" +
			"1757754000000,115913.30,115988.20,115811.00,115969.70,1859.139,215437442.49230,37806,1757757599999\n",
		header + "1704153600,10.5,11.25,10,11,1200,1,1,1704239999\n1704240000,11,12,10.5,11.5,1300,1,1,1704326399\n",
		header + "1757754000000,1,1,1,1,0,0,0,0\n1757750400000,1,1,1,1,0,0,0,0\n",            // newest first
		header + "1757750400000000,1,2,0.5,1.5,1,1,1,1\n1757750400000,1,2,0.5,1.5,1,1,1,1\n", // two units
	})
}

func FuzzReadYahooIntraday(f *testing.F) {
	const header = "Datetime,Open,High,Low,Close,Adj Close,Volume\n"
	fuzzCSVBody(f, header, []string{
		header + "2025-09-02 09:30:00-04:00,170.05,172.37,168.64,170.63,170.63,67328024\n" +
			"2025-09-02 10:30:00-04:00,170.63,170.64,168.52,169.05,169.05,33206180\n",
		header + "2025-12-23 14:30:00+00:00,214.19,216.01,213.69,215.80,215.80,1132710\n2025-12-23 14:35:00+00:00,215.74,216.25,215.11,215.59,215.59,533600\n",
		header + "2024-03-10 01:30:00,1,2,0.5,1,1,1\n2024-03-10 02:30:00,1,2,0.5,1,1,1\n", // skipped hour in New York
		header + "2024-11-03 01:30:00,1,2,0.5,1,1,1\n2024-11-03 01:30:00,1,2,0.5,1,1,1\n", // repeated hour
	})
}

// FuzzReadParquet reads fuzzed bytes as a Parquet file through DuckDB.
func FuzzReadParquet(f *testing.F) {
	dir := f.TempDir()
	db := memDB(f)
	for i, c := range []struct {
		dateType, priceType, volType string
		names                        [7]string
	}{
		{"DATE", "DOUBLE", "BIGINT", ourNames},
		{"TIMESTAMP", "DECIMAL(10,4)", "DOUBLE", yahooNames},
		{"TIMESTAMPTZ", "FLOAT", "INTEGER", ourNames},
		{"VARCHAR", "VARCHAR", "VARCHAR", yahooNames},
	} {
		p := filepath.Join(dir, "seed"+string(rune('a'+i))+".parquet")
		writeParquet(f, db, p, c.dateType, c.priceType, c.volType, c.names)
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, byte(0))
		f.Add(b, byte(1))
	}
	fuzzFile(f, "FUZZ.parquet")
}

// FuzzReadIPC reads fuzzed bytes as an Arrow IPC file or stream with
// arrow-go.
func FuzzReadIPC(f *testing.F) {
	dir := f.TempDir()
	for i, stream := range []bool{false, true} {
		for j, c := range []struct {
			typ arrow.DataType
			add func(b array.Builder, k int)
		}{
			{arrow.FixedWidthTypes.Date32, func(b array.Builder, k int) {
				b.(*array.Date32Builder).Append(arrow.Date32(wantTime[k] / dayNano))
			}},
			{&arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, func(b array.Builder, k int) {
				b.(*array.TimestampBuilder).Append(arrow.Timestamp(wantTime[k] / 1e6))
			}},
			{arrow.BinaryTypes.String, func(b array.Builder, k int) {
				b.(*array.StringBuilder).Append(data.FormatDay(wantTime[k]))
			}},
		} {
			p := filepath.Join(dir, "seed"+string(rune('a'+3*i+j))+".arrow")
			writeIPC(f, p, stream, ourNames, c.typ, c.add)
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, byte(0))
			f.Add(b, byte(2))
		}
	}
	fuzzFile(f, "FUZZ.arrow")
}

// fuzzFile reads each fuzzed input written to a file of the given name.
func fuzzFile(f *testing.F, name string) {
	r := &fileReader{}
	defer r.close()
	dir := f.TempDir()
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, b []byte, o byte) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		opt := fuzzOptions(o)
		s, err := r.read(ctx, path, opt)
		checkRead(t, path, opt, s, err)
	})
}

// FuzzReadSourceCSV reads a fuzzed one-table CSV (a symbol column) for
// one symbol.
func FuzzReadSourceCSV(f *testing.F) {
	for _, s := range []string{
		"symbol,time,open,high,low,close,volume\nAAA,2024-01-02 14:30:00,1,2,0.5,1.5,10\nBBB,2024-01-02 14:30:00,1,2,0.5,1.5,10\nAAA,2024-01-02 15:30:00,1.5,2,1,1.8,\n",
		"ticker,date,close\nAAA,2024-01-02,1\nAAA,2024-01-03,2\n",
		"symbol;ts;open;high;low;close\nAAA;1704205800000;1;2;0,5;1,5\nAAA;1704209400000;1;2;0,5;1,5\n",
	} {
		f.Add([]byte(s), byte(0))
		f.Add([]byte(s), byte(1))
	}
	dir := f.TempDir()
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, b []byte, o byte) {
		path := filepath.Join(dir, "table.csv")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		opt := fuzzOptions(o)
		p, err := ReadSource(ctx, Source{Table: path, OnBadRow: opt.OnBadRow, DateFormat: opt.DateFormat, Timezone: opt.Timezone}, Request{Symbols: []string{"AAA"}})
		if err != nil {
			if msg := err.Error(); !strings.Contains(msg, path) || len(msg) > maxErr {
				t.Fatalf("error (%d bytes) does not name the file or is long: %.500s", len(msg), msg)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("a panel that fails validation: %v", err)
		}
	})
}

// corpusBytes reads the []byte argument of a file of Go's fuzz corpus
// format ("go test fuzz v1").
func corpusBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skip(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if q, ok := strings.CutPrefix(l, "[]byte("); ok {
			s, err := strconv.Unquote(strings.TrimSuffix(q, ")"))
			if err != nil {
				t.Fatal(err)
			}
			return []byte(s)
		}
	}
	t.Fatalf("%s: no []byte value", path)
	return nil
}

// Regressions found by FuzzReadIPC: damaged Arrow IPC files made arrow-go
// panic ("slice bounds out of range" in its flatbuffers code: fead749f…)
// or allocate until the process died (a schema claiming 2^32 fields:
// 8fede0df…; a stream message claiming a 189 GB body: 85e58a9c…, past
// the body limit its NewReader drops). ReadFile and ReadSource now say
// the file is damaged.
func TestDamagedIPCIsAnError(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"fead749f08675d1c", "8fede0df17d48e83", "85e58a9c3d5e0380"} {
		b := corpusBytes(t, filepath.Join("testdata", "fuzz", "FuzzReadIPC", name))
		path := filepath.Join(t.TempDir(), "X.arrow")
		os.WriteFile(path, b, 0o644)
		_, err := ReadFile(ctx, path, ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), path+": cannot read Arrow IPC") {
			t.Errorf("%s: ReadFile: %v", name, err)
		}
		_, err = ReadSource(ctx, Source{Table: path}, Request{Symbols: []string{"X"}})
		if err == nil || !strings.Contains(err.Error(), "cannot read Arrow IPC") {
			t.Errorf("%s: ReadSource: %v", name, err)
		}
	}
}
