package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/duckdb"
	"github.com/divergence-research/divergence/data/synth"
)

const dataUsage = `Usage:
  divergence data import FILE... [--symbol S] [--class equity|crypto] [--start DATE] [--end DATE] [--timezone TZ] [--date-format F] [--on-bad-row fail|skip|clip] [--catalog PATH] [--wait [D]]
  divergence data import --table PATH|GLOB|DIR [--duckdb DB] [--query SQL] [--symbols A,B] [--class equity|crypto] [--columns time=c,...]
                         [--start DATE] [--end DATE] [--bar 1h] [--timezone TZ] [--date-format F] [--on-bad-row P] [--catalog PATH]
  divergence data list [--catalog PATH] [--wait [D]]
  divergence data synth [--seed N] [--out DIR] [--force]
  divergence data synth --interval 1m|5m|15m|1h|4h --days N --instruments K [--seed N] [--out DIR] [--layout table|files] [--force]
`

// cmdData runs a data subcommand. errOut takes the usage of an unknown
// subcommand: stderr, even when a help was asked (help data nosuch) and
// stderr is stdout.
func cmdData(ctx context.Context, args []string, stdout, stderr, errOut io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, dataUsage)
		return fmt.Errorf("data: want import, list or synth")
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		fmt.Fprint(stdout, dataUsage)
		return nil
	case "import":
		return cmdImport(ctx, args[1:], stdout, stderr)
	case "list":
		fs := newFlags("data list", "data list [--catalog PATH] [--wait [D]]", stderr)
		catalog := fs.String("catalog", defaultCatalog(), "catalog file ($DIVERGENCE_CATALOG)")
		wait := addWait(fs, waitFlag{d: duckdb.DefaultCatalogWait}, "how long to wait for another process (an import) that holds the catalog: a duration, nothing (as long as it takes) or 0 (not at all)")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) > 0 {
			return fmt.Errorf("data list: takes no argument, got %q (the catalog is given by --catalog)", pos[0])
		}
		if _, err := os.Stat(*catalog); err != nil {
			return fmt.Errorf("data list: %w (import files first: divergence data import FILE...)", err)
		}
		opt := catalogWait(wait, stderr)
		opt.ReadOnly = true // beside runs and other lists reading it
		cat, err := duckdb.OpenCatalogWith(ctx, *catalog, opt)
		if err != nil {
			return err
		}
		defer cat.Close()
		entries, err := cat.List(ctx)
		if err != nil {
			return err
		}
		return printEntries(stdout, entries)
	case "synth":
		return cmdSynth(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprint(errOut, dataUsage)
	if m := closest(args[0], []string{"import", "list", "synth"}); m != "" {
		return fmt.Errorf("data: unknown subcommand %q: did you mean data %s?", args[0], m)
	}
	return fmt.Errorf("data: unknown subcommand %q", args[0])
}

// catalogWait is how the data commands wait for a catalog another process
// holds (--wait): as long as it takes, up to a duration, or not at all,
// saying so on stderr.
func catalogWait(wait *waitFlag, stderr io.Writer) duckdb.CatalogOptions {
	d := wait.d
	switch {
	case wait.forever:
		d = duckdb.WaitForever
	case d <= 0:
		d = -1
	}
	return duckdb.CatalogOptions{Wait: d, Waiting: func(msg string) { fmt.Fprintln(stderr, "divergence:", msg) }}
}

func printEntries(w io.Writer, entries []duckdb.Entry) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "symbol\tclass\tfirst\tlast\trows\tsource")
	for _, e := range entries {
		src := e.Source
		if e.Synthetic {
			src += " (SYNTHETIC)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", e.Symbol, e.Class, stamp(e.First, e.Last), stamp(e.Last, e.First), e.Rows, src)
	}
	return tw.Flush()
}

