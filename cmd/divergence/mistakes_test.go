package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A mistyped flag is one line naming it as the README writes it, and the
// flag likely meant, or the flags the command has; it was the flag
// package's "flag provided but not defined: -otu", a screenful of usage,
// and the same line again.
func TestFlagMistakes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "x.toml", "--otu", "o"}, "run: unknown flag --otu (did you mean --out? divergence run --help lists its flags)"},
		{[]string{"stress", "x.toml", "--wokers", "2"}, "stress: unknown flag --wokers (did you mean --workers?"},
		{[]string{"run", "x.toml", "--max-mem", "1G"}, "run: unknown flag --max-mem (did you mean --max-memory?"},
		{[]string{"run", "x.toml", "-no_db"}, "run: unknown flag --no_db (did you mean --no-db?"},
		// A flag of run given to a command that has no such flag: the
		// command's own flags, as its definitions list them, sorted.
		{[]string{"merge", "out", "shards", "--timings"}, "merge: unknown flag --timings (its flags: --charts, --csv, --experiment, --no-db, --no-report, --quiet, --sort, --top, --wait, --workers)"},
		{[]string{"report", "res", "--no-db"}, "report: unknown flag --no-db (its flags: --out, --wait)"},
		{[]string{"compare", "res", "--workers", "2"}, "compare: unknown flag --workers (its flags: --align, --by, --out, --runs, --top, --wait)"},
		{[]string{"strategies", "--all"}, "strategies: unknown flag --all (it takes no flags)"},
		// scenarios' subcommands had no flag parser: --x was taken for a
		// scenario's name (show: "want one scenario name").
		{[]string{"scenarios", "show", "--x", "ai-bubble-burst"}, "scenarios show: unknown flag --x (it takes no flags)"},
		{[]string{"scenarios", "list", "--all"}, "scenarios list: unknown flag --all (it takes no flags)"},
		{[]string{"run", "x.toml", "--out"}, "run: --out needs a value"},
		// -h last asks for help, and is no value: --out has none, as
		// above (the flag package took it for the value, and the run
		// went ahead into a folder named -h).
		{[]string{"run", "x.toml", "--out", "-h"}, "run: --out needs a value"},
		{[]string{"metrics", "r.csv", "--column", "--help"}, "metrics: --column needs a value"},
		{[]string{"run", "x.toml", "--workers", "two"}, `run: invalid value "two" for --workers: `},
		{[]string{"run", "x.toml", "--quiet=maybe"}, `run: invalid boolean value "maybe" for --quiet: `},
		{[]string{"data", "synth", "--seed", "-1"}, `data synth: invalid value "-1" for --seed: `},
		// A flag given twice with two values: the first was dropped.
		{[]string{"metrics", "r.csv", "--benchmark", "SPY", "--benchmark", "QQQ"}, "metrics: --benchmark given 2 times (SPY, QQQ): give it once"},
		{[]string{"compare", "a", "--runs", "k1", "b", "--runs=k2"}, "compare: --runs given 2 times (k1, k2): give it once"},
		{[]string{"run", "x.toml", "--out", "a", "--out", "b", "--out", "a"}, "run: --out given 3 times (a, b, a): give it once"},
		// The metrics a run ranks by, listed as a sentence lists them
		// (they were Go's print of a slice: "(known: [total_return cagr …])").
		{[]string{"run", "x.toml", "--sort", "alpha"}, `run: --sort: unknown metric "alpha" (known: total_return, cagr, annual_volatility, sharpe, sortino, max_drawdown, calmar, final_equity)`},
		{[]string{"compare", "a", "--by", "alpha"}, `compare: --by: unknown metric "alpha" (known: total_return, cagr, annual_volatility, sharpe, sortino, max_drawdown, calmar, final_equity)`},
		// Every error of a command names it first, as the flag
		// package's errors of it do (these had no prefix).
		{[]string{"run", "x.toml", "--workers", "-3"}, "run: --workers = -3: want 0 (all cores) or more"},
		{[]string{"stress", "x.toml", "--max-memory", "lots"}, `stress: --max-memory: "lots": want a size`},
		{[]string{"data", "synth", "--interval", "1h", "--days", "0"}, "data synth: --days = 0: want 1 to "},
	} {
		stdout, stderr, err := cli(t, tc.args...)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want %q", tc.args, err, tc.want)
		}
		if stdout != "" || stderr != "" {
			t.Errorf("%v: stdout %q, stderr %q: want the error alone", tc.args, stdout, stderr)
		}
	}
	// The same value twice is one value; the command goes on (to the
	// missing file).
	_, _, err := cli(t, "run", "missing.toml", "--quiet", "--quiet", "--out", "o", "--out=o")
	if err == nil || strings.Contains(err.Error(), "given") || !strings.Contains(err.Error(), "missing.toml") {
		t.Errorf("run with a flag repeated with its value: %v", err)
	}
	// The help still names each flag's type (the flags' own values, not
	// the ones parse counts with) and asks for no second look.
	help, stderr, err := cli(t, "run", "x.toml", "--out", "o", "--help")
	if !errors.Is(err, flag.ErrHelp) || stderr != "" || !strings.Contains(help, "-workers int") || !strings.Contains(help, "-out string") {
		t.Errorf("run --help after flags: %v, stderr %q\n%s", err, stderr, help)
	}
	// After a switch, which takes no value, -h is the help still.
	if help, _, err := cli(t, "run", "x.toml", "--quiet", "-h"); !errors.Is(err, flag.ErrHelp) || !strings.Contains(help, "Usage: divergence run") {
		t.Errorf("run --quiet -h: %v\n%s", err, help)
	}
}

