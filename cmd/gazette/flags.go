package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

// questionLimit is the longest question, in characters, for the help.
var questionLimit = strconv.Itoa(rag.DefaultMaxQuestionRunes)

// sinceHelp describes the values every --since flag takes.
const sinceHelp = "a date (2006-01-02), a time (RFC 3339) or an age: 72h, 30d, 2w"

// nsFlag declares the --ns flag every command that reads or writes the
// library takes.
func nsFlag(fs *flag.FlagSet) *string {
	return fs.String("ns", news.LocalNamespace, "namespace: a Discord guild ID, or local for the command line's own library")
}

// parseSince reads a --since value: a date (2006-01-02), an RFC 3339 time,
// or an age back from now as a Go duration (72h, 90m) or in days or weeks
// (30d, 2w).
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, err := parseAge(s); err == nil {
		if d <= 0 {
			return time.Time{}, fmt.Errorf("--since %q must be a positive age", s)
		}
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
			if t.After(now) {
				return time.Time{}, fmt.Errorf("--since %s is in the future", s)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--since %q is not %s", s, sinceHelp)
}

// parseAge reads 30d, 2w, or anything time.ParseDuration reads.
func parseAge(s string) (time.Duration, error) {
	if n := len(s); n > 1 && (s[n-1] == 'd' || s[n-1] == 'w') {
		v, err := strconv.Atoi(s[:n-1])
		if err != nil {
			return 0, err
		}
		unit := 24 * time.Hour
		if s[n-1] == 'w' {
			unit *= 7
		}
		if v > 100*365 {
			return 0, fmt.Errorf("age %q is too long", s)
		}
		return time.Duration(v) * unit, nil
	}
	return time.ParseDuration(s)
}
