package results

import (
	"bytes"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// TestCSVWriterMatchesEncodingCSV writes random records of awkward text
// with csvWriter and with encoding/csv: the bytes must be the same.
func TestCSVWriterMatchesEncodingCSV(t *testing.T) {
	pieces := []string{"", " ", "a", "b,c", `"`, `q"q`, "\r", "\n", "\r\n", `\.`, "\u00a0x", "\u2003lead", "é", "tab\t", "\tlead", "x y", "NaN", "-0"}
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 2000 {
		n := 1 + rng.IntN(5)
		rec := make([]string, n)
		for i := range rec {
			for k := rng.IntN(3); k >= 0; k-- {
				rec[i] += pieces[rng.IntN(len(pieces))]
			}
		}
		if trial%50 == 0 {
			rec = []string{""} // a record of one empty field
		}
		var want, got bytes.Buffer
		w := csv.NewWriter(&want)
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		c := newCSVWriter(&got)
		for _, f := range rec {
			c.String(f)
		}
		c.EndRow()
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("record %q: got %q, encoding/csv %q", rec, got.String(), want.String())
		}
	}
}

// TestAppendDate compares the date arithmetic with time.Format over
// 40,000 years of days around the epoch, and a few far dates.
func TestAppendDate(t *testing.T) {
	for d := int64(-719528 - 400); d < 2_932_897+400; d += 7 {
		ns := d * data.NanosPerDay
		if d < -106_751 || d > 106_750 { // beyond int64 nanoseconds
			continue
		}
		want := time.Unix(0, ns).UTC().Format(dateLayout)
		if got := string(appendDate(nil, ns)); got != want {
			t.Fatalf("day %d: %s, want %s", d, got, want)
		}
	}
	for _, ns := range []int64{0, -data.NanosPerDay, math.MinInt64 / data.NanosPerDay * data.NanosPerDay, math.MaxInt64 / data.NanosPerDay * data.NanosPerDay} {
		if got, want := string(appendDate(nil, ns)), time.Unix(0, ns).UTC().Format(dateLayout); got != want {
			t.Errorf("%d: %s, want %s", ns, got, want)
		}
	}
}

// legacyCurveCSV is the curve writer as it was, through encoding/csv: the
// reference the fast writer must equal byte for byte.
func legacyCurveCSV(c *engine.Curve) []byte {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write(curveColumns[:])
	layout := timeLayout(c.Time)
	for k, t := range c.Time {
		cw.Write([]string{time.Unix(0, t).UTC().Format(layout), formatFloat(c.Equity[k]), formatFloat(c.Cash[k]),
			formatFloat(c.Gross[k]), formatFloat(c.Net[k]), formatFloat(c.Drawdown[k])})
	}
	cw.Flush()
	return b.Bytes()
}

func legacyFillsCSV(fills []engine.Fill) []byte {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write(fillColumns[:])
	times := make([]int64, len(fills))
	for i := range fills {
		times[i] = fills[i].Time
	}
	layout := timeLayout(times)
	for i := range fills {
		f := &fills[i]
		cw.Write([]string{time.Unix(0, f.Time).UTC().Format(layout), f.Symbol, Side(f), formatFloat(f.Qty), formatFloat(f.Price),
			formatFloat(Notional(f)), formatFloat(f.Commission), f.Kind.String(), f.Tag, formatFloat(f.Slippage), formatFloat(f.Fee)})
	}
	cw.Flush()
	return b.Bytes()
}

