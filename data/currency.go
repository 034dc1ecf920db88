package data

import "strings"

// exchangeCurrencies are the currencies of the exchanges whose symbols
// carry a suffix (Yahoo's: 9984.T is SoftBank in Tokyo, in yen).
var exchangeCurrencies = map[string]string{
	"T": "JPY", "HK": "HKD", "L": "GBP", "PA": "EUR", "DE": "EUR", "F": "EUR", "AS": "EUR",
	"MI": "EUR", "MC": "EUR", "BR": "EUR", "TO": "CAD", "V": "CAD", "AX": "AUD", "KS": "KRW",
	"KQ": "KRW", "SS": "CNY", "SZ": "CNY", "SW": "CHF", "NS": "INR", "BO": "INR", "TW": "TWD",
	"SA": "BRL", "ST": "SEK", "OL": "NOK", "CO": "DKK",
}

// QuoteCurrency is the currency an instrument's prices are quoted in, as
// its symbol tells: an exchange suffix (9984.T in JPY, BARC.L in GBP), or
// a crypto pair's quote other than the dollar and its stablecoins
// (BTC-EUR in EUR, ETH/BTC in BTC); "USD" otherwise, the account's
// currency, which the engine assumes for every price (it converts none).
func QuoteCurrency(symbol string) string {
	s := strings.ToUpper(strings.TrimSpace(symbol))
	if i := strings.LastIndexByte(s, '.'); i > 0 {
		if c, ok := exchangeCurrencies[s[i+1:]]; ok {
			return c
		}
	}
	for _, sep := range []string{"-", "_", "/"} {
		if i := strings.LastIndex(s, sep); i > 0 {
			q := s[i+1:]
			switch q {
			case "EUR", "GBP", "BTC", "ETH", "BNB":
				return q
			}
		}
	}
	return "USD"
}
