package metrics

import (
	"encoding/json"
	"math"
)

// Summary is the headline set of metrics written with every run. Rates
// are decimals (0.12 = 12 %); annualised figures use PeriodsPerYear.
//
// Any float field may be NaN (too few observations, zero volatility) or
// ±Inf (a ratio with a zero denominator, e.g. Calmar without drawdown).
// JSON has neither: MarshalJSON writes NaN as null and ±Inf as the
// strings "Infinity" and "-Infinity" ([JSONFloat]); UnmarshalJSON reads
// them back.
type Summary struct {
	// Periods is the number of non-missing returns.
	Periods int `json:"periods"`
	// PeriodsPerYear is the annualisation factor given to Summarize.
	PeriodsPerYear float64 `json:"periods_per_year"`

	TotalReturn      float64 `json:"total_return"`      // TotalReturn
	CAGR             float64 `json:"cagr"`              // CAGR
	AnnualVolatility float64 `json:"annual_volatility"` // AnnualVolatility (ddof 1)
	Sharpe           float64 `json:"sharpe"`            // Sharpe, rf = 0
	Sortino          float64 `json:"sortino"`           // Sortino, mar = 0
	MaxDrawdown      float64 `json:"max_drawdown"`      // MaxDrawdown (≤ 0)
	// MaxDrawdownDuration is the longest time under water in periods
	// (MaxDrawdownDuration).
	MaxDrawdownDuration int     `json:"max_drawdown_duration"`
	Calmar              float64 `json:"calmar"`       // Calmar
	VaR95               float64 `json:"var_95"`       // VaR at alpha 0.05 (historical; a return, negative for a loss)
	CVaR95              float64 `json:"cvar_95"`      // CVaR at alpha 0.05 (historical, k smallest)
	Skewness            float64 `json:"skewness"`     // Skewness (population)
	Kurtosis            float64 `json:"kurtosis"`     // Kurtosis (population, excess)
	HitRate             float64 `json:"hit_rate"`     // HitRate
	BestPeriod          float64 `json:"best_period"`  // largest return
	WorstPeriod         float64 `json:"worst_period"` // smallest return

	// Benchmark holds the relative metrics; nil (omitted) without a
	// benchmark.
	Benchmark *BenchmarkSummary `json:"benchmark,omitempty"`
}

// BenchmarkSummary is the part of a Summary relative to a benchmark, over
// the rows where both series are present.
type BenchmarkSummary struct {
	Beta             float64 `json:"beta"`              // Beta
	Alpha            float64 `json:"alpha"`             // Alpha (annualised, compounded)
	Correlation      float64 `json:"correlation"`       // Correlation
	TrackingError    float64 `json:"tracking_error"`    // TrackingError
	InformationRatio float64 `json:"information_ratio"` // InformationRatio
	UpCapture        float64 `json:"up_capture"`        // annualised up capture (Capture, CaptureAnnualized: the empyrical/Morningstar convention)
	DownCapture      float64 `json:"down_capture"`      // annualised down capture (as UpCapture)
}

