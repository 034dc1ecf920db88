//go:build !race && !msan && !asan && !valgrind

package experiment

// sanitized: a race-detector, sanitizer or valgrind build, whose runtime tracks
// each allocation's and each free's memory (the reservation's too).
const sanitized = false
