package experiment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/duckdb"
	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/data/synth"
	"github.com/divergence-research/divergence/results"
)

// loadPanel loads the instruments the experiment needs, in order, and
// describes each input for the manifest. opt.DataDir, when set, replaces
// data.dir; a catalog another process holds (an import writing it) is
// waited for as opt says (Options.catalogWait).
func (f *File) loadPanel(ctx context.Context, symbols []string, opt Options) (*data.Panel, []results.Input, error) {
	dataDir := opt.DataDir
	var p *data.Panel
	var err error
	var catSHA map[string]string
	// The input files are fingerprinted while they are read (a 290 MB
	// table took 0.23 s to hash after a 2.6 s read); a read that fails
	// stops the hashing.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var tableSHA func() (string, error)
	var filesSHA func() ([]string, error)
	var paths []string // the price files of a folder, by symbol
	switch {
	case f.Data.Synthetic:
		full, gerr := f.synthetic()
		if gerr != nil {
			return nil, nil, gerr
		}
		if p, err = full.Select(symbols); err != nil {
			return nil, nil, fmt.Errorf("data (synthetic market): %w", err)
		}
	case f.Data.Table != "" || f.Data.Query != "":
		src := f.Data.source(f.resolve)
		req := duckdb.Request{Symbols: symbols, Classes: make([]data.Class, len(symbols))}
		for i, s := range symbols {
			if c, ok := f.Data.Classes[s]; ok {
				req.Classes[i], _ = data.ParseClass(c)
			}
		}
		// Only the experiment's period is read; bars before start stay in
		// (warm-up history), so only the end is pushed down. With bar, up
		// to the end of the bucket the end cuts: ResampleUntil leaves that
		// bucket out when the data go on past the end, which it must see
		// (read up to the end alone, a 4h bucket cut at 22:00 was kept
		// holding two hours, where a folder of files left it out).
		_, req.End = f.Bounds()
		_, req.EndSet = f.bounded()
		if f.Bar != 0 && req.EndSet {
			b := int64(f.Bar)
			if f.Bar >= data.Daily {
				b = data.NanosPerDay
			}
			q := req.End / b // truncated: q·b is the ceiling before 1970, one step short after
			if q*b < req.End {
				q++
			}
			req.End = q * b
		}
		key := "data.table"
		if f.Data.Query != "" {
			key = "data.query"
		}
		if f.Data.Table != "" && f.Data.DuckDB == "" {
			table := f.resolve(f.Data.Table)
			tableSHA = inBackground(func() (string, error) { return duckdb.TableSHA256(ctx, table) })
		}
		if p, err = duckdb.ReadSource(ctx, src, req); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", key, err)
		}
	case f.Data.Catalog != "":
		path := f.resolve(f.Data.Catalog)
		if _, serr := data.CheckFile(path); serr != nil {
			return nil, nil, fmt.Errorf("data.catalog: %w", serr)
		}
		cat, cerr := duckdb.OpenCatalogWith(ctx, path, opt.catalogWait())
		if cerr != nil {
			return nil, nil, fmt.Errorf("data.catalog: %w", cerr)
		}
		defer cat.Close()
		if p, err = cat.Load(ctx, symbols); err != nil {
			return nil, nil, fmt.Errorf("data.catalog: %w", err)
		}
		entries, lerr := cat.List(ctx)
		if lerr != nil {
			return nil, nil, fmt.Errorf("data.catalog: %w", lerr)
		}
		catSHA = map[string]string{}
		for _, e := range entries {
			catSHA[e.Symbol] = e.SHA256
		}
	default:
		dir, key := f.resolve(f.Data.Dir), "data.dir"
		if dataDir != "" {
			dir, key = dataDir, "$DIVERGENCE_DATA (which replaces data.dir)"
		}
		paths = make([]string, len(symbols))
		opts := make([]duckdb.ReadOptions, len(symbols))
		ents, _ := os.ReadDir(dir) // once for every symbol; a missing folder is findFile's to name
		for i, s := range symbols {
			path, ferr := f.findFile(dir, key, s, ents)
			if ferr != nil {
				return nil, nil, ferr
			}
			paths[i] = path
			opts[i] = duckdb.ReadOptions{Symbol: s, Timezone: f.Data.Timezone, DateFormat: f.Data.DateFormat, OnBadRow: f.Data.OnBadRow}
			if c, ok := f.Data.Classes[s]; ok {
				opts[i].Class, _ = data.ParseClass(c)
			}
		}
		filesSHA = inBackground(func() ([]string, error) { return fingerprints(ctx, paths) })
		if p, err = duckdb.ReadFiles(ctx, paths, opts); err != nil {
			return nil, nil, err
		}
	}
	// Class overrides, whatever the source (the catalog stores a class too).
	classSyms := make([]string, 0, len(f.Data.Classes))
	for sym := range f.Data.Classes {
		classSyms = append(classSyms, sym)
	}
	sort.Strings(classSyms)
	for _, sym := range classSyms {
		if i := p.Index(sym); i >= 0 {
			p.Series[i].Class, _ = data.ParseClass(f.Data.Classes[sym])
			// The weekend note is the class's (a catalog's instrument
			// imported as an equity, classed crypto here, kept "give
			// [data] classes" of a run that did).
			p.Series[i].RenoteWeekend()
		}
	}
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	for i := range p.Series {
		if p.Series[i].Interval == 0 {
			p.Series[i].SetInterval()
		}
	}
	// The bars' interval sets how long a bar lasts (when an order may
	// fill) and how a resample buckets them: it is measured on the bars
	// before end alone, so that data past the end cannot change the runs
	// (a file of hourly bars, then 5-minute ones after end, read as
	// 5-minute bars throughout).
	if _, end := f.Bounds(); f.End != "" {
		for i := range p.Series {
			s := &p.Series[i]
			if k := sort.Search(s.Len(), func(j int) bool { return s.Time[j] >= end }); k >= 2 && k < s.Len() {
				s.Interval = data.DetectInterval(s.Time[:k])
			}
		}
	}
	if f.Bar != 0 {
		resample := duckdb.Resample
		if _, end := f.Bounds(); f.End != "" {
			resample = func(ctx context.Context, p *data.Panel, bar data.Interval) (*data.Panel, error) {
				return duckdb.ResampleBefore(ctx, p, bar, end)
			}
		}
		if p, err = resample(ctx, p, f.Bar); err != nil {
			return nil, nil, fmt.Errorf("bar = %q: %w", f.Bar.String(), err)
		}
	} else if err := p.CheckIntervals(); err != nil {
		return nil, nil, err
	}
	// The files of a folder of price files, fingerprinted at once, as
	// many as there are cores, by the file each series was read from.
	var fps []string
	if filesSHA != nil {
		read, err := filesSHA()
		if err != nil {
			return nil, nil, err
		}
		fps = make([]string, len(p.Series))
		for i := range p.Series {
			k := slices.Index(paths, p.Series[i].Source)
			if k < 0 {
				return nil, nil, fmt.Errorf("internal: series %s read from %s, not a file asked for", p.Series[i].Symbol, p.Series[i].Source)
			}
			fps[i] = read[k]
		}
	}
	inputs := make([]results.Input, len(p.Series))
	shas := map[string]string{} // a table's file, fingerprinted once for all its instruments
	for i := range p.Series {
		s := &p.Series[i]
		// An intraday series' first and last bars are instants, 00:00 UTC
		// too: a date names a daily bar, which closes at 24:00.
		stamp := results.FormatTime
		if s.BarInterval().Intraday() {
			stamp = data.FormatTime
		}
		in := results.Input{Symbol: s.Symbol, Source: s.Source, Rows: s.Len(),
			First: stamp(s.Time[0]), Last: stamp(s.Time[s.Len()-1])}
		switch {
		case f.Data.Synthetic:
			in.SHA256 = results.Synthetic
			in.Source = "synthetic"
		case f.Data.Table != "" || f.Data.Query != "":
			// One table: the database file's fingerprint (a table or
			// query of [data] duckdb), or the table's file's or files'
			// (see duckdb.TableSHA256); a query of files has no file to
			// fingerprint: its bars are (barsSHA256).
			in.Source = "table"
			if f.Data.Query != "" {
				in.Source = "query"
			}
			in.Path = s.Source
			switch sha, ok := shas[s.Source]; {
			case f.Data.Query != "" && f.Data.DuckDB == "":
				in.SHA256 = barsSHA256(s) // each instrument's own (shas is not read)
			case ok:
				in.SHA256 = sha
			case f.Data.DuckDB != "":
				if in.SHA256, err = results.Fingerprint(f.resolve(f.Data.DuckDB)); err != nil {
					return nil, nil, fmt.Errorf("data.duckdb: %w", err)
				}
			case f.Data.Table != "":
				if in.SHA256, err = tableSHA(); err != nil {
					return nil, nil, fmt.Errorf("data.table: %w", err)
				}
			}
			shas[s.Source] = in.SHA256
		case f.Data.Catalog == "":
			in.Path = s.Source
			in.SHA256 = fps[i]
			in.Source = "file"
		default:
			// The SHA-256 of the file the catalog imported the bars from.
			in.Path = f.Data.Catalog
			in.SHA256 = catSHA[s.Symbol]
			in.Source = "catalog"
		}
		if p.Synthetic && !f.Data.Synthetic {
			in.Source += " (synthetic prices)"
		}
		for _, r := range s.Repairs {
			in.Repairs = append(in.Repairs, r.String())
		}
		inputs[i] = in
	}
	return p, inputs, nil
}

