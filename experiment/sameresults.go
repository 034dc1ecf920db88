package experiment

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"math"
	"strings"

	"github.com/divergence-research/divergence/engine"
)

// A sweep's runs whose results are the same (the same equity and cash at
// every step, as many fills) are named in a note: the parameters they
// differ in changed no decision on the data, so the sweep's surface is
// flat there for a reason of the data or of the strategy's rules, not of
// the market's response to the parameter (a pair hedge on equities and
// tokens decides at sync points only, Monday to Thursday, so
// rebalance_days = 4 and 5 rebalance on the same days).

// resultDigest is a digest of a run's result: the time, equity and cash
// of every step of its curve and its count of fills. The fills
// themselves are left out: they are most of a sweep's bytes (a 200-run
// sweep's 1.9M fills would take 80 ms of SHA-256 against 11 ms for the
// curves), and two different sets of fills that move cash and equity
// alike at every step are not a case to guard against.
func resultDigest(r *engine.Result) [sha256.Size]byte {
	d := digester{h: sha256.New()}
	c := &r.Curve
	d.int(int64(c.Len()))
	for k := range c.Time {
		d.int(c.Time[k])
		d.float(c.Equity[k])
		d.float(c.Cash[k])
	}
	d.int(int64(len(r.Fills)))
	return d.sum()
}

// digester feeds fixed-width values to a hash through a buffer (a
// run's result digest here, a series' bars in barsSHA256): one write
// of the hash per 4 KiB, not per value.
type digester struct {
	h   hash.Hash
	buf [4096]byte
	n   int
}

func (d *digester) int(v int64) {
	if d.n+8 > len(d.buf) {
		d.flush()
	}
	binary.LittleEndian.PutUint64(d.buf[d.n:], uint64(v))
	d.n += 8
}

func (d *digester) float(v float64) { d.int(int64(math.Float64bits(v))) }

func (d *digester) flush() {
	d.h.Write(d.buf[:d.n])
	d.n = 0
}

func (d *digester) sum() (out [sha256.Size]byte) {
	d.flush()
	d.h.Sum(out[:0])
	return out
}

// sameResults notes, for each swept strategy, the baseline runs whose
// results repeat another run's (digests by run, have false where none
// was taken). Runs that made no trade are left to noTrade's note.
func sameResults(runs []RunResult, digests [][sha256.Size]byte, have []bool) []string {
	var notes []string
	var strategies []string
	byStrategy := map[string][]int{}
	swept := map[string]int{} // by strategy: its swept runs, traded or not
	for i := range runs {
		r := &runs[i]
		if !have[i] || !r.Baseline() || len(r.Swept) == 0 {
			continue
		}
		swept[r.Strategy]++
		if r.Metrics.Fills == 0 {
			continue
		}
		if _, ok := byStrategy[r.Strategy]; !ok {
			strategies = append(strategies, r.Strategy)
		}
		byStrategy[r.Strategy] = append(byStrategy[r.Strategy], i)
	}
	for _, s := range strategies {
		idx := byStrategy[s]
		// The runs by result, each group in run order, the groups in
		// order of their first run.
		at := map[[sha256.Size]byte]int{}
		var groups [][]int
		for _, i := range idx {
			g, ok := at[digests[i]]
			if !ok {
				g = len(groups)
				at[digests[i]] = g
				groups = append(groups, nil)
			}
			groups[g] = append(groups[g], i)
		}
		repeats, multi, shown := 0, 0, []string(nil)
		for _, g := range groups {
			if len(g) < 2 {
				continue
			}
			repeats += len(g) - 1
			multi++
			if len(shown) < 3 {
				shown = append(shown, describeSame(runs, g))
			}
		}
		if repeats == 0 {
			continue
		}
		list := strings.Join(shown, "; ")
		if more := multi - len(shown); more > 0 {
			list += fmt.Sprintf("; and %d more such group(s)", more)
		}
		of := fmt.Sprintf("%d of its %d runs", repeats, len(idx))
		if n := swept[s]; n > len(idx) {
			// The runs that made no trade are not among those compared.
			of = fmt.Sprintf("%d of the %d of its %d runs that traded", repeats, len(idx), n)
		}
		notes = append(notes, fmt.Sprintf("sweep %s: %s repeat the results of another run of the sweep (the same equity and cash at every step, as many fills), so the parameters they differ in changed no decision on these data: %s",
			s, of, list))
	}
	return notes
}

// describeSame names a group of runs with the same results: by the one
// swept parameter whose values differ among them, with the others'
// values ("rebalance_days = 4, 5 (gross = 0.2)"), or else by their keys.
func describeSame(runs []RunResult, group []int) string {
	first := runs[group[0]].Swept
	differ := -1
	for k := range first {
		for _, i := range group[1:] {
			sw := runs[i].Swept
			if k >= len(sw) || sw[k].Key != first[k].Key {
				differ = -2
				break
			}
			if fmt.Sprint(sw[k].Value) != fmt.Sprint(first[k].Value) {
				if differ >= 0 && differ != k {
					differ = -2
				} else if differ == -1 {
					differ = k
				}
			}
		}
		if differ == -2 {
			break
		}
	}
	if differ < 0 {
		keys := make([]string, len(group))
		for j, i := range group {
			keys[j] = runs[i].Key
		}
		return strings.Join(keys, ", ")
	}
	vals := make([]string, len(group))
	for j, i := range group {
		vals[j] = fmt.Sprint(runs[i].Swept[differ].Value)
	}
	s := first[differ].Key + " = " + strings.Join(vals, ", ")
	var rest []string
	for k, v := range first {
		if k != differ {
			rest = append(rest, fmt.Sprintf("%s = %v", v.Key, v.Value))
		}
	}
	if len(rest) > 0 {
		s += " (" + strings.Join(rest, ", ") + ")"
	}
	return s
}
