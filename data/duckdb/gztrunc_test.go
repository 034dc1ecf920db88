package duckdb

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadTruncatedGzip: a .csv.gz cut short (a copy interrupted), or
// missing only its 8-byte trailer, read as a shorter series without a
// word: the gzip reader's "unexpected EOF" was taken for the end of the
// file. It is refused, naming the file.
func TestReadTruncatedGzip(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("date,open,high,low,close,volume\n")
	for k := 0; k < 3000; k++ {
		fmt.Fprintf(&csv, "%d-%02d-%02d,%d,%d,%d,%d,1000\n", 2000+k/336, 1+k/28%12, 1+k%28, 100+k%7, 102+k%7, 99+k%7, 101+k%7)
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(csv.String()))
	w.Close()
	whole := gz.Bytes()
	dir := t.TempDir()
	ctx := context.Background()
	p := filepath.Join(dir, "X.csv.gz")
	os.WriteFile(p, whole, 0o644)
	if s, err := ReadFile(ctx, p, ReadOptions{}); err != nil || s.Len() != 3000 {
		t.Fatalf("the whole file: %d bars, %v", s.Len(), err)
	}
	for _, cut := range []int{len(whole) / 2, len(whole) - 8} {
		os.WriteFile(p, whole[:cut], 0o644)
		_, err := ReadFile(ctx, p, ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), "X.csv.gz") || !strings.Contains(err.Error(), "truncated") {
			t.Errorf("cut at %d of %d bytes: %v, want the file refused as truncated", cut, len(whole), err)
		}
	}
}
