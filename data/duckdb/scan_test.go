package duckdb

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The streaming record scanner against splitRecords, the whole-file
// splitter it replaced (kept here as the reference), at chunk sizes down
// to one byte, so that every record, quote and CRLF straddles a chunk
// boundary somewhere.
func FuzzScanRecords(f *testing.F) {
	for _, s := range []string{oursCSV, yahooCSV, yahooShuffledCSV, nasdaqCSV, binanceCSV,
		"date,close\r\n2024-01-02,1\r\n\r\n2024-01-03,2\r",
		"a,b\n\"x\ny\",1\n\"p\r\nq\",2\n",
		"\n\n  \n", "\ufeffdate,close\n2024-01-02,1", "h\rr1\rr2\n\r\nr3"} {
		f.Add([]byte(s), uint16(1))
		f.Add([]byte(s), uint16(7))
	}
	f.Fuzz(func(t *testing.T, b []byte, chunk uint16) {
		var lay csvLayout
		sc := recordScanner{path: "x.csv", lay: &lay, chunk: int(chunk%64) + 1}
		err := sc.run(bytes.NewReader(b))
		whole := bytes.TrimPrefix(b, []byte("\ufeff"))
		// A file whose first 8 bytes are not text (a NUL byte, or the
		// start of gzip, Parquet, Arrow, zip or UTF-16) is refused
		// before any record is split.
		head := whole[:min(len(whole), 8)]
		binary := bytes.IndexByte(head, 0) >= 0
		for _, magic := range []string{"\x1f\x8b", "PAR1", "ARROW1", "PK\x03\x04", "\xff\xfe", "\xfe\xff"} {
			binary = binary || bytes.HasPrefix(head, []byte(magic))
		}
		if binary {
			if err == nil || !strings.Contains(err.Error(), "not CSV text") && !strings.Contains(err.Error(), "UTF-16") {
				t.Fatalf("binary head %q: %v", head, err)
			}
			return
		}
		header, headerLine, lines, duckLines := splitRecords(whole)
		switch {
		case len(bytes.TrimSpace(whole)) == 0:
			if err == nil || !strings.Contains(err.Error(), "empty file") {
				t.Fatalf("empty: %v", err)
			}
			return
		case headerLine != 1:
			if err == nil || !strings.Contains(err.Error(), "where the header should be") {
				t.Fatalf("header on line %d: %v", headerLine, err)
			}
			return
		}
		if mixedEnds(whole) {
			if err == nil || !strings.Contains(err.Error(), "mixes line ends") {
				t.Fatalf("mixed line ends: %v", err)
			}
		} else if err != nil {
			t.Fatalf("scan: %v", err)
		}
		if !bytes.Equal(sc.header, header) || !slices.Equal(lay.lines, lines) || !slices.Equal(lay.duckLines, duckLines) {
			t.Fatalf("chunk %d:\nheader %q lines %v duck %v\nwant   %q lines %v duck %v", sc.chunk, sc.header, lay.lines, lay.duckLines, header, lines, duckLines)
		}
	})
}

// mixedEnds says whether b's line ends outside quoted fields are of more
// than one kind (LF, CR LF, CR alone). A CR alone as the file's last byte
// after CR LF line ends is none (DuckDB reads such a file).
func mixedEnds(b []byte) bool {
	kinds := map[string]bool{}
	inQuote := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			inQuote = !inQuote
		case c == '\r' && i+1 < len(b) && b[i+1] == '\n':
			if !inQuote {
				kinds["CR LF"] = true
			}
			i++
		case c == '\r' && i+1 == len(b) && !inQuote && len(kinds) == 1 && kinds["CR LF"]:
		case c == '\r' || c == '\n':
			if !inQuote {
				kinds[string(c)] = true
			}
		}
	}
	return len(kinds) > 1
}