// Summarize computes the Summary of a return series with ppy periods per
// year; benchmark may be nil, otherwise it must have len(returns) rows
// (row i of both for the same period). rf and mar are 0. It allocates one
// copy of the returns (for VaR/CVaR, by selection, O(n) expected) and
// otherwise makes a few passes over the data.
func Summarize(returns []float64, ppy float64, benchmark []float64) Summary {
	checkPPY(ppy)
	s := validCopy(returns)
	mo := momentsOf(returns, 0)
	skew, kurt := skewKurt(centralFrom(returns, mo))
	sum := Summary{
		Periods:             len(s),
		PeriodsPerYear:      ppy,
		TotalReturn:         TotalReturn(returns),
		CAGR:                CAGR(returns, ppy),
		AnnualVolatility:    mo.sd(1) * math.Sqrt(ppy),
		Sharpe:              sharpeOf(mo, ppy),
		Sortino:             Sortino(returns, 0, ppy),
		MaxDrawdown:         MaxDrawdown(returns),
		MaxDrawdownDuration: MaxDrawdownDuration(returns),
		Skewness:            skew,
		Kurtosis:            kurt,
		HitRate:             HitRate(returns),
		BestPeriod:          nan(),
		WorstPeriod:         nan(),
	}
	sum.Calmar = sum.CAGR / math.Abs(sum.MaxDrawdown)
	if len(s) > 0 {
		sum.WorstPeriod, sum.BestPeriod = s[0], s[0]
		for _, v := range s[1:] {
			if v < sum.WorstPeriod {
				sum.WorstPeriod = v
			}
			if v > sum.BestPeriod {
				sum.BestPeriod = v
			}
		}
	}
	sum.VaR95, sum.CVaR95 = varCVaR(s, 0.05)
	if benchmark != nil {
		checkLen(returns, benchmark)
		g := regress(returns, benchmark, allRows)
		act := momentsDiff(returns, benchmark, 0)
		bs := &BenchmarkSummary{
			Beta:             g.beta(),
			Alpha:            annualiseAlpha(g.alpha(), ppy),
			Correlation:      g.correlation(),
			TrackingError:    act.sd(1) * math.Sqrt(ppy),
			InformationRatio: activeRatio(act, ppy),
			UpCapture:        Capture{Method: CaptureAnnualized, PeriodsPerYear: ppy}.Up(returns, benchmark),
			DownCapture:      Capture{Method: CaptureAnnualized, PeriodsPerYear: ppy}.Down(returns, benchmark),
		}
		sum.Benchmark = bs
	}
	return sum
}

// JSONFloat is a float64 as the results' JSON writes it: JSON has no NaN
// and no infinity, so NaN (undefined: too few observations, a zero
// denominator) is null and +Inf and −Inf (a ratio over a zero risk) are
// the strings "Infinity" and "-Infinity" (Python's json module reads them
// as strings, float() of which is ±inf; docs/python.md). UnmarshalJSON
// reads back all three, and numbers.
type JSONFloat float64

// MarshalJSON writes null, "Infinity", "-Infinity" or the number.
func (f JSONFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte("null"), nil
	case math.IsInf(v, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Infinity"`), nil
	}
	return json.Marshal(v)
}

// UnmarshalJSON reads what MarshalJSON writes; "NaN" reads as NaN too.
func (f *JSONFloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null", `"NaN"`:
		*f = JSONFloat(math.NaN())
		return nil
	case `"Infinity"`:
		*f = JSONFloat(math.Inf(1))
		return nil
	case `"-Infinity"`:
		*f = JSONFloat(math.Inf(-1))
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = JSONFloat(v)
	return nil
}

// summaryJSON mirrors Summary field for field with null-safe floats.
type summaryJSON struct {
	Periods             int                   `json:"periods"`
	PeriodsPerYear      JSONFloat             `json:"periods_per_year"`
	TotalReturn         JSONFloat             `json:"total_return"`
	CAGR                JSONFloat             `json:"cagr"`
	AnnualVolatility    JSONFloat             `json:"annual_volatility"`
	Sharpe              JSONFloat             `json:"sharpe"`
	Sortino             JSONFloat             `json:"sortino"`
	MaxDrawdown         JSONFloat             `json:"max_drawdown"`
	MaxDrawdownDuration int                   `json:"max_drawdown_duration"`
	Calmar              JSONFloat             `json:"calmar"`
	VaR95               JSONFloat             `json:"var_95"`
	CVaR95              JSONFloat             `json:"cvar_95"`
	Skewness            JSONFloat             `json:"skewness"`
	Kurtosis            JSONFloat             `json:"kurtosis"`
	HitRate             JSONFloat             `json:"hit_rate"`
	BestPeriod          JSONFloat             `json:"best_period"`
	WorstPeriod         JSONFloat             `json:"worst_period"`
	Benchmark           *benchmarkSummaryJSON `json:"benchmark,omitempty"`
}

