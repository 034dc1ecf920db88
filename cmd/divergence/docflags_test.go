package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// docTexts returns README.md and docs/*.md by path.
func docTexts(t *testing.T) map[string]string {
	t.Helper()
	paths, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range append(paths, "../../README.md") {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimPrefix(p, "../../")] = string(b)
	}
	return out
}

// docFlag is a --flag written in the docs.
var docFlag = regexp.MustCompile(`(?:^|[^\w-])--([a-z][a-z0-9-]*)`)

// Every --flag README.md and docs/*.md name is one a command takes (or
// --help, --version): docs/capacity.md named --all-charts, which no
// command has (it is --charts all). The exceptions are sbatch's own flags
// (the Slurm deployment) and the README's examples of mistakes.
func TestDocsNameRealFlags(t *testing.T) {
	others := map[string]string{
		"array": "sbatch", "cpus-per-task": "sbatch", "dependency": "sbatch", "export": "sbatch",
		"otu": "the README's mistyped flag", "x": "the README's --out=--x",
	}
	for path, text := range docTexts(t) {
		for i, line := range strings.Split(text, "\n") {
			for _, m := range docFlag.FindAllStringSubmatch(line, -1) {
				f := m[1]
				if slices.Contains(knownFlags, f) || f == "help" || f == "version" {
					continue
				}
				if _, ok := others[f]; ok {
					continue
				}
				t.Errorf("%s:%d: --%s is no flag of divergence: %s", path, i+1, f, strings.TrimSpace(line))
			}
		}
	}
}

// The value sets the synopses write (--csv auto|always|never) are the
// values the command takes, as its error for another value lists them:
// the top-level usage, each command's --help, data's usage, the README's
// Commands and docs/metrics.md's synopsis. data synth's --interval was
// written 1m|1h in three of them; it takes 1m, 5m, 15m, 1h and 4h.
func TestSynopsisValueSets(t *testing.T) {
	// A command line that gives the flag the value "zz", whose error
	// lists the values the flag takes ("want a, b or c").
	probes := map[string][]string{
		"charts":          {"run", "x.toml", "--charts", "zz"},
		"csv":             {"run", "x.toml", "--csv", "zz"},
		"align":           {"compare", "a", "--align", "zz"},
		"interval":        {"data", "synth", "--interval", "zz"},
		"layout":          {"data", "synth", "--interval", "1h", "--layout", "zz"},
		"class":           {"data", "import", "f.csv", "--class", "zz"},
		"on-bad-row":      {"data", "import", "f.csv", "--on-bad-row", "zz"},
		"format":          {"metrics", "r.csv", "--format", "zz"},
		"missing":         {"metrics", "r.csv", "--missing", "zz"},
		"var-method":      {"metrics", "r.csv", "--var-method", "zz"},
		"es-rule":         {"metrics", "r.csv", "--es-rule", "zz"},
		"zero-risk":       {"metrics", "r.csv", "--zero-risk", "zz"},
		"down-market":     {"metrics", "r.csv", "--down-market", "zz"},
		"rate-convention": {"metrics", "r.csv", "--rate-convention", "zz"},
	}
	want := regexp.MustCompile(`want ([^()]*)`)
	takes := map[string][]string{}
	for f, args := range probes {
		_, _, err := cli(t, args...)
		m := want.FindStringSubmatch(errString(err))
		if m == nil {
			t.Errorf("%v: %v: want an error listing the values", args, err)
			continue
		}
		for _, v := range strings.Split(strings.ReplaceAll(strings.TrimSpace(m[1]), " or ", ", "), ", ") {
			takes[f] = append(takes[f], strings.Trim(v, `"`))
		}
	}
	// The synopses.
	sources := map[string]string{"divergence help": usage}
	for _, cmd := range [][]string{{"run"}, {"stress"}, {"merge"}, {"report"}, {"db"}, {"compare"}, {"metrics"},
		{"data", "import"}, {"data", "list"}, {"data", "synth"}} {
		help, _, _ := cli(t, append(cmd, "--help")...)
		synopsis, _, _ := strings.Cut(help, "\n")
		sources["divergence "+strings.Join(cmd, " ")+" --help"] = synopsis
	}
	dataUsage, _, _ := cli(t, "data", "--help")
	sources["divergence data --help"] = dataUsage
	docs := docTexts(t)
	readme := docs["README.md"]
	readme = readme[strings.Index(readme, "## Commands"):]
	sources["README Commands"] = readme[:strings.Index(readme, "\n```\n\n")]
	metricsDoc := docs["docs/metrics.md"]
	metricsDoc = metricsDoc[strings.Index(metricsDoc, "```text\ndivergence metrics"):]
	sources["docs/metrics.md synopsis"] = metricsDoc[:strings.Index(metricsDoc, "\n```\n")]

	set := regexp.MustCompile(`--([a-z-]+)[ =]([a-z0-9][a-z0-9-]*(?:[|,][a-z0-9][a-z0-9-]*)+)`)
	for name, text := range sources {
		for _, m := range set.FindAllStringSubmatch(text, -1) {
			f, written := m[1], strings.FieldsFunc(m[2], func(r rune) bool { return r == '|' || r == ',' })
			if f == "confidence" || f == "symbols" { // a list of numbers or symbols, not a set
				continue
			}
			accepted, ok := takes[f]
			if !ok {
				t.Errorf("%s: --%s %s: no probe of the values it takes (add one above)", name, f, m[2])
				continue
			}
			a, w := slices.Clone(accepted), slices.Clone(written)
			slices.Sort(a)
			slices.Sort(w)
			if !slices.Equal(a, w) {
				t.Errorf("%s: --%s %s; it takes %s", name, f, m[2], strings.Join(accepted, "|"))
			}
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
