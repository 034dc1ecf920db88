package results

import (
	"fmt"
	"io"
	"path/filepath"
)

// Output is one file of a results folder: its name and what writes it.
type Output struct {
	Name  string
	Write func(io.Writer) error
}

// TableOutputs are the files of a table under name (without extension):
// name.csv and name.parquet. The Parquet file keeps each column's type
// (a share of 0 on every row is still a DOUBLE): results.duckdb reads
// it rather than guess the types from the CSV file's values.
func TableOutputs(name string, t *Table) []Output {
	return []Output{
		{name + ".csv", func(w io.Writer) error { return WriteTableCSV(w, t) }},
		{name + ".parquet", func(w io.Writer) error { return WriteTableParquet(w, t) }},
	}
}

// WriteOutputs writes every output into dir, each atomically
// ([WriteFileAtomic]), in order; an error names the file.
func WriteOutputs(dir string, outs ...Output) error {
	for _, o := range outs {
		if err := WriteFileAtomic(filepath.Join(dir, o.Name), o.Write); err != nil {
			return fmt.Errorf("%s: %w", o.Name, err)
		}
	}
	return nil
}