type benchmarkSummaryJSON struct {
	Beta             JSONFloat `json:"beta"`
	Alpha            JSONFloat `json:"alpha"`
	Correlation      JSONFloat `json:"correlation"`
	TrackingError    JSONFloat `json:"tracking_error"`
	InformationRatio JSONFloat `json:"information_ratio"`
	UpCapture        JSONFloat `json:"up_capture"`
	DownCapture      JSONFloat `json:"down_capture"`
}

// MarshalJSON encodes the summary with snake_case keys in field order;
// NaN becomes null, ±Inf "Infinity" and "-Infinity".
func (s Summary) MarshalJSON() ([]byte, error) {
	j := summaryJSON{
		Periods:             s.Periods,
		PeriodsPerYear:      JSONFloat(s.PeriodsPerYear),
		TotalReturn:         JSONFloat(s.TotalReturn),
		CAGR:                JSONFloat(s.CAGR),
		AnnualVolatility:    JSONFloat(s.AnnualVolatility),
		Sharpe:              JSONFloat(s.Sharpe),
		Sortino:             JSONFloat(s.Sortino),
		MaxDrawdown:         JSONFloat(s.MaxDrawdown),
		MaxDrawdownDuration: s.MaxDrawdownDuration,
		Calmar:              JSONFloat(s.Calmar),
		VaR95:               JSONFloat(s.VaR95),
		CVaR95:              JSONFloat(s.CVaR95),
		Skewness:            JSONFloat(s.Skewness),
		Kurtosis:            JSONFloat(s.Kurtosis),
		HitRate:             JSONFloat(s.HitRate),
		BestPeriod:          JSONFloat(s.BestPeriod),
		WorstPeriod:         JSONFloat(s.WorstPeriod),
	}
	if b := s.Benchmark; b != nil {
		j.Benchmark = &benchmarkSummaryJSON{
			Beta:             JSONFloat(b.Beta),
			Alpha:            JSONFloat(b.Alpha),
			Correlation:      JSONFloat(b.Correlation),
			TrackingError:    JSONFloat(b.TrackingError),
			InformationRatio: JSONFloat(b.InformationRatio),
			UpCapture:        JSONFloat(b.UpCapture),
			DownCapture:      JSONFloat(b.DownCapture),
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes what MarshalJSON writes; null becomes NaN (an
// infinity written as null also comes back as NaN).
func (s *Summary) UnmarshalJSON(data []byte) error {
	var j summaryJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*s = Summary{
		Periods:             j.Periods,
		PeriodsPerYear:      float64(j.PeriodsPerYear),
		TotalReturn:         float64(j.TotalReturn),
		CAGR:                float64(j.CAGR),
		AnnualVolatility:    float64(j.AnnualVolatility),
		Sharpe:              float64(j.Sharpe),
		Sortino:             float64(j.Sortino),
		MaxDrawdown:         float64(j.MaxDrawdown),
		MaxDrawdownDuration: j.MaxDrawdownDuration,
		Calmar:              float64(j.Calmar),
		VaR95:               float64(j.VaR95),
		CVaR95:              float64(j.CVaR95),
		Skewness:            float64(j.Skewness),
		Kurtosis:            float64(j.Kurtosis),
		HitRate:             float64(j.HitRate),
		BestPeriod:          float64(j.BestPeriod),
		WorstPeriod:         float64(j.WorstPeriod),
	}
	if b := j.Benchmark; b != nil {
		s.Benchmark = &BenchmarkSummary{
			Beta:             float64(b.Beta),
			Alpha:            float64(b.Alpha),
			Correlation:      float64(b.Correlation),
			TrackingError:    float64(b.TrackingError),
			InformationRatio: float64(b.InformationRatio),
			UpCapture:        float64(b.UpCapture),
			DownCapture:      float64(b.DownCapture),
		}
	}
	return nil
}
