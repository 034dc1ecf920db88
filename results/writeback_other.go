//go:build !linux

package results

import "os"

// startWriteback is a no-op where sync_file_range does not exist: the
// experiment's one sync before its rename writes everything.
func startWriteback(*os.File) {}
