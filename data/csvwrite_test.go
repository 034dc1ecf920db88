package data_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

func series(sym string, n int) data.Series {
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: data.Equity}}
	for k := 0; k < n; k++ {
		p := 100 + float64(k)
		s.Time = append(s.Time, data.Day(2024, 1, 1+k))
		s.Open = append(s.Open, p)
		s.High = append(s.High, p+1)
		s.Low = append(s.Low, p-1)
		s.Close = append(s.Close, p+0.5)
		s.AdjClose = append(s.AdjClose, p+0.25)
		s.Volume = append(s.Volume, 1000*float64(k+1))
	}
	return s
}

func TestWriteCSVLayout(t *testing.T) {
	s := series("MSFT", 2)
	tenth := 0.1
	s.Close[1] = tenth + 0.2 // 0.30000000000000004 (float64 sum): needs 17 digits
	s.Volume[1] = math.NaN()
	var b bytes.Buffer
	if err := data.WriteCSV(&b, &s); err != nil {
		t.Fatal(err)
	}
	want := "date,open,high,low,close,adj_close,volume\n" +
		"2024-01-01,100,101,99,100.5,100.25,1000\n" +
		"2024-01-02,101,102,100,0.30000000000000004,101.25,\n"
	if b.String() != want {
		t.Errorf("WriteCSV wrote\n%s\nwant\n%s", b.String(), want)
	}
}

// TestWriteCSVRoundTrip writes awkward and random floats and parses them
// back with encoding/csv and strconv: every bit must survive.
func TestWriteCSVRoundTrip(t *testing.T) {
	edge := []float64{0.1, 1.0 / 3, 2.0 / 3, 1e-300, 5e-324, math.MaxFloat64, math.SmallestNonzeroFloat64,
		123456789.123456789, 1 << 53, 1<<53 + 2, 9007199254740993, 0.30000000000000004, 1e21, 1e-7, 42}
	r := rand.New(rand.NewPCG(1, 2))
	var vals []float64
	vals = append(vals, edge...)
	for len(vals) < 5000 {
		// Random bit patterns of positive finite floats, all exponents.
		v := math.Float64frombits(r.Uint64() &^ (1 << 63))
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			vals = append(vals, v)
		}
	}
	n := len(vals)
	s := data.Series{Instrument: data.Instrument{Symbol: "X"}}
	for k := 0; k < n; k++ {
		s.Time = append(s.Time, data.Day(1900, 1, 1)+int64(k)*86400e9)
		s.Open = append(s.Open, vals[k])
		s.High = append(s.High, vals[(k+1)%n])
		s.Low = append(s.Low, vals[(k+2)%n])
		s.Close = append(s.Close, vals[(k+3)%n])
		s.AdjClose = append(s.AdjClose, vals[(k+4)%n])
		v := vals[(k+5)%n]
		if k%7 == 0 {
			v = math.NaN()
		}
		s.Volume = append(s.Volume, v)
	}
	var b bytes.Buffer
	if err := data.WriteCSV(&b, &s); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n+1 || strings.Join(recs[0], ",") != "date,open,high,low,close,adj_close,volume" {
		t.Fatalf("%d records, header %v", len(recs), recs[0])
	}
	for k, rec := range recs[1:] {
		if rec[0] != data.FormatDay(s.Time[k]) {
			t.Fatalf("row %d: date %q, want %s", k+2, rec[0], data.FormatDay(s.Time[k]))
		}
		for j, col := range [][]float64{s.Open, s.High, s.Low, s.Close, s.AdjClose, s.Volume} {
			want := col[k]
			if math.IsNaN(want) {
				if rec[j+1] != "" {
					t.Fatalf("row %d col %d: NaN written as %q, want an empty cell", k+2, j+1, rec[j+1])
				}
				continue
			}
			got, err := strconv.ParseFloat(rec[j+1], 64)
			if err != nil || math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("row %d col %d: %q parses to %v (%v), want bits of %v", k+2, j+1, rec[j+1], got, err, want)
			}
		}
	}
}

