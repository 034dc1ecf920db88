package report

import (
	"math"
	"strconv"
)

// The report's charts read their data from one JSON object inlined in the
// page (see [payload]). Numbers are written compactly, by what they are:
//
//   - times as whole UTC Unix seconds (uPlot's x unit), each column of
//     them delta-encoded (see [secs]): the page's script decodes every
//     "t" of the object once, after parsing it, so that only fields
//     named "t" may hold times, and every one of them does;
//   - money to the cent (equity), so that the hover read-out shows the
//     equity of equity.parquet at that date to the cent;
//   - ratios (growth, drawdown, exposure, rolling statistics) to 5
//     significant digits, more than a chart or its read-out shows.
//
// NaN is null (a gap in a line); +Inf and −Inf are the strings "Infinity"
// and "-Infinity", as in the runs table's JSON (see the package
// documentation).

// secs are UTC Unix nanoseconds written as whole seconds, delta-encoded:
// n times are n+1 integers, the first time, a unit u (seconds), then the
// n−1 steps from each time to the next in units of u:
//
//	t[0] = a[0]; t[i] = t[i−1] + a[i+1]·u (u = a[1])
//
// u is the greatest common divisor of the steps (1 when every step is 0),
// so that a daily column writes its steps in days ("1", "3" over a
// weekend): two characters a time where the absolute seconds took
// eleven. An empty column is []. Every number stays a whole number of
// seconds well below 2⁵³: the script's decoding is exact.
type secs []int64

func (s secs) MarshalJSON() ([]byte, error) {
	if len(s) == 0 {
		return []byte("[]"), nil
	}
	u := int64(0)
	prev := floorDiv(s[0], 1e9)
	for _, t := range s[1:] {
		x := floorDiv(t, 1e9)
		u = gcd(u, x-prev)
		prev = x
	}
	if u == 0 {
		u = 1
	}
	b := make([]byte, 0, 3*len(s)+24)
	b = append(b, '[')
	prev = floorDiv(s[0], 1e9)
	b = strconv.AppendInt(b, prev, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, u, 10)
	for _, t := range s[1:] {
		x := floorDiv(t, 1e9)
		b = append(b, ',')
		b = strconv.AppendInt(b, (x-prev)/u, 10)
		prev = x
	}
	return append(b, ']'), nil
}

// gcd is the greatest common divisor of |a| and |b| (0 when both are 0).
func gcd(a, b int64) int64 {
	if a < 0 {
		a = -a
	}
	if b < 0 {
		b = -b
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// cents are amounts of money, written to two decimals.
type cents []float64

func (c cents) MarshalJSON() ([]byte, error) { return appendNums(c, 'f', 2), nil }

// ratios are dimensionless values, written to 5 significant digits.
type ratios []float64

func (r ratios) MarshalJSON() ([]byte, error) { return appendNums(r, 'g', 5), nil }

// prices are prices, written to 8 significant digits (a fill's price
// reads as the fill's).
type prices []float64

func (p prices) MarshalJSON() ([]byte, error) { return appendNums(p, 'g', 8), nil }

// number is one float written as JSON: null for NaN, "Infinity" or
// "-Infinity" for infinities, else the shortest representation.
type number float64

func (n number) MarshalJSON() ([]byte, error) { return appendNum(nil, float64(n), 'g', -1), nil }

func appendNums(vs []float64, format byte, prec int) []byte {
	b := make([]byte, 0, 10*len(vs)+2)
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendNum(b, v, format, prec)
	}
	return append(b, ']')
}

func appendNum(b []byte, v float64, format byte, prec int) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "null"...)
	case math.IsInf(v, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(v, -1):
		return append(b, `"-Infinity"`...)
	}
	if format == 'f' {
		v = math.Round(v*100) / 100
	}
	s := strconv.AppendFloat(b, v, format, prec, 64)
	// "-0" and "-0.00" read as 0.
	if v == 0 {
		s = strconv.AppendFloat(b, 0, format, prec, 64)
	}
	return s
}
