package experiment

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/scenarios"
)

// CostSpec is one set of trading terms in the experiment file: the
// [costs.equity] and [costs.crypto] tables (per asset class) and the
// [costs.symbols.SYM] tables (one instrument: its class's terms with the
// keys given here replaced). Every key is optional; rates are fractions,
// *_bps keys basis points. docs/execution.md gives each model's formula.
type CostSpec struct {
	CommissionBps *float64 `toml:"commission_bps"` // of notional; default: the top-level commission_bps, unless the table sets another fee key (then 0: see feeNotes)
	PerShare      *float64 `toml:"per_share"`      // money per unit of quantity
	MinCommission *float64 `toml:"min_commission"` // floor per order of per-share + bps, paid once however many fills it takes
	// MaxCommissionBps caps per-share + bps per order at these bps of the
	// order's value, after the minimum (the cap wins: IBKR's fixed US
	// pricing is per_share = 0.005, min_commission = 1,
	// max_commission_bps = 100); maker_bps and taker_bps come on top. 0:
	// no cap (a symbol's table lifting its class's).
	MaxCommissionBps *float64 `toml:"max_commission_bps"`
	MakerBps         *float64 `toml:"maker_bps"` // added on limit fills to this table's base fee (not the top-level rate)
	TakerBps         *float64 `toml:"taker_bps"` // added on all other fills, the same way

	SlippageBps      *float64 `toml:"slippage_bps"`      // fixed
	SpreadBps        *float64 `toml:"spread_bps"`        // quoted spread; a taker pays half
	RangeFraction    *float64 `toml:"range_fraction"`    // of the fill bar's high − low
	ImpactK          *float64 `toml:"impact_k"`          // square-root impact k·σ·sqrt(qty/volume)
	ImpactWindow     *int     `toml:"impact_window"`     // closes in σ; default 20
	MaxParticipation *float64 `toml:"max_participation"` // of bar volume; the rest carries over

	BorrowRate        *float64   `toml:"borrow_rate"`        // annual, on short market value, ACT/360
	BorrowUnavailable *bool      `toml:"borrow_unavailable"` // shorts rejected
	BorrowRecall      *data.When `toml:"borrow_recall"`      // a date YYYY-MM-DD (00:00 UTC) or an RFC 3339 instant with Z or an offset: shorts covered at the next open
	// BorrowRateFile is a lending rate file (time_utc or date, asset,
	// supply_rate, borrow_rate; data.ReadRates) whose borrow_rate the
	// symbol's short pays, stepping at the file's times, ACT/365; before
	// its first row, the class's borrow_rate. [costs.symbols.SYM] only.
	BorrowRateFile *string `toml:"borrow_rate_file"`
	// BorrowRateAsset is the asset the borrow_rate_file writes, as
	// written (any case), when it is this instrument's pool but its
	// spelling does not say so (data.RateAsset reads wbtc, aWBTC,
	// aEthWBTC, cWBTC2 as BTC without it). Beside borrow_rate_file only.
	BorrowRateAsset *string `toml:"borrow_rate_asset"`

	FundingRate          *float64 `toml:"funding_rate"`           // per settlement (0.0001 = 0.01% per 8h); longs pay when > 0
	FundingIntervalHours *float64 `toml:"funding_interval_hours"` // default 8 when a funding rate or file is set
	FundingFile          *string  `toml:"funding_file"`           // funding_time_utc,symbol,funding_rate,mark_price
	// FundingSymbol is the symbol the funding_file writes, as written
	// (PF_XBTUSD), when it is this instrument's perpetual but its
	// spelling does not say so (data.FundingSymbol reads BTCUSDT,
	// BTC/USDT:USDT, BTC-USDT-SWAP, XBTUSD, XBTUSDTM, BTC-PERP as BTC
	// without it). Beside funding_file only.
	FundingSymbol *string `toml:"funding_symbol"`

	InitialMargin     *float64 `toml:"initial_margin"`     // fraction of position value (0.5 Reg T; 0.2 = 5× max leverage)
	MaintenanceMargin *float64 `toml:"maintenance_margin"` // liquidation below this
	LiquidationFee    *float64 `toml:"liquidation_fee"`    // fraction of the liquidated notional
	// MarginMode is "cross" (default: the account backs every position)
	// or "isolated" (each position is backed by its initial margin alone,
	// and loses no more than it); see docs/execution.md.
	MarginMode *engine.MarginMode `toml:"margin_mode"`

	// Models by name, one table per kind: [costs.equity.fee] with
	// model = "tiered" and the model's own keys, and so on. A model replaces
	// the built-in of its kind (engine.Terms' FeeModel, SlippageModel, …),
	// so the keys above that set the built-in may not stand beside it in
	// the same table (see ModelSpec).
	Fee      ModelSpec `toml:"fee"`      // replaces commission_bps, per_share, min_commission, max_commission_bps, maker_bps, taker_bps
	Slippage ModelSpec `toml:"slippage"` // replaces slippage_bps, spread_bps, range_fraction, impact_k, impact_window
	Volume   ModelSpec `toml:"volume"`   // replaces max_participation
	Borrow   ModelSpec `toml:"borrow"`   // replaces borrow_rate (borrow_unavailable and borrow_recall still apply)
	Funding  ModelSpec `toml:"funding"`  // replaces funding_rate, funding_interval_hours, funding_file
	Margin   ModelSpec `toml:"margin"`   // replaces initial_margin, maintenance_margin, liquidation_fee
}

// ModelSpec names a cost model and sets its parameters: a table whose key
// model is a name registered for its kind (engine.Models(), or
// Options.Models for models of one's own) and whose other keys are the
// model's fields, decoded strictly into a fresh value of it (field names
// matched ignoring case, or its toml tags): an unknown key is an error
// naming it and the keys the model takes. The model's Validate, when it
// has one, runs next. nil (no table): the built-in model.
//
//	[costs.equity.fee]
//	model = "tiered"
//	fixed = 1.0
//	tiers = [{from = 0, bps = 10}, {from = 10000, bps = 5}]
type ModelSpec map[string]any

