package report

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
)

// Fill is one execution of a run, as runs/<key>/fills.parquet holds it.
type Fill struct {
	Time       int64
	Symbol     string
	Qty        float64 // signed: > 0 bought, < 0 sold
	Price      float64
	Commission float64 // money paid, ≥ 0
	Tag        string
}

// RoundTrip is a quantity of one instrument bought (or sold short) by one
// fill and sold (bought back) by a later one. Fills are matched first in,
// first out per symbol: a fill that reduces a position closes the oldest
// open lots first, and a fill that crosses zero closes every lot and opens
// a new one with the rest.
type RoundTrip struct {
	Symbol string
	// EntryTime and ExitTime are UTC Unix nanoseconds; Open is set when
	// the lot was still held at the end (ExitTime is then the last fill's
	// time, and ExitPrice NaN).
	EntryTime, ExitTime   int64
	Open                  bool
	EntryPrice, ExitPrice float64
	// Qty is signed: > 0 a long lot, < 0 a short one.
	Qty float64
	// PnL is Qty × (ExitPrice − EntryPrice) less the commissions of the
	// entry and exit fills in proportion to the quantity matched (money).
	PnL float64
	// Return is PnL over the entry notional |Qty| × EntryPrice.
	Return float64
	// Tranche is the entry fill's tag ("tranche 2" for a scaled entry;
	// "rebalance long", … for other strategies).
	Tranche string
}

// RoundTrips matches a run's fills (in time order) into round trips,
// closed ones in the order they closed, then the lots still open in the
// order they were opened.
func RoundTrips(fills []Fill) []RoundTrip {
	type lot struct {
		t          int64
		qty, price float64
		commission float64 // per unit of qty
		tag        string
	}
	open := map[string][]lot{}
	var symbols []string
	var out []RoundTrip
	last := int64(math.MinInt64) // the last fill's time: 0 is 1970-01-01, after fills before it
	for _, f := range fills {
		last = max(last, f.Time)
		if f.Qty == 0 {
			continue
		}
		if _, ok := open[f.Symbol]; !ok {
			symbols = append(symbols, f.Symbol)
		}
		per := f.Commission / math.Abs(f.Qty)
		rest := f.Qty
		lots := open[f.Symbol]
		for len(lots) > 0 && rest != 0 && (lots[0].qty > 0) != (rest > 0) {
			l := &lots[0]
			q := math.Copysign(math.Min(math.Abs(l.qty), math.Abs(rest)), l.qty) // matched, the lot's sign
			pnl := q*(f.Price-l.price) - math.Abs(q)*(l.commission+per)
			rt := RoundTrip{Symbol: f.Symbol, EntryTime: l.t, ExitTime: f.Time, EntryPrice: l.price, ExitPrice: f.Price,
				Qty: q, PnL: pnl, Return: pnl / (math.Abs(q) * l.price), Tranche: l.tag}
			out = append(out, rt)
			l.qty -= q
			rest += q
			if math.Abs(l.qty) <= 1e-12*math.Abs(q) {
				lots = lots[1:]
			}
		}
		if math.Abs(rest) > 1e-12*math.Abs(f.Qty) {
			lots = append(lots, lot{t: f.Time, qty: rest, price: f.Price, commission: per, tag: f.Tag})
		}
		open[f.Symbol] = lots
	}
	for _, s := range symbols {
		for _, l := range open[s] {
			out = append(out, RoundTrip{Symbol: s, EntryTime: l.t, ExitTime: last, Open: true, EntryPrice: l.price,
				ExitPrice: math.NaN(), Qty: l.qty, PnL: math.NaN(), Return: math.NaN(), Tranche: l.tag})
		}
	}
	return out
}

