package synth

import (
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

func TestDefaultConfigValidates(t *testing.T) {
	c := DefaultConfig(1)
	if err := c.Validate(); err != nil {
		t.Fatalf("DefaultConfig(1).Validate() = %v", err)
	}
	if got, want := data.FormatDay(c.Start), "2019-01-01"; got != want {
		t.Errorf("Start = %s, want %s", got, want)
	}
	if last := data.FormatDay(c.Start + int64(c.Days-1)*data.NanosPerDay); last != "2025-12-31" {
		t.Errorf("last day = %s, want 2025-12-31", last)
	}
	// Every default asset keeps some idiosyncratic noise: its Vol is not
	// used up by the loadings, crashes and jumps. A floor of 5 % (QQQ has
	// the least, 5.9 %) keeps later edits of the defaults honest.
	for _, a := range c.Assets {
		if iv := c.idioVar(a); iv < 0.05*0.05 {
			t.Errorf("%s: idiosyncratic vol %.4f, want >= 0.05", a.Symbol, sqrt(iv))
		}
	}
}

func TestDefaultAssetsRanges(t *testing.T) {
	// The brief's ranges: equities 25-50 %/yr (QQQ, an index, below),
	// BTC about 60 %, AI tokens 90-130 %.
	want := map[string][2]float64{
		"MSFT": {0.25, 0.50}, "NVDA": {0.25, 0.50}, "META": {0.25, 0.50}, "AMD": {0.25, 0.50}, "ORCL": {0.25, 0.50},
		"QQQ": {0.15, 0.30}, "BTC": {0.55, 0.65}, "ETH": {0.60, 0.90},
		"TAO": {0.90, 1.30}, "RENDER": {0.90, 1.30}, "FET": {0.90, 1.30}, "NEAR": {0.90, 1.30},
	}
	as := DefaultAssets()
	if len(as) != len(want) {
		t.Fatalf("DefaultAssets has %d assets, want %d", len(as), len(want))
	}
	for _, a := range as {
		r, ok := want[a.Symbol]
		if !ok {
			t.Errorf("unexpected asset %s", a.Symbol)
			continue
		}
		if a.Vol < r[0] || a.Vol > r[1] {
			t.Errorf("%s Vol = %g, want in [%g, %g]", a.Symbol, a.Vol, r[0], r[1])
		}
		if wantClass := data.GuessClass(a.Symbol); a.Class != wantClass {
			t.Errorf("%s Class = %v, want %v", a.Symbol, a.Class, wantClass)
		}
	}
}

func TestValidateNamesTheField(t *testing.T) {
	tests := []struct {
		name   string
		modify func(c *Config)
		want   string // substring of the error
	}{
		{"days negative", func(c *Config) { c.Days = -3 }, "synth: Days must be > 0, got -3"},
		{"days zero", func(c *Config) { c.Days = 0 }, "synth: Days must be > 0, got 0"},
		{"days huge", func(c *Config) { c.Days = maxDays + 1 }, "synth: Days must be <= 73050"},
		{"start not midnight", func(c *Config) { c.Start += 3600e9 }, "synth: Start must be a UTC midnight"},
		{"no assets", func(c *Config) { c.Assets = nil }, "synth: Assets is empty"},
		{"garch alpha", func(c *Config) { c.TechGARCH.Alpha = -0.1 }, "synth: TechGARCH.Alpha must be >= 0, got -0.1"},
		{"garch beta NaN", func(c *Config) { c.AIGARCH.Beta = nan() }, "synth: AIGARCH.Beta must be >= 0, got NaN"},
		{"garch not stationary", func(c *Config) { c.CryptoGARCH = GARCH{0.2, 0.8} }, "synth: CryptoGARCH.Alpha + CryptoGARCH.Beta must be < 1"},
		{"garch omega vs crashes", func(c *Config) { c.CryptoGARCH = GARCH{0.3, 0.69} }, "synth: CryptoGARCH.Alpha = 0.3 is too large for the crash days"},
		{"crash intensity", func(c *Config) { c.CrashIntensity = -1 }, "synth: CrashIntensity must be in [0, 365]"},
		{"crash mean", func(c *Config) { c.CrashMean = inf() }, "synth: CrashMean must be finite"},
		{"crash std", func(c *Config) { c.CrashStd = -0.1 }, "synth: CrashStd must be >= 0"},
		{"off-session weight", func(c *Config) { c.OffSessionWeight = 1.5 }, "synth: OffSessionWeight must be in [0, 1], got 1.5"},
		{"overnight share", func(c *Config) { c.OvernightShare = 1 }, "synth: OvernightShare must be in [0, 1), got 1"},
		{"volume dispersion", func(c *Config) { c.VolumeDispersion = -1 }, "synth: VolumeDispersion must be >= 0"},
		{"volume sensitivity", func(c *Config) { c.VolumeMoveSensitivity = nan() }, "synth: VolumeMoveSensitivity must be >= 0"},
		{"empty symbol", func(c *Config) { c.Assets[3].Symbol = "" }, "synth: Assets[3].Symbol is empty"},
		{"duplicate symbol", func(c *Config) { c.Assets[4].Symbol = "NVDA" }, `synth: Assets[4].Symbol "NVDA" is also Assets[1].Symbol`},
		{"class", func(c *Config) { c.Assets[0].Class = 0 }, "synth: Assets[0] (MSFT).Class must be data.Equity or data.Crypto"},
		{"price0", func(c *Config) { c.Assets[2].Price0 = 0 }, "synth: Assets[2] (META).Price0 must be > 0 and finite, got 0"},
		{"drift", func(c *Config) { c.Assets[2].Drift = nan() }, "synth: Assets[2] (META).Drift must be finite"},
		{"vol", func(c *Config) { c.Assets[2].Vol = 0 }, "synth: Assets[2] (META).Vol must be > 0 and finite, got 0"},
		{"loading", func(c *Config) { c.Assets[8].AI = inf() }, "synth: Assets[8] (TAO).AI must be finite"},
		{"jump intensity", func(c *Config) { c.Assets[8].JumpIntensity = 400 }, "synth: Assets[8] (TAO).JumpIntensity must be in [0, 365]"},
		{"jump std", func(c *Config) { c.Assets[8].JumpStd = -0.1 }, "synth: Assets[8] (TAO).JumpStd must be >= 0"},
		{"volume", func(c *Config) { c.Assets[6].Volume = -5 }, "synth: Assets[6] (BTC).Volume must be >= 0"},
		{"vol too small for loadings", func(c *Config) { c.Assets[6].Vol = 0.4 }, "synth: Assets[6] (BTC).Vol = 0.4 is below what the loadings"},
		{"no session", func(c *Config) { c.Start, c.Days = data.Day(2022, 12, 24), 3 }, "synth: Days = 3 from Start 2022-12-24 has no exchange session"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig(1)
			tt.modify(&c)
			err := c.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %q, want it to contain %q", err, tt.want)
			}
			if _, gerr := Generate(c); gerr == nil || gerr.Error() != err.Error() {
				t.Errorf("Generate() error = %v, want the Validate error", gerr)
			}
		})
	}
}

