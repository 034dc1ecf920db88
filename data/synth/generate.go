package synth

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/divergence-research/divergence/data"
)

// PCG stream constants: the factors and crash days draw from
// rand.NewPCG(Seed, streamFactors), asset i from
// rand.NewPCG(Seed, streamAsset ^ fnv64a(Symbol)). Changing them changes
// every synthetic path, so they are fixed forever.
const (
	streamFactors uint64 = 0x6469766572676e63 // "divergnc"
	streamAsset   uint64 = 0x73796e7468617373 // "synthass"
)

const (
	daysPerYear = 365.0
	sqrtYear    = 19.1049731745428 // sqrt(365)
)

// Factor indices into market.e and market.h.
const (
	tech = iota
	crypto
	ai
	nFactors
)

// market is the calendar-day simulation behind Generate: the factor paths
// and, per asset, the calendar-day log-return components that the bars are
// built from. Tests use it to check the model below the bars.
type market struct {
	cfg       Config
	session   []bool // per calendar day: US equities trade
	nSessions int
	e, h      [nFactors][]float64 // factor shocks (daily standard units, without crashes) and their conditional variance
	crash     []float64           // crypto-factor crash move per day (factor units; 0 = none)
	nCrashes  int                 // crash arrivals (a day may hold more than one)
	assets    []assetPath
}

// assetPath is one asset on the calendar-day grid.
type assetPath struct {
	ret    []float64 // the day's log return component: diffusive + jump
	jump   []float64 // the part of ret from idiosyncratic jumps and crashes
	vari   []float64 // conditional variance of the diffusive part, ret - jump
	nJumps int       // idiosyncratic jump arrivals over the grid
	rng    *rand.Rand
}

// Generate builds the synthetic market described by c (see the package doc
// for the model). It validates c first and returns its error. The panel is
// marked Synthetic, every series has Source "synthetic" and Rows nil, and it
// passes (*data.Panel).Validate. The same Config always gives a
// bit-identical panel.
func Generate(c Config) (*data.Panel, error) {
	m, err := simulate(c)
	if err != nil {
		return nil, err
	}
	p := &data.Panel{
		Series:    make([]data.Series, len(c.Assets)),
		Synthetic: true,
	}
	for i := range c.Assets {
		p.Series[i] = m.bars(i)
	}
	last := c.Start + int64(c.Days-1)*data.NanosPerDay
	p.Description = fmt.Sprintf("synthetic market, seed %d, %s to %s, %d assets %v: "+
		"tech, crypto and AI-theme factors with GARCH(1,1) volatility, Poisson jumps and crypto crash days (data/synth)",
		c.Seed, data.FormatDay(c.Start), data.FormatDay(last), len(c.Assets), p.Symbols())
	for i := range p.Series {
		// Only extreme but valid parameters fail here (a Drift that
		// overflows float64 over the grid, say). Validated per series so
		// that the error names the symbol (Panel.Validate would name the
		// Source, "synthetic", for every one); symbols are unique (Config
		// validation), so this is all Panel.Validate checks.
		if err := p.Series[i].Validate("synthetic " + p.Series[i].Symbol); err != nil {
			return nil, fmt.Errorf("synth: the generated panel is invalid, the parameters are too extreme: %w", err)
		}
	}
	return p, nil
}

// simulate validates c and draws the calendar-day paths.
func simulate(c Config) (*market, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	D := c.Days
	m := &market{
		cfg:     c,
		session: sessions(c.Start, D, c.ExchangeHolidays),
		crash:   make([]float64, D),
		assets:  make([]assetPath, len(c.Assets)),
	}
	for _, s := range m.session {
		if s {
			m.nSessions++
		}
	}

	// Factors. x = e + crash (in daily standard units) feeds the GARCH
	// recursion; omega keeps E[h] = 1.
	garch := [nFactors]GARCH{c.TechGARCH, c.CryptoGARCH, c.AIGARCH}
	var omega [nFactors]float64
	for k, g := range garch {
		omega[k] = 1 - g.Alpha - g.Beta
	}
	omega[crypto] = c.cryptoOmega()
	for k := range m.e {
		m.e[k] = make([]float64, D)
		m.h[k] = make([]float64, D)
	}
	rf := rand.New(rand.NewPCG(c.Seed, streamFactors))
	crashL := math.Exp(-c.CrashIntensity / daysPerYear)
	h := [nFactors]float64{1, 1, 1}
	for d := 0; d < D; d++ {
		var x [nFactors]float64
		for k := range x {
			m.h[k][d] = h[k]
			m.e[k][d] = math.Sqrt(h[k]) * rf.NormFloat64()
			x[k] = m.e[k][d]
		}
		if n := poisson(rf, crashL); n > 0 {
			fn := float64(n)
			m.crash[d] = fn*c.CrashMean + math.Sqrt(fn)*c.CrashStd*rf.NormFloat64()
			m.nCrashes += n
			x[crypto] += m.crash[d] * sqrtYear
		}
		for k, g := range garch {
			h[k] = omega[k] + g.Alpha*x[k]*x[k] + g.Beta*h[k]
		}
	}

	for i, a := range c.Assets {
		m.assets[i] = m.simulateAsset(a)
	}
	return m, nil
}

