package experiment

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
)

const keepExperiment = `name = "keep"
start = "2024-01-02"
end = "2024-03-01"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
`

// runKeep runs keepExperiment into dir/out and returns its folder and
// the housekeeping notes.
func runKeep(t *testing.T, dir string) (string, []string) {
	t.Helper()
	f, err := Parse("keep.toml", keepExperiment)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 1, Note: func(s string) { notes = append(notes, s) }})
	if err != nil {
		t.Fatal(err)
	}
	return o.Dir, notes
}

func writeText(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%v", err)
	}
	return string(b)
}

// A run that replaces its results folder keeps the entries the user put
// there (names matched whole: notes.txt, runs_analysis.ipynb,
// equity.xlsx, .gitignore, a folder of their own) and says so; the
// previous run's outputs go with the folder, one the new run does not
// write (a stress heatmap from a run with scenarios) included. The
// folder was removed whole, the user's files with it.
func TestReplaceKeepsTheUsersFiles(t *testing.T) {
	dir := t.TempDir()
	res, _ := runKeep(t, dir)
	mine := []string{".gitignore", "equity.xlsx", "notes.txt", "runs_analysis.ipynb"}
	for _, name := range mine {
		writeText(t, filepath.Join(res, name), "mine: "+name)
	}
	writeText(t, filepath.Join(res, "stress_heatmap.png"), "stale")
	writeText(t, filepath.Join(res, "mine", "sub", "x"), "deep")
	_, notes := runKeep(t, dir)
	for _, name := range mine {
		if got := readText(t, filepath.Join(res, name)); got != "mine: "+name {
			t.Errorf("%s after the second run: %q, want it kept", name, got)
		}
	}
	if got := readText(t, filepath.Join(res, "mine", "sub", "x")); got != "deep" {
		t.Errorf("mine/sub/x after the second run: %q", got)
	}
	if _, err := os.Stat(filepath.Join(res, "stress_heatmap.png")); !os.IsNotExist(err) {
		t.Errorf("the previous run's stress_heatmap.png was kept (stat: %v): it is an output of the program's, stale beside the new results", err)
	}
	if want := "kept from the previous results, which this run replaced: .gitignore, equity.xlsx, mine, notes.txt, runs_analysis.ipynb (not files of the program's)"; !slices.Contains(notes, want) {
		t.Errorf("notes %q, want %q", notes, want)
	}
	if ents, _ := os.ReadDir(filepath.Dir(res)); len(ents) != 2 { // the folder and its lock
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("beside the results: %v, want the folder and its lock", names)
	}
}

// A run stopped after replacing its folder and before moving the user's
// entries of the old one (.keep.old-…) leaves them to the next run's
// cleaner, which moves them into the results instead of removing them
// with the folder; an entry the results already have keeps the old
// folder whole, under a name no cleaner removes.
func TestCleanerKeepsTheUsersFiles(t *testing.T) {
	dir := t.TempDir()
	res, _ := runKeep(t, dir)
	out := filepath.Dir(res)
	old := filepath.Join(out, ".keep.old-123")
	writeText(t, filepath.Join(old, "manifest.json"), "{}")
	writeText(t, filepath.Join(old, "notes.txt"), "left behind")
	_, notes := runKeep(t, dir)
	if got := readText(t, filepath.Join(res, "notes.txt")); got != "left behind" {
		t.Errorf("notes.txt of the old folder: %q in the results, want it moved there", got)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the old folder is still there (stat: %v)", err)
	}
	if !slices.ContainsFunc(notes, func(n string) bool {
		return strings.Contains(n, "kept from the previous results") && strings.Contains(n, "notes.txt")
	}) {
		t.Errorf("notes %q, want notes.txt said kept", notes)
	}
	// Now the results have a notes.txt: another old one cannot join them.
	writeText(t, filepath.Join(old, "notes.txt"), "older")
	_, notes = runKeep(t, dir)
	prev, _ := filepath.Glob(filepath.Join(out, "keep.previous-*"))
	if len(prev) != 1 || readText(t, filepath.Join(prev[0], "notes.txt")) != "older" {
		t.Fatalf("previous folders %v, want one holding the older notes.txt; notes %q", prev, notes)
	}
	if got := readText(t, filepath.Join(res, "notes.txt")); got != "left behind" {
		t.Errorf("the results' notes.txt: %q, want it untouched", got)
	}
	if !slices.ContainsFunc(notes, func(n string) bool {
		return strings.Contains(n, "notes.txt (the new results have one)") && strings.Contains(n, "are kept in "+prev[0])
	}) {
		t.Errorf("notes %q, want the previous folder named", notes)
	}
	// A later run leaves it alone.
	runKeep(t, dir)
	if _, err := os.Stat(prev[0]); err != nil {
		t.Errorf("the previous folder was removed by a later run: %v", err)
	}
}

