package scenarios

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// MonteCarloConfig sets up a stationary block bootstrap (Politis and
// Romano, 1994) of a panel's joint daily returns.
type MonteCarloConfig struct {
	// Paths is the number of paths (> 0).
	Paths int
	// Length is the length of a path in calendar days (> 0): that many
	// dates, or the weekdays among them when the source trades on
	// weekdays only, less the NYSE's holidays when it closes on them
	// (PathDates).
	Length int
	// MeanBlock is the mean block length in dates (>= 1): each next date
	// starts a new block with probability 1/MeanBlock, else it follows
	// the previous one (circularly).
	MeanBlock float64
	// Seed is the root seed; path i draws from a PCG seeded with a stable
	// hash of (Seed, i).
	Seed uint64
	// Start is the first path date (UTC ns); path date j is Start + j days.
	// 0 = the day after the source's last date.
	Start int64
	// StartPrices gives an instrument's close before the first path date;
	// default: its last close in the source.
	StartPrices map[string]float64

	// Shock, when set, is applied to a path with probability ShockProb,
	// with ApplyOptions{Rand: the path's generator, Start: the path's
	// first date, Source: ShockSource}; its shocks usually say random =
	// true. Groups nil means DefaultGroups().
	Shock       *Scenario
	ShockProb   float64
	ShockSource *data.Panel
	Groups      map[string][]string
	// ShockSourceDividends are the cash dividends of ShockSource's raw
	// prices (ApplyOptions.SourceDividends): a shock's replay reads the
	// holder's return across them (nil: none).
	ShockSourceDividends map[string][]engine.Dividend

	// Splits, by symbol, are the stock splits of raw (unadjusted) source
	// prices (as ApplyOptions.Splits): at an instrument's first bar at or
	// after a split's Time its close falls by the ratio without a loss
	// to the holder. The bootstrap draws the holder's return there (the
	// close times the ratio over the close before), not the fall, and a
	// path's prices continue from the last source close, on the shares
	// of that date (after every split in the source): no split falls on
	// a path, and a drawn bar's volume is counted in those shares (times
	// the ratios of the splits after it). A path's splits are the
	// history's alone (HistorySplits); a shock's source reads them all
	// (ApplyOptions.SourceSplits), past the history's end too.
	Splits map[string][]engine.Split
	// Dividends, by symbol, are the cash dividends of raw source prices
	// (as ApplyOptions.Dividends), on the source's dates. A path pays
	// those of the source dates it draws, on its own dates
	// (Path.Dividends), and its shock reads them there.
	Dividends map[string][]engine.Dividend
}

// MonteCarlo draws paths from a source panel. It is read-only after
// NewMonteCarlo and safe for concurrent use.
//
// Mixed calendars: the bootstrap runs on the union timeline of the source.
// At each union date an instrument either has a bar (its return is the log
// change of its close since its previous bar, and its bar's shape is kept:
// open, high and low relative to the close, and its volume) or it has none
// (its return that date is 0, and it has no bar at that path date either).
// Whole dates are drawn together, so weekends stay equity-free and an
// equity's Monday return (which spans the weekend) stays on the date it was
// drawn with. An instrument's first source bar has no return and counts as
// "no bar"; a union date on which every bar is a first bar (a token listed
// on a Saturday beside equities) carries no return and is not drawn, so
// every path date has a bar. Path dates are consecutive calendar days from Start, or the
// weekdays among them when the source has no weekend date (exchange
// sessions only), less the NYSE's holidays when the source closes on
// them: each path date draws one source date, so a year of NYSE sessions
// holds about 252 returns, not 365.
type MonteCarlo struct {
	cfg   MonteCarloConfig
	src   *data.Panel
	dates int     // T: usable source dates (union dates after the first on which some instrument has a return)
	union []int32 // the union-timeline index of each usable source date
	times []int64 // the union timeline: the source's dates
	// per instrument, per usable source date (columnar):
	bars       [][]srcBar
	startPrice []float64
	start      int64
	pathTimes  []int64 // the path dates (see NewMonteCarlo)
	// historySplits are cfg.Splits in the source's prices
	// (HistorySplits).
	historySplits map[string][]engine.Split
}