// simulateAsset draws asset a's calendar-day components:
//
//	ret[d] = drift·w[d]/W + s[d]·(Σ_k b_k·e_k[d] + σ_ε·ε[d])/√365 + b_crypto·crash[d] + jumps[d]
//
// with s[d] = sqrt(w[d]/W) (w = 1 on sessions and for crypto,
// OffSessionWeight on an equity's days off, W the mean of w over the grid).
func (m *market) simulateAsset(a Asset) assetPath {
	c, D := m.cfg, m.cfg.Days
	h := fnv.New64a()
	h.Write([]byte(a.Symbol))
	p := assetPath{
		ret:  make([]float64, D),
		jump: make([]float64, D),
		vari: make([]float64, D),
		rng:  rand.New(rand.NewPCG(c.Seed, streamAsset^h.Sum64())),
	}
	r := p.rng
	idio := math.Sqrt(c.idioVar(a))
	// Daily drift, net of the mean of the jumps and the crashes, so that
	// E[log return per year] = Drift.
	mu := (a.Drift - a.JumpIntensity*a.JumpMean - a.Crypto*c.CrashIntensity*c.CrashMean) / daysPerYear
	equity := a.Class == data.Equity
	wOff, wMean := 1.0, 1.0
	jumpRate := a.JumpIntensity / daysPerYear // per eligible day
	if equity {
		wOff = c.OffSessionWeight
		wMean = (float64(m.nSessions) + float64(D-m.nSessions)*wOff) / float64(D)
		jumpRate = a.JumpIntensity * float64(D) / daysPerYear / float64(m.nSessions)
	}
	sOn, sOff := math.Sqrt(1/wMean), math.Sqrt(wOff/wMean)
	jumpL := math.Exp(-jumpRate)
	for d := 0; d < D; d++ {
		on := !equity || m.session[d]
		s, w := sOn, 1.0
		if !on {
			s, w = sOff, wOff
		}
		eT, eC, eA := m.e[tech][d], m.e[crypto][d], m.e[ai][d]
		diff := mu*w/wMean + s*(a.Tech*eT+a.Crypto*eC+a.AI*eA+idio*r.NormFloat64())/sqrtYear
		v := s * s * (a.Tech*a.Tech*m.h[tech][d] + a.Crypto*a.Crypto*m.h[crypto][d] + a.AI*a.AI*m.h[ai][d] + idio*idio) / daysPerYear
		j := a.Crypto * m.crash[d]
		if on && a.JumpIntensity > 0 {
			if n := poisson(r, jumpL); n > 0 {
				fn := float64(n)
				j += fn*a.JumpMean + math.Sqrt(fn)*a.JumpStd*r.NormFloat64()
				p.nJumps += n
			}
		}
		p.ret[d], p.jump[d], p.vari[d] = diff+j, j, v
	}
	return p
}

