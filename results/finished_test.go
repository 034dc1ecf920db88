package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFinishedShardFolder: report, db and compare given a shard's folder
// (runs/ and shard.json, no manifest.json) said only "not an experiment
// folder: no manifest.json"; they now say it is a shard's and name the
// merge of the folder holding it (given with a trailing slash: still
// its parent).
func TestFinishedShardFolder(t *testing.T) {
	shards := filepath.Join(t.TempDir(), "shards")
	dir := filepath.Join(shards, "exp-shard-0-of-2")
	if err := os.MkdirAll(filepath.Join(dir, "runs"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := Finished(dir)
	if err == nil || !strings.Contains(err.Error(), "no manifest.json") {
		t.Fatalf("a folder without manifest.json: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "shard.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := dir + "/ is a shard's folder (shard.json), not an experiment's results: divergence merge OUT " + shards + " builds them"
	if err := Finished(dir + "/"); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a shard's folder: %v; want %q", err, want)
	}
}
