//go:build !unix

package main

// freeDisk is unknown here: no disk limit by default.
func freeDisk(out string) int64 { return 0 }
