package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/memory/mallocator"
	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/data"
)

// resampleView is the name under which Resample registers a series.
const resampleView = "divergence_resample_bars"

// SessionZone, SessionOpen and SessionClose define the equity session that
// daily resampling keeps (see Resample): 09:30 to 16:00 New York time,
// to SessionEarlyClose on the NYSE's early closes (data.NYSEEarlyClose).
const (
	SessionZone       = "America/New_York"
	SessionOpen       = "09:30"
	SessionClose      = "16:00"
	SessionEarlyClose = "13:00"
)

// sessionOn is the New York session of the date y-m-d: its open and its
// close (SessionEarlyClose on an early close), in Unix nanoseconds, and
// the close's wall-clock time.
func sessionOn(y int, m time.Month, d int, loc *time.Location) (open, close int64, closeAt string, err error) {
	o, err := time.Parse("15:04", SessionOpen)
	if err != nil {
		return 0, 0, "", err
	}
	closeAt = SessionClose
	if data.NYSEEarlyClose(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).UnixNano()) {
		closeAt = SessionEarlyClose
	}
	c, err := time.Parse("15:04", closeAt)
	if err != nil {
		return 0, 0, "", err
	}
	return time.Date(y, m, d, o.Hour(), o.Minute(), 0, 0, loc).UnixNano(), time.Date(y, m, d, c.Hour(), c.Minute(), 0, 0, loc).UnixNano(), closeAt, nil
}

// earlyCloses is the dates, as SQL date literals, of the NYSE's early
// closes from t0's UTC date to t1's.
func earlyCloses(t0, t1 int64) []string {
	var out []string
	for day := data.DayNumber(t0); day <= data.DayNumber(t1); day++ {
		if data.NYSEEarlyClose(day * data.NanosPerDay) {
			out = append(out, "DATE '"+time.Unix(0, day*data.NanosPerDay).UTC().Format("2006-01-02")+"'")
		}
	}
	return out
}

// Resample aggregates every series of p to bars of interval bar (one of
// data.BarIntervals: 1m 5m 15m 1h 4h 1d) in DuckDB, with time_bucket and
// GROUP BY, not in a Go loop. Per bucket: open is the open of the first bar
// it holds (arg_min by time: 00:01's when the 00:00 bar is missing; the
// bucket keeps its 00:00 stamp), high the maximum high, low the minimum low, close and
// adj_close those of the last bar (arg_max), volume the sum (unknown when
// any bar's volume is unknown). A bucket is stamped with its start, and
// holds the bars whose open lies in it:
//
//   - below a day (1m … 4h), buckets are aligned to 00:00 UTC (so 1h bars
//     start on the UTC hour for every instrument, equities included, and
//     an equity's first hourly bar of a 09:30 New York session is stamped
//     09:00 New York time and holds 09:30–10:00);
//   - 1d for crypto (and any non-equity) is the UTC calendar day, cut at
//     00:00 UTC, stamped 00:00 UTC of that date (as daily files are);
//   - 1d for equities is the New York session: the bars whose open falls
//     in 09:30–16:00 America/New_York (DST-correct; to 13:00 on the
//     NYSE's early closes, data.NYSEEarlyClose) on a date, stamped
//     00:00 UTC of that date; bars outside regular hours (pre- and
//     post-market) are left out of daily bars. A half-day simply has fewer
//     bars. On a series of regular-hours bars alone (every bar overlaps
//     its session) the bar that opens before 09:30 and ends after it is
//     the session's first: bars stamped on the 00:00 UTC grid (resampled
//     to 1h or 4h, or the synthetic market's) hold 09:30–10:00 at 09:00
//     and 09:30–11:00 (EST) at 07:00. A stretch of daily bars in a file
//     of intraday ones keeps its dates.
//
// Gaps stay gaps (an empty bucket makes no bar) and a last, partial bucket
// (an in-progress candle, or a session cut short) is kept as it is, with
// a note: for a 24/7 instrument (any non-equity) a first or last bucket
// its bars do not fill (hourly token bars ending 19:00–20:00 make a day
// of 00:00–20:00), see unfilledEdges; for an equity's days, a session
// whose bars end before its close (shortSessions). A
// first bucket that a read's start cuts (ReadSource with Request.Start
// and Bar, data import --start --bar: 4h buckets from 02:00 would start
// with a 00:00 bucket holding only 02:00–04:00) is left out, with a note:
// its open, high, low and volume would be those of part of it. It is the
// bucket that begins before the start (for equities' daily bars, the
// session opens before it), whether or not the source held bars before
// the start (the read does not look there: data that begin at 03:00, read
// from 02:00 into 4h bars, lose their 00:00 bucket too). A bar stamped
// before the start that ends after it is read with it (ReadSource), for
// it holds the bucket's first minutes: an equity's 09:00 New York bar on
// the 00:00 UTC grid holds 09:30–10:00, so a start at 09:30 keeps that
// session whole. Without a start,
// a first bucket the data themselves begin inside is kept, as the last
// one is. A last bucket that a read's end cuts (Request.End, data import
// --end: 4h buckets before 22:00 would end with a 20:00 bucket holding
// only 20:00–22:00) is left out the same way, with a note.
//
// A series already at bar is kept as it is (it is not re-stamped: hourly
// bars starting at :30 stay there). Resampling to a finer interval than a
// series' own, or to one its interval does not divide, is an error naming
// the series and both intervals; so is a series whose bars straddle the
// buckets (hourly bars at :30 into 4h buckets, or into a token's 1d
// buckets, where the 23:30 bar would make the day's close that of 00:30
// the next day), which would move part of a bar into the previous
// bucket. An equity's session day is checked only on a series with pre-
// or post-market bars: a bar that straddles the session's 09:30 open
// (4h buckets on the UTC grid: 07:00–11:00 New York in winter) or its
// 16:00 close (hourly bars at :30 going on after 16:00: 15:30–16:30; 4h:
// 15:00–19:00) is refused, naming it and its row, for the day's close
// would be a post-market price shown at 16:00, or its open, high and low
// would hold pre-market trading. A bar ends at the next bar's stamp when
// that comes first (Yahoo's extended hours: the pre-market 09:00 bar ends
// at 09:30, the 15:30 bar at 16:00). On regular-hours bars alone a bar
// holds no trading outside the session (Yahoo's hourly 15:30 bar lasts
// half an hour; the 09:00 bar on the UTC grid holds 09:30–10:00).
//
// The resampled series have Interval = bar, Rows the source row of each
// bucket's first bar, and a note saying what was done. The panel's other
// fields are kept.
func Resample(ctx context.Context, p *data.Panel, bar data.Interval) (*data.Panel, error) {
	return resample(ctx, p, bar, span{}, false)
}

