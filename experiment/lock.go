package experiment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/divergence-research/divergence/results"
)

// Results folders and their locks.
//
// A run writes <out>/.<slug>.tmp-XXXX and renames it to <out>/<slug>
// when complete (replaceDir moves an earlier <slug> aside to
// <out>/.<slug>.old-XXXX first). While it does, it holds an exclusive
// lock (flock) on <out>/.<slug>.lock, whose text names the holder (pid,
// start time, command). Readers of the folder (report, db, compare:
// [ReadLockDirUpTo]) hold the same lock shared, each adding its line to
// the text and taking it out when it lets go. So:
//
//   - a second run into the same folder fails at once naming the holder
//     ([LockedError]), or waits for it with Options.Wait; so does a run
//     into a folder being read, naming its readers, and a reader of a
//     folder being written, naming the run; readers never wait for
//     readers;
//   - a run waiting for readers (Options.Wait) holds <out>/.<slug>.lock-wait
//     exclusively, naming itself in it, until it has the lock: readers
//     coming in meanwhile are refused (or wait) as by a run writing the
//     folder, so that readers taking turns cannot keep it waiting
//     forever;
//   - a reader killed (kill -9) cannot take its line out: a line whose
//     process is gone (liveHolders) is dropped wherever readers are named
//     or their text rewritten;
//   - a .tmp- or .old- folder whose slug's lock nobody holds was left by
//     a run that died (kill -9, power loss): the next run into <out>
//     removes it (an .old- folder whose <slug> is missing is the previous
//     results, caught between the two renames: it is put back instead);
//   - lock files stay: deleting one while another process waits on it
//     would let two runs hold "the" lock at once.
//
// On systems without flock (lock_other.go) there is no lock and no
// cleanup of other runs' leftovers.

// LockedError is a results folder another run is writing.
type LockedError struct {
	Dir    string        // the results folder
	Holder string        // the lock file's text: pid, start time, command ("" when not yet written); readers' joined by "; "
	Waited time.Duration // how long the caller waited for it (0: not at all)
	Read   bool          // the holders are readers (report, db, compare), not a run writing it
}

func (e *LockedError) Error() string { return e.Says(e.Dir) + " or choose another --out" }

// Says is what a command says of the locked folder, written dir: who
// writes (or reads) it, and how long it was waited for ("dir is being
// written by pid 12 …: wait for it (--wait)", "dir is still being read by
// pid 12 … after a wait of 30s: wait longer (--wait)").
func (e *LockedError) Says(dir string) string {
	h, verb := e.Holder, "written"
	if e.Read {
		verb = "read"
	}
	if h == "" && e.Read {
		h = "another command (it has not yet written who it is)"
	} else if h == "" {
		h = "another run (it has not yet written who it is)"
	}
	if e.Waited > 0 {
		return fmt.Sprintf("%s is still being %s by %s after a wait of %v: wait longer (--wait)", dir, verb, h, e.Waited)
	}
	return fmt.Sprintf("%s is being %s by %s: wait for it (--wait)", dir, verb, h)
}

// Lock is a held lock on a results folder: a writer's (exclusive) or a
// reader's (shared, line its line in the lock file's text, out the
// folder the lock file is in).
type Lock struct {
	f      *os.File
	shared bool
	line   string
	out    string
}

// lockName is the lock file of slug's folder.
func lockName(slug string) string { return "." + slug + ".lock" }

// gateName is the file a run waiting for the readers of slug's folder
// holds locked (lockDir), naming itself in it: readers coming in wait
// behind it.
func gateName(slug string) string { return lockName(slug) + "-wait" }

// runWaiting reports the holder line of a run waiting for the readers of
// <out>/<slug> (its gate held), "" when none waits. The gate file is not
// made: a folder without one has no run waiting.
func runWaiting(out, slug string) string {
	h, _ := heldBy(filepath.Join(out, gateName(slug)), "another run (it has not yet written who it is)")
	return h
}

// heldBy reports whether another process holds the lock file at path
// exclusively (readers, who share it, do not count), and the holders its
// text names (nobody when it names none), without making the file: one
// that is missing or cannot be opened is held by nobody. A lock found
// free is released at once.
func heldBy(path, nobody string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close() // releases the flock when taken
	if ok, err := tryLock(f, true); err != nil || ok {
		return "", false
	}
	b, _ := os.ReadFile(path)
	h := strings.Join(holderLines(string(b)), "; ")
	if h == "" {
		h = nobody
	}
	return h, true
}

