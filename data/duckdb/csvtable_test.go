package duckdb

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// recordLines keeps a CSV's record lines as runs of consecutive lines and
// gives each record's line back: records on lines 2, 3, 4 (a blank line
// 5), 6, 7 (a quoted field on 7-8), 9 and 10 are three runs.
func TestRecordLines(t *testing.T) {
	lines := []int{2, 3, 4, 6, 7, 9, 10}
	m := newRecordLines(lines)
	if !slices.Equal(m.from, []int{0, 3, 5}) || !slices.Equal(m.first, []int{2, 6, 9}) {
		t.Errorf("runs from %v first %v, want from [0 3 5] first [2 6 9]", m.from, m.first)
	}
	for k := 1; k <= len(lines); k++ {
		if got := m.line(k); got != lines[k-1] {
			t.Errorf("record %d: line %d, want %d", k, got, lines[k-1])
		}
	}
	if m.line(0) != 0 || m.line(8) != 0 {
		t.Errorf("records 0 and 8 (none): lines %d and %d, want 0", m.line(0), m.line(8))
	}
}

// csvLinesTable is a CSV table whose records do not sit one a line: a
// quoted note spans lines 3-4 and line 5 is blank. Its records are
// 1 AAA (line 2), 2 BBB (3-4), 3 CCC (6), 4 AAA (7), 5 BBB (8), 6 CCC (9).
var csvLinesTable = []string{
	"symbol,time,open,high,low,close,volume,note",
	"AAA,2024-01-02T00:00:00Z,1,2,0.5,1.5,10,",
	"BBB,2024-01-02T00:00:00Z,1,2,0.5,1.5,10,\"a note",
	"on two lines\"",
	"",
	"CCC,2024-01-02T00:00:00Z,1,2,0.5,1.5,10,",
	"AAA,2024-01-02T01:00:00Z,1,2,0.5,1.5,10,",
	"BBB,2024-01-02T01:00:00Z,1,2,0.5,1.5,10,",
	"CCC,2024-01-02T01:00:00Z,1,2,0.5,1.5,10,",
}

// csvLines writes csvLinesTable with line n (1-based) replaced by repl
// (none when n is 0).
func csvLines(t *testing.T, dir string, n int, repl string) string {
	t.Helper()
	lines := slices.Clone(csvLinesTable)
	if n > 0 {
		lines[n-1] = repl
	}
	return writeFile(t, dir, "t.csv", strings.Join(lines, "\n")+"\n")
}

