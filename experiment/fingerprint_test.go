package experiment

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// fingerprints gives each file's SHA-256 in the files' order, and the
// error of the first file that cannot be read in that order.
func TestFingerprints(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i, text := range []string{"a", "bb", strings.Repeat("c", 1<<20), "", "e"} {
		p := filepath.Join(dir, string(rune('a'+i))+".csv")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	got, err := fingerprints(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range paths {
		want, err := results.Fingerprint(p)
		if err != nil {
			t.Fatal(err)
		}
		if got[i] != want {
			t.Errorf("%s: %s, want %s", p, got[i], want)
		}
	}
	// The SHA-256 of "" and of "a", known values.
	if got[3] != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" || got[0] != "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb" {
		t.Errorf("sha256 of \"\" or \"a\": %s %s", got[3], got[0])
	}
	missing1, missing2 := filepath.Join(dir, "gone1.csv"), filepath.Join(dir, "gone2.csv")
	_, err = fingerprints(context.Background(), []string{paths[2], missing1, paths[0], missing2})
	if err == nil || !strings.Contains(err.Error(), "gone1.csv") {
		t.Errorf("err = %v, want the first missing file", err)
	}
}
