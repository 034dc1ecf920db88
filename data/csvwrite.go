package data

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// csvHeader is the layout WriteCSV writes and the project's CSV readers read.
const csvHeader = "date,open,high,low,close,adj_close,volume\n"

const nanosPerDay = int64(24 * time.Hour)

// WriteCSV writes one series in the layout
//
//	date,open,high,low,close,adj_close,volume
//
// with a header line, one bar per line, dates as YYYY-MM-DD (UTC) and values
// formatted by strconv with 'g' and precision -1: the shortest text that
// parses back (strconv.ParseFloat) to the identical float64, so a round trip
// loses nothing. A NaN volume ("unknown", see the package doc) is written as
// an empty cell. Prices are written as they are; WriteCSV does not validate
// them (see Series.Validate).
//
// The layout is daily: a bar whose time is not a UTC midnight, or columns of
// different lengths, is an error naming the bar, and nothing is written.
func WriteCSV(w io.Writer, s *Series) error { return writeCSV(w, s, s.Symbol) }

// writeCSV is WriteCSV with errors naming name (the symbol, or the file).
func writeCSV(w io.Writer, s *Series, name string) error {
	if err := checkDaily(s, name); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(csvHeader); err != nil {
		return fmt.Errorf("data: write %s: %w", name, err)
	}
	line := make([]byte, 0, 160)
	for k, t := range s.Time {
		line = time.Unix(0, t).UTC().AppendFormat(line[:0], "2006-01-02")
		for _, v := range [...]float64{s.Open[k], s.High[k], s.Low[k], s.Close[k], s.AdjClose[k]} {
			line = append(line, ',')
			line = strconv.AppendFloat(line, v, 'g', -1, 64)
		}
		line = append(line, ',')
		if v := s.Volume[k]; !math.IsNaN(v) {
			line = strconv.AppendFloat(line, v, 'g', -1, 64)
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return fmt.Errorf("data: write %s: %w", name, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("data: write %s: %w", name, err)
	}
	return nil
}

// checkDaily reports columns of different lengths and bars that are not at
// a UTC midnight, which the daily CSV layout cannot represent.
func checkDaily(s *Series, name string) error {
	n := len(s.Time)
	for _, c := range [...]struct {
		name string
		col  []float64
	}{{"open", s.Open}, {"high", s.High}, {"low", s.Low}, {"close", s.Close}, {"adj_close", s.AdjClose}, {"volume", s.Volume}} {
		if len(c.col) != n {
			return fmt.Errorf("data: write %s: %s column has %d values for %d times", name, c.name, len(c.col), n)
		}
	}
	for k, t := range s.Time {
		if t%nanosPerDay != 0 {
			return fmt.Errorf("data: write %s: bar %d at %s is not at 00:00 UTC; the CSV layout is daily",
				name, k+1, time.Unix(0, t).UTC().Format(time.RFC3339Nano))
		}
	}
	return nil
}

// WriteCSVDir writes every series of the panel to dir/<SYMBOL>.csv (see
// WriteCSV) and returns the paths, in panel order. dir is created if needed.
//
// Nothing is half-written: every series is first written to a temporary file
// in dir and synced; only when all of them are complete are they renamed
// over their final names. If any write fails, the temporary files are
// removed and no existing file in dir has changed. (A rename fails only for
// reasons outside the data, such as permissions; the files renamed before it
// are then complete new versions.) A symbol that cannot be a
// file name (empty, ".", "..", or containing a path separator) and symbols
// that differ only in case (they would collide on case-insensitive file
// systems) are errors.
func WriteCSVDir(dir string, p *Panel) ([]string, error) {
	seen := make(map[string]string, len(p.Series))
	for i := range p.Series {
		sym := p.Series[i].Symbol
		if sym == "" || sym == "." || sym == ".." || strings.ContainsAny(sym, `/\`) || strings.ContainsRune(sym, 0) {
			return nil, fmt.Errorf("data: write %s: symbol %q cannot be a file name", dir, sym)
		}
		key := strings.ToLower(sym)
		if prev, ok := seen[key]; ok {
			return nil, fmt.Errorf("data: write %s: symbols %q and %q would write the same file", dir, prev, sym)
		}
		seen[key] = sym
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data: write %s: %w", dir, err)
	}
	temps := make([]string, 0, len(p.Series))
	cleanup := func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}
	for i := range p.Series {
		tmp, err := writeTemp(dir, &p.Series[i])
		if tmp != "" {
			temps = append(temps, tmp)
		}
		if err != nil {
			cleanup()
			return nil, err
		}
	}
	paths := make([]string, len(p.Series))
	for i := range p.Series {
		paths[i] = filepath.Join(dir, p.Series[i].Symbol+".csv")
		if err := os.Rename(temps[i], paths[i]); err != nil {
			cleanup() // the ones already renamed are gone from temps' names: Remove fails harmlessly
			return nil, fmt.Errorf("data: write %s: %w", paths[i], err)
		}
	}
	return paths, nil
}

// writeTemp writes s to a new temporary file in dir, synced and closed, and
// returns its name (also on error, when it was created, for the caller to
// remove).
func writeTemp(dir string, s *Series) (string, error) {
	final := filepath.Join(dir, s.Symbol+".csv")
	f, err := os.CreateTemp(dir, "."+s.Symbol+".csv.tmp-*")
	if err != nil {
		return "", fmt.Errorf("data: write %s: %w", final, err)
	}
	if err := writeCSV(f, s, final); err != nil {
		f.Close()
		return f.Name(), err
	}
	err = f.Chmod(0o644) // CreateTemp makes 0600; the final file is an ordinary data file
	if err == nil {
		err = f.Sync()
	}
	err = errors.Join(err, f.Close())
	if err != nil {
		return f.Name(), fmt.Errorf("data: write %s: %w", final, err)
	}
	return f.Name(), nil
}
