package results

import (
	"math"
	"math/bits"
	"strconv"
)

// appendFloat appends v as strconv.AppendFloat(dst, v, 'g', -1, 64)
// does, byte for byte, about 1.4 times as fast (BenchmarkAppendFloat):
// equity.csv writes millions of floats, and formatting them was most of
// its cost.
//
// The shortest decimal that reads back as v, and of those the closest
// to v, is found by Schubfach (R. Giulietti, "The Schubfach way to
// render doubles", 2020), as in A. Bolz's C++ rendering of it; the
// digits are then laid out as strconv's 'g' with precision -1 lays them
// out (%e when the decimal exponent is under -4 or at least 6, %f
// otherwise). The cases it does not settle itself go to strconv: zero,
// NaN and the infinities, subnormals, powers of two (whose lower
// neighbour is closer than the upper) and exact ties between two
// shortest candidates. TestAppendFloatMatchesStrconv checks it against
// strconv on every kind of value.
func appendFloat(dst []byte, v float64) []byte {
	b := math.Float64bits(v)
	mant := b & (1<<52 - 1)
	exp := int(b>>52) & 0x7ff
	if exp == 0 || exp == 0x7ff || mant == 0 {
		return strconv.AppendFloat(dst, v, 'g', -1, 64)
	}
	digits, e10, ok := shortest(mant|1<<52, exp-1075)
	if !ok {
		return strconv.AppendFloat(dst, v, 'g', -1, 64)
	}
	if b>>63 != 0 {
		dst = append(dst, '-')
	}
	return appendDecimal(dst, digits, e10)
}

// shortest returns the decimal digits·10^e10 that strconv's shortest
// formatting gives for the float c·2^q (c with its hidden bit, c not a
// power of two), with no trailing zero in digits; ok is false for an
// exact tie, left to strconv.
func shortest(c uint64, q int) (digits uint64, e10 int, ok bool) {
	// An integer under 2^53 is its own shortest form.
	if q <= 0 && q > -53 && c&(1<<uint(-q)-1) == 0 {
		digits, e10 = trimZeros(c>>uint(-q), 0)
		return digits, e10, true
	}
	even := c&1 == 0
	cbl, cb, cbr := 4*c-2, 4*c, 4*c+2
	// k = ⌊log10 2^q⌋, h = q + ⌊log2 10^−k⌋ + 1 (Giulietti's
	// approximations, exact over the doubles' range; see
	// TestFloorLogApproximations).
	k := floorLog10Pow2(q)
	h := q + floorLog2Pow10(-k) + 1
	g := &pow10Table[-k-pow10Min]
	vbl := roundToOdd(g, cbl<<uint(h))
	vb := roundToOdd(g, cb<<uint(h))
	vbr := roundToOdd(g, cbr<<uint(h))
	lower, upper := vbl, vbr
	if !even {
		lower++
		upper--
	}
	s := vb / 4
	if s >= 10 {
		sp := s / 10
		upInside := lower <= 40*sp
		wpInside := 40*sp+40 <= upper
		if upInside != wpInside {
			if wpInside {
				sp++
			}
			digits, e10 = trimZeros(sp, k+1)
			return digits, e10, true
		}
	}
	uInside := lower <= 4*s
	wInside := 4*s+4 <= upper
	if uInside != wInside {
		if wInside {
			s++
		}
		digits, e10 = trimZeros(s, k)
		return digits, e10, true
	}
	mid := 4*s + 2
	if vb == mid {
		return 0, 0, false
	}
	if vb > mid {
		s++
	}
	digits, e10 = trimZeros(s, k)
	return digits, e10, true
}

// roundToOdd returns ⌊g·cp / 2^128⌋, its lowest bit set when the
// fraction left out is not zero (g = g[0]·2^64 + g[1]).
func roundToOdd(g *[2]uint64, cp uint64) uint64 {
	xHi, _ := bits.Mul64(g[1], cp)
	yHi, yLo := bits.Mul64(g[0], cp)
	y0, carry := bits.Add64(yLo, xHi, 0)
	y1 := yHi + carry
	if y0 > 1 {
		y1 |= 1
	}
	return y1
}

