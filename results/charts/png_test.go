package charts

import (
	"bytes"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// TestEncodePNG: what encodePNG writes decodes, through image/png, to the
// pixels it was given: an opaque chart as RGB without filters, an image
// off the origin and one with a row longer than an IDAT chunk's 64 KiB;
// a translucent image is left to image/png.
func TestEncodePNG(t *testing.T) {
	chart := func(w, h int) *image.RGBA {
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				c := color.RGBA{0xff, 0xff, 0xff, 0xff}
				switch {
				case y == h/2 || x == w/3: // grid lines
					c = color.RGBA{0xcc, 0xcc, 0xcc, 0xff}
				case (x*7+y*3)%29 == 0: // a scatter of odd pixels
					c = color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 0xff}
				}
				m.SetRGBA(x, y, c)
			}
		}
		return m
	}
	translucent := chart(40, 30)
	translucent.SetRGBA(5, 5, color.RGBA{0x40, 0x20, 0x10, 0x80})
	offset := chart(90, 60).SubImage(image.Rect(10, 20, 70, 55)).(*image.RGBA)
	for _, tc := range []struct {
		name   string
		m      *image.RGBA
		ownRGB bool // written by encodePNG itself, as RGB
	}{
		{"chart", chart(1200, 840), true},
		{"wide", chart(30000, 3), true}, // a row of 90,001 bytes
		{"offset", offset, true},
		{"translucent", translucent, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := encodePNG(&buf, tc.m); err != nil {
				t.Fatal(err)
			}
			b := buf.Bytes()
			// Byte 25 of a PNG is the IHDR's colour type: 2 is RGB,
			// 6 RGBA.
			if got, want := b[25] == 2, tc.ownRGB; got != want {
				t.Errorf("colour type %d", b[25])
			}
			if !tc.ownRGB {
				// image/png's own bytes (which store colours without
				// premultiplied alpha: a round trip may move them by one).
				var want bytes.Buffer
				enc := png.Encoder{CompressionLevel: png.BestSpeed}
				if err := enc.Encode(&want, tc.m); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(b, want.Bytes()) {
					t.Error("a translucent image is not written as image/png writes it")
				}
				return
			}
			checkChunkCRCs(t, b)
			back, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			r := tc.m.Rect
			if got := back.Bounds().Size(); got != r.Size() {
				t.Fatalf("size %v, want %v", got, r.Size())
			}
			bad := 0
			for y := 0; y < r.Dy(); y++ {
				for x := 0; x < r.Dx(); x++ {
					want := tc.m.RGBAAt(r.Min.X+x, r.Min.Y+y)
					got := color.RGBAModel.Convert(back.At(back.Bounds().Min.X+x, back.Bounds().Min.Y+y)).(color.RGBA)
					if got != want {
						if bad++; bad <= 3 {
							t.Errorf("pixel (%d, %d) = %v, want %v", x, y, got, want)
						}
					}
				}
			}
		})
	}
}

// checkChunkCRCs walks the chunks of a PNG and checks each one's CRC-32
// (of its type and data) and that the last is IEND.
func checkChunkCRCs(t *testing.T, b []byte) {
	t.Helper()
	b = b[8:] // the signature
	last := ""
	for len(b) > 0 {
		if len(b) < 12 {
			t.Fatalf("a chunk of %d bytes", len(b))
		}
		n := int(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
		typ := string(b[4:8])
		if len(b) < 12+n {
			t.Fatalf("chunk %s of %d bytes in %d", typ, n, len(b))
		}
		crc := uint32(b[8+n])<<24 | uint32(b[9+n])<<16 | uint32(b[10+n])<<8 | uint32(b[11+n])
		if want := crc32.ChecksumIEEE(b[4 : 8+n]); crc != want {
			t.Errorf("chunk %s: CRC %08x, want %08x", typ, crc, want)
		}
		last = typ
		b = b[12+n:]
	}
	if last != "IEND" {
		t.Errorf("last chunk %s, want IEND", last)
	}
}
