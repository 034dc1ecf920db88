package experiment

import (
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"
)

// BenchmarkMachineScaling measures what two cores give this machine over
// one, for three kinds of work a run is made of, as a bound on
// BenchmarkSweepCommand's speedup:
//
//   - speedup-alu: arithmetic in registers (a multiply-add chain), done
//     once by one goroutine and then once by each of two at once;
//   - speedup-stream: passes that read and write an 8 MiB buffer (larger
//     than a core's cache), by one goroutine, then by two at once, each
//     on its own buffer: memory bandwidth shared by the cores;
//   - speedup-fault: first touches of 64 MiB of fresh memory (the page
//     faults of a growing heap), by one goroutine, then by two at once;
//     the memory is returned to the system before each (FreeOSMemory),
//     so that every touch faults.
//
// Each speedup is 2 × (time of one) ÷ (time of two at once): 2 when the
// second core adds as much as the first, 1 when it adds nothing. The
// fastest of each variant over the iterations is kept.
func BenchmarkMachineScaling(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs two cores")
	}
	alu := func() {
		x := 1.0
		for range 50_000_000 {
			x = x*1.0000001 + 1e-9
		}
		runtime.KeepAlive(x)
	}
	bufs := [2][]float64{make([]float64, 1<<20), make([]float64, 1<<20)}
	stream := func(k int) func() {
		return func() {
			buf := bufs[k]
			for range 8 {
				for i := range buf {
					buf[i] = buf[i]*0.5 + 1
				}
			}
		}
	}
	fault := func() {
		p := make([]byte, 64<<20)
		for i := 0; i < len(p); i += 4096 {
			p[i] = 1
		}
		runtime.KeepAlive(p)
	}
	at := func(fs ...func()) time.Duration {
		debug.FreeOSMemory()
		var wg sync.WaitGroup
		t := time.Now()
		for _, f := range fs {
			wg.Add(1)
			go func() { defer wg.Done(); f() }()
		}
		wg.Wait()
		return time.Since(t)
	}
	best := make([]time.Duration, 6)
	for i := range best {
		best[i] = time.Hour
	}
	stream(0)()
	stream(1)()
	b.ResetTimer()
	for range b.N {
		for i, d := range []time.Duration{
			at(alu), at(alu, alu),
			at(stream(0)), at(stream(0), stream(1)),
			at(fault), at(fault, fault),
		} {
			best[i] = min(best[i], d)
		}
	}
	b.ReportMetric(2*best[0].Seconds()/best[1].Seconds(), "speedup-alu")
	b.ReportMetric(2*best[2].Seconds()/best[3].Seconds(), "speedup-stream")
	b.ReportMetric(2*best[4].Seconds()/best[5].Seconds(), "speedup-fault")
}
