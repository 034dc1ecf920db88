package main

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// importRule constrains the packages at prefix: the prefix itself and,
// unless exact, every package under it (prefix/...), so that a new
// subpackage is covered by its parent's rule without a new line here.
type importRule struct {
	prefix string
	exact  bool
	// allow, when set, lists the only packages of this module (prefixes,
	// as rules match them) the package may depend on, besides those
	// under the rule's own prefix.
	allow []string
	// forbid lists import-path prefixes (project packages relative to the
	// module, or full paths of other modules) it must not depend on.
	forbid []string
	// noCgo: no dependency may have cgo files (the package builds with
	// CGO_ENABLED=0).
	noCgo bool
}

const module = "github.com/divergence-research/divergence"

// importRules are the import rules of DESIGN.md: dependencies go one way,
// cmd → experiment → results, scenarios, strategies → engine → data; the
// engine knows no file format, plot or TOML; data knows no strategy;
// strategies, scenarios, engine and results/metrics build without cgo
// (DuckDB sits behind data/duckdb); nothing but cmd imports experiment.
// Every package of the module must be covered by at least one rule.
var importRules = []importRule{
	{prefix: "cmd"},
	{prefix: "experiment", allow: []string{"results", "scenarios", "strategies", "engine", "data"}},
	{prefix: "results", allow: []string{"engine", "data"}, forbid: []string{"experiment", "strategies", "scenarios"}},
	{prefix: "results/metrics", allow: []string{}, forbid: []string{"github.com/duckdb", "gonum.org/v1/plot"}, noCgo: true},
	{prefix: "results/charts", forbid: []string{"data/duckdb", "github.com/duckdb"}},
	{prefix: "scenarios", allow: []string{"engine", "data"}, forbid: []string{"strategies", "results", "experiment", "data/duckdb", "github.com/duckdb", "gonum.org/v1/plot"}, noCgo: true},
	{prefix: "strategies", allow: []string{"engine", "data"}, forbid: []string{"results", "scenarios", "experiment", "data/duckdb", "github.com/duckdb", "gonum.org/v1/plot"}, noCgo: true},
	{prefix: "engine", allow: []string{"data"}, forbid: []string{"strategies", "results", "scenarios", "experiment", "data/duckdb", "github.com/BurntSushi/toml", "github.com/apache/arrow-go", "github.com/duckdb", "gonum.org/v1/plot"}, noCgo: true},
	{prefix: "data", allow: []string{}, forbid: []string{"engine", "strategies", "results", "scenarios", "experiment"}},
	{prefix: "data", exact: true, forbid: []string{"github.com/duckdb", "github.com/apache/arrow-go"}, noCgo: true},
	{prefix: "data/synth", forbid: []string{"data/duckdb", "github.com/duckdb"}, noCgo: true},
}

// The import rules, checked on every package of the module with
// `go list -deps` (the build's dependencies, tests excluded).
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "duckdb_arrow", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", module+"/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	cgoOut, err := exec.Command("go", "list", "-tags", "duckdb_arrow", "-deps", "-f", "{{if .CgoFiles}}{{.ImportPath}}{{end}}", module+"/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, cgoOut)
	}
	cgo := map[string]bool{}
	for _, p := range strings.Fields(string(cgoOut)) {
		cgo[p] = true
	}
	var pkgs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg := rel(f[0])
		pkgs = append(pkgs, pkg)
		var matched []importRule
		for _, r := range importRules {
			if r.matches(pkg) {
				matched = append(matched, r)
			}
		}
		if len(matched) == 0 {
			t.Errorf("%s: no import rule covers it; add one to importRules", pkg)
		}
		for _, r := range matched {
			for _, v := range r.check(pkg, f[1:], cgo) {
				t.Errorf("%s (rule %q): %s", pkg, r.prefix, v)
			}
		}
	}
	// The rules must see the layers they are about.
	sort.Strings(pkgs)
	for _, want := range []string{"cmd/divergence", "experiment", "engine", "strategies", "scenarios", "results", "results/metrics", "data", "data/duckdb"} {
		if i := sort.SearchStrings(pkgs, want); i == len(pkgs) || pkgs[i] != want {
			t.Errorf("go list did not list %s (listed %v)", want, pkgs)
		}
	}
}

// rel is a module path relative to the module ("" for the root), or the
// path itself for other modules and the standard library.
func rel(path string) string {
	if path == module {
		return ""
	}
	if r, ok := strings.CutPrefix(path, module+"/"); ok {
		return r
	}
	return path
}

// under reports whether pkg is prefix or below it.
func under(pkg, prefix string) bool {
	return pkg == prefix || strings.HasPrefix(pkg, prefix+"/")
}

func (r importRule) matches(pkg string) bool {
	if r.exact {
		return pkg == r.prefix
	}
	return under(pkg, r.prefix)
}

// check returns the rule's violations by pkg's dependencies deps (full
// import paths).
func (r importRule) check(pkg string, deps []string, cgo map[string]bool) []string {
	var bad []string
	for _, full := range deps {
		dep := rel(full)
		project := full == module || strings.HasPrefix(full, module+"/")
		if project && under(dep, "experiment") && !under(pkg, "cmd") && !under(pkg, "experiment") {
			bad = append(bad, "depends on "+dep+": nothing but cmd imports experiment")
		}
		if project && under(dep, "cmd") {
			bad = append(bad, "depends on "+dep+": nothing imports cmd")
		}
		if project && r.allow != nil && !under(dep, r.prefix) && !r.allowed(dep) {
			may := "no other package of this module"
			if len(r.allow) > 0 {
				may = "only " + strings.Join(r.allow, ", ") + " of this module"
			}
			bad = append(bad, "depends on "+dep+"; it may depend on "+may)
		}
		for _, f := range r.forbid {
			// A forbidden path with a dot is another module's; without,
			// a package of this module.
			if external := strings.Contains(f, "."); external != project && under(dep, f) {
				bad = append(bad, "depends on "+full+" (forbidden: "+f+")")
			}
		}
		if r.noCgo && cgo[full] {
			bad = append(bad, "depends on "+full+", which uses cgo")
		}
	}
	return bad
}

func (r importRule) allowed(dep string) bool {
	for _, a := range r.allow {
		if under(dep, a) {
			return true
		}
	}
	return false
}