// A CSV table, copied to Parquet and read a symbol a batch (batch 1) or
// all at once, names the file's line of each bar and of a bad value:
// the line numbers below are counted by hand in csvLinesTable.
func TestCSVTableLines(t *testing.T) {
	dir := t.TempDir()
	req := Request{Symbols: []string{"CCC", "AAA", "BBB"}}
	for _, batch := range []int{0, 1} {
		p, err := readBatched(t, Source{Table: csvLines(t, dir, 0, "")}, req, batch)
		if err != nil {
			t.Fatalf("batch %d: %v", batch, err)
		}
		for i, want := range [][]int{{6, 9}, {2, 7}, {3, 8}} {
			if s := p.Series[i]; !slices.Equal(s.Rows, want) {
				t.Errorf("batch %d: %s rows %v, want lines %v", batch, s.Symbol, s.Rows, want)
			}
		}
		for _, tc := range []struct {
			name string
			line int
			repl string
			want string
		}{
			{"NaN close", 8, "BBB,2024-01-02T01:00:00Z,1,2,0.5,NaN,10,",
				":8: symbol BBB: 2024-01-02T01:00:00Z close is NaN or empty"},
			{"high below low", 8, "BBB,2024-01-02T01:00:00Z,1,2,2.5,1.5,10,",
				":8: symbol BBB: 2024-01-02T01:00:00Z high 2 < low 2.5"},
			{"not a date", 9, "CCC,yesterday,1,2,0.5,1.5,10,",
				`:9: symbol CCC: date "yesterday" is not a date`},
			{"duplicate", 7, "AAA,2024-01-02T00:00:00Z,1,2,0.5,1.5,10,",
				// Both bars at midnight: the stamp is written as a date.
				":7: symbol AAA: duplicate (symbol, time) 2024-01-02 (also at row 2)"},
			{"unsorted times, one format", 7, "AAA,2024-01-01T23:00:00Z,1,2,0.5,1.5,10,", ""},
			{"two formats", 7, "AAA,2024-01-02 01:00:00Z,1,2,0.5,1.5,10,",
				`:7: symbol AAA: date "2024-01-02 01:00:00Z" is written as YYYY-MM-DD hh:mm:ss±hh:mm but row 2 (`},
		} {
			path := csvLines(t, dir, tc.line, tc.repl)
			p, err := readBatched(t, Source{Table: path}, req, batch)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("batch %d, %s: %v", batch, tc.name, err)
			case tc.want == "":
				// AAA's rows sorted by time: line 7 (23:00 the day before) first.
				if s := p.Series[1]; !slices.Equal(s.Rows, []int{7, 2}) {
					t.Errorf("batch %d, %s: AAA rows %v, want lines [7 2]", batch, tc.name, s.Rows)
				}
			case err == nil || !strings.HasPrefix(err.Error(), path+tc.want):
				t.Errorf("batch %d, %s: err = %v\nwant %s%s…", batch, tc.name, err, path, tc.want)
			}
		}
		// Two symbols with a bad date: the one requested first (CCC) is
		// named, though AAA's batch is read first (batches go by name).
		lines := slices.Clone(csvLinesTable)
		lines[6] = "AAA,someday,1,2,0.5,1.5,10,"
		lines[8] = "CCC,yesterday,1,2,0.5,1.5,10,"
		path := writeFile(t, dir, "two.csv", strings.Join(lines, "\n")+"\n")
		_, err = readBatched(t, Source{Table: path}, req, batch)
		if want := path + `:9: symbol CCC: date "yesterday"`; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("batch %d, two bad dates: err = %v\nwant %s…", batch, err, want)
		}
	}
	// --on-bad-row skip leaves BBB's line-8 bar out and says which line.
	path := csvLines(t, dir, 8, "BBB,2024-01-02T01:00:00Z,1,2,2.5,1.5,10,")
	p, err := ReadSource(context.Background(), Source{Table: path, OnBadRow: data.BadRowSkip}, Request{Symbols: []string{"BBB"}})
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Series[0]; !slices.Equal(s.Rows, []int{3}) || len(s.Repairs) != 1 || s.Repairs[0].Row != 8 {
		t.Errorf("skip: rows %v repairs %v, want rows [3] and one repair at line 8", s.Rows, s.Repairs)
	}
}

// A CSV table is copied to a temporary Parquet file in a folder of the
// temporary directory ($TMPDIR), removed once read; a temporary directory
// that cannot be written is an error that says so.
func TestCSVTableTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := csvLines(t, dir, 0, "")
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	if _, err := ReadSource(context.Background(), Source{Table: path}, Request{Symbols: []string{"AAA"}}); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the temporary directory holds %d entries after the read, want none", len(left))
	}
	t.Setenv("TMPDIR", filepath.Join(dir, "missing"))
	_, err := ReadSource(context.Background(), Source{Table: path}, Request{Symbols: []string{"AAA"}})
	if want := "temporary folder for the CSV table"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("TMPDIR missing: err = %v, want …%s…", err, want)
	}
}

// Importing every symbol of a table with one class gives each that class:
// the symbols are listed by the reader that reads them.
func TestImportSourceEverySymbolOneClass(t *testing.T) {
	dir := t.TempDir()
	c, err := OpenCatalog(filepath.Join(dir, "cat.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.ImportSource(context.Background(), Source{Table: csvLines(t, dir, 0, "")}, Request{Classes: []data.Class{data.Crypto}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range res.Entries {
		if e.Class != data.Crypto {
			t.Errorf("%s: class %v, want crypto", e.Symbol, e.Class)
		}
		got = append(got, e.Symbol)
	}
	if !slices.Equal(got, []string{"AAA", "BBB", "CCC"}) {
		t.Errorf("imported %v, want AAA, BBB, CCC", got)
	}
}
