package charts

// MonthlyMatrix is monthlyMatrix, for the package's external tests.
func MonthlyMatrix(s Series) (Matrix, error) { return monthlyMatrix(s) }
