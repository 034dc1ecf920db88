package charts

import (
	"image/color"
	"slices"

	"gonum.org/v1/plot/vg"
)

// palette is Tableau 10 (matplotlib's "tab10"): ten hues that stay distinct
// on white, in print and for most colour-vision deficiencies when paired with
// the dash patterns below, and familiar to readers of matplotlib charts.
var palette = [...]color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, // blue
	{0xff, 0x7f, 0x0e, 0xff}, // orange
	{0x2c, 0xa0, 0x2c, 0xff}, // green
	{0xd6, 0x27, 0x28, 0xff}, // red
	{0x94, 0x67, 0xbd, 0xff}, // purple
	{0x8c, 0x56, 0x4b, 0xff}, // brown
	{0xe3, 0x77, 0xc2, 0xff}, // pink
	{0x7f, 0x7f, 0x7f, 0xff}, // grey
	{0xbc, 0xbd, 0x22, 0xff}, // olive
	{0x17, 0xbe, 0xcf, 0xff}, // cyan
}

// dashes are the line patterns of successive rounds of the palette: runs 0–9
// are solid, 10–19 dashed, and so on, so that two runs never share both
// colour and pattern until the 40th.
var dashes = [...][]vg.Length{
	nil,
	{vg.Points(6), vg.Points(3)},
	{vg.Points(1.5), vg.Points(2)},
	{vg.Points(8), vg.Points(3), vg.Points(1.5), vg.Points(3)},
}

// NumColors is the number of distinct colours [Color] cycles through.
const NumColors = len(palette)

// Color returns the i-th colour of the palette, cycling after [NumColors].
// A negative i is treated as its absolute value.
func Color(i int) color.Color {
	if i < 0 {
		i = -i
	}
	return palette[i%len(palette)]
}

// Dashes returns the line dash pattern of the i-th style (a fresh slice):
// solid (nil) for the first round of colours, then dashed, dotted and
// dash-dotted.
func Dashes(i int) []vg.Length {
	return slices.Clone(dashes[DashKind(i)])
}

// DashKind is the dash pattern of the i-th style: 0 solid, 1 dashed, 2
// dotted, 3 dash-dotted (the report's swatches draw it the same way).
func DashKind(i int) int {
	if i < 0 {
		i = -i
	}
	return (i / len(palette)) % len(dashes)
}

// Palette assigns every run a fixed style (colour and dash pattern), so that
// the same run looks the same in every chart of an experiment: build one
// Palette from all the experiment's run names and pass it to every chart.
//
// The style of a run is that of its index in the sorted, de-duplicated list
// of names ([NewPalette]): it depends only on the set of names, not on the
// order in which they were given or on which runs a given chart shows. Or
// it is its index in an order the caller gives ([NewPaletteInOrder]): an
// experiment's runs, those its charts show first, so that those get the
// ten distinct colours whatever the other runs' names.
//
// A chart that labels a run otherwise (by its key, or the same run under a
// stress scenario, "run@scenario") keeps the run's style through an alias
// ([Palette.WithAliases]).
type Palette struct {
	names []string // sorted, unique
	// order, when set, is each name's style index (NewPaletteInOrder).
	order map[string]int
	// alias maps another label to a name of names.
	alias map[string]string
}

// NewPalette returns the palette of the given run names.
func NewPalette(names []string) *Palette {
	s := slices.Clone(names)
	slices.Sort(s)
	return &Palette{names: slices.Compact(s)}
}

// NewPaletteInOrder returns the palette of the given run names in which
// each name has the style of its place in names (a name given twice keeps
// its first place): the first name blue, the second orange, and so on.
func NewPaletteInOrder(names []string) *Palette {
	p := &Palette{order: make(map[string]int, len(names))}
	for _, n := range names {
		if _, dup := p.order[n]; !dup {
			p.order[n] = len(p.order)
			p.names = append(p.names, n)
		}
	}
	slices.Sort(p.names)
	return p
}

// Index returns the style index of a run name, or -1 if the palette does not
// hold it.
func (p *Palette) Index(name string) int {
	if a, ok := p.alias[name]; ok {
		name = a
	}
	if p.order != nil {
		if i, ok := p.order[name]; ok {
			return i
		}
		return -1
	}
	i, ok := slices.BinarySearch(p.names, name)
	if !ok {
		return -1
	}
	return i
}

// Color returns the colour of a run name, or black if the palette does not
// hold it.
func (p *Palette) Color(name string) color.Color {
	i := p.Index(name)
	if i < 0 {
		return color.Black
	}
	return Color(i)
}

// WithAliases returns a palette with p's names and styles in which each
// label of alias has the style of the name it maps to (a label mapped to
// a name p lacks stays unknown). Aliases of p are kept unless alias
// redefines them; p itself is not changed. It lets every chart of a
// report label a run as it likes (its key, its scenario run's key) while
// the run keeps one colour.
func (p *Palette) WithAliases(alias map[string]string) *Palette {
	out := &Palette{names: p.names, order: p.order, alias: make(map[string]string, len(p.alias)+len(alias))}
	for k, v := range p.alias {
		out.alias[k] = v
	}
	for k, v := range alias {
		if _, own := slices.BinarySearch(p.names, k); own {
			continue // a run's own name is never redirected
		}
		out.alias[k] = v
	}
	return out
}