func TestValidateAcceptsEdges(t *testing.T) {
	tests := []struct {
		name   string
		modify func(c *Config)
	}{
		{"one day", func(c *Config) { c.Days = 1; c.Start = data.Day(2024, 1, 2) }},
		{"crypto only on a weekend", func(c *Config) {
			c.Assets = c.Assets[6:]
			c.Start, c.Days = data.Day(2024, 1, 6), 2
		}},
		{"no GARCH, no crashes, no jumps", func(c *Config) {
			c.TechGARCH, c.CryptoGARCH, c.AIGARCH = GARCH{}, GARCH{}, GARCH{}
			c.CrashIntensity = 0
			for i := range c.Assets {
				c.Assets[i].JumpIntensity = 0
			}
		}},
		{"weekdays without holidays, no off-session variance", func(c *Config) {
			c.ExchangeHolidays = false
			c.OffSessionWeight = 0
			c.OvernightShare = 0
		}},
		{"index level without volume", func(c *Config) { c.Assets[5].Volume = 0 }},
		{"start before 1970", func(c *Config) { c.Start = data.Day(1960, 1, 1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig(3)
			tt.modify(&c)
			if err := c.Validate(); err != nil {
				t.Fatalf("Validate() = %v", err)
			}
			p, err := Generate(c)
			if err != nil {
				t.Fatalf("Generate() = %v", err)
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("panel: %v", err)
			}
		})
	}
}

// TestGenerateRejectsOverflow: a valid but absurd Drift overflows the prices;
// Generate says so instead of returning an invalid panel.
func TestGenerateRejectsOverflow(t *testing.T) {
	c := DefaultConfig(1)
	c.Assets[6].Drift = 1e6 // BTC: exp(1e6/365 per day) overflows within a year
	_, err := Generate(c)
	if err == nil || !strings.Contains(err.Error(), "synth: the generated panel is invalid") || !strings.Contains(err.Error(), "BTC") {
		t.Fatalf("Generate() = %v, want an invalid-panel error naming BTC", err)
	}
}
