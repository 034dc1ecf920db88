package duckdb

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file named .csv that is not CSV text (gzip-compressed, Parquet, UTF-16,
// binary) is refused saying what it is and what to do, not as a header
// with no "date" column quoting its raw bytes; a header of odd bytes is
// quoted with escapes.
func TestReadCSVNotText(t *testing.T) {
	dir := t.TempDir()
	text := "date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10.5,11,10,10.75,100\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(text))
	zw.Close()
	var twice bytes.Buffer
	zw2 := gzip.NewWriter(&twice)
	zw2.Write(gz.Bytes())
	zw2.Close()
	gz2 := twice.Bytes()
	utf16 := []byte{0xff, 0xfe}
	var utf16le, utf16be []byte // without a byte order mark (Python's encoding="utf-16-le")
	for _, c := range text {
		utf16 = append(utf16, byte(c), 0)
		utf16le = append(utf16le, byte(c), 0)
		utf16be = append(utf16be, 0, byte(c))
	}
	pq := filepath.Join(dir, "P.parquet")
	db := memDB(t)
	if _, err := db.Exec("COPY (SELECT DATE '2024-01-02' AS date, 10.0 AS close) TO " + sqlString(pq) + " (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	pqBytes, err := os.ReadFile(pq)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		body []byte
		want string
	}{
		"GZ.csv":       {gz.Bytes(), "GZ.csv: the file is gzip-compressed, not CSV text: name it .csv.gz"},
		"U16.csv":      {utf16, "U16.csv: the file is UTF-16 text: save it as UTF-8"},
		"U16LE.csv":    {utf16le, "U16LE.csv: the file is UTF-16 text (without a byte order mark): save it as UTF-8"},
		"U16BE.csv":    {utf16be, "U16BE.csv: the file is UTF-16 text (without a byte order mark): save it as UTF-8"},
		"PQ.csv":       {pqBytes, "PQ.csv: the file is Parquet, not CSV text: name it .parquet"},
		"BIN.csv":      {[]byte("da\x00te,close\n"), "BIN.csv: the file holds NUL bytes"},
		"ODD.csv":      {[]byte("\x1b[31mday\xff,close\n2024-01-02,1\n"), `ODD.csv: missing column "date" (have \x1b[31mday\xff, close)`},
		"PLAIN.csv":    {[]byte(text), ""},
		"PLAIN.csv.gz": {gz.Bytes(), ""},
		"TWICE.csv.gz": {gz2, "TWICE.csv.gz: the file is gzip-compressed twice: decompress it once"},
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, c.body, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := ReadFile(context.Background(), path, ReadOptions{Symbol: "X"})
		switch {
		case c.want == "" && (err != nil || s.Len() != 2):
			t.Errorf("%s: %d bars, %v; want 2", name, s.Len(), err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, c.want))):
			t.Errorf("%s: %v\nwant %s…", name, err, c.want)
		}
	}
}

// A file with some of open, high and low holding values but another
// absent is refused naming the missing column, not at its first bar as
// an empty value; none of them, or the present ones empty throughout (a
// close-only file), still reads.
func TestReadCSVPartialRange(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct{ text, want string }{
		"NOLOW.csv": {"date,open,high,close\n2024-01-02,10,11,10.5\n", `NOLOW.csv: missing column "low": a file with open and high needs open, high and low together`},
		"OPEN.csv":  {"date,open,close\n2024-01-02,10,10.5\n", `OPEN.csv: missing column "high": a file with open needs`},
		"CLOSE.csv": {"date,close\n2024-01-02,10.5\n2024-01-03,10.75\n", ""},
		// open present but empty throughout: close-only, as before
		"EMPTYOPEN.csv": {"date,open,close\n2024-01-02,,10.5\n2024-01-03,,10.75\n", ""},
		// one real column whose name has a space: no delimiter guess
		"ADJ.csv":  {"Adj Close\n10.5\n", `ADJ.csv: missing column "date" (have Adj Close)`},
		"PIPE.csv": {"date|open|high|low|close\n2024-01-02|10|11|9|10.5\n", `PIPE.csv: missing column "date" (have date|open|high|low|close); the header is one column: is the file delimited by "|"? want commas, semicolons or tabs`},
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := ReadFile(context.Background(), path, ReadOptions{Symbol: "X"})
		switch {
		case c.want == "" && (err != nil || s.Len() != 2 || s.Low[1] != 10.75):
			t.Errorf("%s: %d bars, %v; want 2, low = close", name, s.Len(), err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, c.want))):
			t.Errorf("%s: %v\nwant %s…", name, err, c.want)
		case name == "ADJ.csv" && strings.Contains(err.Error(), "delimited"):
			t.Errorf("%s: a delimiter guessed for a one-column file: %v", name, err)
		}
	}
}
