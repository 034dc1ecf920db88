package scenarios

// DefaultGroups returns the instrument groups the library's scenarios
// address. Each call returns a fresh map the caller may change.
//
// A group member missing from a panel is skipped when the group is used;
// a symbol named explicitly in a shock must be in the panel.
func DefaultGroups() map[string][]string {
	return map[string][]string{
		"ai_tech":   {"MSFT", "NVDA", "META", "AMD", "ORCL", "GOOGL", "AMZN", "CRWV"},
		"semis":     {"NVDA", "AMD", "SOXX", "SMH", "^SOX"},
		"ai_tokens": {"TAO", "RENDER", "FET", "NEAR", "ICP", "GRT", "WLD", "AGIX", "OCEAN", "AR", "AKT"},
		"majors":    {"BTC", "ETH", "SOL", "XRP"},
		"miners":    {"MARA", "RIOT", "CLSK", "CORZ", "IREN", "HUT", "CIFR", "WULF", "BITF"},
		"indices":   {"QQQ", "SPY", "^NDX", "^SOX"},
		// Equities that move with BTC: a treasury company, an exchange.
		"crypto_equities": {"MSTR", "COIN"},
	}
}