// srcBar is an instrument's bar at a source date, relative to its close:
// g = C_k/C_{k-1} (0 = no bar that date), o, h, l = O/C, H/C, L/C, v the
// volume. One struct per (instrument, date) keeps a draw's reads on one
// cache line.
type srcBar struct{ g, o, h, l, v float64 }

// Path is one Monte Carlo path.
type Path struct {
	Index int
	Panel *data.Panel
	Env   *Env // nil unless a shock was applied
	// Draws[j] is the source date (index into the union timeline, from 1)
	// whose returns path date j carries.
	Draws []int32
	// Shocked says a shock was applied and changed the path: a bar or
	// the environment (a scenario aimed at instruments the path has not,
	// or at none of their bars, changes nothing: its path is not
	// shocked).
	Shocked bool
	// Dividends are the cash dividends the path pays, on its dates, by
	// symbol (MonteCarloConfig.Dividends; nil without them): path date j
	// pays those of the source bar it draws at the same yield, reckoned
	// on the path before its shock, which reads them
	// (ApplyOptions.Dividends) and keeps their fall.
	Dividends map[string][]engine.Dividend
}

// DailyOnly refuses a panel with intraday bars for the bootstrap, naming
// the first such series: the bootstrap draws whole dates of daily
// returns and lays them out one calendar day apart, which would turn an
// hour's move into a day's. Resample the bars to 1d (an experiment's bar
// = "1d") to bootstrap them.
func DailyOnly(p *data.Panel) error {
	for i := range p.Series {
		s := &p.Series[i]
		iv := s.BarInterval()
		if iv.Intraday() {
			return fmt.Errorf("scenarios: montecarlo: %s has %s bars; the bootstrap draws whole days of daily returns and does not take intraday bars (resample to daily bars, bar = \"1d\", to bootstrap them)", s.Symbol, iv)
		}
	}
	return nil
}

