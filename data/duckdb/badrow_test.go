package duckdb

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// The 125 real second-source files: 122 read as they are; 3 are refused
// whole for one OHLC-inconsistent row each (alt/SOURCES.md lists them),
// and read with on_bad_row = skip or clip, listing exactly that row.
func TestRealAltFilesBadRowPolicy(t *testing.T) {
	root := filepath.Join(filepath.Dir(dataDir(t)), "alt")
	var files []string
	filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && p != filepath.Join(root, "SOURCES.md") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	if len(files) != 125 {
		t.Skipf("%s has %d files, want the 125 this test knows", root, len(files))
	}
	// The rows alt/SOURCES.md names, with the values on their lines:
	//   MARA.csv:1350 2024-05-10,19.78,19.77,17.10,17.16  open above high
	//   IREN.csv:604  2024-04-15,4.280,4.728,4.310,4.330  open below low
	//   CIFR.csv:856  2024-05-02,4.100,3.990,3.710,3.930  open above high
	bad := map[string]struct{ day, problem, clipped string }{
		"alt_investingcom_b0r0koko/MARA.csv": {"2024-05-10", "open 19.78 outside [low 17.1, high 19.77]", "high raised to 19.78"},
		"alt_investingcom_b0r0koko/IREN.csv": {"2024-04-15", "open 4.28 outside [low 4.31, high 4.728]", "low lowered to 4.28"},
		"alt_investingcom_b0r0koko/CIFR.csv": {"2024-05-02", "open 4.1 outside [low 3.71, high 3.99]", "high raised to 4.1"},
	}
	ctx := context.Background()
	r := &fileReader{}
	defer r.close()
	ok := 0
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		s, err := r.read(ctx, f, ReadOptions{})
		want, isBad := bad[rel]
		if !isBad {
			if err != nil {
				t.Errorf("%s: %v", rel, err)
			} else {
				ok++
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want.day+" "+want.problem) {
			t.Errorf("%s: %v, want it refused for %s %s", rel, err, want.day, want.problem)
			continue
		}
		for _, p := range []data.BadRowPolicy{data.BadRowSkip, data.BadRowClip} {
			s2, err := r.read(ctx, f, ReadOptions{OnBadRow: p})
			if err != nil {
				t.Errorf("%s with %s: %v", rel, p, err)
				continue
			}
			if len(s2.Repairs) != 1 {
				t.Errorf("%s with %s: %d repairs, want 1: %v", rel, p, len(s2.Repairs), s2.Repairs)
				continue
			}
			rep := s2.Repairs[0]
			if data.FormatDay(rep.Time) != want.day || rep.File != f || !strings.Contains(rep.String(), want.problem) {
				t.Errorf("%s with %s: repair %s", rel, p, rep)
			}
			// The repair names the file's own line: the line holds that date.
			b, _ := os.ReadFile(f)
			lines := strings.Split(string(b), "\n")
			if rep.Row < 1 || rep.Row > len(lines) || !strings.HasPrefix(lines[rep.Row-1], want.day) {
				t.Errorf("%s: repair row %d is not the line of %s", rel, rep.Row, want.day)
			}
			// The bars as read, neither checked nor repaired.
			full, err := r.decode(ctx, f, ReadOptions{OnBadRow: p})
			if err != nil {
				t.Fatal(err)
			}
			switch p {
			case data.BadRowSkip:
				if s2.Len() != full.Len()-1 || !strings.Contains(rep.Action, "skipped") {
					t.Errorf("%s skip: %d bars of %d, action %q", rel, s2.Len(), full.Len(), rep.Action)
				}
			case data.BadRowClip:
				if s2.Len() != full.Len() || !strings.Contains(rep.Action, want.clipped) {
					t.Errorf("%s clip: %d bars of %d, action %q", rel, s2.Len(), full.Len(), rep.Action)
				}
				// Only high or low changed, and only on that row.
				for k := range s2.Time {
					if s2.Open[k] != full.Open[k] || s2.Close[k] != full.Close[k] ||
						(data.FormatDay(s2.Time[k]) != want.day && (s2.High[k] != full.High[k] || s2.Low[k] != full.Low[k])) {
						t.Errorf("%s clip: bar %d changed", rel, k)
						break
					}
				}
			}
		}
		_ = s
	}
	if ok != 122 {
		t.Errorf("%d files read as they are, want 122", ok)
	}
}

// The catalog keeps what an import skipped or repaired, and Load returns
// it with the bars.
func TestCatalogImportRepairs(t *testing.T) {
	dir := t.TempDir()
	// Line 3: open 12 above high 11.5 (clip raises high to 12); line 4:
	// high 10 below low 10.5 (clip: high 10.8 = close, low 10).
	body := "date,open,high,low,close,volume\n" +
		"2024-01-02,10,11,9,10.5,100\n" +
		"2024-01-03,12,11.5,10,11,100\n" +
		"2024-01-04,10.2,10,10.5,10.8,100\n" +
		"2024-01-05,10.8,11,10.5,10.9,100\n"
	path := writeFile(t, dir, "NVDA.csv", body)
	ctx := context.Background()
	cat, err := OpenCatalog(filepath.Join(dir, "c.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	if _, err := cat.Import(ctx, []string{path}, ImportOptions{}); err == nil || !strings.Contains(err.Error(), "NVDA.csv:3: 2024-01-03 open 12 outside [low 10, high 11.5]") {
		t.Fatalf("fail: %v", err)
	}
	res, err := cat.ImportReport(ctx, []string{path}, ImportOptions{OnBadRow: data.BadRowClip})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		path + ":3: 2024-01-03 open 12 outside [low 10, high 11.5]: high raised to 12 (on_bad_row = clip)",
		path + ":4: 2024-01-04 high 10 < low 10.5: high raised to 10.8, low lowered to 10 (on_bad_row = clip)",
	}
	check := func(what string, got []data.Repair) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %v", what, got)
		}
		for i := range want {
			if got[i].String() != want[i] {
				t.Errorf("%s %d: %s, want %s", what, i, got[i], want[i])
			}
		}
	}
	check("Imported.Repairs", res.Repairs)
	p, err := cat.Load(ctx, []string{"NVDA"})
	if err != nil {
		t.Fatal(err)
	}
	check("Load", p.Series[0].Repairs)
	if s := p.Series[0]; s.High[1] != 12 || s.High[2] != 10.8 || s.Low[2] != 10 || s.Open[2] != 10.2 {
		t.Errorf("stored bars: high %v low %v", s.High, s.Low)
	}
	all, err := cat.Repairs(ctx)
	if err != nil || len(all["NVDA"]) != 2 {
		t.Errorf("Repairs: %v, %v", all, err)
	}
	// Skip: two bars fewer, and the repairs replaced.
	res, err = cat.ImportReport(ctx, []string{path}, ImportOptions{OnBadRow: data.BadRowSkip})
	if err != nil || res.Entries[0].Rows != 2 || len(res.Repairs) != 2 || !strings.Contains(res.Repairs[1].Action, "skipped") {
		t.Fatalf("skip: %+v, %v", res, err)
	}
	// A clean import clears them.
	clean := writeFile(t, dir, "nvda2.csv", strings.Replace(strings.Replace(body, "12,11.5", "11,11.5", 1), "10.2,10,", "10.6,11,", 1))
	if _, err := cat.Import(ctx, []string{clean}, ImportOptions{Symbol: "NVDA"}); err != nil {
		t.Fatal(err)
	}
	if all, _ := cat.Repairs(ctx); len(all) != 0 {
		t.Errorf("repairs left after a clean import: %v", all)
	}
}