func TestWriteCSVErrors(t *testing.T) {
	tests := []struct {
		name   string
		modify func(s *data.Series)
		want   string
	}{
		{"not midnight", func(s *data.Series) { s.Time[1] += 3600e9 }, "data: write MSFT: bar 2 at 2024-01-02T01:00:00Z is not at 00:00 UTC"},
		{"short column", func(s *data.Series) { s.High = s.High[:1] }, "data: write MSFT: high column has 1 values for 2 times"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := series("MSFT", 2)
			tt.modify(&s)
			var b bytes.Buffer
			err := data.WriteCSV(&b, &s)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("WriteCSV() = %v, want an error containing %q", err, tt.want)
			}
			if b.Len() != 0 {
				t.Errorf("wrote %d bytes before failing, want none", b.Len())
			}
		})
	}
	t.Run("writer fails", func(t *testing.T) {
		s := series("MSFT", 2)
		err := data.WriteCSV(failingWriter{}, &s)
		if !errors.Is(err, errDiskFull) {
			t.Fatalf("WriteCSV() = %v, want it to wrap %v", err, errDiskFull)
		}
	})
}

var errDiskFull = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriteCSVDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out") // created by WriteCSVDir
	p := &data.Panel{Series: []data.Series{series("MSFT", 3), series("BTC", 2), series("^NDX", 1)}}
	paths, err := data.WriteCSVDir(dir, p)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range p.Series {
		want := filepath.Join(dir, s.Symbol+".csv")
		if paths[i] != want {
			t.Errorf("paths[%d] = %s, want %s", i, paths[i], want)
		}
		got, err := os.ReadFile(paths[i])
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := data.WriteCSV(&b, &p.Series[i]); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, b.Bytes()) {
			t.Errorf("%s: file differs from WriteCSV output", paths[i])
		}
		if fi, err := os.Stat(paths[i]); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v (%v), want 0644", paths[i], fi.Mode().Perm(), err)
		}
	}
	assertOnly(t, dir, "BTC.csv", "MSFT.csv", "^NDX.csv")
}

// TestWriteCSVDirNothingHalfWritten: when one series cannot be written, no
// file in the directory changes and no temporary file is left.
func TestWriteCSVDirNothingHalfWritten(t *testing.T) {
	dir := t.TempDir()
	old := []byte("old content\n")
	for _, name := range []string{"MSFT.csv", "BTC.csv"} {
		if err := os.WriteFile(filepath.Join(dir, name), old, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bad := series("BTC", 2)
	bad.Time[1] += 1 // not a midnight
	p := &data.Panel{Series: []data.Series{series("MSFT", 3), bad}}
	_, err := data.WriteCSVDir(dir, p)
	if err == nil || !strings.Contains(err.Error(), "BTC.csv: bar 2") {
		t.Fatalf("WriteCSVDir() = %v, want an error naming BTC.csv and bar 2", err)
	}
	for _, name := range []string{"MSFT.csv", "BTC.csv"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, old) {
			t.Errorf("%s changed: %q (%v)", name, got, err)
		}
	}
	assertOnly(t, dir, "BTC.csv", "MSFT.csv")
}

func TestWriteCSVDirBadSymbols(t *testing.T) {
	tests := []struct {
		name    string
		symbols []string
		want    string
	}{
		{"path separator", []string{"BTC/USD"}, `symbol "BTC/USD" cannot be a file name`},
		{"dot dot", []string{".."}, `symbol ".." cannot be a file name`},
		{"empty", []string{""}, `symbol "" cannot be a file name`},
		{"case collision", []string{"Tao", "TAO"}, `symbols "Tao" and "TAO" would write the same file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := &data.Panel{}
			for _, sym := range tt.symbols {
				p.Series = append(p.Series, series(sym, 1))
			}
			if _, err := data.WriteCSVDir(dir, p); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("WriteCSVDir() = %v, want an error containing %q", err, tt.want)
			}
			assertOnly(t, dir)
		})
	}
}

// assertOnly fails unless dir holds exactly the named files.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}
