//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// fileLock is an exclusive advisory lock (flock) on a file. The kernel
// releases it when the process exits, however it exits, so a crash never
// leaves a stale lock behind.
type fileLock struct{ f *os.File }

// lockFile takes the exclusive lock on path without waiting, recording
// holder in it.
func lockFile(path, holder string) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, &LockedError{Path: path, Holder: readHolder(path)}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err != nil {
		f.Close()
		return nil, fmt.Errorf("write lock %s: %w", path, err)
	}
	if _, err := f.WriteAt([]byte(holder+"\n"), 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("write lock %s: %w", path, err)
	}
	return &fileLock{f: f}, nil
}

// unlock empties the file (a reader then sees no holder) and releases the
// lock. The file stays: removing it would let a third process lock a new
// file while a second still waits on the old one.
func (l *fileLock) unlock() error {
	_ = l.f.Truncate(0)
	return l.f.Close()
}