// CostsSpec is the [costs] table.
type CostsSpec struct {
	Equity  CostSpec            `toml:"equity"`
	Crypto  CostSpec            `toml:"crypto"`
	Symbols map[string]CostSpec `toml:"symbols"`
	// CashRate is the annual interest earned on cash (ACT/360).
	CashRate float64 `toml:"cash_rate"`
	// BorrowCashRate is the annual interest paid on borrowed cash
	// (a negative balance).
	BorrowCashRate float64 `toml:"borrow_cash_rate"`
	// LimitFill is "through" (default: the bar must trade beyond a limit)
	// or "touch".
	LimitFill string `toml:"limit_fill"`
	// Interest names the account's interest model (see ModelSpec); it
	// replaces cash_rate and borrow_cash_rate.
	Interest ModelSpec `toml:"interest"`
	// CashRateFile is a stablecoin pool's lending rate file (USDC, USDT,
	// DAI, …; data.ReadRates): positive cash earns its supply_rate and
	// negative cash pays its borrow_rate, stepping at the file's times,
	// ACT/365; nothing before its first row. It replaces cash_rate and
	// borrow_cash_rate.
	CashRateFile string `toml:"cash_rate_file"`
	// CashRateAsset is the asset the cash_rate_file writes, as written
	// (any case), when it is a dollar stablecoin's pool that
	// data.RateAsset does not read as one of data.Stablecoins (USDbC).
	// Beside cash_rate_file only.
	CashRateAsset string `toml:"cash_rate_asset"`
}

// SplitSpec is one [[splits]] row, used with prices = "raw".
type SplitSpec struct {
	Symbol string    `toml:"symbol"`
	Date   data.When `toml:"date"`
	Ratio  float64   `toml:"ratio"` // new shares per old: 4 = 4-for-1
}

// DividendSpec is one [[dividends]] row, used with prices = "raw": a cash
// dividend of amount per share (in the instrument's price unit) whose
// ex-date is date.
type DividendSpec struct {
	Symbol string    `toml:"symbol"`
	Date   data.When `toml:"date"`
	Amount float64   `toml:"amount"`
}

// fundingFileSymbol checks that the funding file fs, under the table key
// of the instrument sym, is sym's: its symbol read as sym
// (data.FundingSymbol), or written as the table's funding_symbol (mapped,
// when not nil). Else the error names the file, the line and the symbol
// as written, the experiment's instruments, and how to map it.
func (f *File) fundingFileSymbol(fs *data.FundingSeries, mapped *string, key, sym string) error {
	if mapped != nil {
		if !strings.EqualFold(strings.TrimSpace(*mapped), fs.Raw) {
			return fmt.Errorf("%s.funding_symbol = %q: the file %s writes %q (line %d)", key, *mapped, fs.Source, fs.Raw, fs.Line)
		}
		return nil
	}
	if fs.Symbol == data.CanonicalSymbol(sym) {
		return nil
	}
	have := ""
	if len(f.instruments) > 0 {
		have = fmt.Sprintf(" (the experiment's instruments: %s)", strings.Join(f.instruments, ", "))
	}
	if slices.Contains(f.instruments, fs.Symbol) {
		return fmt.Errorf("%s.funding_file: %s:%d: symbol %q is %s's perpetual, not %s's%s: set the file under [costs.symbols.%s]",
			key, fs.Source, fs.Line, fs.Raw, fs.Symbol, sym, have, fs.Symbol)
	}
	what := "names no instrument"
	if fs.Symbol != strings.ToUpper(fs.Raw) {
		what = "is read as " + fs.Symbol + ", not " + sym
	}
	return fmt.Errorf("%s.funding_file: %s:%d: symbol %q %s%s: if it is %s's perpetual, add funding_symbol = %q to [costs.symbols.%s]; if another instrument's, set the file under that one's [costs.symbols.SYM]",
		key, fs.Source, fs.Line, fs.Raw, what, have, sym, fs.Raw, sym)
}

