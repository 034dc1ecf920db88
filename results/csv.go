package results

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

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
	nsPerDay   = int64(24 * time.Hour)
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

func isMidnight(t int64) bool { return t%nsPerDay == 0 }

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
	cw := csv.NewWriter(w)
	if err := cw.Write(curveColumns[:]); err != nil {
		return fmt.Errorf("results: curve csv: %w", err)
	}
	layout := timeLayout(c.Time)
	rec := make([]string, len(curveColumns))
	for k, t := range c.Time {
		rec[0] = time.Unix(0, t).UTC().Format(layout)
		rec[1] = formatFloat(c.Equity[k])
		rec[2] = formatFloat(c.Cash[k])
		rec[3] = formatFloat(c.Gross[k])
		rec[4] = formatFloat(c.Net[k])
		rec[5] = formatFloat(c.Drawdown[k])
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("results: curve csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("results: curve csv: %w", err)
	}
	return nil
}

// WriteFillsCSV writes fills as CSV with a header row and the columns time,
// symbol, side (buy or sell, see [Side]), qty (signed, as in [engine.Fill]),
// price, notional (signed, see [Notional]), commission, kind (the
// [engine.OrderKind] name), tag, slippage (money the execution price cost,
// already in price) and fee (a liquidation fee, paid beside the
// commission). Fills are written in the order given.
func WriteFillsCSV(w io.Writer, fills []engine.Fill) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(fillColumns[:]); err != nil {
		return fmt.Errorf("results: fills csv: %w", err)
	}
	times := make([]int64, len(fills))
	for i := range fills {
		times[i] = fills[i].Time
	}
	layout := timeLayout(times)
	rec := make([]string, len(fillColumns))
	for i := range fills {
		f := &fills[i]
		rec[0] = time.Unix(0, f.Time).UTC().Format(layout)
		rec[1] = f.Symbol
		rec[2] = Side(f)
		rec[3] = formatFloat(f.Qty)
		rec[4] = formatFloat(f.Price)
		rec[5] = formatFloat(Notional(f))
		rec[6] = formatFloat(f.Commission)
		rec[7] = f.Kind.String()
		rec[8] = f.Tag
		rec[9] = formatFloat(f.Slippage)
		rec[10] = formatFloat(f.Fee)
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("results: fills csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("results: fills csv: %w", err)
	}
	return nil
}