// ProgramEntry matches the program's names whole.
func TestProgramEntry(t *testing.T) {
	for name, want := range map[string]bool{
		"runs": true, "runs.parquet": true, "stress_heatmap.svg": true, "montecarlo_bands.csv": true, ".results.duckdb.tmp-12": true,
		"report.html": true, "results.duckdb.wal": true, "walkforward_in_sample.parquet": true,
		"runs_analysis.ipynb": false, "equity.xlsx": false, ".gitignore": false, "notes.txt": false, "stress.txt": false, "runs.csv.bak": false,
	} {
		if got := ProgramEntry(name); got != want {
			t.Errorf("ProgramEntry(%q) = %v, want %v", name, got, want)
		}
	}
}

// A run that replaces its results folder keeps the user's files under
// runs/ too (the folder was dropped whole as the program's): a file in a
// run's folder goes into the new run's folder, a folder that is no run
// and a file at the top of runs/ are kept as they were; each is named in
// the note. The run's own files (a stale legs chart included) go with
// the old folder.
func TestReplaceKeepsTheUsersFilesUnderRuns(t *testing.T) {
	dir := t.TempDir()
	res, _ := runKeep(t, dir)
	ents, err := os.ReadDir(filepath.Join(res, "runs"))
	if err != nil || len(ents) != 1 {
		t.Fatalf("runs/: %v, %v; want the one run", ents, err)
	}
	key := ents[0].Name()
	mine := map[string]string{
		filepath.Join("runs", key, "mynote.txt"):          "note",
		filepath.Join("runs", key, "sub", "x.txt"):        "deep",
		filepath.Join("runs", "my-analysis", "a.txt"):     "analysis",
		filepath.Join("runs", "README.md"):                "readme",
		filepath.Join("runs", "gone-run", "mynote.txt"):   "of a run no longer made",
		filepath.Join("runs", "gone-run", "metrics.json"): "{}",
	}
	for p, body := range mine {
		writeText(t, filepath.Join(res, p), body)
	}
	writeText(t, filepath.Join(res, "runs", key, "legs.png"), "stale chart")
	_, notes := runKeep(t, dir)
	for p, body := range mine {
		if p == filepath.Join("runs", "gone-run", "metrics.json") {
			if _, err := os.Stat(filepath.Join(res, p)); !os.IsNotExist(err) {
				t.Errorf("%s, a run of the previous results only, kept (%v)", p, err)
			}
			continue
		}
		if got := readText(t, filepath.Join(res, p)); got != body {
			t.Errorf("%s after the second run: %q, want %q", p, got, body)
		}
	}
	if _, err := os.Stat(filepath.Join(res, "runs", key, "legs.png")); !os.IsNotExist(err) {
		t.Errorf("the previous run's legs.png kept (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(res, "runs", key, results.RunFile)); err != nil {
		t.Errorf("the new run's metrics.json: %v", err)
	}
	note := strings.Join(notes, "\n")
	for _, w := range []string{"runs/" + key + "/mynote.txt", "runs/" + key + "/sub", "runs/my-analysis", "runs/README.md", "runs/gone-run/mynote.txt"} {
		if !strings.Contains(note, w) {
			t.Errorf("notes %q do not name %s", notes, w)
		}
	}
}
