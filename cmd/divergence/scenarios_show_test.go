package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/scenarios"
)

// scenarios show lists the instruments of the groups the shocks name:
// the built-in ones as scenarios.DefaultGroups has them, a scenario's own
// [groups] marked as such, and a group neither defines as one an
// experiment must define.
func TestScenariosShowGroups(t *testing.T) {
	out, _, err := cli(t, "scenarios", "show", "ai-bubble-burst")
	if err != nil {
		t.Fatal(err)
	}
	builtin := scenarios.DefaultGroups()
	for _, g := range []string{"ai_tech", "semis", "indices", "majors", "ai_tokens", "miners", "crypto_equities"} {
		if want := "\n  " + g + " = " + strings.Join(builtin[g], ", ") + "\n"; len(builtin[g]) == 0 || !strings.Contains(out, want) {
			t.Errorf("want %q in\n%s", want, out)
		}
	}
	file := filepath.Join(t.TempDir(), "mine.toml")
	if err := os.WriteFile(file, []byte("name = \"mine\"\n[groups]\nchips = [\"NVDA\", \"AMD\"]\n[[shock]]\ntype = \"jump\"\ngroups = [\"chips\", \"mystery\", \"majors\"]\nday = 1\nmove = -0.2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err = cli(t, "scenarios", "show", file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n  chips = NVDA, AMD (the scenario's own)\n", "\n  mystery: not built in: the experiment's [groups] must define it\n",
		"\n  majors = " + strings.Join(builtin["majors"], ", ") + "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in\n%s", want, out)
		}
	}
	if i, j := strings.Index(out, "  chips"), strings.Index(out, "  majors"); i < 0 || j < i {
		t.Errorf("groups not in the order the shocks name them:\n%s", out)
	}
}
