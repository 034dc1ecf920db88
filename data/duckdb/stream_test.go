package duckdb

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// readBytes is the bytes this process has read through read(2) so far
// (rchar of /proc/self/io), DuckDB's threads included; -1 without /proc.
func readBytes() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "rchar: "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return -1
}

// A large file invalid at its line 3 is refused after reading about one
// chunk of it, by ReadFile and by a catalog import, not after reading the
// whole file.
func TestLargeFileRefusedEarly(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 60 MB file")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "BIG.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("date,open,high,low,close,adj_close,volume\n")
	day := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)
	const rows = 1_000_000
	for k := 0; k < rows; k++ {
		o, h := "100.25", "101.5"
		if k == 1 {
			o = "102.75" // line 3: open above high
		}
		fmt.Fprintf(w, "%s,%s,%s,99.5,100.75,100.75,123456789\n", day.AddDate(0, 0, k%150000).Add(time.Duration(k/150000)*time.Hour).Format("2006-01-02 15:04:05"), o, h)
	}
	w.Flush()
	f.Close()
	fi, _ := os.Stat(path)
	if fi.Size() < 50<<20 {
		t.Fatalf("file of %d bytes", fi.Size())
	}
	ctx := context.Background()
	want := path + ":3: 1800-01-02 00:00:00 open 102.75 outside [low 99.5, high 101.5]"
	before := readBytes()
	_, err = ReadFile(ctx, path, ReadOptions{})
	read := readBytes() - before
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("ReadFile: %v\nwant %s…", err, want)
	}
	if before >= 0 && read > 4*scanChunk {
		t.Errorf("ReadFile read %d bytes of a %d-byte file before refusing its line 3, want about one chunk (%d)", read, fi.Size(), scanChunk)
	}
	cat, err := OpenCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	before = readBytes()
	_, err = cat.Import(ctx, []string{path}, ImportOptions{})
	read = readBytes() - before
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("Import: %v", err)
	}
	if before >= 0 && read > 4*scanChunk {
		t.Errorf("Import read %d bytes before refusing line 3, want about one chunk", read)
	}
	t.Logf("refused after reading %d of %d bytes", read, fi.Size())
}

// An import hands DuckDB its bars a batch at a time: a series of 2.3
// batches comes back from Load bar for bar, with its unknown volumes
// (NaN, on both sides of a batch boundary) and its source lines.
func TestImportInBatches(t *testing.T) {
	n := 2*importBatch + importBatch/3
	s := data.Series{Instrument: data.Instrument{Symbol: "BIG", Class: data.Crypto}}
	for k := 0; k < n; k++ {
		p := 100 + float64(k%1000)/10
		s.Time = append(s.Time, data.Day(2000, 1, 1)+int64(k)*int64(time.Minute))
		s.Open, s.High, s.Low, s.Close = append(s.Open, p), append(s.High, p+1), append(s.Low, p-1), append(s.Close, p+0.5)
		s.AdjClose = append(s.AdjClose, p+0.5)
		v := float64(k)
		if k == importBatch-1 || k == importBatch || k == n-1 {
			v = math.NaN()
		}
		s.Volume = append(s.Volume, v)
		s.Rows = append(s.Rows, k+2)
	}
	cat, err := OpenCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	ctx := context.Background()
	if _, err := cat.write(ctx, []data.Series{s}, []Entry{{Symbol: "BIG", Source: "big.csv", SHA256: "x"}}); err != nil {
		t.Fatal(err)
	}
	p, err := cat.Load(ctx, []string{"BIG"})
	if err != nil {
		t.Fatal(err)
	}
	g := p.Series[0]
	if g.Len() != n {
		t.Fatalf("%d bars back, want %d", g.Len(), n)
	}
	for k := 0; k < n; k++ {
		vOK := g.Volume[k] == s.Volume[k] || math.IsNaN(g.Volume[k]) && math.IsNaN(s.Volume[k])
		if g.Time[k] != s.Time[k] || g.Open[k] != s.Open[k] || g.High[k] != s.High[k] || g.Low[k] != s.Low[k] ||
			g.Close[k] != s.Close[k] || g.AdjClose[k] != s.AdjClose[k] || !vOK || g.Rows[k] != s.Rows[k] {
			t.Fatalf("bar %d differs", k)
		}
	}
}