func legacyTableCSV(tab *Table) []byte {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	rec := make([]string, len(tab.Columns))
	for i := range tab.Columns {
		rec[i] = tab.Columns[i].Name
	}
	cw.Write(rec)
	for r := 0; r < tab.Rows(); r++ {
		for i := range tab.Columns {
			c := &tab.Columns[i]
			switch {
			case c.Floats != nil:
				rec[i] = ""
				if !math.IsNaN(c.Floats[r]) {
					rec[i] = strconv.FormatFloat(c.Floats[r], 'g', -1, 64)
				}
			case c.Ints != nil:
				rec[i] = strconv.FormatInt(c.Ints[r], 10)
			case c.Strings != nil:
				rec[i] = c.Strings[r]
			default:
				rec[i] = FormatTime(c.Times[r])
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return b.Bytes()
}

// TestCSVWritersMatchLegacy: the curve, fills and table writers give the
// bytes of the encoding/csv versions they replaced, on daily and intraday
// times, awkward floats and tags that need quoting, across block
// boundaries (a curve of 20,000 rows).
func TestCSVWritersMatchLegacy(t *testing.T) {
	for _, daily := range []bool{true, false} {
		c := testCurve(20_000, daily)
		var got bytes.Buffer
		if err := WriteCurveCSV(&got, c); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), legacyCurveCSV(c)) {
			t.Errorf("daily=%v: curve CSV differs from encoding/csv's", daily)
		}
	}
	fills := testFills()
	intraday := append([]engine.Fill(nil), fills...)
	intraday[1].Time += 1234567
	intraday[2].Tag = " leading space"
	for _, fs := range [][]engine.Fill{fills, intraday, nil} {
		var got bytes.Buffer
		if err := WriteFillsCSV(&got, fs); err != nil {
			t.Fatal(err)
		}
		if want := legacyFillsCSV(fs); !bytes.Equal(got.Bytes(), want) {
			t.Errorf("fills CSV:\n%s\nwant\n%s", got.Bytes(), want)
		}
	}
	tab := testTable()
	tab.Columns[0].Strings[1] = "\"quoted\"\nkey"
	var got bytes.Buffer
	if err := WriteTableCSV(&got, tab); err != nil {
		t.Fatal(err)
	}
	if want := legacyTableCSV(tab); !bytes.Equal(got.Bytes(), want) {
		t.Errorf("table CSV:\n%s\nwant\n%s", got.Bytes(), want)
	}
}

// Floats that repeat down a column are copied from the column's last
// text: rows of values drawn from a few (0, -0, NaN, ±Inf, tiny and huge
// numbers, 17-digit ones), in more columns than the memo keeps, come out
// as strconv formats each value.
func TestCSVWriterRepeatedFloats(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1, 1e-310, 1.7976931348623157e308,
		-2.5574778209309077, 3909.7113641245264, 0.1 + 0.2, 1e21, 123456789012345680}
	rng := rand.New(rand.NewPCG(3, 4))
	var got, want bytes.Buffer
	c := newCSVWriter(&got)
	prev := math.NaN()
	for range 5000 {
		n := maxMemoColumns + 3
		for col := range n {
			v := vals[rng.IntN(len(vals))]
			if rng.IntN(3) > 0 && col%2 == 0 {
				v = vals[col%len(vals)] // often the same value down a column
			}
			if col > 0 && rng.IntN(3) == 0 {
				v = prev // often the value of the field before it
			}
			switch {
			case col == 4 && rng.IntN(4) == 0:
				// a text field, then (below) an empty one, between
				// floats: the span of the float before them is no
				// longer the previous field (a stale span would write
				// the wrong text)
				c.String("x")
				want.WriteString(",x")
				prev = math.NaN()
				continue
			case col == 6 && rng.IntN(4) == 0:
				c.FloatOrEmpty(math.NaN())
				want.WriteByte(',')
				prev = math.NaN()
				continue
			}
			c.Float(v)
			if col > 0 {
				want.WriteByte(',')
			}
			want.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
			prev = v
		}
		c.EndRow()
		want.WriteByte('\n')
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		g, w := strings.Split(got.String(), "\n"), strings.Split(want.String(), "\n")
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Fatalf("row %d:\n got %s\nwant %s", i, g[i], w[i])
			}
		}
		t.Fatal("repeated floats are not written as strconv formats them")
	}
}

// TestCSVWriterDateSteps writes dates in the steps a curve takes (every
// day of four centuries, then steps of 0 to 40 days forward and some
// back) through one writer, whose memo of the last date must never show
// through: each row is time.Format's date.
func TestCSVWriterDateSteps(t *testing.T) {
	var days []int64
	for d := int64(-98_000); d < 48_000; d++ { // 1701-09 to 2101-06, every day
		days = append(days, d)
	}
	r := rand.New(rand.NewPCG(3, 4))
	d := int64(-3)
	for range 100_000 {
		switch k := r.IntN(10); {
		case k < 6:
			d += int64(r.IntN(3)) // 0, 1 or 2 days
		case k < 9:
			d += int64(r.IntN(41))
		default:
			d -= int64(r.IntN(40))
		}
		days = append(days, d)
	}
	var got bytes.Buffer
	c := newCSVWriter(&got)
	var want []byte
	for _, d := range days {
		c.Time(d*data.NanosPerDay, dateLayout)
		c.EndRow()
		want = append(want, time.Unix(0, d*data.NanosPerDay).UTC().Format(dateLayout)...)
		want = append(want, '\n')
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		g, w := strings.Split(got.String(), "\n"), strings.Split(string(want), "\n")
		for i := range w {
			if g[i] != w[i] {
				t.Fatalf("row %d (day %d): %s, want %s", i, days[i], g[i], w[i])
			}
		}
	}
}