// A mistyped command names the one likely meant; an argument a command
// would ignore is refused.
func TestCommandMistakes(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"runn", "x.toml"}, `unknown command "runn": did you mean run?`},
		{[]string{"strss", "x.toml"}, `unknown command "strss": did you mean stress?`},
		{[]string{"comapre", "a", "b"}, `unknown command "comapre": did you mean compare?`},
		{[]string{"scenario", "list"}, `unknown command "scenario": did you mean scenarios?`},
		{[]string{"backtest", "x.toml"}, `unknown command "backtest"`},
		{[]string{"data", "imprt", "f.csv"}, `data: unknown subcommand "imprt": did you mean data import?`},
		{[]string{"scenarios", "lst"}, `scenarios: unknown subcommand "lst": did you mean scenarios list?`},
		{[]string{"scenarios", "shwo", "ai-bubble-burst"}, `scenarios: unknown subcommand "shwo": did you mean scenarios show?`},
		{[]string{"scenarios", "replay"}, `scenarios: unknown subcommand "replay": want list or show NAME`},
		// data synth DIR wrote the market to synthetic-market.
		{[]string{"data", "synth", "mine"}, `data synth: takes no argument, got "mine" (the folder is given by --out)`},
		{[]string{"data", "list", "cat.duckdb"}, `data list: takes no argument, got "cat.duckdb" (the catalog is given by --catalog)`},
		{[]string{"version", "x"}, `version: takes no argument, got "x"`},
		// merge given OUT alone said "got 1 arguments".
		{[]string{"merge", "out"}, "merge: want OUT and at least one shard folder (or a folder of shard folders), got only OUT, out"},
	} {
		_, _, err := cli(t, tc.args...)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%v: err %v, want %q", tc.args, err, tc.want)
		}
	}
	if _, _, err := cli(t, "backtest"); err != nil && strings.Contains(err.Error(), "did you mean") {
		t.Errorf("backtest: %v: nothing is near it", err)
	}
	if ents, _ := os.ReadDir("."); len(ents) > 0 {
		t.Errorf("the refused commands wrote %v", ents)
	}
	// -version as --version (Go's flags take one dash or two).
	if out, _, err := cli(t, "-version"); err != nil || out != "divergence "+version+"\n" {
		t.Errorf("-version: %v %q", err, out)
	}
}

