package data

import "strings"

// Exchange is the exchange an equity's daily bars come from, read from
// its symbol's suffix as Yahoo writes it (9984.T: Tokyo, 0700.HK: Hong
// Kong, VOD.L: London); New York for a symbol without a suffix it knows.
// It says when the equity's daily bar closes: a run that decides on a
// New York close (21:00 UTC) must not fill at a Tokyo close of the same
// date, fifteen hours earlier.
type Exchange uint8

// The exchanges whose closes are known.
const (
	NewYork Exchange = iota
	Tokyo
	HongKong
	China // Shanghai (.SS) and Shenzhen (.SZ)
	Korea
	Taiwan
	India
	Australia
	London
	Europe // Xetra, Euronext, Milan, Madrid, SIX: 17:30 CET
	// Futures (Yahoo's ES=F, GC=F, CL=F): CME Globex's day ends at
	// 17:00 New York time, 22:00 UTC in winter, an hour after New
	// York's stock close.
	Futures
	// Currency (Yahoo's EURUSD=X): a day of London time, ending at
	// midnight UTC in winter (23:00 in summer).
	Currency
)

// ExchangeOf is the exchange of an equity's symbol, by its suffix.
func ExchangeOf(symbol string) Exchange {
	switch {
	case strings.HasSuffix(symbol, "=F"):
		return Futures
	case strings.HasSuffix(symbol, "=X"):
		return Currency
	}
	i := strings.LastIndexByte(symbol, '.')
	if i < 0 {
		return NewYork
	}
	switch symbol[i+1:] {
	case "T":
		return Tokyo
	case "HK":
		return HongKong
	case "SS", "SZ":
		return China
	case "KS", "KQ":
		return Korea
	case "TW", "TWO":
		return Taiwan
	case "NS", "BO":
		return India
	case "AX":
		return Australia
	case "L":
		return London
	case "DE", "PA", "AS", "BR", "MI", "MC", "SW", "VI", "LS":
		// Not .F: Börse Frankfurt trades until 22:00 CET, and its
		// Yahoo close is that late price (New York's 21:00 UTC bound
		// covers it).
		return Europe
	}
	return NewYork
}

// tokyoLonger is 2024-11-05, from which the Tokyo Stock Exchange closes
// at 15:30 (15:00 before).
const tokyoLonger = 20032 * NanosPerDay

// Close is when the exchange's daily bar of day (any instant of its UTC
// date) closes, in UTC Unix nanoseconds: the latest its close falls in
// UTC through the year (standard or summer time, with the closing
// auction), so never before the true close. New York 21:00 (16:00 EST;
// 20:00 in summer), Tokyo 06:00 (15:00 JST; 06:30 from 2024-11-05),
// Hong Kong 08:10, China 07:00, Korea 06:30, Taiwan 05:30, India 10:00,
// Australia 06:15, London 16:35, Europe 16:35 (Xetra's and Euronext's
// 17:30 CET; Frankfurt's floor, .F, trades until 22:00 and counts as New
// York), futures (=F) 22:00, currencies (=X) 24:00 (the next day's
// 00:00, as a token's daily bar).
func (e Exchange) Close(day int64) int64 {
	d := DayNumber(day) * NanosPerDay
	hm := func(h, m int64) int64 { return d + (h*60+m)*60e9 }
	switch e {
	case Tokyo:
		if d >= tokyoLonger {
			return hm(6, 30)
		}
		return hm(6, 0)
	case HongKong:
		return hm(8, 10)
	case China:
		return hm(7, 0)
	case Korea:
		return hm(6, 30)
	case Taiwan:
		return hm(5, 30)
	case India:
		return hm(10, 0)
	case Australia:
		return hm(6, 15) // the closing auction ends by 16:12 AEST
	case London, Europe:
		return hm(16, 35)
	case Futures:
		return hm(22, 0)
	case Currency:
		return hm(24, 0)
	}
	return hm(21, 0)
}