// Past the first checkBytes, the scanner does not parse the records: a bad
// row there is refused all the same, once DuckDB has read the file, with
// its line and date (by Series.Validate), whether its range contradicts
// itself or a price is not positive, also under on_bad_row = "skip",
// which skips only a sound row's contradicting range; and a clean file of
// that size reads whole.
func TestBadRowPastCheckedStart(t *testing.T) {
	const rows = 20_000 // about 900 KB: past checkBytes
	write := func(t *testing.T, bad int, row string) string {
		path := filepath.Join(t.TempDir(), "LONG.csv")
		var b strings.Builder
		b.WriteString("date,open,high,low,close,adj_close,volume\n")
		day := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
		for k := 0; k < rows; k++ {
			r := "100.25,101.5,99.5,100.75,100.75"
			if k == bad {
				r = row
			}
			fmt.Fprintf(&b, "%s,%s,123456\n", day.AddDate(0, 0, k).Format("2006-01-02"), r)
		}
		if b.Len() < 3*checkBytes {
			t.Fatalf("file of %d bytes, want past %d", b.Len(), 3*checkBytes)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	// Data record k is on line k+2; record 15,000 is dated 1900-01-01 +
	// 15,000 days: 1900→1941 is 41 years, 10 of them leap (1904…1940;
	// 1900 is not), 14,975 days to 1941-01-01; 25 days more is 1941-01-26.
	for _, c := range []struct {
		name, row string
		policy    data.BadRowPolicy
		want      string
	}{
		{"range", "102.75,101.5,99.5,100.75,100.75", data.BadRowFail, ":15002: 1941-01-26 open 102.75 outside [low 99.5, high 101.5]"},
		{"not positive", "100.25,101.5,99.5,-3,100.75", data.BadRowFail, ":15002: 1941-01-26 close = -3 is not positive"},
		{"out of range", "100.25,101.5,99.5,100.75,1e300", data.BadRowFail, ":15002: 1941-01-26 adj_close = 1e+300 is out of range"},
		{"skip, adj_close not positive", "102.75,101.5,99.5,100.75,-3", data.BadRowSkip, ":15002: 1941-01-26 adj_close = -3 is not positive"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := write(t, 15_000, c.row)
			_, err := ReadFile(context.Background(), path, ReadOptions{OnBadRow: c.policy})
			if err == nil || !strings.HasPrefix(err.Error(), path+c.want) {
				t.Fatalf("ReadFile: %v\nwant %s%s…", err, path, c.want)
			}
		})
	}
	s, err := ReadFile(context.Background(), write(t, -1, ""), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != rows || s.Rows[rows-1] != rows+1 || s.Open[rows-1] != 100.25 {
		t.Fatalf("read %d bars, last from line %d, open %g; want %d, %d, 100.25", s.Len(), s.Rows[rows-1], s.Open[rows-1], rows, rows+1)
	}
}

// The scanner checks the records that start in the file's first
// checkBytes and no others: a bad row on the last line starting inside
// them is refused by scanCSV itself, one on the first line starting past
// them is left for Validate (scanCSV returns no error).
func TestScanCheckBoundary(t *testing.T) {
	const line = "2024-01-02,100.25,101.5,99.5,100.75,100.75,123456\n"
	const bad = "2024-01-02,102.75,101.5,99.5,100.75,100.75,123456\n"
	header := "date,open,high,low,close,adj_close,volume\n"
	// Data record k starts at byte len(header) + k·len(line): record n is
	// the first to start at or past checkBytes, n−1 the last before it.
	n := (checkBytes - len(header) + len(line) - 1) / len(line)
	if len(header)+(n-1)*len(line) >= checkBytes || len(header)+n*len(line) < checkBytes {
		t.Fatalf("record %d is not the first past the boundary", n)
	}
	for _, c := range []struct {
		at      int // data record (0-based) made bad
		refused bool
	}{{n - 1, true}, {n, false}} {
		var b strings.Builder
		b.WriteString(header)
		for k := 0; k < n+10; k++ {
			if k == c.at {
				b.WriteString(bad)
			} else {
				b.WriteString(line)
			}
		}
		path := filepath.Join(t.TempDir(), "B.csv")
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		start := len(header) + c.at*len(line)
		_, err := scanCSV(path, false, &rowCheck{policy: data.BadRowFail})
		want := fmt.Sprintf("%s:%d: 2024-01-02 open 102.75 outside [low 99.5, high 101.5]", path, c.at+2) // data record k is on line k+2
		if c.refused && (err == nil || !strings.HasPrefix(err.Error(), want)) || !c.refused && err != nil {
			t.Errorf("bad record starting at byte %d (checkBytes %d): scanCSV error %v, want refused %v (%s)", start, checkBytes, err, c.refused, want)
		}
	}
}