const importSynopsis = "data import FILE... | --table PATH|GLOB|DIR | --duckdb DB --table T | --query SQL [flags]"

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("data import", importSynopsis, stderr)
	symbol := fs.String("symbol", "", "instrument symbol (one file only; default: from the file name)")
	class := fs.String("class", "", "asset class, equity or crypto, of every instrument imported (default: guessed from each symbol)")
	catalog := fs.String("catalog", defaultCatalog(), "catalog file ($DIVERGENCE_CATALOG)")
	tz := fs.String("timezone", "", "IANA time zone of timestamps written without an offset, e.g. America/New_York (default UTC)")
	dateFormat := fs.String("date-format", "", "order of slash dates when the file cannot tell: MM/DD/YYYY or DD/MM/YYYY")
	table := fs.String("table", "", "one-table dataset with a symbol column: Parquet/CSV/Arrow file, glob, hive folder; or a table of --duckdb (a CSV is first copied to a temporary Parquet file in $TMPDIR, about a third of its size)")
	duck := fs.String("duckdb", "", "DuckDB database file (opened read-only) holding --table or queried by --query")
	query := fs.String("query", "", "DuckDB query returning the bars (time, symbol, open, high, low, close, volume)")
	symbols := fs.String("symbols", "", "comma-separated symbols to import from a table or query (default: all)")
	columns := fs.String("columns", "", "column renames, e.g. time=open_time,symbol=ticker,close=px_last")
	start := fs.String("start", "", "first date (YYYY-MM-DD, 00:00 UTC) or instant (RFC 3339 with Z or an offset: 2025-01-02T14:30:00Z) to import, from files or a table or query; a file is still read and checked whole, and its bars keep the whole file's interval")
	end := fs.String("end", "", "date or instant before which to import (exclusive), from files or a table or query")
	bar := fs.String("bar", "", "resample a table or query to 1m, 5m, 15m, 1h, 4h or 1d bars")
	wait := addWait(fs, waitFlag{d: duckdb.DefaultCatalogWait}, "how long to wait for another process that holds the catalog: a duration, nothing (as long as it takes) or 0 (not at all)")
	onBadRow := fs.String("on-bad-row", "fail", "a bar whose open/high/low/close contradict each other: fail (refuse the file), skip it, or clip (widen high/low to include open and close); NaN, duplicate and unparsable rows always fail")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	df, err := data.ParseDateFormat(*dateFormat)
	if err != nil {
		return fmt.Errorf("--date-format: %w", err)
	}
	badRow, err := data.ParseBadRowPolicy(*onBadRow)
	if err != nil {
		return fmt.Errorf("--on-bad-row: %w", err)
	}
	if _, err := data.LoadTimezone(*tz); err != nil {
		return fmt.Errorf("--timezone: %w", err)
	}
	var cls data.Class
	if *class != "" {
		if cls, err = data.ParseClass(*class); err != nil {
			return fmt.Errorf("--class: %w", err)
		}
	}
	fromSource := *table != "" || *query != "" || *duck != ""
	switch {
	case fromSource && len(files) > 0:
		return fmt.Errorf("data import: give files or --table/--duckdb/--query, not both")
	case !fromSource && len(files) == 0:
		fs.Usage()
		return fmt.Errorf("data import: no files given")
	case !fromSource && (*symbols != "" || *columns != "" || *bar != ""):
		return fmt.Errorf("data import: --symbols, --columns and --bar apply to --table, --duckdb or --query")
	case fromSource && *symbol != "":
		return fmt.Errorf("data import: --symbol names the instrument of one file; a table or query has a symbol column: pick its symbols with --symbols")
	}
	var src duckdb.Source
	var req duckdb.Request
	if req.Start, err = parseInstant("--start", *start); err != nil {
		return err
	}
	if req.End, err = parseInstant("--end", *end); err != nil {
		return err
	}
	// A bound at 1970-01-01T00:00Z is 0: set, it is a bound, not none.
	req.StartSet, req.EndSet = *start != "", *end != ""
	if *start != "" && *end != "" && req.Start >= req.End {
		return fmt.Errorf("data import: --start %s is not before --end %s: the window [start, end) holds no time", *start, *end)
	}
	if fromSource {
		src = duckdb.Source{Table: *table, DuckDB: *duck, Query: *query, Timezone: *tz, DateFormat: df, OnBadRow: badRow}
		if *columns != "" {
			src.Columns = map[string]string{}
			for _, kv := range strings.Split(*columns, ",") {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					return fmt.Errorf("--columns: %q is not field=column", kv)
				}
				src.Columns[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		if err := src.Validate(); err != nil {
			return err
		}
		for s := range strings.SplitSeq(*symbols, ",") {
			if s = strings.TrimSpace(s); s != "" {
				req.Symbols = append(req.Symbols, s)
			}
		}
		if cls != 0 {
			// --class applies to every symbol imported: those named, or
			// all the source has (one class for all).
			req.Classes = make([]data.Class, max(len(req.Symbols), 1))
			for i := range req.Classes {
				req.Classes[i] = cls
			}
		}
		if *bar != "" {
			if req.Bar, err = data.ParseBar(*bar); err != nil {
				return fmt.Errorf("--bar: %w", err)
			}
		}
	}
	// The files are read and validated before the catalog is opened (a
	// process holds it while it has it open): runs reading it wait for
	// the write alone, and a file's error is said at once.
	var prep *duckdb.PreparedImport
	if !fromSource {
		opt := duckdb.ImportOptions{Symbol: *symbol, Class: cls, Timezone: *tz, DateFormat: df, OnBadRow: badRow, Start: req.Start, End: req.End, StartSet: req.StartSet, EndSet: req.EndSet}
		if prep, err = duckdb.PrepareImport(ctx, files, opt); err != nil {
			return fmt.Errorf("data import: nothing imported: %w", err)
		}
	}
	absent := catalogAbsent(*catalog)
	before, res, err := importInto(ctx, *catalog, absent, catalogWait(wait, stderr), func(cat *duckdb.Catalog) (duckdb.Imported, error) {
		if fromSource {
			return cat.ImportSource(ctx, src, req)
		}
		return cat.WriteImport(ctx, prep)
	})
	if err != nil {
		return err
	}
	had := map[string]duckdb.Entry{}
	for _, e := range before {
		had[e.Symbol] = e
	}
	n := "instrument"
	if len(res.Entries) != 1 {
		n += "s"
	}
	fmt.Fprintf(stdout, "imported %d %s into %s\n", len(res.Entries), n, *catalog)
	same := map[string]bool{}
	for _, sym := range res.Unchanged {
		same[sym] = true
	}
	for _, e := range res.Entries {
		if old, ok := had[e.Symbol]; ok && same[e.Symbol] {
			fmt.Fprintf(stdout, "  unchanged %s: the catalog holds these %d bars already, not written again\n", e.Symbol, old.Rows)
		} else if ok {
			fmt.Fprintf(stdout, "  replaced %s: it came from %s (%d bars, sha256 %.12s…)\n", e.Symbol, old.Source, old.Rows, old.SHA256)
		}
	}
	for _, note := range res.Notes {
		fmt.Fprintf(stdout, "  note: %s\n", note)
	}
	if len(res.Repairs) > 0 {
		did, rows := "skipped", "rows"
		if badRow == data.BadRowClip {
			did = "repaired"
		}
		if len(res.Repairs) == 1 {
			rows = "row"
		}
		fmt.Fprintf(stdout, "  %d %s %s (--on-bad-row %s; kept in the catalog's repairs table):\n", len(res.Repairs), rows, did, badRow)
		for _, r := range res.Repairs {
			fmt.Fprintf(stdout, "    %s\n", r)
		}
	}
	for i, e := range res.Entries {
		if i < len(res.Intervals) && res.Intervals[i].Intraday() {
			fmt.Fprintf(stdout, "  %s: %s bars\n", e.Symbol, res.Intervals[i])
		}
	}
	return printEntries(stdout, res.Entries)
}

// catalogAbsent reports whether no file is at path: checked before the
// catalog is opened, it is what lets importInto remove a catalog that
// the import created and failed to fill.
func catalogAbsent(path string) bool {
	_, err := os.Stat(path)
	return os.IsNotExist(err)
}

// importInto opens the catalog at path, lists what it holds (before),
// runs write on it and closes it. If write fails, the catalog is removed
// when it is the one this import created: absent (catalogAbsent, checked
// before) and holding no instrument when opened. Another process may
// create and fill the catalog between that check and the open (the open
// waits for it): the instruments it holds then are not this import's to
// remove.
func importInto(ctx context.Context, path string, absent bool, opt duckdb.CatalogOptions, write func(*duckdb.Catalog) (duckdb.Imported, error)) (before []duckdb.Entry, res duckdb.Imported, err error) {
	cat, err := duckdb.OpenCatalogWith(ctx, path, opt)
	if err != nil {
		return nil, res, err
	}
	if before, err = cat.List(ctx); err != nil {
		cat.Close()
		return nil, res, err
	}
	res, err = write(cat)
	cat.Close()
	if err != nil {
		if absent && len(before) == 0 {
			os.Remove(path) // the catalog this command would have created
			os.Remove(path + ".wal")
		}
		return nil, res, fmt.Errorf("data import: nothing imported: %w", err)
	}
	return before, res, nil
}

// parseInstant parses YYYY-MM-DD (00:00 UTC) or an RFC 3339 instant with
// its zone (data.ParseInstant); "" is 0 (open).
func parseInstant(flag, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	t, err := data.ParseInstant(s)
	if err != nil {
		return 0, fmt.Errorf("%s %q: %w", flag, s, err)
	}
	return t, nil
}

func cmdSynth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("data synth", "data synth [--seed N] [--out DIR] [--force] [--interval 1m|5m|15m|1h|4h --days N --instruments K [--layout table|files]]", stderr)
	seed := fs.Uint64("seed", 7, "seed of the synthetic market")
	out := fs.String("out", "synthetic-market", "folder for the files")
	interval := fs.String("interval", "", "intraday bars (1m, 5m, 15m, 1h, 4h), written as Parquet; default: the daily market as CSV")
	days := fs.Int("days", 30, "calendar days of the intraday market")
	instruments := fs.Int("instruments", 6, "instruments of the intraday market: half crypto (24/7), half equities (New York sessions)")
	layout := fs.String("layout", "table", "intraday output: table (one bars.parquet with a symbol column) or files (SYMBOL.parquet each)")
	force := fs.Bool("force", false, "write into a folder that already holds files (replacing those of the same names)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		// data synth DIR wrote to synthetic-market, not DIR.
		return fmt.Errorf("data synth: takes no argument, got %q (the folder is given by --out)", pos[0])
	}
	// The synthetic files would replace real ones of the same names
	// (QQQ.csv) and sit beside the rest (BTC.csv beside BTC-USD.csv): a
	// folder of files is not written into without --force, unless it is
	// a synthetic market written before (marked so) or holds only hidden
	// files (.DS_Store).
	if ents, err := os.ReadDir(*out); err == nil && !*force {
		var names []string
		marked := false
		for _, e := range ents {
			if e.Name() == data.SyntheticMarker {
				marked = true
			}
			if !strings.HasPrefix(e.Name(), ".") {
				names = append(names, e.Name())
			}
		}
		if len(names) > 0 && !marked {
			if len(names) > 3 {
				names = append(names[:3], "…")
			}
			return fmt.Errorf("data synth: %s already holds files (%s): the synthetic market would replace those of its names and sit beside the others; give a new or empty folder, or --force to write into it", *out, strings.Join(names, ", "))
		}
	}
	if *interval == "" {
		// --days, --instruments and --layout shape the intraday market
		// only: the daily one would silently ignore them.
		var stray []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "days" || f.Name == "instruments" || f.Name == "layout" {
				stray = append(stray, "--"+f.Name)
			}
		})
		if len(stray) > 0 {
			return fmt.Errorf("data synth: %s shape the intraday market: give --interval (1m, 5m, 15m, 1h or 4h) too, or leave them out for the daily market", strings.Join(stray, ", "))
		}
		p, err := untilDone(ctx, func() (*data.Panel, error) { return synth.Generate(synth.DefaultConfig(*seed)) })
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		paths, err := data.WriteCSVDir(*out, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "SYNTHETIC market (seed %d): %d instruments written to %s\n", *seed, len(paths), *out)
		for i, s := range p.Series {
			fmt.Fprintf(stdout, "  %-8s %-7s %s .. %s  %d bars  %s\n", s.Symbol, s.Class, data.FormatDay(s.Time[0]), data.FormatDay(s.Time[s.Len()-1]), s.Len(), paths[i])
		}
		return nil
	}
	iv, err := data.ParseBar(*interval)
	if err != nil || iv == data.Daily {
		return fmt.Errorf("--interval %q: want 1m, 5m, 15m, 1h or 4h (the daily market is the default, without --interval)", *interval)
	}
	if *layout != "table" && *layout != "files" {
		return fmt.Errorf("--layout %q: want table or files", *layout)
	}
	// Checked here, naming the flags, before the config is built: it
	// makes every one of the --instruments (a mistyped 10000000000000
	// panicked allocating them).
	if *days < 1 || *days > synth.MaxDays {
		return fmt.Errorf("--days = %d: want 1 to %d calendar days", *days, synth.MaxDays)
	}
	if *instruments < 1 {
		return fmt.Errorf("--instruments = %d: want 1 or more", *instruments)
	}
	steps := int64(*days) * int64(data.Daily/iv)
	if int64(*instruments) > synth.MaxIntradayBars/steps {
		return fmt.Errorf("--instruments = %d: %d days of %s bars are %d bar steps, and %d instruments of them more than %d bars (fewer instruments or --days, or a coarser --interval)",
			*instruments, *days, iv, steps, *instruments, synth.MaxIntradayBars)
	}
	p, err := untilDone(ctx, func() (*data.Panel, error) {
		return synth.GenerateIntraday(synth.DefaultIntradayConfig(*seed, iv, *days, *instruments))
	})
	if err != nil {
		return err
	}
	var paths []string
	if *layout == "table" {
		path, err := duckdb.WriteParquetTable(ctx, *out, p)
		if err != nil {
			return err
		}
		paths = []string{path}
	} else if paths, err = duckdb.WriteParquetDir(ctx, *out, p); err != nil {
		return err
	}
	bars := 0
	for i := range p.Series {
		bars += p.Series[i].Len()
	}
	fmt.Fprintf(stdout, "SYNTHETIC intraday market (seed %d, %s bars, %d days): %d instruments, %d bars written to %s\n",
		*seed, iv, *days, len(p.Series), bars, strings.Join(paths, ", "))
	for i, s := range p.Series {
		where := paths[0]
		if *layout == "files" {
			where = paths[i]
		}
		fmt.Fprintf(stdout, "  %-8s %-7s %s .. %s  %d bars  %s\n", s.Symbol, s.Class, data.FormatTime(s.Time[0]), data.FormatTime(s.Time[s.Len()-1]), s.Len(), where)
	}
	return nil
}

// untilDone is f() until ctx is done (a signal): then ctx's error, at
// once, f left running on its own goroutine until the process ends (the
// synthetic market's generation: seconds of arithmetic that does not
// look at ctx, and writes nothing).
func untilDone[T any](ctx context.Context, f func() (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// stamp formats a bar time: its date when it and other (the other end of
// the series) are at 00:00 UTC (daily bars), else the instant.
func stamp(t, other int64) string {
	if day := int64(24 * time.Hour); t%day == 0 && other%day == 0 {
		return data.FormatDay(t)
	}
	return data.FormatTime(t)
}
