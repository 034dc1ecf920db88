package report

import (
	"bytes"
	"fmt"
	"testing"
)

// TestBidiWriter: every bidirectional embedding, override and isolate
// control (U+202A–U+202E, U+2066–U+2069) reaches the page as U+FFFD,
// however the writes split its three bytes; other characters of the
// same lead byte (U+2212 minus, U+202F narrow no-break space, U+2028
// line separator, U+2069's neighbour U+206A) pass as they are.
func TestBidiWriter(t *testing.T) {
	const in = "a\u202eRTL b \u2066iso\u2069 c \u202a\u202b\u202c\u202d d \u2212 1\u202f000 \u2028 \u206a \u2067\u2068 e\u00e9\U0001F600"
	// Written by hand: each control above replaced, nothing else.
	const want = "a\ufffdRTL b \ufffdiso\ufffd c \ufffd\ufffd\ufffd\ufffd d \u2212 1\u202f000 \u2028 \u206a \ufffd\ufffd e\u00e9\U0001F600"
	for _, size := range []int{1, 2, 3, 4, 7, len(in)} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			var out bytes.Buffer
			bw := &bidiWriter{w: &out}
			for p := []byte(in); len(p) > 0; {
				k := min(size, len(p))
				if n, err := bw.Write(p[:k]); n != k || err != nil {
					t.Fatalf("Write of %d bytes: %d, %v", k, n, err)
				}
				p = p[k:]
			}
			if err := bw.Flush(); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != want {
				t.Errorf("writes of %d bytes:\n got %q\nwant %q", size, got, want)
			}
		})
	}
	// A lead byte cut off at the very end of the page is written as it is.
	var out bytes.Buffer
	bw := &bidiWriter{w: &out}
	_, _ = bw.Write([]byte("x\xe2\x80"))
	if err := bw.Flush(); err != nil || out.String() != "x\xe2\x80" {
		t.Errorf("truncated end: %q, %v", out.String(), err)
	}
}