// TestMixedLineEnds: DuckDB's reader takes one kind of line end per file
// and failed on a file of two ("the CSV Parser state machine reached an
// invalid state"), without a line. The scanner names the first line
// whose end differs from the first line's, wherever the chunks split the
// file; line ends inside a quoted field do not count.
func TestMixedLineEnds(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"date,close\r\n2024-01-02,1\n2024-01-03,2\n", "x.csv:2: this line ends in LF, line 1 in CR LF"},
		{"date,close\n2024-01-02,1\n2024-01-03,2\r\n", "x.csv:3: this line ends in CR LF, line 1 in LF"},
		{"date,close\n2024-01-02,1\n2024-01-03,2\r", "x.csv:3: this line ends in CR, line 1 in LF"},
		// CR LF line ends and a CR alone as the last byte: DuckDB reads
		// it.
		{"date,close\r\n2024-01-02,1\r\n2024-01-03,2\r", ""},
		{"date,close\r2024-01-02,1\r\n", "x.csv:2: this line ends in CR LF, line 1 in CR"},
		// One kind outside quotes: no error.
		{"date,tag,close\r\n2024-01-02,\"a\nb\",1\r\n2024-01-03,\"c\rd\",2\r\n", ""},
		{"date,close\r\n2024-01-02,1\r\n\r\n2024-01-03,2", ""},
		{"date,close\n2024-01-02,1\n", ""},
	} {
		for chunk := 1; chunk <= 8; chunk++ {
			var lay csvLayout
			sc := recordScanner{path: "x.csv", lay: &lay, chunk: chunk}
			err := sc.run(strings.NewReader(c.in))
			switch {
			case c.want == "" && err != nil:
				t.Errorf("%q, chunk %d: %v", c.in, chunk, err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("%q, chunk %d: %v, want %q", c.in, chunk, err, c.want)
			}
			if mixedEnds([]byte(c.in)) != (c.want != "") {
				t.Errorf("%q: the reference says mixed = %v", c.in, c.want == "")
			}
		}
	}
}

// splitRecords returns the first non-empty record, the line it starts on,
// the starting lines of the non-empty records after it and, when a quoted
// field spans lines, the line numbers DuckDB gives those records.
func splitRecords(b []byte) (header []byte, headerLine int, lines, duckLines []int) {
	if bytes.IndexByte(b, '"') < 0 && bytes.IndexByte(b, '\r') < 0 {
		// Fast path: one record per LF-terminated line.
		line := 0
		for len(b) > 0 {
			line++
			i := bytes.IndexByte(b, '\n')
			rec := b
			if i >= 0 {
				rec, b = b[:i], b[i+1:]
			} else {
				b = nil
			}
			if len(rec) == 0 {
				continue
			}
			if header == nil {
				header, headerLine = rec, line
				continue
			}
			lines = append(lines, line)
		}
		return header, headerLine, lines, nil
	}
	line, start, recLine, quotedEnds, recQuoted := 1, -1, 0, 0, 0
	inQuote := false
	end := func(i int) {
		if start >= 0 {
			if header == nil {
				header, headerLine = b[start:i], recLine
			} else {
				lines = append(lines, recLine)
				duckLines = append(duckLines, recLine-recQuoted)
			}
		}
		start = -1
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\n' || c == '\r' {
			if inQuote {
				quotedEnds++
			} else {
				end(i)
			}
			if c == '\r' && i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			line++
			continue
		}
		if start < 0 {
			start, recLine, recQuoted = i, line, quotedEnds
		}
		if c == '"' {
			inQuote = !inQuote
		}
	}
	end(len(b))
	if quotedEnds == 0 {
		duckLines = nil
	}
	return header, headerLine, lines, duckLines
}

// TestReadFileMixedLineEnds: ReadFile of a price file whose header ends
// in CR LF and its rows in LF names the file and line 2 (DuckDB's own
// message named neither the line nor the cause); the same rows with one
// kind of line end read.
func TestReadFileMixedLineEnds(t *testing.T) {
	dir := t.TempDir()
	rows := "2024-01-02,10,11,9,10.5,100\n2024-01-03,10.5,11,10,10.75,100\n"
	mixed := filepath.Join(dir, "MIX.csv")
	if err := os.WriteFile(mixed, []byte("date,open,high,low,close,volume\r\n"+rows), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(context.Background(), mixed, ReadOptions{})
	if want := mixed + ":2: this line ends in LF, line 1 in CR LF: the file mixes line ends"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	one := filepath.Join(dir, "ONE.csv")
	if err := os.WriteFile(one, []byte(strings.ReplaceAll("date,open,high,low,close,volume\n"+rows, "\n", "\r\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := ReadFile(context.Background(), one, ReadOptions{})
	if err != nil || s.Len() != 2 || s.Close[1] != 10.75 {
		t.Errorf("CR LF throughout: %d bars, %v", s.Len(), err)
	}
}
