//go:build duckdb_arrow

package report

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/strategies"
)

// TestRunsFilterColumnNamesInBrowser: a swept parameter keeps its name
// as the experiment file spells it, any character a TOML key may hold:
// "z-Entry" (a strategy of the program's user) is the column
// param_z-Entry. The runs filter takes a condition on it typed in any
// case (param_z-entry>=2 keeps 1 of the 2 runs); the column's pattern
// took only letters, digits and _, so the term was searched as text and
// no run was left. A run's key (z--z-Entry=2) is still found as text.
func TestRunsFilterColumnNamesInBrowser(t *testing.T) {
	if chromium() == "" {
		t.Skip("chromium not installed: apt-get install chromium (Debian's package); .ci/run installs it")
	}
	if testing.Short() {
		t.Skip("runs an experiment and a browser")
	}
	reg := strategies.Builtins()
	reg["z"] = strategies.Factory{Name: "z", Doc: "buy-and-hold, with a parameter of its own", New: func(p strategies.Params) (engine.Strategy, error) {
		q := strategies.Params{}
		for k, v := range p {
			if k != "z-Entry" {
				q[k] = v
			}
		}
		return strategies.NewBuyAndHold(q)
	}}
	toml := filepath.Join(t.TempDir(), "z.toml")
	if err := os.WriteFile(toml, []byte(`name = "z"
seed = 1
cash = 100_000.0
start = "2021-01-01"
end = "2021-07-01"
[data]
synthetic = true
[[strategy]]
name = "z"
type = "z"
[strategy.params]
symbols = ["BTC"]
[strategy.sweep]
"z-Entry" = [1, 2]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := experiment.Load(toml)
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Strategies: reg, Out: t.TempDir(), Workers: 1, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), o.Dir); err != nil {
		t.Fatal(err)
	}
	page, _ := filepath.Abs(filepath.Join(o.Dir, ReportFile))
	ctx, url, problems, requests := openReport(t, page)
	for _, c := range []struct{ filter, want string }{
		{"param_z-entry>=2", "1 of 2 runs"},
		{"PARAM_Z-ENTRY < 2", "1 of 2 runs"},
		{"param_z-Entry>0", "2 of 2 runs"},
		{"z--z-Entry=2", "1 of 2 runs"},
		{"param_z-entry>5", "0 of 2 runs"},
	} {
		t.Run(c.filter, func(t *testing.T) {
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
				const box = document.querySelector('input[data-filter="runs-table"]');
				box.value = `+"`"+c.filter+"`"+`; box.dispatchEvent(new Event('input'));
				return document.querySelector('[data-count="runs-table"]').textContent;
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("filter %q: %q, want %q", c.filter, got, c.want)
			}
		})
	}
	checkQuiet(t, url, problems, requests)
}
