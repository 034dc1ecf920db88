//go:build unix

package experiment

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The last reader out holds the lock exclusively while it clears the
// text (Release), under the folder's text mutex. A reader or a run coming
// in then is not refused as if a run held the folder, however long the
// last reader takes (a loaded machine may stop it for longer than any
// fixed settling time): here it is held for 400ms, four times the
// 50 × 2ms a refused caller used to look again for.
func TestComingInAsTheLastReaderStalls(t *testing.T) {
	for _, tc := range []struct {
		name   string
		shared bool
	}{
		{"a reader", true},
		{"a run", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			// The last reader, mid-Release: its line taken out (the text
			// empty), the text mutex held, its lock converted to exclusive.
			f, err := os.OpenFile(filepath.Join(out, lockName("x")), os.O_RDWR|os.O_CREATE, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			done := textMutex(out)
			if ok, err := tryLock(f, false); !ok || err != nil {
				t.Fatalf("exclusive lock: %v, %v", ok, err)
			}
			go func() {
				time.Sleep(400 * time.Millisecond)
				f.Truncate(0)
				f.Close()
				done()
			}()
			l, err := lockDir(context.Background(), out, "x", "pid 7, coming in", nil, 0, tc.shared)
			if err != nil {
				t.Fatalf("%s coming in as the last reader goes: %v, want the lock once it has gone", tc.name, err)
			}
			l.Release()
		})
	}
}

// A run waiting for a folder's readers (--wait) keeps readers coming in
// out, naming itself, so that readers taking turns cannot keep it waiting
// forever (two readers of 150ms each, overlapping, kept a run out for
// good); once it has the lock, or has given up, readers come in again.
func TestRunWaitingKeepsNewReadersOut(t *testing.T) {
	ctx := context.Background()
	const run = "pid 13, started 2025-06-01T10:00:02Z, divergence run e.toml"
	for _, tc := range []struct {
		name string
		upTo time.Duration // the run's wait: 0, as long as it takes
	}{
		{"the run gets the lock", 0},
		{"the run gives up", 300 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			ra, err := ReadLockDirUpTo(ctx, out, "x", "pid 11, reader a", nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			waiting := make(chan bool, 1)
			got := make(chan error, 1)
			go func() {
				l, err := LockDirUpTo(ctx, out, "x", run, func(string) { waiting <- true }, tc.upTo)
				if err == nil {
					l.Release()
				}
				got <- err
			}()
			<-waiting
			_, err = ReadLockDirUpTo(ctx, out, "x", "pid 12, reader b", nil, 0)
			var le *LockedError
			if !errors.As(err, &le) || le.Read || le.Holder != run+" (waiting to write it)" {
				t.Fatalf("reader coming in while a run waits: %v, want refused naming the run", err)
			}
			if tc.upTo == 0 {
				ra.Release()
			}
			select {
			case err := <-got:
				if tc.upTo == 0 && err != nil {
					t.Fatalf("run after the reader let go: %v", err)
				}
				if tc.upTo > 0 && !errors.As(err, &le) {
					t.Fatalf("run beside a reader for %v: %v, want refused", tc.upTo, err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the run still waits 10s after the reader let go")
			}
			rc, err := ReadLockDirUpTo(ctx, out, "x", "pid 14, reader c", nil, 0)
			if err != nil {
				t.Fatalf("reader after the run: %v", err)
			}
			rc.Release()
			if tc.upTo > 0 {
				ra.Release()
			}
		})
	}
}
