package store

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// LockedError means another process holds the store's exclusive lock: a
// second `gazette serve` (or a re-embedding run) on the same data
// directory.
type LockedError struct {
	// Path is the lock file.
	Path string
	// Holder describes the process holding the lock, as it recorded itself
	// ("pid 4242, gazette serve, since 2026-01-02T15:04:05Z"); empty when it
	// could not be read.
	Holder string
}

func (e *LockedError) Error() string {
	holder := e.Holder
	if holder == "" {
		holder = "it did not say which"
	}
	return fmt.Sprintf("the store is in use by another process (%s; lock %s): stop it first, or give this one its own data directory", holder, e.Path)
}

// ErrLocked matches every [*LockedError] with errors.Is.
var ErrLocked = errors.New("store: locked by another process")

// Is reports whether target is [ErrLocked].
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// lockPath is the lock file of the database at path.
func lockPath(path string) string { return path + ".lock" }

// holderText describes this process for the lock file.
func holderText(name string) string {
	if name == "" {
		name = strings.Join(os.Args, " ")
	}
	name = strings.Join(strings.Fields(name), " ")
	return fmt.Sprintf("pid %d, %s, since %s", os.Getpid(), name, time.Now().UTC().Format(time.RFC3339))
}

// readHolder reads the holder's description from a lock file, waiting
// briefly for a holder that has just taken the lock to write it.
func readHolder(path string) string {
	for range 20 {
		b, err := os.ReadFile(path)
		if err == nil && len(b) > 0 {
			return strings.TrimSpace(string(b[:min(len(b), 300)]))
		}
		time.Sleep(10 * time.Millisecond)
	}
	return ""
}
