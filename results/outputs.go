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
// name.csv, and name.parquet too when parquet is set.
func TableOutputs(name string, t *Table, parquet bool) []Output {
	out := []Output{{name + ".csv", func(w io.Writer) error { return WriteTableCSV(w, t) }}}
	if parquet {
		out = append(out, Output{name + ".parquet", func(w io.Writer) error { return WriteTableParquet(w, t) }})
	}
	return out
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
