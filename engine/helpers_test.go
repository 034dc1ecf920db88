package engine

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// bars builds a series from (date, open, high, low, close) rows.
type row struct {
	day            string
	o, h, l, c, vo float64
}

func series(t testing.TB, sym string, class data.Class, rows []row) data.Series {
	t.Helper()
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class, Source: "test"}}
	for _, r := range rows {
		ts, err := data.ParseDay(r.day)
		if err != nil {
			t.Fatal(err)
		}
		s.Time = append(s.Time, ts)
		s.Open = append(s.Open, r.o)
		s.High = append(s.High, r.h)
		s.Low = append(s.Low, r.l)
		s.Close = append(s.Close, r.c)
		s.AdjClose = append(s.AdjClose, r.c)
		s.Volume = append(s.Volume, r.vo)
	}
	if err := s.Validate(sym); err != nil {
		t.Fatal(err)
	}
	s.SetInterval() // as the readers do
	return s
}

func panel(s ...data.Series) *data.Panel { return &data.Panel{Series: s} }

// script is a strategy driven by a function, for tests.
type script func(ctx *Context, s *Slice) error

func (f script) OnBar(ctx *Context, s *Slice) error { return f(ctx, s) }

func near(a, b, rel float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	m := a
	if m < 0 {
		m = -m
	}
	if bb := b; bb < 0 && -bb > m {
		m = -bb
	} else if bb > m {
		m = bb
	}
	return d <= rel*m || d < 1e-12
}