// NewMonteCarlo prepares the joint returns of src.
func NewMonteCarlo(src *data.Panel, cfg MonteCarloConfig) (*MonteCarlo, error) {
	switch {
	case cfg.Paths <= 0:
		return nil, fmt.Errorf("scenarios: montecarlo paths = %d: want > 0", cfg.Paths)
	case cfg.Length <= 0:
		return nil, fmt.Errorf("scenarios: montecarlo length = %d: want > 0", cfg.Length)
	case !(cfg.MeanBlock >= 1) || math.IsInf(cfg.MeanBlock, 0):
		return nil, fmt.Errorf("scenarios: montecarlo mean_block = %g: want a finite length >= 1", cfg.MeanBlock)
	case !(cfg.ShockProb >= 0 && cfg.ShockProb <= 1):
		return nil, fmt.Errorf("scenarios: montecarlo shock_prob = %g: want [0, 1]", cfg.ShockProb)
	case cfg.ShockProb > 0 && cfg.Shock == nil:
		return nil, fmt.Errorf("scenarios: montecarlo shock_prob = %g without a shock scenario", cfg.ShockProb)
	}
	if err := DailyOnly(src); err != nil {
		return nil, err
	}
	if cfg.Shock != nil {
		if err := cfg.Shock.Validate(); err != nil {
			return nil, fmt.Errorf("scenarios: montecarlo shock %q: %w", cfg.Shock.Name, err)
		}
	}
	n := len(src.Series)
	if n == 0 {
		return nil, errors.New("scenarios: montecarlo source panel has no instruments")
	}
	// union timeline by a k-way merge
	var times []int64
	cur := make([]int, n)
	for {
		next, ok := int64(0), false
		for i := range src.Series {
			ts := src.Series[i].Time
			if cur[i] < len(ts) && (!ok || ts[cur[i]] < next) {
				next, ok = ts[cur[i]], true
			}
		}
		if !ok {
			break
		}
		times = append(times, next)
		for i := range src.Series {
			ts := src.Series[i].Time
			if cur[i] < len(ts) && ts[cur[i]] == next {
				cur[i]++
			}
		}
	}
	if len(times) < 2 {
		return nil, errors.New("scenarios: montecarlo source panel needs at least two dates")
	}
	U := len(times) - 1
	mc := &MonteCarlo{cfg: cfg, src: src, times: times,
		bars:       make([][]srcBar, n),
		startPrice: make([]float64, n)}
	for i := range src.Series {
		s := &src.Series[i]
		mc.bars[i] = make([]srcBar, U)
		// held[k]/held[last]: the shares of the source's last date one
		// share at bar k has become (1 without a split).
		held := splitFactors(s, cfg.Splits[s.Symbol])
		k := 0
		for d := 1; d <= U; d++ {
			for k < len(s.Time) && s.Time[k] < times[d] {
				k++
			}
			if k < len(s.Time) && s.Time[k] == times[d] && k > 0 {
				c, v := s.Close[k], s.Volume[k]
				if held != nil {
					v *= held[len(held)-1] / held[k]
				}
				mc.bars[i][d-1] = srcBar{g: c * splitRatio(held, k) / s.Close[k-1], o: s.Open[k] / c, h: s.High[k] / c, l: s.Low[k] / c, v: v}
			}
		}
		p, ok := cfg.StartPrices[s.Symbol]
		if !ok {
			if s.Len() == 0 {
				return nil, fmt.Errorf("scenarios: montecarlo source %s has no bars and no start price", s.Symbol)
			}
			p = s.Close[s.Len()-1]
		}
		if !(p > 0) || math.IsInf(p, 0) {
			return nil, fmt.Errorf("scenarios: montecarlo start_prices.%s = %g: want a positive price", s.Symbol, p)
		}
		mc.startPrice[i] = p
	}
	// The dates drawn from: the union dates on which some instrument has
	// a return. A date that holds only first bars (a token listed on a
	// Saturday beside equities) has none: drawn, it would leave its path
	// date without a bar of any instrument, one date short of the other
	// paths (an experiment's runs then disagree on the paths' dates).
	for d := 0; d < U; d++ {
		for i := range mc.bars {
			if mc.bars[i][d].g != 0 {
				mc.union = append(mc.union, int32(d+1))
				break
			}
		}
	}
	if len(mc.union) < U {
		for i := range mc.bars {
			b := mc.bars[i][:0]
			for _, d := range mc.union {
				b = append(b, mc.bars[i][d-1])
			}
			mc.bars[i] = b
		}
	}
	mc.dates = len(mc.union)
	if mc.dates == 0 {
		return nil, errors.New("scenarios: montecarlo source panel has no date with a return (every instrument's bars are its first)")
	}
	// The first unknown instrument by name, the same on every run.
	for _, sym := range slices.Sorted(maps.Keys(cfg.StartPrices)) {
		if src.Index(sym) < 0 {
			return nil, fmt.Errorf("scenarios: montecarlo start_prices.%s: not in the source panel (have %v)", sym, src.Symbols())
		}
	}
	mc.start = cfg.Start
	if mc.start == 0 {
		mc.start = times[len(times)-1] + data.NanosPerDay
	}
	// Path dates: Length calendar days from start, or, when the source
	// has no weekend date (exchange sessions only), the weekdays among
	// them, less the NYSE's holidays when the source closes on them:
	// each date draws a source date's returns, and a session's return on
	// a Saturday would put 365 sessions in a calendar year (on every
	// weekday, 261).
	weekend := data.HasWeekend(times)
	holidays := !weekend && closesOnNYSEHolidays(times)
	for j := 0; j < cfg.Length; j++ {
		t := mc.start + int64(j)*data.NanosPerDay
		if weekend || (holidays && data.NYSESession(t)) || (!holidays && data.Weekday(t) < 5) {
			mc.pathTimes = append(mc.pathTimes, t)
		}
	}
	last := times[len(times)-1]
	for sym, sps := range cfg.Splits {
		n := sort.Search(len(sps), func(k int) bool { return sps[k].Time > last })
		if n > 0 {
			if mc.historySplits == nil {
				mc.historySplits = map[string][]engine.Split{}
			}
			mc.historySplits[sym] = sps[:n:n]
		}
	}
	if len(mc.pathTimes) == 0 {
		what := "weekday"
		if holidays {
			what = "NYSE session"
		}
		return nil, fmt.Errorf("scenarios: montecarlo length = %d days from %s holds no %s, and the source trades on %ss only", cfg.Length, data.FormatDay(mc.start), what, what)
	}
	return mc, nil
}

