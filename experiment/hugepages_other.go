//go:build !(linux && (amd64 || arm64 || ppc64le || s390x || riscv64 || loong64))

package experiment

// HugePages does nothing here: transparent huge pages on request are
// Linux's, and the reservation needs a 64-bit address space.
func HugePages() (bool, string) { return false, "not Linux on a 64-bit machine" }