// apply sets the keys given in c on t, and the models it names from reg;
// key names the table in errors.
func (c *CostSpec) apply(f *File, reg engine.Registry, t *engine.Terms, key string) error {
	set := func(dst *float64, v *float64) {
		if v != nil {
			*dst = *v
		}
	}
	bps := func(dst *engine.BasisPoints, v *float64) {
		if v != nil {
			*dst = engine.BasisPoints(*v)
		}
	}
	bps(&t.Commission.Bps, c.CommissionBps)
	set(&t.Commission.PerShare, c.PerShare)
	set(&t.Commission.Minimum, c.MinCommission)
	bps(&t.Commission.MaxBps, c.MaxCommissionBps)
	bps(&t.Commission.Maker, c.MakerBps)
	bps(&t.Commission.Taker, c.TakerBps)
	bps(&t.Slippage.Bps, c.SlippageBps)
	bps(&t.Slippage.SpreadBps, c.SpreadBps)
	set(&t.Slippage.RangeFrac, c.RangeFraction)
	set(&t.Slippage.ImpactK, c.ImpactK)
	if c.ImpactWindow != nil {
		t.Slippage.ImpactWindow = *c.ImpactWindow
	}
	set(&t.Slippage.MaxParticipation, c.MaxParticipation)
	set(&t.Borrow.Rate, c.BorrowRate)
	if c.BorrowUnavailable != nil {
		t.Borrow.Unavailable = *c.BorrowUnavailable
	}
	if c.BorrowRecall != nil {
		if *c.BorrowRecall == "" {
			return fmt.Errorf("%s.borrow_recall = \"\": want a date or an instant (leave the key out for no recall)", key)
		}
		ts, err := parseBound(key+".borrow_recall", *c.BorrowRecall)
		if err != nil {
			return err
		}
		// 1970-01-01 is 0 ns: RecallSet makes it a recall.
		t.Borrow.RecallAt, t.Borrow.RecallSet = ts, true
	}
	if c.BorrowRateFile != nil {
		if err := c.borrowFile(f, t, key); err != nil {
			return err
		}
	} else if c.BorrowRateAsset != nil {
		return fmt.Errorf("%s.borrow_rate_asset: names the asset a borrow_rate_file writes; set one beside it", key)
	}
	set(&t.Funding.Rate, c.FundingRate)
	if c.FundingRate != nil || c.FundingFile != nil || c.FundingIntervalHours != nil {
		// A symbol's funding_rate keeps the interval its class gave:
		// the 8-hour default only where none was (it reset a class's
		// 4 hours, halving the settlements).
		if t.Funding.Interval == 0 {
			t.Funding.Interval = engine.DefaultFundingInterval
		}
		if c.FundingIntervalHours != nil {
			h := *c.FundingIntervalHours
			// At least a minute: a settlement every few seconds
			// compounds any rate into nonsense (0.001 h gave a return
			// of 4.5e28 %).
			if !(h >= 1.0/60 && h <= 24*365) {
				return fmt.Errorf("%s.funding_interval_hours = %g: want a minute (1/60) to a year (8760)", key, h)
			}
			t.Funding.Interval = int64(h * 3600e9)
		}
	}
	if c.FundingFile != nil {
		sym, ok := strings.CutPrefix(key, "costs.symbols.")
		if !ok {
			return fmt.Errorf("%s.funding_file: a funding file belongs to one instrument: set it under [costs.symbols.SYM]", key)
		}
		if c.FundingRate != nil {
			return fmt.Errorf("%s: set funding_rate or funding_file, not both", key)
		}
		if c.FundingIntervalHours != nil {
			// It was ignored without a word: a file settles at its own
			// times.
			return fmt.Errorf("%s: set funding_interval_hours or funding_file, not both: a funding file settles at the times it lists", key)
		}
		fs, err := data.ReadFunding(f.resolve(*c.FundingFile))
		if err != nil {
			return fmt.Errorf("%s.funding_file: %w%s", key, err, f.missingFile(*c.FundingFile, err))
		}
		if err := f.fundingFileSymbol(fs, c.FundingSymbol, key, sym); err != nil {
			return err
		}
		t.Funding.Times, t.Funding.Rates = fs.Times, fs.Rates
	} else if c.FundingSymbol != nil {
		return fmt.Errorf("%s.funding_symbol: names the symbol a funding_file writes; set one beside it", key)
	}
	set(&t.Margin.Initial, c.InitialMargin)
	set(&t.Margin.Maintenance, c.MaintenanceMargin)
	set(&t.Margin.LiquidationFee, c.LiquidationFee)
	if c.MarginMode != nil {
		t.MarginMode = *c.MarginMode
	}
	if t.MarginMode == engine.Isolated && t.MarginModel == nil && !(t.Margin.Initial > 0) {
		return fmt.Errorf("%s.margin_mode = \"isolated\": an isolated position's margin is its initial margin; set initial_margin > 0", key)
	}
	for _, v := range []struct {
		n string
		p *float64
	}{{"commission_bps", c.CommissionBps}, {"per_share", c.PerShare}, {"min_commission", c.MinCommission}, {"max_commission_bps", c.MaxCommissionBps},
		{"maker_bps", c.MakerBps}, {"taker_bps", c.TakerBps}, {"slippage_bps", c.SlippageBps}, {"spread_bps", c.SpreadBps}, {"range_fraction", c.RangeFraction},
		{"impact_k", c.ImpactK}, {"max_participation", c.MaxParticipation}, {"borrow_rate", c.BorrowRate},
		{"initial_margin", c.InitialMargin}, {"maintenance_margin", c.MaintenanceMargin}, {"liquidation_fee", c.LiquidationFee}} {
		if v.p != nil && (!(*v.p >= 0) || math.IsInf(*v.p, 0)) {
			return fmt.Errorf("%s.%s = %g: want a finite value >= 0", key, v.n, *v.p)
		}
	}
	for _, v := range []struct {
		n string
		p *float64
	}{{"commission_bps", c.CommissionBps}, {"maker_bps", c.MakerBps}, {"taker_bps", c.TakerBps}} {
		if v.p != nil && *v.p >= 1e4 {
			return fmt.Errorf("%s.%s = %g: want a rate under 10000 bps (the whole notional), as the top-level commission_bps", key, v.n, *v.p)
		}
	}
	for _, v := range []struct {
		n string
		p *float64
	}{{"max_participation", c.MaxParticipation}, {"initial_margin", c.InitialMargin}, {"maintenance_margin", c.MaintenanceMargin}, {"liquidation_fee", c.LiquidationFee}} {
		if v.p != nil && *v.p > 1 {
			return fmt.Errorf("%s.%s = %g: want a fraction in [0, 1]", key, v.n, *v.p)
		}
	}
	if c.InitialMargin != nil && c.MaintenanceMargin != nil && *c.MaintenanceMargin > *c.InitialMargin && *c.InitialMargin > 0 {
		return fmt.Errorf("%s.maintenance_margin = %g is above initial_margin = %g", key, *c.MaintenanceMargin, *c.InitialMargin)
	}
	// The same with one of them inherited (a symbol's table under its
	// class's): a position at full leverage would be liquidated at once.
	if m := t.Margin; (c.InitialMargin != nil || c.MaintenanceMargin != nil) && m.Initial > 0 && m.Maintenance > m.Initial {
		which, v := "maintenance_margin", m.Maintenance
		if c.MaintenanceMargin == nil {
			which, v = "initial_margin", m.Initial
		}
		return fmt.Errorf("%s.%s = %g: the maintenance margin (%g) would be above the initial margin (%g) with the terms it takes from its class", key, which, v, m.Maintenance, m.Initial)
	}
	if c.FundingRate != nil && !(math.Abs(*c.FundingRate) <= data.MaxFundingRate) {
		return fmt.Errorf("%s.funding_rate = %g: a rate per settlement (0.0001 = 0.01%% per 8 hours); want |rate| <= %g", key, *c.FundingRate, data.MaxFundingRate)
	}
	if c.ImpactWindow != nil && (*c.ImpactWindow < 0 || *c.ImpactWindow == 1) {
		return fmt.Errorf("%s.impact_window = %d: want 0 (the default, 20) or at least 2 returns (a volatility of one return is 0, and so would be the impact)", key, *c.ImpactWindow)
	}
	// A window with no impact to apply it to did nothing, and in a
	// symbol's table under its class's slippage model it replaced that
	// model (as a flat key does) with one that charged nothing.
	if c.ImpactWindow != nil && *c.ImpactWindow != 0 && c.Slippage == nil && !(t.Slippage.ImpactK > 0) {
		return fmt.Errorf("%s.impact_window = %d: no impact_k to apply it to, in this table or its class's keys (a flat slippage key in a symbol's table replaces its class's slippage model); set impact_k", key, *c.ImpactWindow)
	}
	if err := c.inheritedModels(t, key); err != nil {
		return err
	}
	if err := c.applyModels(reg, t, key); err != nil {
		return err
	}
	if c.BorrowRateFile != nil && (t.Funding.On() || t.FundingModel != nil) {
		// A perpetual pays funding, not borrow: the file would be read
		// and never charged.
		return fmt.Errorf("%s.borrow_rate_file: %s is a perpetual here (a funding rate, file or model, in this table or its class's): it pays funding, not borrow", key, strings.TrimPrefix(key, "costs.symbols."))
	}
	return nil
}

