package experiment

import (
	"strings"
	"testing"
)

// The members of a group of the experiment's own [groups] that the data
// lacks are named in a note when a scenario's shock targets the group: the
// shock skips them, so a mistyped symbol would be left unshocked without
// a word. The built-in groups (ai_tech names GOOGL, AMZN, CRWV, which the
// synthetic market has not) and a group no shock targets ("fine": TAO is
// not loaded, no run holds it) say nothing.
func TestGroupNotes(t *testing.T) {
	text := `name = "groups"
seed = 3
start = "2021-01-01"
end = "2022-01-01"
[data]
synthetic = true
[groups]
mine = ["NVDIA", "AMD", "XX"]
fine = ["AMD", "TAO"]
[[strategy]]
name = "bh"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "AMD"]
[[scenario]]
name = "s"
[[scenario.shock]]
type = "jump"
groups = ["mine", "ai_tech"]
day = 10
move = -0.3
`
	o, err := runIn(t, t.TempDir(), text)
	if err != nil {
		t.Fatal(err)
	}
	var hits []string
	for _, n := range o.Notes {
		if strings.HasPrefix(n, "groups.") {
			hits = append(hits, n)
		}
	}
	want := "groups.mine names NVDIA, XX, not among the instruments loaded: the scenarios' shocks on the group leave them out"
	if len(hits) != 1 || hits[0] != want {
		t.Errorf("group notes %q, want only %q", hits, want)
	}
}

// A member of the experiment's own [groups] spelt otherwise than the data
// name every instrument (upper case, no quote currency) can match no
// instrument: it is refused, naming the group, the member and the
// spelling to write, as a strategy's symbol is. It was a note only, and
// the scenario's shock on the group moved nothing ("amd" beside the
// loaded AMD).
func TestGroupMemberSpelling(t *testing.T) {
	for _, c := range []struct {
		member, want string
	}{
		{`"amd"`, `groups.mine[1] = "amd": the data name it "AMD"`},
		{`"AMD-USD"`, `groups.mine[1] = "AMD-USD": the data name it "AMD"`},
		{`" AMD"`, `groups.mine[1] = " AMD": white space around the symbol`},
		{`""`, `groups.mine[1] = "": an empty symbol`},
	} {
		t.Run(c.member, func(t *testing.T) {
			_, err := Parse("g.toml", `name = "groups"
[data]
synthetic = true
[groups]
mine = ["NVDA", `+c.member+`]
[[strategy]]
name = "bh"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "AMD"]
`)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Parse: %v, want %q", err, c.want)
			}
		})
	}
}
