package duckdb

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkReadFileLayouts reads 200,000 hourly bars written in our layout,
// with yfinance's three header lines and as a header-less Binance kline
// file: the two public layouts are recognised on their first lines and
// read by the same DuckDB query, so they should cost what our layout does.
func BenchmarkReadFileLayouts(b *testing.B) {
	const n = 200_000
	dir := b.TempDir()
	var ours, yf, kl strings.Builder
	ours.WriteString("date,open,high,low,close,adj_close,volume\n")
	yf.WriteString("Price,Close,High,Low,Open,Volume\nTicker,X,X,X,X,X\nDate,,,,,\n")
	t0 := int64(1704067200) // 2024-01-01 in Unix seconds; then an hour a bar
	for k := range n {
		day := t0 + int64(k)*3600
		c := 100 + float64(k%97)/8
		date := fmt.Sprintf("%d", day) // Unix seconds: the same time parsing for all three
		fmt.Fprintf(&ours, "%s,%g,%g,%g,%g,%g,%d\n", date, c-0.5, c+1, c-1, c, c, 1000+k)
		fmt.Fprintf(&yf, "%s,%g,%g,%g,%g,%d\n", date, c, c+1, c-1, c-0.5, 1000+k)
		fmt.Fprintf(&kl, "%d,%g,%g,%g,%g,%d,%d,1,1,1,1,0\n", day*1000, c-0.5, c+1, c-1, c, 1000+k, day*1000+3599999)
	}
	files := []struct{ name, body string }{{"ours", ours.String()}, {"yfinance", yf.String()}, {"kline", kl.String()}}
	for _, f := range files {
		p := writeFile(b, dir, f.name+"-USD.csv", f.body)
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				s, err := ReadFile(context.Background(), p, ReadOptions{})
				if err != nil || s.Len() != n {
					b.Fatal(err, s.Len())
				}
			}
		})
	}
}