// readFills reads runs/<key>/fills.parquet (nil without one).
func readFills(dir string) ([]Fill, error) {
	pq := filepath.Join(dir, "fills.parquet")
	if _, err := os.Stat(pq); err != nil {
		return nil, nil
	}
	t, err := results.ReadTableParquet(pq, "time", "symbol", "qty", "price", "commission", "tag")
	if err != nil {
		return nil, err
	}
	n := t.Rows()
	out := make([]Fill, n)
	for i := range out {
		out[i] = Fill{Time: t.Columns[0].Times[i], Symbol: t.Columns[1].Strings[i], Qty: t.Columns[2].Floats[i],
			Price: t.Columns[3].Floats[i], Commission: t.Columns[4].Floats[i], Tag: t.Columns[5].Strings[i]}
	}
	return out, nil
}

// maxTrades is the number of round trips a run's table shows at most.
const maxTrades = 100

// tradesTable is a run's round-trip table: every round trip when there
// are at most maxTrades, else the maxTrades with the largest |PnL| (open
// lots after them: the closed ones, then open lots up to maxTrades), in
// entry order; and a line that sums them all up and says which the table
// holds.
// end is the run's last time: an open lot has been held until then (0
// when unknown: its holding is then not given).
func tradesTable(rts []RoundTrip, end int64) (*htmlTable, string) {
	if len(rts) == 0 {
		return nil, ""
	}
	closed, wins := 0, 0
	var pnl float64
	// The holding times are summed in float64 nanoseconds: as a
	// time.Duration (int64) the sum wrapped past 292 years, 1,817 round
	// trips held 164.5 days on average.
	var hold float64
	for _, r := range rts {
		if r.Open {
			continue
		}
		closed++
		pnl += r.PnL
		hold += float64(r.ExitTime - r.EntryTime)
		if r.PnL > 0 {
			wins++
		}
	}
	summary := strconv.Itoa(closed) + " closed round trips"
	if closed > 0 {
		summary += ", " + strconv.FormatFloat(100*float64(wins)/float64(closed), 'f', 1, 64) + "% with a gain, PnL net of commissions " + formatMoney(pnl) +
			", mean holding time " + holding(time.Duration(hold/float64(closed)))
	}
	if o := len(rts) - closed; o > 0 {
		summary += "; " + strconv.Itoa(o) + " lot(s) still open at the end"
	}
	shown := slices.Clone(rts)
	if len(shown) > maxTrades {
		sort.SliceStable(shown, func(a, b int) bool {
			return math.Abs(nanTo0(shown[a].PnL)) > math.Abs(nanTo0(shown[b].PnL))
		})
		shown = shown[:maxTrades]
		// Open lots have no PnL: they sort after every closed round
		// trip, and fill the table only when fewer than maxTrades closed.
		switch open := len(rts) - closed; {
		case closed >= maxTrades:
			summary += "; the table shows the " + strconv.Itoa(maxTrades) + " closed round trips with the largest PnL either way"
		case closed == 0:
			summary += "; the table shows " + strconv.Itoa(maxTrades) + " of the " + strconv.Itoa(open) + " lots still open"
		default:
			summary += "; the table shows every closed round trip and " + strconv.Itoa(maxTrades-closed) + " of the " + strconv.Itoa(open) + " lots still open"
		}
		summary += " (every fill is in fills.parquet)"
	}
	sort.SliceStable(shown, func(a, b int) bool {
		if shown[a].EntryTime != shown[b].EntryTime {
			return shown[a].EntryTime < shown[b].EntryTime
		}
		return shown[a].ExitTime < shown[b].ExitTime
	})
	t := &htmlTable{Header: []string{"symbol", "side", "entry", "exit", "entry price", "exit price", "quantity", "PnL", "return", "holding", "tranche"}}
	for _, r := range shown {
		side := "long"
		if r.Qty < 0 {
			side = "short"
		}
		exit := results.FormatTime(r.ExitTime)
		held := holding(time.Duration(r.ExitTime - r.EntryTime))
		if r.Open {
			// Held until the run's end, not until its last fill.
			exit, held = "open", "—"
			if end >= r.EntryTime {
				held = holding(time.Duration(end-r.EntryTime)) + " (open)"
			}
		}
		t.Rows = append(t.Rows, []cell{
			{Text: r.Symbol}, {Text: side}, {Text: results.FormatTime(r.EntryTime)}, {Text: exit},
			{Text: price(r.EntryPrice), Numeric: true}, {Text: price(r.ExitPrice), Numeric: true},
			{Text: minus(strconv.FormatFloat(r.Qty, 'g', 6, 64)), Numeric: true},
			{Text: formatMoney(r.PnL), Numeric: true}, {Text: formatValue("total_return", r.Return), Numeric: true},
			{Text: held, Numeric: true}, {Text: r.Tranche},
		})
	}
	return t, summary
}

