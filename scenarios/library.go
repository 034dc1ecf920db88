package scenarios

import (
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/divergence-research/divergence/data/strict"
)

//go:embed library/*.toml
var libraryFS embed.FS

// Library parses and returns the built-in scenarios (scenarios/library),
// sorted by name. Each call returns fresh values the caller may change.
func Library() ([]*Scenario, error) {
	entries, err := libraryFS.ReadDir("library")
	if err != nil {
		return nil, fmt.Errorf("scenarios: library: %w", err)
	}
	var out []*Scenario
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".toml") {
			continue
		}
		file := path.Join("library", e.Name())
		b, err := libraryFS.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("scenarios: %w", err)
		}
		s, err := Parse(file, string(b))
		if err != nil {
			return nil, fmt.Errorf("scenarios: %w", err)
		}
		if want := strings.TrimSuffix(e.Name(), ".toml"); s.Name != want {
			return nil, fmt.Errorf("scenarios: %s: name = %q: want the file's name %q", file, s.Name, want)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out, nil
}

// Lookup returns the built-in scenario with that name.
func Lookup(name string) (*Scenario, error) {
	all, err := Library()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(all))
	for i, s := range all {
		if s.Name == name {
			return s, nil
		}
		names[i] = s.Name
	}
	meant := ""
	if m := strict.Closest(name, names); m != "" {
		meant = "did you mean " + m + "? "
	}
	if path.Ext(name) != "" || strings.ContainsAny(name, `/\`) {
		// A path, not a name: a file is read as a scenario file only
		// when its name ends in .toml.
		meant = "a scenario file's name must end in .toml; " + meant
	}
	return nil, fmt.Errorf("scenarios: unknown scenario %q (%sbuilt in: %s)", name, meant, strings.Join(names, ", "))
}