// Every flag of a command is in its --help synopsis and on its line of
// the README's Commands (but for metrics and data import, whose lines end
// in "…" and "[flags]", and stress, which has run's): data list's --wait
// and merge's flags were in neither.
func TestSynopsesListEveryFlag(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := string(readme)
	block = block[strings.Index(block, "## Commands"):]
	block = block[strings.Index(block, "```\n")+4:]
	block = block[:strings.Index(block, "\n```\n")]
	flagLine := regexp.MustCompile(`(?m)^  --([a-z][a-z-]*)`)
	for _, cmd := range [][]string{{"run"}, {"stress"}, {"merge"}, {"report"}, {"db"}, {"compare"}, {"data", "list"}, {"data", "synth"}} {
		help, _, _ := cli(t, append(cmd, "--help")...)
		synopsis, _, _ := strings.Cut(help, "\n")
		// The command's lines of the README: its own and the indented
		// ones that continue it.
		var lines []string
		in := false
		for _, l := range strings.Split(block, "\n") {
			switch {
			case strings.HasPrefix(l, "divergence "+strings.Join(cmd, " ")+" "):
				in = true
			case !strings.HasPrefix(l, " "):
				in = false
			}
			if in {
				lines = append(lines, l)
			}
		}
		readmeLines := strings.Join(lines, "\n")
		if readmeLines == "" {
			t.Fatalf("README lists no divergence %s", strings.Join(cmd, " "))
		}
		for _, m := range flagLine.FindAllStringSubmatch(help, -1) {
			f := "--" + m[1]
			if !strings.Contains(synopsis, f+" ") && !strings.Contains(synopsis, f+"]") {
				t.Errorf("%v: the synopsis lacks %s: %s", cmd, f, synopsis)
			}
			if cmd[0] != "stress" && !strings.Contains(readmeLines, f+" ") && !strings.Contains(readmeLines, f+"]") {
				t.Errorf("%v: the README lacks %s:\n%s", cmd, f, readmeLines)
			}
		}
	}
}

// compare's errors begin "compare:" as its siblings' begin with their
// names; they began "report: compare:" (and "report:" for a folder it
// could not read), the prefix of the package that draws the comparison.
func TestCompareErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.Mkdir("empty", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"compare", "nosuch", "--out", "c.png"}, "compare: nosuch: no such folder: "},
		{[]string{"compare", "empty", "--out", "c.png"}, "compare: empty is not an experiment folder: no manifest.json ("},
		{[]string{"compare", "empty", "empty/", "--out", "c.png"}, "compare: empty and empty/ are the same folder"},
		{[]string{"compare", "empty", "--out", "c.txt"}, "compare: c.txt: want a .png, .svg or .csv file"},
		{[]string{"compare", "empty", "--by", "alpha"}, `compare: --by: unknown metric "alpha" (known: `},
		{[]string{"compare", "empty", "--align", "both"}, `compare: --align "both": want common or none`},
		// An empty key or path (a trailing comma) said as such, not as a
		// run "" found nowhere or a file ":" of no known kind; one file
		// given twice was written twice and listed twice.
		{[]string{"compare", "empty", "--runs", "a,", "--out", "c.png"}, `compare: --runs "a,": an empty key`},
		{[]string{"compare", "empty", "--runs", "a,,b", "--out", "c.png"}, `compare: --runs "a,,b": an empty key`},
		{[]string{"compare", "empty", "--out", "c.png,"}, `compare: --out "c.png,": an empty path`},
		{[]string{"compare", "empty", "--out", "c.png,./c.png"}, `compare: --out "c.png,./c.png": c.png and ./c.png are the same file`},
	} {
		_, _, err := cli(t, tc.args...)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want %q", tc.args, err, tc.want)
		}
	}
	// The error under the message is kept (main tells a stop by it).
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run(ctx, []string{"compare", "empty", "--out", "c.png"}, io.Discard, io.Discard); !errors.Is(err, context.Canceled) {
		t.Errorf("compare stopped: %v: want context.Canceled under it", err)
	}
	if ents, _ := os.ReadDir("."); len(ents) != 1 {
		t.Errorf("the refused comparisons wrote %v", ents)
	}
}