// floorLog10Pow2 is ⌊log10 2^e⌋ for |e| ≤ 1650.
func floorLog10Pow2(e int) int { return (e * 1262611) >> 22 }

// floorLog2Pow10 is ⌊log2 10^e⌋ for |e| ≤ 1233.
func floorLog2Pow10(e int) int { return (e * 1741647) >> 19 }

// trimZeros takes the trailing zeros of d into its exponent.
func trimZeros(d uint64, e int) (uint64, int) {
	for d%100 == 0 {
		d /= 100
		e += 2
	}
	if d%10 == 0 {
		d /= 10
		e++
	}
	return d, e
}

// appendDecimal appends digits·10^e10 (0 < digits < 10^20, no trailing
// zero) as strconv's 'g' with precision -1 does: -ddd.ddd when the
// decimal exponent x of its first digit is in [-4, 6), d.ddde±xx
// otherwise.
func appendDecimal(dst []byte, digits uint64, e10 int) []byte {
	// The digits, right-aligned in buf in chunks of 8 written two at a
	// time: chunks do not wait on one another as a division per digit
	// pair would.
	var buf [24]byte
	lo, hi := digits%1e8, digits/1e8
	put8(buf[16:24], uint32(lo))
	if hi > 0 {
		put8(buf[8:16], uint32(hi%1e8))
		put4(buf[4:8], uint32(hi/1e8))
	}
	nd := decimalLength(digits)
	d := buf[len(buf)-nd:]
	dp := nd + e10 // digits before the decimal point
	x := dp - 1
	if x < -4 || x >= 6 {
		dst = append(dst, d[0])
		if nd > 1 {
			dst = append(dst, '.')
			dst = append(dst, d[1:]...)
		}
		sign := byte('+')
		if x < 0 {
			sign, x = '-', -x
		}
		switch {
		case x < 10:
			return append(dst, 'e', sign, '0', byte('0'+x))
		case x < 100:
			return append(dst, 'e', sign, twoDigits[2*x], twoDigits[2*x+1])
		default:
			return append(dst, 'e', sign, byte('0'+x/100), twoDigits[2*(x%100)], twoDigits[2*(x%100)+1])
		}
	}
	switch {
	case dp <= 0:
		dst = append(dst, "0.0000"[:2-dp]...) // dp ≥ −3 here
		return append(dst, d...)
	case dp >= nd:
		dst = append(dst, d...)
		return append(dst, "00000"[:dp-nd]...) // dp ≤ 6 here
	default:
		dst = append(dst, d[:dp]...)
		dst = append(dst, '.')
		return append(dst, d[dp:]...)
	}
}

// put8 writes x < 10^8 as 8 digits, leading zeros included.
func put8(b []byte, x uint32) {
	_ = b[7]
	a, c := x/10000, x%10000
	a1, a2, c1, c2 := a/100, a%100, c/100, c%100
	b[0], b[1] = twoDigits[2*a1], twoDigits[2*a1+1]
	b[2], b[3] = twoDigits[2*a2], twoDigits[2*a2+1]
	b[4], b[5] = twoDigits[2*c1], twoDigits[2*c1+1]
	b[6], b[7] = twoDigits[2*c2], twoDigits[2*c2+1]
}

// put4 writes x < 10^4 as 4 digits, leading zeros included.
func put4(b []byte, x uint32) {
	_ = b[3]
	a1, a2 := x/100, x%100
	b[0], b[1] = twoDigits[2*a1], twoDigits[2*a1+1]
	b[2], b[3] = twoDigits[2*a2], twoDigits[2*a2+1]
}

// decimalLength is the number of decimal digits of d > 0.
func decimalLength(d uint64) int {
	t := (bits.Len64(d) * 1233) >> 12 // ⌊log10 2^len⌋: the length or one more
	if d < pow10Uint64[t] {
		return t
	}
	return t + 1
}

// pow10Uint64[i] is 10^i.
var pow10Uint64 = [20]uint64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
}

// twoDigits holds "00" to "99".
const twoDigits = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"
