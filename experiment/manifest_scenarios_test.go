package experiment

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// TestManifestScenarioOrigins: manifest.json's scenarios record says
// where each scenario comes from, as the experiment names it: a file
// (its path as written, relative to the experiment), an inline
// [[scenario]] table ("inline") and the library ("library"), in the
// order of the runs (library names and files first, then the inline
// tables), each with day 0 and its shocks' dates. By hand, with
// scenario_start = 2023-02-01: the file's jump at day = 14 acts from
// 2023-02-01 + 14 days = 2023-02-15; the inline volatility regime from
// date = 2023-03-01 for days = 10 spans 2023-03-01 to 2023-03-11, the
// end excluded; the library's openai-miss is placed by day offsets
// (day 0 and day 1), its first shock from day 0, 2023-02-01; the inline
// random jump gives the date it drew, the day it moved NVDA.
func TestManifestScenarioOrigins(t *testing.T) {
	dir := t.TempDir()
	px := func(k int) float64 { return 100 + float64(k%7) }
	for _, s := range []string{"NVDA", "TAO"} {
		dailyCSV(t, dir, s, "2023-01-02", 150, px)
	}
	if err := os.MkdirAll(filepath.Join(dir, "shocks"), 0o755); err != nil {
		t.Fatal(err)
	}
	shock := `name = "from-a-file"
description = "a file's jump"
[[shock]]
type = "jump"
symbols = ["NVDA"]
day = 14
move = -0.1
`
	if err := os.WriteFile(filepath.Join(dir, "shocks", "mine.toml"), []byte(shock), 0o644); err != nil {
		t.Fatal(err)
	}
	text := `name = "origins"
start = "2023-01-02"
end = "2023-05-01"
scenario_start = "2023-02-01"
scenarios = ["shocks/mine.toml", "openai-miss"]
[data]
dir = "prices"
classes = { TAO = "crypto" }
[[scenario]]
name = "inline-vol"
[[scenario.shock]]
type = "volatility"
symbols = ["TAO"]
date = 2023-03-01
days = 10
k = 2.0
[[scenario]]
name = "inline-random"
[[scenario.shock]]
type = "jump"
symbols = ["NVDA"]
random = true
move = -0.2
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "TAO"]
`
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 1, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Scenarios []struct {
			Name, Origin, Start string
			Shocks              []string
		}
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := []struct{ name, origin, shockEnd string }{
		{"from-a-file", "shocks/mine.toml", ": from 2023-02-15"},
		{"openai-miss", "library", ": from 2023-02-01"},
		{"inline-vol", "inline", ": 2023-03-01 to 2023-03-11, the end excluded"},
		{"inline-random", "inline", " (drawn at random)"},
	}
	if len(m.Scenarios) != len(want) {
		t.Fatalf("%d scenarios recorded, want %d: %+v", len(m.Scenarios), len(want), m.Scenarios)
	}
	for i, w := range want {
		s := m.Scenarios[i]
		if s.Name != w.name || s.Origin != w.origin || s.Start != "2023-02-01" {
			t.Errorf("scenario %d: %s from %q, day 0 %s; want %s from %q, day 0 2023-02-01", i, s.Name, s.Origin, s.Start, w.name, w.origin)
		}
		if len(s.Shocks) == 0 || !strings.HasSuffix(s.Shocks[0], w.shockEnd) {
			t.Errorf("scenario %s: first shock %q, want it to end %q", w.name, s.Shocks, w.shockEnd)
		}
	}
	// The random jump's recorded date is the one it moved NVDA on: the
	// first close of the shocked view that differs from the loaded one
	// (a bar every calendar day, so the date itself).
	drawnText := m.Scenarios[3].Shocks[0]
	_, rest, _ := strings.Cut(drawnText, ": from ")
	day, _, _ := strings.Cut(rest, " ")
	var v *View
	for i := range o.Views {
		if o.Views[i].Scenario != nil && o.Views[i].Scenario.Name == "inline-random" {
			v = &o.Views[i]
		}
	}
	if v == nil {
		t.Fatal("no view of inline-random")
	}
	base, shocked := o.Panel.Series[0], v.Panel.Series[0]
	if base.Symbol != "NVDA" {
		t.Fatalf("series 0 is %s", base.Symbol)
	}
	first := ""
	for k := range base.Close {
		if base.Close[k] != shocked.Close[k] {
			first = data.FormatDay(base.Time[k])
			break
		}
	}
	if first == "" || first != day {
		t.Errorf("the random jump is recorded as %q, its first moved close is on %q", drawnText, first)
	}
}

// An inline [[scenario]] listed by name in scenarios (which names the
// library's scenarios and scenario files) is refused saying that it runs
// without being listed, not as an unknown scenario of the library.
func TestInlineScenarioListedByName(t *testing.T) {
	f, err := Parse("x.toml", `name = "x"
start = "2019-03-01"
end = "2019-06-01"
scenarios = ["late"]
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
[[scenario]]
name = "late"
[[scenario.shock]]
type = "jump"
symbols = ["BTC"]
day = 5
move = -0.1
`)
	if err == nil {
		_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	}
	want := `scenarios[0] = "late": that is the name of an inline [[scenario]] table, which runs without being listed`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
}