// A flag given where a value belongs leaves the flag before it without
// one: the flag package took the flag for the value (run x.toml --out
// --quiet ran into a folder named --quiet, and --workers --out said only
// that "--out" is no number). The word is a flag when it names one of
// the command's flags or of any other command's (report's --out is no
// file named --no-db); a negative number is a value, as is a word given
// with = (--out=--quiet).
func TestFlagAsValue(t *testing.T) {
	small, err := filepath.Abs("../../experiment/testdata/small.toml")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", small, "--no-report", "--out", "--quiet"}, "run: --out needs a value (--quiet is a flag)"},
		{[]string{"run", small, "--no-report", "--out", "-quiet"}, "run: --out needs a value (-quiet is a flag)"},
		{[]string{"run", small, "--no-report", "--out", "--top=5"}, "run: --out needs a value (--top=5 is a flag)"},
		{[]string{"run", "x.toml", "--workers", "--out", "o"}, "run: --workers needs a value (--out is a flag)"},
		{[]string{"stress", "x.toml", "--sort", "--workers", "2"}, "stress: --sort needs a value (--workers is a flag)"},
		{[]string{"stress", "x.toml", "--max-memory", "--force"}, "stress: --max-memory needs a value (--force is a flag)"},
		{[]string{"merge", "out", "shards", "--experiment", "--no-db"}, "merge: --experiment needs a value (--no-db is a flag)"},
		{[]string{"metrics", "r.csv", "--benchmark", "--workers", "2"}, "metrics: --benchmark needs a value (--workers is a flag)"},
		{[]string{"metrics", "r.csv", "--threshold", "--mar", "0.1"}, "metrics: --threshold needs a value (--mar is a flag)"},
		{[]string{"report", "res", "--out", "--no-db"}, "report: --out needs a value (--no-db is a flag)"},
		{[]string{"compare", "a", "b", "--top", "--by", "cagr"}, "compare: --top needs a value (--by is a flag)"},
		{[]string{"data", "import", "f.csv", "--symbol", "--class", "equity"}, "data import: --symbol needs a value (--class is a flag)"},
		{[]string{"data", "list", "--catalog", "--wait", "1s"}, "data list: --catalog needs a value (--wait is a flag)"},
		{[]string{"data", "synth", "--out", "--force"}, "data synth: --out needs a value (--force is a flag)"},
	} {
		stdout, stderr, err := cli(t, tc.args...)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%v: err %v, want %q", tc.args, err, tc.want)
		}
		if stdout != "" || stderr != "" {
			t.Errorf("%v: stdout %q, stderr %q: want the error alone", tc.args, stdout, stderr)
		}
	}
	if ents, _ := os.ReadDir("."); len(ents) > 0 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("the refused commands wrote %v", names)
	}
	// A negative number is a value: the commands go on to the missing
	// file, or to the number's own check (data synth's seed is unsigned,
	// a year has more than 0 periods).
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"metrics", "missing.csv", "--threshold", "-0.5", "--risk-free", "-0.01", "--sterling-excess", "-0.1"}, "missing.csv"},
		{[]string{"metrics", "missing.csv", "--periods-per-year", "-1"}, "--periods-per-year = -1: want > 0"},
		{[]string{"data", "synth", "--seed", "-1"}, `data synth: invalid value "-1" for --seed: `},
		{[]string{"run", "missing.toml", "--out=--quiet"}, "missing.toml"},
	} {
		_, _, err := cli(t, tc.args...)
		if err == nil || strings.Contains(err.Error(), "needs a value") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want it to mention %q", tc.args, err, tc.want)
		}
	}
}

// knownFlags holds every flag of every command, as their help lists
// them, and no other (scenarios' subcommands take none).
func TestKnownFlags(t *testing.T) {
	flagLine := regexp.MustCompile(`(?m)^  --([a-z][a-z-]*)`)
	seen := map[string]bool{}
	for _, cmd := range [][]string{{"run"}, {"stress"}, {"merge"}, {"report"}, {"db"}, {"compare"}, {"metrics"},
		{"data", "import"}, {"data", "list"}, {"data", "synth"}, {"strategies"}, {"version"}} {
		help, _, err := cli(t, append(cmd, "--help")...)
		if !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("%v --help: %v", cmd, err)
		}
		for _, m := range flagLine.FindAllStringSubmatch(help, -1) {
			seen[m[1]] = true
			if !slices.Contains(knownFlags, m[1]) {
				t.Errorf("%v: --%s is not in knownFlags", cmd, m[1])
			}
		}
	}
	for _, f := range knownFlags {
		if !seen[f] {
			t.Errorf("knownFlags has --%s, which no command takes", f)
		}
	}
}

