package data

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Class is an instrument's asset class. It decides the instrument's calendar
// and, in the engine, which cost and margin models apply.
type Class uint8

const (
	// Equity trades on exchange sessions (weekdays without holidays).
	Equity Class = iota + 1
	// Crypto trades every calendar day, 24/7.
	Crypto
)

// String returns "equity" or "crypto".
func (c Class) String() string {
	switch c {
	case Equity:
		return "equity"
	case Crypto:
		return "crypto"
	}
	return fmt.Sprintf("class(%d)", uint8(c))
}

// ParseClass parses "equity" or "crypto" (case-insensitive).
func ParseClass(s string) (Class, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "equity", "equities", "stock":
		return Equity, nil
	case "crypto":
		return Crypto, nil
	}
	return 0, fmt.Errorf("data: unknown asset class %q (want equity or crypto)", s)
}

// Calendar returns the trading calendar of the class.
func (c Class) Calendar() Calendar {
	if c == Crypto {
		return Continuous
	}
	return Sessions
}

// GuessClass guesses an instrument's class from its symbol: crypto pairs
// and a list of well-known tokens are crypto; everything else is equity.
// A pair is a base and a quote currency: with a separator (BTC-USD,
// TAO-USDT, BTC-EUR, ETH/BTC, SOL_USDC) any base and a quote of
// cryptoQuotes; Binance-style without one, any base before USDT or USDC
// (BTCUSDT), or a known token before another quote (ETHBTC, BTCEUR).
// Importers use it only when the user gives no --class.
func GuessClass(symbol string) Class {
	s := strings.ToUpper(strings.TrimSpace(symbol))
	if _, ok := quoteSuffix(s); ok {
		return Crypto
	}
	if knownToken(s) {
		return Crypto
	}
	for _, q := range cryptoQuotes {
		for _, sep := range []string{"-", "_", "/"} {
			if base, ok := strings.CutSuffix(s, sep+q); ok && base != "" && !strings.ContainsAny(base, "-_/") {
				return Crypto
			}
		}
		if base, ok := strings.CutSuffix(s, q); ok && knownToken(base) {
			return Crypto
		}
	}
	return Equity
}

// cryptoQuotes are the currencies a crypto pair is quoted in, besides
// those CanonicalSymbol strips (USD, USDT, USDC): other stablecoins, fiat
// currencies of crypto exchanges and the tokens pairs are quoted in. A
// pair quoted in one of them is not its base's USD price, so its symbol
// is kept whole (BTC-EUR is not BTC).
var cryptoQuotes = [...]string{"USD", "USDT", "USDC", "BUSD", "FDUSD", "TUSD", "DAI", "EUR", "GBP", "BTC", "ETH", "BNB"}

// knownToken reports whether s (upper case) is a well-known token.
func knownToken(s string) bool {
	switch s {
	case "BTC", "ETH", "SOL", "XRP", "TAO", "RENDER", "RNDR", "FET", "NEAR", "ICP",
		"GRT", "WLD", "AGIX", "OCEAN", "AR", "AKT", "DOGE", "ADA", "BNB":
		return true
	}
	return false
}