// takeGate takes, for a run about to wait for the folder's readers, the
// gate of <out>/<slug> (gateName), writing holder in it; nil when another
// run waiting holds it (or it cannot be made: the run waits without it).
func takeGate(out, slug, holder string) *os.File {
	g, err := os.OpenFile(filepath.Join(out, gateName(slug)), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil
	}
	if ok, err := tryLock(g, false); err != nil || !ok {
		g.Close()
		return nil
	}
	writeHolders(g, []string{holderText(holder)})
	return g
}

// holderText is holder as a lock file names it: one line, pid when "".
func holderText(holder string) string {
	if holder == "" {
		holder = fmt.Sprintf("pid %d", os.Getpid())
	}
	return strings.TrimSpace(strings.ReplaceAll(holder, "\n", " "))
}

// LockFile is the lock file of the results folder dir (<out>/<slug>):
// <out>/.<slug>.lock, made by the first run into it and left in place.
func LockFile(dir string) string {
	return filepath.Join(filepath.Dir(dir), lockName(filepath.Base(dir)))
}

// RealDir is the folder dir leads to, whose lock a run writing it holds:
// its absolute path with every symlink resolved (filepath.EvalSymlinks).
// A dir that does not exist (a first run's, or one a run is between its
// two renames) is its parent's real path and its name, the name followed
// when it is a link that leads nowhere now (ln -s out/sweep latest, the
// run replacing out/sweep). A reader given a link to a results folder
// takes the lock of the folder it leads to, beside that folder: beside
// the link, it took a lock nobody else takes.
func RealDir(dir string) (string, error) {
	return realDir(dir, 0)
}

// realDir is RealDir after depth links followed.
func realDir(dir string, depth int) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r, nil
	}
	if depth >= 255 {
		return "", fmt.Errorf("%s: too many levels of symbolic links", dir)
	}
	parent := filepath.Dir(abs)
	if parent == abs {
		return abs, nil
	}
	rp, err := realDir(parent, depth+1)
	if err != nil {
		return "", err
	}
	p := filepath.Join(rp, filepath.Base(abs))
	if to, err := os.Readlink(p); err == nil {
		if !filepath.IsAbs(to) {
			to = filepath.Join(rp, to)
		}
		return realDir(to, depth+1)
	}
	return p, nil
}

// LockDir takes the lock of the results folder <out>/<slug> (creating
// out and the lock file as needed), writing holder into the lock file.
// When another process holds it, LockDir returns a *LockedError when wait
// is nil; else it calls wait once with a line saying whom it waits for
// ("<out>/<slug> is locked: waiting for pid 12 (divergence db x) to
// finish") and polls until the lock is free or ctx is done.
func LockDir(ctx context.Context, out, slug, holder string, wait func(line string)) (*Lock, error) {
	return LockDirUpTo(ctx, out, slug, holder, wait, 0)
}

// LockDirUpTo is LockDir whose wait ends, when upTo > 0, after upTo: it
// then returns a *LockedError that says how long it waited.
func LockDirUpTo(ctx context.Context, out, slug, holder string, wait func(line string), upTo time.Duration) (*Lock, error) {
	return lockDir(ctx, out, slug, holder, wait, upTo, false)
}

// ReadLockDirUpTo is LockDirUpTo for a reader of the folder (report, db,
// compare): its lock is shared with other readers, so that only a writer
// (a run, a merge) excludes it and is excluded by it. holder is added to
// the lock file's text, one line a reader, and taken out by Release.
func ReadLockDirUpTo(ctx context.Context, out, slug, holder string, wait func(line string), upTo time.Duration) (*Lock, error) {
	return lockDir(ctx, out, slug, holder, wait, upTo, true)
}

