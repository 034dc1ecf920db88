package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// metrics --out: a failed measurement leaves the file --out names as it
// was (it was truncated to empty before the returns were read), and an
// --out that is the returns file itself is refused, the file intact (it
// was emptied, then read as "empty file").
func TestMetricsOutKeptOnFailure(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	goodText := "date,a\n2024-01-01,0.1\n2024-01-02,0.2\n2024-01-03,0.1\n"
	os.WriteFile(good, []byte(goodText), 0o644)
	dup := filepath.Join(dir, "dup.csv")
	os.WriteFile(dup, []byte("date,a\n2024-01-01,0.1\n2024-01-01,0.2\n"), 0o644)
	out := filepath.Join(dir, "m.json")

	if _, _, err := cli(t, "metrics", good, "--out", out); err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(first), `"total_return"`) {
		t.Fatalf("first output: %v\n%s", err, first)
	}
	t.Run("failed run", func(t *testing.T) {
		if _, _, err := cli(t, "metrics", dup, "--out", out); err == nil || !strings.Contains(err.Error(), "dup.csv:3") {
			t.Fatalf("error %v", err)
		}
		if b, _ := os.ReadFile(out); string(b) != string(first) {
			t.Errorf("%s after a failed run: %d bytes, want the first run's %d", out, len(b), len(first))
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".m.json.tmp-*")); len(left) > 0 {
			t.Errorf("left behind: %v", left)
		}
	})
	t.Run("out is the input", func(t *testing.T) {
		for _, o := range []string{good, filepath.Join(dir, ".", "good.csv")} {
			_, _, err := cli(t, "metrics", good, "--out", o)
			if err == nil || !strings.Contains(err.Error(), "--out") || !strings.Contains(err.Error(), "returns file") {
				t.Errorf("--out %s: %v, want a refusal", o, err)
			}
			if b, _ := os.ReadFile(good); string(b) != goodText {
				t.Errorf("--out %s: the returns file now holds %q", o, b)
			}
		}
	})
}
