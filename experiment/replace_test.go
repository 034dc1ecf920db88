package experiment

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A run that replaces its results folder keeps the entries the user put
// there (a notes.txt, a folder of their own) and says so; the previous
// run's outputs go with the folder, one the new run does not write (a
// stress heatmap from a run with scenarios) included. The folder was
// removed whole, the user's files with it.
func TestReplaceKeepsTheUsersFiles(t *testing.T) {
	dir := t.TempDir()
	text := `name = "keep"
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
	o, err := runIn(t, dir, text)
	if err != nil {
		t.Fatal(err)
	}
	res := o.Dir
	notes := []byte("my notes\n")
	for name, body := range map[string][]byte{"notes.txt": notes, "stress_heatmap.png": []byte("stale")} {
		if err := os.WriteFile(filepath.Join(res, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(res, "mine", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	o, err = runIn(t, dir, text)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(res, "notes.txt")); err != nil || string(got) != string(notes) {
		t.Errorf("notes.txt after the second run: %q, %v; want it kept", got, err)
	}
	if fi, err := os.Stat(filepath.Join(res, "mine", "sub")); err != nil || !fi.IsDir() {
		t.Errorf("mine/sub after the second run: %v; want it kept", err)
	}
	if _, err := os.Stat(filepath.Join(res, "stress_heatmap.png")); !os.IsNotExist(err) {
		t.Errorf("the previous run's stress_heatmap.png was kept (stat: %v): it is an output of the program's, stale beside the new results", err)
	}
	if want := "kept from the previous results, which this run replaced: mine, notes.txt (not files of the program's)"; !slices.Contains(o.Notes, want) {
		t.Errorf("notes %q, want %q", o.Notes, want)
	}
	// Nothing is left beside the folder: the old one is removed.
	if ents, _ := os.ReadDir(filepath.Dir(res)); len(ents) != 2 { // the folder and its lock
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("beside the results: %v, want the folder and its lock", names)
	}
}
