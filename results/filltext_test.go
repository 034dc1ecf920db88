package results

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/divergence-research/divergence/engine"
)

// FillText gives, by column, the distinct values a fills file holds,
// sorted: here by hand, and checked against the file WriteFillsParquet
// writes, read back. An empty tag is a value; no fills give no column.
func TestFillText(t *testing.T) {
	fills := []engine.Fill{
		{Time: 1, Symbol: "NVDA", Qty: 2, Price: 10, Kind: engine.Market, Tag: "rebalance"},
		{Time: 1, Symbol: "BTC", Qty: -1, Price: 5, Kind: engine.Market, Tag: "rebalance"},
		{Time: 2, Symbol: "NVDA", Qty: -2, Price: 11, Kind: engine.MarketOnClose},
		{Time: 3, Symbol: "AMD", Qty: 1, Price: 7, Kind: engine.Liquidation, Tag: "liquidation"},
		{Time: 4, Symbol: "NVDA", Qty: 1, Price: 12, Kind: engine.Market, Tag: "rebalance"},
	}
	want := map[string][]string{
		"symbol": {"AMD", "BTC", "NVDA"},
		"side":   {"buy", "sell"},
		"kind":   {engine.Liquidation.String(), engine.Market.String(), engine.MarketOnClose.String()},
		"tag":    {"", "liquidation", "rebalance"},
	}
	slices.Sort(want["kind"])
	got := FillText(fills)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("FillText = %v, want %v", got, want)
	}
	// The same fills with their instruments' indices (as the engine sets
	// them; above, every fill is instrument 0 under three symbols).
	indexed := slices.Clone(fills)
	for i, inst := range []int{2, 0, 2, 1, 2} {
		indexed[i].Instrument = inst
	}
	if got := FillText(indexed); !reflect.DeepEqual(got, want) {
		t.Fatalf("FillText by instrument = %v, want %v", got, want)
	}
	// The file's own columns, read back.
	var buf bytes.Buffer
	if err := WriteFillsParquet(&buf, fills); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "fills.parquet")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tab, err := ReadTableParquet(path, "symbol", "side", "kind", "tag")
	if err != nil {
		t.Fatal(err)
	}
	for name, vs := range want {
		file := slices.Clone(tab.Column(name).Strings)
		slices.Sort(file)
		if file = slices.Compact(file); !slices.Equal(file, vs) {
			t.Errorf("%s: the file holds %q, FillText gives %q", name, file, vs)
		}
	}
	// A quantity of 0, −0 or NaN is written as a buy (results.Side).
	for _, q := range []float64{0, math.Copysign(0, -1), math.NaN()} {
		one := []engine.Fill{{Symbol: "X", Qty: q, Price: 1, Kind: engine.Market}}
		if got := FillText(one)["side"]; !slices.Equal(got, []string{Side(&one[0])}) || got[0] != "buy" {
			t.Errorf("quantity %v: side %q", q, got)
		}
	}
	if got := FillText(nil); len(got) != 0 {
		t.Errorf("FillText(nil) = %v", got)
	}

	// The union of runs: sorted, each value once; nil parts skipped.
	merged := MergeFillText([]map[string][]string{
		{"symbol": {"NVDA", "TAO"}, "side": {"buy"}},
		nil,
		{"symbol": {"AMD", "NVDA"}, "side": {"sell"}, "tag": {""}},
		{},
	})
	wantMerged := map[string][]string{"symbol": {"AMD", "NVDA", "TAO"}, "side": {"buy", "sell"}, "tag": {""}}
	if !reflect.DeepEqual(merged, wantMerged) {
		t.Errorf("MergeFillText = %v, want %v", merged, wantMerged)
	}
}
