package experiment

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// Every table of an experiment's folder is written twice, as CSV and as
// Parquet, with the same cells: the Parquet file read back and written
// as CSV is the CSV file's bytes. results.duckdb reads the Parquet file,
// with its column types, where it guessed them from the CSV file's values
// when there was none (attribution, stress_summary, montecarlo_summary).
func TestEveryTableHasItsParquetCopy(t *testing.T) {
	o, files := execute(t, "testdata/stress.toml", 2)
	for _, name := range []string{"attribution", "attribution_detail", "stress", "stress_summary",
		"montecarlo", "montecarlo_summary", "montecarlo_bands", "prices"} {
		t.Run(name, func(t *testing.T) {
			csvFile, ok := files[name+".csv"]
			if !ok {
				t.Fatalf("no %s.csv", name)
			}
			if _, ok := files[name+".parquet"]; !ok {
				t.Fatalf("%s.csv has no Parquet copy", name)
			}
			tab, err := results.ReadTableParquet(filepath.Join(o.Dir, name+".parquet"))
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := results.WriteTableCSV(&b, tab); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), csvFile) {
				t.Errorf("%s.parquet as CSV differs from %s.csv:\n%.300s\nagainst\n%.300s", name, name, b.String(), csvFile)
			}
			// A path's shocked flag is a boolean in the Parquet file (and
			// so in results.duckdb), not the text true or false.
			if name == "montecarlo" {
				for _, c := range tab.Columns {
					if c.Name == "shocked" && c.Bools == nil {
						t.Error("montecarlo.parquet's shocked column is not a boolean")
					}
				}
			}
		})
	}
}
