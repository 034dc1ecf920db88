package report

import (
	"bytes"
	"fmt"
	"math/rand/v2"
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

// TestBidiWriterAfterStrayLead: a lone lead byte 0xe2 (invalid UTF-8,
// which html/template passes through from a name) just before a control
// is no character with it: the control is replaced however the writes
// split them. Split between the stray byte and the control, the stray
// byte was held, completed with the control's first two bytes as one
// "character" (0xe2 0xe2 0x80, not a control), and the control's last
// byte written alone: the browser decodes 0xe2 as U+FFFD and then reads
// 0xe2 0x80 0xae as U+202E, which reached the page.
func TestBidiWriterAfterStrayLead(t *testing.T) {
	// By hand: the stray byte as it is, the control as U+FFFD (ef bf bd).
	const want = "a\xe2\xef\xbf\xbdb"
	for _, split := range []int{1, 2, 3, 4, 5} {
		t.Run(fmt.Sprint(split), func(t *testing.T) {
			in := []byte("a\xe2\u202eb")
			var out bytes.Buffer
			bw := &bidiWriter{w: &out}
			for _, p := range [][]byte{in[:split], in[split:]} {
				if n, err := bw.Write(p); n != len(p) || err != nil {
					t.Fatalf("Write of %d bytes: %d, %v", len(p), n, err)
				}
			}
			if err := bw.Flush(); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != want {
				t.Errorf("split at %d: got %q, want %q", split, got, want)
			}
		})
	}
}

// TestBidiWriterSplits: any bytes (valid UTF-8 or not) written in any
// pieces come out as a second method makes them: each control's three
// bytes replaced throughout the whole input by bytes.ReplaceAll (a
// control's bytes cannot overlap another's: its lead byte 0xe2 is no
// continuation byte).
func TestBidiWriterSplits(t *testing.T) {
	alphabet := []byte{0xe2, 0x80, 0x81, 0xaa, 0xae, 0xa6, 0xa9, 0xaf, 'a'}
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		in := make([]byte, r.IntN(12))
		for i := range in {
			in[i] = alphabet[r.IntN(len(alphabet))]
		}
		want := in
		for _, c := range []rune{0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069} {
			want = bytes.ReplaceAll(want, []byte(string(c)), []byte("\ufffd"))
		}
		var out bytes.Buffer
		bw := &bidiWriter{w: &out}
		for p := in; len(p) > 0; {
			k := 1 + r.IntN(len(p))
			if n, err := bw.Write(p[:k]); n != k || err != nil {
				t.Fatalf("Write of %d bytes: %d, %v", k, n, err)
			}
			p = p[k:]
		}
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Fatalf("trial %d: %q gave %q, want %q", trial, in, out.Bytes(), want)
		}
	}
}