// inheritedModels makes the flat keys a table sets count over the models
// of their kinds it inherits (a symbol's table under its class's): a
// symbol's commission_bps, spread_bps, max_participation, borrow_rate or
// funding_rate replace its class's fee, slippage, volume, borrow or
// funding model (they were ignored: the model won); margin keys beside
// an inherited margin model are refused, the model's other terms being
// unknown. And a table whose fee keys are all 0 charges no fee: a zero
// engine.Commission means "not set" and fell back to the top-level
// commission_bps, which the docs say a table's fee keys replace.
func (c *CostSpec) inheritedModels(t *engine.Terms, key string) error {
	if c.CommissionBps != nil || c.PerShare != nil || c.MinCommission != nil || c.MaxCommissionBps != nil || c.MakerBps != nil || c.TakerBps != nil {
		t.FeeModel = nil
		if t.Commission == (engine.Commission{}) {
			t.FeeModel = &engine.Commission{} // no fee, set
		}
	}
	if c.SlippageBps != nil || c.SpreadBps != nil || c.RangeFraction != nil || c.ImpactK != nil || c.ImpactWindow != nil {
		t.SlippageModel = nil
	}
	if c.MaxParticipation != nil {
		t.VolumeModel = nil
	}
	if c.BorrowRate != nil {
		t.BorrowModel = nil
	}
	if c.FundingRate != nil || c.FundingFile != nil || c.FundingIntervalHours != nil {
		t.FundingModel = nil
	}
	if t.MarginModel != nil && (c.InitialMargin != nil || c.MaintenanceMargin != nil || c.LiquidationFee != nil) {
		return fmt.Errorf("%s: initial_margin, maintenance_margin or liquidation_fee beside the margin model it takes from its class: give the table its own margin.model, or set the class's margin by its keys", key)
	}
	return nil
}

// borrowFile reads c's borrow_rate_file into t's borrow: its borrow_rate
// from each row's time, ACT/365, the class's borrow_rate (t.Borrow.Rate,
// ACT/360) before the first row; the file replaces a borrow model of the
// class. It is refused beside borrow_rate or a borrow model in the same
// table, outside a symbol's table, and for another asset than the
// symbol.
func (c *CostSpec) borrowFile(f *File, t *engine.Terms, key string) error {
	sym, ok := strings.CutPrefix(key, "costs.symbols.")
	if !ok {
		return fmt.Errorf("%s.borrow_rate_file: a borrow rate file belongs to one instrument: set it under [costs.symbols.SYM]", key)
	}
	if c.BorrowRate != nil {
		return fmt.Errorf("%s: set borrow_rate or borrow_rate_file, not both: the file's rates replace the constant (before its first row the class's borrow_rate applies)", key)
	}
	if c.Borrow != nil {
		return fmt.Errorf("%s: set borrow_rate_file or borrow.model, not both: the borrow model replaces the file's rates", key)
	}
	rs, err := data.ReadRates(f.resolve(*c.BorrowRateFile))
	if err != nil {
		return fmt.Errorf("%s.borrow_rate_file: %w%s", key, err, f.missingFile(*c.BorrowRateFile, err))
	}
	switch {
	case c.BorrowRateAsset != nil:
		if !strings.EqualFold(strings.TrimSpace(*c.BorrowRateAsset), rs.Raw) {
			return fmt.Errorf("%s.borrow_rate_asset = %q: the file %s writes %q (line %d)", key, *c.BorrowRateAsset, rs.Source, rs.Raw, rs.Line)
		}
	case rs.Asset != data.CanonicalSymbol(sym):
		return fmt.Errorf("%s.borrow_rate_file: %s:%d: the file's rates are for %s (%q), not %s: if it is %s's pool, add borrow_rate_asset = %q to [costs.symbols.%s]; if another instrument's, set the file under that one's [costs.symbols.SYM]",
			key, rs.Source, rs.Line, rs.Asset, rs.Raw, sym, sym, rs.Raw, sym)
	}
	t.Borrow.Times, t.Borrow.Rates, t.Borrow.YearDays = rs.Times, rs.Borrow, data.RateYearDays
	t.BorrowModel = nil
	f.keepRates(key+".borrow_rate_file", rs)
	return nil
}

// keepRates keeps a rate file read under key for the run's notes.
func (f *File) keepRates(key string, rs *data.RateSeries) {
	if f.rateFiles == nil {
		f.rateFiles = map[string]*data.RateSeries{}
	}
	f.rateFiles[key] = rs
}