// shockStart is the date a shocked path's scenario starts at (its day
// 0). A scenario placed by day offsets alone (every library scenario)
// starts at one of the path's dates from the third on, drawn uniformly
// from the path's generator: at the path's first date, where it was
// placed before, it moved prices before any position existed (a strategy
// decides on the first date's close and fills at the second's open,
// which a gap has moved too), and changed nothing of a book built after
// it. A scenario with a shock at a random or fixed date keeps the path's
// first date as its start: a random shock draws its own date over the
// path.
//
// The date is drawn among those that leave the scenario's latest day
// offset on the path (a jump at day 3 from the path's last date would be
// after its last bar); a regime may run past the path's end, cut there.
// A path too short for the scenario from its third date starts it at
// the latest date that fits (the first or second; the path's first date
// when none does).
func (mc *MonteCarlo) shockStart(rng *rand.Rand) int64 {
	last := 0
	for _, sh := range mc.cfg.Shock.Shocks {
		w, ok := Timing(sh)
		if ok && (w.Random || w.Dated()) {
			return mc.start
		}
		last = max(last, w.Day)
	}
	t := mc.pathTimes
	limit := t[len(t)-1] - int64(last)*data.NanosPerDay
	hi := sort.Search(len(t), func(k int) bool { return t[k] > limit }) - 1 // the last date that fits
	lo := min(2, max(hi, 0))
	if hi < lo {
		return mc.start
	}
	return t[lo+rng.IntN(hi-lo+1)]
}

// PathDates is the number of dates of every path: the configured length
// in calendar days, or its weekdays when the source trades on weekdays
// only, less the NYSE's holidays when the source closes on them too
// (closesOnNYSEHolidays).
func (mc *MonteCarlo) PathDates() int { return len(mc.pathTimes) }

// closesOnNYSEHolidays reports whether a source of weekday dates keeps
// the NYSE's calendar: its span (first to last date) holds at least one
// weekday NYSE holiday (data.NYSEHolidays) and it has a date on none of
// them. A source with a bar on such a holiday (another exchange's
// calendar, a synthetic market without holidays) keeps every weekday.
func closesOnNYSEHolidays(times []int64) bool {
	if len(times) == 0 {
		return false
	}
	first, last := data.DayNumber(times[0]), data.DayNumber(times[len(times)-1])
	have := make(map[int64]bool, len(times))
	for _, t := range times {
		have[data.DayNumber(t)] = true
	}
	y0 := time.Unix(0, times[0]).UTC().Year()
	y1 := time.Unix(0, times[len(times)-1]).UTC().Year()
	seen := false
	for y := y0; y <= y1; y++ {
		for _, h := range data.NYSEHolidays(y) {
			d := data.DayNumber(h.UnixNano())
			if d < first || d > last || data.Weekday(h.UnixNano()) >= 5 {
				continue
			}
			if have[d] {
				return false
			}
			seen = true
		}
	}
	return seen
}

// SourceTime is the time of source date u as Path.Draws gives it (an
// index into the source's union timeline): what a path date carries
// besides the bars, a perpetual's funding events of that day, is read
// from there.
func (mc *MonteCarlo) SourceTime(u int32) int64 { return mc.times[u] }

