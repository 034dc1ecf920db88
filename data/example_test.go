package data_test

import (
	"fmt"
	"math"

	"github.com/divergence-research/divergence/data"
)

// A panel a program builds from its own Go slices: one Series per
// instrument, every column (Open, High, Low, Close, AdjClose, Volume) one
// value per time, times strictly increasing, daily bars stamped 00:00 UTC
// of their date. Validate checks it as the readers check a file's bars and
// names the series (its Source, else its symbol) and the bar (1-based,
// when the series has no Rows).
func ExamplePanel_Validate() {
	closes := []float64{100, 102, 101}
	s := data.Series{Instrument: data.Instrument{Symbol: "AAA", Class: data.Crypto}}
	for k, c := range closes {
		s.Time = append(s.Time, data.Day(2024, 1, 1+k))
		s.Open, s.High, s.Low, s.Close = append(s.Open, c), append(s.High, c+1), append(s.Low, c-1), append(s.Close, c)
		s.AdjClose, s.Volume = append(s.AdjClose, c), append(s.Volume, math.NaN()) // NaN volume: unknown
	}
	p := &data.Panel{Series: []data.Series{s}, Description: "my own bars"}
	fmt.Println("valid:", p.Validate())

	bad := s
	bad.Close = append([]float64(nil), s.Close...) // a copy: s keeps its close
	bad.Close[1] = math.NaN()
	fmt.Println((&data.Panel{Series: []data.Series{bad}}).Validate())

	short := s
	short.Volume = short.Volume[:2]
	fmt.Println((&data.Panel{Series: []data.Series{short}}).Validate())

	fmt.Println((&data.Panel{Series: []data.Series{s, s}}).Validate())
	// Output:
	// valid: <nil>
	// AAA:2: 2024-01-02 close is NaN or empty
	// AAA: column lengths differ (3 times, 2 volume values)
	// data: symbol "AAA" appears twice in the panel
}