// lockDir is LockDirUpTo, shared for a reader.
func lockDir(ctx context.Context, out, slug, holder string, wait func(line string), upTo time.Duration, shared bool) (*Lock, error) {
	if fi, err := os.Stat(out); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("output folder %s is a file, not a folder", out)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("output folder %s: %w", out, err)
	}
	path := filepath.Join(out, lockName(slug))
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("experiment: lock: %w", err)
	}
	waiting := false
	var waited time.Duration
	// gate: held by this run while it waits for readers (takeGate);
	// gated: the run waiting that keeps this reader out (runWaiting).
	var gate *os.File
	defer func() {
		if gate != nil {
			gate.Close() // had or given up: readers may come in again
		}
	}()
	for {
		gated := ""
		if shared {
			gated = runWaiting(out, slug)
		}
		ok, err := false, error(nil)
		if gated == "" {
			ok, err = tryLock(f, shared)
		}
		if gated == "" && err == nil && !ok {
			// The last reader out holds the lock exclusively while it
			// clears the text, under the text mutex (Release): once the
			// mutex is had, it has gone, however long it took.
			done := textMutex(out)
			ok, err = tryLock(f, shared)
			done()
		}
		// A holder writes its line as soon as it has the lock, and,
		// where the folder cannot be locked for the text mutex (some
		// network file systems), the last reader out holds it a moment
		// with no line unseen: while the text is empty, look again for a
		// short while before saying who holds it (a reader refused
		// beside readers only, "being written by another run"). A reader
		// looks again whatever the text says: by the time it reads it,
		// the last reader it met may have gone and another come in,
		// whose line is no writer's.
		for settle := 0; gated == "" && err == nil && !ok && settle < 50 && (shared || unnamed(path)); settle++ {
			time.Sleep(2 * time.Millisecond)
			ok, err = tryLock(f, shared)
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("experiment: lock %s: %w", path, err)
		}
		if ok {
			break
		}
		if wait == nil || upTo > 0 && waited >= upTo {
			if gated != "" {
				f.Close()
				return nil, &LockedError{Dir: filepath.Join(out, slug), Holder: gated + " (waiting to write it)", Waited: waited}
			}
			// Who holds it: a writer when a reader is refused; readers
			// when a writer is and a reader would not be.
			read := false
			if !shared {
				if read, _ = tryLock(f, true); read {
					unlock(f)
				}
			}
			b, _ := os.ReadFile(path)
			f.Close()
			lines := holderLines(string(b))
			if read {
				lines = liveHolders(lines)
			}
			return nil, &LockedError{Dir: filepath.Join(out, slug), Holder: strings.Join(lines, "; "), Waited: waited, Read: read}
		}
		if !shared && gate == nil {
			gate = takeGate(out, slug, holder)
		}
		if !waiting {
			b, _ := os.ReadFile(path)
			if gated != "" {
				b = []byte(gated)
			} else if !shared {
				// Readers, not a run, hold it: name the live ones.
				if read, _ := tryLock(f, true); read {
					unlock(f)
					b = []byte(strings.Join(liveHolders(holderLines(string(b))), "\n"))
				}
			}
			line := waitingLine(filepath.Join(out, slug), string(b))
			if upTo > 0 {
				line += fmt.Sprintf(" (up to %v)", upTo)
			}
			wait(line)
			waiting = true
		}
		d := 200 * time.Millisecond
		if upTo > 0 {
			d = min(d, upTo-waited)
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
		waited += d
	}
	holder = holderText(holder)
	if !shared {
		writeHolders(f, []string{holder})
		return &Lock{f: f}, nil
	}
	l := &Lock{f: f, shared: true, line: holder, out: out}
	done := textMutex(out)
	defer done()
	b, _ := io.ReadAll(io.NewSectionReader(f, 0, 1<<20))
	writeHolders(f, append(liveHolders(holderLines(string(b))), holder))
	return l, nil
}

// unnamed reports whether the lock file at path names no holder.
func unnamed(path string) bool {
	b, err := os.ReadFile(path)
	return err == nil && len(holderLines(string(b))) == 0
}

