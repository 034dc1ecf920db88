//go:build race || msan || asan

package experiment

// sanitized: a race-detector or sanitizer build, whose runtime tracks
// each allocation's and each free's memory (the reservation's too).
const sanitized = true
