//go:build !(linux && (amd64 || arm64 || ppc64le || s390x || riscv64 || loong64))

package experiment

// HugePages asks nothing here: transparent huge pages on request are
// Linux's, and the reservation needs a 64-bit address space.
func HugePages(godebug string) (bool, string, error) {
	return false, "huge pages are asked for on 64-bit Linux only", nil
}
