package scenarios

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// fieldErr formats a validation error as ".key = value: problem"; Validate
// prefixes it with "shock[i]".
func fieldErr(key string, val any, format string, args ...any) error {
	return fmt.Errorf(".%s = %v: %s", key, val, fmt.Sprintf(format, args...))
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func checkMove(key string, x float64) error {
	switch {
	case !finite(x):
		return fieldErr(key, x, "not a finite number")
	case x <= -1:
		if x == -1 {
			return fieldErr(key, x, "a move of -100%% leaves no price")
		}
		return fieldErr(key, x, "a move below -100%%")
	}
	return nil
}

func (t Target) validate() error {
	if len(t.Groups) == 0 && len(t.Symbols) == 0 {
		return fmt.Errorf(": no instruments: give groups or symbols")
	}
	return nil
}

// maxDays bounds the keys counted in calendar days (100 years): past
// about 106,751 days, days × nanoseconds a day overflows int64 and a shock
// lands somewhere else without a word.
const maxDays = 36_525

func (w When) validate() error {
	if w.Day < 0 {
		return fieldErr("day", w.Day, "an offset before the start")
	}
	if w.Day > maxDays {
		return fieldErr("day", w.Day, "want at most %d (100 years)", maxDays)
	}
	if w.Dated() && w.Random {
		return fmt.Errorf(": give date or random, not both")
	}
	return nil
}

func (win Window) validate(w When) error {
	if win.Days < 0 {
		return fieldErr("days", win.Days, "a negative window")
	}
	if win.Days > maxDays {
		return fieldErr("days", win.Days, "want at most %d (100 years)", maxDays)
	}
	if !win.HasUntil() && win.Days == 0 {
		return fmt.Errorf(": give days or until (the window's length)")
	}
	if win.HasUntil() && win.Days != 0 {
		return fmt.Errorf(": give days or until, not both")
	}
	if win.HasUntil() && w.Random {
		// The drawn start could fall after until: the window's length,
		// or whether it has one, would depend on the seed.
		return fmt.Errorf(": give days with random = true, not until (a drawn start and a fixed end make a window of any length, or none)")
	}
	if win.HasUntil() && w.Dated() && win.Until <= w.Date {
		if w.Time {
			return fieldErr("until", data.FormatDay(win.Until), "not after time = %s: a window that ends before it starts", data.FormatTime(w.Date))
		}
		return fieldErr("until", data.FormatDay(win.Until), "not after date = %s: a window that ends before it starts", data.FormatDay(w.Date))
	}
	return nil
}

func (j JumpPath) validate() error {
	if j.SpreadDays < 0 {
		return fieldErr("spread_days", j.SpreadDays, "a negative number of days")
	}
	if j.RecoverDays < 0 {
		return fieldErr("recover_days", j.RecoverDays, "a negative number of days")
	}
	if j.SpreadDays > maxDays {
		return fieldErr("spread_days", j.SpreadDays, "want at most %d (100 years)", maxDays)
	}
	if j.RecoverDays > maxDays {
		return fieldErr("recover_days", j.RecoverDays, "want at most %d (100 years)", maxDays)
	}
	if !(j.Recover >= 0 && j.Recover <= 1) {
		return fieldErr("recover", j.Recover, "want a fraction of the move in [0, 1]")
	}
	if j.Recover > 0 && j.RecoverDays == 0 {
		return fmt.Errorf(".recover_days: required when recover > 0")
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// ---- jump ----

func (s *Jump) validate() error {
	if err := firstErr(s.Target.validate(), s.When.validate(), s.JumpPath.validate(), checkMove("move", s.Move)); err != nil {
		return err
	}
	for _, sym := range slices.Sorted(maps.Keys(s.Overrides)) {
		if err := checkMove("overrides."+sym, s.Overrides[sym]); err != nil {
			return err
		}
	}
	return nil
}

func (s *Jump) apply(v *view, key string) error {
	idx, err := v.resolve(s.Target, key)
	if err != nil {
		return err
	}
	move := make(map[int]float64, len(idx))
	for _, i := range idx {
		move[i] = s.Move
	}
	if err := v.overrides(s.Target, s.Overrides, move, key); err != nil {
		return err
	}
	t0, err := v.when(s.When, 0, key)
	if err != nil {
		return err
	}
	return v.jumpAll(move, t0, s.When, s.JumpPath)
}

// overrides sets per-symbol moves. An override must name one of the
// shock's targets; one naming a member of the shock's groups that the
// panel lacks is skipped like the member itself, and so is one naming a
// member of a built-in group of the shock that an experiment's [groups]
// redefined without it (the library's ai-bubble-burst overrides CRWV, a
// member of the built-in ai_tech: with ai_tech = [MSFT, NVDA, META] the
// user's groups decide the targets, and the scenario failed).
func (v *view) overrides(t Target, over map[string]float64, move map[int]float64, key string) error {
	builtin := DefaultGroups()
	for _, sym := range slices.Sorted(maps.Keys(over)) {
		i := v.out.Index(sym)
		if _, ok := move[i]; i >= 0 && ok {
			move[i] = over[sym]
			continue
		}
		inGroup, wasMember := false, false
		for _, g := range t.Groups {
			inGroup = inGroup || slices.Contains(v.groups[g], sym)
			wasMember = wasMember || !slices.Equal(v.groups[g], builtin[g]) && slices.Contains(builtin[g], sym)
		}
		if i < 0 && inGroup || wasMember {
			continue
		}
		if i < 0 {
			return fmt.Errorf("%s.overrides.%s: not in the panel and not a member of the shock's groups %v", key, sym, t.Groups)
		}
		return fmt.Errorf("%s.overrides.%s: not among the shock's targets (add it to symbols or to a group)", key, sym)
	}
	return nil
}

// jumpAll applies a jump path with per-instrument moves, in index order.
// An instrument whose first bar comes after t0 (listed after the move
// began: trading days after it, or, for a shock placed at an instant, on
// its date after the instant) takes the rest of the path from there,
// scaled so that its first bar opens where it traded (pathBars): the part
// of the move before it traded is not a return anyone could have held.
// One whose data ended before t0 (merged away, delisted) is left as it
// was, noted.
func (v *view) jumpAll(move map[int]float64, t0 int64, w When, p JumpPath) error {
	keys := make([]int, 0, len(move))
	for i := range move {
		keys = append(keys, i)
	}
	sort.Ints(keys)
	for _, i := range keys {
		if move[i] == 0 {
			continue
		}
		if v.endedBefore(i, t0, w, p.Gap) {
			v.noteEnded(i, t0, KindJump)
			continue
		}
		pre := v.missed(i, t0)
		late := pre > 0 || v.listedAfterInstant(i, t0, w)
		k0 := v.hit(i, t0, w, p.Gap)
		off, N, M := v.pathBars(i, k0, t0, late, pre, p)
		if late {
			s := &v.out.Series[i]
			var when, length string
			if s.BarInterval().Intraday() {
				when = fmt.Sprintf("%s first trades at %s, %s after the move at %s", s.Symbol,
					data.FormatStamp(s.Time[0]), counted(off, "bar"), data.FormatStamp(t0))
				length = fmt.Sprintf("%d-bar", N+M)
			} else {
				when = fmt.Sprintf("%s first trades on %s, %s after the move from %s began", s.Symbol,
					data.FormatDay(s.Time[0]), counted(pre, "trading day"), data.FormatDay(t0))
				length = fmt.Sprintf("%d-day", N+M)
			}
			if off >= N+M {
				v.note(i, when+": its "+length+" path had run its course")
				continue
			}
			v.say(i, when+": it takes the rest of the path from there")
		}
		v.jump(i, k0, off, N, M, move[i], p)
	}
	return nil
}

// endedBefore reports whether instrument i's data ended before a move
// at t0 (placed by w, a gap or not) reaches it, while the panel trades on:
// a token merged away, a delisting, a file that stops.
func (v *view) endedBefore(i int, t0 int64, w When, gap bool) bool {
	ts := v.out.Series[i].Time
	return len(ts) > 0 && v.hit(i, t0, w, gap) >= len(ts) && v.tradesFrom(t0)
}

// noteEnded says that instrument i, whose data ended before the shock
// of kind at t0, is left as it was: "before the wick at t0", "before the
// replay from t0 began", "before the move from t0 began" (a jump, a
// propagated shock).
func (v *view) noteEnded(i int, t0 int64, kind ShockKind) {
	ts := v.out.Series[i].Time
	before := fmt.Sprintf("the move from %s began", data.FormatStamp(t0))
	switch kind {
	case KindWick:
		before = "the wick at " + data.FormatStamp(t0)
	case KindTransplant:
		before = fmt.Sprintf("the replay from %s began", data.FormatStamp(t0))
	}
	v.note(i, fmt.Sprintf("%s's data ends on %s, before %s: it is left as it was, a position in it held at its last close",
		v.out.Series[i].Symbol, data.FormatStamp(ts[len(ts)-1]), before))
}

// listedAfterInstant reports whether instrument i's first bar opens
// after t0, a shock placed at an instant (w.Time) on the date i first
// trades: the dates it missed (view.missed) count 0, but the shock
// happened before it traded. Only on that same date: an equity first
// trading on the Monday after an instant on a Saturday also missed no
// session, and takes the shock at its first session as one trading
// throughout does (as it does with the shock placed by its date).
func (v *view) listedAfterInstant(i int, t0 int64, w When) bool {
	ts := v.out.Series[i].Time
	return w.Time && len(ts) > 0 && ts[0] > t0 && data.DayNumber(ts[0]) == data.DayNumber(t0)
}

// tradesFrom reports whether some instrument of the panel has a bar at
// or after t: a move from then on happens inside the data, and an
// instrument whose data ended before it misses it.
func (v *view) tradesFrom(t int64) bool {
	for i := range v.out.Series {
		if ts := v.out.Series[i].Time; len(ts) > 0 && ts[len(ts)-1] >= t {
			return true
		}
	}
	return false
}

// missed is the number of instrument i's trading dates from t0's date
// up to the date of its first bar, when that bar comes after t0: a
// token's days, an equity's NYSE sessions (0 when it trades by t0's
// date). A shock that began on them happened before the instrument
// traded.
func (v *view) missed(i int, t0 int64) int {
	s := &v.out.Series[i]
	if len(s.Time) == 0 || s.Time[0] <= t0 {
		return 0
	}
	n := 0
	for d := data.DayNumber(t0); d < data.DayNumber(s.Time[0]); d++ {
		if s.Class != data.Equity || data.NYSESession(d*data.NanosPerDay) {
			n++
		}
	}
	return n
}

// note tells the caller what a shock left undone on instrument i (it
// sees i unshocked); say what it did that the caller should know.
func (v *view) note(i int, text string) {
	if v.opt.Note != nil {
		v.opt.Note(v.out.Series[i].Symbol, text)
	}
}

func (v *view) say(i int, text string) {
	if v.opt.Said != nil {
		v.opt.Said(v.out.Series[i].Symbol, text)
	}
}

// jump scales instrument i's bars from k0 on by the cumulative factor
//
//	g(j) = (1+x)^((j+1)/N)               j < N          (spread over N bars)
//	g(j) = G1·(G2/G1)^((j-N+1)/M)        N <= j < N+M   (recovery over M bars)
//	g(j) = G2                            j >= N+M
//
// with G1 = 1+x, G2 = 1 + x·(1-y), j = k-k0. High, low and close of bar k
// are multiplied by g(j); the open by g(j) for a gap, by g(j-1) (g(-1) = 1)
// when the move happens during the bar. N, M and off are in bars
// (pathBars).
//
// off is the number of the path's bars that ran before bar k0, the
// instrument's first (a late listing): bar k then takes g(k + off),
// divided by g(off − 1), the level the path had reached before it, so
// that its first open stands where it traded.
//
// On raw prices with a cash dividend from k0 on (ApplyOptions.Dividends)
// a bar is not scaled: the holder's return across it, the close plus
// its dividend over the close before (holderGross), is multiplied by
// the path's step g(j)/g(j-1), and the close rebuilt from it still
// falls by the dividend itself (holderClose), which the engine pays: a
// dividend's fall scaled with the prices left the holder a gain of
// D·(1-g) a share, or a loss, that nothing paid. Without a dividend
// this is the scaling above.
func (v *view) jump(i, k0, off, N, M int, x float64, p JumpPath) {
	if k0 >= len(v.out.Series[i].Time) || x == 0 {
		return
	}
	s := v.prices(i)
	n := len(s.Close)
	G1 := 1 + x
	G2 := G1
	if M > 0 {
		G2 = 1 + x*(1-p.Recover)
	}
	g := func(j int) float64 {
		switch {
		case j < 0:
			return 1
		case j < N:
			if j == N-1 {
				return G1
			}
			return math.Pow(G1, float64(j+1)/float64(N))
		case j < N+M:
			return G1 * math.Pow(G2/G1, float64(j-N+1)/float64(M))
		}
		return G2
	}
	last := N + M // from here on the factor is constant
	base := g(off - 1)
	d := v.paid[i]
	holder := paidFrom(d, k0)
	prevG, prev, was := 1.0, 0.0, 0.0 // bar k-1's factor, its new close and its close before
	for k := k0; k < n; k++ {
		j := k - k0 + off
		var gc, gopen float64
		if j > last {
			gc, gopen = G2, G2
		} else {
			gc = g(j)
			gopen = gc
			if !p.Gap {
				gopen = g(j - 1)
			}
		}
		if off > 0 {
			gc, gopen = gc/base, gopen/base
			if k == k0 {
				gopen = 1 // a late listing's first bar opens where it traded, gap or not
			}
		}
		if holder && k > 0 {
			// The holder's return before the jump times the path's step,
			// gc over the bar before's factor; the open at the step gopen
			// reaches (the level before the bar's step for a move during
			// it, the close's for a gap).
			if k == k0 {
				prev, was = s.Close[k-1], s.Close[k-1]
			}
			h := splitRatio(v.held[i], k) * (s.Close[k] + d[k]) / was
			c := holderClose(prev, h*gc/prevG, v.held[i], d, k)
			o := holderClose(prev, h*gopen/prevG, v.held[i], d, k)
			m := c / s.Close[k]
			was = s.Close[k]
			s.Open[k] *= o / was
			s.High[k] *= m
			s.Low[k] *= m
			s.Close[k] = c
			prevG, prev = gc, c
			continue
		}
		was = s.Close[k]
		s.Open[k] *= gopen
		s.High[k] *= gc
		s.Low[k] *= gc
		s.Close[k] *= gc
		prevG, prev = gc, s.Close[k]
	}
}

// pathBars is jump path p, hitting instrument i's bar k0 (v.hit) for a
// shock at t0, in i's bars: N of spread, M of recovery (SpreadDays and
// RecoverDays), and off, the bars of the path that ran before its first
// bar when it first trades after t0 (late; pre is the trading dates it
// missed, view.missed).
//
// On daily bars they are days: N = SpreadDays, M = RecoverDays, off = pre.
// On intraday bars a day is the bars of one of the instrument's trading
// dates (UTC days with a bar), counted from the bar the shock hits: the
// spread runs to the end of the SpreadDays-th date from k0's (1, the
// default, is the move at once: one bar), the recovery over the
// RecoverDays dates from the bar after it. An instrument listed late joins
// this path on its own calendar from the instant (lateBars): a token
// listed at 15:00 after a move at 10:00 of a spread of two days missed 5
// of its 38 bars, 10:00 to the end of the next date, and takes the rest,
// 33, as a token trading throughout does from 15:00. An equity listed on
// a later date than the move counts whole sessions of its bars
// (barsPerDay) from the move's date.
func (v *view) pathBars(i, k0 int, t0 int64, late bool, pre int, p JumpPath) (off, N, M int) {
	s := &v.out.Series[i]
	ts := s.Time
	N, M = max(p.SpreadDays, 1), p.RecoverDays
	switch {
	case !s.BarInterval().Intraday():
		if late {
			off = pre
		}
		return off, N, M
	case !late:
		if N > 1 {
			N = barsOfDays(ts, k0, N)
		}
		if M > 0 {
			M = barsOfDays(ts, k0+N, M)
		}
		return 0, N, M
	case s.Class == data.Equity && pre > 0:
		perDay := barsPerDay(ts)
		off, M = pre*perDay, M*perDay
		if N > 1 {
			N *= perDay
		}
		return off, N, M
	}
	// A token (on a grid of its interval, every day), or an equity listed
	// on the move's date (on its session's grid): the path's bars
	// from the one the shock hits, hit, off before its first. Dates are
	// UTC days: a token's every day; an equity's same date.
	iv := int64(s.BarInterval())
	off = v.lateBars(i, t0, p.Gap, pre)
	hit := ts[0] - int64(off)*iv
	first := data.DayNumber(ts[0])
	// virtual counts the bars on the grid from t to the end of day d-1
	// (a date of the path that ended before the instrument traded).
	virtual := func(t, d int64) int { return int((d*data.NanosPerDay - t + iv - 1) / iv) }
	if N > 1 {
		if rest := N - int(first-data.DayNumber(hit)); rest > 0 {
			N = off + barsOfDays(ts, 0, rest)
		} else {
			N = virtual(hit, data.DayNumber(hit)+int64(N))
		}
	}
	if M > 0 {
		if off < N {
			M = barsOfDays(ts, N-off, M)
		} else {
			from := hit + int64(N)*iv // the recovery's first bar
			if rest := M - int(first-data.DayNumber(from)); rest > 0 {
				M = off - N + barsOfDays(ts, 0, rest)
			} else {
				M = virtual(from, data.DayNumber(from)+int64(M))
			}
		}
	}
	return off, N, M
}

// lateBars is the number of bars of a shock at t0 (a gap or not) that
// instrument i, on intraday bars and first trading after t0, missed: on a
// token's calendar (a bar every interval, on the grid of its first bar's
// stamp) those from the bar the shock hits (the one t0 falls in; for a
// gap the first that opens at or after it) up to its first; for an equity
// listed on a later date pre whole sessions of its bars (barsPerDay); one
// listed on t0's date, its session's bars from the open up to its first,
// from the one the shock hits. At least 1: the shock began before the
// instrument's first trade, which stands where it traded.
func (v *view) lateBars(i int, t0 int64, gap bool, pre int) int {
	s := &v.out.Series[i]
	ts := s.Time
	iv := int64(s.BarInterval())
	if s.Class == data.Equity {
		if pre > 0 {
			return pre * barsPerDay(ts)
		}
		open := data.DayNumber(ts[0]) * data.NanosPerDay
		if data.ExchangeOf(s.Symbol) == data.NewYork {
			open, _ = engine.SessionHours(ts[0])
		}
		n := 0
		for b := ts[0] - iv; b >= open && (gap && b >= t0 || !gap && b+iv > t0); b -= iv {
			n++
		}
		return max(n, 1)
	}
	d := ts[0] - t0
	if gap {
		return int(max(d/iv, 1))
	}
	return int(max((d+iv-1)/iv, 1))
}

// barsPerDay is the bars of a whole trading date of times: the most of
// its first two dates' (the first, a listing's, may begin late in its
// day).
func barsPerDay(times []int64) int {
	first := barsOfDays(times, 0, 1)
	if first >= len(times) {
		return first
	}
	return max(first, barsOfDays(times, first, 1))
}

// barsOfDays is the number of bars of times from k on that fall on the
// first days UTC dates with a bar (at least 1): the bars of days trading
// days.
func barsOfDays(times []int64, k, days int) int {
	n, seen, day := 0, 0, int64(math.MinInt64)
	for ; k+n < len(times); n++ {
		if d := data.DayNumber(times[k+n]); d != day {
			if seen == days {
				break
			}
			seen, day = seen+1, d
		}
	}
	return max(n, 1)
}

// ---- volatility ----

func (s *Volatility) validate() error {
	if err := firstErr(s.Target.validate(), s.When.validate(), s.Window.validate(s.When)); err != nil {
		return err
	}
	if !(s.K >= 0) || !finite(s.K) {
		return fieldErr("k", s.K, "want a finite scale k >= 0")
	}
	return nil
}

// apply: for bars k in the window, r'_k = μ + K·(r_k − μ) with μ the mean
// of the instrument's log returns in the window; the bar's open, high and
// low keep their log distance to the close scaled by K.
func (s *Volatility) apply(v *view, key string) error {
	idx, from, to, err := v.regime(s.Target, s.When, s.Window, key)
	if err != nil {
		return err
	}
	for _, i := range idx {
		lo, hi := v.barRange(i, from, to)
		lo = max(lo, 1)
		if hi <= lo {
			v.noteNoReturns(i, KindVolatility, from, to)
			continue
		}
		r := v.logReturns(i, lo, hi)
		mu := 0.0
		for _, x := range r {
			mu += x
		}
		mu /= float64(len(r))
		for k := range r {
			r[k] = mu + s.K*(r[k]-mu)
		}
		// rebuild writes the columns in place: keep copies of the old bars
		old := &v.out.Series[i]
		o := append([]float64(nil), old.Open[lo:hi]...)
		h := append([]float64(nil), old.High[lo:hi]...)
		l := append([]float64(nil), old.Low[lo:hi]...)
		c := append([]float64(nil), old.Close[lo:hi]...)
		K := s.K
		v.rebuild(i, lo, hi, r, func(k int, cn float64) (float64, float64, float64) {
			j := k - lo
			return cn * math.Pow(o[j]/c[j], K), cn * math.Pow(h[j]/c[j], K), cn * math.Pow(l[j]/c[j], K)
		})
	}
	return nil
}

// noteNoReturns says that a regime's window [from, to) holds no return
// of instrument i (its data ended before it, began after it, or has a
// hole there): the regime leaves it as it was.
func (v *view) noteNoReturns(i int, kind ShockKind, from, to int64) {
	ts := v.out.Series[i].Time
	held := "it has no bars"
	if len(ts) > 0 {
		held = fmt.Sprintf("its bars run from %s to %s", data.FormatStamp(ts[0]), data.FormatStamp(ts[len(ts)-1]))
	}
	v.note(i, fmt.Sprintf("%s has no return in the %s window from %s to %s (%s): it is left as it was",
		v.out.Series[i].Symbol, kind, data.FormatStamp(from), data.FormatStamp(to), held))
}

// ---- correlation ----

func (s *Correlation) validate() error {
	if err := firstErr(s.Target.validate(), s.When.validate(), s.Window.validate(s.When)); err != nil {
		return err
	}
	if !(s.Rho >= 0 && s.Rho <= 1) {
		return fieldErr("rho", s.Rho, "want a weight in [0, 1]")
	}
	return nil
}

// apply: f_t = mean of the group's log returns at t (over the members with
// a bar at t); m_it = (1−ρ)·(r_it − μ_i) + ρ·(f_t − φ_i) and
// r'_it = μ_i + λ_i·m_it, with μ_i the mean of i's log returns in the
// window, φ_i the mean of f over i's bars there, and λ_i = √(Σ d² / Σ m²)
// (d = r − μ_i, over the window) scaling the mixed deviations back to i's
// own dispersion. Only the returns' co-movement changes: each instrument's
// total return over the window is kept, and so is its volatility there,
// so a jump applied beside it lands at its own size and a volatility
// shock after it scales the instrument's own volatility by k. Pulling the
// raw returns toward f instead moved each drift toward the group's
// (ai-bubble-burst's −30% on QQQ ended −26.4% on the synthetic market),
// and shrank each volatility (by √(¼ + ¾c) at ρ = ½ in a group of
// pairwise correlation c: "volatility doubles" came out ×1.2–2.7 on real
// data).
func (s *Correlation) apply(v *view, key string) error {
	idx, from, to, err := v.regime(s.Target, s.When, s.Window, key)
	if err != nil {
		return err
	}
	type acc struct {
		sum float64
		n   int
	}
	factor := map[int64]*acc{}
	rets := make([][]float64, len(idx))
	los := make([]int, len(idx))
	his := make([]int, len(idx))
	for j, i := range idx { // ascending index: sums in a fixed order
		lo, hi := v.barRange(i, from, to)
		lo = max(lo, 1)
		hi = max(hi, lo)
		los[j], his[j] = lo, hi
		rets[j] = v.logReturns(i, lo, hi)
		ts := v.out.Series[i].Time
		for k := lo; k < hi; k++ {
			a := factor[ts[k]]
			if a == nil {
				a = &acc{}
				factor[ts[k]] = a
			}
			a.sum += rets[j][k-lo]
			a.n++
		}
	}
	for j, i := range idx {
		ts := v.out.Series[i].Time
		r := rets[j]
		if len(r) == 0 {
			v.noteNoReturns(i, KindCorrelation, from, to)
			continue
		}
		mu, phi := 0.0, 0.0
		for k := range r {
			a := factor[ts[los[j]+k]]
			mu += r[k]
			phi += a.sum / float64(a.n)
		}
		mu /= float64(len(r))
		phi /= float64(len(r))
		// The mixed deviations, scaled back to the instrument's own
		// dispersion: λ = √(Σ d² / Σ m²).
		var dd, mm float64
		for k := range r {
			a := factor[ts[los[j]+k]]
			d := r[k] - mu
			m := (1-s.Rho)*d + s.Rho*(a.sum/float64(a.n)-phi)
			dd += d * d
			mm += m * m
			r[k] = m
		}
		lambda := 1.0
		if mm > 0 {
			lambda = math.Sqrt(dd / mm)
		}
		for k := range r {
			r[k] = mu + lambda*r[k]
		}
		v.rebuild(i, los[j], his[j], r, nil)
	}
	return nil
}

// ---- liquidity, funding, borrow, recall: the environment ----

func (s *Liquidity) validate() error {
	if err := firstErr(s.Target.validate(), s.When.validate(), s.Window.validate(s.When)); err != nil {
		return err
	}
	if s.SlippageMult < 0 || !finite(s.SlippageMult) {
		return fieldErr("slippage_mult", s.SlippageMult, "want a finite multiplier > 0")
	}
	if s.SpreadMult < 0 || !finite(s.SpreadMult) {
		return fieldErr("spread_mult", s.SpreadMult, "want a finite multiplier > 0")
	}
	if !math.IsNaN(s.VolumeMult) && (s.VolumeMult < 0 || math.IsInf(s.VolumeMult, 0)) {
		return fieldErr("volume_mult", s.VolumeMult, "want a finite multiplier >= 0")
	}
	if s.SlippageMult == 0 && s.SpreadMult == 0 && math.IsNaN(s.VolumeMult) {
		return fmt.Errorf(": give at least one of slippage_mult, spread_mult, volume_mult")
	}
	return nil
}

func (s *Liquidity) apply(v *view, key string) error {
	idx, from, to, err := v.regime(s.Target, s.When, s.Window, key)
	if err != nil {
		return err
	}
	for _, i := range idx {
		if s.SlippageMult > 0 {
			v.env.add(i, from, to, envOp{field: fSlippage, mult: s.SlippageMult})
		}
		if s.SpreadMult > 0 {
			v.env.add(i, from, to, envOp{field: fSpread, mult: s.SpreadMult})
		}
		if !math.IsNaN(s.VolumeMult) {
			lo, hi := v.barRange(i, from, to)
			if hi > lo {
				vol := v.volume(i)
				for k := lo; k < hi; k++ {
					vol[k] *= s.VolumeMult
				}
			}
		}
	}
	return nil
}

func validateRate(set bool, rate, mult float64, annual bool) error {
	if set {
		if !finite(rate) {
			return fieldErr("rate", rate, "not a finite number")
		}
		if annual && rate < 0 {
			return fieldErr("rate", rate, "a negative borrow rate")
		}
		if !annual && math.Abs(rate) > data.MaxFundingRate {
			return fieldErr("rate", rate, "beyond ±%g a settlement, the bound of a funding file: rates are fractions per settlement (0.001 = 0.1 %%)", data.MaxFundingRate)
		}
		if mult != 0 {
			return fmt.Errorf(": give rate or mult, not both")
		}
		return nil
	}
	if mult == 0 {
		return fmt.Errorf(": give rate or mult")
	}
	if mult < 0 || !finite(mult) {
		return fieldErr("mult", mult, "want a finite multiplier > 0")
	}
	return nil
}

func (s *Funding) validate() error {
	return firstErr(s.Target.validate(), s.When.validate(), s.Window.validate(s.When), validateRate(s.SetRate, s.Rate, s.Mult, false))
}

func (s *Funding) apply(v *view, key string) error {
	return v.rateShock(s.Target, s.When, s.Window, key, envOp{field: fFunding, set: s.SetRate, val: s.Rate, mult: s.Mult})
}

func (s *Borrow) validate() error {
	return firstErr(s.Target.validate(), s.When.validate(), s.Window.validate(s.When), validateRate(s.SetRate, s.Rate, s.Mult, true))
}

func (s *Borrow) apply(v *view, key string) error {
	return v.rateShock(s.Target, s.When, s.Window, key, envOp{field: fBorrow, set: s.SetRate, val: s.Rate, mult: s.Mult})
}

func (v *view) rateShock(t Target, w When, win Window, key string, op envOp) error {
	idx, from, to, err := v.regime(t, w, win, key)
	if err != nil {
		return err
	}
	if op.set {
		op.mult = 1
	}
	for _, i := range idx {
		v.env.add(i, from, to, op)
	}
	return nil
}

func (s *Recall) validate() error {
	return firstErr(s.Target.validate(), s.When.validate())
}

func (s *Recall) apply(v *view, key string) error {
	idx, err := v.resolve(s.Target, key)
	if err != nil {
		return err
	}
	t0, err := v.when(s.When, 0, key)
	if err != nil {
		return err
	}
	for _, i := range idx {
		if k := v.barAt(i, t0); k < len(v.out.Series[i].Time) {
			v.env.recall(i, v.out.Series[i].Time[k])
		}
	}
	return nil
}

// ---- wick ----

func (s *Wick) validate() error {
	if err := firstErr(s.Target.validate(), s.When.validate(), checkMove("move", s.Move), checkMove("close", s.Close)); err != nil {
		return err
	}
	if s.Move == 0 {
		return fieldErr("move", s.Move, "a wick needs a move (< 0 pushes the low, > 0 the high)")
	}
	return nil
}

// apply: optional intrabar close move (a one-bar jump during the bar),
// then low' = low·(1+move) (move < 0) or high' = high·(1+move) (move > 0).
func (s *Wick) apply(v *view, key string) error {
	idx, err := v.resolve(s.Target, key)
	if err != nil {
		return err
	}
	t0, err := v.when(s.When, 0, key)
	if err != nil {
		return err
	}
	for _, i := range idx {
		if pre := v.missed(i, t0); pre > 0 {
			v.note(i, fmt.Sprintf("%s first trades on %s, %d trading days after the wick on %s", v.out.Series[i].Symbol,
				data.FormatDay(v.out.Series[i].Time[0]), pre, data.FormatDay(t0)))
			continue
		}
		if v.listedAfterInstant(i, t0, s.When) {
			v.note(i, fmt.Sprintf("%s first trades at %s, after the wick at %s", v.out.Series[i].Symbol,
				data.FormatTime(v.out.Series[i].Time[0]), data.FormatTime(t0)))
			continue
		}
		if v.endedBefore(i, t0, s.When, false) {
			v.noteEnded(i, t0, KindWick)
			continue
		}
		k := v.hit(i, t0, s.When, false)
		if k >= len(v.out.Series[i].Time) {
			continue
		}
		if s.Close != 0 {
			v.jump(i, k, 0, 1, 0, s.Close, JumpPath{})
		}
		sr := v.prices(i)
		sr.High[k] = max(sr.High[k], sr.Open[k], sr.Close[k])
		sr.Low[k] = min(sr.Low[k], sr.Open[k], sr.Close[k])
		if s.Move < 0 {
			sr.Low[k] *= 1 + s.Move
		} else {
			sr.High[k] *= 1 + s.Move
		}
	}
	return nil
}

// ---- transplant ----

func (s *Transplant) validate() error {
	if err := firstErr(s.Target.validate(), s.When.validate()); err != nil {
		return err
	}
	if s.To <= s.From {
		return fieldErr("to", data.FormatDay(s.To), "not after from = %s: a window that ends before it starts", data.FormatDay(s.From))
	}
	return nil
}

// apply: the source's bars q in [From, To) give r_q = ln(C_q / C_{q-1})
// (a bar needs a predecessor) and the shape O_q/C_q, H_q/C_q, L_q/C_q; the
// target's bars from the bar the date hits (view.hit) take these returns
// and shapes by calendar date on daily bars (byDate), in order on
// intraday and weekly bars (truncated at the end of the target's bars).
func (s *Transplant) apply(v *view, key string) error {
	src := v.opt.Source
	if s.Self {
		src = v.out
	}
	if src == nil {
		return fmt.Errorf("%s (transplant %s to %s): needs a source panel of real returns (ApplyOptions.Source, or self = true)",
			key, data.FormatDay(s.From), data.FormatDay(s.To))
	}
	idx, err := v.resolve(s.Target, key)
	if err != nil {
		return err
	}
	explicit := map[string]bool{}
	for _, sym := range s.Symbols {
		explicit[sym] = true
	}
	t0, err := v.when(s.When, 0, key)
	if err != nil {
		return err
	}
	// uncovered lists the instruments whose source has no bars in the
	// window; replayed counts those with bars there. None replayed and
	// some uncovered is a source that does not cover the window (data
	// that end before it, as the main price folder's crypto before a
	// replay of 2026): an error, not a scenario that changes nothing.
	var uncovered []string
	replayed := 0
	for _, i := range idx {
		sym := v.out.Series[i].Symbol
		ssym := sym
		if m, ok := s.SourceSymbols[sym]; ok {
			ssym = m
		}
		j := src.Index(ssym)
		if j < 0 {
			if explicit[sym] {
				return fmt.Errorf("%s.symbols: %q is not in the source panel (have %v)", key, ssym, src.Symbols())
			}
			v.note(i, fmt.Sprintf("%s is not replayed: the source has no %s", sym, ssym))
			continue
		}
		ss := &src.Series[j]
		// The source's bars are laid one for one on the target's: a
		// source at another interval would put a day's move on one
		// hour (a nine-day replay nine hours long), or an hour's on a
		// day. Intervals of a week or more differ by the month's
		// length and are taken as one (as data.CheckIntervals does).
		if siv, tiv := ss.BarInterval(), v.out.Series[i].BarInterval(); siv > 0 && tiv > 0 && siv != tiv &&
			(siv.Intraday() || tiv.Intraday() || min(siv, tiv) < 7*data.Daily) {
			return fmt.Errorf("%s (transplant %s to %s): the source's %s has %s bars, the panel's %s %s bars: a replay lays the source's bars one for one on the target's; give a source at the panel's interval (or resample the panel to %s)",
				key, data.FormatDay(s.From), data.FormatDay(s.To), ssym, siv, sym, tiv, siv)
		}
		lo := sort.Search(len(ss.Time), func(k int) bool { return ss.Time[k] >= s.From })
		hi := sort.Search(len(ss.Time), func(k int) bool { return ss.Time[k] >= s.To })
		lo = max(lo, 1)
		if hi <= lo {
			if explicit[sym] {
				return fmt.Errorf("%s.symbols: %q has no bars in the source from %s to %s", key, ssym, data.FormatDay(s.From), data.FormatDay(s.To))
			}
			uncovered = append(uncovered, ssym)
			v.note(i, fmt.Sprintf("%s is not replayed: its source has no bars from %s to %s", sym, data.FormatDay(s.From), data.FormatDay(s.To)))
			continue
		}
		replayed++
		n := hi - lo
		r := make([]float64, n)
		so, sh, sl := make([]float64, n), make([]float64, n), make([]float64, n)
		splits := v.opt.Splits
		if !s.Self && v.opt.SourceSplits != nil {
			splits = v.opt.SourceSplits
		}
		divs := v.opt.Dividends
		if !s.Self && v.opt.SourceDividends != nil {
			divs = v.opt.SourceDividends
		}
		// the holder's returns across a split or a cash dividend of the source
		held, paid := splitFactors(ss, splits[ssym]), dividendCash(ss, divs[ssym], splits[ssym])
		for q := lo; q < hi; q++ {
			c := ss.Close[q]
			r[q-lo] = math.Log(holderGross(ss.Close, held, paid, q))
			so[q-lo], sh[q-lo], sl[q-lo] = ss.Open[q]/c, ss.High[q]/c, ss.Low[q]/c
		}
		// An instrument that first trades after the replay began (pre
		// trading days into it, or, placed at an instant, on its date
		// after the instant) replays the rest on the calendar: its bar k
		// takes the source's return off + k (the source's bars are the
		// target's, in order; on intraday bars off is the bars it missed
		// on its own calendar from the one the replay hits, lateBars, as
		// for a jump). Its first bar has no return: the replay's return
		// off, the bar it listed, is not its own.
		if v.endedBefore(i, t0, s.When, false) {
			v.noteEnded(i, t0, KindTransplant)
			continue
		}
		k0, off := v.hit(i, t0, s.When, false), 0
		if daily(ss.BarInterval()) && daily(v.out.Series[i].BarInterval()) {
			// Daily bars: laid by calendar date, so that an equity's
			// session and a token's day of one source date land on
			// one target date whatever weekdays the window and the
			// splice date fall on. (Bars of a week or more run on one
			// grid, every series stamped on one weekday, and are laid
			// one for one from the week the date falls in, as
			// intraday bars are from the bar it hits.)
			r, so, sh, sl = byDate(ss.Time[lo:hi], v.out.Series[i].Time[k0:], data.DayNumber(t0)-data.DayNumber(s.From), r, so, sh, sl)
			n = len(r)
			if k0 > 0 {
				v.rebuild(i, k0, k0+n, r, func(k int, c float64) (float64, float64, float64) {
					return c * so[k-k0], c * sh[k-k0], c * sl[k-k0]
				})
				continue
			}
			// The bar the replay hits is the instrument's first (it
			// lists on the splice date or after, or the panel begins
			// there): it has no close before it and stands where it
			// traded; the source dates that land on it are lost, the
			// later ones land on the dates an instrument trading
			// throughout takes them.
			ts := v.out.Series[i].Time
			if pre := v.missed(i, t0); pre > 0 || v.listedAfterInstant(i, t0, s.When) {
				when := fmt.Sprintf("%s first trades on %s, %s after the replay from %s began",
					sym, data.FormatDay(ts[0]), counted(pre, "trading day"), data.FormatDay(t0))
				if n <= 1 {
					v.note(i, fmt.Sprintf("%s: its %s had all been replayed", when, counted(hi-lo, "bar")))
					continue
				}
				v.say(i, when+": it replays the rest from there")
			} else {
				when := fmt.Sprintf("%s first trades on %s, the first bar of the replay from %s", sym,
					data.FormatStamp(ts[0]), data.FormatStamp(t0))
				if n <= 1 {
					v.note(i, when+": that bar has no close before it to take the replay's one return from: it is left as it was")
					continue
				}
				v.say(i, when+": that bar has no close before it to take the replay's first return from; it replays the rest from its next bar")
			}
			v.rebuild(i, 1, n, r[1:], func(k int, c float64) (float64, float64, float64) {
				return c * so[k], c * sh[k], c * sl[k]
			})
			continue
		}
		if pre := v.missed(i, t0); pre > 0 || v.listedAfterInstant(i, t0, s.When) {
			ts := v.out.Series[i].Time
			when := fmt.Sprintf("%s first trades on %s, %s after the replay from %s began",
				sym, data.FormatDay(ts[0]), counted(pre, "trading day"), data.FormatDay(t0))
			off = pre
			if v.out.Series[i].BarInterval().Intraday() {
				off = v.lateBars(i, t0, false, pre)
				when = fmt.Sprintf("%s first trades at %s, %s after the replay from %s began",
					sym, data.FormatStamp(ts[0]), counted(off, "bar"), data.FormatStamp(t0))
			}
			if off+1 >= n {
				v.note(i, fmt.Sprintf("%s: its %s had all been replayed", when, counted(n, "bar")))
				continue
			}
			v.say(i, when+": it replays the rest from there")
			k1 := min(n-off, len(ts))
			v.rebuild(i, 1, k1, r[off+1:], func(k int, c float64) (float64, float64, float64) {
				return c * so[k+off], c * sh[k+off], c * sl[k+off]
			})
			continue
		}
		// The bar the replay hits is the instrument's first (it lists
		// on the splice date, or the panel begins there): it has no
		// close before it to take the replay's first return from, and
		// stands where it traded, as a late listing's first bar does.
		// Bar k takes return k − k0 from the next on, on the dates an
		// instrument trading throughout takes it.
		first := k0
		if k0 == 0 {
			when := fmt.Sprintf("%s first trades on %s, the first bar of the replay from %s", sym,
				data.FormatStamp(v.out.Series[i].Time[0]), data.FormatStamp(t0))
			if n == 1 {
				v.note(i, when+": that bar has no close before it to take the replay's one return from: it is left as it was")
				continue
			}
			v.say(i, when+": that bar has no close before it to take the replay's first return from; it replays the rest from its next bar")
			first = 1
		}
		k1 := min(k0+n, len(v.out.Series[i].Time))
		v.rebuild(i, first, k1, r[first-k0:], func(k int, c float64) (float64, float64, float64) {
			q := k - k0
			return c * so[q], c * sh[q], c * sl[q]
		})
	}
	if replayed == 0 && len(uncovered) > 0 {
		return fmt.Errorf("%s (transplant %s to %s): the source has no bars in that window for any instrument it replays (%s): %s; a replay needs real prices covering the window",
			key, data.FormatDay(s.From), data.FormatDay(s.To), strings.Join(uncovered, ", "), sourceSpan(src, uncovered))
	}
	return nil
}

// daily reports whether bars of interval iv are daily bars (with holes:
// an equity's sessions), not intraday and not a week or more apart.
func daily(iv data.Interval) bool { return !iv.Intraday() && iv < 7*data.Daily }

// byDate lays source bars (stamps src, log returns r, shapes o, h, l
// relative to their closes) on target bars (stamps tgt, from the bar the
// replay hits) by calendar date: the source's date d lands on d + shift
// days, and target bar j takes every source bar landing after bar j−1's
// date up to its own (bar 0: every one up to its date), as one bar: the
// returns summed, the first one's open, the highest high and the lowest
// low, relative to the last close. A target bar no source bar lands on
// is flat (no return, open = high = low = close). The result has one
// entry per target bar up to the one the last source bar lands on.
func byDate(src, tgt []int64, shift int64, r, o, h, l []float64) (rr, oo, hh, ll []float64) {
	q := 0
	for j := 0; j < len(tgt) && q < len(src); j++ {
		last := data.DayNumber(tgt[j])
		sum, bo, bh, bl := 0.0, 1.0, 1.0, 1.0
		for first := true; q < len(src) && data.DayNumber(src[q])+shift <= last; q++ {
			if first {
				bo, bh, bl, first = o[q], h[q], l[q], false
			} else {
				f := math.Exp(-r[q]) // the bar so far, relative to the new close
				bo, bh, bl = bo*f, max(bh*f, h[q]), min(bl*f, l[q])
			}
			sum += r[q]
		}
		rr, oo, hh, ll = append(rr, sum), append(oo, bo), append(hh, bh), append(ll, bl)
	}
	return rr, oo, hh, ll
}

// sourceSpan says where the source's bars of syms lie, from the earliest
// first bar to the latest last: "its data run from 2017-08-17 to
// 2026-01-01".
func sourceSpan(src *data.Panel, syms []string) string {
	// math.MaxInt64 and math.MinInt64 until a bar is seen: 0 is
	// 1970-01-01, a bar's time like any other.
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for _, sym := range syms {
		ts := src.Series[src.Index(sym)].Time
		if len(ts) == 0 {
			continue
		}
		first, last = min(first, ts[0]), max(last, ts[len(ts)-1])
	}
	if first == math.MaxInt64 {
		return "it has no bars of them"
	}
	return fmt.Sprintf("its data run from %s to %s", data.FormatDay(first), data.FormatDay(last))
}

// ---- propagate ----

func (s *Propagate) validate() error {
	if err := firstErr(s.When.validate(), s.JumpPath.validate()); err != nil {
		return err
	}
	if len(s.Drivers) == 0 {
		return fmt.Errorf(".drivers: required (symbol = move)")
	}
	for _, sym := range slices.Sorted(maps.Keys(s.Drivers)) {
		if err := checkMove("drivers."+sym, s.Drivers[sym]); err != nil {
			return err
		}
	}
	if s.LookbackDays < 0 {
		return fieldErr("lookback_days", s.LookbackDays, "a negative lookback")
	}
	if s.LookbackDays > maxDays {
		return fieldErr("lookback_days", s.LookbackDays, "want at most %d (100 years)", maxDays)
	}
	if s.MinObs < 0 {
		return fieldErr("min_obs", s.MinObs, "a negative count")
	}
	return s.Target.validate()
}

// apply: for each follower i, on the dates where i and every driver have a
// bar within [t0 − lookback, t0), regress i's log returns on the drivers'
// (with an intercept) by OLS; i moves by exp(Σ_d β_id·ln(1+x_d)) − 1.
// Drivers move by their own x_d. All moves follow the shock's JumpPath.
func (s *Propagate) apply(v *view, key string) error {
	idx, err := v.resolve(s.Target, key)
	if err != nil {
		return err
	}
	t0, err := v.when(s.When, 0, key)
	if err != nil {
		return err
	}
	lookback := s.LookbackDays
	if lookback == 0 {
		lookback = 365
	}
	minObs := s.MinObs
	if minObs == 0 {
		minObs = 30
	}
	dsyms := slices.Sorted(maps.Keys(s.Drivers))
	drv := make([]int, len(dsyms))
	move := map[int]float64{}
	isDriver := map[int]bool{}
	for d, sym := range dsyms {
		i, err := v.symbolIndex(sym, key+".drivers")
		if err != nil {
			return err
		}
		drv[d] = i
		move[i] = s.Drivers[sym]
		isDriver[i] = true
	}
	from := t0 - int64(lookback)*data.NanosPerDay
	for _, i := range idx {
		if isDriver[i] {
			continue
		}
		if v.endedBefore(i, t0, s.When, s.Gap) {
			// No move to give it, whatever its betas: a jump leaves it
			// as it was, and so does this (its lookback may hold no
			// bar, and its betas would stop the scenario).
			v.noteEnded(i, t0, KindJump)
			continue
		}
		if ts := v.out.Series[i].Time; len(ts) > 0 && ts[0] >= t0 {
			// No history before the shock to estimate a beta on (listed
			// on a later date, after its instant on its date, or at the
			// session after a shock on a day the exchange was closed).
			pre := v.missed(i, t0)
			sym := v.out.Series[i].Symbol
			text := fmt.Sprintf("%s first trades on %s, %s after the shock's date %s: it has no returns before it to estimate its betas on",
				sym, data.FormatDay(ts[0]), counted(pre, "trading day"), data.FormatDay(t0))
			if v.listedAfterInstant(i, t0, s.When) {
				text = fmt.Sprintf("%s first trades at %s, after the shock at %s: it has no returns before it to estimate its betas on",
					sym, data.FormatStamp(v.out.Series[i].Time[0]), data.FormatStamp(t0))
			}
			if slices.Contains(s.Symbols, sym) {
				return fmt.Errorf("%s.symbols: %s", key, text)
			}
			v.note(i, text)
			continue
		}
		beta, n, err := v.betas(i, drv, from, t0)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", key, v.out.Series[i].Symbol, err)
		}
		if n < max(minObs, len(drv)+2) {
			why := ""
			if n == 0 && v.out.Series[i].BarInterval().Intraday() {
				// Equities stamped at :30 and tokens at :00 never share an
				// instant: their returns cannot be paired.
				why = " (an observation is a bar time both have: intraday bars off each other's grid, equities at :30 beside tokens at :00, never share one; propagate from drivers on the target's grid)"
			}
			return fmt.Errorf("%s: %s: %d common observations in the %d days before %s, need %d (min_obs)%s",
				key, v.out.Series[i].Symbol, n, lookback, data.FormatDay(t0), max(minObs, len(drv)+2), why)
		}
		lm := 0.0
		for d, sym := range dsyms {
			lm += beta[d] * math.Log1p(s.Drivers[sym])
		}
		move[i] = math.Expm1(lm)
	}
	return v.jumpAll(move, t0, s.When, s.JumpPath)
}

// betas regresses instrument i's log returns on the drivers' over the
// dates in [from, to) where all of them have a bar. It returns the slope
// coefficients (intercept dropped) and the number of returns used.
func (v *view) betas(i int, drv []int, from, to int64) ([]float64, int, error) {
	all := append([]int{i}, drv...)
	// common dates: walk instrument i's bars and look the others up.
	si := &v.out.Series[i]
	lo, hi := v.barRange(i, from, to)
	cur := make([]int, len(all))
	// held[a]: the holder's price of an instrument paid cash dividends,
	// its close with each dividend reinvested (the product of
	// holderGross from its first close); nil without one.
	held := make([][]float64, len(all))
	for a, ii := range all {
		if d := v.paid[ii]; d != nil {
			c := v.out.Series[ii].Close
			h := make([]float64, len(c))
			h[0] = c[0]
			for k := 1; k < len(c); k++ {
				h[k] = h[k-1] * holderGross(c, v.held[ii], d, k)
			}
			held[a] = h
		}
	}
	var rows [][]float64 // closes at common dates, one row per date
	for k := lo; k < hi; k++ {
		t := si.Time[k]
		ok := true
		for a, ii := range all {
			ts := v.out.Series[ii].Time
			for cur[a] < len(ts) && ts[cur[a]] < t {
				cur[a]++
			}
			if cur[a] >= len(ts) || ts[cur[a]] != t {
				ok = false
			}
		}
		if !ok {
			continue
		}
		row := make([]float64, len(all))
		for a, ii := range all {
			row[a] = v.out.Series[ii].Close[cur[a]]
			if h := held[a]; h != nil {
				row[a] = h[cur[a]] // the holder's price: a split or a dividend is no return
			} else if f := v.held[ii]; f != nil {
				row[a] *= f[cur[a]] // the holder's price: a split is no return
			}
		}
		rows = append(rows, row)
	}
	n := len(rows) - 1
	if n < len(drv)+2 {
		return nil, max(n, 0), nil
	}
	X := mat.NewDense(n, len(drv)+1, nil)
	y := mat.NewVecDense(n, nil)
	for q := 1; q <= n; q++ {
		y.SetVec(q-1, math.Log(rows[q][0]/rows[q-1][0]))
		X.Set(q-1, 0, 1)
		for d := range drv {
			X.Set(q-1, d+1, math.Log(rows[q][d+1]/rows[q-1][d+1]))
		}
	}
	var b mat.VecDense
	if err := b.SolveVec(X, y); err != nil {
		return nil, n, fmt.Errorf("cannot estimate betas to the drivers (constant or collinear returns): %w", err)
	}
	out := make([]float64, len(drv))
	for d := range drv {
		out[d] = b.AtVec(d + 1)
		if !finite(out[d]) {
			return nil, n, fmt.Errorf("beta to driver %d is not finite", d)
		}
	}
	return out, n, nil
}

// counted is n and noun, the noun plural but for one ("1 bar", "4 bars").
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