// ResampleUntil is Resample for bars that the runs read up to end (0:
// no end) while bars past it stay in the panel (an experiment keeps them
// for its scenarios' replays): the bar whose bucket begins before end and
// ends after it is left out, with a note, as a read cut at end leaves it
// out. Its high, low, close and volume would include bars from end on.
func ResampleUntil(ctx context.Context, p *data.Panel, bar data.Interval, end int64) (*data.Panel, error) {
	return resample(ctx, p, bar, span{end: end, hasEnd: end != 0}, false)
}

// ResampleBefore is ResampleUntil whose end is always a bound, 0 too
// (1970-01-01T00:00Z, given as such).
func ResampleBefore(ctx context.Context, p *data.Panel, bar data.Interval, end int64) (*data.Panel, error) {
	return resample(ctx, p, bar, span{end: end, hasEnd: true}, false)
}

// resample is Resample, leaving out a first bucket that begins before
// the window w's start (the bars' read began there; an open start: none
// did) and the bucket its end cuts (an open end: none), the bars read up
// to the end (readCut) or going on past it (see dropEndCutBucket).
func resample(ctx context.Context, p *data.Panel, bar data.Interval, w span, readCut bool) (*data.Panel, error) {
	if !slices.Contains(data.BarIntervals[:], bar) {
		return nil, fmt.Errorf("duckdb: resample: bar %s: want one of 1m, 5m, 15m, 1h, 4h, 1d", bar)
	}
	out := &data.Panel{Synthetic: p.Synthetic, Description: p.Description, Series: make([]data.Series, len(p.Series))}
	var todo []int
	for i := range p.Series {
		s := &p.Series[i]
		out.Series[i] = *s
		iv := s.BarInterval()
		switch {
		case iv == bar:
			continue
		case iv > bar:
			return nil, fmt.Errorf("duckdb: resample: %s%s has %s bars, coarser than the %s bars asked for: resampling only aggregates bars into longer ones", s.Symbol, sourceOf(s), iv, bar)
		case iv > 0 && bar%iv != 0:
			return nil, fmt.Errorf("duckdb: resample: %s%s has %s bars, which do not divide into %s bars", s.Symbol, sourceOf(s), iv, bar)
		}
		// A stretch of the file at a coarser interval than bar (an hourly
		// history before 5-minute bars, resampled to 15 minutes) would be
		// relabelled bar by bar, each hour as a quarter whose close came
		// 45 minutes later: refused. The bars are checked against their
		// own stretch's interval.
		segs := s.Segments()
		for _, g := range segs {
			if g.Interval > bar {
				return nil, fmt.Errorf("duckdb: resample: %s has %s bars from %s%s, coarser than the %s bars asked for: resampling only aggregates bars into longer ones (resample it to %s or coarser, or cut that stretch out)",
					s.Symbol, g.Interval, data.FormatTime(s.Time[g.From]), rowOf(s, g.From), bar, g.Interval)
			}
		}
		// A bar running past its bucket's end would put its close, which
		// comes after the bucket's, into the bucket: checked for every
		// bucket cut at 00:00 UTC, a token's day included (hourly bars at
		// :30 put 00:00–00:30 of the next day into its close). An
		// equity's day is its New York session: see sessionStraddle.
		if iv > 0 && (bar < data.Daily || s.Class != data.Equity) {
			g, biv := 0, iv
			for k, t := range s.Time {
				for g < len(segs) && segs[g].From <= k {
					biv = segs[g].Interval
					g++
				}
				if floorDiv(t, int64(bar)) != floorDiv(t+int64(biv)-1, int64(bar)) {
					fix := "resample it to a coarser bar or leave it at"
					if bar == data.Daily {
						fix = "leave it at"
					}
					return nil, fmt.Errorf("duckdb: resample: %s's %s bar at %s straddles two %s buckets (buckets start at 00:00 UTC); "+
						"%s %s%s", s.Symbol, biv, data.FormatTime(t), bar, fix, biv, rowOf(s, k))
				}
			}
		}
		if bar == data.Daily && s.Class == data.Equity {
			if err := sessionStraddle(s); err != nil {
				return nil, err
			}
		}
		todo = append(todo, i)
	}
	if len(todo) == 0 {
		return out, nil
	}
	c, err := connector("")
	if err != nil {
		return nil, fmt.Errorf("duckdb: open in-memory database: %w", err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	mem := mallocator.NewMallocator()
	err = conn.Raw(func(dc any) error {
		ar, err := goduckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		if rdr, err := ar.QueryContext(ctx, "SET TimeZone = 'UTC'"); err != nil {
			return err
		} else {
			rdr.Release()
		}
		for _, i := range todo {
			s := &p.Series[i]
			rec := resampleRecord(mem, s)
			rr, err := array.NewRecordReader(resampleSchema, []arrow.RecordBatch{rec})
			rec.Release()
			if err != nil {
				return err
			}
			release, err := ar.RegisterView(rr, resampleView)
			if err != nil {
				rr.Release()
				return err
			}
			res, err := resampleOne(ctx, ar, s, bar)
			release()
			rr.Release()
			if err != nil {
				return fmt.Errorf("duckdb: resample %s to %s: %w", s.Symbol, bar, err)
			}
			if w.hasStart && res.Len() > 0 {
				if res, err = dropCutBucket(res, bar, w.start); err != nil {
					return fmt.Errorf("duckdb: resample %s to %s: %w", s.Symbol, bar, err)
				}
			}
			if w.hasEnd && res.Len() > 0 {
				var src *data.Series
				if !readCut {
					src = s
				}
				if res, err = dropEndCutBucket(res, bar, w.end, src); err != nil {
					return fmt.Errorf("duckdb: resample %s to %s: %w", s.Symbol, bar, err)
				}
			}
			if s.Class != data.Equity {
				res.Notes = append(res.Notes, unfilledEdges(res, s, bar, w)...)
			}
			out.Series[i] = res
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// resampleSchema is barSchema and each bar's span: how long it lasts, in
// nanoseconds (its stretch's interval, see data.Series.Segments).
var resampleSchema = arrow.NewSchema(append(barSchema.Fields(), arrow.Field{Name: "span", Type: arrow.PrimitiveTypes.Int64}), nil)

// resampleRecord is s's bars as an Arrow record of resampleSchema.
func resampleRecord(mem memory.Allocator, s *data.Series) arrow.RecordBatch {
	rec := barRecord(mem, s)
	defer rec.Release()
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.Reserve(s.Len())
	segs, iv, g := s.Segments(), s.BarInterval(), 0
	for k := range s.Time {
		for g < len(segs) && segs[g].From <= k {
			iv = segs[g].Interval
			g++
		}
		b.UnsafeAppend(int64(iv))
	}
	span := b.NewArray()
	defer span.Release()
	return array.NewRecordBatch(resampleSchema, append(slices.Clone(rec.Columns()), span), rec.NumRows())
}

// rowOf is the source and line or row of bar k, for an error message:
// " (FILE, row N)", the series' Source as the manifest's inputs give it
// (a file's path, "catalog:CATALOG:FILE" for a catalog's instrument, the
// table or query it was read from), so that a refusal in a run over
// several files names the file; " (SOURCE)" when the source has no rows
// (a query's bars: their Rows are 0). A series without Rows (built by
// hand) counts its bars from 1; one without a Source gives its row alone.
func rowOf(s *data.Series, k int) string {
	n := k + 1
	if s.Rows != nil && k < len(s.Rows) {
		n = s.Rows[k]
	}
	switch {
	case n <= 0:
		return sourceOf(s)
	case s.Source == "":
		return fmt.Sprintf(" (row %d)", n)
	}
	return fmt.Sprintf(" (%s, row %d)", s.Source, n)
}

// sourceOf is " (SOURCE)", the series' Source for an error message
// (rowOf), or "" when it has none.
func sourceOf(s *data.Series) string {
	if s.Source == "" {
		return ""
	}
	return " (" + s.Source + ")"
}

// resampleQuery is the SQL that aggregates the registered series. For an
// equity's days, extended says that the series holds bars outside the
// session (pre- or post-market: see extendedHours).
//
// early is the series' early-close dates (earlyCloses), whose sessions
// end at SessionEarlyClose.
func resampleQuery(bar data.Interval, equity, extended bool, early []string) string {
	const aggs = `arg_min(open, ts), max(high), min(low), arg_max(close, ts), arg_max(adj_close, ts),
		CASE WHEN count(volume) = count(*) THEN sum(volume) END, arg_min(line, ts)`
	if bar == data.Daily && equity {
		// w is a bar's New York wall-clock open, e its end. A bar of a
		// session holds the bars that open in it; on regular-hours bars
		// alone, also the one that opens before 09:30 and ends after it
		// (a bar stamped on the 00:00 UTC grid: 09:00 holds 09:30–10:00).
		// A daily bar (a stretch of daily bars in the file) keeps its UTC
		// date.
		in := fmt.Sprintf("CAST(w AS TIME) >= TIME '%s'", SessionOpen)
		if !extended {
			in = fmt.Sprintf("(%s OR e > CAST(w AS DATE) + TIME '%s')", in, SessionOpen)
		}
		cl := fmt.Sprintf("TIME '%s'", SessionClose)
		if len(early) > 0 {
			cl = fmt.Sprintf("CASE WHEN CAST(w AS DATE) IN (%s) THEN TIME '%s' ELSE %s END", strings.Join(early, ", "), SessionEarlyClose, cl)
		}
		return fmt.Sprintf(`SELECT epoch_ns(CAST(d AS TIMESTAMP)) AS t, %s
		FROM (SELECT *, CASE WHEN span >= %d THEN CAST(CAST(ts AS TIMESTAMP) AS DATE) ELSE CAST(w AS DATE) END AS d
			FROM (SELECT *, timezone('%s', timezone('UTC', CAST(ts AS TIMESTAMP))) AS w,
				timezone('%s', timezone('UTC', CAST(ts AS TIMESTAMP) + to_microseconds(span // 1000))) AS e FROM %s))
		WHERE span >= %d OR (CAST(w AS TIME) < %s AND %s)
		GROUP BY d ORDER BY 1`, aggs, int64(data.Daily), SessionZone, SessionZone, resampleView, int64(data.Daily), cl, in)
	}
	return fmt.Sprintf(`SELECT epoch_ns(b) AS t, %s
		FROM (SELECT *, time_bucket(INTERVAL '%d minutes', CAST(ts AS TIMESTAMP)) AS b FROM %s)
		GROUP BY b ORDER BY b`, aggs, int64(bar/data.Minute), resampleView)
}

// extendedHours reports whether an intraday bar of s lies wholly outside
// the New York session of its date (ends by 09:30 or opens at 16:00 or
// later): pre- or post-market bars, whose bar straddling 09:30 holds
// pre-market trading too.
func extendedHours(s *data.Series) (bool, error) {
	loc, err := data.LoadTimezone(SessionZone)
	if err != nil {
		return false, err
	}
	segs, iv, g := s.Segments(), s.BarInterval(), 0
	for k, t := range s.Time {
		for g < len(segs) && segs[g].From <= k {
			iv = segs[g].Interval
			g++
		}
		if iv >= data.Daily {
			continue
		}
		y, m, d := time.Unix(0, t).In(loc).Date()
		open, cl, _, err := sessionOn(y, m, d, loc)
		if err != nil {
			return false, err
		}
		if t >= cl || t+int64(max(iv, 1)) <= open {
			return true, nil
		}
	}
	return false, nil
}

// sessionStraddle refuses, on an equity with pre- or post-market bars
// (see extendedHours), an intraday bar that straddles its date's New York
// session open or close: its daily bar is the session, and a bar opening
// in it and ending after 16:00 would give the day the close of a
// post-market price, which the engine shows at 16:00 (look-ahead), one
// opening before 09:30 and ending after it would mix pre-market trading
// into the session's open, high and low (left out, the day would open
// late). A bar ends at its stamp plus its interval, or at the next bar's
// stamp if that is earlier (Yahoo's pre-market 09:00 bar ends at 09:30,
// its 15:30 bar at 16:00, where the next begins). On regular-hours bars
// alone nothing is checked: a bar holds no trading outside the session.
func sessionStraddle(s *data.Series) error {
	ext, err := extendedHours(s)
	if err != nil || !ext {
		return err
	}
	loc, err := data.LoadTimezone(SessionZone)
	if err != nil {
		return err
	}
	segs, iv, g := s.Segments(), s.BarInterval(), 0
	for k, t := range s.Time {
		for g < len(segs) && segs[g].From <= k {
			iv = segs[g].Interval
			g++
		}
		if iv >= data.Daily {
			continue
		}
		e := barEnd(s.Time, k, iv)
		w := time.Unix(0, t).In(loc)
		y, m, d := w.Date()
		open, cl, closeAt, err := sessionOn(y, m, d, loc)
		if err != nil {
			return err
		}
		var what, why string
		switch {
		case t < open && e > open:
			what = fmt.Sprintf("opens before the %s %s session open and ends after it", SessionOpen, SessionZone)
			why = "its open, high and low would hold pre-market trading (left out, the day would open late)"
		case t >= open && t < cl && e > cl:
			what = fmt.Sprintf("runs past the %s %s session close into post-market trading", closeAt, SessionZone)
			why = fmt.Sprintf("its close would be a post-market price, shown at %s", closeAt)
		default:
			continue
		}
		return fmt.Errorf("duckdb: resample: %s's %s bar at %s (%s–%s New York) %s; the series has pre- or post-market bars, so its 1d bars are its %s–%s sessions, and %s; "+
			"leave it at %s, or give bars that begin at %s and end by %s New York; if it trades every day (a token), give --class crypto (in an experiment, [data] classes)%s",
			s.Symbol, iv, data.FormatTime(t), w.Format("15:04"), time.Unix(0, e).In(loc).Format("15:04"), what, SessionOpen, SessionClose, why,
			iv, SessionOpen, SessionClose, rowOf(s, k))
	}
	return nil
}

// resampleOne runs the query on the registered series and reads the bars.
func resampleOne(ctx context.Context, ar *goduckdb.Arrow, s *data.Series, bar data.Interval) (data.Series, error) {
	out := data.Series{Instrument: s.Instrument, Interval: bar, NoAdjClose: s.NoAdjClose}
	out.Notes = append(slices.Clip(s.Notes), resampleNote(s, bar))
	if bar == data.Daily && s.Class == data.Equity {
		short, err := shortSessions(s)
		if err != nil {
			return out, err
		}
		if short != "" {
			out.Notes = append(out.Notes, short)
		}
	}
	var extended bool
	if bar == data.Daily && s.Class == data.Equity {
		var err error
		if extended, err = extendedHours(s); err != nil {
			return out, err
		}
	}
	var early []string
	if bar == data.Daily && s.Class == data.Equity && s.Len() > 0 {
		early = earlyCloses(s.Time[0], s.Time[s.Len()-1])
	}
	rdr, err := ar.QueryContext(ctx, resampleQuery(bar, s.Class == data.Equity, extended, early))
	if err != nil {
		return out, err
	}
	defer rdr.Release()
	cols := []*[]float64{&out.Open, &out.High, &out.Low, &out.Close, &out.AdjClose, &out.Volume}
	for rdr.Next() {
		rec := rdr.RecordBatch()
		t, ok := rec.Column(0).(*array.Int64)
		if !ok {
			return out, fmt.Errorf("bucket column has type %s", rec.Column(0).DataType())
		}
		out.Time = append(out.Time, t.Int64Values()...)
		for j, c := range cols {
			a, ok := rec.Column(1 + j).(*array.Float64)
			if !ok {
				return out, fmt.Errorf("column %d has type %s, want double", 1+j, rec.Column(1+j).DataType())
			}
			off := len(*c)
			*c = append(*c, a.Float64Values()...)
			for k := 0; k < a.Len(); k++ {
				if a.IsNull(k) {
					(*c)[off+k] = math.NaN()
				}
			}
		}
		line, ok := rec.Column(7).(*array.Int64)
		if !ok {
			return out, fmt.Errorf("line column has type %s", rec.Column(7).DataType())
		}
		for _, l := range line.Int64Values() {
			out.Rows = append(out.Rows, int(l))
		}
	}
	if err := rdr.Err(); err != nil {
		return out, err
	}
	if out.Len() == 0 {
		return out, fmt.Errorf("no bars in the %s–%s %s session", SessionOpen, SessionClose, SessionZone)
	}
	src := s.Source
	if src == "" {
		src = s.Symbol
	}
	if err := out.Validate(src); err != nil {
		return out, err
	}
	return out, nil
}

// barEnd is when intraday bar k of times t, of interval iv (its
// stretch's), ends: at its stamp plus iv, or at the next bar's stamp if
// that is earlier (sessionStraddle).
func barEnd(t []int64, k int, iv data.Interval) int64 {
	e := t[k] + int64(max(iv, 1))
	if k+1 < len(t) && t[k+1] > t[k] && t[k+1] < e {
		e = t[k+1]
	}
	return e
}

// shortSessions notes, for an equity resampled to days, the dates whose
// intraday bars end before the New York session's close (16:00, or 13:00
// on an early close): the file lacks the session's last bars, and the
// day's close is its last bar's, before the session's. Yahoo's hourly
// files end their early closes with the 11:30 bar (to 12:30): the day
// after Thanksgiving closed at 12:30's price, not 13:00's. A bar ends at
// its stamp plus its interval, or at the next bar's stamp if that is
// earlier (sessionStraddle). "" when every date's bars reach its close.
func shortSessions(s *data.Series) (string, error) {
	loc, err := data.LoadTimezone(SessionZone)
	if err != nil {
		return "", err
	}
	type day struct {
		date    string
		end, cl int64
		closeAt string
	}
	var short []day
	n := 0
	segs, iv, g := s.Segments(), s.BarInterval(), 0
	for k := 0; k < len(s.Time); {
		// The bars of one New York date: k to j.
		y, m, d := time.Unix(0, s.Time[k]).In(loc).Date()
		end, daily := int64(math.MinInt64), false
		j := k
		for ; j < len(s.Time); j++ {
			if y2, m2, d2 := time.Unix(0, s.Time[j]).In(loc).Date(); y2 != y || m2 != m || d2 != d {
				break
			}
			for g < len(segs) && segs[g].From <= j {
				iv = segs[g].Interval
				g++
			}
			if iv >= data.Daily || iv <= 0 {
				daily = true // a daily bar (or one of unknown span) is its session whole
				continue
			}
			end = max(end, barEnd(s.Time, j, iv))
		}
		k = j
		if daily {
			continue
		}
		_, cl, closeAt, err := sessionOn(y, m, d, loc)
		if err != nil {
			return "", err
		}
		if end < cl {
			n++
			if len(short) < 3 {
				short = append(short, day{fmt.Sprintf("%04d-%02d-%02d", y, m, d), end, cl, closeAt})
			}
		}
	}
	if n == 0 {
		return "", nil
	}
	var b strings.Builder
	for i, d := range short {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (to %s, the close %s)", d.date, time.Unix(0, d.end).In(loc).Format("15:04"), d.closeAt)
	}
	what := "1 date's bars end"
	if n > 1 {
		what = fmt.Sprintf("%d dates' bars end", n)
	}
	if n > len(short) {
		b.WriteString(", …")
	}
	return fmt.Sprintf("%s before the New York session's close: %s; the file lacks the session's last bars, and such a date's 1d bar closes at its last bar's close, before the session's",
		what, b.String()), nil
}

// unfilledEdges notes, for a 24/7 instrument's resampled bars r (any
// non-equity: its buckets are cut at 00:00 UTC, every hour of them
// traded), a first or last bucket that the source bars s do not fill:
// the bars begin after the first bucket's start, or end before the last
// one's end (its bar's start plus its interval). A token's hourly file
// that ends with the 19:00 bar makes a last day of 00:00–20:00, whose
// high, low, close and volume are those of 20 hours: kept, as an
// in-progress candle is, and said. A last bucket from w's end on is not
// checked (the runs end before it: ResampleUntil), nor a first one when
// a read's start cut it (dropCutBucket left it out). The note names the
// bucket and the UTC hours its bars cover; the symbol is the series'
// (data.Panel.Notes names it), so that tokens ending alike share one.
func unfilledEdges(r data.Series, s *data.Series, bar data.Interval, w span) []string {
	if r.Len() == 0 || s.Len() == 0 {
		return nil
	}
	stamp := data.FormatTime
	if bar == data.Daily {
		stamp = data.FormatStamp
	}
	// clock is an instant's UTC time of day in the bucket starting at b:
	// 24:00 for the bucket's end at the next midnight.
	clock := func(t, b int64) string {
		if t > b && t%data.NanosPerDay == 0 {
			return "24:00"
		}
		return time.Unix(0, t).UTC().Format("15:04")
	}
	// end is source bar k's end: its stamp plus its stretch's interval.
	segs := s.Segments()
	end := func(k int) int64 {
		iv := s.BarInterval()
		for _, g := range segs {
			if g.From <= k {
				iv = g.Interval
			}
		}
		return s.Time[k] + int64(max(iv, 1))
	}
	var notes []string
	b0 := r.Time[0]
	if first := s.Time[sort.Search(s.Len(), func(j int) bool { return s.Time[j] >= b0 })]; first > b0 {
		e := b0 + int64(bar)
		notes = append(notes, fmt.Sprintf("the first %s bar, %s, holds %s–%s UTC of its %s–%s: the bars begin after its start, so its open, high, low and volume are those of part of it",
			bar, stamp(b0), clock(first, b0), clock(e, b0), clock(b0, b0), clock(e, b0)))
	}
	b := r.Time[r.Len()-1]
	if w.hasEnd && b >= w.end {
		return notes
	}
	e := b + int64(bar)
	k := sort.Search(s.Len(), func(j int) bool { return s.Time[j] >= e }) - 1
	if k >= 0 && s.Time[k] >= b {
		if last := end(k); last < e {
			notes = append(notes, fmt.Sprintf("the last %s bar, %s, holds %s–%s UTC of its %s–%s: the bars end before its end (an in-progress candle, or a file that stops there), so its high, low, close and volume are those of part of it",
				bar, stamp(b), clock(s.Time[sort.Search(s.Len(), func(j int) bool { return s.Time[j] >= b })], b), clock(last, b), clock(b, b), clock(e, b)))
		}
	}
	return notes
}

func resampleNote(s *data.Series, bar data.Interval) string {
	from := s.Interval.String()
	if from == "" {
		from = "single"
	}
	switch {
	case bar == data.Daily && s.Class == data.Equity:
		return fmt.Sprintf("resampled from %s to 1d bars: the %s–%s New York session of each date (%s–%s on the NYSE's early closes: the day after Thanksgiving, and July 3 and December 24 from Monday to Thursday)",
			from, SessionOpen, SessionClose, SessionOpen, SessionEarlyClose)
	case bar == data.Daily:
		return fmt.Sprintf("resampled from %s to 1d bars: UTC days", from)
	}
	return fmt.Sprintf("resampled from %s to %s bars aligned to 00:00 UTC", from, bar)
}

// bucketStart is the instant the bucket stamped t begins: t, except for an
// equity's daily bar (stamped 00:00 UTC of its date), whose session opens
// at SessionOpen New York time.
func bucketStart(t int64, bar data.Interval, class data.Class) (int64, error) {
	if bar != data.Daily || class != data.Equity {
		return t, nil
	}
	loc, err := data.LoadTimezone(SessionZone)
	if err != nil {
		return 0, err
	}
	open, err := time.Parse("15:04", SessionOpen)
	if err != nil {
		return 0, err
	}
	y, m, d := time.Unix(0, t).UTC().Date()
	return time.Date(y, m, d, open.Hour(), open.Minute(), 0, 0, loc).UnixNano(), nil
}

// dropCutBucket leaves out s's first bar when its bucket begins before
// start: the bars before start were not read, so it holds part of its
// bucket (see Resample).
func dropCutBucket(s data.Series, bar data.Interval, start int64) (data.Series, error) {
	b, err := bucketStart(s.Time[0], bar, s.Class)
	if err != nil || b >= start {
		return s, err
	}
	stamp := data.FormatTime
	if bar == data.Daily {
		stamp = data.FormatStamp
	}
	if s.Len() == 1 {
		return s, fmt.Errorf("no whole %s bar from %s: the only one, %s, begins before it", bar, data.FormatTime(start), stamp(s.Time[0]))
	}
	s.Notes = append(s.Notes, fmt.Sprintf("the first %s bar, %s, was left out: it begins before the start %s, so only part of it was read",
		bar, stamp(s.Time[0]), data.FormatTime(start)))
	s.Time, s.Rows = s.Time[1:], s.Rows[1:]
	s.Open, s.High, s.Low, s.Close, s.AdjClose, s.Volume = s.Open[1:], s.High[1:], s.Low[1:], s.Close[1:], s.AdjClose[1:], s.Volume[1:]
	return s, nil
}

// bucketEnd is the instant the bucket stamped t ends: t + bar, except for
// an equity's daily bar, whose session closes at SessionClose New York
// time (SessionEarlyClose on an early close).
func bucketEnd(t int64, bar data.Interval, class data.Class) (int64, error) {
	if bar != data.Daily || class != data.Equity {
		return t + int64(bar), nil
	}
	loc, err := data.LoadTimezone(SessionZone)
	if err != nil {
		return 0, err
	}
	y, m, d := time.Unix(0, t).UTC().Date()
	_, cl, _, err := sessionOn(y, m, d, loc)
	return cl, err
}

// dropEndCutBucket leaves out s's bar whose bucket begins before end and
// ends after it, when its high, low, close and volume are not those of
// the part before end: as dropCutBucket at start. src nil: the bars were
// read up to end (ReadSource, data import --end), and the bucket, the
// last bar, holds only the part read. src, the bars resampled: they go on
// past end (an experiment keeps them for its scenarios' replays), and the
// bucket is left out when it holds a bar from end on, which the runs,
// ending at end, must not see (an equity's 20:00 4h bucket, its session
// over at 21:00 UTC, holds none before an end at 22:30 and stays).
func dropEndCutBucket(s data.Series, bar data.Interval, end int64, src *data.Series) (data.Series, error) {
	n := s.Len()
	k := sort.Search(n, func(j int) bool { return s.Time[j] >= end }) - 1
	if k < 0 {
		return s, nil
	}
	e, err := bucketEnd(s.Time[k], bar, s.Class)
	if err != nil || e <= end {
		return s, err
	}
	what := "only part of it was read"
	if src != nil {
		j := sort.Search(src.Len(), func(j int) bool { return src.Time[j] >= end })
		if j == src.Len() || src.Time[j] >= e {
			return s, nil
		}
		what = "and its high, low, close and volume would include bars from the end on"
	}
	stamp := data.FormatTime
	if bar == data.Daily {
		stamp = data.FormatStamp
	}
	if k == 0 {
		return s, fmt.Errorf("no whole %s bar before %s: the only one, %s, ends after it", bar, data.FormatTime(end), stamp(s.Time[0]))
	}
	last := "the last %s bar, %s, was left out: it ends after the end %s, so %s"
	if src != nil {
		last = "the last %s bar before the end, %s, was left out: it ends after the end %s, %s"
	}
	s.Notes = append(s.Notes, fmt.Sprintf(last, bar, stamp(s.Time[k]), data.FormatTime(end), what))
	if k == n-1 {
		s.Time, s.Rows = s.Time[:k], s.Rows[:k]
		s.Open, s.High, s.Low, s.Close, s.AdjClose, s.Volume = s.Open[:k], s.High[:k], s.Low[:k], s.Close[:k], s.AdjClose[:k], s.Volume[:k]
		return s, nil
	}
	s.Time, s.Rows = slices.Delete(slices.Clone(s.Time), k, k+1), slices.Delete(slices.Clone(s.Rows), k, k+1)
	for _, c := range []*[]float64{&s.Open, &s.High, &s.Low, &s.Close, &s.AdjClose, &s.Volume} {
		if len(*c) == n {
			*c = slices.Delete(slices.Clone(*c), k, k+1)
		}
	}
	return s, nil
}