// holderLines are the lines of a lock file's text (text), one a holder:
// a writer's, or each reader's.
func holderLines(text string) []string {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// liveHolders is lines (holderLines) without those naming a process that
// is gone ("pid 12, started 2025-06-01T10:00:00Z, …" whose pid 12 has
// exited, or is now another process started after that time:
// processGone): a reader killed with kill -9 cannot take its line out.
// Lines naming no pid are kept.
func liveHolders(lines []string) []string {
	return slices.DeleteFunc(lines, func(l string) bool {
		pid, started, ok := holderPID(l)
		return ok && processGone(pid, started)
	})
}

// holderPID parses a holder line "pid 12[, started <RFC 3339>][, …]": its
// pid and start time (zero when it has none); false when it names no pid.
func holderPID(line string) (int, time.Time, bool) {
	parts := strings.Split(line, ", ")
	n, ok := strings.CutPrefix(parts[0], "pid ")
	if !ok {
		return 0, time.Time{}, false
	}
	pid, err := strconv.Atoi(n)
	if err != nil || pid <= 0 {
		return 0, time.Time{}, false
	}
	var started time.Time
	if len(parts) > 1 {
		if s, ok := strings.CutPrefix(parts[1], "started "); ok {
			started, _ = time.Parse(time.RFC3339, s)
		}
	}
	return pid, started, true
}

// writeHolders replaces the text of the lock file f by lines.
func writeHolders(f *os.File, lines []string) {
	text := ""
	for _, l := range lines {
		text += l + "\n"
	}
	if err := f.Truncate(0); err == nil && text != "" {
		f.WriteAt([]byte(text), 0)
	}
}

// waitingLine says that a process waits for the holders of dir's lock,
// whose lock file reads text, a line a holder ("pid 12, started
// 2025-06-01T10:00:00Z, divergence db x", as cmd/divergence writes it):
// "dir is locked: waiting for pid 12 (divergence db x) to finish", and
// "… for pid 12 (…) and pid 13 (…) to finish" for two readers.
func waitingLine(dir, text string) string {
	var whos []string
	for _, line := range holderLines(text) {
		who := line
		if pid, rest, ok := strings.Cut(line, ", "); ok && strings.HasPrefix(pid, "pid ") {
			parts := strings.Split(rest, ", ")
			if strings.HasPrefix(parts[0], "started ") {
				parts = parts[1:]
			}
			who = pid
			if len(parts) > 0 {
				who += " (" + strings.Join(parts, ", ") + ")"
			}
		}
		whos = append(whos, who)
	}
	if len(whos) == 0 {
		whos = []string{"another process (it has not yet written who it is)"}
	}
	return fmt.Sprintf("%s is locked: waiting for %s to finish", dir, strings.Join(whos, " and "))
}

// lockHolder reports whether another process writes the results folder
// <out>/<slug> (holds its lock exclusively: readers, who share it, do
// not count), and its holder's text (pid, start time, command) when one
// does (heldBy).
func lockHolder(out, slug string) (string, bool) {
	return heldBy(filepath.Join(out, lockName(slug)), "another process (it has not yet written who it is)")
}

// Release releases the lock (a nil or released Lock is a no-op). A
// writer clears the lock file's text; a reader takes its line out of it
// (while still holding the lock, so no writer is writing the text), and
// clears it all when it turns out to be the last reader (its lock
// converts to an exclusive one). The lines of readers killed meanwhile
// go with either (liveHolders).
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	if !l.shared {
		l.f.Truncate(0) // still held: nobody reads a stale holder
		l.f.Close()     // closing releases the flock
	} else {
		done := textMutex(l.out)
		b, _ := io.ReadAll(io.NewSectionReader(l.f, 0, 1<<20))
		lines := holderLines(string(b))
		if i := slices.Index(lines, l.line); i >= 0 {
			lines = slices.Delete(lines, i, i+1)
		}
		writeHolders(l.f, liveHolders(lines))
		// Converting may let go of the shared lock before it fails: the
		// text is not touched after that.
		if last, _ := tryLock(l.f, false); last {
			l.f.Truncate(0)
		}
		// The mutex is let go of after the lock (closing releases the
		// flock): a reader or a run refused meanwhile, which then takes
		// the mutex, finds the lock free (lockDir).
		l.f.Close()
		done()
	}
	l.f = nil
}

// leftover parses the name of a run's temporary folder, .<slug>.tmp-X or
// .<slug>.old-X, and returns its slug and kind ("tmp" or "old").
func leftover(name string) (slug, kind string, ok bool) {
	rest, ok := strings.CutPrefix(name, ".")
	if !ok {
		return "", "", false
	}
	for _, k := range []string{"tmp", "old"} {
		if i := strings.LastIndex(rest, "."+k+"-"); i > 0 {
			s := rest[:i]
			if results.Slug(s) == s {
				return s, k, true
			}
		}
	}
	return "", "", false
}

