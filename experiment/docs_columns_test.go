package experiment

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every column of the folder-level tables an experiment writes beside
// runs.csv (the stress, Monte Carlo and attribution files) is named in
// docs/results.md's "Optional files" listing, so that a reader of the
// folder finds what each column holds. stress.csv's variance_reduction,
// fills, margin_calls and liquidations, stress_summary.csv's and
// montecarlo_summary.csv's columns and attribution_detail.csv's were
// named nowhere in the docs.
func TestFolderTablesColumnsDocumented(t *testing.T) {
	_, files := execute(t, "testdata/stress.toml", 2)
	doc, err := os.ReadFile(filepath.Join("..", "docs", "results.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "## Optional files")
	if !ok {
		t.Fatal(`docs/results.md has no "## Optional files" section`)
	}
	section, _, _ = strings.Cut(section, "manifest.json records")
	for _, tc := range []struct{ file string }{
		{"stress.csv"}, {"stress_summary.csv"}, {"montecarlo.csv"}, {"montecarlo_summary.csv"},
		{"montecarlo_bands.csv"}, {"attribution.csv"}, {"attribution_detail.csv"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, ok := files[tc.file]
			if !ok {
				t.Fatalf("the experiment wrote no %s", tc.file)
			}
			header, err := csv.NewReader(bytes.NewReader(b)).Read()
			if err != nil {
				t.Fatalf("%s: %v", tc.file, err)
			}
			if !strings.Contains(section, tc.file) {
				t.Errorf("docs/results.md's Optional files do not list %s", tc.file)
			}
			for _, col := range header {
				if !regexp.MustCompile(`\b` + regexp.QuoteMeta(col) + `\b`).MatchString(section) {
					t.Errorf("%s: column %s is not named in docs/results.md's Optional files", tc.file, col)
				}
			}
		})
	}
}