// HistorySplits are the splits of MonteCarloConfig.Splits that are in
// the source's prices, by symbol: those dated on or before its last
// date (nil when none is). The engine on a path is given these alone
// (all dated before the path's first step, so none of them changes a
// position or a mark there), and a shock reads them on the path
// (ApplyOptions.Splits). A split dated after the last date
// is in no bar of the source and on no path, whose prices continue from
// the last close on that date's shares: the engine takes a split at the
// first step on or after its date, so one dated on the weekend or the
// holiday between the source's last session and a path's first (which
// skips days the source never trades) would apply on the path's first
// date, dividing the last mark of an instrument without a bar there by
// its ratio while the path's next bar did not fall; one dated later
// would multiply a position with no fall in the path's price.
func (mc *MonteCarlo) HistorySplits() map[string][]engine.Split { return mc.historySplits }

// PathTime is the time of path date j (0 <= j < PathDates), the date
// that carries the source date Path.Draws[j].
func (mc *MonteCarlo) PathTime(j int) int64 { return mc.pathTimes[j] }

// SourceDates is the number of source dates the bootstrap draws from.
func (mc *MonteCarlo) SourceDates() int { return mc.dates }

// PathSeed returns the two PCG seeds of path i: a stable hash (SplitMix64)
// of the root seed and the path index, the same on every machine.
func PathSeed(root uint64, i int) (uint64, uint64) {
	a := splitmix(root ^ splitmix(uint64(i)+0x9e3779b97f4a7c15))
	b := splitmix(a ^ 0x6469766572676e63)
	return a, b
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Path generates path i (0 <= i < Paths). The same (config, i) always
// gives the same path, and paths share nothing: generate them in any
// order, on any number of goroutines (package experiment runs them on its
// worker pool), and store what they give by Path.Index.
func (mc *MonteCarlo) Path(i int) (*Path, error) {
	if i < 0 || i >= mc.cfg.Paths {
		return nil, fmt.Errorf("scenarios: path %d out of range [0, %d)", i, mc.cfg.Paths)
	}
	rng := rand.New(rand.NewPCG(PathSeed(mc.cfg.Seed, i)))
	L, T := len(mc.pathTimes), mc.dates
	draws := make([]int32, L)
	p := 1 / mc.cfg.MeanBlock
	d := rng.IntN(T)
	for j := 0; j < L; j++ {
		if j > 0 {
			if rng.Float64() < p {
				d = rng.IntN(T)
			} else {
				d = (d + 1) % T
			}
		}
		draws[j] = int32(d)
	}
	out := &data.Panel{Synthetic: true, Series: make([]data.Series, len(mc.src.Series)),
		Description: fmt.Sprintf("bootstrap path %d (seed %d, mean block %g) of %s", i, mc.cfg.Seed, mc.cfg.MeanBlock, mc.src.Description)}
	for k := range mc.src.Series {
		bars := mc.bars[k]
		n := 0
		for _, d := range draws {
			if bars[d].g != 0 {
				n++
			}
		}
		s := data.Series{Instrument: mc.src.Series[k].Instrument, Interval: data.Daily} // path dates are calendar days
		s.Source = "bootstrap"
		buf := make([]float64, 5*n)
		s.Open, s.High, s.Low, s.Close, s.Volume = buf[:n:n], buf[n:2*n:2*n], buf[2*n:3*n:3*n], buf[3*n:4*n:4*n], buf[4*n:]
		s.AdjClose = s.Close
		s.Time = make([]int64, n)
		c := mc.startPrice[k]
		b := 0
		for j, d := range draws {
			sb := &bars[d]
			if sb.g == 0 {
				continue
			}
			c *= sb.g
			s.Time[b] = mc.pathTimes[j]
			s.Open[b], s.High[b], s.Low[b], s.Close[b], s.Volume[b] = c*sb.o, c*sb.h, c*sb.l, c, sb.v
			b++
		}
		out.Series[k] = s
	}
	path := &Path{Index: i, Panel: out, Draws: draws}
	for j, d := range draws {
		draws[j] = mc.union[d] // report union-timeline indices (date 0 has no returns)
	}
	path.Dividends = mc.pathDividends(out, draws)
	if mc.cfg.Shock != nil && mc.cfg.ShockProb > 0 && rng.Float64() < mc.cfg.ShockProb {
		// The shock reads the path's own dividends, on its dates; its
		// source (another window, never the path) its own, none when
		// not given (the path's would be read at the source's dates).
		srcDivs := mc.cfg.ShockSourceDividends
		if srcDivs == nil && path.Dividends != nil {
			srcDivs = map[string][]engine.Dividend{}
		}
		sp, env, err := mc.cfg.Shock.Apply(out, mc.cfg.Groups, ApplyOptions{Source: mc.cfg.ShockSource, Rand: rng, Start: mc.shockStart(rng), Splits: mc.historySplits, SourceSplits: mc.cfg.Splits,
			Dividends: path.Dividends, SourceDividends: srcDivs})
		if err != nil {
			return nil, fmt.Errorf("scenarios: path %d: %w", i, err)
		}
		path.Panel, path.Env, path.Shocked = sp, env, env.Shocked() || changed(out, sp)
	}
	return path, nil
}

// pathDividends gives the cash dividends (MonteCarloConfig.Dividends)
// their events on path panel p before its shock, as the returns travel:
// path date j, whose bar of an instrument carries the return of its bar
// on the source date it draws (draws[j], a union-timeline index), pays
// the dividends of that source bar (dated after the instrument's bar
// before it, up to it) at the same yield: amount / the source's close
// before × the path's close before, the fall the path's bar carries. The
// source's dividends are on the history's dates, before every path: read
// at the path's dates, no path paid any, while the bootstrap's raw
// returns carry their ex-date falls. An amount per share after a split
// of raw prices (one dated after the close before, up to the dividend's
// date, as engine.Dividend reads it) is over that close divided by the
// split's ratio: the yield of a 2-for-1's ex-date is 2 × amount / the
// close before (the path carries the holder's return there). Nil
// without dividends.
func (mc *MonteCarlo) pathDividends(p *data.Panel, draws []int32) map[string][]engine.Dividend {
	divs, splits := mc.cfg.Dividends, mc.cfg.Splits
	if len(divs) == 0 {
		return nil
	}
	out := make(map[string][]engine.Dividend, len(divs))
	for i := range p.Series {
		ps := &p.Series[i]
		ds := divs[ps.Symbol]
		k0 := mc.src.Index(ps.Symbol)
		if len(ds) == 0 || k0 < 0 {
			continue
		}
		ss := &mc.src.Series[k0]
		var got []engine.Dividend
		for j, u := range draws {
			t := mc.times[u]
			k, ok := slices.BinarySearch(ss.Time, t)
			if !ok || k == 0 {
				continue // no bar of the instrument on that date, or no return
			}
			b, ok := slices.BinarySearch(ps.Time, mc.pathTimes[j])
			if !ok || b == 0 {
				continue // the path's first bar: nothing is held going into it
			}
			lo := sort.Search(len(ds), func(x int) bool { return ds[x].Time > ss.Time[k-1] })
			for x := lo; x < len(ds) && ds[x].Time <= t; x++ {
				ratio := 1.0 // new shares per share held at the close before
				for _, sp := range splits[ps.Symbol] {
					if sp.Time > ss.Time[k-1] && sp.Time <= ds[x].Time {
						ratio *= sp.Ratio
					}
				}
				if a := ds[x].Amount * ratio / ss.Close[k-1] * ps.Close[b-1]; a > 0 && !math.IsInf(a, 0) {
					got = append(got, engine.Dividend{Time: ps.Time[b], Amount: a})
				}
			}
		}
		if got != nil {
			out[ps.Symbol] = got
		}
	}
	return out
}

// changed reports whether a shock changed any bar of the path (b is a
// after it): a scenario whose instruments are not on the path (a
// group of tokens beside equities alone) changes none, and its path is
// not shocked.
func changed(a, b *data.Panel) bool {
	for i := range a.Series {
		x, y := &a.Series[i], &b.Series[i]
		if !slices.Equal(x.Time, y.Time) || !slices.Equal(x.Open, y.Open) || !slices.Equal(x.High, y.High) ||
			!slices.Equal(x.Low, y.Low) || !slices.Equal(x.Close, y.Close) || !slices.Equal(x.Volume, y.Volume) {
			return true
		}
	}
	return false
}
