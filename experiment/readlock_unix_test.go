//go:build unix

package experiment

import (
	"context"
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