// A newcomer's first experiment files, through `divergence run`: each
// mistake is refused before any work with an error that names the file,
// the key or value, and what to write instead.
func TestExperimentFileMistakes(t *testing.T) {
	t.Setenv(envData, "")
	dir := t.TempDir()
	prices := filepath.Join(dir, "prices")
	if err := os.Mkdir(prices, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"NVDA.csv", "FET-USD.csv", "QQQ.csv"} {
		if err := os.WriteFile(filepath.Join(prices, name), []byte("date,close\n2024-01-02,1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const data = "[data]\ndir = \"prices\"\n"
	const pair = "[[strategy]]\nname = \"h\"\ntype = \"pair-hedge\"\n[strategy.params]\nlong = [\"NVDA\"]\nshort = [\"FET\"]\n"
	for _, tc := range []struct{ name, text, want string }{
		{"misspelt key", "name = \"m\"\ncomission_bps = 10\n" + data + pair, "m.toml: unknown key comission_bps (did you mean commission_bps? known: "},
		{"key below [data]", "name = \"m\"\n" + data + "commission_bps = 10\n" + pair, "m.toml: unknown key data.commission_bps (known: "},
		{"key below [data], the hint", "name = \"m\"\n" + data + "commission_bps = 10\n" + pair, "commission_bps is a key of the file's top level, not of [data]: "},
		{"benchmarks at the end", "name = \"m\"\n" + data + pair + "benchmarks = [\"QQQ\"]\n", "params: unknown key benchmarks (known: "},
		{"date with slashes", "name = \"m\"\nstart = 2023/01/01\n" + data + pair, `m.toml: toml: line 2: expected a top-level item to end with a newline, comment, or EOF, but got '/' instead (write a date as YYYY-MM-DD, such as 2023-01-01 or "2023-01-01")`},
		{"date with slashes, quoted", "name = \"m\"\nstart = \"2023/01/01\"\n" + data + pair, `m.toml: start = "2023/01/01": want a date YYYY-MM-DD`},
		{"weight as a percentage", "name = \"m\"\n" + data + "[[strategy]]\nname = \"w\"\ntype = \"weights\"\n[strategy.params]\nweights = { NVDA = \"60%\" }\n", `weights.NVDA = "60%": want a number (a percentage is written as a fraction, unquoted: 0.6 for "60%")`},
		{"symbol not in the data", "name = \"m\"\n" + data + strings.Replace(pair, `"NVDA"`, `"NVIDIA"`, 1), `no price file for symbol "NVIDIA" in ` + filepath.Join(dir, "prices") + ` (tried [NVIDIA.csv `},
		{"symbol not in the data, the hint", "name = \"m\"\n" + data + strings.Replace(pair, `"NVDA"`, `"NVIDIA"`, 1), `; did you mean "NVDA" (NVDA.csv)?`},
		{"symbol in lower case", "name = \"m\"\n" + data + strings.Replace(pair, `"FET"`, `"fet"`, 1), `symbol "fet" in strategy "h"'s params: the data name it "FET" (upper case, without a quote currency): write "FET"`},
		{"strategy type misspelt", "name = \"m\"\n" + data + strings.Replace(pair, "pair-hedge", "pair-hegde", 1), `unknown strategy type "pair-hegde" (did you mean pair-hedge? known: `},
		{"parameter of the wrong type", "name = \"m\"\n" + data + pair + "rebalance_days = \"7\"\n", `rebalance_days = "7": want a whole number (write it unquoted: 7, not "7")`},
		{"no [data]", "name = \"m\"\n" + pair, `m.toml: data: no source of bars: add a [data] table with dir = "…"`},
		{"sweep of an unknown parameter", "name = \"m\"\n" + data + pair + "[strategy.sweep]\nlookbak = [20, 60]\n", "lookbak is swept in strategy[0].sweep: "},
		{"scenario misspelt", "name = \"m\"\nscenarios = [\"ai-buble-burst\"]\n" + data + pair, `unknown scenario "ai-buble-burst" (did you mean ai-bubble-burst? built in: `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "m.toml")
			if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out")
			_, _, err := cli(t, "run", path, "--out", out, "--quiet")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant it to contain %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(out, "m")); err == nil {
				t.Errorf("%s written: want no results before the file is right", filepath.Join(out, "m"))
			}
		})
	}
}
