package data

import "testing"

func TestQuoteCurrency(t *testing.T) {
	for sym, want := range map[string]string{
		"9984.T": "JPY", "0700.HK": "HKD", "BARC.L": "GBP", "SAP.DE": "EUR", "SHOP.TO": "CAD",
		"BTC-EUR": "EUR", "ETH/BTC": "BTC", "SOL_ETH": "ETH",
		"NVDA": "USD", "^NDX": "USD", "BRK.B": "USD", "TAO": "USD", "BTC-USD": "USD", "TAO-USDT": "USD", "ETH/USDC": "USD",
	} {
		if got := QuoteCurrency(sym); got != want {
			t.Errorf("QuoteCurrency(%q) = %q, want %q", sym, got, want)
		}
	}
}