func nanTo0(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}

func price(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return minus(strconv.FormatFloat(v, 'g', 6, 64))
}

// holding writes a duration in days (and hours below two days).
func holding(d time.Duration) string {
	if d < 48*time.Hour {
		return strconv.FormatFloat(d.Hours(), 'f', 1, 64) + " h"
	}
	return strconv.FormatFloat(d.Hours()/24, 'f', 1, 64) + " d"
}

// jsLadder is a scaled entry's tranche ladder, or a run's fills on one
// instrument's price: the price line (when the report has prices), each
// entry (buys of a long, sells of a short) and exit at its fill price (a
// fill that reverses the position is both: it exits the old one and
// enters the new one), and the average entry price of the position held
// (null while there is none) at the fills that change it: an exit keeps
// the average, and a point of the same value as the one before is left
// out (half the points of a rebalancing strategy's line). The page's
// script carries each average over every later time until the next point
// (report.js), so that the line and its read-out at an exit are those of
// a point there.
type jsLadder struct {
	Run    string `json:"run"`
	Symbol string `json:"symbol"`
	Title  string `json:"title"`
	Color  string `json:"color"`
	// Close indexes the instrument's close over the run's period in the
	// payload's Closes, when known: the runs drawn share one copy.
	Close *int      `json:"close,omitempty"`
	Entry priceLine `json:"entry"`
	Exit  priceLine `json:"exit"`
	Avg   priceLine `json:"avg"`
	// EntryTags are the entries' tags, in order ("tranche 1", …), and
	// ExitTags the exits': indexes in the payload's Tags, where each
	// distinct tag is written once (a rebalancing strategy's thousands of
	// fills have two: "rebalance long", "rebalance short").
	EntryTags []int `json:"entryTags"`
	ExitTags  []int `json:"exitTags"`
}

// tagSet holds the distinct tags of the ladders' fills, each once.
type tagSet struct {
	list []string
	at   map[string]int
}

// refs returns the indexes in t.list of tags, adding those not in it.
func (t *tagSet) refs(tags []string) []int {
	if t.at == nil {
		t.at = map[string]int{}
	}
	out := make([]int, len(tags))
	for i, s := range tags {
		k, ok := t.at[s]
		if !ok {
			k = len(t.list)
			t.list = append(t.list, s)
			t.at[s] = k
		}
		out[i] = k
	}
	return out
}

// maxMarkers bounds the fills a ladder marks: beyond it (a weekly
// rebalance over years) markers are noise and the chart is skipped.
const maxMarkers = 400

