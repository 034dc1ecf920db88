package duckdb

import (
	"bytes"
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
		if err != nil {
			t.Fatalf("scan: %v", err)
		}
		if !bytes.Equal(sc.header, header) || !slices.Equal(lay.lines, lines) || !slices.Equal(lay.duckLines, duckLines) {
			t.Fatalf("chunk %d:\nheader %q lines %v duck %v\nwant   %q lines %v duck %v", sc.chunk, sc.header, lay.lines, lay.duckLines, header, lines, duckLines)
		}
	})
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
