package metrics

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"slices"
)

// Merge adds the paths of o to b, as if each of o's paths had been given
// to b.Add after b's own: bands computed in parts (the shards of an
// experiment, each over a range of paths) merge into the bands of the
// whole. b and o must have the same days, quantiles and relative error.
//
// The result equals, bit for bit, that of adding every path to one Bands
// in path order, with b's paths before o's: while the total stays within
// the exact limit the values are concatenated in that order; beyond it
// every value goes into the sketch, whose state (per day: bin counts,
// zero, one and infinite counts, exact minimum and maximum) does not depend on
// the order values arrive in — except on a day whose magnitudes span more
// than MaxRange, where bins are merged and which bins are merged depends
// on the order (the estimate then stays within the documented bounds).
func (b *Bands) Merge(o *Bands) error {
	if b.days != o.days || !slices.Equal(b.qs, o.qs) || b.alpha != o.alpha || b.exact != o.exact {
		return fmt.Errorf("metrics: merging bands of %d days, quantiles %v, error %g, %d exact paths into %d days, %v, %g, %d",
			o.days, o.qs, o.alpha, o.exact, b.days, b.qs, b.alpha, b.exact)
	}
	total := b.paths + o.paths
	if b.sketch == nil && total <= b.exact {
		for d := range b.kept {
			b.kept[d] = append(b.kept[d], o.kept[d]...)
		}
		b.paths = total
		return nil
	}
	if b.sketch == nil {
		b.toSketch()
	}
	if o.sketch == nil {
		for d, vals := range o.kept {
			for _, v := range vals {
				b.sketch[d].add(v, b.logGamma, b.maxBins)
			}
		}
	} else {
		for d := range b.sketch {
			b.sketch[d].merge(&o.sketch[d], b.maxBins)
		}
	}
	b.paths = total
	return nil
}

// toSketch moves the kept values into the sketch, in path order per day.
func (b *Bands) toSketch() {
	b.sketch = make([]daySketch, b.days)
	for d, vals := range b.kept {
		for _, v := range vals {
			b.sketch[d].add(v, b.logGamma, b.maxBins)
		}
	}
	b.kept = nil
}

func (s *daySketch) merge(o *daySketch, maxBins int) {
	if o.n == 0 {
		return
	}
	if s.n == 0 || o.min < s.min {
		s.min = o.min
	}
	if s.n == 0 || o.max > s.max {
		s.max = o.max
	}
	s.n += o.n
	s.zero += o.zero
	s.one += o.one
	s.pInf += o.pInf
	s.nInf += o.nInf
	for j, c := range o.pos.c {
		if c > 0 {
			s.pos.addN(o.pos.off+j, c, maxBins)
		}
	}
	for j, c := range o.neg.c {
		if c > 0 {
			s.neg.addN(o.neg.off+j, c, maxBins)
		}
	}
}

// bandsState is Bands' state as gob encodes it.
type bandsState struct {
	Days, Exact, Paths int
	Qs                 []float64
	Alpha              float64
	Kept               [][]float64
	Sketch             []sketchState
}

type sketchState struct {
	PosOff, NegOff      int
	Pos, Neg            []uint32
	Zero, PInf, NInf, N int64
	One                 int64
	Min, Max            float64
}

// MarshalBinary encodes the bands (their kept values or sketch) so that
// they can be saved by one process and merged by another ([Bands.Merge]);
// floats are kept bit for bit.
func (b *Bands) MarshalBinary() ([]byte, error) {
	st := bandsState{Days: b.days, Exact: b.exact, Paths: b.paths, Qs: b.qs, Alpha: b.alpha, Kept: b.kept}
	for _, s := range b.sketch {
		st.Sketch = append(st.Sketch, sketchState{PosOff: s.pos.off, NegOff: s.neg.off, Pos: s.pos.c, Neg: s.neg.c,
			Zero: s.zero, One: s.one, PInf: s.pInf, NInf: s.nInf, N: s.n, Min: s.min, Max: s.max})
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&st); err != nil {
		return nil, fmt.Errorf("metrics: bands: %w", err)
	}
	return buf.Bytes(), nil
}

// UnmarshalBinary decodes bands written by MarshalBinary.
func (b *Bands) UnmarshalBinary(p []byte) error {
	var st bandsState
	if err := gob.NewDecoder(bytes.NewReader(p)).Decode(&st); err != nil {
		return fmt.Errorf("metrics: bands: %w", err)
	}
	if !(st.Alpha > 0 && st.Alpha < 1) || st.Days < 0 || st.Exact < 0 {
		return fmt.Errorf("metrics: bands: bad state (%d days, error %g)", st.Days, st.Alpha)
	}
	nb := NewBandsWith(st.Days, st.Qs, st.Exact, st.Alpha)
	nb.paths = st.Paths
	if st.Sketch != nil {
		if len(st.Sketch) != st.Days {
			return fmt.Errorf("metrics: bands: %d day sketches for %d days", len(st.Sketch), st.Days)
		}
		nb.kept = nil
		nb.sketch = make([]daySketch, st.Days)
		for d, s := range st.Sketch {
			nb.sketch[d] = daySketch{pos: bins{off: s.PosOff, c: s.Pos}, neg: bins{off: s.NegOff, c: s.Neg},
				zero: s.Zero, one: s.One, pInf: s.PInf, nInf: s.NInf, n: s.N, min: s.Min, max: s.Max}
		}
	} else {
		for d := range nb.kept {
			if d < len(st.Kept) {
				nb.kept[d] = st.Kept[d]
			}
		}
	}
	*b = *nb
	return nil
}