// cleanLeftovers removes, from out, the temporary folders of runs that
// are no longer running: those of slug (whose lock the caller holds) and
// those of any other slug whose lock is free. Each removal is reported
// through note. An .old- folder of a slug whose results folder is missing
// is renamed back instead.
func cleanLeftovers(out, slug string, note func(string)) error {
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	trash := []string{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".trash-") && e.IsDir() {
			trash = append(trash, filepath.Join(out, e.Name())) // a cleaner stopped midway
			continue
		}
		s, kind, ok := leftover(e.Name())
		if !ok || !e.IsDir() {
			continue
		}
		path := filepath.Join(out, e.Name())
		if s != slug {
			if !locking {
				continue // cannot tell whether its run is alive
			}
			// Another experiment's: take its lock for a moment, move the
			// folder to a trash name, and delete it after letting go, so
			// that a run starting now waits on its lock for a rename only.
			l, err := LockDir(context.Background(), out, s, fmt.Sprintf("pid %d, removing leftovers", os.Getpid()), nil)
			if err != nil {
				continue // held: its run is alive
			}
			t, moved := trashName(out, path, s, kind, note)
			l.Release()
			if moved {
				trash = append(trash, t)
			}
			continue
		}
		if t, moved := trashName(out, path, s, kind, note); moved {
			trash = append(trash, t)
		}
	}
	for _, t := range trash {
		if err := os.RemoveAll(t); err != nil {
			return fmt.Errorf("experiment: removing %s: %w", t, err)
		}
	}
	return nil
}

// trashName moves a dead run's folder out of the way (under the caller's
// lock of its slug): an .old- folder back to <slug> when that is missing,
// anything else to a .trash- name, returned for deletion.
func trashName(out, path, slug, kind string, note func(string)) (string, bool) {
	final := filepath.Join(out, slug)
	if kind == "old" {
		if _, err := os.Lstat(final); errors.Is(err, os.ErrNotExist) {
			if os.Rename(path, final) == nil {
				note(fmt.Sprintf("restored %s from %s, left by a run that stopped between moving it aside and replacing it", final, path))
			}
			return "", false
		}
		// A run stopped after replacing the results, before it moved the
		// user's entries of the old folder into the new one: move them
		// now, or keep the folder.
		if !keepUsers(path, final, note) {
			return "", false
		}
	}
	t, err := os.MkdirTemp(out, ".trash-")
	if err != nil {
		return "", false
	}
	os.Remove(t)
	size := dirSize(path)
	if err := os.Rename(path, t); err != nil {
		return "", false
	}
	note(fmt.Sprintf("removed %s (%s), left by a run that is no longer running", path, Bytes(size)))
	return t, true
}

// dirSize sums the sizes of the regular files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// checkReplace refuses to replace <out>/<slug> when it holds something
// other than an earlier result of the experiment called name: a folder
// that is not a results folder, or the results of another experiment
// whose name has the same slug ("A/B" and "a b" both write a-b).
func checkReplace(final, name string) error {
	info, err := os.Lstat(final)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s exists and is not a folder: not replacing it", final)
	}
	if err := results.Finished(final); err != nil {
		return fmt.Errorf("%s exists and is not an experiment's results (%v): not replacing it; move it or choose another --out", final, err)
	}
	prev := folderExperiment(final)
	if prev != "" && prev != name {
		return fmt.Errorf("%s holds the results of experiment %q; %q maps to the same folder name: rename one experiment or choose another --out", final, prev, name)
	}
	return nil
}

// folderExperiment reads the name of the experiment whose results are in
// dir, from its first run's metrics.json ("" when it cannot tell).
func folderExperiment(dir string) string {
	var m struct {
		Runs []string `json:"runs"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil || json.Unmarshal(b, &m) != nil || len(m.Runs) == 0 || strings.ContainsAny(m.Runs[0], `/\`) {
		return ""
	}
	var r struct {
		Experiment string `json:"experiment"`
	}
	b, err = os.ReadFile(filepath.Join(dir, "runs", m.Runs[0], "metrics.json"))
	if err != nil || json.Unmarshal(b, &r) != nil {
		return ""
	}
	return r.Experiment
}
