package report

import "io"

// bidiWriter writes the page through to w with every bidirectional
// embedding, override and isolate control (U+202A–U+202E, U+2066–U+2069)
// replaced by U+FFFD. The page never writes one itself; one in a name, a
// description or a note (U+202E, the right-to-left override) reversed
// the page's own text after it up to the end of its paragraph: a run's
// heading, a chart's title ("TFSM" for MSFT). The replacement has the
// control's length (three bytes) and the page is copied once, as it is
// made.
type bidiWriter struct {
	w    io.Writer
	held []byte // the first bytes of a character a Write ended in
}

// isBidi reports whether the three bytes of c are the UTF-8 of a control
// bidiWriter replaces.
func isBidi(c []byte) bool {
	return c[0] == 0xe2 && (c[1] == 0x80 && c[2] >= 0xaa && c[2] <= 0xae || c[1] == 0x81 && c[2] >= 0xa6 && c[2] <= 0xa9)
}

const replacement = "\ufffd"

func (b *bidiWriter) Write(p []byte) (int, error) {
	n := len(p)
	if len(b.held) > 0 {
		// Only continuation bytes complete the held character: another
		// byte (a lead byte 0xe2 after a stray one) starts a character
		// of its own, which the loop below looks at.
		for len(b.held) < 3 && len(p) > 0 && p[0]&0xc0 == 0x80 {
			b.held = append(b.held, p[0])
			p = p[1:]
		}
		if len(b.held) < 3 && len(p) == 0 {
			return n, nil
		}
		c := b.held
		if len(c) == 3 && isBidi(c) {
			c = []byte(replacement)
		}
		b.held = b.held[:0]
		if _, err := b.w.Write(c); err != nil {
			return 0, err
		}
	}
	start := 0
	for i := 0; i < len(p); i++ {
		if p[i] != 0xe2 {
			continue
		}
		if i+3 > len(p) && (i+1 == len(p) || p[i+1]&0xc0 == 0x80) {
			if _, err := b.w.Write(p[start:i]); err != nil {
				return 0, err
			}
			b.held = append(b.held, p[i:]...)
			return n, nil
		}
		if i+3 <= len(p) && isBidi(p[i:i+3]) {
			if _, err := b.w.Write(p[start:i]); err != nil {
				return 0, err
			}
			if _, err := io.WriteString(b.w, replacement); err != nil {
				return 0, err
			}
			start = i + 3
		}
	}
	if _, err := b.w.Write(p[start:]); err != nil {
		return 0, err
	}
	return n, nil
}

// Flush writes the bytes of a character cut off by the end of the page
// as they are.
func (b *bidiWriter) Flush() error {
	if len(b.held) == 0 {
		return nil
	}
	_, err := b.w.Write(b.held)
	b.held = b.held[:0]
	return err
}
