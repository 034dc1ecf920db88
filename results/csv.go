package results

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// Column names, shared by the CSV and Parquet writers so that both formats of
// a file have the same header.
var (
	curveColumns = [...]string{"time", "equity", "cash", "gross", "net", "drawdown"}
	fillColumns  = [...]string{"time", "symbol", "side", "qty", "price", "notional", "commission", "kind", "tag", "slippage", "fee"}
)

const (
	dateLayout = "2006-01-02"
	nanoLayout = time.RFC3339Nano
)

// FormatTime formats UTC Unix nanoseconds for humans and manifests: as a date
// (2006-01-02) if t is UTC midnight, else as RFC 3339 with nanoseconds and a
// Z suffix.
func FormatTime(t int64) string {
	if isMidnight(t) {
		return time.Unix(0, t).UTC().Format(dateLayout)
	}
	return time.Unix(0, t).UTC().Format(nanoLayout)
}

func isMidnight(t int64) bool { return t%data.NanosPerDay == 0 }

// timeLayout picks the layout of a CSV time column: dates if every time is
// UTC midnight, else RFC 3339 with nanoseconds for all of them, so that a
// column never mixes the two.
func timeLayout(ts []int64) string {
	for _, t := range ts {
		if !isMidnight(t) {
			return nanoLayout
		}
	}
	return dateLayout
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Side returns "buy" for a fill with a positive quantity and "sell" for a
// negative one (a zero quantity, which the engine does not emit, is "buy").
func Side(f *engine.Fill) string {
	if f.Qty < 0 {
		return "sell"
	}
	return "buy"
}

// Notional returns the fill's signed traded value, Qty × Price: positive for
// a buy. Cash changes by −Notional − Commission.
func Notional(f *engine.Fill) float64 { return f.Qty * f.Price }

// checkCurve reports a curve whose columns do not share one length.
func checkCurve(c *engine.Curve) error {
	n := len(c.Time)
	cols := [...][]float64{c.Equity, c.Cash, c.Gross, c.Net, c.Drawdown}
	for i, col := range cols {
		if len(col) != n {
			return fmt.Errorf("results: curve column %s has %d values, time has %d", curveColumns[i+1], len(col), n)
		}
	}
	return nil
}

// WriteCurveCSV writes an equity curve as CSV with a header row and the
// columns time, equity, cash, gross, net, drawdown (see the package
// documentation for the time and number formats).
func WriteCurveCSV(w io.Writer, c *engine.Curve) error {
	if err := checkCurve(c); err != nil {
		return err
	}
	cw := newCSVWriter(w)
	for _, name := range curveColumns {
		cw.String(name)
	}
	cw.EndRow()
	layout := timeLayout(c.Time)
	for k, t := range c.Time {
		cw.Time(t, layout)
		cw.Float(c.Equity[k])
		cw.Float(c.Cash[k])
		cw.Float(c.Gross[k])
		cw.Float(c.Net[k])
		cw.Float(c.Drawdown[k])
		cw.EndRow()
	}
	if err := cw.Close(); err != nil {
		return fmt.Errorf("results: curve csv: %w", err)
	}
	return nil
}

// WriteFillsCSV writes fills as CSV with a header row and the columns time,
// symbol, side (buy or sell, see [Side]), qty (signed, as in [engine.Fill]),
// price, notional (signed, see [Notional]), commission, kind (the
// [engine.OrderKind] name), tag, slippage (money the execution price cost,
// already in price) and fee (a liquidation fee, paid beside the
// commission). Fills are written in the order given; their times are
// dates when every one is UTC midnight (WriteRunFillsCSV: a run's).
func WriteFillsCSV(w io.Writer, fills []engine.Fill) error {
	return WriteRunFillsCSV(w, fills, nil)
}

// WriteRunFillsCSV is WriteFillsCSV for the fills of a run whose curve is
// stamped curve: their times are dates only when the curve's are too, so
// that an intraday run's fills at 00:00 UTC are written as the instants
// its equity.csv writes (a date names a daily bar, which closes at 24:00,
// not the hourly bar of 00:00, which closes at 01:00).
func WriteRunFillsCSV(w io.Writer, fills []engine.Fill, curve []int64) error {
	cw := newCSVWriter(w)
	for _, name := range fillColumns {
		cw.String(name)
	}
	cw.EndRow()
	layout := timeLayout(curve)
	for i := range fills {
		if !isMidnight(fills[i].Time) {
			layout = nanoLayout
			break
		}
	}
	for i := range fills {
		f := &fills[i]
		cw.Time(f.Time, layout)
		cw.String(f.Symbol)
		cw.String(Side(f))
		cw.Float(f.Qty)
		cw.Float(f.Price)
		cw.Float(Notional(f))
		cw.Float(f.Commission)
		cw.String(f.Kind.String())
		cw.String(f.Tag)
		cw.Float(f.Slippage)
		cw.Float(f.Fee)
		cw.EndRow()
	}
	if err := cw.Close(); err != nil {
		return fmt.Errorf("results: fills csv: %w", err)
	}
	return nil
}
