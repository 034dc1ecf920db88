package results

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// Files inside an experiment's working folder skip their own sync (the
// experiment syncs the folder once before renaming it); every other file
// is synced. InWorkingFolder tells the two apart by the folder names.
func TestInWorkingFolder(t *testing.T) {
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"out/.demo.tmp-123/runs/a/equity.csv", true},
		{"out/.demo.tmp-123/manifest.json", true},
		{"/abs/out/.x.tmp-9/report.html", true},
		{"out/demo/runs/a/equity.csv", false},
		{"out/demo/.equity.csv.tmp-1", false}, // a temporary file, not a folder
		{"out/tmp-1/x.csv", false},            // not hidden
		{".hidden/x.csv", false},              // hidden, but not a working folder
		{"x.csv", false},
	} {
		if got := InWorkingFolder(tc.path); got != tc.want {
			t.Errorf("InWorkingFolder(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
	// The write itself is unchanged inside one: all or nothing, same bytes.
	dir := filepath.Join(t.TempDir(), ".e.tmp-1")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "a.txt")
	if err := WriteFileAtomic(p, func(w io.Writer) error { _, err := w.Write([]byte("abc")); return err }); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(p); err != nil || string(b) != "abc" {
		t.Fatalf("read back %q, %v", b, err)
	}
}
