package experiment

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// A [montecarlo] shock that changes no path left shocked_paths at 0
// without a word, while the chart's caption said "shock … injected". Its
// scenario here jumps ZZZ, which the experiment (BTC alone) has not:
// drawn on every path (shock_probability = 1), it changes none. The run
// now says so in a note, and the caption says the shock changed none of
// the 4 paths; aimed at BTC, it changes all 4 and no note is given.
func TestMonteCarloShockThatChangesNoPath(t *testing.T) {
	for _, tc := range []struct {
		name, symbol string
		shocked      int
		wantNote     bool
		wantCaption  string
	}{
		{"absent instrument", "ZZZ", 0, true, "shock jump.toml changed none of the 4 paths"},
		{"present instrument", "BTC", 4, false, "shock jump.toml changed 4 of 4 paths"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			scen := "name = \"jump\"\n[groups]\ng = [\"" + tc.symbol + "\"]\n[[shock]]\ntype = \"jump\"\ngroups = [\"g\"]\nday = 0\nmove = -0.5\n"
			if err := os.WriteFile(filepath.Join(dir, "jump.toml"), []byte(scen), 0o644); err != nil {
				t.Fatal(err)
			}
			text := `name = "mc"
start = "2019-06-01"
end = "2021-06-01"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
[montecarlo]
paths = 4
days = 30
warmup_days = 0
shock = "jump.toml"
shock_probability = 1.0
`
			exp := filepath.Join(dir, "mc.toml")
			if err := os.WriteFile(exp, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Load(exp)
			if err != nil {
				t.Fatal(err)
			}
			o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, s := range o.MonteCarlo[0].Shocked {
				if s {
					n++
				}
			}
			if n != tc.shocked {
				t.Fatalf("%d of 4 paths shocked, want %d", n, tc.shocked)
			}
			noted := false
			for _, note := range o.Notes {
				if strings.Contains(note, `montecarlo.shock = "jump.toml" changed none of the 4 paths`) {
					noted = true
				}
			}
			if noted != tc.wantNote {
				t.Errorf("noted %v, want %v; notes:\n%s", noted, tc.wantNote, strings.Join(o.Notes, "\n"))
			}
			svg, err := os.ReadFile(filepath.Join(o.Dir, "montecarlo.svg"))
			if err != nil {
				t.Fatal(err)
			}
			// The caption is wrapped over lines: the words of its text
			// nodes, joined by one space.
			var words []string
			for _, m := range regexp.MustCompile(`>([^<]+)<`).FindAllStringSubmatch(string(svg), -1) {
				words = append(words, strings.Fields(m[1])...)
			}
			if !strings.Contains(strings.Join(words, " "), tc.wantCaption) {
				t.Errorf("montecarlo.svg's caption does not say %q: %q", tc.wantCaption, strings.Join(words, " "))
			}
		})
	}
}

// The note is decided over all the paths, where the run or the merge of
// its shards knows them: a shard's range of paths may hold none shocked
// by chance. Seed 4, 40 paths, shock_probability 0.2: shard 0/2 holds
// paths 0 to 4 (its manifest), none of them shocked; paths 7, 8, 9, 20
// and 21 are. The merge gives no note, as the run on one machine does
// not, and its caption counts the paths shocked of the 40.
func TestMonteCarloShockNoteOverShards(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an experiment and its two shards")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "jump.toml"), []byte("name = \"jump\"\n[groups]\ng = [\"BTC\"]\n[[shock]]\ntype = \"jump\"\ngroups = [\"g\"]\nday = 0\nmove = -0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	text := `name = "mc"
seed = 4
start = "2019-06-01"
end = "2021-06-01"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
[montecarlo]
paths = 40
days = 30
warmup_days = 0
shock = "jump.toml"
shock_probability = 0.2
`
	path := filepath.Join(dir, "mc.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	one, err := Run(ctx, f, Options{Out: filepath.Join(dir, "one"), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	total := shockedPaths(one.MonteCarlo[0].Shocked)
	shards := filepath.Join(dir, "shards")
	for i := range 2 {
		if _, err := Run(ctx, f, Options{Out: shards, Workers: 1, Shard: &Shard{Index: i, Count: 2, Source: "test"}}); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		m, err := ReadShardManifest(filepath.Join(shards, Shard{Index: i, Count: 2}.Name(results.Slug(f.Name))))
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 && (m.Paths[1] <= m.Paths[0] || shockedPaths(one.MonteCarlo[0].Shocked[m.Paths[0]:m.Paths[1]]) != 0 || total == 0) {
			t.Fatalf("shard 0 holds paths %v, %d of the %d shocked paths: want a shard of paths none shocked, and some shocked", m.Paths, shockedPaths(one.MonteCarlo[0].Shocked[m.Paths[0]:m.Paths[1]]), total)
		}
	}
	dirs, err := ShardDirs([]string{shards})
	if err != nil {
		t.Fatal(err)
	}
	merged, err := Merge(ctx, f, dirs, Options{Out: filepath.Join(dir, "merged"), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []*Outcome{one, merged} {
		for _, note := range o.Notes {
			if strings.Contains(note, "changed none") {
				t.Errorf("%s: note %q, with %d of 40 paths shocked", o.Dir, note, total)
			}
		}
	}
	if got := shockedPaths(merged.MonteCarlo[0].Shocked); got != total {
		t.Errorf("merged: %d paths shocked, the run on one machine %d", got, total)
	}
	a, err := os.ReadFile(filepath.Join(one.Dir, "montecarlo.svg"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(merged.Dir, "montecarlo.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("the merge's montecarlo.svg is not the run's")
	}
}

// monteCarloShockNotes, by hand: 4 paths, none shocked, each drawing the
// shock with probability 0.25: none drawn with chance 0.75^4 = 0.31640625
// (0.316); one path shocked of 4, or no shock set: no note.
func TestMonteCarloShockNotes(t *testing.T) {
	spec := &MonteCarloSpec{Paths: 4, Shock: "s.toml"}
	for _, tc := range []struct {
		name    string
		spec    *MonteCarloSpec
		shocked []bool
		prob    float64
		want    string // "" for no note
	}{
		{"none shocked", spec, []bool{false, false, false, false}, 0.25, "none of 4 with chance 0.316."},
		{"none shocked, probability unknown", spec, []bool{false, false, false, false}, 0, "changed none of the 4 paths: shocked_paths is 0 and every path's figures are unshocked. A drawn"},
		{"one shocked", spec, []bool{false, false, true, false}, 0.25, ""},
		{"no shock", &MonteCarloSpec{Paths: 4}, []bool{false, false, false, false}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			notes := monteCarloShockNotes(tc.spec, []MonteCarloResult{{Shocked: tc.shocked}, {Shocked: tc.shocked}}, tc.prob)
			switch {
			case tc.want == "" && len(notes) != 0:
				t.Errorf("notes %q, want none", notes)
			case tc.want != "" && (len(notes) != 1 || !strings.Contains(notes[0], tc.want)):
				t.Errorf("notes %q, want one saying %q", notes, tc.want)
			}
		})
	}
}