// applyModels sets the models c names on t, refusing beside each the keys
// of the built-in it replaces.
func (c *CostSpec) applyModels(reg engine.Registry, t *engine.Terms, key string) error {
	var err error
	set := func(kind string, spec ModelSpec, replaced map[string]bool, plug func() error) {
		if err != nil || spec == nil {
			return
		}
		for _, k := range slices.Sorted(maps.Keys(replaced)) {
			if replaced[k] {
				err = fmt.Errorf("%s: %s and %s.model both set; the %s model replaces %s (set it in the model's table)", key, k, kind, kind, k)
				return
			}
		}
		err = termsKeyHint(plug(), key, kind, replaced)
	}
	set("fee", c.Fee, map[string]bool{"commission_bps": c.CommissionBps != nil, "per_share": c.PerShare != nil,
		"min_commission": c.MinCommission != nil, "max_commission_bps": c.MaxCommissionBps != nil, "maker_bps": c.MakerBps != nil,
		"taker_bps": c.TakerBps != nil}, func() (e error) {
		t.FeeModel, e = newModel(reg.Fee, "fee", c.Fee, key+".fee")
		return e
	})
	set("slippage", c.Slippage, map[string]bool{"slippage_bps": c.SlippageBps != nil, "spread_bps": c.SpreadBps != nil,
		"range_fraction": c.RangeFraction != nil, "impact_k": c.ImpactK != nil, "impact_window": c.ImpactWindow != nil}, func() (e error) {
		t.SlippageModel, e = newModel(reg.Slippage, "slippage", c.Slippage, key+".slippage")
		return e
	})
	set("volume", c.Volume, map[string]bool{"max_participation": c.MaxParticipation != nil}, func() (e error) {
		t.VolumeModel, e = newModel(reg.Volume, "volume", c.Volume, key+".volume")
		return e
	})
	set("borrow", c.Borrow, map[string]bool{"borrow_rate": c.BorrowRate != nil, "borrow_rate_file": c.BorrowRateFile != nil, "borrow_rate_asset": c.BorrowRateAsset != nil}, func() (e error) {
		t.BorrowModel, e = newModel(reg.Borrow, "borrow", c.Borrow, key+".borrow")
		return e
	})
	set("funding", c.Funding, map[string]bool{"funding_rate": c.FundingRate != nil, "funding_interval_hours": c.FundingIntervalHours != nil,
		"funding_file": c.FundingFile != nil, "funding_symbol": c.FundingSymbol != nil}, func() (e error) {
		t.FundingModel, e = newModel(reg.Funding, "funding", c.Funding, key+".funding")
		return e
	})
	set("margin", c.Margin, map[string]bool{"initial_margin": c.InitialMargin != nil, "maintenance_margin": c.MaintenanceMargin != nil,
		"liquidation_fee": c.LiquidationFee != nil}, func() (e error) {
		t.MarginModel, e = newModel(reg.Margin, "margin", c.Margin, key+".margin")
		return e
	})
	return err
}

// termsKeyHint adds to an unknown key of kind's model table under the
// terms' table key (borrow_unavailable under [costs.crypto.borrow]) that
// it is a key of the terms' table; not for a key the model replaces
// (borrow_rate beside a borrow model: refused there, and the model's own
// key, rate, is in the list). Other errors are returned as they are.
func termsKeyHint(err error, key, kind string, replaced map[string]bool) error {
	var ue *strict.UnknownKeysError
	if !errors.As(err, &ue) {
		return err
	}
	var moved []string
	for _, k := range ue.Keys {
		name, ok := strings.CutPrefix(k, key+"."+kind+".")
		if !ok || strings.Contains(name, ".") {
			continue // a key of a table inside the model's
		}
		if _, r := replaced[name]; !r && slices.Contains(termsKeys(), name) {
			moved = append(moved, name)
		}
	}
	switch len(moved) {
	case 0:
		return err
	case 1:
		return fmt.Errorf("%w; %s is a key of the terms' table %s, beside %s, not of the %s model's", err, moved[0], key, kind, kind)
	}
	return fmt.Errorf("%w; %s are keys of the terms' table %s, beside %s, not of the %s model's", err, strings.Join(moved, ", "), key, kind, kind)
}

// termsKeys are the keys of a terms' table (CostSpec) that take a value,
// not a model's table.
func termsKeys() []string {
	rt := reflect.TypeFor[CostSpec]()
	var keys []string
	for i := range rt.NumField() {
		f := rt.Field(i)
		if tag := f.Tag.Get("toml"); tag != "" && f.Type != reflect.TypeFor[ModelSpec]() {
			keys = append(keys, tag)
		}
	}
	return keys
}

// newModel builds the model spec names from the constructors of its kind
// (see ModelSpec); key names the table in errors.
func newModel[M any](kinds map[string]func() M, kind string, spec ModelSpec, key string) (M, error) {
	var zero M
	known := strings.Join(slices.Sorted(maps.Keys(kinds)), ", ")
	v, ok := spec["model"]
	if !ok {
		return zero, fmt.Errorf("%s.model: required (a %s model: %s)", key, kind, known)
	}
	name, ok := v.(string)
	if !ok {
		return zero, &strict.KeyError{Path: key + ".model", Value: v, Msg: "want a string"}
	}
	mk, ok := kinds[name]
	if !ok {
		return zero, &strict.KeyError{Path: key + ".model", Value: name, Msg: fmt.Sprintf("unknown %s model (known: %s)", kind, known)}
	}
	m := mk()
	params := make(map[string]any, len(spec))
	for k, p := range spec {
		if k != "model" {
			params[k] = p
		}
	}
	if rv := reflect.ValueOf(m); rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Struct {
		if err := strict.DecodeMap(params, m, key); err != nil {
			var ue *strict.UnknownKeysError
			if errors.As(err, &ue) {
				ue.For = fmt.Sprintf("%s model %q", kind, name)
				var refused []string
				if r, ok := any(m).(interface{ RefusedFields() []string }); ok && !strings.Contains(strings.TrimPrefix(ue.Keys[0], key+"."), ".") {
					refused = r.RefusedFields() // keys of the model's own table, not of a table inside it
				}
				known := ue.Known[:0]
				for _, k := range ue.Known {
					// Untagged fields match ignoring case; a field
					// Validate refuses is not offered.
					if !slices.ContainsFunc(refused, func(r string) bool { return strings.EqualFold(r, k) }) {
						known = append(known, strings.ToLower(k))
					}
				}
				ue.Known = known
			}
			return zero, err
		}
	} else if len(params) > 0 {
		return zero, fmt.Errorf("%s: the %s model %q takes no parameters, got %s", key, kind, name, strings.Join(slices.Sorted(maps.Keys(params)), ", "))
	}
	if val, ok := any(m).(interface{ Validate() error }); ok {
		if err := val.Validate(); err != nil {
			return zero, fmt.Errorf("%s: %w", key, err)
		}
	}
	return m, nil
}