// WeekendNote says, for a series classed equity with bars stamped on a
// Saturday or Sunday (UTC), that it may be a token: an equity's daily bars
// resampled from intraday ones keep only the New York session, and its
// calendar is the exchange's. "" otherwise.
func WeekendNote(s *Series) string {
	if s.Class != Equity {
		return ""
	}
	n, first := 0, int64(0)
	for _, t := range s.Time {
		if Weekday(t) >= 5 { // Saturday or Sunday
			if n == 0 {
				first = t
			}
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(weekendNoteStart+"%d of its %d bars fall on a Saturday or Sunday (UTC), the first %s: "+
		"if it trades every day (a token), give --class crypto (in an experiment, [data] classes): "+
		"an equity's daily bars are its 09:30–16:00 New York session", n, s.Len(), FormatTime(first))
}

// weekendNoteStart begins every WeekendNote.
const weekendNoteStart = "classed equity, but "

// WeekendNoted reports whether notes (a series' Notes) hold a WeekendNote:
// the reader's, on the series as read, whose counts differ from those of
// a window of it (an experiment's end before the file's).
func WeekendNoted(notes []string) bool {
	return slices.ContainsFunc(notes, IsWeekendNote)
}

// IsWeekendNote reports whether note is a WeekendNote.
func IsWeekendNote(note string) bool {
	return strings.HasPrefix(note, weekendNoteStart) && strings.Contains(note, " fall on a Saturday or Sunday (UTC), the first ")
}

// RenoteWeekend replaces s's WeekendNote, if any, with the one its class
// gives now (none for a token): the note depends on the class, which a
// run may set after the series was read, or a catalog stored it under.
func (s *Series) RenoteWeekend() {
	s.Notes = slices.DeleteFunc(s.Notes, IsWeekendNote)
	if note := WeekendNote(s); note != "" {
		s.Notes = append(s.Notes, note)
	}
}

// CanonicalSymbol strips a quote-currency suffix from a crypto pair so that
// "TAO-USD", "TAO-USDT" and "TAOUSDT" all name the instrument "TAO".
// Equity symbols are returned upper-cased and otherwise unchanged
// ("9984.T", "^NDX").
func CanonicalSymbol(symbol string) string {
	s := strings.ToUpper(strings.TrimSpace(symbol))
	if suf, ok := quoteSuffix(s); ok {
		return strings.TrimSuffix(s, suf)
	}
	return s
}

// quoteSuffix finds the quote-currency suffix of a crypto pair (upper
// case): -USDT, _USDT, /USDT, USDT and the same with USDC, USD and PERP
// (USD and PERP only after a separator: "GOOGUSD" is no pair).
func quoteSuffix(s string) (string, bool) {
	for _, q := range []string{"USDT", "USDC", "USD", "PERP"} {
		for _, sep := range []string{"-", "_", "/"} {
			if suf := sep + q; strings.HasSuffix(s, suf) && len(s) > len(suf) {
				return suf, true
			}
		}
	}
	for _, q := range []string{"USDT", "USDC"} {
		if strings.HasSuffix(s, q) && len(s) > len(q) {
			return q, true
		}
	}
	return "", false
}

// Instrument describes one tradable series.
type Instrument struct {
	Symbol string // canonical symbol, e.g. "NVDA", "TAO"
	Class  Class
	Source string // where the bars came from: a file path, "catalog:…" or "synthetic"
	// LotSize, when > 0, rounds order quantities down to whole lots.
	LotSize float64
}

// Calendar describes when an instrument trades.
type Calendar uint8

const (
	// Sessions: exchange sessions, about 252 a year.
	Sessions Calendar = iota + 1
	// Continuous: every calendar day, 365 a year.
	Continuous
)

// PeriodsPerYear is the number of daily bars a year on the calendar:
// 252 exchange sessions or 365 calendar days.
func (c Calendar) PeriodsPerYear() float64 {
	if c == Continuous {
		return 365
	}
	return 252
}

// String returns "sessions" or "24/7".
func (c Calendar) String() string {
	if c == Continuous {
		return "24/7"
	}
	return "sessions"
}

// SyntheticMarker is the file that marks a folder of generated price files
// (WriteCSVDir of a synthetic panel writes it). Readers and the catalog
// label what they load from such a folder synthetic, so that generated
// prices never pass for real ones.
const SyntheticMarker = ".divergence-synthetic"

// IsSyntheticFile reports whether path sits in a folder marked with
// SyntheticMarker.
func IsSyntheticFile(path string) bool {
	_, err := os.Stat(filepath.Join(filepath.Dir(path), SyntheticMarker))
	return err == nil
}
