package experiment

import (
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// A run's curve keeps 6 columns of 8 bytes a step, each allocated at once
// for every step, which Go's allocator rounds up: to a size class (at
// most an eighth more, at most 32 KiB) or, past 32 KiB, to whole 8 KiB
// pages. The estimate counted 48 bytes a step: the 200-run hedge sweep
// of 3,651 daily steps kept 206 KB a run where it counted 183 KB, and
// with --no-report on two workers it was estimated at 180.6 MiB against
// peaks of 175–188 MiB.
//
// One buy-and-hold run on one instrument of n bars (n steps), one worker,
// no outputs: the process, 104,857,600; twice (the panel, n × 56; the
// curve, 6 columns + 8,192); the worker, n × 64.
func TestEstimateCurvesAsAllocated(t *testing.T) {
	for _, tc := range []struct {
		name   string
		steps  int
		memory int64
	}{
		// A column of 800 bytes and an eighth, 900, to 16 bytes 912:
		// twice (5,600 + 6 × 912 = 5,472 + 8,192) = 38,528, + 6,400:
		// 104,902,528.
		{"small", 100, 104_902_528},
		// A column of 29,208 bytes and an eighth, 32,859, at most the
		// largest class, 32,768: twice (204,456 + 196,608 + 8,192) =
		// 818,512, + 233,664: 105,909,776 (at 48 bytes a step, 175,248
		// for the columns: 105,867,056).
		{"ten daily years", 3_651, 105_909_776},
		// A column of 40,000 bytes in whole pages, 5 × 8,192 = 40,960:
		// twice (280,000 + 245,760 + 8,192) = 1,067,904, + 320,000:
		// 106,245,504.
		{"past 32 KiB", 5_000, 106_245_504},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := series("A", tc.steps)
			for i := range s.Time {
				s.Time[i] = int64(19723+i) * data.NanosPerDay
			}
			f, err := Parse("c.toml", "name = \"c\"\n[data]\ndir = \"prices\"\n[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"A\"]\n")
			if err != nil {
				t.Fatal(err)
			}
			opt := Options{Workers: 1}.withDefaults()
			e, err := f.Estimate(opt)
			if err != nil {
				t.Fatal(err)
			}
			e = f.withData(e, &Market{Panel: &data.Panel{Series: []data.Series{s}}, Timeline: &engine.Timeline{Times: s.Time}}, opt, nil)
			if e.Memory != tc.memory {
				t.Errorf("memory %d, want %d", e.Memory, tc.memory)
			}
		})
	}
}