// builtinsOr returns reg, or engine.Models() when reg has no model at all
// (the zero Registry of Options).
func builtinsOr(reg engine.Registry) engine.Registry {
	if reg.Fee == nil && reg.Slippage == nil && reg.Volume == nil && reg.Borrow == nil && reg.Funding == nil && reg.Interest == nil && reg.Margin == nil {
		return engine.Models()
	}
	return reg
}

// engineBase is the part of every run's engine configuration that the
// experiment file sets: cash, commission, the cost and margin terms per
// class and symbol, financing rates, splits and the dividends table. classOf gives a symbol's
// class for [costs.symbols] (which start from their class's terms); models
// named in [costs] come from reg (its zero value: engine.Models()).
func (f *File) engineBase(reg engine.Registry, classOf func(string) (data.Class, bool)) (engine.Config, error) {
	reg = builtinsOr(reg)
	cfg := engine.Config{Cash: f.Cash, Commission: engine.BasisPoints(f.CommissionBps)}
	c := &f.Costs
	if err := c.Equity.apply(f, reg, &cfg.Equity, "costs.equity"); err != nil {
		return cfg, err
	}
	if err := c.Crypto.apply(f, reg, &cfg.Crypto, "costs.crypto"); err != nil {
		return cfg, err
	}
	syms := make([]string, 0, len(c.Symbols))
	for s := range c.Symbols {
		syms = append(syms, s)
	}
	sort.Strings(syms)
	for _, s := range syms {
		class, ok := classOf(s)
		if !ok {
			return cfg, fmt.Errorf("costs.symbols.%s: the experiment's data has no such instrument", s)
		}
		t := cfg.Equity
		if class == data.Crypto {
			t = cfg.Crypto
		}
		spec := c.Symbols[s]
		if err := spec.apply(f, reg, &t, "costs.symbols."+s); err != nil {
			return cfg, err
		}
		if cfg.Symbols == nil {
			cfg.Symbols = map[string]engine.Terms{}
		}
		cfg.Symbols[s] = t
	}
	for _, r := range []struct {
		key string
		v   float64
	}{{"cash_rate", c.CashRate}, {"borrow_cash_rate", c.BorrowCashRate}} {
		if !(r.v >= -1 && r.v <= 10) {
			return cfg, fmt.Errorf("costs.%s = %g: want an annual rate in [-1, 10] (0.05 = 5%%)", r.key, r.v)
		}
	}
	cfg.CashRate, cfg.BorrowRate = c.CashRate, c.BorrowCashRate
	if c.Interest != nil {
		if c.CashRate != 0 || c.BorrowCashRate != 0 {
			return cfg, fmt.Errorf("costs: cash_rate or borrow_cash_rate and interest.model both set; the interest model replaces them")
		}
		m, err := newModel(reg.Interest, "interest", c.Interest, "costs.interest")
		if err != nil {
			return cfg, err
		}
		cfg.InterestModel = m
	}
	if c.CashRateAsset != "" && c.CashRateFile == "" {
		return cfg, fmt.Errorf("costs.cash_rate_asset: names the asset a cash_rate_file writes; set one beside it")
	}
	if c.CashRateFile != "" {
		switch {
		case c.CashRate != 0 || c.BorrowCashRate != 0:
			return cfg, fmt.Errorf("costs: set cash_rate_file or cash_rate and borrow_cash_rate, not both: the file's supply_rate and borrow_rate replace them")
		case c.Interest != nil:
			return cfg, fmt.Errorf("costs: set cash_rate_file or interest.model, not both")
		}
		rs, err := data.ReadRates(f.resolve(c.CashRateFile))
		if err != nil {
			return cfg, fmt.Errorf("costs.cash_rate_file: %w%s", err, f.missingFile(c.CashRateFile, err))
		}
		switch {
		case c.CashRateAsset != "":
			if !strings.EqualFold(strings.TrimSpace(c.CashRateAsset), rs.Raw) {
				return cfg, fmt.Errorf("costs.cash_rate_asset = %q: the file %s writes %q (line %d)", c.CashRateAsset, rs.Source, rs.Raw, rs.Line)
			}
		case !data.Stablecoin(rs.Asset):
			return cfg, fmt.Errorf("costs.cash_rate_file: %s:%d: the file's rates are for %s (%q), not a dollar stablecoin (%s): cash earns and pays a stablecoin pool's rates; if %q is a dollar stablecoin's pool, add cash_rate_asset = %q to [costs]",
				rs.Source, rs.Line, rs.Asset, rs.Raw, strings.Join(data.Stablecoins(), ", "), rs.Raw, rs.Raw)
		}
		cfg.InterestModel = engine.CashInterest{Times: rs.Times, Rates: rs.Supply, BorrowRates: rs.Borrow, YearDays: data.RateYearDays}
		f.keepRates("costs.cash_rate_file", rs)
	}
	switch c.LimitFill {
	case "", "through":
		cfg.LimitFill = engine.Through
	case "touch":
		cfg.LimitFill = engine.Touch
	default:
		return cfg, fmt.Errorf("costs.limit_fill = %q: want \"through\" or \"touch\"", c.LimitFill)
	}
	for i, sp := range f.Splits {
		ts, err := data.ParseDay(string(sp.Date))
		if err != nil {
			return cfg, fmt.Errorf("splits[%d].date: %w", i, err)
		}
		if !(sp.Ratio > 0) || math.IsInf(sp.Ratio, 0) {
			return cfg, fmt.Errorf("splits[%d].ratio = %g: want > 0", i, sp.Ratio)
		}
		if _, ok := classOf(sp.Symbol); !ok {
			return cfg, fmt.Errorf("splits[%d].symbol: the experiment's data has no instrument %q", i, sp.Symbol)
		}
		for k, o := range f.Splits[:i] { // parsed above already: a small table
			if ot, _ := data.ParseDay(string(o.Date)); o.Symbol == sp.Symbol && ot == ts {
				return cfg, fmt.Errorf("splits[%d]: %s splits on %s in splits[%d] already: give one split a day, its ratio the product", i, sp.Symbol, data.FormatDay(ts), k)
			}
		}
		if cfg.Splits == nil {
			cfg.Splits = map[string][]engine.Split{}
		}
		cfg.Splits[sp.Symbol] = append(cfg.Splits[sp.Symbol], engine.Split{Time: ts, Ratio: sp.Ratio})
	}
	for sym := range cfg.Splits {
		sp := cfg.Splits[sym]
		sort.Slice(sp, func(a, b int) bool { return sp[a].Time < sp[b].Time }) // a table in any order
	}
	for i, d := range f.Dividends {
		ts, err := data.ParseDay(string(d.Date))
		if err != nil {
			return cfg, fmt.Errorf("dividends[%d].date: %w", i, err)
		}
		if !(d.Amount > 0) || math.IsInf(d.Amount, 0) {
			return cfg, fmt.Errorf("dividends[%d].amount = %g: want a cash amount per share > 0", i, d.Amount)
		}
		if _, ok := classOf(d.Symbol); !ok {
			return cfg, fmt.Errorf("dividends[%d].symbol: the experiment's data has no instrument %q", i, d.Symbol)
		}
		if cfg.Dividends == nil {
			cfg.Dividends = map[string][]engine.Dividend{}
		}
		cfg.Dividends[d.Symbol] = append(cfg.Dividends[d.Symbol], engine.Dividend{Time: ts, Amount: d.Amount})
	}
	for sym := range cfg.Dividends {
		ds := cfg.Dividends[sym]
		sort.SliceStable(ds, func(a, b int) bool { return ds[a].Time < ds[b].Time }) // a table in any order
	}
	if len(f.Splits) > 0 && f.Prices != "raw" {
		return cfg, fmt.Errorf("splits: a splits table needs prices = \"raw\" (adjusted prices already contain the splits)")
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// envAdapter lets the engine read a scenario's environment.
type envAdapter struct{ e *scenarios.Env }

func (a envAdapter) At(i int, t int64) engine.EnvFactors { return factors(a.e.At(i, t)) }

// AtUntil makes the adapter an engine.SpanEnv: the engine asks again only
// when the scenario's window changes.
func (a envAdapter) AtUntil(i int, t int64) (engine.EnvFactors, int64) {
	f, until := a.e.AtUntil(i, t)
	return factors(f), until
}

func factors(f scenarios.Factors) engine.EnvFactors {
	return engine.EnvFactors{SlippageMult: f.SlippageMult, SpreadMult: f.SpreadMult, FundingMult: f.FundingMult, FundingSet: f.FundingSet,
		BorrowMult: f.BorrowMult, BorrowSet: f.BorrowSet, VolumeMult: f.VolumeMult}
}

// termsOf is an instrument's terms in cfg: its own (Config.Symbols), or
// its class's.
func termsOf(cfg engine.Config, s *data.Series) engine.Terms {
	if t, ok := cfg.Symbols[s.Symbol]; ok {
		return t
	}
	if s.Class == data.Crypto {
		return cfg.Crypto
	}
	return cfg.Equity
}

// withEnv returns cfg with the view's environment: its factors, and the
// borrow recalls its scenario sets (the earlier of the file's recall and
// the scenario's).
func withEnv(cfg engine.Config, p *data.Panel, env *scenarios.Env) engine.Config {
	if !env.Shocked() {
		return cfg // a price-only scenario: no environment to consult
	}
	cfg.Env = envAdapter{env}
	for i := range p.Series {
		rec := env.Recalls(i)
		if len(rec) == 0 {
			continue
		}
		sym := p.Series[i].Symbol
		t := termsOf(cfg, &p.Series[i])
		if !(t.Borrow.RecallSet || t.Borrow.RecallAt != 0) || rec[0] < t.Borrow.RecallAt {
			t.Borrow.RecallAt, t.Borrow.RecallSet = rec[0], true // a recall at 1970-01-01 is 0 ns
		}
		syms := make(map[string]engine.Terms, len(cfg.Symbols)+1)
		for k, v := range cfg.Symbols {
			syms[k] = v
		}
		syms[sym] = t
		cfg.Symbols = syms
	}
	return cfg
}

// commissionText says what a fill pays: the top-level commission_bps
// ("5 bps"), or, when a class or symbol table sets fees of its own (which
// replace it for that class, feeNotes), each class's: "equity 5 bps,
// crypto taker 5 bps", with ", and symbols' own" when a symbol table
// sets fees. The charts' captions and the report's setup say it.
func (f *File) commissionText() string {
	top := fmt.Sprintf("%g bps", f.CommissionBps)
	fee := func(c *CostSpec) string {
		if c.Fee != nil {
			return fmt.Sprintf("fee model %v", c.Fee["model"])
		}
		var ps []string
		if c.CommissionBps != nil {
			ps = append(ps, fmt.Sprintf("%g bps", *c.CommissionBps))
		}
		if c.PerShare != nil {
			ps = append(ps, fmt.Sprintf("%g a unit", *c.PerShare))
		}
		if c.MinCommission != nil {
			ps = append(ps, fmt.Sprintf("at least %g", *c.MinCommission))
		}
		if c.MaxCommissionBps != nil {
			ps = append(ps, fmt.Sprintf("at most %g bps", *c.MaxCommissionBps))
		}
		if c.MakerBps != nil {
			ps = append(ps, fmt.Sprintf("maker %g bps", *c.MakerBps))
		}
		if c.TakerBps != nil {
			ps = append(ps, fmt.Sprintf("taker %g bps", *c.TakerBps))
		}
		return strings.Join(ps, " ")
	}
	eq, cr := fee(&f.Costs.Equity), fee(&f.Costs.Crypto)
	syms := false
	for _, s := range f.Costs.Symbols {
		syms = syms || fee(&s) != ""
	}
	if eq == "" && cr == "" && !syms {
		return top
	}
	if eq == "" {
		eq = top
	}
	if cr == "" {
		cr = top
	}
	out := "equity " + eq + ", crypto " + cr
	if syms {
		out += ", and symbols' own"
	}
	return out
}

// feeNotes notes each class table ([costs.equity], [costs.crypto]), and
// each symbol table when neither class table sets a base fee, that sets
// min_commission, max_commission_bps, maker_bps or taker_bps but no base fee (commission_bps,
// per_share, a fee model) under a top-level commission_bps that is
// not zero. A
// table that sets any fee of its own replaces the top-level rate for its
// fills (engine.Commission: terms that set no fee at all pay
// Config.Commission), so its fills pay the maker or taker rate alone;
// read as "added on every fill" (the key's comment), the two looked
// summed: a careful reader expected 7 + 5 bps and the fills paid 5.
func (f *File) feeNotes() []string {
	if f.CommissionBps == 0 {
		return nil
	}
	var out []string
	type table struct {
		key string
		c   *CostSpec
	}
	tables := []table{{"equity", &f.Costs.Equity}, {"crypto", &f.Costs.Crypto}}
	// A base is a rate of the table's own; a minimum alone is a floor
	// of nothing: its fills pay the minimum, where max(minimum, the
	// top-level rate) was meant.
	base := func(c *CostSpec) bool {
		return c.CommissionBps != nil || c.PerShare != nil || c.Fee != nil
	}
	// A symbol's table starts from its class's: its maker or taker rate
	// is then added to the class's base, if the class has one. Without a
	// base in either class table, it is charged alone whatever the class.
	if !base(&f.Costs.Equity) && !base(&f.Costs.Crypto) {
		for _, sym := range slices.Sorted(maps.Keys(f.Costs.Symbols)) {
			c := f.Costs.Symbols[sym]
			tables = append(tables, table{"symbols." + sym, &c})
		}
	}
	for _, t := range tables {
		c := t.c
		if (c.MinCommission == nil && c.MaxCommissionBps == nil && c.MakerBps == nil && c.TakerBps == nil) || base(c) {
			continue
		}
		var set []string
		if c.MinCommission != nil {
			set = append(set, fmt.Sprintf("min_commission = %g", *c.MinCommission))
		}
		if c.MaxCommissionBps != nil {
			set = append(set, fmt.Sprintf("max_commission_bps = %g", *c.MaxCommissionBps))
		}
		if c.MakerBps != nil {
			set = append(set, fmt.Sprintf("maker_bps = %g", *c.MakerBps))
		}
		if c.TakerBps != nil {
			set = append(set, fmt.Sprintf("taker_bps = %g", *c.TakerBps))
		}
		out = append(out, fmt.Sprintf("costs.%s sets %s and no commission_bps: its fills pay that alone, not the top-level commission_bps = %g as well (a class's or symbol's own fee replaces the top-level rate); set costs.%s.commission_bps = %g to charge both",
			t.key, strings.Join(set, " and "), f.CommissionBps, t.key, f.CommissionBps))
	}
	return out
}

// rateNotes notes the annual rates above 100 % a year (cash_rate,
// borrow_cash_rate, each borrow_rate, and the rates of the built-in
// interest and borrow models' tables): rates are decimals, and
// cash_rate = 5 meant for 5 % earns 500 % a year. Such a rate is kept (a
// hard-to-borrow short can cost more than 100 %), and said.
func (c *CostsSpec) rateNotes() []string {
	var out []string
	note := func(key string, v float64) {
		if math.Abs(v) > 1 {
			// 12 digits: 100 × 1.1 is 110.00000000000001 in binary.
			g := func(x float64) string { return strconv.FormatFloat(x, 'g', 12, 64) }
			out = append(out, fmt.Sprintf("costs.%s = %g is %s %% a year: rates are decimals (0.05 = 5 %%); write %s for %g %%",
				key, v, g(100*v), g(v/100), v))
		}
	}
	note("cash_rate", c.CashRate)
	note("borrow_cash_rate", c.BorrowCashRate)
	// The built-in models' rates, set in their tables: the interest
	// model's rate and borrowrate, the borrow model's rate.
	modelRates := func(key, builtin string, spec ModelSpec, fields ...string) {
		if spec == nil || spec["model"] != builtin {
			return
		}
		for _, k := range slices.Sorted(maps.Keys(spec)) {
			for _, f := range fields {
				if strings.EqualFold(k, f) {
					switch v := spec[k].(type) {
					case float64:
						note(key+"."+k, v)
					case int64:
						note(key+"."+k, float64(v))
					}
				}
			}
		}
	}
	modelRates("interest", "cash_interest", c.Interest, "rate", "borrowrate")
	borrow := func(key string, s CostSpec) {
		if s.BorrowRate != nil {
			note(key+".borrow_rate", *s.BorrowRate)
		}
		modelRates(key+".borrow", "borrow", s.Borrow, "rate")
	}
	borrow("equity", c.Equity)
	borrow("crypto", c.Crypto)
	for _, sym := range slices.Sorted(maps.Keys(c.Symbols)) {
		borrow("symbols."+sym, c.Symbols[sym])
	}
	return out
}

// recallNotes names each borrow_recall outside the run's steps, first to
// last: before the runs start, no short can be opened at all (a recall
// refuses new shorts from its time on); after the last step it never
// comes, and the shorts are held to the end as without it.
func (c *CostsSpec) recallNotes(first, last int64) []string {
	var out []string
	c.recalls(func(key, raw string, at int64) {
		switch {
		case at > last:
			out = append(out, fmt.Sprintf("%s.borrow_recall = %s is after the run's last step (%s): no short is recalled", key, raw, data.FormatStamp(last)))
		case at < first:
			out = append(out, fmt.Sprintf("%s.borrow_recall = %s is before the run's first step (%s): no short can be opened (a recall refuses new shorts from then on)", key, raw, data.FormatStamp(first)))
		}
	})
	return out
}

// recalls calls fn with each borrow_recall set (its key, as written, and
// its time), equity, crypto, then the symbols in order.
func (c *CostsSpec) recalls(fn func(key, raw string, at int64)) {
	check := func(key string, cs *CostSpec) {
		if cs.BorrowRecall == nil || *cs.BorrowRecall == "" {
			return
		}
		at, err := parseBound(key+".borrow_recall", *cs.BorrowRecall)
		if err != nil {
			return // refused with the terms
		}
		fn(key, string(*cs.BorrowRecall), at)
	}
	check("costs.equity", &c.Equity)
	check("costs.crypto", &c.Crypto)
	for _, sym := range slices.Sorted(maps.Keys(c.Symbols)) {
		cs := c.Symbols[sym]
		check("costs.symbols."+sym, &cs)
	}
}
