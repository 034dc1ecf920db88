package charts

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/divergence-research/divergence/results"
)

// WriteFiles writes a chart as base.png and base.svg (base is a path
// without extension; its folder is created), each atomically
// ([results.WriteFileAtomic]): draw is called once per format.
func WriteFiles(base string, draw func(w io.Writer, f Format) error) error {
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return err
	}
	for _, ft := range []Format{PNG, SVG} {
		path := base + "." + string(ft)
		if err := results.WriteFileAtomic(path, func(w io.Writer) error { return draw(w, ft) }); err != nil {
			return fmt.Errorf("plot %s: %w", path, err)
		}
	}
	return nil
}