// barsSHA256 is the SHA-256 of a series' bars as loaded, hex: its time,
// open, high, low, close, volume and adjusted close columns (whether it
// has one), each value's 8 bytes little-endian, floats bit for bit. It
// fingerprints the data of a query of files, which has no file of its
// own: a shard run before the files were corrected (the same dates,
// other prices) is not merged beside the current data.
func barsSHA256(s *data.Series) string {
	d := digester{h: sha256.New()}
	d.int(int64(s.Len()))
	for _, t := range s.Time {
		d.int(t)
	}
	for _, col := range [][]float64{s.Open, s.High, s.Low, s.Close, s.Volume, s.AdjClose} {
		d.int(int64(len(col)))
		for _, x := range col {
			d.float(x)
		}
	}
	if s.NoAdjClose {
		d.int(1)
	}
	sum := d.sum()
	return hex.EncodeToString(sum[:])
}

// inBackground starts fn and returns the function that waits for its
// result (once).
func inBackground[T any](fn func() (T, error)) func() (T, error) {
	var v T
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		v, err = fn()
	}()
	return func() (T, error) {
		<-done
		return v, err
	}
}

// fingerprints returns the SHA-256 of each file (results.Fingerprint),
// computed at once, as many as there are cores; the error is that of the
// first file in paths' order that fails, whichever failed first.
func fingerprints(ctx context.Context, paths []string) ([]string, error) {
	out := make([]string, len(paths))
	err := parallel(ctx, len(paths), runtime.GOMAXPROCS(0), nil, func(i int) (err error) {
		out[i], err = results.Fingerprint(paths[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// synthetic generates the synthetic market: the daily one, or with
// data.interval the intraday one (data.days long, from start or
// 2025-01-01), every default instrument.
func (f *File) synthetic() (*data.Panel, error) {
	if f.Data.Interval == 0 {
		return synth.Generate(synth.DefaultConfig(f.Data.SyntheticSeed))
	}
	c := synth.DefaultIntradayConfig(f.Data.SyntheticSeed, f.Data.Interval, f.Data.days(), 0)
	c.Assets = synth.DefaultAssets()
	if start, _ := f.Bounds(); f.Start != "" {
		// The market begins at 00:00 UTC of start's day: a start at an
		// instant (14:30Z) has that day's bars before it as warm-up.
		c.Start = data.DayNumber(start) * data.NanosPerDay
	}
	p, err := synth.GenerateIntraday(c)
	if err != nil {
		return nil, fmt.Errorf("data (synthetic intraday market): %w", err)
	}
	return p, nil
}

// findFile finds a symbol's price file in dir, whose entries are ents,
// and which key names in errors (data.dir, or the variable that replaced
// it).
func (f *File) findFile(dir, key, sym string, ents []os.DirEntry) (string, error) {
	if name, ok := f.Data.Files[sym]; ok {
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, name)
		}
		if _, err := data.CheckFile(path); err != nil {
			return "", fmt.Errorf("data.files.%s: %w", sym, err)
		}
		return path, nil
	}
	// A folder that is something else (a file, a FIFO, a symlink loop)
	// says so; a missing one gives the message below.
	if _, err := data.CheckDir(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	// Names match whatever their case (qqq.csv for QQQ): a folder of
	// lower-case names is read, and qqq.csv beside QQQ.csv is two files
	// for one symbol, not one of them passed over.
	var tried, found []string
	for _, suffix := range fileSuffixes {
		want := sym + suffix
		for _, e := range ents {
			if !strings.EqualFold(e.Name(), want) {
				continue
			}
			// Found: a FIFO, a device or a symlink loop is refused by
			// name, not passed over as "no price file".
			path := filepath.Join(dir, e.Name())
			if _, err := data.CheckFile(path); err != nil {
				return "", fmt.Errorf("%s: %w", key, err)
			}
			found = append(found, path)
		}
		tried = append(tried, want)
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		// Two files for one symbol (BTC.csv beside BTC-USD.csv) are two
		// sources: which one is the user's to say, not the order of
		// fileSuffixes'.
		names := make([]string, len(found))
		for i, p := range found {
			names[i] = filepath.Base(p)
		}
		return "", fmt.Errorf("%s: symbol %q has %d price files in %s: %s; name the one to use under [data.files] (%s = %q)",
			key, sym, len(found), dir, strings.Join(names, ", "), sym, names[0])
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		hint := "set data.dir in the experiment file, relative to it, or $DIVERGENCE_DATA on the command line"
		if key != "data.dir" {
			hint = "point $DIVERGENCE_DATA at the folder of price files, or unset it to read data.dir"
		}
		return "", fmt.Errorf("%s: no price file for symbol %q: folder %s does not exist (%s)", key, sym, dir, hint)
	}
	return "", &data.UnknownSymbolError{Symbol: sym, Msg: fmt.Sprintf("%s: no price file for symbol %q in %s (tried %v%s; map it under [data.files], or set data.dir ($DIVERGENCE_DATA on the command line))", key, sym, dir, tried, folderSymbols(sym, ents))}
}

// maxFolderSymbols bounds the symbols folderSymbols lists.
const maxFolderSymbols = 30

// folderSymbols says which symbols the price files ents hold, for the
// error of a symbol none of them has: the one sym likely misspells
// ("NVIDIA": `; did you mean "NVDA" (NVDA.csv)?`), or else the first
// maxFolderSymbols of them, sorted. Names are read as findFile matches
// them (SYM plus one of fileSuffixes, the longest that fits).
func folderSymbols(sym string, ents []os.DirEntry) string {
	file := map[string]string{}
	var syms []string
	for _, e := range ents {
		name, best := e.Name(), ""
		for _, suffix := range fileSuffixes {
			if len(suffix) > len(best) && len(name) > len(suffix) && strings.EqualFold(name[len(name)-len(suffix):], suffix) {
				best = suffix
			}
		}
		if best == "" {
			continue
		}
		s := strings.ToUpper(name[:len(name)-len(best)])
		if _, ok := file[s]; !ok {
			file[s] = name
			syms = append(syms, s)
		}
	}
	if len(syms) == 0 {
		return "; the folder holds no price file"
	}
	sort.Strings(syms)
	if m := strict.Closest(sym, syms); m != "" {
		return fmt.Sprintf("; did you mean %q (%s)?", m, file[m])
	}
	more := ""
	if len(syms) > maxFolderSymbols {
		more = fmt.Sprintf(" and %d more", len(syms)-maxFolderSymbols)
		syms = syms[:maxFolderSymbols]
	}
	return fmt.Sprintf("; the folder's files hold %s%s", strings.Join(syms, ", "), more)
}

// fileSuffixes are the names findFile tries for a symbol SYM in data.dir:
// SYM.csv, SYM-USD.csv, SYM-USDT.csv (each also gzipped), SYM.parquet and
// SYM.arrow.
var fileSuffixes = [...]string{".csv", ".csv.gz", "-USD.csv", "-USD.csv.gz", "-USDT.csv", "-USDT.csv.gz", ".parquet", ".arrow"}

// checkDataKeys refuses data.files and data.classes entries that name no
// instrument the experiment loads (strategies', data.symbols, benchmarks):
// a typo would otherwise be ignored silently.
func (f *File) checkDataKeys(symbols []string) error {
	used := map[string]bool{}
	for _, s := range symbols {
		used[s] = true
	}
	for _, b := range f.Benchmarks {
		used[data.CanonicalSymbol(b)] = true
	}
	for _, t := range []struct {
		key string
		m   map[string]string
	}{{"data.files", f.Data.Files}, {"data.classes", f.Data.Classes}} {
		keys := make([]string, 0, len(t.m))
		for k := range t.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !used[k] {
				return fmt.Errorf("%s.%s: no strategy or benchmark uses %s (they use %v)", t.key, k, k, symbols)
			}
		}
	}
	return nil
}
