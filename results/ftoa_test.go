package results

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestPow10Table recomputes every entry of pow10Table with math/big:
// g(k) = ⌈10^k · 2^(127 − ⌊log2 10^k⌋)⌉, 128 bits long.
func TestPow10Table(t *testing.T) {
	one := big.NewInt(1)
	for k := pow10Min; k <= pow10Max; k++ {
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(k))), nil)
		var num, den *big.Int
		if k >= 0 {
			// 10^k · 2^(127−e2), e2 = bitlen(10^k) − 1
			num, den = new(big.Int).Set(p), big.NewInt(1)
			if s := 127 - (p.BitLen() - 1); s >= 0 {
				num.Lsh(num, uint(s))
			} else {
				den.Lsh(den, uint(-s))
			}
		} else {
			// 10^k = 1/p, ⌊log2 10^k⌋ = −bitlen(p): 2^(127+bitlen(p)) / p
			num, den = new(big.Int).Lsh(one, uint(127+p.BitLen())), p
		}
		q, r := new(big.Int).QuoRem(num, den, new(big.Int))
		if r.Sign() != 0 {
			q.Add(q, one)
		}
		got := new(big.Int).SetUint64(pow10Table[k-pow10Min][0])
		got.Lsh(got, 64).Or(got, new(big.Int).SetUint64(pow10Table[k-pow10Min][1]))
		if got.Cmp(q) != 0 || q.BitLen() != 128 {
			t.Fatalf("k = %d: table %x, want %x (%d bits)", k, got, q, q.BitLen())
		}
	}
}

func abs(k int) int {
	if k < 0 {
		return -k
	}
	return k
}

// TestFloorLogApproximations checks the two integer approximations of
// logarithms against exact big-integer lengths over the range they serve
// (binary exponents of doubles −1074…971, decimal ones −292…326).
func TestFloorLogApproximations(t *testing.T) {
	for e := -1100; e <= 1100; e++ {
		// ⌊log10 2^e⌋: for e ≥ 0 the decimal length of 2^e less 1; for
		// e < 0, minus the decimal length of 2^−e (never a power of 10).
		n := new(big.Int).Lsh(big.NewInt(1), uint(abs(e)))
		want := len(n.String()) - 1
		if e < 0 {
			want = -len(n.String())
		}
		if got := floorLog10Pow2(e); got != want {
			t.Fatalf("floorLog10Pow2(%d) = %d, want %d", e, got, want)
		}
	}
	for e := -350; e <= 350; e++ {
		n := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(e))), nil)
		want := n.BitLen() - 1
		if e < 0 {
			want = -n.BitLen()
		}
		if got := floorLog2Pow10(e); got != want {
			t.Fatalf("floorLog2Pow10(%d) = %d, want %d", e, got, want)
		}
	}
}

// TestAppendFloatMatchesStrconv compares appendFloat with
// strconv.AppendFloat(…, 'g', -1, 64) on special values, on the
// boundaries of its layouts, and on millions of drawn values of every
// kind: random bits, decimals of few digits, money-like sums.
func TestAppendFloatMatchesStrconv(t *testing.T) {
	check := func(t *testing.T, v float64) {
		t.Helper()
		want := strconv.AppendFloat(nil, v, 'g', -1, 64)
		got := appendFloat([]byte("x"), v)
		if string(got[1:]) != string(want) || got[0] != 'x' {
			t.Fatalf("appendFloat(%v) (bits %#016x) = %q, want %q", v, math.Float64bits(v), got[1:], want)
		}
	}
	t.Run("special", func(t *testing.T) {
		for _, v := range []float64{
			0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1),
			math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 2.2250738585072014e-308,
			2.225073858507201e-308, 1, -1, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 5e-324, 1e23, 9007199254740991,
			9007199254740992, 9007199254740993, 1e21, 1e22, 123456, 999999, 999999.5, 999999.9999999999,
			1e6, 1e6 + 0.5, 1e-4, 9.999e-5, 1e-5, 0.0001234, 12345678901234567890, 588160.2621922852,
			-0.6609854112948808, 1e+06, 4.35, 2.675, 1e15, 1e16, 1e17, 123e300, 1.7976931348623157e308,
		} {
			check(t, v)
		}
	})
	t.Run("powers", func(t *testing.T) {
		for e := -1074; e <= 1023; e++ {
			for _, m := range []float64{1, 1.5, 3, 0.75, 1 - 1.0/(1<<53), 1 + 1.0/(1<<52)} {
				v := math.Ldexp(m, e)
				check(t, v)
				check(t, -v)
				check(t, math.Nextafter(v, 0))
				check(t, math.Nextafter(v, math.Inf(1)))
			}
		}
		for e := -325; e <= 309; e++ {
			v, _ := strconv.ParseFloat("1e"+strconv.Itoa(e), 64)
			check(t, v)
			check(t, math.Nextafter(v, 0))
			check(t, math.Nextafter(v, math.Inf(1)))
		}
	})
	r := rand.New(rand.NewPCG(1, 2))
	t.Run("bits", func(t *testing.T) {
		for range 2_000_000 {
			check(t, math.Float64frombits(r.Uint64()))
		}
	})
	t.Run("short-decimals", func(t *testing.T) {
		// n / 10^k and n · 10^k: few digits, trailing zeros, ties.
		for range 1_000_000 {
			n := float64(r.IntN(1_000_000))
			k := r.IntN(30)
			check(t, n/math.Pow10(k))
			check(t, n*math.Pow10(k))
			check(t, n+0.5)
		}
	})
	t.Run("money", func(t *testing.T) {
		// An equity curve's values: a cash balance moved by qty × price
		// and a few bps of cost, and its drawdown.
		cash, peak := 1e6, 1e6
		for range 1_000_000 {
			qty := float64(r.IntN(2000) - 1000)
			price := math.Round(r.Float64()*50000) / 100
			cash -= qty*price + math.Abs(qty*price)*5e-4
			check(t, cash)
			check(t, qty*price)
			peak = max(peak, cash)
			check(t, cash/peak-1)
			check(t, r.NormFloat64()*math.Pow10(r.IntN(40)-20))
		}
	})
}

// FuzzAppendFloat: any bits format as strconv formats them.
func FuzzAppendFloat(f *testing.F) {
	for _, v := range []uint64{0, 1, 0x3ff0000000000000, 0x7ff0000000000000, 0x412e848000000000, 0x4415af1d78b58c40} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, b uint64) {
		v := math.Float64frombits(b)
		if got, want := string(appendFloat(nil, v)), strconv.FormatFloat(v, 'g', -1, 64); got != want {
			t.Fatalf("appendFloat(%#016x) = %q, want %q", b, got, want)
		}
	})
}

func BenchmarkAppendFloat(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	vs := make([]float64, 4096)
	cash := 1e6
	for i := range vs {
		cash -= float64(r.IntN(2000)-1000) * math.Round(r.Float64()*50000) / 100
		vs[i] = cash
	}
	buf := make([]byte, 0, 64)
	b.Run("appendFloat", func(b *testing.B) {
		for i := range b.N {
			buf = appendFloat(buf[:0], vs[i%len(vs)])
		}
	})
	b.Run("strconv", func(b *testing.B) {
		for i := range b.N {
			buf = strconv.AppendFloat(buf[:0], vs[i%len(vs)], 'g', -1, 64)
		}
	})
}