// ladders are the price charts of a run's fills: one per symbol with at
// most maxMarkers fills, for a run whose fills are tagged as tranches
// ("tranche k") or when prices are known. Their closes are added to
// closes, their fills' tags to tags.
func ladders(r *Run, pal *charts.Palette, prices map[string]charts.Series, closes *closeSet, tags *tagSet) []jsLadder {
	bySymbol := map[string][]Fill{}
	var order []string
	tranches := false
	for _, f := range r.Fills {
		if _, ok := bySymbol[f.Symbol]; !ok {
			order = append(order, f.Symbol)
		}
		bySymbol[f.Symbol] = append(bySymbol[f.Symbol], f)
		tranches = tranches || strings.HasPrefix(f.Tag, "tranche ")
	}
	var out []jsLadder
	for _, s := range order {
		fs := bySymbol[s]
		ps, havePrice := prices[s]
		if len(fs) > maxMarkers || !(tranches || havePrice) {
			continue
		}
		l := jsLadder{Run: r.Key, Symbol: s, Color: cssColor(pal, r.Name)}
		l.Title = r.Name + ": " + s + " fills"
		if tranches {
			l.Title = r.Name + ": " + s + " tranche ladder (entries, exits and the average entry price)"
		}
		if havePrice {
			a, _ := slices.BinarySearch(ps.Time, r.Equity.Time[0])
			b, _ := slices.BinarySearch(ps.Time, r.Equity.Time[len(r.Equity.Time)-1]+1)
			k := closes.ref(s, a, b, ps)
			l.Close = &k
			l.Title += " on its close"
		}
		pos, cost := 0.0, 0.0
		var entryTags, exitTags []string
		for _, f := range fs {
			opening := pos == 0 || (pos > 0) == (f.Qty > 0)
			if opening {
				mark(&l.Entry, &entryTags, f)
				cost += f.Qty * f.Price
			} else {
				mark(&l.Exit, &exitTags, f)
				if rest := pos + f.Qty; (rest > 0) != (pos > 0) && math.Abs(rest) >= 1e-9 {
					// A fill that crosses zero closes the position and
					// opens one the other way with the rest, at its price
					// (as RoundTrips matches it): an exit and an entry.
					mark(&l.Entry, &entryTags, f)
					cost = rest * f.Price
				} else {
					cost *= rest / pos // the average entry price is kept
				}
			}
			pos += f.Qty
			if math.Abs(pos) < 1e-9 {
				pos, cost = 0, 0
			}
			avg := math.NaN()
			if pos != 0 {
				avg = cost / pos
			}
			if n := len(l.Avg.T); n > 0 && l.Avg.T[n-1] == f.Time {
				l.Avg.V[n-1] = avg
			} else {
				l.Avg.T = append(l.Avg.T, f.Time)
				l.Avg.V = append(l.Avg.V, avg)
			}
		}
		l.Avg = changes(l.Avg)
		l.EntryTags, l.ExitTags = tags.refs(entryTags), tags.refs(exitTags)
		out = append(out, l)
	}
	return out
}

// closeSet holds the instruments' closes the ladders draw, reduced per
// pixel, once per instrument and period: the ten runs a sweep's report
// draws share them instead of carrying a copy each.
type closeSet struct {
	lines []priceLine
	at    map[closeKey]int
}

type closeKey struct {
	symbol string
	a, b   int
}

// ref returns the index in c.lines of symbol's close ps[a:b], adding it
// on first use.
func (c *closeSet) ref(symbol string, a, b int, ps charts.Series) int {
	k := closeKey{symbol, a, b}
	if i, ok := c.at[k]; ok {
		return i
	}
	if c.at == nil {
		c.at = map[closeKey]int{}
	}
	t, v := reduce(ps.Time[a:b], ps.Values[a:b])
	c.lines = append(c.lines, priceLine{T: t, V: v})
	c.at[k] = len(c.lines) - 1
	return len(c.lines) - 1
}

// priceLine is a line of prices.
type priceLine struct {
	T secs   `json:"t"`
	V prices `json:"v"`
}

// changes returns the points of l whose value differs from the one
// before (NaN equal to NaN), the first always: l in place.
func changes(l priceLine) priceLine {
	n := 0
	for i, v := range l.V {
		if last := n - 1; last >= 0 && (v == l.V[last] || v != v && l.V[last] != l.V[last]) {
			continue
		}
		l.T[n], l.V[n] = l.T[i], v
		n++
	}
	return priceLine{T: l.T[:n], V: l.V[:n]}
}

// mark adds a fill to a marker line; a second fill at the same time
// replaces the first's price (the line has one point per time) and joins
// its tag.
func mark(l *priceLine, tags *[]string, f Fill) {
	if n := len(l.T); n > 0 && l.T[n-1] == f.Time {
		l.V[n-1] = f.Price
		(*tags)[n-1] += ", " + f.Tag
		return
	}
	l.T = append(l.T, f.Time)
	l.V = append(l.V, f.Price)
	*tags = append(*tags, f.Tag)
}
