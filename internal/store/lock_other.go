//go:build !unix

package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// fileLock is a lock file created exclusively, for systems without flock.
// Unlike flock it survives a crash: a stale file names its pid, and the
// error says to remove it when no such process runs.
type fileLock struct {
	path string
	f    *os.File
}

func lockFile(path, holder string) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		h := readHolder(path)
		if pidOf(h) != 0 {
			h += fmt.Sprintf("; if no process %d runs, remove the lock file", pidOf(h))
		}
		return nil, &LockedError{Path: path, Holder: h}
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if _, err := f.WriteString(holder + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("write lock %s: %w", path, err)
	}
	return &fileLock{path: path, f: f}, nil
}

func (l *fileLock) unlock() error {
	err := l.f.Close()
	if rerr := os.Remove(l.path); err == nil {
		err = rerr
	}
	return err
}

// pidOf returns the pid a holder description starts with, or 0.
func pidOf(holder string) int {
	rest, ok := strings.CutPrefix(holder, "pid ")
	if !ok {
		return 0
	}
	n, _, _ := strings.Cut(rest, ",")
	pid, _ := strconv.Atoi(n)
	return pid
}