// bars builds asset i's series from its calendar-day components: one bar a
// day for crypto, one per session for equities, whose log return is the sum
// of the components since the previous session.
func (m *market) bars(i int) data.Series {
	c, a, p := m.cfg, m.cfg.Assets[i], &m.assets[i]
	r := p.rng // continues after the path draws
	equity := a.Class == data.Equity
	n := c.Days
	if equity {
		n = m.nSessions
	}
	s := data.Series{
		Instrument: data.Instrument{Symbol: a.Symbol, Class: a.Class, Source: "synthetic"},
		Time:       make([]int64, 0, n),
		Open:       make([]float64, 0, n),
		High:       make([]float64, 0, n),
		Low:        make([]float64, 0, n),
		Close:      make([]float64, 0, n),
		AdjClose:   make([]float64, n),
		Volume:     make([]float64, 0, n),
	}
	phi := c.OvernightShare
	if !equity {
		phi = 0
	}
	bridgeSD := math.Sqrt(phi * (1 - phi))
	logP, prev := math.Log(a.Price0), a.Price0
	var offRet, offVar float64 // an equity's components since its last session
	for d := 0; d < c.Days; d++ {
		if equity && !m.session[d] {
			offRet += p.ret[d]
			offVar += p.vari[d]
			continue
		}
		v := p.vari[d]
		R := offRet + p.ret[d]
		gap, intra := 0.0, R // crypto: the day's candle opens at the previous close
		if equity {
			// Split the session day's diffusive part X over close→open and
			// open→close as a Brownian bridge: given X, the overnight part
			// is N(phi·X, phi(1-phi)·v). Off-day moves, jumps and crashes
			// are overnight in full.
			X := p.ret[d] - p.jump[d]
			y := phi*X + bridgeSD*math.Sqrt(v)*r.NormFloat64()
			gap = offRet + p.jump[d] + y
			intra = X - y
		}
		logP += R
		cl := math.Exp(logP)
		op := prev
		if equity {
			op = prev * math.Exp(gap)
		}
		hi, lo := bridgeExtremes(r, intra, (1-phi)*v)
		high := max(op*math.Exp(hi), op, cl) // max/min only guard float rounding:
		low := min(op*math.Exp(lo), op, cl)  // hi >= max(0, intra), lo <= min(0, intra)
		vol := volume(r, a.Volume, equity, c.VolumeDispersion, c.VolumeMoveSensitivity, R, offVar+v)

		s.Time = append(s.Time, c.Start+int64(d)*data.NanosPerDay)
		s.Open = append(s.Open, op)
		s.High = append(s.High, high)
		s.Low = append(s.Low, low)
		s.Close = append(s.Close, cl)
		s.Volume = append(s.Volume, vol)
		prev, offRet, offVar = cl, 0, 0
	}
	copy(s.AdjClose, s.Close)
	return s
}

// bridgeExtremes draws the maximum and the minimum of a Brownian bridge from
// 0 to b with variance v over the interval, each from its exact marginal
// law P(max > x) = exp(-2x(x-b)/v) for x >= max(0, b) (and symmetrically for
// the minimum), by inversion. Their dependence is ignored: they are two
// independent uniforms. Always hi >= max(0, b) and lo <= min(0, b).
func bridgeExtremes(r *rand.Rand, b, v float64) (hi, lo float64) {
	u1, u2 := 1-r.Float64(), 1-r.Float64() // in (0, 1]
	hi = (b + math.Sqrt(b*b-2*v*math.Log(u1))) / 2
	lo = (b - math.Sqrt(b*b-2*v*math.Log(u2))) / 2
	return hi, lo
}

// meanAbsNormal is E|z| for a standard normal z, sqrt(2/π).
const meanAbsNormal = 0.7978845608028654

// volume draws a bar's volume: lognormal around base (Asset.Volume), higher
// when the bar's return R is large relative to its diffusive variance v:
//
//	V = base · exp(σ_v·ε − σ_v²/2 + κ·(|R|/√v − √(2/π)))
//
// (σ_v = VolumeDispersion, κ = VolumeMoveSensitivity), rounded to whole
// shares for equities; NaN when base is 0. It always draws ε, so that the
// volume settings never change the prices of the same seed.
func volume(r *rand.Rand, base float64, equity bool, sv, kappa, R, v float64) float64 {
	eps := r.NormFloat64()
	if base == 0 {
		return math.NaN()
	}
	z := 0.0
	if v > 0 {
		z = math.Abs(R) / math.Sqrt(v)
	}
	x := base * math.Exp(sv*eps-sv*sv/2+kappa*(z-meanAbsNormal))
	if equity {
		x = math.Round(x)
	}
	return x
}

// poisson draws a Poisson count with mean λ given l = exp(-λ), by Knuth's
// multiplication method: one uniform when nothing arrives, which is almost
// every day at the intensities here.
func poisson(r *rand.Rand, l float64) int {
	n := 0
	for p := r.Float64(); p > l; p *= r.Float64() {
		n++
	}
	return n
}
